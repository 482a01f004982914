package proof

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/vc"
)

const w3cECDSA = "testdata/vc-di-ecdsa/TestVectors/"

// ecdsaVectorKey decodes a vc-di-ecdsa key pair file (Multikey
// publicKeyMultibase and secretKeyMultibase).
func ecdsaVectorKey(t testing.TB, path string) *ecdsa.PrivateKey {
	t.Helper()
	k, err := did.ParsePrivateKey(readFile(t, path))
	require.NoError(t, err)
	priv, ok := k.Signer.(*ecdsa.PrivateKey)
	require.True(t, ok)
	return priv
}

// TestW3CECDSAVectors reproduces the intermediate values of the vc-di-ecdsa
// ecdsa-rdfc-2019 vectors (canonical forms and hashes) from the unsigned
// documents, checks the published signature over them, signs again and
// verifies the published and the new credential. For P-384 RDFC-1.0 runs
// with SHA-384 (vc-di-ecdsa, Algorithms); the employ P-384 dataset has
// three blank nodes, whose canonical labels depend on that hash.
func TestW3CECDSAVectors(t *testing.T) {
	tests := []struct {
		name, dir, suffix, unsigned, keyPair string
		kind                                 keyKind
	}{
		{"P-256", "ecdsa-rdfc-2019-p256/", "ECDSAP256", "unsigned.json", "p256KeyPair.json", kindP256},
		{"P-256 employ", "ecdsa-rdfc-2019-p256/employ/", "ECDSAP256", "employmentAuth.json", "p256KeyPair.json", kindP256},
		{"P-384", "ecdsa-rdfc-2019-p384/", "ECDSAP384", "unsigned.json", "p384KeyPair.json", kindP384},
		{"P-384 employ", "ecdsa-rdfc-2019-p384/employ/", "ECDSAP384", "employmentAuth.json", "p384KeyPair.json", kindP384},
	}
	ctx := context.Background()
	proc := vc.NewProcessor(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			priv := ecdsaVectorKey(t, w3cECDSA+tt.keyPair)
			file := func(n string) string { return w3cECDSA + tt.dir + n + tt.suffix }
			unsigned := readFile(t, w3cECDSA+tt.unsigned)
			signed := readFile(t, file("signed")+".json")
			config := readMap(t, file("proofConfig")+".json")

			d, err := hashInputs(ctx, proc, tt.kind, readMap(t, w3cECDSA+tt.unsigned), config, nil)
			require.NoError(t, err)
			assert.Equal(t, string(readFile(t, file("canonDoc")+".txt")), string(d.CanonicalDocument))
			assert.Equal(t, string(readFile(t, file("proofCanon")+".txt")), string(d.CanonicalProofConfig))
			assert.Equal(t, readText(t, file("docHash")+".txt"), hex.EncodeToString(d.DocumentHash))
			assert.Equal(t, readText(t, file("proofHash")+".txt"), hex.EncodeToString(d.ProofConfigHash))
			assert.Equal(t, readText(t, file("combinedHash")+".txt"), hex.EncodeToString(d.Message()))
			sig, err := hex.DecodeString(readText(t, file("sigHex")+".txt"))
			require.NoError(t, err)
			assert.True(t, verifySignature(priv.Public(), d.Message(), sig), "published signature")
			assert.Equal(t, readText(t, file("sigBTC58")+".txt"), proofsOf(t, signed)[0]["proofValue"])

			// Signing through the API gives the published proof but for
			// the (random) signature.
			out, err := AddDataIntegrityProof(ctx, unsigned, Key{Signer: priv, VerificationMethod: config["verificationMethod"].(string)},
				&DataIntegrityOptions{Created: mustTime(t, config["created"].(string))})
			require.NoError(t, err)
			want, got := proofsOf(t, signed)[0], proofsOf(t, out)
			require.Len(t, got, 1)
			delete(want, "proofValue")
			delete(got[0], "proofValue")
			assert.Equal(t, want, got[0])

			v := &Verifier{InsecureSkipIssuerBinding: true}
			for _, doc := range [][]byte{signed, out} {
				c, err := vc.Parse(doc)
				require.NoError(t, err)
				res, err := v.VerifyProofs(ctx, c)
				require.NoError(t, err)
				require.Len(t, res, 1)
				assert.Equal(t, StatusVerified, res[0].Status)
			}
		})
	}
}

