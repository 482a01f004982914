package badge

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/openbadges-go/openbadges/proof"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// witnessDoc returns the unsigned badge of the college, as JSON, with its
// issuer id replaced when issuerID is not "".
func witnessDoc(t *testing.T, college *Issuer, issuerID string) []byte {
	t.Helper()
	raw, err := json.Marshal(attackBadge(t, college, "Welding I", "did:example:alice"))
	require.NoError(t, err)
	if issuerID == "" {
		return raw
	}
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	doc["issuer"].(map[string]any)["id"] = issuerID
	raw, err = json.Marshal(doc)
	require.NoError(t, err)
	return raw
}

func addProof(t *testing.T, doc []byte, by *Issuer, id string, prev ...string) []byte {
	t.Helper()
	out, err := proof.AddDataIntegrityProof(context.Background(), doc, by.Key, &proof.DataIntegrityOptions{Created: rtNow, ID: id, PreviousProof: prev})
	require.NoError(t, err)
	return out
}

// TestWitnessProofsInTheKernel: a badge whose proof set or chain holds
// proofs by other parties verifies when the issuer's proof verifies; the
// issuer check names the witnesses and never counts one as the issuer's.
func TestWitnessProofsInTheKernel(t *testing.T) {
	college, ck := attackIssuer(t, "college")
	notary, nk := attackIssuer(t, "notary")
	mallory, _ := attackIssuer(t, "mallory")
	doc := witnessDoc(t, college, "")
	for name, signed := range map[string][]byte{
		"set":                         addProof(t, addProof(t, doc, college, "urn:p:c"), notary, "urn:p:n"),
		"chain: witness, then issuer": addProof(t, addProof(t, doc, notary, "urn:p:n"), college, "urn:p:c", "urn:p:n"),
		"chain: issuer, then notary":  addProof(t, addProof(t, doc, college, "urn:p:c"), notary, "urn:p:n", "urn:p:c"),
	} {
		t.Run(name, func(t *testing.T) {
			res, err := rtVerifier(t).Verify(context.Background(), signed)
			require.NoError(t, err, report(res))
			c := res.Check(CheckIssuer)
			assert.Equal(t, Passed, c.Status)
			assert.Contains(t, c.Detail, "signed by "+ck.Controller+" for issuer "+ck.Controller)
			assert.Contains(t, c.Detail, "witnessed by proof")
			assert.Contains(t, c.Detail, nk.Controller)
			require.Len(t, res.Proofs, 2)
			for _, p := range res.Proofs {
				assert.Equal(t, proof.StatusVerified, p.Status)
				assert.Equal(t, p.Controller == ck.Controller, proof.IssuerProof(p, ck.Controller))
			}
		})
	}
	t.Run("witnesses only", func(t *testing.T) {
		signed := addProof(t, addProof(t, doc, notary, "urn:p:n"), mallory, "urn:p:m", "urn:p:n")
		res := mustVerifyFails(t, signed, "no proof of the issuer")
		assert.Equal(t, Failed, res.Check(CheckProof).Status)
		assert.Equal(t, Failed, res.Check(CheckIssuer).Status)
		assert.ErrorIs(t, res.Check(CheckIssuer).Err, ErrIssuerMismatch)
	})
	t.Run("a witness that does not verify", func(t *testing.T) {
		signed := addProof(t, addProof(t, doc, college, "urn:p:c"), notary, "urn:p:n")
		var m map[string]any
		require.NoError(t, json.Unmarshal(signed, &m))
		m["proof"].([]any)[1].(map[string]any)["created"] = "2020-01-01T00:00:00Z"
		tampered, err := json.Marshal(m)
		require.NoError(t, err)
		res := mustVerifyFails(t, tampered, "every proof must verify")
		assert.ErrorIs(t, res.Check(CheckProof).Err, proof.ErrSignatureInvalid)
	})
	t.Run("the chain cut", func(t *testing.T) {
		signed := addProof(t, addProof(t, doc, notary, "urn:p:n"), college, "urn:p:c", "urn:p:n")
		var m map[string]any
		require.NoError(t, json.Unmarshal(signed, &m))
		m["proof"] = m["proof"].([]any)[1:]
		cut, err := json.Marshal(m)
		require.NoError(t, err)
		res := mustVerifyFails(t, cut, "a chained proof whose predecessor is gone")
		assert.ErrorIs(t, res.Check(CheckProof).Err, proof.ErrMalformedProof)
	})
}

// TestWitnessesUnderInsecureDIDKeyIssuer: the relaxation lets a did:key
// sign for an issuer that is not a DID, but it cannot pick the issuer's
// among several did:key proofs, and a proof by the issuer exactly makes
// every did:key proof a witness's.
func TestWitnessesUnderInsecureDIDKeyIssuer(t *testing.T) {
	college, ck := attackIssuer(t, "college")
	notary, _ := attackIssuer(t, "notary")
	v, err := NewVerifier(VerifierOptions{Now: rtVerifier(t).o.Now, InsecureDIDKeyIssuer: true})
	require.NoError(t, err)
	doc := witnessDoc(t, college, "https://college.example.edu/issuer")

	res, err := v.Verify(context.Background(), addProof(t, doc, college, "urn:p:c"))
	require.NoError(t, err, report(res))
	assert.Equal(t, Warning, res.Check(CheckIssuer).Status)
	assert.ErrorIs(t, res.Check(CheckIssuer).Err, ErrRelaxed)
	assert.Contains(t, res.Check(CheckIssuer).Detail, "signed by "+ck.Controller)

	res, err = v.Verify(context.Background(), addProof(t, addProof(t, doc, college, "urn:p:c"), notary, "urn:p:n", "urn:p:c"))
	require.Error(t, err, report(res))
	assert.Equal(t, Failed, res.Check(CheckIssuer).Status)
	assert.ErrorIs(t, res.Check(CheckIssuer).Err, ErrIssuerMismatch)
	assert.Contains(t, res.Check(CheckIssuer).Err.Error(), "2 did:key controllers")
}
