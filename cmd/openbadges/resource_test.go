package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
)

// webKeyFixture writes an Ed25519 key file named as a method of the
// did:web DID of host (and path), its DID document, and the sample badge
// issued by that DID; it returns their paths and the URL the document is
// published at.
func webKeyFixture(t *testing.T, host string, path ...string) (keyPath, docPath, credPath, docURL string) {
	t.Helper()
	webDID, err := did.WebDID(host, path...)
	require.NoError(t, err)
	seed, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{9}, 32))
	require.NoError(t, err)
	k, err := did.NewWebKey(seed.Signer, webDID, "key-1")
	require.NoError(t, err)
	doc, err := did.NewWebDocument(webDID, []*did.Key{k}, nil)
	require.NoError(t, err)
	docJSON, err := json.Marshal(doc)
	require.NoError(t, err)
	kb, err := k.MarshalJWK()
	require.NoError(t, err)
	docURL, err = did.WebURL(webDID)
	require.NoError(t, err)

	dir := t.TempDir()
	keyPath = filepath.Join(dir, "key.json")
	docPath = filepath.Join(dir, "did.json")
	credPath = filepath.Join(dir, "badge.json")
	require.NoError(t, os.WriteFile(keyPath, kb, 0o600))
	require.NoError(t, os.WriteFile(docPath, docJSON, 0o600))
	sample, err := os.ReadFile("sample/badge.json")
	require.NoError(t, err)
	cred := strings.NewReplacer(`"ISSUER"`, `"`+webDID+`"`, `"VALID_FROM"`, `"2024-01-01T00:00:00Z"`).Replace(string(sample))
	require.NoError(t, os.WriteFile(credPath, []byte(cred), 0o600))
	return keyPath, docPath, credPath, docURL
}

// issueToFile signs credPath with keyPath through "openbadges issue" and
// writes the result to a temporary file.
func issueToFile(t *testing.T, keyPath, credPath, format string) string {
	t.Helper()
	code, out, errOut := runCLI(t, "", "issue", "--key", keyPath, "--format", format, credPath)
	require.Equal(t, exitOK, code, errOut)
	p := filepath.Join(t.TempDir(), "signed."+format)
	require.NoError(t, os.WriteFile(p, []byte(out), 0o600))
	return p
}

// TestVerifyDidWebOfflineFromResource: a did:web issuer's badge verifies
// with --offline when its DID document is given by --resource (the
// /.well-known form and the path form, a file or a folder), in both
// formats; without the document it does not verify offline.
func TestVerifyDidWebOfflineFromResource(t *testing.T) {
	t.Run("well-known", func(t *testing.T) {
		keyPath, docPath, credPath, docURL := webKeyFixture(t, "badges.example.edu")
		require.Equal(t, "https://badges.example.edu/.well-known/did.json", docURL)
		for _, format := range []string{"di", "jwt"} {
			signed := issueToFile(t, keyPath, credPath, format)
			code, out, errOut := runCLI(t, "", "verify", "--offline", "--resource", docURL+"="+docPath, signed)
			assert.Equal(t, exitOK, code, format+": "+out+errOut)
			assert.Contains(t, out, "[ok  ] proof", format)

			code, out, _ = runCLI(t, "", "verify", "--offline", signed)
			assert.Equal(t, exitInvalid, code, format+": "+out)
			assert.Contains(t, out, "[FAIL] proof", format)
		}
	})
	t.Run("path form, folder", func(t *testing.T) {
		keyPath, docPath, credPath, docURL := webKeyFixture(t, "example.org", "issuers", "college")
		require.Equal(t, "https://example.org/issuers/college/did.json", docURL)
		signed := issueToFile(t, keyPath, credPath, "di")
		site := t.TempDir()
		require.NoError(t, os.MkdirAll(filepath.Join(site, "issuers", "college"), 0o755))
		b, err := os.ReadFile(docPath)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(site, "issuers", "college", "did.json"), b, 0o600))
		code, out, errOut := runCLI(t, "", "verify", "--offline", "--resource", "https://example.org/="+site+"/", signed)
		assert.Equal(t, exitOK, code, out+errOut)
	})
	t.Run("online, the file first", func(t *testing.T) {
		// Not offline: the --resource file answers before the network
		// would be asked (the host does not exist).
		keyPath, docPath, credPath, docURL := webKeyFixture(t, "badges.invalid")
		signed := issueToFile(t, keyPath, credPath, "di")
		code, out, errOut := runCLI(t, "", "verify", "--skip-status", "--resource", docURL+"="+docPath, signed)
		assert.Equal(t, exitOK, code, out+errOut)
	})
	t.Run("another DID's document", func(t *testing.T) {
		keyPath, _, credPath, docURL := webKeyFixture(t, "badges.example.edu")
		_, otherDoc, _, _ := webKeyFixture(t, "other.example.edu")
		signed := issueToFile(t, keyPath, credPath, "di")
		code, out, _ := runCLI(t, "", "verify", "--offline", "--resource", docURL+"="+otherDoc, signed)
		assert.Equal(t, exitInvalid, code, out)
		assert.Contains(t, out, "[FAIL] proof")
	})
}

