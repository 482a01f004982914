package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestServeProfileRefusesAnUnknownNameListingTheValidOnes: --profile is
// parsed by badge.ParsePolicy before anything starts.
func TestServeProfileRefusesAnUnknownNameListingTheValidOnes(t *testing.T) {
	code, _, stderr := runCLI(t, "", "serve", "--addr", "127.0.0.1:0", "--profile", "lenient")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `unknown verification policy "lenient" (valid: strict, interop, 1edtech-validator)`)
}
