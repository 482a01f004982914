package proof

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/multiformats/go-multibase"
	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/vc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const w3c = "testdata/vc-di-eddsa/TestVectors/"

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

func readMap(t testing.TB, path string) map[string]any {
	t.Helper()
	v, err := jsonx.Parse(readFile(t, path), nil)
	require.NoError(t, err)
	m, ok := v.(map[string]any)
	require.True(t, ok)
	return m
}

func readText(t testing.TB, path string) string {
	t.Helper()
	return strings.TrimSpace(string(readFile(t, path)))
}

// seedKey decodes a vc-di-eddsa privateKeyMultibase (multicodec 0x1300
// ed25519-priv, varint 0x80 0x26, then the 32-byte seed).
func seedKey(t testing.TB, mb string) ed25519.PrivateKey {
	t.Helper()
	_, b, err := multibase.Decode(mb)
	require.NoError(t, err)
	require.Len(t, b, 34)
	require.Equal(t, []byte{0x80, 0x26}, b[:2])
	return ed25519.NewKeyFromSeed(b[2:])
}

func didKeyVM(t testing.TB, priv ed25519.PrivateKey) string {
	t.Helper()
	mb, err := multibase.Encode(multibase.Base58BTC, append([]byte{0xed, 0x01}, priv.Public().(ed25519.PublicKey)...))
	require.NoError(t, err)
	return "did:key:" + mb + "#" + mb
}

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	return tm
}

func proofsOf(t testing.TB, doc []byte) []map[string]any {
	t.Helper()
	v, err := jsonx.Parse(doc, nil)
	require.NoError(t, err)
	return objects(v.(map[string]any)["proof"])
}

// TestW3CVectors reproduces every intermediate value of the vc-di-eddsa
// vectors (canonical forms, hashes, signature, proofValue) by signing the
// unsigned document with the published key, and verifies the signed one.
func TestW3CVectors(t *testing.T) {
	tests := []struct {
		name, dir, suffix, unsigned, suite string
	}{
		{"eddsa-rdfc-2022", "eddsa-rdfc-2022/", "DataInt", "unsigned.json", EdDSARDFC2022},
		{"eddsa-rdfc-2022 employ", "eddsa-rdfc-2022/employ/", "DataInt", "employmentAuth.json", EdDSARDFC2022},
		{"Ed25519Signature2020", "Ed25519Signature2020/", "EdSig", "", Ed25519Signature2020},
		{"eddsa-jcs-2022", "eddsa-jcs-2022/", "JCS", "unsigned.json", EdDSAJCS2022},
	}
	kp := readMap(t, w3c+"keyPair.json")
	priv := seedKey(t, kp["privateKeyMultibase"].(string))
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := w3c + tt.dir
			file := func(n string) string { return dir + n + tt.suffix }
			signed := readFile(t, file("signed")+".json")
			config := readMap(t, file("proofConfig")+".json")
			var unsigned []byte
			if tt.unsigned != "" {
				unsigned = readFile(t, w3c+tt.unsigned)
			} else {
				m := readMap(t, file("signed")+".json")
				delete(m, "proof")
				var err error
				unsigned, err = json.Marshal(m)
				require.NoError(t, err)
			}
			// Intermediate values.
			uv, err := jsonx.Parse(unsigned, nil)
			require.NoError(t, err)
			st, ok := lookupSuite(tt.suite)
			require.True(t, ok)
			d, err := suiteHashInputs(ctx, vc.NewProcessor(nil), st, kindEd25519, uv.(map[string]any), config, nil)
			require.NoError(t, err)
			assert.Equal(t, string(readFile(t, file("canonDoc")+".txt")), string(d.CanonicalDocument))
			assert.Equal(t, string(readFile(t, file("proofCanon")+".txt")), string(d.CanonicalProofConfig))
			assert.Equal(t, readText(t, file("docHash")+".txt"), hex.EncodeToString(d.DocumentHash))
			assert.Equal(t, readText(t, file("proofHash")+".txt"), hex.EncodeToString(d.ProofConfigHash))
			assert.Equal(t, readText(t, file("combinedHash")+".txt"), hex.EncodeToString(d.Message()))
			assert.Equal(t, readText(t, file("sigHex")+".txt"), hex.EncodeToString(ed25519.Sign(priv, d.Message())))

			// Signing through the API gives the published proofValue.
			out, err := AddDataIntegrityProof(ctx, unsigned, Key{Signer: priv, VerificationMethod: config["verificationMethod"].(string)},
				&DataIntegrityOptions{Cryptosuite: tt.suite, Created: mustTime(t, config["created"].(string))})
			require.NoError(t, err)
			want := proofsOf(t, signed)[0]
			got := proofsOf(t, out)
			require.Len(t, got, 1)
			assert.Equal(t, readText(t, file("sigBTC58")+".txt"), got[0]["proofValue"])
			assert.Equal(t, want, got[0])

			// And both verify.
			v := &Verifier{InsecureSkipIssuerBinding: true}
			for _, doc := range [][]byte{signed, out} {
				c, err := vc.Parse(doc)
				require.NoError(t, err)
				res, err := v.VerifyProofs(ctx, c)
				require.NoError(t, err)
				require.Len(t, res, 1)
				assert.Equal(t, StatusVerified, res[0].Status)
				assert.Equal(t, tt.suite, res[0].Cryptosuite)
			}
		})
	}
}

