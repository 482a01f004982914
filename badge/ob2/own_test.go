package ob2_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/ob2"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

const (
	issuerURL = "https://issuer.example/profile.json"
	keyURL    = "https://issuer.example/key.json"
	listURL   = "https://issuer.example/revoked.json"
	classURL  = "https://issuer.example/badge.json"
	ctxV2     = "https://w3id.org/openbadges/v2"
)

func js(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func pemOf(t testing.TB, pub crypto.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// world is an issuer publishing a Profile, a key, a revocation list and a
// BadgeClass.
func world(t testing.TB, pub crypto.PublicKey, profile map[string]any) map[string][]byte {
	p := map[string]any{"@context": ctxV2, "type": "Issuer", "id": issuerURL, "name": "Issuer", "url": "https://issuer.example", "email": "a@issuer.example",
		"publicKey": keyURL, "revocationList": listURL}
	for k, v := range profile {
		p[k] = v
	}
	return map[string][]byte{
		issuerURL: js(t, p),
		keyURL:    js(t, map[string]any{"@context": ctxV2, "type": "CryptographicKey", "id": keyURL, "owner": issuerURL, "publicKeyPem": pemOf(t, pub)}),
		listURL: js(t, map[string]any{"@context": ctxV2, "type": "RevocationList", "id": listURL,
			"revokedAssertions": []any{"urn:uuid:00000000-0000-4000-8000-000000000001", map[string]any{"uid": "legacy-7", "revocationReason": "misconduct"}}}),
		classURL: js(t, map[string]any{"@context": ctxV2, "type": "BadgeClass", "id": classURL, "name": "Welding", "description": "Welds.",
			"criteria": map[string]any{"narrative": "Weld twice."}, "issuer": issuerURL, "image": "https://issuer.example/badge.png",
			"alignment": []any{map[string]any{"targetName": "Welding", "targetUrl": "https://framework.example/welding"}}, "tags": []any{"trade"}}),
	}
}

func assertion(id string, verification map[string]any, extra map[string]any) map[string]any {
	salt := "pepper"
	sum := sha256.Sum256([]byte("ada@example.org" + salt))
	a := map[string]any{"@context": ctxV2, "type": "Assertion", "id": id,
		"recipient": map[string]any{"type": "email", "hashed": true, "salt": salt, "identity": "sha256$" + hex.EncodeToString(sum[:])},
		"issuedOn":  "2024-05-01T10:00:00Z", "badge": classURL, "verification": verification,
		"evidence": []any{map[string]any{"narrative": "Two welds.", "name": "Welds"}}}
	for k, v := range extra {
		a[k] = v
	}
	return a
}

func signJWS(t testing.TB, alg string, key crypto.Signer, payload []byte) []byte {
	enc := base64.RawURLEncoding
	in := enc.EncodeToString(js(t, map[string]any{"alg": alg})) + "." + enc.EncodeToString(payload)
	h := sha256.Sum256([]byte(in))
	sig, err := key.Sign(rand.Reader, h[:], crypto.SHA256)
	require.NoError(t, err)
	if ek, ok := key.(*ecdsa.PrivateKey); ok {
		r, s, err := ecdsa.Sign(rand.Reader, ek, h[:])
		require.NoError(t, err)
		sig = append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	}
	return []byte(in + "." + enc.EncodeToString(sig))
}

var rsaKey = func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}()

func verifyWith(t testing.TB, res map[string][]byte, data []byte, opts badge.VerifyOptions) (*badge.VerificationResult, error) {
	v, err := ob2.NewVerifier(ob2.Options{Resources: res, Offline: true, Now: func() time.Time { return testNow }})
	require.NoError(t, err)
	return v.VerifyWith(context.Background(), data, &opts)
}

func TestSigned(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	signed := map[string]any{"type": "signed", "creator": keyURL}
	cases := []struct {
		name    string
		alg     string
		signer  crypto.Signer
		pub     crypto.PublicKey
		a       map[string]any
		profile map[string]any
		want    error
	}{
		{"RS256", "RS256", rsaKey, rsaKey.Public(), assertion("urn:uuid:9f0b5a52-7a51-4b0e-9a53-0b5c4d7c1f00", signed, nil), nil, nil},
		{"ES256", "ES256", ec, ec.Public(), assertion("urn:uuid:9f0b5a52-7a51-4b0e-9a53-0b5c4d7c1f01", signed, nil), nil, nil},
		{"wrong key", "RS256", other, rsaKey.Public(), assertion("urn:uuid:9f0b5a52-7a51-4b0e-9a53-0b5c4d7c1f02", signed, nil), nil, proof.ErrSignatureInvalid},
		{"revoked by id", "RS256", rsaKey, rsaKey.Public(), assertion("urn:uuid:00000000-0000-4000-8000-000000000001", signed, nil), nil, ob2.ErrRevoked},
		{"revoked by uid", "RS256", rsaKey, rsaKey.Public(), assertion("urn:uuid:9f0b5a52-7a51-4b0e-9a53-0b5c4d7c1f03", signed, map[string]any{"uid": "legacy-7"}), nil, ob2.ErrRevoked},
		{"key not linked", "RS256", rsaKey, rsaKey.Public(), assertion("urn:uuid:9f0b5a52-7a51-4b0e-9a53-0b5c4d7c1f04", signed, nil), map[string]any{"publicKey": "https://issuer.example/other-key.json"}, ob2.ErrKeyNotLinked},
		{"revocation list missing", "RS256", rsaKey, rsaKey.Public(), assertion("urn:uuid:9f0b5a52-7a51-4b0e-9a53-0b5c4d7c1f05", signed, nil), map[string]any{"revocationList": "https://issuer.example/gone.json"}, ob2.ErrFetch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := world(t, c.pub, c.profile)
			jws := signJWS(t, c.alg, c.signer, js(t, c.a))
			require.True(t, ob2.Is(jws))
			r, err := verifyWith(t, res, jws, badge.VerifyOptions{})
			for _, ch := range r.Checks {
				t.Logf("%-20s %-8s %v %s", ch.ID, ch.Status, ch.Err, ch.Detail)
			}
			assert.Equal(t, ob2.Family, r.Family)
			assert.Equal(t, badge.InputJWT, r.Input)
			if c.want == nil {
				require.NoError(t, err)
				assert.Equal(t, issuerURL, r.Issuer)
				return
			}
			assert.ErrorIs(t, err, c.want)
		})
	}
	t.Run("signed JSON without its JWS", func(t *testing.T) {
		res := world(t, rsaKey.Public(), nil)
		_, err := verifyWith(t, res, js(t, assertion("urn:uuid:9f0b5a52-7a51-4b0e-9a53-0b5c4d7c1f06", signed, nil)), badge.VerifyOptions{})
		assert.ErrorIs(t, err, proof.ErrSignatureInvalid)
	})
}

