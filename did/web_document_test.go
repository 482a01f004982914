package did_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
)

func TestWebDIDIsTheInverseOfWebURL(t *testing.T) {
	tests := []struct {
		name    string
		host    string
		path    []string
		want    string
		wantURL string
	}{
		{"bare host", "example.com", nil, "did:web:example.com", "https://example.com/.well-known/did.json"},
		{"host is lowercased", "Example.COM", nil, "did:web:example.com", "https://example.com/.well-known/did.json"},
		{"port colon is encoded", "example.com:8443", nil, "did:web:example.com%3A8443", "https://example.com:8443/.well-known/did.json"},
		{"path segments become colons", "example.com", []string{"issuers", "42"}, "did:web:example.com:issuers:42", "https://example.com/issuers/42/did.json"},
		{"space is percent-encoded", "example.com", []string{"a b"}, "did:web:example.com:a%20b", "https://example.com/a%20b/did.json"},
		{"a colon cannot split a segment", "example.com", []string{"a:c"}, "did:web:example.com:a%3Ac", "https://example.com/a%3Ac/did.json"},
		{"unreserved characters are kept", "example.com", []string{"A.b-c_9"}, "did:web:example.com:A.b-c_9", "https://example.com/A.b-c_9/did.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := did.WebDID(tt.host, tt.path...)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			_, err = did.Parse(got)
			require.NoError(t, err)
			u, err := did.WebURL(got)
			require.NoError(t, err)
			assert.Equal(t, tt.wantURL, u)
		})
	}
	bad := []struct {
		name, host string
		path       []string
		reason     string
	}{
		{"empty host", "", nil, "empty host"},
		{"IP address host", "127.0.0.1", nil, "IP address"},
		{"bad host name", "exa_mple.com", nil, "bad host name"},
		{"port zero", "example.com:0", nil, "bad port"},
		{"port too large", "example.com:70000", nil, "bad port"},
		{"empty port", "example.com:", nil, "bad port"},
		{"signed port", "example.com:+443", nil, "bad port"},
		{"empty segment", "example.com", []string{"a", ""}, "path segment"},
		{"dot segment", "example.com", []string{"."}, "path segment"},
		{"dot-dot segment", "example.com", []string{".."}, "path segment"},
		{"slash in a segment", "example.com", []string{"a/b"}, "path segment"},
		{"backslash in a segment", "example.com", []string{`a\b`}, "path segment"},
		{"query in a segment", "example.com", []string{"a?b"}, "path segment"},
		{"fragment in a segment", "example.com", []string{"a#b"}, "path segment"},
	}
	for _, tt := range bad {
		t.Run("refuses/"+tt.name, func(t *testing.T) {
			_, err := did.WebDID(tt.host, tt.path...)
			require.Error(t, err)
			assert.ErrorIs(t, err, did.ErrInvalidDID)
			assert.Contains(t, err.Error(), tt.reason)
		})
	}
}

