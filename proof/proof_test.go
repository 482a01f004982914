package proof

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/vc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testKeys are generated once per test binary (RSA is slow).
var testKeys = sync.OnceValue(func() map[string]crypto.Signer {
	seed := make([]byte, 32)
	for i := range seed {
		seed[i] = byte(i)
	}
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	other := make([]byte, 32)
	other[0] = 0xff
	return map[string]crypto.Signer{
		"Ed25519": ed25519.NewKeyFromSeed(seed),
		"P-256":   p256,
		"P-384":   p384,
		"RSA":     rsaKey,
		"other":   ed25519.NewKeyFromSeed(other),
	}
})

// opaqueSigner hides the key type: it is what an HSM or KMS handle looks
// like. It implements crypto.Signer only (no MessageSigner).
type opaqueSigner struct{ s crypto.Signer }

func (o opaqueSigner) Public() crypto.PublicKey { return o.s.Public() }
func (o opaqueSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return o.s.Sign(r, digest, opts)
}

// didKey names a key by its did:key (RSA by did:jwk).
func didKey(t testing.TB, s crypto.Signer) (vm, controller string) {
	t.Helper()
	if _, ok := s.Public().(*rsa.PublicKey); ok {
		d, err := did.DIDJWKFromPublicKey(s.Public())
		require.NoError(t, err)
		return d + "#0", d
	}
	k, err := did.NewKey(s)
	require.NoError(t, err)
	return k.ID, k.Controller
}

const obIssuer = "https://example.edu/issuers/565049"

// credentialFor is the OB 3.0 example credential with its issuer replaced.
func credentialFor(t testing.TB, issuer string) []byte {
	t.Helper()
	b := readFile(t, "testdata/ob3/obv3p0/unsigned.json")
	require.Equal(t, 1, strings.Count(string(b), `"`+obIssuer+`"`))
	return []byte(strings.Replace(string(b), `"`+obIssuer+`"`, `"`+issuer+`"`, 1))
}

// signFor signs the compacted example credential, issued by s's did:key.
func signFor(t testing.TB, s crypto.Signer, o *DataIntegrityOptions) []byte {
	t.Helper()
	vm, ctrl := didKey(t, s)
	var in bytes.Buffer
	require.NoError(t, json.Compact(&in, credentialFor(t, ctrl)))
	out, err := AddDataIntegrityProof(context.Background(), in.Bytes(), Key{Signer: s, VerificationMethod: vm}, o)
	require.NoError(t, err)
	return out
}

func verifyDoc(t testing.TB, v *Verifier, doc []byte) ([]ProofResult, error) {
	t.Helper()
	c, err := vc.Parse(doc)
	require.NoError(t, err)
	return v.VerifyProofs(context.Background(), c)
}

func TestDataIntegrityRoundTrip(t *testing.T) {
	keys := testKeys()
	tests := []struct {
		name, key, suite string
		wrap             bool
	}{
		{"eddsa-rdfc-2022", "Ed25519", "", false},
		{"eddsa-rdfc-2022 opaque signer", "Ed25519", EdDSARDFC2022, true},
		{"Ed25519Signature2020", "Ed25519", Ed25519Signature2020, false},
		{"ecdsa-rdfc-2019 P-256", "P-256", "", false},
		{"ecdsa-rdfc-2019 P-256 opaque signer", "P-256", ECDSARDFC2019, true},
		{"ecdsa-rdfc-2019 P-384", "P-384", ECDSARDFC2019, false},
		{"ecdsa-rdfc-2019 P-384 opaque signer", "P-384", "", true},
		{"eddsa-jcs-2022", "Ed25519", EdDSAJCS2022, false},
		{"ecdsa-jcs-2019 P-256", "P-256", ECDSAJCS2019, false},
		{"ecdsa-jcs-2019 P-384 opaque signer", "P-384", ECDSAJCS2019, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := keys[tt.key]
			if tt.wrap {
				s = opaqueSigner{s}
			}
			vm, ctrl := didKey(t, s)
			in := credentialFor(t, ctrl)
			if tt.suite == Ed25519Signature2020 {
				in = []byte(strings.Replace(string(in), `"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"`,
					`"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "`+ContextEd25519Signature2020+`"`, 1))
			}
			out, err := AddDataIntegrityProof(context.Background(), in, Key{Signer: s, VerificationMethod: vm},
				&DataIntegrityOptions{Cryptosuite: tt.suite, Now: func() time.Time { return time.Date(2024, 5, 1, 12, 0, 0, 999, time.UTC) }})
			require.NoError(t, err)
			// The output is the input plus a proof.
			i := strings.LastIndex(string(in), "}")
			assert.Equal(t, strings.TrimRight(string(in[:i]), " \n"), string(out[:len(strings.TrimRight(string(in[:i]), " \n"))]))
			res, err := verifyDoc(t, &Verifier{}, out)
			require.NoError(t, err)
			require.Len(t, res, 1)
			assert.Equal(t, StatusVerified, res[0].Status)
			assert.Equal(t, ctrl, res[0].Controller)
			assert.Equal(t, vm, res[0].VerificationMethod)
			assert.Equal(t, "2024-05-01T12:00:00Z", res[0].Created.Format(time.RFC3339Nano))
		})
	}
}

