package proof

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/vc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sdVectors = "testdata/ecdsa-sd-2023/"

// deterministicSigner signs with RFC 6979 deterministic ECDSA, as the
// tool that made the W3C vectors did (@noble/curves), so that the base
// signature is reproduced byte for byte.
type deterministicSigner struct{ k *ecdsa.PrivateKey }

func (d deterministicSigner) Public() crypto.PublicKey { return d.k.Public() }
func (d deterministicSigner) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return d.k.Sign(nil, digest, opts)
}

// sdKeyPair decodes a key pair of SDKeyMaterial.json.
func sdKeyPair(t testing.TB, pair map[string]any) *ecdsa.PrivateKey {
	t.Helper()
	b, err := json.Marshal(map[string]any{"publicKeyMultibase": pair["publicKeyMultibase"], "secretKeyMultibase": pair["secretKeyMultibase"]})
	require.NoError(t, err)
	k, err := did.ParsePrivateKey(b)
	require.NoError(t, err)
	priv, ok := k.Signer.(*ecdsa.PrivateKey)
	require.True(t, ok)
	return priv
}

type sdMaterial struct {
	base, proof *ecdsa.PrivateKey
	hmacKey     []byte
}

func sdKeys(t testing.TB) sdMaterial {
	t.Helper()
	m := readMap(t, sdVectors+"SDKeyMaterial.json")
	hk, err := hex.DecodeString(m["hmacKeyString"].(string))
	require.NoError(t, err)
	return sdMaterial{
		base:    sdKeyPair(t, m["baseKeyPair"].(map[string]any)),
		proof:   sdKeyPair(t, m["proofKeyPair"].(map[string]any)),
		hmacKey: hk,
	}
}

func readJSON(t testing.TB, path string) any {
	t.Helper()
	v, err := jsonx.Parse(readFile(t, path), nil)
	require.NoError(t, err)
	return v
}

// mapEntries returns the values of a {"dataType": "Map", "value": [[k, v]...]}
// vector (or of a plain [[k, v]...] list) as strings keyed by index.
func mapEntries(t testing.TB, v any) map[int]string {
	t.Helper()
	if m, ok := v.(map[string]any); ok {
		v = m["value"]
	}
	out := map[int]string{}
	for _, e := range v.([]any) {
		kv := e.([]any)
		var k int
		switch x := kv[0].(type) {
		case json.Number:
			n, err := x.Int64()
			require.NoError(t, err)
			k = int(n)
		case string:
			k = len(out)
		}
		out[k] = kv[1].(string)
	}
	return out
}

func hexList(t testing.TB, v any) [][]byte {
	t.Helper()
	var out [][]byte
	for _, s := range v.([]any) {
		b, err := hex.DecodeString(s.(string))
		require.NoError(t, err)
		out = append(out, b)
	}
	return out
}

func stringList(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}

// sdSelective are the selective pointers of both W3C examples (their
// derived documents disclose validity and the birth country).
var sdSelective = []string{"/validFrom", "/validUntil", "/credentialSubject/birthCountry"}

func sdVerifier() *Verifier {
	return &Verifier{InsecureSkipIssuerBinding: true, Now: func() time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) }}
}

