package badge_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

var rvNow = func() time.Time { return time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) }

func rvIssue(t *testing.T, seed byte, subject string) []byte {
	t.Helper()
	k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	require.NoError(t, err)
	iss := &badge.Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, Now: rvNow}
	a := badge.NewAchievement("https://example.edu/a/1", "A", "A badge.", "Earn it.")
	c, err := badge.NewCredential(iss.Profile("Issuer"), a, badge.RecipientDID(subject), &badge.CredentialOptions{Now: rvNow})
	require.NoError(t, err)
	s, err := iss.Issue(context.Background(), c)
	require.NoError(t, err)
	return s.Bytes()
}

// Regression (adversarial review of the kernel): VerifyOptions.Families names the only families the input may be
// verified as ("another is verified as the first, and fails its type
// check"). When the first family is not registered on the verifier, kind()
// falls back to Open Badges and an Open Badge verifies.
func TestAFamilyTheVerifierDoesNotHaveFailsClosed(t *testing.T) {
	v, err := badge.NewVerifier(badge.VerifierOptions{Now: rvNow})
	require.NoError(t, err)
	ob := rvIssue(t, 1, "did:example:learner")
	for _, f := range []badge.Family{badge.FamilyCLR, badge.FamilyPresentation, "NoSuchFamily"} {
		res, err := v.VerifyWith(context.Background(), ob, &badge.VerifyOptions{Families: []badge.Family{f}})
		t.Logf("Families=[%s]: verified=%v family=%s", f, res.Verified, res.Family)
		require.Error(t, err, "an Open Badge verified although Families=[%s]", f)
	}
}
