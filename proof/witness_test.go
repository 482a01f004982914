package proof

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/did"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// witnessFixture is an issuer's credential and the keys of the issuer and
// of two other parties (witnesses, notaries).
type witnessFixture struct {
	t                   *testing.T
	issuer, w1, w2      crypto.Signer
	issuerVM, issuerDID string
	w1VM, w1DID         string
	w2VM, w2DID         string
	doc                 []byte // unsigned, issued by issuerDID
}

func newWitnessFixture(t *testing.T) *witnessFixture {
	t.Helper()
	keys := testKeys()
	f := &witnessFixture{t: t, issuer: keys["Ed25519"], w1: keys["other"], w2: keys["P-256"]}
	f.issuerVM, f.issuerDID = didKey(t, f.issuer)
	f.w1VM, f.w1DID = didKey(t, f.w1)
	f.w2VM, f.w2DID = didKey(t, f.w2)
	var b bytes.Buffer
	require.NoError(t, json.Compact(&b, credentialFor(t, f.issuerDID)))
	f.doc = b.Bytes()
	return f
}

// sign adds a proof by s (named by vm) with id and the proofs it chains to.
func (f *witnessFixture) sign(doc []byte, s crypto.Signer, vm, id string, prev ...string) []byte {
	f.t.Helper()
	out, err := AddDataIntegrityProof(context.Background(), doc, Key{Signer: s, VerificationMethod: vm},
		&DataIntegrityOptions{ID: id, PreviousProof: prev, Created: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)})
	require.NoError(f.t, err)
	return out
}

// TestWitnessProofs: proof sets and chains holding proofs by parties other
// than the issuer verify when a proof by the issuer's key verifies and
// every other proof verifies too; each result names its controller.
func TestWitnessProofs(t *testing.T) {
	f := newWitnessFixture(t)
	tests := []struct {
		name        string
		doc         []byte
		controllers []string
	}{
		{"set: issuer, then witness", f.sign(f.sign(f.doc, f.issuer, f.issuerVM, "urn:p:i"), f.w1, f.w1VM, "urn:p:w"),
			[]string{f.issuerDID, f.w1DID}},
		{"set: witness, then issuer", f.sign(f.sign(f.doc, f.w1, f.w1VM, "urn:p:w"), f.issuer, f.issuerVM, "urn:p:i"),
			[]string{f.w1DID, f.issuerDID}},
		// The W3C vc-di-eddsa suite's proof chain: a proof by a key the
		// issuer does not control, then the issuer's naming it.
		{"chain: witness, then issuer", f.sign(f.sign(f.doc, f.w1, f.w1VM, "urn:p:w"), f.issuer, f.issuerVM, "urn:p:i", "urn:p:w"),
			[]string{f.w1DID, f.issuerDID}},
		{"chain: issuer, then notary", f.sign(f.sign(f.doc, f.issuer, f.issuerVM, "urn:p:i"), f.w1, f.w1VM, "urn:p:n", "urn:p:i"),
			[]string{f.issuerDID, f.w1DID}},
		{"chain: witness, witness (P-256), issuer naming both", f.sign(f.sign(f.sign(f.doc, f.w1, f.w1VM, "urn:p:w1"), f.w2, f.w2VM, "urn:p:w2", "urn:p:w1"),
			f.issuer, f.issuerVM, "urn:p:i", "urn:p:w1", "urn:p:w2"), []string{f.w1DID, f.w2DID, f.issuerDID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := verifyDoc(t, &Verifier{}, tt.doc)
			require.NoError(t, err)
			require.Len(t, res, len(tt.controllers))
			issuerProofs := 0
			for i, r := range res {
				assert.Equal(t, StatusVerified, r.Status, "proof %d", i)
				assert.Equal(t, tt.controllers[i], r.Controller, "proof %d", i)
				if IssuerProof(r, f.issuerDID) {
					issuerProofs++
				}
			}
			assert.Equal(t, 1, issuerProofs, "exactly the issuer's proof is the issuer's")
		})
	}
}

