package proof

import (
	"context"
	"testing"

	"github.com/openbadges-go/openbadges/vc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTooManyProofsAreRefusedBeforeAnyWork(t *testing.T) {
	var proofs []byte
	for i := 0; i < DefaultMaxProofs+1; i++ {
		if i > 0 {
			proofs = append(proofs, ',')
		}
		proofs = append(proofs, `{"type":"DataIntegrityProof","cryptosuite":"eddsa-rdfc-2022","proofPurpose":"assertionMethod","verificationMethod":"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK","proofValue":"z1"}`...)
	}
	doc := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:example:1","credentialSubject":{"id":"did:example:2"},"proof":[` + string(proofs) + `]}`
	c, err := vc.Parse([]byte(doc))
	require.NoError(t, err)
	_, err = (&Verifier{}).VerifyProofs(context.Background(), c)
	assert.ErrorIs(t, err, ErrMalformedProof)
	assert.Contains(t, err.Error(), "limit")
}
