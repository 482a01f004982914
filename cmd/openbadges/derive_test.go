package main

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

// TestDeriveRevealsOnlyWhatItIsAsked: openbadges derive turns an
// ecdsa-sd-2023 badge into a disclosure that keeps the mandatory
// statements and the --reveal ones, which openbadges verify accepts.
func TestDeriveRevealsOnlyWhatItIsAsked(t *testing.T) {
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	k, err := did.GenerateKey(did.AlgP256, rand.Reader)
	require.NoError(t, err)
	iss := &badge.Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, Cryptosuite: proof.ECDSASD2023, Now: clock}
	a := badge.NewAchievement("https://example.edu/a/1", "Data", "Data badge", "Earn it.")
	c, err := badge.NewCredential(iss.Profile("Example College"), a, badge.RecipientDID("did:example:learner"), &badge.CredentialOptions{Now: clock})
	require.NoError(t, err)
	s, err := iss.Issue(context.Background(), c)
	require.NoError(t, err)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "sd.json"), filepath.Join(dir, "derived.json")
	require.NoError(t, os.WriteFile(in, s.JSON, 0o600))

	code, stdout, stderr := runCLI(t, "", "derive", "-o", out, in)
	require.Equal(t, exitOK, code, stdout+stderr)
	derived, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.NotContains(t, string(derived), `"proofValue":"`+"u2V0A", "a base proof value")

	code, stdout, _ = runCLI(t, "", "verify", "--offline", "--now", "2024-06-01T00:00:00Z", out)
	assert.Equal(t, exitOK, code, stdout)
	assert.Contains(t, stdout, "ecdsa-sd-2023")

	code, _, stderr = runCLI(t, "", "derive", "--reveal", "credentialSubject", in)
	assert.Equal(t, exitUsage, code, stderr)
}

// TestIssueSelectiveDisclosureWithMandatoryPointers: openbadges issue
// --suite ecdsa-sd-2023 --mandatory signs a base proof that derive and
// verify accept; --mandatory is refused for other suites.
func TestIssueSelectiveDisclosureWithMandatoryPointers(t *testing.T) {
	keyPath, credPath, _ := issueFixture(t, did.AlgP256, false)
	dir := t.TempDir()
	signed, derived := filepath.Join(dir, "sd.json"), filepath.Join(dir, "derived.json")
	code, out, errOut := runCLI(t, "", "issue", "--key", keyPath, "--suite", "ecdsa-sd-2023",
		"--mandatory", "/issuer", "--mandatory", "/validFrom", credPath)
	require.Equal(t, exitOK, code, out+errOut)
	assert.Contains(t, out, `"cryptosuite": "ecdsa-sd-2023"`)
	require.NoError(t, os.WriteFile(signed, []byte(out), 0o600))
	code, out, errOut = runCLI(t, "", "derive", "--reveal", "/credentialSubject/id", "-o", derived, signed)
	require.Equal(t, exitOK, code, out+errOut)

	code, _, errOut = runCLI(t, "", "issue", "--key", keyPath, "--mandatory", "/issuer", credPath)
	assert.Equal(t, exitUsage, code, errOut)
}
