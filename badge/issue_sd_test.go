package badge_test

import (
	"context"
	"crypto/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

// An ecdsa-sd-2023 badge: the Issuer's default mandatory pointers keep
// what an Open Badge cannot be verified without, a holder's derived
// credential revealing only those verifies through the kernel, and the
// base credential verifies too.
func TestIssueSelectiveDisclosureBadgeDerivesAndVerifies(t *testing.T) {
	ctx := context.Background()
	k, err := did.GenerateKey(did.AlgP256, rand.Reader)
	require.NoError(t, err)
	iss := &badge.Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, Cryptosuite: proof.ECDSASD2023, Now: fixedNow}
	c, err := badge.NewCredential(iss.Profile("Example University"), testAchievement(), badge.RecipientDID("did:example:learner"),
		&badge.CredentialOptions{Now: fixedNow, Rand: testRand(5)})
	require.NoError(t, err)
	s, err := iss.Issue(ctx, c)
	require.NoError(t, err)
	v, err := badge.NewVerifier(badge.VerifierOptions{Now: fixedNow})
	require.NoError(t, err)

	res, err := v.Verify(ctx, s.JSON)
	require.NoError(t, err, "%v", res)

	derived, err := proof.Derive(ctx, s.JSON, []string{"/credentialSubject/achievement/image"}, nil)
	require.NoError(t, err)
	res, err = v.Verify(ctx, derived)
	require.NoError(t, err, "%v", res)
	assert.Equal(t, badge.Passed, res.Check(badge.CheckProof).Status)

	assert.Contains(t, badge.DefaultMandatoryPointers(map[string]any{"issuer": "x"}), "/issuer")
}
