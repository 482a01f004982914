package badge_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/proof"
)

// TestOneErrorValuePerFailure: an issuer mismatch, an invalid key and a
// missing key are one error value each, whichever package raised them, so
// errors.Is answers the same for badge's and proof's names.
func TestOneErrorValuePerFailure(t *testing.T) {
	assert.Same(t, badge.ErrIssuerMismatch, proof.ErrIssuerMismatch)
	assert.Same(t, badge.ErrInvalidKey, proof.ErrInvalidKey)

	// A credential naming one issuer, signed (below the Issuer's own
	// check) by another key.
	iss := testIssuer(t, badge.DataIntegrity)
	cred := testCredential(t, iss)
	doc, err := cred.MarshalJSON()
	require.NoError(t, err)
	other := testKey(t, 9)
	signed, err := proof.AddDataIntegrityProof(context.Background(), doc, proof.Key{Signer: other.Signer, VerificationMethod: other.ID},
		&proof.DataIntegrityOptions{Created: fixedNow()})
	require.NoError(t, err)
	v, err := badge.NewVerifier(badge.VerifierOptions{Now: func() time.Time { return fixedNow().Add(time.Hour) }, InsecureSkipStatus: true})
	require.NoError(t, err)
	res, err := v.Verify(context.Background(), signed)
	require.Error(t, err)
	assert.ErrorIs(t, err, badge.ErrIssuerMismatch)
	assert.ErrorIs(t, err, proof.ErrIssuerMismatch)
	assert.Equal(t, badge.Failed, res.Check(badge.CheckIssuer).Status)

	// The Issuer refuses the same binding before signing, with the same value.
	bad := *iss
	bad.Key = proof.Key{Signer: other.Signer, VerificationMethod: other.ID}
	_, err = bad.Issue(context.Background(), cred)
	assert.ErrorIs(t, err, proof.ErrIssuerMismatch)
}