// TestWitnessProofsAttacks: a witness's proof never stands in for the
// issuer's, a proof nobody can resolve still fails, and a chain cannot be
// cut, spliced or closed into a cycle.
func TestWitnessProofsAttacks(t *testing.T) {
	f := newWitnessFixture(t)
	witnessOnly := f.sign(f.doc, f.w1, f.w1VM, "urn:p:w")
	twoWitnesses := f.sign(witnessOnly, f.w2, f.w2VM, "urn:p:w2", "urn:p:w")
	chained := f.sign(witnessOnly, f.issuer, f.issuerVM, "urn:p:i", "urn:p:w")
	proofs := proofsOf(t, chained)
	witnessJSON, err := json.Marshal(proofs[0])
	require.NoError(t, err)
	issuerJSON, err := json.Marshal(proofs[1])
	require.NoError(t, err)
	withProofs := func(ps ...string) []byte {
		t.Helper()
		i := bytes.Index(chained, []byte(`,"proof":`))
		require.Positive(t, i)
		return []byte(string(chained[:i]) + `,"proof":[` + strings.Join(ps, ",") + `]}`)
	}
	// The witness's proof re-made by another key, same id: the issuer
	// signed the original.
	resigned := proofsOf(t, f.sign(f.doc, f.w2, f.w2VM, "urn:p:w"))[0]
	resignedJSON, err := json.Marshal(resigned)
	require.NoError(t, err)
	// A proof by a key nobody can resolve (offline: did:web is not).
	unresolvable := strings.Replace(string(f.sign(f.doc, f.issuer, f.issuerVM, "urn:p:i")), f.issuerVM, "did:web:witness.example#key-1", 1)
	unresolvableProof, err := json.Marshal(proofsOf(t, []byte(unresolvable))[0])
	require.NoError(t, err)
	// A witness's proof that is not assertionMethod.
	authn, err := AddDataIntegrityProof(context.Background(), f.doc, Key{Signer: f.w1, VerificationMethod: f.w1VM},
		&DataIntegrityOptions{ID: "urn:p:w", Purpose: PurposeAuthentication, Created: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	withAuthnWitness := f.sign(authn, f.issuer, f.issuerVM, "urn:p:i")
	// The issuer's proof tampered with (its created changed).
	tamperedIssuer := strings.Replace(string(issuerJSON), `"created":"2024-05-01T12:00:00Z"`, `"created":"2024-05-01T12:00:01Z"`, 1)
	require.NotEqual(t, string(issuerJSON), tamperedIssuer)
	// Cycles: a proof naming itself; two proofs naming each other.
	selfRef := strings.Replace(string(issuerJSON), `"previousProof":"urn:p:w"`, `"previousProof":["urn:p:w","urn:p:i"]`, 1)
	require.NotEqual(t, string(issuerJSON), selfRef)
	witnessNamingIssuer := strings.Replace(string(witnessJSON), `"id":"urn:p:w"`, `"id":"urn:p:w","previousProof":"urn:p:i"`, 1)
	require.NotEqual(t, string(witnessJSON), witnessNamingIssuer)

	tests := []struct {
		name string
		doc  []byte
		v    Verifier
		want []error
	}{
		{"a witness alone", witnessOnly, Verifier{}, []error{ErrIssuerMismatch}},
		{"two witnesses, chained", twoWitnesses, Verifier{}, []error{ErrIssuerMismatch}},
		{"the issuer's proof removed from the chain", withProofs(string(witnessJSON)), Verifier{}, []error{ErrIssuerMismatch}},
		{"the issuer's proof tampered with, beside a valid witness", withProofs(string(witnessJSON), tamperedIssuer), Verifier{},
			[]error{ErrSignatureInvalid, ErrIssuerMismatch}},
		{"the chain cut: the witness's proof removed", withProofs(string(issuerJSON)), Verifier{}, []error{ErrMalformedProof}},
		{"the chain spliced: the witness's proof re-made by another key", withProofs(string(resignedJSON), string(issuerJSON)), Verifier{},
			[]error{ErrSignatureInvalid}},
		// Two proofs with one id are one node of the signed graph: refused
		// by the strict form before any signature is checked.
		{"the chain spliced: a second proof with the named id", withProofs(string(witnessJSON), string(resignedJSON), string(issuerJSON)), Verifier{},
			[]error{ErrMalformedProof}},
		{"a witness nobody can resolve", withProofs(string(unresolvableProof), string(issuerJSON), string(witnessJSON)), Verifier{},
			[]error{ErrKeyNotFound}},
		{"a witness that is not assertionMethod", withAuthnWitness, Verifier{}, []error{ErrPurposeMismatch}},
		{"a proof naming itself", withProofs(string(witnessJSON), selfRef), Verifier{}, []error{ErrMalformedProof}},
		{"two proofs naming each other", withProofs(witnessNamingIssuer, string(issuerJSON)), Verifier{}, []error{ErrMalformedProof}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := verifyDoc(t, &tt.v, tt.doc)
			require.Error(t, err)
			for _, w := range tt.want {
				assert.ErrorIs(t, err, w)
			}
			var ve *VerificationError
			require.ErrorAs(t, err, &ve)
			issuerVerified := false
			for _, r := range res {
				issuerVerified = issuerVerified || IssuerProof(r, f.issuerDID)
			}
			for i, r := range res {
				if !issuerVerified && r.Controller != f.issuerDID {
					assert.NotEqual(t, StatusVerified, r.Status, "with no verified proof of the issuer, no witness verifies (proof %d)", i)
				}
			}
		})
	}
	t.Run("cycle error names the chain", func(t *testing.T) {
		_, err := verifyDoc(t, &Verifier{}, withProofs(witnessNamingIssuer, string(issuerJSON)))
		assert.ErrorContains(t, err, "leads back")
	})
	t.Run("a witness whose signature does not verify", func(t *testing.T) {
		// The witness's proof with another proofValue (of the same size).
		other := proofsOf(t, f.sign(f.doc, f.w1, f.w1VM, "urn:p:z"))[0]["proofValue"].(string)
		w := strings.Replace(string(witnessJSON), proofs[0]["proofValue"].(string), other, 1)
		doc := f.sign(withProofs(w), f.issuer, f.issuerVM, "urn:p:i")
		res, err := verifyDoc(t, &Verifier{}, doc)
		assert.ErrorIs(t, err, ErrSignatureInvalid)
		require.Len(t, res, 2)
		assert.Equal(t, StatusFailed, res[0].Status)
		assert.Equal(t, StatusVerified, res[1].Status)
	})
	t.Run("a witness claiming the issuer as its controller", func(t *testing.T) {
		// A DID document of the witness that says its key's controller is
		// the issuer: the controller must be the document's subject.
		evil := "did:example:witness"
		pub := f.w1.Public().(ed25519.PublicKey)
		mb, err := did.EncodeMultikey(pub)
		require.NoError(t, err)
		doc, err := did.ParseDocument([]byte(`{"@context":["https://www.w3.org/ns/did/v1","https://w3id.org/security/multikey/v1"],"id":"` + evil +
			`","verificationMethod":[{"id":"` + evil + `#k","type":"Multikey","controller":"` + f.issuerDID + `","publicKeyMultibase":"` + mb +
			`"}],"assertionMethod":["` + evil + `#k"]}`))
		require.NoError(t, err)
		offline := did.DefaultResolver()
		r := ResolverFunc(func(ctx context.Context, id string) (*did.Document, error) {
			if id == evil {
				return doc, nil
			}
			return offline.Resolve(ctx, id)
		})
		signed := f.sign(f.doc, f.w1, evil+"#k", "urn:p:w")
		res, err := verifyDoc(t, &Verifier{Resolver: r}, signed)
		assert.ErrorIs(t, err, ErrNotAuthorized)
		require.Len(t, res, 1)
		assert.False(t, IssuerProof(res[0], f.issuerDID))
		// And beside the issuer's own proof it still fails.
		_, err = verifyDoc(t, &Verifier{Resolver: r}, f.sign(signed, f.issuer, f.issuerVM, "urn:p:i"))
		assert.ErrorIs(t, err, ErrNotAuthorized)
	})
	t.Run("InsecureSkipIssuerBinding leaves the binding to the caller", func(t *testing.T) {
		res, err := verifyDoc(t, &Verifier{InsecureSkipIssuerBinding: true}, witnessOnly)
		require.NoError(t, err)
		require.Len(t, res, 1)
		assert.Equal(t, f.w1DID, res[0].Controller)
		assert.False(t, IssuerProof(res[0], f.issuerDID))
	})
	t.Run("RequireAllProofs with a witness", func(t *testing.T) {
		res, err := verifyDoc(t, &Verifier{RequireAllProofs: true}, chained)
		require.NoError(t, err)
		assert.Len(t, res, 2)
	})
}