func TestHosted(t *testing.T) {
	const id = "https://issuer.example/assertions/1.json"
	hosted := map[string]any{"type": "hosted"}
	t.Run("valid, recipient", func(t *testing.T) {
		res := world(t, rsaKey.Public(), nil)
		a := js(t, assertion(id, hosted, nil))
		res[id] = a
		for _, c := range []struct {
			want badge.ExpectedRecipient
			ok   bool
		}{
			{badge.ExpectedRecipient{Type: badge.IdentifierTypeEmailAddress, Value: "Ada@Example.org"}, true},
			{badge.ExpectedRecipient{Type: "email", Value: "ada@example.org"}, true},
			{badge.ExpectedRecipient{Type: badge.IdentifierTypeEmailAddress, Value: "eve@example.org"}, false},
			{badge.ExpectedRecipient{Type: "url", Value: "ada@example.org"}, false},
		} {
			r, err := verifyWith(t, res, a, badge.VerifyOptions{Recipient: &c.want})
			if c.ok {
				require.NoError(t, err)
				assert.Equal(t, badge.Passed, r.Check(badge.CheckRecipient).Status)
			} else {
				assert.ErrorIs(t, err, ob2.ErrRecipientMismatch)
			}
		}
		// By URL.
		r, err := verifyWith(t, res, []byte(id), badge.VerifyOptions{})
		require.NoError(t, err)
		assert.Equal(t, issuerURL, r.Issuer)
	})
	t.Run("revoked true", func(t *testing.T) {
		res := world(t, rsaKey.Public(), nil)
		a := js(t, assertion(id, hosted, nil))
		res[id] = js(t, assertion(id, hosted, map[string]any{"revoked": true, "revocationReason": "error"}))
		_, err := verifyWith(t, res, a, badge.VerifyOptions{})
		assert.ErrorIs(t, err, ob2.ErrRevoked)
	})
	t.Run("410 Gone", func(t *testing.T) {
		res := world(t, rsaKey.Public(), nil)
		f := ob2.FetcherFunc(func(_ context.Context, u string) (*ob2.Response, error) {
			if u == id {
				return &ob2.Response{URL: u, Status: http.StatusGone}, nil
			}
			return nil, &ob2.FetchError{URL: u, Status: 404}
		})
		v, err := ob2.NewVerifier(ob2.Options{Resources: res, Fetcher: f, Now: func() time.Time { return testNow }})
		require.NoError(t, err)
		_, err = v.Verify(context.Background(), js(t, assertion(id, hosted, nil)))
		assert.ErrorIs(t, err, ob2.ErrRevoked)
	})
	t.Run("redirect off-origin", func(t *testing.T) {
		res := world(t, rsaKey.Public(), nil)
		a := js(t, assertion(id, hosted, nil))
		f := ob2.FetcherFunc(func(_ context.Context, u string) (*ob2.Response, error) {
			if u == id {
				return &ob2.Response{URL: "https://attacker.example/1.json", Status: http.StatusOK, Body: a}, nil
			}
			return nil, &ob2.FetchError{URL: u, Status: 404}
		})
		v, err := ob2.NewVerifier(ob2.Options{Resources: res, Fetcher: f, Now: func() time.Time { return testNow }})
		require.NoError(t, err)
		_, err = v.Verify(context.Background(), a)
		assert.ErrorIs(t, err, ob2.ErrScope)
	})
	t.Run("allowedOrigins", func(t *testing.T) {
		const cdn = "https://cdn.example/a/1.json"
		for _, c := range []struct {
			origins []any
			ok      bool
		}{{[]any{"cdn.example"}, true}, {[]any{"issuer.example"}, false}} {
			res := world(t, rsaKey.Public(), map[string]any{"verification": map[string]any{"allowedOrigins": c.origins}})
			a := js(t, assertion(cdn, hosted, nil))
			res[cdn] = a
			_, err := verifyWith(t, res, a, badge.VerifyOptions{})
			if c.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, ob2.ErrScope)
			}
		}
	})
	t.Run("profile claiming another site", func(t *testing.T) {
		res := world(t, rsaKey.Public(), map[string]any{"id": "https://victim.example/issuer"})
		a := js(t, assertion(id, hosted, nil))
		res[id] = a
		_, err := verifyWith(t, res, a, badge.VerifyOptions{})
		assert.ErrorIs(t, err, ob2.ErrIssuerMismatch)
	})
	t.Run("aliased revoked member", func(t *testing.T) {
		res := world(t, rsaKey.Public(), nil)
		a := assertion(id, hosted, nil)
		a["@context"] = []any{ctxV2, map[string]any{"revoked": "http://example.org/notRevoked"}}
		a["revoked"] = true
		b := js(t, a)
		res[id] = b
		_, err := verifyWith(t, res, b, badge.VerifyOptions{})
		assert.ErrorIs(t, err, ob2.ErrSafeMode)
	})
}