// TestJCSProofsCoverEveryByteOfMeaning: a JCS proof fails when any value
// of the document or of the proof (its @context included) changes, and
// survives re-serialization (member order, white space) of the same JSON.
func TestJCSProofsCoverEveryByteOfMeaning(t *testing.T) {
	keys := testKeys()
	vm, ctrl := didKey(t, keys["Ed25519"])
	out, err := AddDataIntegrityProof(context.Background(), credentialFor(t, ctrl), Key{Signer: keys["Ed25519"], VerificationMethod: vm},
		&DataIntegrityOptions{Cryptosuite: EdDSAJCS2022})
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(out, &doc))
	reordered, err := json.MarshalIndent(doc, "", "    ")
	require.NoError(t, err)
	_, err = verifyDoc(t, &Verifier{}, reordered)
	require.NoError(t, err, "the same JSON, serialized differently, verifies")

	for _, mutate := range []func(map[string]any){
		func(d map[string]any) { d["name"] = "changed" },
		func(d map[string]any) { d["extra"] = "added" },
		func(d map[string]any) { d["proof"].(map[string]any)["created"] = "2000-01-01T00:00:00Z" },
		func(d map[string]any) {
			d["proof"].(map[string]any)["@context"] = []any{"https://www.w3.org/ns/credentials/v2"}
		},
	} {
		var d map[string]any
		require.NoError(t, json.Unmarshal(out, &d))
		mutate(d)
		b, _ := json.Marshal(d)
		_, err := verifyDoc(t, &Verifier{}, b)
		assert.Error(t, err)
	}
}

func TestSigningRefusesBadInput(t *testing.T) {
	keys := testKeys()
	vm, ctrl := didKey(t, keys["Ed25519"])
	k := Key{Signer: keys["Ed25519"], VerificationMethod: vm}
	ctx := context.Background()
	good := credentialFor(t, ctrl)
	tests := []struct {
		name string
		doc  []byte
		key  Key
		o    *DataIntegrityOptions
		want []error
	}{
		{"undefined term", []byte(strings.Replace(string(good), `"name": "Teamwork Badge"`, `"name": "Teamwork Badge", "fooBar": 1`, 1)), k, nil, []error{ErrInvalidDocument, vc.ErrSafeMode}},
		{"unknown context", []byte(strings.Replace(string(good), `"https://www.w3.org/ns/credentials/v2",`, `"https://www.w3.org/ns/credentials/v2", "https://evil.example/ctx",`, 1)), k, nil, []error{ErrInvalidDocument, vc.ErrUnknownContext}},
		{"duplicate key", []byte(`{"@context":"https://www.w3.org/ns/credentials/v2","a":1,"a":2}`), k, nil, []error{ErrInvalidDocument}},
		{"not an object", []byte(`[1]`), k, nil, []error{ErrInvalidDocument}},
		{"Ed25519Signature2020 without its context", good, k, &DataIntegrityOptions{Cryptosuite: Ed25519Signature2020}, []error{ErrInvalidDocument}},
		{"legacy suite", good, k, &DataIntegrityOptions{Cryptosuite: EdDSA2022}, []error{ErrUnsupportedCryptosuite}},
		{"unknown suite", good, k, &DataIntegrityOptions{Cryptosuite: "bbs-2023"}, []error{ErrUnsupportedCryptosuite}},
		{"suite and key disagree", good, k, &DataIntegrityOptions{Cryptosuite: ECDSARDFC2019}, []error{ErrInvalidKey}},
		{"RSA has no suite", good, Key{Signer: keys["RSA"], VerificationMethod: "did:example:1#k"}, nil, []error{ErrInvalidKey}},
		{"no signer", good, Key{VerificationMethod: vm}, nil, []error{ErrInvalidKey}},
		{"no verification method", good, Key{Signer: keys["Ed25519"]}, nil, []error{ErrInvalidKey}},
		{"expires before created", good, k, &DataIntegrityOptions{Created: time.Unix(1000, 0), Expires: time.Unix(10, 0)}, []error{ErrMalformedProof}},
		{"missing previous proof", good, k, &DataIntegrityOptions{PreviousProof: []string{"urn:x"}}, []error{ErrMalformedProof}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := AddDataIntegrityProof(ctx, tt.doc, tt.key, tt.o)
			require.Error(t, err)
			for _, w := range tt.want {
				assert.ErrorIs(t, err, w)
			}
		})
	}
}

