package proof

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"encoding/base64"
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
	"github.com/openbadges-go/openbadges/internal/sd"
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

// sdIssueOB signs the OB 3.0 example credential with an ecdsa-sd-2023
// base proof by s's did:key.
func sdIssueOB(t testing.TB, s crypto.Signer, mandatory []string) []byte {
	t.Helper()
	vm, ctrl := didKey(t, s)
	out, err := addSDBaseProof(context.Background(), credentialFor(t, ctrl), Key{Signer: s, VerificationMethod: vm},
		&DataIntegrityOptions{Created: time.Unix(1700000000, 0)}, mandatory, sdIssue{})
	require.NoError(t, err)
	return out
}

var obMandatory = []string{"/issuer", "/validFrom", "/credentialSubject/achievement/id", "/credentialSubject/achievement/type"}

// TestECDSASDRoundTrip issues an Open Badge with P-256 and P-384 keys,
// derives disclosures of it and verifies them; every statement disclosed
// is one the holder chose or the issuer made mandatory.
func TestECDSASDRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"P-256", "P-384"} {
		t.Run(name, func(t *testing.T) {
			s := testKeys()[name]
			base := sdIssueOB(t, s, obMandatory)
			d, err := sdVerifyDirect(t, base, s.Public())
			require.NoError(t, err)
			assert.True(t, d.Base)
			assert.Equal(t, obMandatory, d.MandatoryPointers)

			for _, tc := range []struct {
				name      string
				selective []string
				absent    []string
			}{
				{"mandatory only", nil, []string{"/name", "/credentialSubject/achievement/name", "/credentialSubject/achievement/criteria"}},
				{"achievement name", []string{"/credentialSubject/achievement/name"}, []string{"/name", "/credentialSubject/achievement/description"}},
				{"credential name", []string{"/name"}, []string{"/credentialSubject/achievement/name"}},
				{"whole subject", []string{"/credentialSubject"}, []string{"/name"}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					derived, err := Derive(ctx, base, tc.selective, nil)
					require.NoError(t, err)
					m := readMapBytes(t, derived)
					for _, p := range tc.absent {
						_, err := sd.Select(m, []string{p})
						assert.ErrorIs(t, err, sd.ErrPointer, "%s is disclosed", p)
					}
					for _, p := range slices.Concat(obMandatory, tc.selective) {
						_, err := sd.Select(m, []string{p})
						assert.NoError(t, err, "%s is not disclosed", p)
					}
					d, err := sdVerifyDirect(t, derived, s.Public())
					require.NoError(t, err)
					assert.False(t, d.Base)
					assert.Positive(t, d.Mandatory)
				})
			}
		})
	}
}

