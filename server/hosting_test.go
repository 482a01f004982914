package server_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/server"
	"github.com/openbadges-go/openbadges/vc"
)

func TestMinimalProfileNamesTheIssuerByItsID(t *testing.T) {
	key, err := did.GenerateKey(did.AlgEd25519, rand.Reader)
	require.NoError(t, err)
	tests := []struct {
		name, id, given, wantName string
	}{
		{"did:key is named by itself", key.Controller, "", key.Controller},
		{"did:web is named by its host", "did:web:example.edu", "", "example.edu"},
		{"did:web with a path and port is named by its host", "did:web:example.edu%3A8443:issuers:1", "", "example.edu"},
		{"https URL is named by its host", "https://example.edu/issuers/1", "", "example.edu"},
		{"a given name wins", "did:web:example.edu", "Example University", "Example University"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := server.MinimalProfile(tt.id, tt.given)
			require.NoError(t, err)
			assert.JSONEq(t, `{
			  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
			  "id": "`+tt.id+`",
			  "type": ["Profile"],
			  "name": "`+tt.wantName+`"
			}`, string(b))

			// An Open Badges Profile, strictly decoded.
			var p badge.Profile
			require.NoError(t, json.Unmarshal(b, &p))
			assert.Equal(t, tt.id, p.ID)
			assert.Equal(t, tt.wantName, p.Name)
			// Every member is defined by its contexts (JSON-LD safe mode).
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			var doc any
			require.NoError(t, dec.Decode(&doc))
			require.NoError(t, vc.NewProcessor(nil).Check(context.Background(), doc))
			// The profile handler publishes it.
			_, err = server.NewProfileHandler(b, 0)
			require.NoError(t, err)
		})
	}
	for _, bad := range []string{"", "did:Bad:x", "http://example.edu/issuer", "https://", "example.edu", "https://example.edu/i#key-1", "https://user@example.edu/i"} {
		t.Run("refuses "+bad, func(t *testing.T) {
			_, err := server.MinimalProfile(bad, "")
			assert.ErrorIs(t, err, server.ErrInvalidDocument)
		})
	}
}

// A did:web issuer hosted by server.New with the documents the library
// builds (did.NewWebKey, did.NewWebDocument, server.MinimalProfile) is
// what did.WebResolver resolves: over TLS on loopback as example.com (the
// name in httptest's certificate), at /.well-known/did.json for a bare
// host and at /PATH/did.json for a DID with a path.
func TestHostedWebDocumentResolvesThroughWebResolver(t *testing.T) {
	ctx := context.Background()
	for _, path := range [][]string{nil, {"issuers", "1"}} {
		webDID, err := did.WebDID("example.com", path...)
		require.NoError(t, err)
		t.Run(webDID, func(t *testing.T) {
			key, err := did.GenerateWebKey(did.AlgEd25519, rand.Reader, webDID, "key-1")
			require.NoError(t, err)
			doc, err := did.NewWebDocument(webDID, []*did.Key{key}, nil)
			require.NoError(t, err)
			profile, err := server.MinimalProfile(webDID, "")
			require.NoError(t, err)
			h, err := server.New(server.Config{DIDDocument: doc, Profile: profile})
			require.NoError(t, err)
			srv := httptest.NewTLSServer(h)
			defer srv.Close()
			tr := srv.Client().Transport.(*http.Transport).Clone()
			addr := srv.Listener.Addr().String()
			tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, network, addr)
			}
			client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
			resolver := did.Methods{"web": &did.WebResolver{Client: client, AllowPrivateAddresses: true}}

			vm, err := did.Dereference(ctx, resolver, key.ID, did.AssertionMethod)
			require.NoError(t, err)
			pub, err := vm.PublicKey()
			require.NoError(t, err)
			assert.True(t, key.Public.(interface{ Equal(crypto.PublicKey) bool }).Equal(pub))

			resp, err := client.Get("https://example.com" + server.DefaultProfilePath)
			require.NoError(t, err)
			defer resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, server.MediaTypeLDJSON, resp.Header.Get("Content-Type"))
			var p struct{ ID, Name string }
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&p))
			assert.Equal(t, webDID, p.ID)
			assert.Equal(t, "example.com", p.Name)
		})
	}
}
