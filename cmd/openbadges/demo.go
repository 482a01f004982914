package main

import "context"

// runDemo is a placeholder until the command lands.
func runDemo(ctx context.Context, e *env, args []string) int {
	return failf(e, "demo", "not implemented yet")
}
