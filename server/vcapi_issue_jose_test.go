package server_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/server"
	"github.com/openbadges-go/openbadges/vc"
)

// envelopedToken returns the JWT of an EnvelopedVerifiableCredential, with
// its header and payload.
func envelopedToken(t *testing.T, env map[string]any) (token string, header, payload map[string]any) {
	t.Helper()
	assert.Equal(t, "EnvelopedVerifiableCredential", env["type"])
	id, _ := env["id"].(string)
	token, ok := strings.CutPrefix(id, "data:application/vc+jwt,")
	require.True(t, ok, "%v", env)
	parts := strings.Split(token, ".")
	require.Len(t, parts, 3)
	dec := func(s string) map[string]any {
		b, err := base64.RawURLEncoding.DecodeString(s)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		return m
	}
	return token, dec(parts[0]), dec(parts[1])
}

// POST /credentials/issue with format jwt: a credential that is not an
// Open Badge is secured as VC-JOSE-COSE (typ vc+jwt, the credential as the
// payload), as the W3C VC 2.0 suite's JWT issuer expects; an Open Badge
// keeps the OB 3.0 VC-JWT (typ JWT). Both verify at the VC-API.
func TestIssueJWTFormByCredentialType(t *testing.T) {
	f := newFixture(t, nil)

	env := f.issue(t, exampleCredential(), map[string]any{"format": "jwt"})
	_, h, p := envelopedToken(t, env)
	assert.Equal(t, "vc+jwt", h["typ"])
	assert.Equal(t, f.key.ID, h["kid"])
	for _, claim := range []string{"iss", "jti", "nbf", "sub", "vc"} {
		assert.NotContains(t, p, claim, "the payload is the credential itself")
	}
	assert.Equal(t, f.issuer, p["issuer"])
	assert.Equal(t, exampleCredential()["@context"], p["@context"])
	r, body := f.verify(t, env)
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, true, body["verified"])

	var ob map[string]any
	require.NoError(t, json.Unmarshal([]byte(strings.ReplaceAll(obCredential, "ISSUER", f.issuer)), &ob))
	env = f.issue(t, ob, map[string]any{"format": "jwt"})
	_, h, p = envelopedToken(t, env)
	assert.Equal(t, "JWT", h["typ"], "Open Badges keep typ JWT")
	assert.Equal(t, f.issuer, p["iss"])
	r, _ = f.verify(t, env)
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)

	// A VC 1.1 credential has no VC-JOSE-COSE form: the VC-JWT carries it
	// in the vc claim.
	v11 := map[string]any{
		"@context":          []any{"https://www.w3.org/2018/credentials/v1"},
		"type":              []any{"VerifiableCredential"},
		"issuanceDate":      "2024-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": "did:example:subject"},
	}
	env = f.issue(t, v11, map[string]any{"format": "jwt"})
	_, h, p = envelopedToken(t, env)
	assert.Equal(t, "JWT", h["typ"])
	assert.Contains(t, p, "vc")
}

// relatedResource digests at issue: a wrong digest of a context the
// library has, or a malformed digest (the W3C suite's "bad digest" data is
// a bare SHA-256 without the multihash header), is a 422 naming the member;
// the digests the W3C publishes for the VC 2.0 context issue and verify.
func TestIssueChecksRelatedResourceDigests(t *testing.T) {
	f := newFixture(t, nil)
	with := func(entries ...map[string]any) map[string]any {
		c := exampleCredential()
		list := make([]any, len(entries))
		for i, e := range entries {
			list[i] = e
		}
		c["relatedResource"] = list
		return c
	}
	wrong, err := vc.DigestSRI("sha384", []byte("something else"))
	require.NoError(t, err)
	for name, tc := range map[string]struct {
		entry map[string]any
		path  string
	}{
		"wrong SRI of the v2 context":      {map[string]any{"id": vc.ContextV2, "digestSRI": wrong}, "$.relatedResource[0].digestSRI"},
		"bare SHA-256 as digestMultibase":  {map[string]any{"id": vc.ContextV2, "digestMultibase": "uWZVc7WaX1h4D8rJVb-vlMIqxaEKEb1tYbX8fet7JJzQ"}, "$.relatedResource[0].digestMultibase"},
		"multihash of an unknown function": {map[string]any{"id": "https://example.com/a", "digestMultibase": "uFiBZlVztZpfWHgPyslVv6-UwirFoQoQvW1hhfx963sknNA"}, "$.relatedResource[0].digestMultibase"},
	} {
		t.Run(name, func(t *testing.T) {
			r := postJSON(t, f.h, server.PathIssue, map[string]any{"credential": with(tc.entry)})
			assertProblem(t, r, http.StatusUnprocessableEntity)
			var p server.Problem
			require.NoError(t, json.Unmarshal(r.body, &p))
			require.NotEmpty(t, p.Errors)
			assert.Equal(t, tc.path, p.Errors[0].Path, "%s", r.body)
		})
	}

	// VC Data Model 2.0 appendix B.1 states the SHA-256 of the v2 context:
	// 59955ced...; its sha384 SRI as the data model's examples show it.
	examples, ok := vc.EmbeddedContext("https://www.w3.org/ns/credentials/examples/v2")
	require.True(t, ok)
	examplesMB, err := vc.DigestMultibase("sha2-256", examples)
	require.NoError(t, err)
	signed := f.issue(t, with(
		map[string]any{"id": vc.ContextV2, "digestSRI": "sha384-l/HrjlBCNWyAX91hr6LFV2Y3heB5Tcr6IeE4/Tje8YyzYBM8IhqjHWiWpr8+ZbYU"},
		map[string]any{"id": "https://www.w3.org/ns/credentials/examples/v2", "digestMultibase": examplesMB},
		map[string]any{"id": "https://example.com/logo.png", "digestSRI": wrong}, // not fetched: not checked
	), nil)
	r, _ := f.verify(t, signed)
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
}