// TestResourceTransport: the transport serves exactly the --resource URLs
// (fragment ignored, GET only) with the media type of their kind, refuses
// the rest offline, and fails every request when the files could not be
// read.
func TestResourceTransport(t *testing.T) {
	rt := &resourceTransport{files: map[string][]byte{
		"https://a.example/.well-known/did.json":  []byte(`{}`),
		"https://a.example/.well-known/jwks.json": []byte(`{"keys":[]}`),
		"https://a.example/keys/1":                []byte(`{"k":1}`),
	}}
	get := func(method, u string) (*http.Response, error) {
		req, err := http.NewRequest(method, u, nil)
		require.NoError(t, err)
		return rt.RoundTrip(req)
	}
	for u, ct := range map[string]string{
		"https://a.example/.well-known/did.json":  "application/did+json",
		"https://a.example/.well-known/jwks.json": "application/jwk-set+json",
		"https://a.example/keys/1#key":            "application/json",
	} {
		resp, err := get(http.MethodGet, u)
		require.NoError(t, err, u)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, ct, resp.Header.Get("Content-Type"), u)
	}
	_, err := get(http.MethodGet, "https://a.example/other")
	assert.ErrorContains(t, err, "not among the --resource files")
	_, err = get(http.MethodPost, "https://a.example/keys/1")
	assert.Error(t, err)

	rt.err = os.ErrNotExist
	_, err = get(http.MethodGet, "https://a.example/keys/1")
	assert.ErrorIs(t, err, os.ErrNotExist)
}

// TestResourceFlagBadFile: an unreadable --resource file is an error of
// the command, not a silently missing document.
func TestResourceFlagBadFile(t *testing.T) {
	keyPath, _, credPath, docURL := webKeyFixture(t, "badges.example.edu")
	signed := issueToFile(t, keyPath, credPath, "di")
	code, out, errOut := runCLI(t, "", "verify", "--offline", "--resource", docURL+"="+filepath.Join(t.TempDir(), "missing.json"), signed)
	assert.Equal(t, exitInvalid, code, out+errOut)
	assert.Contains(t, out+errOut, "--resource")
}

// TestVerifyJWKSOfflineFromResource: a VC-JWT whose kid is an https URL
// verifies offline with the issuer's JWK Set (at its
// /.well-known/jwks.json) given by --resource, and not without it.
func TestVerifyJWKSOfflineFromResource(t *testing.T) {
	const (
		issuer = "https://badges.example.edu/issuer"
		kid    = "https://badges.example.edu/keys/1"
		setURL = "https://badges.example.edu/.well-known/jwks.json"
	)
	k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{11}, 32))
	require.NoError(t, err)
	k.ID, k.Controller = kid, ""
	kb, err := k.MarshalJWK()
	require.NoError(t, err)
	j, err := k.JWK()
	require.NoError(t, err)
	set, err := json.Marshal(map[string]any{"keys": []any{j.Public()}})
	require.NoError(t, err)

	dir := t.TempDir()
	keyPath, setPath, credPath := filepath.Join(dir, "key.json"), filepath.Join(dir, "jwks.json"), filepath.Join(dir, "badge.json")
	require.NoError(t, os.WriteFile(keyPath, kb, 0o600))
	require.NoError(t, os.WriteFile(setPath, set, 0o600))
	sample, err := os.ReadFile("sample/badge.json")
	require.NoError(t, err)
	cred := strings.NewReplacer(`"ISSUER"`, `"`+issuer+`"`, `"VALID_FROM"`, `"2024-01-01T00:00:00Z"`).Replace(string(sample))
	require.NoError(t, os.WriteFile(credPath, []byte(cred), 0o600))

	code, out, errOut := runCLI(t, "", "issue", "--key", keyPath, "--format", "jwt", "--controller", issuer, credPath)
	require.Equal(t, exitOK, code, errOut)
	signed := filepath.Join(dir, "signed.jwt")
	require.NoError(t, os.WriteFile(signed, []byte(out), 0o600))

	code, out, errOut = runCLI(t, "", "verify", "--offline", "--resource", setURL+"="+setPath, signed)
	assert.Equal(t, exitOK, code, out+errOut)
	code, out, _ = runCLI(t, "", "verify", "--offline", signed)
	assert.Equal(t, exitInvalid, code, out)
	assert.Contains(t, out, "[FAIL] proof")
}

// TestResourceTransportGuardsTheNetwork: what is not among the files goes
// out through the address guard (a loopback server is refused), and a
// file is answered without any connection.
func TestResourceTransportGuardsTheNetwork(t *testing.T) {
	var hits int
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	rt := &resourceTransport{files: map[string][]byte{srv.URL + "/file": []byte(`{}`)}, next: networkTransport()}
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/other", nil)
	require.NoError(t, err)
	_, err = rt.RoundTrip(req)
	assert.ErrorIs(t, err, did.ErrAddressNotAllowed)

	req, err = http.NewRequest(http.MethodGet, srv.URL+"/file", nil)
	require.NoError(t, err)
	resp, err := rt.RoundTrip(req)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Zero(t, hits)
}
