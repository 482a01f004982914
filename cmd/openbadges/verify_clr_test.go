package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestVerifyRecognisesACLR: openbadges verify checks a CLR 2.0 record and
// every credential in it (it refused every CLR as "not an Open Badges
// credential type"); the 1EdTech samples give their documented outcomes.
func TestVerifyRecognisesACLR(t *testing.T) {
	// The vector's keys are 1EdTech https#z6Mk fragments.
	code, out, _ := runCLI(t, "", "verify", "--offline", "--now", "2024-06-01T00:00:00Z", "--insecure-fragment-keys",
		"../../badge/clr/testdata/clr-vector-signed.json")
	assert.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "ClrCredential")
	assert.Contains(t, out, "[ok  ] nested_credentials")
	assert.Contains(t, out, "[ok  ] associations")

	code, out, _ = runCLI(t, "", "verify", "--offline", "--now", "2024-06-01T00:00:00Z", "--json",
		"../../badge/clr/testdata/complex.json")
	assert.Equal(t, exitInvalid, code, out)
	assert.Contains(t, out, `"verified": false`)

	// The CLR pipeline has no recipient check: asking for one is an error,
	// never silently dropped.
	code, _, errOut := runCLI(t, "", "verify", "--offline", "--recipient", "id:did:example:x",
		"../../badge/clr/testdata/complex.json")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--recipient")
}