// TestW3CProofSetsAndChains rebuilds the proof-set-chain vectors proof by
// proof with the four published keys and verifies all of them.
func TestW3CProofSetsAndChains(t *testing.T) {
	const dir = w3c + "proof-set-chain/"
	kps := readMap(t, dir+"multiKeyPairs.json")
	key := func(n string) ed25519.PrivateKey {
		return seedKey(t, kps["keyPair"+n].(map[string]any)["privateKeyMultibase"].(string))
	}
	ctx := context.Background()
	steps := []struct {
		key, id, created, want string
		prev                   []string
	}{
		{"1", "urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544", "2023-02-24T23:36:38Z", "signedProofSet1.json", nil},
		{"2", "urn:uuid:8cc9022b-6b14-4cf3-8571-74972c5feb54", "2023-02-24T23:36:38Z", "signedProofSet2.json", nil},
		{"3", "urn:uuid:d94f792a-c546-4d06-b38a-da070ab56c23", "2023-02-26T22:06:38Z", "signedProofChain1.json",
			[]string{"urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544", "urn:uuid:8cc9022b-6b14-4cf3-8571-74972c5feb54"}},
		{"4", "", "2023-02-26T22:16:38Z", "signedProofChain2.json", []string{"urn:uuid:d94f792a-c546-4d06-b38a-da070ab56c23"}},
	}
	doc := readFile(t, dir+"unsigned.json")
	v := &Verifier{InsecureSkipIssuerBinding: true}
	for _, st := range steps {
		t.Run(st.want, func(t *testing.T) {
			priv := key(st.key)
			var err error
			doc, err = AddDataIntegrityProof(ctx, doc, Key{Signer: priv, VerificationMethod: didKeyVM(t, priv)},
				&DataIntegrityOptions{ID: st.id, Created: mustTime(t, st.created), PreviousProof: st.prev})
			require.NoError(t, err)
			want := proofsOf(t, readFile(t, dir+st.want))
			got := proofsOf(t, doc)
			require.Equal(t, len(want), len(got))
			for i := range want {
				assert.Equal(t, want[i]["proofValue"], got[i]["proofValue"], "proof %d", i)
				assert.Equal(t, want[i], got[i], "proof %d", i)
			}
			for _, d := range [][]byte{doc, readFile(t, dir+st.want)} {
				c, err := vc.Parse(d)
				require.NoError(t, err)
				res, err := v.VerifyProofs(ctx, c)
				require.NoError(t, err)
				for _, r := range res {
					assert.Equal(t, StatusVerified, r.Status, "proof %d: %v", r.Index, r.Err)
				}
			}
		})
	}
	// The temporary documents of the chain are what proofs 3 and 4 hash.
	for i, f := range []string{"proofChainTempDoc1.json", "proofChainTempDoc2.json"} {
		tmp := readMap(t, dir+f)
		final := readMap(t, dir+"signedProofChain2.json")
		all := objects(final["proof"])
		prev, err := previousProofs(all, strings1(all[2+i]["previousProof"]))
		require.NoError(t, err)
		b1, _ := json.Marshal(prev)
		b2, _ := json.Marshal(tmp["proof"])
		assert.JSONEq(t, string(b2), string(b1), f)
	}
}

