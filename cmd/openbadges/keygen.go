package main

import "context"

// runKeygen is a placeholder until the command lands.
func runKeygen(ctx context.Context, e *env, args []string) int {
	return failf(e, "keygen", "not implemented yet")
}
