package did_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
)

func TestParse(t *testing.T) {
	good := []struct{ in, method, id string }{
		{"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "key", "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"},
		{"did:web:example.com%3A3000:user:alice", "web", "example.com%3A3000:user:alice"},
		{"did:example:123456789abcdefghi", "example", "123456789abcdefghi"},
		{"did:ex1:a.b-c_d", "ex1", "a.b-c_d"},
		{"did:ex::a", "ex", ":a"},
	}
	for _, tt := range good {
		d, err := did.Parse(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.method, d.Method)
		assert.Equal(t, tt.id, d.ID)
		assert.Equal(t, tt.in, d.String())
	}
	bad := []struct{ in, reason string }{
		{"", "missing \"did:\" scheme"},
		{"DID:key:z6Mk", "missing \"did:\" scheme"},
		{"did:key", "missing method-specific id"},
		{"did::abc", "empty method name"},
		{"did:Key:abc", "lowercase"},
		{"did:key:", "empty method-specific id"},
		{"did:key:abc:", "ends with ':'"},
		{"did:key:a b", "not allowed"},
		{"did:key:a%zz", "percent-encoding"},
		{"did:key:a%4", "percent-encoding"},
		{"did:key:abc#frag", "a DID URL is not a DID"},
		{"did:key:abc/path", "a DID URL is not a DID"},
		{"did:key:" + strings.Repeat("a", did.MaxDIDLength), "longer than"},
	}
	for _, tt := range bad {
		t.Run(tt.in[:min(len(tt.in), 30)], func(t *testing.T) {
			_, err := did.Parse(tt.in)
			require.Error(t, err)
			assert.ErrorIs(t, err, did.ErrInvalidDID)
			var re *did.ResolutionError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.in, re.DID)
			assert.Equal(t, did.CodeInvalidDID, re.Code)
			assert.Contains(t, err.Error(), tt.reason)
			assert.True(t, strings.HasPrefix(err.Error(), fmt.Sprintf("did: %q: invalid DID", tt.in)), err.Error())
		})
	}
}

func TestParseURL(t *testing.T) {
	good := []struct {
		in                    string
		path, query, fragment string
		hasQ, hasF            bool
	}{
		{"did:key:z6Mk#z6Mk", "", "", "z6Mk", false, true},
		{"did:web:example.com:u:a/path/x?service=files&relativeRef=/a#frag", "/path/x", "service=files&relativeRef=/a", "frag", true, true},
		{"did:example:123?versionId=1", "", "versionId=1", "", true, false},
		{"did:example:123#", "", "", "", false, true},
		{"did:example:123", "", "", "", false, false},
	}
	for _, tt := range good {
		u, err := did.ParseURL(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.path, u.Path)
		assert.Equal(t, tt.query, u.Query)
		assert.Equal(t, tt.fragment, u.Fragment)
		assert.Equal(t, tt.hasQ, u.HasQuery)
		assert.Equal(t, tt.hasF, u.HasFragment)
		assert.Equal(t, tt.in, u.String())
		assert.Equal(t, !tt.hasQ && !tt.hasF && tt.path == "", u.IsDID())
	}
	for _, in := range []string{"did:key:z6Mk#a#b", "did:key:z6Mk#a b", "did:key:z6Mk/a b", "did:key:z6Mk?a<b", "https://example.com#x", "did:Key:x#y"} {
		_, err := did.ParseURL(in)
		require.Error(t, err, in)
		assert.ErrorIs(t, err, did.ErrInvalidDIDURL, in)
		var re *did.ResolutionError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, in, re.DID)
	}
	_, err := did.ParseURL("did:Key:x#y")
	assert.ErrorIs(t, err, did.ErrInvalidDID, "a bad DID part also matches ErrInvalidDID")
}

