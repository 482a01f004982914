package did_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
)

// newPlainTLSServer serves controller documents, key documents and JWK
// Sets at https://127.0.0.1:port, all naming key k.
func newPlainTLSServer(t *testing.T, k *did.Key) *httptest.Server {
	t.Helper()
	srv := httptest.NewTLSServer(nil)
	t.Cleanup(srv.Close)
	base := srv.URL
	mb := multikeyOf(t, k)
	mux := http.NewServeMux()
	serve := func(path string, v any) { mux.Handle(path, jsonHandler(t, "application/json", v)) }

	serve("/issuers/1", controllerDoc(t, base+"/issuers/1", "key-1", k, did.AssertionMethod))
	serve("/issuers/2", controllerDoc(t, base+"/issuers/2", mb, k, did.AssertionMethod))
	serve("/issuers/3", controllerDoc(t, base+"/issuers/3", "key-1", k, did.Authentication))
	serve("/issuers/4", controllerDoc(t, base+"/issuers/4", "key-9", k, did.AssertionMethod))

	keyDoc := func(id, controller string) map[string]any {
		return map[string]any{"@context": did.ContextMultikeyV1, "id": id, "type": "Multikey", "controller": controller, "publicKeyMultibase": mb}
	}
	serve("/keys/1", keyDoc(base+"/keys/1", base+"/issuers/5"))
	serve("/issuers/5", &did.Document{ID: base + "/issuers/5", AssertionMethod: []did.MethodRef{{ID: base + "/keys/1"}}})
	serve("/keys/2", keyDoc(base+"/keys/2", base+"/issuers/6"))
	serve("/issuers/6", &did.Document{ID: base + "/issuers/6", Authentication: []did.MethodRef{{ID: base + "/keys/2"}}})

	other := controllerDoc(t, base+"/issuers/7", "key-1", k, did.AssertionMethod)
	other.VerificationMethod[0].Controller = "https://evil.example/issuers/1"
	serve("/issuers/7", other)

	pub, err := did.NewJWK(k.Public)
	require.NoError(t, err)
	pub.Kid = "key-1"
	withIss := *pub
	withIss.Kid = "key-iss"
	withIss.Extra = map[string]json.RawMessage{"iss": json.RawMessage(`"https://other.example"`)}
	priv, err := k.JWK()
	require.NoError(t, err)
	priv.Kid = "key-private"
	serve("/.well-known/jwks.json", did.JWKSet{Keys: []did.JWK{*pub, withIss, *priv}})
	single := *pub
	single.Kid = base + "/jwk/1"
	serve("/jwk/1", single)
	srv.Config.Handler = mux
	return srv
}

func TestDereferenceHTTPS(t *testing.T) {
	ctx := context.Background()
	k := seedKey(t, 3)
	mb := multikeyOf(t, k)
	srv := newPlainTLSServer(t, k)
	base := srv.URL
	r := did.DefaultResolver()
	r["https"] = &did.HTTPSResolver{Client: srv.Client(), AllowPrivateAddresses: true}

	ok := []struct{ name, url, wantID string }{
		{"controller document, fragment id", base + "/issuers/1#key-1", base + "/issuers/1#key-1"},
		{"method id is its publicKeyMultibase", base + "/issuers/2#" + mb, base + "/issuers/2#" + mb},
		{"publicKeyMultibase fragment matched inside the fetched document", base + "/issuers/4#" + mb, base + "/issuers/4#key-9"},
		{"key document whose controller lists it", base + "/keys/1", base + "/keys/1"},
		{"document URL with one assertion method", base + "/issuers/1", base + "/issuers/1#key-1"},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			vm, err := did.Dereference(ctx, r, tt.url, did.AssertionMethod)
			require.NoError(t, err)
			assert.Equal(t, tt.wantID, vm.ID)
			pub, err := vm.PublicKey()
			require.NoError(t, err)
			assert.True(t, sameKey(k.Public, pub))
		})
	}

	bad := []struct {
		name, url string
		rel       did.Relationship
		is        error
	}{
		{"key not under assertionMethod", base + "/issuers/3#key-1", did.AssertionMethod, did.ErrNotAuthorized},
		{"key document not listed by its controller", base + "/keys/2", did.AssertionMethod, did.ErrNotAuthorized},
		{"controller is someone else", base + "/issuers/7#key-1", did.AssertionMethod, did.ErrNotAuthorized},
		{"unknown fragment", base + "/issuers/1#key-2", did.AssertionMethod, did.ErrKeyNotFound},
		{"multibase fragment not in the document", base + "/issuers/1#" + multikeyOf(t, seedKey(t, 4)), did.AssertionMethod, did.ErrKeyNotFound},
		{"authentication asked, only assertionMethod listed", base + "/issuers/1#key-1", did.Authentication, did.ErrNotAuthorized},
		{"document id does not match its URL", base + "/keys/1?x=1", did.AssertionMethod, did.ErrInvalidDocument},
		{"http URL", "http://example.com/issuers/1#key-1", did.AssertionMethod, did.ErrInvalidDIDURL},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := did.Dereference(ctx, r, tt.url, tt.rel)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.is)
			var re *did.ResolutionError
			require.ErrorAs(t, err, &re)
			assert.Contains(t, err.Error(), "did: ")
		})
	}

	t.Run("https needs an explicit resolver", func(t *testing.T) {
		_, err := did.Dereference(ctx, nil, base+"/issuers/1#key-1", did.AssertionMethod)
		assert.ErrorIs(t, err, did.ErrMethodNotSupported)
	})
}

