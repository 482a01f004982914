package main

import "context"

// runIssue is a placeholder until the command lands.
func runIssue(ctx context.Context, e *env, args []string) int {
	return failf(e, "issue", "not implemented yet")
}
