package main

import "context"

// runBake is a placeholder until the command lands.
func runBake(ctx context.Context, e *env, args []string) int {
	return failf(e, "bake", "not implemented yet")
}
