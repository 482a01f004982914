//go:build unix

package server_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user and system) this process has used, or
// zero where it cannot be read.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