func TestDocumentRoundTrip(t *testing.T) {
	in := `{"@context":["https://www.w3.org/ns/did/v1",{"@vocab":"https://example.com/#"}],"id":"did:example:123",` +
		`"alsoKnownAs":["https://example.com/me"],"controller":"did:example:ctrl",` +
		`"verificationMethod":[{"id":"#key-1","type":"Multikey","controller":"did:example:123","publicKeyMultibase":"z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp","revoked":"2020-01-01T00:00:00Z"}],` +
		`"authentication":[{"id":"did:example:123#key-2","type":"JsonWebKey","controller":"did:example:123","publicKeyJwk":{"kty":"OKP","crv":"Ed25519","x":"O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik","ext":true}}],` +
		`"assertionMethod":["#key-1"],"service":[{"id":"#svc","type":["LinkedDomains","X"],"serviceEndpoint":{"origins":["https://example.com"]},"extra":12345678901234567890}],` +
		`"custom":{"n":12345678901234567890},"customRel":["#key-1"]}`
	doc, err := did.ParseDocument([]byte(in))
	require.NoError(t, err)
	assert.Equal(t, did.StringSet{"did:example:ctrl"}, doc.Controller)
	require.NotNil(t, doc.VerificationMethodByID("did:example:123#key-1"))
	require.NotNil(t, doc.VerificationMethodByID("#key-2"), "embedded methods are found")
	assert.True(t, doc.Authorizes("did:example:123#key-1", did.AssertionMethod))
	assert.True(t, doc.Authorizes("#key-1", did.Relationship("customRel")))
	assert.False(t, doc.Authorizes("#key-1", did.Authentication))
	assert.JSONEq(t, `{"n":12345678901234567890}`, string(doc.Extra["custom"]))

	out, err := json.Marshal(doc)
	require.NoError(t, err)
	assert.JSONEq(t, in, string(out))
	assert.Contains(t, string(out), "12345678901234567890", "numbers kept exactly")

	clone := doc.Clone()
	clone.VerificationMethod[0].ID = "#changed"
	assert.Equal(t, "#key-1", doc.VerificationMethod[0].ID)
}

func TestDocumentStrict(t *testing.T) {
	bad := map[string]string{
		"duplicate member":          `{"id":"did:a:b","id":"did:a:c"}`,
		"case variant of id":        `{"id":"did:a:b","ID":"did:a:c"}`,
		"case variant in method":    `{"id":"did:a:b","verificationMethod":[{"id":"#k","Type":"Multikey"}]}`,
		"duplicate in nested JWK":   `{"id":"did:a:b","verificationMethod":[{"id":"#k","publicKeyJwk":{"kty":"OKP","x":"a","x":"b"}}]}`,
		"not an object":             `["did:a:b"]`,
		"trailing data":             `{"id":"did:a:b"} {}`,
		"wrong type":                `{"id":5}`,
		"controller not a string":   `{"id":"did:a:b","controller":[1]}`,
		"relationship entry number": `{"id":"did:a:b","assertionMethod":[5]}`,
	}
	for name, in := range bad {
		t.Run(name, func(t *testing.T) {
			_, err := did.ParseDocument([]byte(in))
			require.Error(t, err)
			assert.ErrorIs(t, err, did.ErrInvalidDocument)
		})
	}
}

