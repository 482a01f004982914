package did_test

import (
	"context"
	"crypto"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/multiformats/go-multibase"

	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
)

// seedKey returns the deterministic Ed25519 key for a one-byte seed.
func seedKey(t testing.TB, b byte) *did.Key {
	t.Helper()
	seed := make([]byte, 32)
	seed[31] = b
	k, err := did.NewEd25519KeyFromSeed(seed)
	require.NoError(t, err)
	return k
}

// multikeyOf returns the publicKeyMultibase of k.
func multikeyOf(t testing.TB, k *did.Key) string {
	t.Helper()
	mb, err := did.EncodeMultikey(k.Public)
	require.NoError(t, err)
	return mb
}

// controllerDoc builds a controller document with one Multikey method
// (id docID#frag) listed under the given relationships.
func controllerDoc(t testing.TB, docID, frag string, k *did.Key, rels ...did.Relationship) *did.Document {
	t.Helper()
	vmID := docID + "#" + frag
	doc := &did.Document{
		ID:                 docID,
		VerificationMethod: []did.VerificationMethod{{ID: vmID, Type: did.TypeMultikey, Controller: docID, PublicKeyMultibase: multikeyOf(t, k)}},
	}
	doc.Context, _ = json.Marshal([]string{did.ContextDIDv1, did.ContextMultikeyV1})
	for _, rel := range rels {
		ref := []did.MethodRef{{ID: vmID}}
		switch rel {
		case did.AssertionMethod:
			doc.AssertionMethod = ref
		case did.Authentication:
			doc.Authentication = ref
		}
	}
	return doc
}

// jsonHandler serves v as JSON with the given content type.
func jsonHandler(t testing.TB, contentType string, v any) http.HandlerFunc {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write(b)
	}
}

// tlsServer starts an httptest TLS server and returns it with a client
// that trusts it and dials it whatever host a URL names (so did:web DIDs
// such as did:web:example.com reach it; the httptest certificate is valid
// for example.com).
func tlsServer(t testing.TB, h http.Handler) (*httptest.Server, *http.Client) {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	base := srv.Client().Transport.(*http.Transport).Clone()
	addr := srv.Listener.Addr().String()
	base.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	base.TLSClientConfig = base.TLSClientConfig.Clone()
	base.TLSClientConfig.MinVersion = tls.VersionTLS12
	return srv, &http.Client{Transport: base}
}

// sameKey reports whether two public keys are equal.
func sameKey(a, b any) bool {
	eq, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(b)
}

func b64url(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// shortEd25519 is a base58btc multikey with the Ed25519 codec and a
// 31-byte key: well-formed multibase, wrong length.
func shortEd25519(t testing.TB) string {
	s, err := multibase.Encode(multibase.Base58BTC, append([]byte{0xed, 0x01}, make([]byte, 31)...))
	require.NoError(t, err)
	return s
}

func errorsIsAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