func TestInsecureFragmentKey(t *testing.T) {
	k := seedKey(t, 5)
	mb := multikeyOf(t, k)
	vm, err := did.InsecureFragmentKey("https://example.edu/issuers/565049#" + mb)
	require.NoError(t, err)
	assert.Equal(t, "https://example.edu/issuers/565049", vm.Controller)
	pub, err := vm.PublicKey()
	require.NoError(t, err)
	assert.True(t, sameKey(k.Public, pub))

	for _, u := range []string{"https://example.edu/issuers/565049", "https://example.edu/issuers/565049#key-1", "did:key:" + mb + "#" + mb, "https://example.edu/i#z6MkBAD"} {
		_, err := did.InsecureFragmentKey(u)
		assert.Error(t, err, u)
	}
}

func TestJWKSFetcher(t *testing.T) {
	ctx := context.Background()
	k := seedKey(t, 6)
	srv := newPlainTLSServer(t, k)
	f := &did.JWKSFetcher{Client: srv.Client(), AllowPrivateAddresses: true}

	set, err := f.FetchSet(ctx, srv.URL+"/.well-known/jwks.json")
	require.NoError(t, err)
	assert.Len(t, set.Keys, 3)

	j, err := f.IssuerKey(ctx, srv.URL+"/issuers/1", "key-1")
	require.NoError(t, err)
	pub, err := j.PublicKey()
	require.NoError(t, err)
	assert.True(t, sameKey(k.Public, pub))

	_, err = f.IssuerKey(ctx, srv.URL+"/issuers/1", "key-iss")
	assert.ErrorIs(t, err, did.ErrNotAuthorized, "iss member names another issuer")
	_, err = f.IssuerKey(ctx, srv.URL+"/issuers/1", "key-private")
	assert.ErrorIs(t, err, did.ErrInvalidKey, "published private keys are refused")
	_, err = f.IssuerKey(ctx, srv.URL+"/issuers/1", "nope")
	assert.ErrorIs(t, err, did.ErrKeyNotFound)

	j, err = f.Key(ctx, srv.URL+"/.well-known/jwks.json#key-1")
	require.NoError(t, err)
	assert.Equal(t, "key-1", j.Kid)
	j, err = f.Key(ctx, srv.URL+"/jwk/1")
	require.NoError(t, err)
	assert.Equal(t, "OKP", j.Kty)
	_, err = f.Key(ctx, srv.URL+"/issuers/1#key-1")
	assert.ErrorIs(t, err, did.ErrInvalidDocument, "a controller document is not a JWK")

	_, err = (&did.JWKSFetcher{Client: srv.Client()}).FetchSet(ctx, srv.URL+"/.well-known/jwks.json")
	assert.ErrorIs(t, err, did.ErrAddressNotAllowed)
}
