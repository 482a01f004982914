package did_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/multiformats/go-multibase"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), string(got))
}

func indent(t *testing.T, v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	return append(b, '\n')
}

func TestGoldenDocuments(t *testing.T) {
	ctx := context.Background()
	k := seedKey(t, 0) // the all-zero seed: did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp
	require.Equal(t, "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", k.Controller)
	cases := map[string]did.KeyResolver{
		"did-key-multikey.json":            {},
		"did-key-ed25519-2020-x25519.json": {Format: did.FormatEd25519VerificationKey2020, EnableEncryptionKeyDerivation: true},
		"did-key-multikey-x25519.json":     {EnableEncryptionKeyDerivation: true},
		"did-key-jsonwebkey2020.json":      {Format: did.FormatJsonWebKey2020},
	}
	for name, r := range cases {
		doc, err := r.Resolve(ctx, k.Controller)
		require.NoError(t, err)
		golden(t, name, indent(t, doc))
	}
	jwkDID, err := did.DIDJWKFromPublicKey(k.Public)
	require.NoError(t, err)
	doc, err := did.JWKResolver{}.Resolve(ctx, jwkDID)
	require.NoError(t, err)
	golden(t, "did-jwk-ed25519.json", indent(t, doc))

	b, err := k.MarshalJWK()
	require.NoError(t, err)
	golden(t, "ed25519-seed0.jwk.json", append(b, '\n'))
	b, err = k.MarshalMultikey()
	require.NoError(t, err)
	golden(t, "ed25519-seed0.multikey.json", append(b, '\n'))

	// Ed25519VerificationKey2020 is rejected for non-Ed25519 keys.
	p256, err := did.GenerateKey("P-256", rand.Reader)
	require.NoError(t, err)
	_, err = did.KeyResolver{Format: did.FormatEd25519VerificationKey2020}.Resolve(ctx, p256.Controller)
	assert.ErrorIs(t, err, did.ErrUnsupportedKey)
}

func TestKeyRoundTrip(t *testing.T) {
	for _, alg := range []string{"Ed25519", "P-256", "P-384", "RS256", "EdDSA", "ES256", "ES384"} {
		t.Run(alg, func(t *testing.T) {
			k, err := did.GenerateKey(alg, rand.Reader)
			require.NoError(t, err)
			require.NotNil(t, k.Signer)
			jwkJSON, err := k.MarshalJWK()
			require.NoError(t, err)
			assert.Contains(t, string(jwkJSON), `"d"`)
			back, err := did.ParsePrivateKey(jwkJSON)
			require.NoError(t, err)
			assert.Equal(t, k.ID, back.ID)
			assert.Equal(t, k.Controller, back.Controller)
			assert.True(t, sameKey(k.Public, back.Public))

			if strings.HasPrefix(alg, "RS") {
				assert.NotContains(t, k.ID, "did:", "RSA keys are named by thumbprint")
				_, err := k.MarshalMultikey()
				assert.ErrorIs(t, err, did.ErrUnsupportedKey)
				return
			}
			assert.True(t, strings.HasPrefix(k.ID, k.Controller+"#z"))
			mk, err := k.MarshalMultikey()
			require.NoError(t, err)
			back, err = did.ParsePrivateKey(mk)
			require.NoError(t, err)
			assert.Equal(t, k.ID, back.ID)
			assert.True(t, sameKey(k.Public, back.Public))

			// The key's own verification method dereferences through did:key.
			vm, err := did.Dereference(context.Background(), nil, k.ID, did.AssertionMethod)
			require.NoError(t, err)
			pub, err := vm.PublicKey()
			require.NoError(t, err)
			assert.True(t, sameKey(k.Public, pub))
		})
	}
	_, err := did.GenerateKey("HS256", rand.Reader)
	assert.ErrorIs(t, err, did.ErrUnsupportedKey)
}

func TestParsePrivateKeyErrors(t *testing.T) {
	k := seedKey(t, 9)
	other := seedKey(t, 10)
	j, err := k.JWK()
	require.NoError(t, err)
	mismatch := *j
	oj, _ := other.JWK()
	mismatch.X = oj.X
	mismatchJSON, _ := json.Marshal(mismatch)
	pubOnly, _ := json.Marshal(j.Public())

	mk, err := k.MarshalMultikey()
	require.NoError(t, err)
	var m map[string]string
	require.NoError(t, json.Unmarshal(mk, &m))
	m["publicKeyMultibase"] = multikeyOf(t, other)
	mkMismatch, _ := json.Marshal(m)
	m["secretKeyMultibase"] = multikeyOf(t, k) // a public codec in the secret slot
	mkWrongCodec, _ := json.Marshal(m)

	bad := map[string]string{
		"public JWK only":                string(pubOnly),
		"JWK d does not match x":         string(mismatchJSON),
		"multikey public does not match": string(mkMismatch),
		"public codec as secret":         string(mkWrongCodec),
		"neither form":                   `{"foo":"bar"}`,
		"not JSON":                       `---`,
		"duplicate d":                    `{"kty":"OKP","crv":"Ed25519","x":"` + j.X + `","d":"` + j.D + `","d":"` + j.D + `"}`,
		"short d":                        `{"kty":"OKP","crv":"Ed25519","x":"` + j.X + `","d":"AAAA"}`,
		"EC d out of range":              `{"kty":"EC","crv":"P-256","x":"igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns","y":"efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM","d":"__________________________________________8"}`,
	}
	for name, in := range bad {
		t.Run(name, func(t *testing.T) {
			_, err := did.ParsePrivateKey([]byte(in))
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), "did: "), err.Error())
			assert.True(t, errorsIsAny(err, did.ErrInvalidKey, did.ErrUnsupportedKey), err.Error())
		})
	}
}