type obVector struct {
	Key struct {
		PrivateKeyHex string `json:"privateKeyHex"`
		ID            string `json:"id"`
	} `json:"key"`
	ProofConfigBeforeSigning map[string]any `json:"proofConfigBeforeSigning"`
	DocumentHashHex          string         `json:"documentHashHex"`
	ProofHashHex             string         `json:"proofHashHex"`
	DataToSignHex            string         `json:"dataToSignHex"`
	SignatureHex             string         `json:"signatureHex"`
	ProofValue               string         `json:"proofValue"`
}

// TestOpenBadgesVectors reproduces the 1EdTech OB 3.0 and CLR 2.0 vectors
// from their published private key and verifies the published credentials
// with the 1EdTech verification method rule.
func TestOpenBadgesVectors(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"obv3p0", "clrv2p0"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", "ob3", name)
			var vec obVector
			require.NoError(t, json.Unmarshal(readFile(t, filepath.Join(dir, "vector.json")), &vec))
			kb, err := hex.DecodeString(vec.Key.PrivateKeyHex)
			require.NoError(t, err)
			priv := ed25519.PrivateKey(kb)
			unsigned := readFile(t, filepath.Join(dir, "unsigned.json"))

			uv, err := jsonx.Parse(unsigned, nil)
			require.NoError(t, err)
			config := maps.Clone(vec.ProofConfigBeforeSigning)
			config["@context"] = uv.(map[string]any)["@context"]
			d, err := hashInputs(ctx, vc.NewProcessor(nil), kindEd25519, uv.(map[string]any), config, nil)
			require.NoError(t, err)
			assert.Equal(t, string(readFile(t, filepath.Join(dir, "document-canon.txt"))), string(d.CanonicalDocument))
			assert.Equal(t, string(readFile(t, filepath.Join(dir, "proof-canon.txt"))), string(d.CanonicalProofConfig))
			assert.Equal(t, vec.DocumentHashHex, hex.EncodeToString(d.DocumentHash))
			assert.Equal(t, vec.ProofHashHex, hex.EncodeToString(d.ProofConfigHash))
			assert.Equal(t, vec.DataToSignHex, hex.EncodeToString(d.Message()))

			out, err := AddDataIntegrityProof(ctx, unsigned, Key{Signer: priv, VerificationMethod: vec.Key.ID},
				&DataIntegrityOptions{Created: mustTime(t, vec.ProofConfigBeforeSigning["created"].(string))})
			require.NoError(t, err)
			got := proofsOf(t, out)
			require.Len(t, got, 1)
			assert.Equal(t, vec.ProofValue, got[0]["proofValue"])
			sig, err := decodeProofValue(got[0]["proofValue"], kindEd25519)
			require.NoError(t, err)
			assert.Equal(t, vec.SignatureHex, hex.EncodeToString(sig))
			assert.Equal(t, proofsOf(t, readFile(t, filepath.Join(dir, "signed.json")))[0], got[0])

			v := &Verifier{InsecureFragmentKeys: true}
			for _, doc := range [][]byte{readFile(t, filepath.Join(dir, "signed.json")), out} {
				c, err := vc.Parse(doc)
				require.NoError(t, err)
				res, err := v.VerifyProofs(ctx, c)
				require.NoError(t, err)
				assert.Equal(t, "https://example.edu/issuers/565049", res[0].Controller)
			}
			// Without the 1EdTech rule an https key must be resolved, and
			// the offline resolver cannot.
			c, err := vc.Parse(out)
			require.NoError(t, err)
			_, err = (&Verifier{}).VerifyProofs(ctx, c)
			assert.ErrorIs(t, err, ErrKeyNotFound)
		})
	}
}