func TestDereferenceDID(t *testing.T) {
	ctx := context.Background()
	k := seedKey(t, 7)
	vmID := k.ID
	r := did.DefaultResolver()

	vm, err := did.Dereference(ctx, r, vmID, did.AssertionMethod)
	require.NoError(t, err)
	assert.Equal(t, vmID, vm.ID)
	pub, err := vm.PublicKey()
	require.NoError(t, err)
	assert.True(t, sameKey(k.Public, pub))

	vm, err = did.Dereference(ctx, nil, k.Controller, did.Authentication)
	require.NoError(t, err, "a bare did:key names its only method")
	assert.Equal(t, vmID, vm.ID)

	jwkDID, err := did.DIDJWKFromPublicKey(k.Public)
	require.NoError(t, err)
	vm, err = did.Dereference(ctx, r, jwkDID+"#0", did.AssertionMethod)
	require.NoError(t, err)
	assert.Equal(t, did.TypeJsonWebKey2020, vm.Type)

	// A custom resolver serving a document that lists the key only under
	// authentication, and one whose method names another controller.
	custom := did.Methods{"example": did.ResolverFunc(func(ctx context.Context, id string) (*did.Document, error) {
		doc := controllerDoc(t, id, "key-1", k, did.Authentication)
		switch id {
		case "did:example:other-controller":
			doc = controllerDoc(t, id, "key-1", k, did.AssertionMethod)
			doc.VerificationMethod[0].Controller = "did:example:mallory"
		case "did:example:wrong-id":
			doc.ID = "did:example:someone-else"
		case "did:example:bad-key":
			doc = controllerDoc(t, id, "key-1", k, did.AssertionMethod)
			doc.VerificationMethod[0].PublicKeyMultibase = shortEd25519(t)
		case "did:example:relative":
			doc = controllerDoc(t, id, "key-1", k, did.AssertionMethod)
			doc.VerificationMethod[0].ID = "#key-1"
			doc.AssertionMethod = []did.MethodRef{{ID: "#key-1"}}
		}
		return doc, nil
	})}
	vm, err = did.Dereference(ctx, custom, "did:example:relative#key-1", did.AssertionMethod)
	require.NoError(t, err)
	assert.Equal(t, "did:example:relative#key-1", vm.ID, "relative ids are made absolute")

	bad := []struct {
		name, url string
		rel       did.Relationship
		r         did.Resolver
		is        error
	}{
		{"key not under assertionMethod", "did:example:auth-only#key-1", did.AssertionMethod, custom, did.ErrNotAuthorized},
		{"method names another controller", "did:example:other-controller#key-1", did.AssertionMethod, custom, did.ErrNotAuthorized},
		{"document id does not match", "did:example:wrong-id#key-1", did.AssertionMethod, custom, did.ErrInvalidDocument},
		{"undecodable key", "did:example:bad-key#key-1", did.AssertionMethod, custom, did.ErrInvalidKey},
		{"unknown fragment", k.Controller + "#other", did.AssertionMethod, r, did.ErrKeyNotFound},
		{"signing key is not a keyAgreement key", vmID, did.KeyAgreement, r, did.ErrNotAuthorized},
		{"did:web not configured", "did:web:example.com#key-1", did.AssertionMethod, r, did.ErrMethodNotSupported},
		{"unsupported method", "did:ion:abc#key-1", did.AssertionMethod, r, did.ErrMethodNotSupported},
		{"DID URL with path", k.Controller + "/path#x", did.AssertionMethod, r, did.ErrInvalidDIDURL},
		{"not a URL we know", "urn:uuid:1234#key", did.AssertionMethod, r, did.ErrInvalidDIDURL},
		{"bad did:key", "did:key:" + shortEd25519(t) + "#x", did.AssertionMethod, r, did.ErrInvalidKey},
		{"unsupported did:key", "did:key:z6MkBAD#z6MkBAD", did.AssertionMethod, r, did.ErrUnsupportedKey},
		{"empty relationship", vmID, "", r, did.ErrNotAuthorized},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := did.Dereference(ctx, tt.r, tt.url, tt.rel)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.is)
			var re *did.ResolutionError
			require.ErrorAs(t, err, &re)
			assert.NotEmpty(t, re.DID)
			assert.NotEmpty(t, re.Code)
		})
	}
}