// TestP384CanonicalizesWithSHA384 checks every way a P-384 proof
// canonicalizes (the shared document without proofs, a chained document,
// the proof configuration) against RDFC-1.0 with SHA-384, on datasets with
// several blank nodes: the employ vector, and the same credential with a
// proof it chains to (the proof's graph is one more blank node). A
// verifier that canonicalized with SHA-256 refused such proofs from other
// implementations about half the time, as labels sort by hash.
func TestP384CanonicalizesWithSHA384(t *testing.T) {
	ctx := context.Background()
	proc := vc.NewProcessor(nil)
	p384 := ecdsaVectorKey(t, w3cECDSA+"p384KeyPair.json")
	dk, err := did.NewKey(p384)
	require.NoError(t, err)
	// The first proof is Ed25519 (deterministic): the blank node hashes
	// of the chained document, which holds it, are the same every run.
	ed := seedKey(t, readMap(t, w3c+"keyPair.json")["privateKeyMultibase"].(string))
	unsigned := readFile(t, w3cECDSA+"employmentAuth.json")
	created := mustTime(t, "2023-02-24T23:36:38Z")

	first, err := AddDataIntegrityProof(ctx, unsigned, Key{Signer: ed, VerificationMethod: didKeyVM(t, ed)},
		&DataIntegrityOptions{ID: "urn:uuid:00000000-0000-4000-8000-000000000001", Created: created})
	require.NoError(t, err)
	chained, err := AddDataIntegrityProof(ctx, first, Key{Signer: p384, VerificationMethod: dk.ID},
		&DataIntegrityOptions{ID: "urn:uuid:00000000-0000-4000-8000-000000000002", Created: created,
			PreviousProof: []string{"urn:uuid:00000000-0000-4000-8000-000000000001"}})
	require.NoError(t, err)

	sha384 := &vc.CanonicalizeOptions{Hash: crypto.SHA384}
	canon := func(doc map[string]any, o *vc.CanonicalizeOptions) string {
		c, err := proc.Canonicalize(ctx, doc, o)
		require.NoError(t, err)
		return string(c.NQuads)
	}
	c, err := vc.Parse(chained)
	require.NoError(t, err)
	all := objects(c.Document()["proof"])
	require.Len(t, all, 2)
	cases := []struct {
		name  string
		proof map[string]any
		doc   map[string]any // nil: the shared document without proofs
	}{
		{"unsecured", all[0], nil},
		{"chained", all[1], func() map[string]any {
			m := withoutProof(c.Document())
			m["proof"] = []any{all[0]}
			return m
		}()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			config := withoutProof(tc.proof)
			delete(config, "proofValue")
			config["@context"] = c.Document()["@context"]
			doc := tc.doc
			if doc == nil {
				doc = withoutProof(c.Document())
			}
			want := canon(doc, sha384)
			require.NotEqual(t, canon(doc, nil), want, "the dataset must tell SHA-384 from SHA-256")
			d, err := hashInputs(ctx, proc, kindP384, tc.doc, config, &canonicalCache{cred: c})
			require.NoError(t, err)
			assert.Equal(t, want, string(d.CanonicalDocument))
			assert.Equal(t, canon(config, sha384), string(d.CanonicalProofConfig))
			msg, err := hashMessage(ctx, proc, kindP384, tc.doc, config, &canonicalCache{cred: c})
			require.NoError(t, err)
			assert.Equal(t, d.Message(), msg, "streamed and diagnostic hashes agree")
		})
	}

	v := &Verifier{InsecureSkipIssuerBinding: true, RequireAllProofs: true}
	res, err := v.VerifyProofs(ctx, c)
	require.NoError(t, err)
	for _, r := range res {
		assert.Equal(t, StatusVerified, r.Status, "proof %d: %v", r.Index, r.Err)
	}
}
