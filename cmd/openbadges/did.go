package main

import "context"

// runDID is a placeholder until the command lands.
func runDID(ctx context.Context, e *env, args []string) int {
	return failf(e, "did", "not implemented yet")
}
