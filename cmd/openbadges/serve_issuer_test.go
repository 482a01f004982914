package main

import (
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
)

// httpGet fetches u and returns the status, content type and body.
func httpGet(t *testing.T, u string) (int, string, []byte) {
	t.Helper()
	c := &http.Client{Timeout: 20 * time.Second}
	resp, err := c.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// writeKeyFile writes k as a JWK file (its id as kid) and returns the path.
func writeKeyFile(t *testing.T, k *did.Key) string {
	t.Helper()
	b, err := k.MarshalJWK()
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "issuer.jwk")
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p
}

type servedProfile struct {
	Context []string `json:"@context"`
	ID      string   `json:"id"`
	Type    []string `json:"type"`
	Name    string   `json:"name"`
}

// Without --issuer-profile, "openbadges serve" publishes a minimal Profile
// derived from the key (README lists GET /issuer unconditionally): at
// /issuer for a DID issuer, at the path of the profile URL for an https
// issuer. A given --issuer-profile is published as it is.
func TestServePublishesAnIssuerProfileDerivedFromTheKey(t *testing.T) {
	t.Run("ephemeral did:key issuer", func(t *testing.T) {
		base, stderr := startServe(t, "--offline")
		m := regexp.MustCompile(`ephemeral issuer (did:key:\S+)`).FindStringSubmatch(stderr.String())
		require.NotNil(t, m, "%s", stderr)
		code, ct, body := httpGet(t, base+"/issuer")
		require.Equal(t, http.StatusOK, code, "%s", body)
		assert.Equal(t, "application/ld+json", ct)
		var p servedProfile
		require.NoError(t, json.Unmarshal(body, &p))
		assert.Equal(t, m[1], p.ID)
		assert.Equal(t, []string{"Profile"}, p.Type)
		assert.Equal(t, m[1], p.Name)
		assert.Contains(t, p.Context, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json")
		assert.Contains(t, stderr.String(), "publishing a minimal profile of "+m[1]+" at /issuer")
	})

	t.Run("did:web issuer: its DID document and its profile", func(t *testing.T) {
		k, err := did.GenerateWebKey(did.AlgEd25519, rand.Reader, "did:web:example.edu", "key-1")
		require.NoError(t, err)
		base, _ := startServe(t, "--offline", "--key", writeKeyFile(t, k))

		code, ct, body := httpGet(t, base+"/.well-known/did.json")
		require.Equal(t, http.StatusOK, code, "%s", body)
		assert.Equal(t, "application/did+ld+json", ct)
		want, err := did.NewWebDocument("did:web:example.edu", []*did.Key{k}, nil)
		require.NoError(t, err)
		wantJSON, err := json.Marshal(want)
		require.NoError(t, err)
		assert.JSONEq(t, string(wantJSON), string(body), "serve publishes what did.NewWebDocument builds")

		code, _, body = httpGet(t, base+"/issuer")
		require.Equal(t, http.StatusOK, code, "%s", body)
		var p servedProfile
		require.NoError(t, json.Unmarshal(body, &p))
		assert.Equal(t, "did:web:example.edu", p.ID)
		assert.Equal(t, "example.edu", p.Name)
	})

	t.Run("https issuer: the profile at the path of its URL", func(t *testing.T) {
		k, err := did.GenerateKey(did.AlgEd25519, rand.Reader)
		require.NoError(t, err)
		k.ID, k.Controller = "https://example.edu/issuers/1#key-1", "https://example.edu/issuers/1"
		base, _ := startServe(t, "--offline", "--key", writeKeyFile(t, k))
		code, _, body := httpGet(t, base+"/issuers/1")
		require.Equal(t, http.StatusOK, code, "%s", body)
		var p servedProfile
		require.NoError(t, json.Unmarshal(body, &p))
		assert.Equal(t, "https://example.edu/issuers/1", p.ID)
		assert.Equal(t, "example.edu", p.Name)
	})

	t.Run("a given profile is published as given", func(t *testing.T) {
		given := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"id":"did:example:college","type":["Profile"],"name":"Example College"}`)
		pf := filepath.Join(t.TempDir(), "profile.json")
		require.NoError(t, os.WriteFile(pf, given, 0o644))
		base, stderr := startServe(t, "--offline", "--issuer-profile", pf)
		code, _, body := httpGet(t, base+"/issuer")
		require.Equal(t, http.StatusOK, code, "%s", body)
		assert.Equal(t, string(given), string(body))
		assert.NotContains(t, stderr.String(), "minimal profile")
	})
}