func TestRecipientHashes(t *testing.T) {
	s256 := sha256.Sum256([]byte("ada@example.org" + "s"))
	m5 := md5.Sum([]byte("ada@example.org" + "s"))
	m5n := md5.Sum([]byte("ada@example.org"))
	cases := []struct {
		name string
		r    ob2.Recipient
		ok   bool
	}{
		{"sha256 salted", ob2.Recipient{Type: "email", Hashed: true, Salt: "s", Identity: "sha256$" + hex.EncodeToString(s256[:])}, true},
		{"md5 salted", ob2.Recipient{Type: "email", Hashed: true, Salt: "s", Identity: "md5$" + hex.EncodeToString(m5[:])}, true},
		{"md5 unsalted", ob2.Recipient{Type: "email", Hashed: true, Identity: "md5$" + hex.EncodeToString(m5n[:])}, true},
		{"plain", ob2.Recipient{Type: "email", Identity: "ADA@example.org"}, true},
		{"wrong salt", ob2.Recipient{Type: "email", Hashed: true, Salt: "t", Identity: "sha256$" + hex.EncodeToString(s256[:])}, false},
	}
	for _, c := range cases {
		err := ob2.RecipientMatches(c.r, badge.ExpectedRecipient{Type: badge.IdentifierTypeEmailAddress, Value: "ada@example.org"})
		if c.ok {
			assert.NoError(t, err, c.name)
		} else {
			assert.ErrorIs(t, err, ob2.ErrRecipientMismatch, c.name)
		}
	}
}

