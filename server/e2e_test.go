package server_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/server"
	"github.com/openbadges-go/openbadges/status"
)

// The documents the server publishes are what this library's did:web
// resolver, JWK Set fetcher and status list checker fetch: an issuer
// hosted by server.New over TLS on loopback (as https://example.com, the
// name in httptest's certificate) issues through the VC-API, and a
// verifier that resolves everything over the network verifies, then sees
// a revocation.
func TestHostedDocumentsVerifyEndToEnd(t *testing.T) {
	ctx := context.Background()
	const host = "example.com"
	const webDID = "did:web:" + host

	key, err := did.GenerateKey(did.AlgEd25519, rand.Reader)
	require.NoError(t, err)
	mk, err := did.EncodeMultikey(key.Public)
	require.NoError(t, err)
	vm := did.VerificationMethod{ID: webDID + "#key-1", Type: did.TypeMultikey, Controller: webDID, PublicKeyMultibase: mk}
	doc := &did.Document{
		Context:            json.RawMessage(`["https://www.w3.org/ns/did/v1","https://w3id.org/security/multikey/v1"]`),
		ID:                 webDID,
		VerificationMethod: []did.VerificationMethod{vm},
		AssertionMethod:    []did.MethodRef{{ID: vm.ID}},
	}
	webKey := proof.Key{Signer: key.Signer, VerificationMethod: vm.ID}

	// The JWKS issuer: an https issuer id whose key is in
	// https://example.com/.well-known/jwks.json.
	const httpsIssuer = "https://" + host + "/issuer"
	jwk, err := key.JWK()
	require.NoError(t, err)
	pub := jwk.Public()
	pub.Kid = httpsIssuer + "#key-1"
	jwtKey := proof.Key{Signer: key.Signer, VerificationMethod: pub.Kid}

	// A status list the did:web issuer signs.
	list, err := status.NewList(status.ListOptions{ID: "https://" + host + "/status/1", TTL: time.Minute})
	require.NoError(t, err)
	idx, err := list.Allocate(nil)
	require.NoError(t, err)
	entry, err := list.Entry(idx)
	require.NoError(t, err)
	signedList, err := list.Sign(ctx, webKey, nil)
	require.NoError(t, err)
	lists := &server.StatusLists{}
	require.NoError(t, lists.Put("1", signedList))

	profile := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"id":"` + httpsIssuer + `","type":["Profile"],"name":"Example College"}`)
	issuerHandler, err := server.New(server.Config{
		Issuer:      &badge.Issuer{Key: webKey},
		Profile:     profile,
		DIDDocument: doc,
		JWKS:        &did.JWKSet{Keys: []did.JWK{*pub}},
		StatusLists: lists,
	})
	require.NoError(t, err)
	jwtIssue, err := server.NewIssueHandler(&badge.Issuer{Key: jwtKey, Format: badge.JWT}, nil)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/jwt/credentials/issue", jwtIssue)
	mux.Handle("/", issuerHandler)
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()

	// A client that reaches https://example.com at the test server.
	tr := srv.Client().Transport.(*http.Transport).Clone()
	addr := srv.Listener.Addr().String()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}

	proofs := &proof.Verifier{
		Resolver: did.Methods{"key": did.KeyResolver{}, "web": &did.WebResolver{Client: client, AllowPrivateAddresses: true}},
		KeySets:  &proof.HTTPKeySets{Client: client, AllowPrivateAddresses: true},
	}
	checker := &status.Checker{Fetcher: &status.HTTPFetcher{Client: client, AllowPrivateAddresses: true}, Proofs: proofs, CacheTTL: -1}
	bv, err := badge.NewVerifier(badge.VerifierOptions{Proofs: proofs, Status: checker})
	require.NoError(t, err)
	verifier, err := server.New(server.Config{Options: server.Options{Proofs: proofs, Status: checker}, Verifier: bv})
	require.NoError(t, err)

	post := func(url string, body any) (int, map[string]any) {
		b, _ := json.Marshal(body)
		resp, err := client.Post(url, "application/json", strings.NewReader(string(b)))
		require.NoError(t, err)
		defer resp.Body.Close()
		var m map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
		return resp.StatusCode, m
	}
	base := "https://" + host

	// 1. Issue over the network (did:web issuer, with a status entry).
	cred := exampleCredential()
	var e map[string]any
	eb, _ := json.Marshal(entry)
	require.NoError(t, json.Unmarshal(eb, &e))
	cred["credentialStatus"] = e
	code, m := post(base+server.PathIssue, map[string]any{"credential": cred})
	require.Equal(t, 201, code, "%v", m)
	issued := m["verifiableCredential"].(map[string]any)
	assert.Equal(t, webDID, issued["issuer"])

	// 2. Verify: the key comes from /.well-known/did.json, the status
	// from /status/1.
	verify := func(vc any) (int, map[string]any) {
		r := postJSON(t, verifier, server.PathVerifyCredential, map[string]any{"verifiableCredential": vc})
		return r.status, r.json(t)
	}
	code, m = verify(issued)
	require.Equal(t, 200, code, "%v", m)
	assert.Contains(t, m["checks"], "status")

	// 3. An Open Badge from the same issuer through the badge endpoint.
	ob := strings.Replace(obCredential, "ISSUER", webDID, 1)
	var obm map[string]any
	require.NoError(t, json.Unmarshal([]byte(ob), &obm))
	code, m = post(base+server.PathIssue, map[string]any{"credential": obm})
	require.Equal(t, 201, code, "%v", m)
	obSigned, _ := json.Marshal(m["verifiableCredential"])
	r := do(verifier, "POST", server.PathBadgeVerify, "application/json", obSigned)
	require.Equal(t, 200, r.status, "%s", r.body)

	// 4. VC-JWT whose key is in the hosted JWK Set.
	jc := exampleCredential()
	jc["issuer"] = httpsIssuer
	code, m = post(base+"/jwt/credentials/issue", map[string]any{"credential": jc})
	require.Equal(t, 201, code, "%v", m)
	env := m["verifiableCredential"].(map[string]any)
	code, m = verify(env)
	assert.Equal(t, 200, code, "%v", m)

	// The profile is served where the issuer id points.
	resp, err := client.Get(httpsIssuer)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, server.MediaTypeLDJSON, resp.Header.Get("Content-Type"))

	// 5. Revoke, re-sign and republish: the verifier now refuses it.
	require.NoError(t, list.Set(idx, 1))
	signedList, err = list.Sign(ctx, webKey, nil)
	require.NoError(t, err)
	require.NoError(t, lists.Put("1", signedList))
	code, m = verify(issued)
	assert.Equal(t, 422, code, "%v", m)
	assert.Contains(t, m["errors"].([]any)[0].(map[string]any)["type"], "STATUS")
}