func TestNewWebKeyNamesTheKeyUnderTheDID(t *testing.T) {
	signer := seedKey(t, 7).Signer
	t.Run("explicit fragment", func(t *testing.T) {
		k, err := did.NewWebKey(signer, "did:web:example.com", "key-1")
		require.NoError(t, err)
		assert.Equal(t, "did:web:example.com#key-1", k.ID)
		assert.Equal(t, "did:web:example.com", k.Controller)
		assert.Equal(t, signer, k.Signer)
	})
	t.Run("empty fragment is the JWK thumbprint", func(t *testing.T) {
		k, err := did.NewWebKey(signer, "did:web:example.com:issuers:1", "")
		require.NoError(t, err)
		j, err := did.NewJWK(k.Public)
		require.NoError(t, err)
		tp, err := j.Thumbprint()
		require.NoError(t, err)
		assert.Equal(t, "did:web:example.com:issuers:1#"+tp, k.ID)
	})
	t.Run("GenerateWebKey generates and names", func(t *testing.T) {
		k, err := did.GenerateWebKey(did.AlgP256, rand.Reader, "did:web:example.com", "p256")
		require.NoError(t, err)
		assert.Equal(t, "did:web:example.com#p256", k.ID)
		assert.Equal(t, "ES256", k.Algorithm())
		assert.NotNil(t, k.Signer)
	})
	refuses := []struct {
		name, webDID, fragment string
		is                     error
	}{
		{"a did:key", "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "k", did.ErrMethodNotSupported},
		{"a DID URL for the DID", "did:web:example.com#x", "k", did.ErrInvalidDID},
		{"an IP address DID", "did:web:127.0.0.1", "k", did.ErrInvalidDID},
		{"a fragment with a space", "did:web:example.com", "a b", did.ErrInvalidDIDURL},
		{"a fragment with a second hash", "did:web:example.com", "a#b", did.ErrInvalidDIDURL},
	}
	for _, tt := range refuses {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			_, err := did.NewWebKey(signer, tt.webDID, tt.fragment)
			assert.ErrorIs(t, err, tt.is)
			_, err = did.GenerateWebKey(did.AlgEd25519, rand.Reader, tt.webDID, tt.fragment)
			assert.ErrorIs(t, err, tt.is)
		})
	}
	t.Run("refuses a nil signer", func(t *testing.T) {
		_, err := did.NewWebKey(nil, "did:web:example.com", "k")
		assert.ErrorIs(t, err, did.ErrInvalidKey)
	})
}

// TestNewWebDocumentResolvesThroughWebResolver publishes the documents of
// NewWebDocument on an httptest TLS server at the path WebURL gives, and
// checks that WebResolver and Dereference accept every key under both
// default relationships, for every key type and both method types.
func TestNewWebDocumentResolvesThroughWebResolver(t *testing.T) {
	ctx := context.Background()
	rsaKey, err := did.GenerateKey(did.AlgRS256, rand.Reader)
	require.NoError(t, err)
	algs := map[string]*did.Key{"Ed25519": seedKey(t, 3), "RS256": rsaKey}
	for _, alg := range []string{did.AlgP256, did.AlgP384} {
		k, err := did.GenerateKey(alg, rand.Reader)
		require.NoError(t, err)
		algs[alg] = k
	}

	mux := http.NewServeMux()
	_, client := tlsServer(t, mux)
	resolver := &did.WebResolver{Client: client, Timeout: 5 * time.Second, AllowPrivateAddresses: true}
	publish := func(t *testing.T, doc *did.Document) {
		t.Helper()
		u, err := did.WebURL(doc.ID)
		require.NoError(t, err)
		pu, err := url.Parse(u)
		require.NoError(t, err)
		mux.Handle(pu.EscapedPath(), jsonHandler(t, "application/did+ld+json", doc))
	}

	n := 0
	for alg, base := range algs {
		for _, methodType := range []string{did.TypeMultikey, did.TypeJsonWebKey} {
			n++
			name := alg + "/" + methodType
			t.Run(name, func(t *testing.T) {
				webDID, err := did.WebDID("example.com", "issuers", strings.ToLower(alg+"-"+methodType))
				require.NoError(t, err)
				k, err := did.NewWebKey(base.Signer, webDID, "")
				require.NoError(t, err)
				doc, err := did.NewWebDocument(webDID, []*did.Key{k}, &did.WebDocumentOptions{MethodType: methodType})
				require.NoError(t, err)
				publish(t, doc)

				got, err := resolver.Resolve(ctx, webDID)
				require.NoError(t, err)
				assert.Equal(t, webDID, got.ID)
				wantType := methodType
				if alg == "RS256" {
					wantType = did.TypeJsonWebKey // no Multikey form for RSA
				}
				for _, rel := range []did.Relationship{did.AssertionMethod, did.Authentication} {
					vm, err := did.Dereference(ctx, did.Methods{"web": resolver}, k.ID, rel)
					require.NoError(t, err, rel)
					assert.Equal(t, wantType, vm.Type)
					assert.Equal(t, webDID, vm.Controller)
					pub, err := vm.PublicKey()
					require.NoError(t, err)
					assert.True(t, sameKey(k.Public, pub), "the resolved key is the key")
				}
				_, err = did.Dereference(ctx, did.Methods{"web": resolver}, k.ID, did.CapabilityInvocation)
				assert.ErrorIs(t, err, did.ErrNotAuthorized, "only the default relationships are listed")
			})
		}
	}
	require.Equal(t, 8, n)

	t.Run("bare host at /.well-known/did.json with two keys", func(t *testing.T) {
		webDID, err := did.WebDID("example.com")
		require.NoError(t, err)
		k1, err := did.NewWebKey(algs["Ed25519"].Signer, webDID, "key-1")
		require.NoError(t, err)
		k2, err := did.NewWebKey(rsaKey.Signer, webDID, "key-2")
		require.NoError(t, err)
		doc, err := did.NewWebDocument(webDID, []*did.Key{k1, k2}, nil)
		require.NoError(t, err)
		publish(t, doc)
		for _, k := range []*did.Key{k1, k2} {
			vm, err := did.Dereference(ctx, did.Methods{"web": resolver}, k.ID, did.AssertionMethod)
			require.NoError(t, err)
			pub, err := vm.PublicKey()
			require.NoError(t, err)
			assert.True(t, sameKey(k.Public, pub))
		}
	})
}

