package badge_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

// TestCheckJSONRefusesWhatIssueJSONRefuses pins a review finding, now fixed. What it found:
// whenever IssueJSON refuses (returns
// no Signed), CheckJSON must not return nil.
func TestCheckJSONRefusesWhatIssueJSONRefuses(t *testing.T) {
	ctx := context.Background()
	p256, err := did.GenerateKey(did.AlgP256, rand.Reader)
	require.NoError(t, err)
	ed := testKey(t, 1)
	edKey := proof.Key{Signer: ed.Signer, VerificationMethod: ed.ID}
	pKey := proof.Key{Signer: p256.Signer, VerificationMethod: p256.ID}

	badgeFor := func(iss *badge.Issuer) []byte {
		b, err := json.Marshal(testCredential(t, iss))
		require.NoError(t, err)
		return b
	}
	vc11 := func(issuer string) []byte {
		return []byte(`{"@context":["https://www.w3.org/2018/credentials/v1"],"id":"urn:uuid:5f0c2d4e-8a7b-4c3d-9e1f-2a3b4c5d6e71",` +
			`"type":["VerifiableCredential"],"issuer":"` + issuer + `","issuanceDate":"2024-01-01T00:00:00Z","credentialSubject":{"id":"did:example:ada"}}`)
	}
	cases := []struct {
		name string
		iss  *badge.Issuer
		doc  func(*badge.Issuer) []byte
	}{
		{"cryptosuite does not fit the key", &badge.Issuer{Key: edKey, Cryptosuite: proof.ECDSARDFC2019, Now: fixedNow}, badgeFor},
		{"unknown cryptosuite", &badge.Issuer{Key: edKey, Cryptosuite: "nope-2099", Now: fixedNow}, badgeFor},
		{"JWT algorithm does not fit the key", &badge.Issuer{Key: edKey, Format: badge.JWT, Algorithm: proof.RS256, Now: fixedNow}, badgeFor},
		{"mandatory pointers with a non-sd suite", &badge.Issuer{Key: edKey, MandatoryPointers: []string{"/issuer"}, Now: fixedNow}, badgeFor},
		{"ecdsa-sd pointer to nothing", &badge.Issuer{Key: pKey, Cryptosuite: proof.ECDSASD2023, MandatoryPointers: []string{"/nothingHere"}, Now: fixedNow}, badgeFor},
		{"VC-JOSE of a VC 1.1 credential", &badge.Issuer{Key: edKey, Format: badge.JWT, VCJOSE: true, Now: fixedNow},
			func(i *badge.Issuer) []byte { return vc11(ed.Controller) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := tc.doc(tc.iss)
			s, ierr := tc.iss.IssueJSON(ctx, doc)
			require.Nil(t, s, "IssueJSON signed it")
			require.Error(t, ierr)
			cerr := tc.iss.CheckJSON(ctx, doc)
			assert.Error(t, cerr, "CheckJSON passed what IssueJSON refuses: %v", ierr)
		})
	}
}
