package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostedBadge is an Open Badge for serve's tests, by issuer ("" = none:
// serve's issue endpoint sets its own).
func hostedBadge(issuer string) map[string]any {
	c := map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"type":     []any{"VerifiableCredential", "OpenBadgeCredential"},
		"id":       "urn:uuid:5f0c2d4e-8a7b-4c3d-9e1f-2a3b4c5d6e70",
		"name":     "Go 101",
		"credentialSubject": map[string]any{"id": "did:example:ada", "type": []any{"AchievementSubject"},
			"achievement": map[string]any{"id": "https://example.edu/a/1", "type": []any{"Achievement"}, "name": "Go 101",
				"description": "Writes Go.", "criteria": map[string]any{"narrative": "Passed."}}},
	}
	if issuer != "" {
		c["issuer"] = map[string]any{"id": issuer, "type": []any{"Profile"}, "name": "X"}
	}
	return c
}

// TestServeIssueRefusesExpiredUnlessAllowed: POST /credentials/issue
// refuses a credential whose validUntil has passed, as the library's
// Issuer and "openbadges issue" do; --allow-expired signs it (the W3C
// VC-API suites issue such fixtures).
func TestServeIssueRefusesExpiredUnlessAllowed(t *testing.T) {
	c := hostedBadge("")
	c["validFrom"] = "2024-01-01T00:00:00Z"
	c["validUntil"] = time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339)
	body, err := json.Marshal(map[string]any{"credential": c})
	require.NoError(t, err)

	base, _ := startServe(t, "--offline")
	code, out := httpPost(t, base+"/credentials/issue", "application/json", body)
	assert.Equal(t, http.StatusUnprocessableEntity, code, "signed an expired credential: %s", out)
	assert.Contains(t, string(out), "$.validUntil")

	base, _ = startServe(t, "--offline", "--allow-expired")
	code, out = httpPost(t, base+"/credentials/issue", "application/json", body)
	assert.Equal(t, http.StatusCreated, code, "%s", out)
}

// TestServeVerifiesAgainstListsItHosts: a credential whose status list
// serve publishes from --status-dir verifies at serve's own POST /verify,
// --offline too (the list is read where serve keeps it), and a revocation
// published by SIGHUP's reload is seen at the next check.
func TestServeVerifiesAgainstListsItHosts(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key.json")
	cli := func(args ...string) string {
		t.Helper()
		var stdout, stderr strings.Builder
		code := run(t.Context(), &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr}, args)
		require.Equal(t, exitOK, code, "%v: %s", args, stderr.String())
		return stdout.String()
	}
	cli("keygen", "-o", keyFile)
	kb, err := os.ReadFile(keyFile)
	require.NoError(t, err)
	var k struct{ Kid string }
	require.NoError(t, json.Unmarshal(kb, &k))
	controller, _, _ := strings.Cut(k.Kid, "#")

	sd := filepath.Join(dir, "sd")
	require.NoError(t, os.Mkdir(sd, 0o700))
	const listURL = "https://college.example.edu/status/1"
	listFile := filepath.Join(sd, "1.json")
	cli("status", "create", "--key", keyFile, "--url", listURL, "-o", listFile)

	c := hostedBadge(controller)
	c["validFrom"] = "2024-01-01T00:00:00Z"
	c["credentialStatus"] = map[string]any{"id": listURL + "#42", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
		"statusListIndex": "42", "statusListCredential": listURL}
	cb, err := json.Marshal(c)
	require.NoError(t, err)
	cf := filepath.Join(dir, "c.json")
	require.NoError(t, os.WriteFile(cf, cb, 0o600))
	signed := []byte(cli("issue", "--key", keyFile, cf))

	for _, offline := range []bool{true, false} {
		args := []string{"--key", keyFile, "--status-dir", sd}
		if offline {
			args = append(args, "--offline")
		}
		base, stop, stderr := runServeUntil(t, args...)
		code, out := httpPost(t, base+"/verify", "application/json", signed)
		assert.Equal(t, http.StatusOK, code, "offline %v: serve checks a list it hosts itself: %s", offline, out)
		require.Equal(t, exitOK, stop(), "%s", stderr)
	}
	_ = cli("status", "set", "--key", keyFile, "--list", listFile, "--index", "42", "-o", listFile)
	base, _ := startServe(t, "--offline", "--key", keyFile, "--status-dir", sd)
	code, out := httpPost(t, base+"/verify", "application/json", signed)
	assert.NotEqual(t, http.StatusOK, code, "revoked in the list serve hosts: %s", out)
	assert.Contains(t, string(out), "revoked")
}

// TestServeStoreVerifierSeesItsOwnRevocation: with --store on a loopback
// http address, a credential issued by serve verifies at its own
// POST /credentials/verify (the store's list is read where it is kept:
// the network fetcher would refuse an http URL), and a revocation through
// POST /credentials/status is seen as soon as the list is re-signed.
func TestServeStoreVerifierSeesItsOwnRevocation(t *testing.T) {
	f := newBatchFixture(t)
	dir := t.TempDir()
	base, _, stderr := runServeUntil(t, "--key", f.key, "--store", filepath.Join(dir, "issuer.db"))
	cred := map[string]any{
		"@context":          []any{"https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"},
		"type":              []any{"VerifiableCredential", "ExampleDegreeCredential"},
		"credentialSubject": map[string]any{"id": "did:example:123", "degree": "Bachelor"},
	}
	code, out, _ := authPost(t, base+"/credentials/issue", "", map[string]any{"credential": cred})
	require.Equal(t, http.StatusCreated, code, "%s\n%s", out, stderr)
	var issued struct {
		VC map[string]any `json:"verifiableCredential"`
	}
	require.NoError(t, json.Unmarshal(out, &issued))
	listURL := issued.VC["credentialStatus"].(map[string]any)["statusListCredential"].(string)
	require.True(t, strings.HasPrefix(listURL, "http://127.0.0.1:"), listURL)

	verify := func() (int, string) {
		code, out, _ := authPost(t, base+"/credentials/verify", "", map[string]any{"verifiableCredential": issued.VC})
		return code, string(out)
	}
	code, body := verify()
	require.Equal(t, http.StatusOK, code, "serve verifies what it issued, against its own list: %s", body)

	upd := map[string]any{"credentialId": issued.VC["id"], "status": true,
		"credentialStatus": map[string]any{"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}}
	code, out, _ = authPost(t, base+"/credentials/status", "", upd)
	require.Equal(t, http.StatusOK, code, "%s", out)
	deadline := time.Now().Add(10 * time.Second)
	for code == http.StatusOK && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		code, body = verify()
	}
	assert.NotEqual(t, http.StatusOK, code, "the revocation is seen once the list is re-signed: %s", body)
}
