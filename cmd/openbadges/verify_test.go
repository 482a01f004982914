package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	validatorDir = "../../badge/testdata/examples/validator/ob30/"
	testlistURL  = "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist"
)

func TestVerifyReportsEveryCheck(t *testing.T) {
	code, out, errOut := runCLI(t, "", "verify", "--offline", "--insecure-fragment-keys", "--now", "2024-06-01T00:00:00Z", validatorDir+"simple.json")
	require.Equal(t, exitOK, code, out+errOut)
	assert.Contains(t, out, "VERIFIED")
	for _, id := range []string{"parse", "context", "type", "schema", "subject", "proof", "issuer_binding", "refresh", "validity_period", "status", "endorsements", "recipient"} {
		assert.Contains(t, out, id)
	}
}

func TestVerifyJSONOutput(t *testing.T) {
	code, out, _ := runCLI(t, "", "verify", "--json", "--offline", "--insecure-fragment-keys", "--now", "2024-06-01T00:00:00Z", validatorDir+"simple-err-expired.json")
	assert.Equal(t, exitInvalid, code)
	var res struct {
		Verified bool `json:"verified"`
		Checks   []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Error  string `json:"error"`
		} `json:"checks"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res), out)
	assert.False(t, res.Verified)
	found := false
	for _, c := range res.Checks {
		if c.ID == "validity_period" {
			found = true
			assert.Equal(t, "failed", c.Status)
			assert.Contains(t, c.Error, "expired")
		}
	}
	assert.True(t, found)
}

// The 1EdTech sample list's id is not the URL its credentials name: by
// default its status is unknown (a list must be the one the entry names);
// --allow-list-id-mismatch reads it, and finds the credential revoked.
func TestVerifyDetectsRevocationFromALocalStatusList(t *testing.T) {
	args := []string{"verify", "--offline", "--insecure-fragment-keys", "--now", "2024-06-01T00:00:00Z",
		"--status-list", testlistURL + "=../../status/testdata/testlist.json"}
	code, out, _ := runCLI(t, "", append(args, "../../status/testdata/credential-status-revoked.json")...)
	assert.Equal(t, exitInvalid, code, out)
	assert.Contains(t, out, "[FAIL] status")
	assert.Contains(t, out, "status list id does not match its URL")

	code, out, _ = runCLI(t, "", append(args, "--allow-list-id-mismatch", "../../status/testdata/credential-status-revoked.json")...)
	assert.Equal(t, exitInvalid, code, out)
	assert.Contains(t, out, "[FAIL] status")
	assert.Contains(t, out, "credential revoked")
}

func TestVerifyStatusWithoutListFailsClosedOffline(t *testing.T) {
	code, out, _ := runCLI(t, "", "verify", "--offline", "--insecure-fragment-keys", "--now", "2024-06-01T00:00:00Z",
		"../../status/testdata/credential-status-revoked.json")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, out, "[FAIL] status")

	code, out, _ = runCLI(t, "", "verify", "--offline", "--skip-status", "--insecure-fragment-keys", "--now", "2024-06-01T00:00:00Z",
		"../../status/testdata/credential-status-revoked.json")
	assert.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "[skip] status")
}

func TestVerifyWhatTheDemoIssued(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := runCLI(t, "", "demo", "--out", dir)
	require.Equal(t, exitOK, code, errOut)
	for _, f := range []string{"badge-signed.json", "badge.jwt", "badge.png", "badge.svg"} {
		code, out, _ := runCLI(t, "", "verify", "--offline", filepath.Join(dir, f))
		assert.Equal(t, exitOK, code, "%s:\n%s", f, out)
	}
	code, out, _ := runCLI(t, "", "verify", "--offline", "--recipient", "id:did:example:learner-8f2b", filepath.Join(dir, "badge.png"))
	assert.Equal(t, exitOK, code, out)
	code, out, _ = runCLI(t, "", "verify", "--offline", "--recipient", "id:did:example:someone-else", filepath.Join(dir, "badge.png"))
	assert.Equal(t, exitInvalid, code, out)
	assert.Contains(t, out, "[FAIL] recipient")
}

func TestVerifyUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"verify"},
		{"verify", "--now", "yesterday", "x.json"},
		{"verify", "--recipient", "novalue", "x.json"},
		{"verify", "--status-list", "nofile", "x.json"},
		{"verify", "a.json", "b.json"},
	} {
		code, _, _ := runCLI(t, "", args...)
		assert.Equal(t, exitUsage, code, args)
	}
	code, _, errOut := runCLI(t, "", "verify", "--offline", "does-not-exist.json")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errOut, "does-not-exist.json")
}

func TestVerifyTimeoutBoundsTheWholeVerification(t *testing.T) {
	code, out, errOut := runCLI(t, "", "verify", "--offline", "--insecure-fragment-keys", "--now", "2024-06-01T00:00:00Z", "--timeout", "1ns", validatorDir+"simple.json")
	assert.Equal(t, exitInvalid, code, out+errOut)
	assert.Contains(t, out, "NOT VERIFIED")
	assert.Contains(t, out, "deadline exceeded")
}

func TestVerifyRefusesANonPositiveBudget(t *testing.T) {
	for _, args := range [][]string{{"--timeout", "0s"}, {"--timeout", "-1s"}, {"--max-fetches", "0"}, {"--max-fetches", "-3"}} {
		code, _, errOut := runCLI(t, "", append(append([]string{"verify"}, args...), validatorDir+"simple.json")...)
		assert.Equal(t, exitUsage, code, "%v: %s", args, errOut)
	}
}
