package proof

import (
	"context"
	"crypto/ed25519"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
)

// TestInsecureFragmentKeysReadsURNUUIDFragments: with the 1EdTech rule, a
// key named "urn:uuid:…#z6Mk…" is read from its fragment and the urn:uuid
// is its controller (the validator's CLR samples are signed so); without
// it, such a key cannot be resolved.
func TestInsecureFragmentKeysReadsURNUUIDFragments(t *testing.T) {
	priv := testKeys()["Ed25519"].(ed25519.PrivateKey)
	mb, err := did.EncodeMultikey(priv.Public())
	require.NoError(t, err)
	const issuer = "urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164"
	doc, err := AddDataIntegrityProof(context.Background(), credentialFor(t, issuer), Key{Signer: priv, VerificationMethod: issuer + "#" + mb}, nil)
	require.NoError(t, err)

	res, err := verifyDoc(t, &Verifier{InsecureFragmentKeys: true}, doc)
	require.NoError(t, err)
	assert.Equal(t, issuer, res[0].Controller)

	_, err = verifyDoc(t, &Verifier{}, doc)
	assert.ErrorIs(t, err, ErrKeyNotFound)
}
