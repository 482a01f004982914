package server_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/presentation"
	"github.com/openbadges-go/openbadges/server"
)

// The W3C vc-data-model-2.0 suite's enveloped credential requests
// (§4.13.1): the issued envelope verifies; each negative variant is
// refused.
func TestVerifyEnvelopedCredentialLikeTheW3CSuite(t *testing.T) {
	f := newFixture(t, nil)
	good := f.issue(t, exampleCredential(), map[string]any{"format": "jwt"})
	r, res := f.verify(t, good)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, []any{"proof", "dataModel", "validity"}, res["checks"])

	mod := func(fn func(m map[string]any)) map[string]any { m := clone(good); fn(m); return m }
	for name, env := range map[string]map[string]any{
		"empty @context":         mod(func(m map[string]any) { m["@context"] = []any{} }),
		"only the examples ctx":  mod(func(m map[string]any) { m["@context"] = "https://www.w3.org/ns/credentials/examples/v2" }),
		"id without data:":       mod(func(m map[string]any) { s := m["id"].(string); m["id"] = s[strings.LastIndex(s, ",")+1:] }),
		"no type":                mod(func(m map[string]any) { delete(m, "type") }),
		"type VerifiableCredntl": mod(func(m map[string]any) { m["type"] = "VerifiableCredential" }),
		"vp media type":          mod(func(m map[string]any) { m["id"] = strings.Replace(m["id"].(string), "vc+jwt", "vp+jwt", 1) }),
	} {
		t.Run(name, func(t *testing.T) {
			r, res := f.verify(t, env)
			assert.Contains(t, []int{400, 422}, r.status, "%s", r.body)
			if r.status == 422 {
				assert.Equal(t, false, res["verified"])
				assert.NotEmpty(t, res["errors"])
			}
		})
	}
}

// A VC-JOSE-COSE presentation JWT of a credential the server issued, in
// an EnvelopedVerifiablePresentation, verifies with its nonce and aud as
// the challenge and domain; the W3C suite's negative variants and a
// payload with the VC 1.1 "vp" claim are refused.
func TestVerifyEnvelopedPresentation(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	holder := newFixture(t, nil)
	cred := f.issue(t, exampleCredential(), map[string]any{"format": "jwt"})
	token, err := presentation.EnvelopedToken(cred)
	require.NoError(t, err)
	vpJWT, err := presentation.SignJWT(ctx, holder.pk, [][]byte{[]byte(token)}, &presentation.SignOptions{Challenge: "c-123", Domain: "example.org"})
	require.NoError(t, err)
	env := presentation.EnvelopePresentation(vpJWT)
	opts := map[string]any{"challenge": "c-123", "domain": "example.org"}

	post := func(vp map[string]any, opts map[string]any) (*response, map[string]any) {
		body := map[string]any{"verifiablePresentation": vp}
		if opts != nil {
			body["options"] = opts
		}
		r := postJSON(t, f.h, server.PathVerifyPresentation, body)
		return r, r.json(t)
	}
	r, res := post(env, opts)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Empty(t, res["warnings"])
	assert.Contains(t, res["checks"], "proof")
	require.Len(t, res["credentialResults"], 1)

	// Nothing asked: the signature still binds it to its holder.
	r, _ = post(env, nil)
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)

	mod := func(fn func(m map[string]any)) map[string]any { m := clone(env); fn(m); return m }
	b64 := base64.RawURLEncoding
	parts := strings.Split(vpJWT, ".")
	var payload map[string]any
	pb, _ := b64.DecodeString(parts[1])
	require.NoError(t, json.Unmarshal(pb, &payload))
	// The form the W3C suite's own sample takes: the presentation in a
	// "vp" claim, typ JWT; VC-JOSE-COSE forbids it.
	vp11 := func() string {
		inner := map[string]any{}
		for k, v := range payload {
			if k != "nonce" && k != "aud" && k != "iat" {
				inner[k] = v
			}
		}
		h, _ := json.Marshal(map[string]any{"alg": "EdDSA", "kid": holder.key.ID, "typ": "JWT"})
		p, _ := json.Marshal(map[string]any{"iss": holder.issuer, "aud": "example.org", "nonce": "c-123", "vp": inner})
		input := b64.EncodeToString(h) + "." + b64.EncodeToString(p)
		sig, err := holder.key.Signer.Sign(rand.Reader, []byte(input), crypto.Hash(0))
		require.NoError(t, err)
		return input + "." + b64.EncodeToString(sig)
	}()
	for name, tc := range map[string]struct {
		vp   map[string]any
		opts map[string]any
		want string
	}{
		"wrong challenge":     {env, map[string]any{"challenge": "other", "domain": "example.org"}, "challenge"},
		"wrong domain":        {env, map[string]any{"challenge": "c-123", "domain": "evil.example"}, "domain"},
		"empty @context":      {mod(func(m map[string]any) { m["@context"] = []any{} }), opts, ""},
		"examples @context":   {mod(func(m map[string]any) { m["@context"] = []any{"https://www.w3.org/ns/credentials/examples/v2"} }), opts, "@context"},
		"id without data:":    {mod(func(m map[string]any) { m["id"] = vpJWT }), opts, "data: URL"},
		"typed presentation":  {mod(func(m map[string]any) { m["type"] = []any{"VerifiablePresentation"} }), nil, "EnvelopedVerifiablePresentation"},
		"vp claim":            {presentation.EnvelopePresentation(vp11), opts, "vp claim"},
		"vp claim, jwt media": {mod(func(m map[string]any) { m["id"] = "data:application/jwt," + vp11 }), opts, "vp claim"},
		"signature changed":   {presentation.EnvelopePresentation(vpJWT[:len(vpJWT)-4] + "AAAA"), opts, "signature"},
	} {
		t.Run(name, func(t *testing.T) {
			r := postJSON(t, f.h, server.PathVerifyPresentation, map[string]any{"verifiablePresentation": tc.vp, "options": tc.opts})
			assert.Contains(t, []int{400, 422}, r.status, "%s", r.body)
			if r.status == 422 {
				res := r.json(t)
				assert.Equal(t, false, res["verified"])
				assert.NotEmpty(t, res["errors"])
				assert.Contains(t, string(r.body), tc.want)
			}
		})
	}
}

