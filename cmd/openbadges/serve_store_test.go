package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/server"
	"github.com/openbadges-go/openbadges/status"
)

// runServeUntil starts "openbadges serve" with args (a free loopback port)
// and returns its base URL and a function that stops it and returns its
// exit code.
func runServeUntil(t *testing.T, args ...string) (string, func() int, *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &lockedBuffer{}
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: stderr}, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...))
	}()
	stopped := false
	var exit int
	stop := func() int {
		if !stopped {
			stopped = true
			cancel()
			select {
			case exit = <-code:
			case <-time.After(20 * time.Second):
				t.Fatal("serve did not shut down")
			}
		}
		return exit
	}
	t.Cleanup(func() { stop() })
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := listenRE.FindStringSubmatch(stderr.String()); m != nil {
			return m[1], stop, stderr
		}
		select {
		case c := <-code:
			stopped, exit = true, c
			t.Fatalf("serve exited with %d:\n%s", c, stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start:\n%s", stderr)
	return "", nil, nil
}

func authPost(t *testing.T, u, token string, v any) (int, []byte, http.Header) {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(b))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, out, resp.Header
}

func getBody(t *testing.T, u string) (int, []byte) {
	t.Helper()
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, out
}

// newToken runs "token create" and returns the token, appending its line
// to file.
func newToken(t *testing.T, file, scopes string) string {
	t.Helper()
	code, out, stderr := runCLI(t, "", "token", "create", "--scopes", scopes, "--name", "test "+scopes, "--file", file)
	require.Equal(t, exitOK, code, stderr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2, out)
	assert.True(t, strings.HasPrefix(lines[1], "sha256:"))
	return lines[0]
}

func TestTokenCreate(t *testing.T) {
	code, out, stderr := runCLI(t, "", "token", "create", "--scopes", "issue,status")
	require.Equal(t, exitOK, code, stderr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2)
	assert.True(t, strings.HasPrefix(lines[0], server.TokenPrefix))
	assert.True(t, strings.HasSuffix(lines[1], " issue,status"))
	tokens, err := server.ParseTokens([]byte(lines[1]))
	require.NoError(t, err)
	assert.Equal(t, 1, tokens.Len())

	code, _, stderr = runCLI(t, "", "token", "create", "--scopes", "admin")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "unknown scope")
	code, _, _ = runCLI(t, "", "token")
	assert.Equal(t, exitUsage, code)
	code, out, _ = runCLI(t, "", "token", "--help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "sha256:HEX SCOPES")
}

// TestServeStoreSurvivesRestart: issue and revoke through serve with a
// store and tokens, stop it, start it again: the credential is still
// recorded and its list still says revoked; a retried issue request
// returns the first credential.
func TestServeStoreSurvivesRestart(t *testing.T) {
	f := newBatchFixture(t)
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	issueTok := newToken(t, tokens, "issue")
	statusTok := newToken(t, tokens, "status")
	args := []string{"--offline", "--key", f.key, "--store", filepath.Join(dir, "issuer.db"),
		"--auth-tokens", tokens, "--public-url", "http://127.0.0.1:9"}
	base, stop, stderr := runServeUntil(t, args...)
	assert.Contains(t, stderr.String(), "issuer store")

	cred := map[string]any{
		"@context":          []any{"https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"},
		"type":              []any{"VerifiableCredential", "ExampleDegreeCredential"},
		"credentialSubject": map[string]any{"id": "did:example:123", "degree": "Bachelor"},
	}
	issue := func(base string, key string) (int, []byte) {
		b, _ := json.Marshal(map[string]any{"credential": cred})
		req, err := http.NewRequest(http.MethodPost, base+"/credentials/issue", bytes.NewReader(b))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+issueTok)
		req.Header.Set("Idempotency-Key", key)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, out
	}
	code, _, hdr := authPost(t, base+"/credentials/issue", "", map[string]any{"credential": cred})
	require.Equal(t, http.StatusUnauthorized, code)
	assert.NotEmpty(t, hdr.Get("WWW-Authenticate"))
	code, first := issue(base, "k-1")
	require.Equal(t, http.StatusCreated, code, "%s", first)
	var issued struct {
		VC struct {
			ID     string         `json:"id"`
			Status map[string]any `json:"credentialStatus"`
		} `json:"verifiableCredential"`
	}
	require.NoError(t, json.Unmarshal(first, &issued))
	require.Equal(t, "revocation", issued.VC.Status["statusPurpose"])
	listURL := issued.VC.Status["statusListCredential"].(string)
	assert.True(t, strings.HasPrefix(listURL, "http://127.0.0.1:9/status/revocation-"), listURL)
	index, err := strconv.Atoi(issued.VC.Status["statusListIndex"].(string))
	require.NoError(t, err)
	listPath := strings.TrimPrefix(listURL, "http://127.0.0.1:9")
	bit := func(base string) uint64 {
		code, body := getBody(t, base+listPath)
		require.Equal(t, http.StatusOK, code, "%s", body)
		l, err := status.ParseList(body, 1, nil)
		require.NoError(t, err)
		v, err := l.Get(index)
		require.NoError(t, err)
		return v
	}
	assert.Equal(t, uint64(0), bit(base), "published at issue, not revoked")

	upd := map[string]any{"credentialId": issued.VC.ID, "status": true,
		"credentialStatus": map[string]any{"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}}
	code, _, _ = authPost(t, base+"/credentials/status", issueTok, upd)
	require.Equal(t, http.StatusForbidden, code)
	code, body, _ := authPost(t, base+"/credentials/status", statusTok, upd)
	require.Equal(t, http.StatusOK, code, "%s", body)
	require.Equal(t, exitOK, stop(), "%s", stderr)

	// Start again on another port: nothing lost.
	base2, _, stderr2 := runServeUntil(t, args...)
	deadline := time.Now().Add(10 * time.Second)
	for bit(base2) != 1 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	assert.Equal(t, uint64(1), bit(base2), "still revoked after the restart; %s", stderr2)
	code, again := issue(base2, "k-1")
	require.Equal(t, http.StatusCreated, code, "%s", again)
	assert.JSONEq(t, string(first), string(again), "the retried request gets the first credential")
}

func TestServeRefusesOpenAddressWithoutAuth(t *testing.T) {
	code, _, stderr := runCLI(t, "", "serve", "--addr", "0.0.0.0:0", "--offline")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, stderr, "without --auth-tokens")

	base, stop, stderr2 := runServeUntil(t, "--offline", "--insecure-no-auth", "--addr", "0.0.0.0:0")
	assert.Contains(t, stderr2.String(), "WARNING")
	assert.NotEmpty(t, base)
	assert.Equal(t, exitOK, stop())
}

