package proof

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestECDSASDThroughVerifier: ecdsa-sd-2023 through the package's front
// doors: AddDataIntegrityProof with MandatoryPointers, Derive, and
// Verifier.VerifyProofs (key resolution, issuer binding, allow-list).
func TestECDSASDThroughVerifier(t *testing.T) {
	ctx := context.Background()
	assert.Contains(t, DefaultCryptosuites(), ECDSASD2023)
	for _, name := range []string{"P-256", "P-384"} {
		t.Run(name, func(t *testing.T) {
			s := testKeys()[name]
			vm, ctrl := didKey(t, s)
			base, err := AddDataIntegrityProof(ctx, credentialFor(t, ctrl), Key{Signer: s, VerificationMethod: vm},
				&DataIntegrityOptions{Cryptosuite: ECDSASD2023, MandatoryPointers: obMandatory, Created: time.Unix(1700000000, 0)})
			require.NoError(t, err)
			res, err := verifyDoc(t, &Verifier{}, base)
			require.NoError(t, err)
			require.NotNil(t, res[0].Disclosure)
			assert.True(t, res[0].Disclosure.Base)

			derived, err := Derive(ctx, base, []string{"/credentialSubject/achievement/name"}, nil)
			require.NoError(t, err)
			res, err = verifyDoc(t, &Verifier{}, derived)
			require.NoError(t, err)
			assert.Equal(t, StatusVerified, res[0].Status)
			assert.Equal(t, ECDSASD2023, res[0].Cryptosuite)
			require.NotNil(t, res[0].Disclosure)
			assert.False(t, res[0].Disclosure.Base)

			// Not in an explicit allow-list: unsupported, never verified.
			res, err = verifyDoc(t, &Verifier{AllowedCryptosuites: []string{EdDSARDFC2022}}, derived)
			require.Error(t, err)
			assert.Equal(t, StatusUnsupported, res[0].Status)
		})
	}
	// Mandatory pointers belong to ecdsa-sd-2023 only; Ed25519 cannot sign it.
	s := testKeys()["P-256"]
	vm, ctrl := didKey(t, s)
	_, err := AddDataIntegrityProof(ctx, credentialFor(t, ctrl), Key{Signer: s, VerificationMethod: vm},
		&DataIntegrityOptions{MandatoryPointers: obMandatory})
	assert.ErrorIs(t, err, ErrUnsupportedCryptosuite)
	ed := testKeys()["Ed25519"]
	vm, ctrl = didKey(t, ed)
	_, err = AddDataIntegrityProof(ctx, credentialFor(t, ctrl), Key{Signer: ed, VerificationMethod: vm},
		&DataIntegrityOptions{Cryptosuite: ECDSASD2023})
	assert.ErrorIs(t, err, ErrInvalidKey)
}

// TestECDSASD1EdTechThroughVerifier verifies the 1EdTech validator's
// derived credential as a verifier does, with the 1EdTech reading of its
// verification method.
func TestECDSASD1EdTechThroughVerifier(t *testing.T) {
	res, err := verifyDoc(t, &Verifier{InsecureFragmentKeys: true}, readFile(t, sdVectors+"1edtech-derivedcredential.json"))
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Equal(t, StatusVerified, res[0].Status)
	assert.Equal(t, "https://1edtech.edu/issuers/565049", res[0].Controller)
}