// TestTamperingFailsWithDistinctReasons pins the reason each kind of
// tampering or misuse fails with.
func TestTamperingFailsWithDistinctReasons(t *testing.T) {
	keys := testKeys()
	ed := keys["Ed25519"]
	vm, ctrl := didKey(t, ed)
	otherVM, otherCtrl := didKey(t, keys["other"])
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	signed := string(signFor(t, ed, &DataIntegrityOptions{Created: now, Expires: now.Add(time.Hour), ID: "urn:uuid:p1"}))
	rep := func(old, new string) []byte {
		require.Contains(t, signed, old)
		return []byte(strings.Replace(signed, old, new, 1))
	}
	pv := proofsOf(t, []byte(signed))[0]["proofValue"].(string)
	// Signed by ed for an issuer that does not control it.
	var foreign bytes.Buffer
	require.NoError(t, json.Compact(&foreign, credentialFor(t, "did:example:someone-else")))
	foreignSigned, err := AddDataIntegrityProof(context.Background(), foreign.Bytes(), Key{Signer: ed, VerificationMethod: vm},
		&DataIntegrityOptions{Created: now, Expires: now.Add(time.Hour), ID: "urn:uuid:p1"})
	require.NoError(t, err)
	clock := func() time.Time { return now.Add(time.Minute) }
	tests := []struct {
		name   string
		doc    []byte
		v      Verifier
		want   error
		status Status
	}{
		{"changed document value", rep(`"Teamwork Badge"`, `"Teamwork Badge!"`), Verifier{}, ErrSignatureInvalid, StatusFailed},
		{"changed nested value", rep(`"Teamwork"`, `"Teamwerk"`), Verifier{}, ErrSignatureInvalid, StatusFailed},
		{"changed proof option", rep(`"created":"2024-05-01T12:00:00Z"`, `"created":"2024-05-01T12:00:01Z"`), Verifier{}, ErrSignatureInvalid, StatusFailed},
		{"changed proof id", rep(`"urn:uuid:p1"`, `"urn:uuid:p2"`), Verifier{}, ErrSignatureInvalid, StatusFailed},
		{"wrong key", []byte(strings.ReplaceAll(signed, strings.TrimPrefix(ctrl, "did:key:"), strings.TrimPrefix(otherCtrl, "did:key:"))), Verifier{}, ErrSignatureInvalid, StatusFailed},
		{"key not controlled by the issuer", foreignSigned, Verifier{}, ErrIssuerMismatch, StatusFailed},
		// Another party's key: a witness's proof, but its signature is the issuer's key's.
		{"other issuer's key", rep(`"`+vm+`"`, `"`+otherVM+`"`), Verifier{}, ErrSignatureInvalid, StatusFailed},
		{"wrong purpose", rep(`"assertionMethod"`, `"authentication"`), Verifier{}, ErrPurposeMismatch, StatusFailed},
		{"wrong expected purpose", []byte(signed), Verifier{Purpose: "authentication"}, ErrPurposeMismatch, StatusFailed},
		{"unknown suite", rep(`"eddsa-rdfc-2022"`, `"eddsa-rdfc-2099"`), Verifier{}, ErrUnsupportedCryptosuite, StatusUnsupported},
		{"unknown proof type", rep(`"DataIntegrityProof"`, `"BbsProof"`), Verifier{}, ErrUnsupportedCryptosuite, StatusUnsupported},
		{"suite not allowed", []byte(signed), Verifier{AllowedCryptosuites: []string{ECDSARDFC2019}}, ErrUnsupportedCryptosuite, StatusUnsupported},
		{"legacy name not allowed by default", rep(`"eddsa-rdfc-2022"`, `"eddsa-2022"`), Verifier{}, ErrUnsupportedCryptosuite, StatusUnsupported},
		{"proofValue not base58btc", rep(pv, "u"+pv[1:]), Verifier{}, ErrMalformedProofValue, StatusFailed},
		{"proofValue bad character", rep(pv, pv[:10]+"0"+pv[11:]), Verifier{}, ErrMalformedProofValue, StatusFailed},
		{"proofValue too short", rep(pv, pv[:40]), Verifier{}, ErrMalformedProofValue, StatusFailed},
		{"proofValue empty", rep(pv, ""), Verifier{}, ErrMalformedProofValue, StatusFailed},
		{"proofValue missing", rep(`,"proofValue":"`+pv+`"`, ""), Verifier{}, ErrMalformedProofValue, StatusFailed},
		{"missing verification method", rep(`"verificationMethod":"`+vm+`",`, ""), Verifier{}, ErrMalformedProof, StatusFailed},
		{"bad created", rep(`"2024-05-01T12:00:00Z"`, `"yesterday"`), Verifier{}, ErrMalformedProof, StatusFailed},
		{"created in the future", []byte(signed), Verifier{Now: func() time.Time { return now.Add(-time.Minute) }}, ErrProofNotYetValid, StatusFailed},
		{"expired", []byte(signed), Verifier{Now: func() time.Time { return now.Add(2 * time.Hour) }}, ErrProofExpired, StatusFailed},
		{"challenge expected", []byte(signed), Verifier{Challenge: "abc"}, ErrChallengeMismatch, StatusFailed},
		{"domain expected", []byte(signed), Verifier{Domain: "example.org"}, ErrDomainMismatch, StatusFailed},
		{"unresolvable method", rep(`"`+vm+`"`, `"did:web:example.com#key-1"`), Verifier{InsecureSkipIssuerBinding: true}, ErrKeyNotFound, StatusFailed},
		{"missing previous proof", rep(`"urn:uuid:p1"`, `"urn:uuid:p1","previousProof":"urn:uuid:nope"`), Verifier{}, ErrMalformedProof, StatusFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.v
			if v.Now == nil {
				v.Now = clock
			}
			res, err := verifyDoc(t, &v, tt.doc)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.want)
			var ve *VerificationError
			require.ErrorAs(t, err, &ve)
			require.Len(t, res, 1)
			assert.Equal(t, tt.status, res[0].Status)
			assert.ErrorIs(t, res[0].Err, tt.want)
			for _, other := range []error{ErrSignatureInvalid, ErrIssuerMismatch, ErrPurposeMismatch, ErrUnsupportedCryptosuite, ErrMalformedProofValue, ErrMalformedProof, ErrKeyNotFound} {
				if other != tt.want {
					assert.NotErrorIs(t, err, other)
				}
			}
			if tt.want == ErrSignatureInvalid {
				var se *SignatureError
				require.ErrorAs(t, err, &se)
				require.NotNil(t, se.Diagnostics)
				assert.NotEmpty(t, se.Diagnostics.CanonicalDocument)
				assert.NotEmpty(t, se.Diagnostics.CanonicalProofConfig)
				assert.Len(t, se.Diagnostics.DocumentHash, 32)
				assert.Len(t, se.Diagnostics.ProofConfigHash, 32)
				assert.Same(t, se.Diagnostics, res[0].Diagnostics)
			}
		})
	}
	t.Run("untampered verifies", func(t *testing.T) {
		res, err := verifyDoc(t, &Verifier{Now: clock}, []byte(signed))
		require.NoError(t, err)
		assert.Nil(t, res[0].Diagnostics)
	})
	t.Run("legacy name verifies when allowed", func(t *testing.T) {
		// eddsa-2022 is eddsa-rdfc-2022 under its old name: re-sign the
		// proof with the old name written in it.
		doc := signed
		p := proofsOf(t, []byte(doc))[0]
		_ = p
		legacy := []byte(strings.Replace(string(credentialFor(t, ctrl)), "}\n", "}\n", 1))
		out, err := addLegacy(t, legacy, ed, vm, now)
		require.NoError(t, err)
		_, err = verifyDoc(t, &Verifier{Now: clock}, out)
		assert.ErrorIs(t, err, ErrUnsupportedCryptosuite)
		res, err := verifyDoc(t, &Verifier{Now: clock, AllowedCryptosuites: []string{EdDSARDFC2022, EdDSA2022}}, out)
		require.NoError(t, err)
		assert.Equal(t, EdDSA2022, res[0].Cryptosuite)
	})
	t.Run("challenge and domain", func(t *testing.T) {
		doc := signFor(t, ed, &DataIntegrityOptions{Created: now, Purpose: PurposeAuthentication, Challenge: "c-1", Domain: "example.org"})
		v := Verifier{Now: clock, Purpose: PurposeAuthentication, Challenge: "c-1", Domain: "example.org"}
		_, err := verifyDoc(t, &v, doc)
		require.NoError(t, err)
		v.Challenge = "c-2"
		_, err = verifyDoc(t, &v, doc)
		assert.ErrorIs(t, err, ErrChallengeMismatch)
		v.Challenge, v.Domain = "c-1", "example.com"
		_, err = verifyDoc(t, &v, doc)
		assert.ErrorIs(t, err, ErrDomainMismatch)
	})
}

