//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package main

import "os"

// lockBatchDir opens the lock file; this platform gets no lock: do not run
// two batches on one OUTDIR at once.
func lockBatchDir(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
}

// syncDir makes the entries of dir durable where the platform allows it
// (Windows cannot sync a directory; its renames are durable with the file
// system's journal).
func syncDir(dir string) error {
	if f, err := os.Open(dir); err == nil {
		_ = f.Sync()
		f.Close()
	}
	return nil
}