// Regression (adversarial review): a loopback listener behind a reverse
// proxy is public: a --public-url on another host needs --auth-tokens
// (or --insecure-no-auth) as a public address does.
func TestServeBehindAPublicURLNeedsAuth(t *testing.T) {
	code, _, stderr := runCLI(t, "", "serve", "--offline", "--public-url", "https://badges.example.org")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, stderr, "without --auth-tokens")

	base, stop, _ := runServeUntil(t, "--offline", "--public-url", "http://127.0.0.1:9")
	assert.NotEmpty(t, base, "a loopback public URL stays loopback")
	assert.Equal(t, exitOK, stop())
}

func TestServeStoreUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"serve", "--store", filepath.Join(dir, "db")},                            // no --key
		{"serve", "--no-status"},                                                  // no --store
		{"serve", "--auth-tokens", filepath.Join(dir, "t"), "--insecure-no-auth"}, // both
		{"serve", "--public-url", "http://example.org"},                           // http, not loopback
		{"serve", "--allow-digitalbazaar-oid4-client"},                            // no --public-url
	} {
		code, _, stderr := runCLI(t, "", args...)
		assert.Equal(t, exitUsage, code, "%v: %s", args, stderr)
	}
}

// TestServeAllowDigitalBazaarOID4Client: the flag puts the authorization
// server's metadata in the issuer metadata (and sets the other
// relaxations of delivery.Config.AllowDigitalBazaarOID4Client).
func TestServeAllowDigitalBazaarOID4Client(t *testing.T) {
	base, _, _ := runServeUntil(t, "--offline", "--public-url", "http://127.0.0.1:9", "--allow-digitalbazaar-oid4-client")
	code, body := getBody(t, base+"/.well-known/openid-credential-issuer/wallet")
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.Contains(t, string(body), `"token_endpoint":"http://127.0.0.1:9/wallet/token"`)
}

// TestServeMountsDelivery: --public-url mounts the wallet endpoints;
// exchange creation needs the issue scope.
func TestServeMountsDelivery(t *testing.T) {
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	issueTok := newToken(t, tokens, "issue")
	base, _, _ := runServeUntil(t, "--offline", "--auth-tokens", tokens, "--public-url", "http://127.0.0.1:9")
	code, body := getBody(t, base+"/.well-known/openid-credential-issuer/wallet")
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.Contains(t, string(body), `"credential_issuer":"http://127.0.0.1:9/wallet"`)
	assert.NotContains(t, string(body), `"token_endpoint"`, "the issuer metadata is the specification's by default")
	req := map[string]any{"learner": map[string]any{"id": "s-1"}, "achievement": map[string]any{
		"id": "https://example.edu/achievements/go-101", "type": []any{"Achievement"}, "name": "Go 101",
		"description": "Writes Go.", "criteria": map[string]any{"narrative": "Passed."}}}
	code, _, _ = authPost(t, base+"/wallet/exchanges", "", req)
	assert.Equal(t, http.StatusUnauthorized, code)
	code, body, _ = authPost(t, base+"/wallet/exchanges", issueTok, req)
	require.Equal(t, http.StatusCreated, code, "%s", body)
	assert.Contains(t, string(body), "http://127.0.0.1:9/wallet/exchanges/")
}