func TestBakedSVG(t *testing.T) {
	const id = "https://issuer.example/assertions/2.json"
	res := world(t, rsaKey.Public(), nil)
	a := js(t, assertion(id, map[string]any{"type": "hosted"}, nil))
	res[id] = a
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="` + id + `"><![CDATA[` + string(a) + `]]></openbadges:assertion></svg>`)
	require.True(t, ob2.Is(svg))
	r, err := verifyWith(t, res, svg, badge.VerifyOptions{})
	require.NoError(t, err)
	assert.Equal(t, badge.InputSVG, r.Input)
	// Signed, in the verify attribute.
	jws := signJWS(t, "RS256", rsaKey, js(t, assertion("urn:uuid:9f0b5a52-7a51-4b0e-9a53-0b5c4d7c1f10", map[string]any{"type": "signed", "creator": keyURL}, nil)))
	svg = []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="` + string(jws) + `"/></svg>`)
	r, err = verifyWith(t, res, svg, badge.VerifyOptions{})
	require.NoError(t, err)
	assert.Equal(t, badge.InputSVG, r.Input)
}

func TestIsNot(t *testing.T) {
	for _, s := range []string{`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"]}`, `{}`, `not json`, `[1]`} {
		assert.False(t, ob2.Is([]byte(s)), s)
	}
	r, err := verifyWith(t, nil, []byte(`{}`), badge.VerifyOptions{})
	assert.ErrorIs(t, err, ob2.ErrNotOB2)
	assert.Equal(t, badge.Failed, r.Check(badge.CheckParse).Status)
}

func TestUpgrade(t *testing.T) {
	const id = "https://issuer.example/assertions/3.json"
	res := world(t, rsaKey.Public(), nil)
	a := js(t, assertion(id, map[string]any{"type": "hosted"}, map[string]any{"expires": "2030-01-01T00:00:00Z"}))
	res[id] = a
	r, err := verifyWith(t, res, a, badge.VerifyOptions{})
	require.NoError(t, err)

	key, err := did.GenerateKey(did.AlgEd25519, rand.Reader)
	require.NoError(t, err)
	iss := &badge.Issuer{Key: proof.Key{Signer: key.Signer, VerificationMethod: key.ID}}
	p := iss.Profile("Issuer")
	cred, err := ob2.Upgrade(r, &ob2.UpgradeOptions{Issuer: &p, Now: func() time.Time { return testNow }})
	require.NoError(t, err)
	assert.Regexp(t, `^urn:uuid:`, cred.ID)
	assert.Equal(t, classURL, cred.CredentialSubject.Achievement.ID)
	assert.Equal(t, classURL, cred.CredentialSubject.Achievement.OtherIdentifier.Values[0].Identifier)
	assert.Equal(t, issuerURL, cred.Issuer.Object.OtherIdentifier.Values[0].Identifier)
	assert.Equal(t, id, cred.Evidence.Values[0].ID)
	assert.Len(t, cred.Evidence.Values, 2)
	ok, err := cred.CredentialSubject.Identifier.Values[0].Matches(badge.IdentifierTypeEmailAddress, "ada@example.org")
	require.NoError(t, err)
	assert.True(t, ok)

	signed, err := iss.Issue(context.Background(), cred)
	require.NoError(t, err)
	v3, err := badge.NewVerifier(badge.VerifierOptions{})
	require.NoError(t, err)
	r3, err := v3.Verify(context.Background(), signed.JSON)
	for _, ch := range r3.Checks {
		t.Logf("%-20s %-8s %v %s", ch.ID, ch.Status, ch.Err, ch.Detail)
	}
	require.NoError(t, err)

	// Refused: a result that did not verify.
	bad, _ := verifyWith(t, nil, a, badge.VerifyOptions{})
	_, err = ob2.Upgrade(bad, nil)
	assert.ErrorIs(t, err, ob2.ErrNotVerified)
	_, err = ob2.Upgrade(nil, nil)
	assert.True(t, errors.Is(err, ob2.ErrNotVerified))
	_ = bytes.MinRead
}