func TestResolveJWK(t *testing.T) {
	ctx := context.Background()
	// The P-256 example of the did:jwk specification.
	const example = "did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9"
	doc, err := did.JWKResolver{}.Resolve(ctx, example)
	require.NoError(t, err)
	require.Len(t, doc.VerificationMethod, 1)
	vm := doc.VerificationMethod[0]
	assert.Equal(t, example+"#0", vm.ID)
	assert.Equal(t, "P-256", vm.PublicKeyJWK.Crv)
	assert.Len(t, doc.KeyAgreement, 1, "no use: all five relationships")
	pub, err := vm.PublicKey()
	require.NoError(t, err)
	again, err := did.DIDJWKFromPublicKey(pub)
	require.NoError(t, err)
	assert.Equal(t, example, again, "sorted members reproduce the spec's DID")

	enc := "did:jwk:" + b64url(`{"kty":"OKP","crv":"X25519","use":"enc","x":"3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08"}`)
	doc, err = did.JWKResolver{}.Resolve(ctx, enc)
	require.NoError(t, err)
	assert.Len(t, doc.KeyAgreement, 1)
	assert.Empty(t, doc.AssertionMethod, "use enc: keyAgreement only")

	sig := "did:jwk:" + b64url(`{"kty":"OKP","crv":"Ed25519","use":"sig","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`)
	doc, err = did.JWKResolver{}.Resolve(ctx, sig)
	require.NoError(t, err)
	assert.Empty(t, doc.KeyAgreement, "use sig: no keyAgreement")
	assert.Len(t, doc.AssertionMethod, 1)

	bad := map[string]error{
		"did:jwk:" + b64url(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}`): did.ErrInvalidKey,
		"did:jwk:" + b64url(`{"kty":"OKP","crv":"Ed25519","x":"AAAA"}`):                                                                                          did.ErrInvalidKey,
		"did:jwk:" + b64url(`{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}`):                                                                                  did.ErrInvalidKey,
		"did:jwk:" + b64url(`{"kty":"OKP","crv":"Ed448","x":"AAAA"}`):                                                                                            did.ErrUnsupportedKey,
		"did:jwk:" + b64url(`{"crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`):                                                               did.ErrInvalidKey,
		"did:jwk:" + b64url(`not json`): did.ErrInvalidKey,
		"did:jwk:eyJ===":                did.ErrInvalidDID,
		"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp": did.ErrMethodNotSupported,
	}
	for in, want := range bad {
		_, err := did.JWKResolver{}.Resolve(ctx, in)
		assert.ErrorIs(t, err, want, in)
	}
}

func TestMethods(t *testing.T) {
	ctx := context.Background()
	k := seedKey(t, 8)
	m := did.Methods{"key": did.KeyResolver{}, "liar": did.ResolverFunc(func(ctx context.Context, id string) (*did.Document, error) {
		return &did.Document{ID: "did:liar:someone-else"}, nil
	}), "nil": did.ResolverFunc(func(ctx context.Context, id string) (*did.Document, error) { return nil, nil })}
	doc, err := m.Resolve(ctx, k.Controller)
	require.NoError(t, err)
	assert.Equal(t, k.Controller, doc.ID)
	_, err = m.Resolve(ctx, "did:liar:x")
	assert.ErrorIs(t, err, did.ErrInvalidDocument)
	_, err = m.Resolve(ctx, "did:nil:x")
	assert.Error(t, err)
	_, err = m.Resolve(ctx, "did:web:example.com")
	assert.ErrorIs(t, err, did.ErrMethodNotSupported)
	_, err = m.Resolve(ctx, "https://example.com/x")
	assert.ErrorIs(t, err, did.ErrMethodNotSupported)
	_, err = m.Resolve(ctx, "mailto:x@example.com")
	assert.ErrorIs(t, err, did.ErrInvalidDID)
	_, err = m.Resolve(ctx, k.ID)
	assert.ErrorIs(t, err, did.ErrInvalidDID, "Resolve takes a DID, not a DID URL")

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = m.Resolve(cctx, k.Controller)
	assert.ErrorIs(t, err, context.Canceled)

	def := did.DefaultResolver()
	assert.Len(t, def, 2, "offline: did:key and did:jwk only")
}

func TestKeyErrorCodes(t *testing.T) {
	ctx := context.Background()
	_, err := did.KeyResolver{}.Resolve(ctx, "did:key:"+shortEd25519(t))
	var re *did.ResolutionError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, did.CodeInvalidPublicKeyLength, re.Code)
	_, err = did.KeyResolver{}.Resolve(ctx, "did:key:z6MkBAD")
	require.ErrorAs(t, err, &re)
	assert.Equal(t, did.CodeUnsupportedPublicKey, re.Code)
}
