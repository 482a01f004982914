package presentation_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/presentation"
	"github.com/openbadges-go/openbadges/proof"
)

// Regression (adversarial review of the kernel): with a badge verifier on the 1edtech-validator profile (fragment keys
// for issuers), the HOLDER proof also accepts a key written in the fragment
// of the holder's https URL: anyone authenticates as any https holder, and
// holder_proof reports Passed with no warning.
func TestTheHolderProofNeverTakesAKeyFromAURLFragmentUnderTheValidatorProfile(t *testing.T) {
	ctx := context.Background()
	uni := newParty(t, 1, badge.DataIntegrity)
	attacker := newParty(t, 66, badge.DataIntegrity)
	victim := "https://victim.example/people/alice"
	// An honest issuer's badge about the victim (e.g. published on her page).
	cred := issueTo(t, uni, badge.RecipientDID(victim), "https://example.edu/a/1")

	mk := strings.TrimPrefix(attacker.key.Controller, "did:key:")
	forgedKey := proof.Key{Signer: attacker.key.Signer, VerificationMethod: victim + "#" + mk}
	vp, err := presentation.Sign(ctx, forgedKey, [][]byte{cred}, signOpts())
	require.NoError(t, err)

	bv, err := badge.NewVerifier(badge.VerifierOptions{Now: fixedNow, Policy: badge.Policy1EdTechValidator})
	require.NoError(t, err)
	res, err := presentation.VerifyPresentation(ctx, vp, options(t, bv))
	for _, c := range res.Checks {
		t.Logf("%s %s %v %s", c.ID, c.Status, c.Err, c.Detail)
	}
	require.Error(t, err, "a presentation signed by an attacker's key in the fragment of the victim's URL verified as the victim (holder %q)", res.Holder)
}

// Regression (adversarial review of the kernel): same with only InsecureFragmentKeys set on the badge verifier.
func TestTheHolderProofNeverTakesAKeyFromAURLFragment(t *testing.T) {
	ctx := context.Background()
	uni := newParty(t, 1, badge.DataIntegrity)
	attacker := newParty(t, 66, badge.DataIntegrity)
	victim := "https://victim.example/people/alice"
	cred := issueTo(t, uni, badge.RecipientDID(victim), "https://example.edu/a/1")
	mk := strings.TrimPrefix(attacker.key.Controller, "did:key:")
	vp, err := presentation.Sign(ctx, proof.Key{Signer: attacker.key.Signer, VerificationMethod: victim + "#" + mk}, [][]byte{cred}, signOpts())
	require.NoError(t, err)
	bv, err := badge.NewVerifier(badge.VerifierOptions{Now: fixedNow, InsecureFragmentKeys: true})
	require.NoError(t, err)
	res, err := presentation.VerifyPresentation(ctx, vp, options(t, bv))
	for _, c := range res.Checks {
		t.Logf("%s %s %v %s", c.ID, c.Status, c.Err, c.Detail)
	}
	require.Error(t, err, "holder impersonated via fragment key")
}
