package main

import "context"

// runCanon is a placeholder until the command lands.
func runCanon(ctx context.Context, e *env, args []string) int {
	return failf(e, "canon", "not implemented yet")
}