func TestNewEd25519KeyFromSeed(t *testing.T) {
	for _, n := range []int{0, 31, 33, 64} {
		_, err := did.NewEd25519KeyFromSeed(make([]byte, n))
		assert.ErrorIs(t, err, did.ErrInvalidKey, n)
	}
}

func TestThumbprintRFC7638(t *testing.T) {
	// RFC 7638 §3.1 example.
	j, err := did.ParseJWK([]byte(`{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}`))
	require.NoError(t, err)
	tp, err := j.Thumbprint()
	require.NoError(t, err)
	assert.Equal(t, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", tp)

	// RFC 8037 §A.3 example (Ed25519).
	j, err = did.ParseJWK([]byte(`{"crv":"Ed25519","kty":"OKP","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`))
	require.NoError(t, err)
	tp, err = j.Thumbprint()
	require.NoError(t, err)
	assert.Equal(t, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k", tp)
}

func TestParsePublicJWK(t *testing.T) {
	good := []string{
		`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`,
		`{"kty":"EC","crv":"P-256","x":"igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns","y":"efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM"}`,
		`{"kty":"OKP","crv":"X25519","x":"3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08"}`,
	}
	for _, in := range good {
		_, err := did.ParsePublicJWK([]byte(in))
		assert.NoError(t, err, in)
	}
	bad := map[string]error{
		`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}`: did.ErrInvalidKey,
		`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo="}`:                                                  did.ErrInvalidKey,
		`{"kty":"EC","crv":"P-256","x":"igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns","y":"efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIQ"}`:    did.ErrInvalidKey,
		`{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}`:                                                                                      did.ErrInvalidKey,
		`{"kty":"RSA","n":"AQAB","e":"AQAB"}`:                                                                                               did.ErrInvalidKey,
		`{"kty":"oct","k":"AQAB"}`:                                                                                                          did.ErrUnsupportedKey,
		`{"kty":"EC","crv":"P-192","x":"AA","y":"AA"}`:                                                                                      did.ErrUnsupportedKey,
		`{"kty":"OKP","crv":"Ed25519","x":"AA","KTY":"OKP"}`:                                                                                did.ErrInvalidKey,
		`{"crv":"Ed25519"}`: did.ErrInvalidKey,
	}
	for in, want := range bad {
		_, err := did.ParsePublicJWK([]byte(in))
		assert.ErrorIs(t, err, want, in)
	}
}

func mb(t *testing.T, prefix []byte, n int) string {
	s, err := multibase.Encode(multibase.Base58BTC, append(prefix, make([]byte, n)...))
	require.NoError(t, err)
	return s
}

func mbFill(t *testing.T, prefix []byte, n int, fill byte) string {
	b := append([]byte{}, prefix...)
	for i := 0; i < n; i++ {
		b = append(b, fill)
	}
	s, err := multibase.Encode(multibase.Base58BTC, b)
	require.NoError(t, err)
	return s
}

func TestDecodeMultikey(t *testing.T) {
	ed := seedKey(t, 11)
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	for _, pub := range []crypto.PublicKey{ed.Public, &p256.PublicKey, &p384.PublicKey, &rsaKey.PublicKey} {
		s, err := did.EncodeMultikey(pub)
		require.NoError(t, err)
		got, err := did.DecodeMultikey(s)
		require.NoError(t, err)
		assert.True(t, sameKey(pub, got))
	}
	s, _ := did.EncodeMultikey(ed.Public)
	assert.True(t, strings.HasPrefix(s, "z6Mk"))
	s, _ = did.EncodeMultikey(&p256.PublicKey)
	assert.True(t, strings.HasPrefix(s, "zDn"))
	s, _ = did.EncodeMultikey(&p384.PublicKey)
	assert.True(t, strings.HasPrefix(s, "z82"))

	sk, err := did.DecodeMultikey("zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme")
	require.NoError(t, err)
	secp, ok := sk.(*did.Secp256k1PublicKey)
	require.True(t, ok)
	assert.Len(t, secp.Bytes(), 33)
	assert.Len(t, secp.UncompressedBytes(), 65)
	again, err := did.ParseSecp256k1PublicKey(secp.UncompressedBytes())
	require.NoError(t, err)
	assert.True(t, secp.Equal(again))

	offCurve := append([]byte{0xe7, 0x01, 0x02}, make([]byte, 32)...)
	offCurve[34] = 5 // x = 5: x^3+7 = 132 is not a square mod p
	bad := map[string]error{
		"":                               did.ErrInvalidKey,
		"u7QE":                           did.ErrInvalidKey, // base64url multibase
		"z0OIl":                          did.ErrInvalidKey, // not base58
		"z" + strings.Repeat("1", 3000):  did.ErrInvalidKey, // too long
		mb(t, []byte{0xed, 0x01}, 31):    did.ErrInvalidKey,
		mb(t, []byte{0xed, 0x01}, 33):    did.ErrInvalidKey,
		mb(t, []byte{0x80, 0x24, 2}, 31): did.ErrInvalidKey, // P-256 short
		mb(t, []byte{0x80, 0x24, 4}, 64): did.ErrInvalidKey, // P-256 uncompressed: not the did:key form
		mbFill(t, []byte{0x80, 0x24, 2}, 32, 0xff): did.ErrInvalidKey, // x >= p
		mbFill(t, []byte{0x81, 0x24, 3}, 48, 0xff): did.ErrInvalidKey, // x >= p
		mb(t, []byte{0xe7, 0x01, 2}, 31):           did.ErrInvalidKey,
		mb(t, []byte{0xed, 0x81, 0x00}, 32):        did.ErrInvalidKey, // non-minimal varint
		mb(t, []byte{0xff}, 0):                     did.ErrInvalidKey, // truncated varint
		mb(t, []byte{0x85, 0x24}, 10):              did.ErrInvalidKey, // RSA garbage
		mb(t, []byte{0xeb, 0x01}, 96):              did.ErrUnsupportedKey,
		mb(t, []byte{0x00}, 32):                    did.ErrUnsupportedKey,
	}
	s, err = multibase.Encode(multibase.Base58BTC, offCurve)
	require.NoError(t, err)
	bad[s] = did.ErrInvalidKey
	for in, want := range bad {
		_, err := did.DecodeMultikey(in)
		assert.ErrorIs(t, err, want, "%q", in)
	}
	_, err = did.EncodeMultikey(ed25519.PublicKey{1, 2, 3})
	assert.ErrorIs(t, err, did.ErrInvalidKey)
	_, err = did.EncodeMultikey("not a key")
	assert.ErrorIs(t, err, did.ErrUnsupportedKey)
}

func TestVerificationMethodPublicKey(t *testing.T) {
	ed := seedKey(t, 12)
	edMB := multikeyOf(t, ed)
	j, _ := did.NewJWK(ed.Public)
	priv, _ := ed.JWK()
	tests := []struct {
		name string
		vm   did.VerificationMethod
		err  error
	}{
		{"Multikey", did.VerificationMethod{Type: "Multikey", PublicKeyMultibase: edMB}, nil},
		{"Ed25519VerificationKey2020", did.VerificationMethod{Type: "Ed25519VerificationKey2020", PublicKeyMultibase: edMB}, nil},
		{"Ed25519VerificationKey2018", did.VerificationMethod{Type: "Ed25519VerificationKey2018", PublicKeyBase58: "4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS"}, nil},
		{"JsonWebKey", did.VerificationMethod{Type: "JsonWebKey", PublicKeyJWK: j}, nil},
		{"JsonWebKey2020", did.VerificationMethod{Type: "JsonWebKey2020", PublicKeyJWK: j}, nil},
		{"JWK with d", did.VerificationMethod{Type: "JsonWebKey", PublicKeyJWK: priv}, did.ErrInvalidKey},
		{"2020 with a P-256 key", did.VerificationMethod{Type: "Ed25519VerificationKey2020", PublicKeyMultibase: "zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv"}, did.ErrInvalidKey},
		{"2018 short", did.VerificationMethod{Type: "Ed25519VerificationKey2018", PublicKeyBase58: "4zvwRjXUKGfv"}, did.ErrInvalidKey},
		{"Multikey empty", did.VerificationMethod{Type: "Multikey"}, did.ErrInvalidKey},
		{"JsonWebKey empty", did.VerificationMethod{Type: "JsonWebKey"}, did.ErrInvalidKey},
		{"no type", did.VerificationMethod{PublicKeyMultibase: edMB}, did.ErrInvalidKey},
		{"unknown type", did.VerificationMethod{Type: "Bls12381G2Key2020", PublicKeyBase58: "abc"}, did.ErrUnsupportedKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.vm.ID = "did:example:1#k"
			pub, err := tt.vm.PublicKey()
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				var re *did.ResolutionError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, "did:example:1#k", re.DID)
				return
			}
			require.NoError(t, err)
			if tt.name != "Ed25519VerificationKey2018" {
				assert.True(t, sameKey(ed.Public, pub))
			}
		})
	}
}
