package main

import "context"

// runUnbake is a placeholder until the command lands.
func runUnbake(ctx context.Context, e *env, args []string) int {
	return failf(e, "unbake", "not implemented yet")
}
