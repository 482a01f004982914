package server_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

// The W3C Data Integrity suites' proof chain with a witness: a first
// proof by a key the issuer does not control, then the issuer's naming it
// in previousProof, verifies; a witness never stands in for the issuer.
func TestVerifyProofChainWithAWitness(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	wk, err := did.GenerateKey(did.AlgEd25519, rand.Reader)
	require.NoError(t, err)
	witness := proof.Key{Signer: wk.Signer, VerificationMethod: wk.ID}
	c := exampleCredential()
	c["issuer"] = f.issuer
	unsigned, err := json.Marshal(c)
	require.NoError(t, err)
	first, err := proof.AddDataIntegrityProof(ctx, unsigned, witness, &proof.DataIntegrityOptions{ID: "urn:uuid:proof-1"})
	require.NoError(t, err)
	chained, err := proof.AddDataIntegrityProof(ctx, first, f.pk, &proof.DataIntegrityOptions{ID: "urn:uuid:proof-2", PreviousProof: []string{"urn:uuid:proof-1"}})
	require.NoError(t, err)
	decode := func(b []byte) map[string]any {
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		return m
	}

	r, res := f.verify(t, decode(chained))
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, true, res["verified"])

	// The witness's proof alone.
	r, _ = f.verify(t, decode(first))
	assert.Equal(t, http.StatusUnprocessableEntity, r.status, "%s", r.body)

	// The issuer's proof cut from the chain: the witness's is left alone.
	cut := decode(chained)
	cut["proof"] = cut["proof"].([]any)[0]
	r, _ = f.verify(t, cut)
	assert.Equal(t, http.StatusUnprocessableEntity, r.status, "%s", r.body)

	// The witness's proof changed: the issuer's proof signed it, and it
	// must verify itself.
	changed := decode(chained)
	changed["proof"].([]any)[0].(map[string]any)["created"] = "2001-01-01T00:00:00Z"
	r, _ = f.verify(t, changed)
	assert.Equal(t, http.StatusUnprocessableEntity, r.status, "%s", r.body)
}