// The kernel's checks map to the VC-API's problem types: a credential
// that breaks the data model lists each problem as a MALFORMED_VALUE
// error, an unused proof is a warning, and a presentation's credential
// errors carry its index.
func TestVCAPIProblemTypes(t *testing.T) {
	f := newFixture(t, nil)
	good := f.issue(t, exampleCredential(), nil)

	bad := clone(good)
	bad["validUntil"] = "not a date"
	r := postJSON(t, f.h, server.PathVerifyCredential, map[string]any{"verifiableCredential": bad})
	assert.Equal(t, http.StatusUnprocessableEntity, r.status, "%s", r.body)
	res := r.json(t)
	types := map[string]bool{}
	for _, e := range res["errors"].([]any) {
		types[e.(map[string]any)["type"].(string)] = true
	}
	assert.True(t, types[server.ProblemMalformedValue], "%s", r.body)
	assert.True(t, types[server.ProblemCryptographic], "the signature no longer verifies: %s", r.body)

	withUnknown := clone(good)
	withUnknown["proof"] = []any{good["proof"], map[string]any{"type": "UnknownProof2099", "proofPurpose": "assertionMethod", "verificationMethod": f.key.ID}}
	r = postJSON(t, f.h, server.PathVerifyCredential, map[string]any{"verifiableCredential": withUnknown, "options": map[string]any{"checks": []any{"proof"}}})
	require.Equal(t, http.StatusOK, r.status, "a proof of an unknown type beside a verified one: %s", r.body)
	assert.Contains(t, string(r.body), "Proof not used")

	vp := map[string]any{"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "type": []any{"VerifiablePresentation"}, "verifiableCredential": []any{good, bad}}
	r = postJSON(t, f.h, server.PathVerifyPresentation, map[string]any{"verifiablePresentation": vp})
	assert.Equal(t, http.StatusUnprocessableEntity, r.status, "%s", r.body)
	res = r.json(t)
	require.Len(t, res["credentialResults"], 2)
	assert.Equal(t, true, res["credentialResults"].([]any)[0].(map[string]any)["verified"])
	for _, e := range res["errors"].([]any) {
		assert.Contains(t, e.(map[string]any)["detail"], "verifiableCredential[1]")
	}
	assert.NotEmpty(t, res["warnings"], "unsigned: a warning")
}
