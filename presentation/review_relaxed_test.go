package presentation_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/presentation"
	"github.com/openbadges-go/openbadges/proof"
)

// Regression (adversarial review of the kernel): a nested credential that verified only under a relaxation (here
// InsecureFragmentKeys for its issuer) leaves every check of the
// presentation Passed: no warning at the top level (the endorsements check
// does surface such nested relaxations; credentials/nested_credentials do
// not).
func TestACredentialVerifiedUnderARelaxationIsReportedOnThePresentation(t *testing.T) {
	ctx := context.Background()
	holder := newParty(t, 9, badge.DataIntegrity)
	forger := newParty(t, 66, badge.DataIntegrity)
	issuerURL := "https://university.example/issuer"
	mk := strings.TrimPrefix(forger.key.Controller, "did:key:")
	iss := &badge.Issuer{Key: proof.Key{Signer: forger.key.Signer, VerificationMethod: issuerURL + "#" + mk}, Now: fixedNow}
	a := badge.NewAchievement("https://university.example/a/phd", "PhD", "A PhD.", "Earn it.")
	c, err := badge.NewCredential(iss.Profile("University"), a, badge.RecipientDID(holder.key.Controller), &badge.CredentialOptions{Now: fixedNow})
	require.NoError(t, err)
	s, err := iss.Issue(ctx, c)
	require.NoError(t, err)
	vp, err := presentation.Sign(ctx, holder.pk, [][]byte{s.Bytes()}, signOpts())
	require.NoError(t, err)
	bv, err := badge.NewVerifier(badge.VerifierOptions{Now: fixedNow, Policy: badge.Policy1EdTechValidator})
	require.NoError(t, err)
	res, err := presentation.VerifyPresentation(ctx, vp, options(t, bv))
	require.NoError(t, err)
	relaxed := false
	for _, ch := range res.Checks {
		t.Logf("%s %s %v", ch.ID, ch.Status, ch.Err)
		if ch.Status == badge.Warning && errors.Is(ch.Err, badge.ErrRelaxed) {
			relaxed = true
		}
	}
	require.True(t, relaxed, "a credential verified only under InsecureFragmentKeys, and no top-level check says so")
}