// TestECDSASDVectors reproduces the W3C ecdsa-sd-2023 vectors byte for
// byte: every intermediate value of the base proof, the base proofValue,
// the derived proofValue and the disclosed document; and verifies both.
func TestECDSASDVectors(t *testing.T) {
	keys := sdKeys(t)
	ctx := context.Background()
	proc := vc.NewProcessor(nil)
	for _, ex := range []string{"employ", "prc"} {
		t.Run(ex, func(t *testing.T) {
			dir := sdVectors + ex + "/"
			signed := readMap(t, dir+"addSignedSDBase.json")
			wantProof := signed["proof"].(map[string]any)
			unsigned := withoutProof(signed)
			doc, err := json.Marshal(unsigned)
			require.NoError(t, err)
			cfg := readMap(t, dir+"addProofConfig.json")
			transform := readMap(t, dir+"addBaseTransform.json")
			mandatoryPtrs := stringList(transform["mandatoryPointers"])

			// Transformation: HMAC-labelled canonical statements and groups.
			canon, err := sdCanonicalize(ctx, proc, unsigned, keys.hmacKey, sdHash(kindP256))
			require.NoError(t, err)
			assert.Equal(t, stringList(readJSON(t, dir+"addBaseDocHMACCanon.json")), canon.nquads)
			g, err := canon.group(ctx, proc, mandatoryPtrs)
			require.NoError(t, err)
			mand, non := map[int]string{}, map[int]string{}
			for i, nq := range canon.nquads {
				if g.matching[i] {
					mand[i] = nq
				} else {
					non[i] = nq
				}
			}
			assert.Equal(t, mapEntries(t, transform["mandatory"]), mand)
			assert.Equal(t, mapEntries(t, transform["nonMandatory"]), non)

			// Hashes.
			hashes := readMap(t, dir+"addHashData.json")
			h := sdHash(kindP256)()
			require.NoError(t, proc.CanonicalHash(ctx, cfg, h))
			assert.Equal(t, hashes["proofHash"], hex.EncodeToString(h.Sum(nil)))
			var mandNQ []string
			for _, i := range slices.Sorted(func(yield func(int) bool) {
				for i := range mand {
					if !yield(i) {
						return
					}
				}
			}) {
				mandNQ = append(mandNQ, mand[i])
			}
			assert.Equal(t, hashes["mandatoryHash"], hex.EncodeToString(hashJoined(sdHash(kindP256), mandNQ)))

			// The base proof, byte for byte.
			vm := cfg["verificationMethod"].(string)
			out, err := addSDBaseProof(ctx, doc, Key{Signer: deterministicSigner{keys.base}, VerificationMethod: vm},
				&DataIntegrityOptions{Created: time.Date(2023, 8, 15, 23, 36, 38, 0, time.UTC), Processor: proc},
				mandatoryPtrs, sdIssue{hmacKey: keys.hmacKey, proofKey: keys.proof, rawS: true})
			require.NoError(t, err)
			gotProof := readMapBytes(t, out)["proof"].(map[string]any)
			raw := readMap(t, dir+"addRawBaseSignatureInfo.json")
			base, err := parseSDBase(gotProof["proofValue"])
			require.NoError(t, err)
			assert.Equal(t, raw["baseSignature"], hex.EncodeToString(base.BaseSignature))
			assert.Equal(t, hexList(t, raw["signatures"]), base.Signatures)
			assert.Equal(t, wantProof["proofValue"], gotProof["proofValue"], "base proofValue")
			assert.Equal(t, wantProof, gotProof)

			// Both the W3C base document and ours verify.
			for _, b := range [][]byte{readFile(t, dir+"addSignedSDBase.json"), out} {
				d, err := sdVerifyDirect(t, b, &keys.base.PublicKey)
				require.NoError(t, err)
				assert.True(t, d.Base)
			}

			// The derived proof, byte for byte.
			derived, err := Derive(ctx, readFile(t, dir+"addSignedSDBase.json"), sdSelective, &DeriveOptions{Processor: proc})
			require.NoError(t, err)
			wantReveal := readMap(t, dir+"derivedRevealDocument.json")
			gotReveal := readMapBytes(t, derived)
			assert.Equal(t, wantReveal["proof"].(map[string]any)["proofValue"], gotReveal["proof"].(map[string]any)["proofValue"], "derived proofValue")
			assert.Equal(t, wantReveal, gotReveal)
			dd := readMap(t, dir+"derivedDisclosureData.json")
			dv, err := parseSDDerived(gotReveal["proof"].(map[string]any)["proofValue"])
			require.NoError(t, err)
			assert.Equal(t, hexList(t, dd["signatures"]), dv.Signatures)
			labels := decompressLabelMap(dv.LabelMap)
			want := map[string]string{}
			for _, e := range mapEntries(t, dd["labelMap"]) {
				_ = e
			}
			for _, e := range dd["labelMap"].(map[string]any)["value"].([]any) {
				kv := e.([]any)
				want[kv[0].(string)] = kv[1].(string)
			}
			assert.Equal(t, want, labels)

			// Both the W3C derived document and ours verify.
			for _, b := range [][]byte{readFile(t, dir+"derivedRevealDocument.json"), derived} {
				d, err := sdVerifyDirect(t, b, &keys.base.PublicKey)
				require.NoError(t, err)
				assert.False(t, d.Base)
			}
		})
	}
}

// sdVerifyDirect verifies the one ecdsa-sd-2023 proof of a document
// with pub, without key resolution.
func sdVerifyDirect(t testing.TB, b []byte, pub crypto.PublicKey) (*Disclosure, error) {
	t.Helper()
	c, err := vc.Parse(b)
	require.NoError(t, err)
	p := c.Proofs()[0]
	config := maps.Clone(p)
	delete(config, "proofValue")
	config["@context"] = c.Document()["@context"]
	return verifySD(context.Background(), processorOr(nil), &sdVerifyInput{pub: pub, kind: kindOf(pub), cred: c, config: config,
		proofValue: p["proofValue"], verificationMethod: p["verificationMethod"].(string)})
}

func readMapBytes(t testing.TB, b []byte) map[string]any {
	t.Helper()
	v, err := jsonx.Parse(b, nil)
	require.NoError(t, err)
	m, ok := v.(map[string]any)
	require.True(t, ok)
	return m
}

// TestECDSASD1EdTechDerived verifies the 1EdTech validator's derived
// Open Badges credential with the key its verification method names.
func TestECDSASD1EdTechDerived(t *testing.T) {
	b := readFile(t, sdVectors+"1edtech-derivedcredential.json")
	pub, err := did.DecodeMultikey("zDnaekGZTbQBerwcehBSXLqAg6s55hVEBms1zFy89VHXtJSa9")
	require.NoError(t, err)
	d, err := sdVerifyDirect(t, b, pub)
	require.NoError(t, err)
	assert.False(t, d.Base)
	t.Logf("1EdTech derived credential: %d mandatory, %d selective statements", d.Mandatory, d.Selective)
	// One byte of a disclosed value changed: refused.
	bad := []byte(strings.Replace(string(b), `"name": "Teamwork"`, `"name": "Teamwerk"`, 1))
	require.NotEqual(t, b, bad)
	_, err = sdVerifyDirect(t, bad, pub)
	assert.ErrorIs(t, err, ErrSignatureInvalid)
}
