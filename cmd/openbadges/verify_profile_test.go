package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestVerifyProfile: --profile picks a named verification profile; the
// 1EdTech validator's profile accepts its did:key-for-urn:uuid sample with
// a warning on issuer binding, the default refuses it, an unknown name and
// a flag the named profile does not relax are usage errors.
func TestVerifyProfile(t *testing.T) {
	const sample = "../../badge/testdata/examples/validator/ob30/simple-did-key-method.json"
	base := []string{"verify", "--offline", "--now", "2024-06-01T00:00:00Z"}

	code, out, _ := runCLI(t, "", append(base, sample)...)
	assert.Equal(t, exitInvalid, code, out)
	assert.Contains(t, out, "[FAIL] issuer_binding")

	code, out, _ = runCLI(t, "", append(base, "--profile", "1edtech-validator", sample)...)
	assert.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "[warn] issuer_binding")
	assert.Contains(t, out, "1edtech-validator")

	code, _, errOut := runCLI(t, "", append(base, "--profile", "bogus", sample)...)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "interop")

	code, _, errOut = runCLI(t, "", append(base, "--profile", "strict", "--insecure-fragment-keys", sample)...)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "contradictory")
}

// TestVerifyAllowsEd25519Signature2018WhenAsked: a 2023 plugfest badge
// signed with the legacy JWS-detached suite verifies with
// --allow-ed25519signature2018, with a warning naming the relaxation, and
// not without it.
func TestVerifyAllowsEd25519Signature2018WhenAsked(t *testing.T) {
	const f = "../../proof/testdata/ed25519-2018/jff-plugfest3-signed.json"
	code, out, _ := runCLI(t, "", "verify", "--offline", "--skip-status", "--allow-ed25519signature2018", f)
	assert.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "[warn] proof")
	assert.Contains(t, out, "Ed25519Signature2018")
	code, out, _ = runCLI(t, "", "verify", "--offline", "--skip-status", f)
	assert.Equal(t, exitInvalid, code, out)
}