// TestECDSASDTampered: a changed, added or removed statement, a proof
// value from another document, or another key, never verifies.
func TestECDSASDTampered(t *testing.T) {
	s := testKeys()["P-256"]
	base := sdIssueOB(t, s, obMandatory)
	derived, err := Derive(context.Background(), base, []string{"/credentialSubject/achievement/name", "/name"}, nil)
	require.NoError(t, err)
	for _, tc := range []struct{ name, old, new string }{
		{"mandatory value", `"validFrom": "2010-01-01T00:00:00Z"`, `"validFrom": "2011-01-01T00:00:00Z"`},
		{"selective value", `"name": "Teamwork"`, `"name": "Leadership"`},
		{"removed statement", `"name": "Teamwork Badge",`, ``},
		{"added statement", `"name": "Teamwork Badge",`, `"name": "Teamwork Badge", "description": "added",`},
		{"proof option", `"created": "2023-11-14T22:13:20Z"`, `"created": "2023-11-14T22:13:21Z"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.Replace(string(derived), tc.old, tc.new, 1)
			require.NotEqual(t, string(derived), bad, "the test's edit must apply")
			_, err := sdVerifyDirect(t, []byte(bad), s.Public())
			require.Error(t, err)
		})
	}
	_, err = sdVerifyDirect(t, derived, testKeys()["P-256"].Public())
	require.NoError(t, err)
	other, err := ecdsa.GenerateKey(s.Public().(*ecdsa.PublicKey).Curve, strings.NewReader(strings.Repeat("x", 200)))
	if err == nil {
		_, err = sdVerifyDirect(t, derived, other.Public())
		assert.ErrorIs(t, err, ErrSignatureInvalid)
	}
}

// TestECDSASDDeriveErrors: pointers that select nothing or are malformed,
// a document without a base proof, and a base proof of another document.
func TestECDSASDDeriveErrors(t *testing.T) {
	ctx := context.Background()
	s := testKeys()["P-256"]
	base := sdIssueOB(t, s, obMandatory)
	for _, ptrs := range [][]string{{"/nope"}, {"name"}, {""}, {"/type/7"}, {"/name/x"}, {"/a~2b"}} {
		_, err := Derive(ctx, base, ptrs, nil)
		assert.ErrorIs(t, err, ErrInvalidDocument, "%q", ptrs)
	}
	_, err := Derive(ctx, credentialFor(t, "did:example:x"), nil, nil)
	assert.ErrorIs(t, err, ErrNoProof)
	other := strings.Replace(string(base), `"Teamwork Badge"`, `"Teamwork Badge", "description": "more"`, 1)
	_, err = Derive(ctx, []byte(other), nil, nil)
	assert.ErrorIs(t, err, ErrMalformedProofValue)
	many := make([]string, MaxSDPointers+1)
	for i := range many {
		many[i] = "/name"
	}
	_, err = Derive(ctx, base, many, nil)
	assert.ErrorIs(t, err, ErrInvalidDocument)
}

// TestECDSASDProofValueErrors: malformed proof values are typed errors.
func TestECDSASDProofValueErrors(t *testing.T) {
	enc := func(b []byte) string { return "u" + base64.RawURLEncoding.EncodeToString(b) }
	cbor := func(v any) []byte {
		b, err := sdEncMode.Marshal(v)
		require.NoError(t, err)
		return b
	}
	sig := make([]byte, 64)
	pk := sdMultikey(&testKeys()["P-256"].(*ecdsa.PrivateKey).PublicKey)
	good := &sdDerivedValue{BaseSignature: sig, PublicKey: pk, Signatures: [][]byte{sig}, LabelMap: map[uint64][]byte{0: make([]byte, 32)}, MandatoryIndexes: []uint64{0}}
	_, err := parseSDDerived(enc(append(slices.Clone(sdDerivedHeader), cbor(good)...)))
	require.NoError(t, err)
	for name, v := range map[string]any{
		"not a string":     42,
		"empty":            "",
		"base58":           "z3FXQx",
		"bad base64":       "u!!",
		"no header":        enc([]byte{0x85, 0x40}),
		"header only":      enc(sdDerivedHeader),
		"four elements":    enc(append(slices.Clone(sdDerivedHeader), cbor([]any{sig, pk, [][]byte{}, map[uint64][]byte{}})...)),
		"short signature":  enc(append(slices.Clone(sdDerivedHeader), cbor(&sdDerivedValue{BaseSignature: sig[:10], PublicKey: pk})...)),
		"bad public key":   enc(append(slices.Clone(sdDerivedHeader), cbor(&sdDerivedValue{BaseSignature: sig, PublicKey: sig[:35]})...)),
		"tagged":           enc(append(slices.Clone(sdDerivedHeader), 0xd8, 0x40, 0x40)),
		"trailing bytes":   enc(append(append(slices.Clone(sdDerivedHeader), cbor(good)...), 0)),
		"unsorted indexes": enc(append(slices.Clone(sdDerivedHeader), cbor(&sdDerivedValue{BaseSignature: sig, PublicKey: pk, MandatoryIndexes: []uint64{2, 1}})...)),
		"duplicate labels": enc(append(slices.Clone(sdDerivedHeader), cbor(&sdDerivedValue{BaseSignature: sig, PublicKey: pk,
			LabelMap: map[uint64][]byte{0: make([]byte, 32), 1: make([]byte, 32)}})...)),
		"base proof": enc(append(slices.Clone(sdBaseHeader), cbor(good)...)),
	} {
		_, err := parseSDDerived(v)
		assert.ErrorIs(t, err, ErrMalformedProofValue, name)
	}
	_, err = parseSDBase(enc(append(slices.Clone(sdBaseHeader), cbor(&sdBaseValue{BaseSignature: sig, PublicKey: pk, HMACKey: make([]byte, 16)})...)))
	assert.ErrorIs(t, err, ErrMalformedProofValue)
}