func TestNewWebDocumentShape(t *testing.T) {
	k, err := did.NewWebKey(seedKey(t, 1).Signer, "did:web:example.com", "key-1")
	require.NoError(t, err)
	rsaKey, err := did.GenerateWebKey(did.AlgRS256, rand.Reader, "did:web:example.com", "rsa")
	require.NoError(t, err)

	t.Run("Multikey document", func(t *testing.T) {
		doc, err := did.NewWebDocument("did:web:example.com", []*did.Key{k}, nil)
		require.NoError(t, err)
		b, err := json.Marshal(doc)
		require.NoError(t, err)
		assert.JSONEq(t, `{
		  "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
		  "id": "did:web:example.com",
		  "verificationMethod": [{
		    "id": "did:web:example.com#key-1",
		    "type": "Multikey",
		    "controller": "did:web:example.com",
		    "publicKeyMultibase": "`+multikeyOf(t, k)+`"
		  }],
		  "authentication": ["did:web:example.com#key-1"],
		  "assertionMethod": ["did:web:example.com#key-1"]
		}`, string(b))
	})
	t.Run("mixed method types name both contexts", func(t *testing.T) {
		doc, err := did.NewWebDocument("did:web:example.com", []*did.Key{k, rsaKey}, nil)
		require.NoError(t, err)
		assert.JSONEq(t, `["https://www.w3.org/ns/did/v1","https://w3id.org/security/multikey/v1","https://w3id.org/security/jwk/v1"]`, string(doc.Context))
	})
	t.Run("publishes public keys only", func(t *testing.T) {
		for _, mt := range []string{did.TypeMultikey, did.TypeJsonWebKey} {
			doc, err := did.NewWebDocument("did:web:example.com", []*did.Key{k, rsaKey}, &did.WebDocumentOptions{MethodType: mt})
			require.NoError(t, err)
			b, err := json.Marshal(doc)
			require.NoError(t, err)
			for _, private := range []string{`"d"`, `"p"`, `"q"`, `"dp"`, `"dq"`, `"qi"`, `secretKey`, `privateKey`} {
				assert.NotContains(t, string(b), private, mt)
			}
			for _, vm := range doc.VerificationMethod {
				if vm.PublicKeyJWK != nil {
					assert.False(t, vm.PublicKeyJWK.IsPrivate())
				}
			}
		}
	})
	t.Run("relationships are the given ones", func(t *testing.T) {
		doc, err := did.NewWebDocument("did:web:example.com", []*did.Key{k}, &did.WebDocumentOptions{Relationships: []did.Relationship{did.AssertionMethod, did.CapabilityInvocation}})
		require.NoError(t, err)
		assert.True(t, doc.Authorizes(k.ID, did.AssertionMethod))
		assert.True(t, doc.Authorizes(k.ID, did.CapabilityInvocation))
		assert.False(t, doc.Authorizes(k.ID, did.Authentication))
	})
	t.Run("the document decodes strictly", func(t *testing.T) {
		doc, err := did.NewWebDocument("did:web:example.com", []*did.Key{k, rsaKey}, nil)
		require.NoError(t, err)
		b, err := json.Marshal(doc)
		require.NoError(t, err)
		back, err := did.ParseDocument(b)
		require.NoError(t, err)
		assert.Equal(t, doc.ID, back.ID)
		assert.Len(t, back.VerificationMethod, 2)
	})

	other := seedKey(t, 2) // a did:key key
	otherWeb, err := did.NewWebKey(seedKey(t, 2).Signer, "did:web:other.example", "key-1")
	require.NoError(t, err)
	refuses := []struct {
		name   string
		webDID string
		keys   []*did.Key
		opts   *did.WebDocumentOptions
		is     error
	}{
		{"a DID that is not did:web", "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", []*did.Key{k}, nil, did.ErrMethodNotSupported},
		{"an invalid did:web", "did:web:127.0.0.1", []*did.Key{k}, nil, did.ErrInvalidDID},
		{"no keys", "did:web:example.com", nil, nil, did.ErrInvalidDocument},
		{"a nil key", "did:web:example.com", []*did.Key{nil}, nil, did.ErrInvalidKey},
		{"a did:key key", "did:web:example.com", []*did.Key{other}, nil, did.ErrInvalidDocument},
		{"a key of another did:web", "did:web:example.com", []*did.Key{otherWeb}, nil, did.ErrInvalidDocument},
		{"two keys with one id", "did:web:example.com", []*did.Key{k, k}, nil, did.ErrInvalidDocument},
		{"keyAgreement", "did:web:example.com", []*did.Key{k}, &did.WebDocumentOptions{Relationships: []did.Relationship{did.KeyAgreement}}, did.ErrInvalidDocument},
		{"an unknown relationship", "did:web:example.com", []*did.Key{k}, &did.WebDocumentOptions{Relationships: []did.Relationship{"signsEverything"}}, did.ErrInvalidDocument},
		{"an unknown method type", "did:web:example.com", []*did.Key{k}, &did.WebDocumentOptions{MethodType: did.TypeEd25519VerificationKey2018}, did.ErrUnsupportedKey},
	}
	for _, tt := range refuses {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			_, err := did.NewWebDocument(tt.webDID, tt.keys, tt.opts)
			assert.ErrorIs(t, err, tt.is)
		})
	}
}

func TestKeyDIDDocumentIsTheControllersDocument(t *testing.T) {
	web, err := did.NewWebKey(seedKey(t, 4).Signer, "did:web:example.com", "key-1")
	require.NoError(t, err)
	doc, err := web.DIDDocument()
	require.NoError(t, err)
	want, err := did.NewWebDocument("did:web:example.com", []*did.Key{web}, nil)
	require.NoError(t, err)
	assert.Equal(t, want, doc)

	key := seedKey(t, 4)
	doc, err = key.DIDDocument()
	require.NoError(t, err)
	assert.Equal(t, key.Controller, doc.ID)
	assert.True(t, doc.Authorizes(key.ID, did.AssertionMethod))

	rsaKey, err := did.GenerateKey(did.AlgRS256, rand.Reader)
	require.NoError(t, err)
	_, err = rsaKey.DIDDocument()
	assert.ErrorIs(t, err, did.ErrMethodNotSupported)
}