// addLegacy signs with the legacy cryptosuite name, which the API refuses
// to write, by signing the configuration directly.
func addLegacy(t testing.TB, doc []byte, s crypto.Signer, vm string, created time.Time) ([]byte, error) {
	t.Helper()
	c, err := vc.Parse(doc)
	require.NoError(t, err)
	p := &proofJSON{Type: TypeDataIntegrityProof, Cryptosuite: EdDSA2022, Created: created.UTC().Format(time.RFC3339),
		VerificationMethod: vm, ProofPurpose: PurposeAssertionMethod}
	cfg := p.configMap()
	cfg["@context"] = c.Document()["@context"]
	d, err := hashInputs(context.Background(), vc.NewProcessor(nil), kindEd25519, c.Document(), cfg, nil)
	require.NoError(t, err)
	sig, err := signMessage(context.Background(), s, d.Message())
	require.NoError(t, err)
	p.ProofValue = "z" + base58(t, sig)
	return appendProof(doc, p)
}

func base58(t testing.TB, b []byte) string {
	t.Helper()
	s, err := encodeProofValue(b)
	require.NoError(t, err)
	return s[1:]
}

func TestVerificationMethodMustBeAuthorized(t *testing.T) {
	ed := testKeys()["Ed25519"]
	vm, ctrl := didKey(t, ed)
	signed := signFor(t, ed, &DataIntegrityOptions{Created: time.Now().Add(-time.Hour)})
	// A resolver whose document lists the key under authentication only.
	res := ResolverFunc(func(ctx context.Context, id string) (*did.Document, error) {
		doc, err := OfflineResolver().Resolve(ctx, id)
		if err != nil {
			return nil, err
		}
		doc = doc.Clone()
		doc.AssertionMethod = nil
		return doc, nil
	})
	_, err := verifyDoc(t, &Verifier{Resolver: res}, signed)
	assert.ErrorIs(t, err, ErrNotAuthorized)
	// A document whose method names another controller.
	res2 := ResolverFunc(func(ctx context.Context, id string) (*did.Document, error) {
		doc, err := OfflineResolver().Resolve(ctx, id)
		if err != nil {
			return nil, err
		}
		doc = doc.Clone()
		doc.VerificationMethod[0].Controller = "did:example:mallory"
		return doc, nil
	})
	_, err = verifyDoc(t, &Verifier{Resolver: res2}, signed)
	assert.ErrorIs(t, err, ErrNotAuthorized)
	_ = vm
	_ = ctrl
}

func TestProofSetPolicy(t *testing.T) {
	keys := testKeys()
	ed := keys["Ed25519"]
	vm, ctrl := didKey(t, ed)
	ctx := context.Background()
	doc, err := AddDataIntegrityProof(ctx, credentialFor(t, ctrl), Key{Signer: ed, VerificationMethod: vm}, &DataIntegrityOptions{ID: "urn:p1", Created: time.Now().Add(-time.Hour)})
	require.NoError(t, err)
	// A second proof of an unknown suite, then a chained ecdsa proof by a
	// key the issuer does not control.
	unknown, err := appendProof(doc, map[string]any{"type": "DataIntegrityProof", "cryptosuite": "bbs-2023",
		"verificationMethod": vm, "proofPurpose": "assertionMethod", "proofValue": "zabc"})
	require.NoError(t, err)
	res, err := verifyDoc(t, &Verifier{}, unknown)
	require.NoError(t, err, "an unsupported proof beside a verified one is a warning")
	require.Len(t, res, 2)
	assert.Equal(t, StatusVerified, res[0].Status)
	assert.Equal(t, StatusUnsupported, res[1].Status)
	_, err = verifyDoc(t, &Verifier{RequireAllProofs: true}, unknown)
	assert.ErrorIs(t, err, ErrUnsupportedCryptosuite)

	p256 := keys["P-256"]
	pvm, _ := didKey(t, p256)
	chained, err := AddDataIntegrityProof(ctx, doc, Key{Signer: p256, VerificationMethod: pvm}, &DataIntegrityOptions{PreviousProof: []string{"urn:p1"}, Created: time.Now().Add(-time.Hour)})
	require.NoError(t, err)
	res, err = verifyDoc(t, &Verifier{}, chained)
	require.NoError(t, err, "a witness's proof chained to the issuer's verifies (witness_test.go)")
	assert.Equal(t, StatusVerified, res[0].Status)
	assert.Equal(t, StatusVerified, res[1].Status)
	assert.NotEqual(t, ctrl, res[1].Controller)
	res, err = verifyDoc(t, &Verifier{InsecureSkipIssuerBinding: true}, chained)
	require.NoError(t, err)
	assert.Len(t, res, 2)
	// Removing the proof the chain points to breaks the chain.
	_, err = verifyDoc(t, &Verifier{InsecureSkipIssuerBinding: true}, []byte(strings.Replace(string(chained), `"urn:p1"`, `"urn:p0"`, 1)))
	assert.ErrorIs(t, err, ErrMalformedProof)

	only := []byte(strings.Replace(string(doc), `"eddsa-rdfc-2022"`, `"bbs-2023"`, 1))
	_, err = verifyDoc(t, &Verifier{}, only)
	assert.ErrorIs(t, err, ErrUnsupportedCryptosuite, "an unknown suite alone is a failure, not a skip")

	_, err = verifyDoc(t, &Verifier{}, credentialFor(t, ctrl))
	assert.ErrorIs(t, err, ErrNoProof)
}

func TestVerifierIsSafeForConcurrentUse(t *testing.T) {
	ed := testKeys()["Ed25519"]
	signed := signFor(t, ed, &DataIntegrityOptions{Created: time.Now().Add(-time.Hour)})
	c, err := vc.Parse(signed)
	require.NoError(t, err)
	v := &Verifier{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			_, err := v.VerifyProofs(context.Background(), c)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
}

func TestCancelledContext(t *testing.T) {
	ed := testKeys()["Ed25519"]
	signed := signFor(t, ed, &DataIntegrityOptions{Created: time.Now().Add(-time.Hour)})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c, err := vc.Parse(signed)
	require.NoError(t, err)
	_, err = (&Verifier{}).VerifyProofs(ctx, c)
	assert.ErrorIs(t, err, context.Canceled)
	vm, ctrl := didKey(t, ed)
	_, err = AddDataIntegrityProof(ctx, credentialFor(t, ctrl), Key{Signer: ed, VerificationMethod: vm}, nil)
	assert.ErrorIs(t, err, context.Canceled)
}
