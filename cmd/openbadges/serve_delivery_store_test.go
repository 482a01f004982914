package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeDeliveryStoreShared: two serve processes sharing one --store
// serve the same wallet exchanges: an exchange created through one is
// offered by the other (each process's memory would answer 404).
func TestServeDeliveryStoreShared(t *testing.T) {
	f := newBatchFixture(t)
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	issueTok := newToken(t, tokens, "issue")
	args := []string{"--offline", "--key", f.key, "--store", filepath.Join(dir, "issuer.db"),
		"--auth-tokens", tokens, "--public-url", "http://127.0.0.1:9"}
	a, _, _ := runServeUntil(t, args...)
	b, _, _ := runServeUntil(t, args...)
	req := map[string]any{"learner": map[string]any{"id": "s-1"}, "achievement": map[string]any{
		"id": "https://example.edu/achievements/go-101", "type": []any{"Achievement"}, "name": "Go 101",
		"description": "Writes Go.", "criteria": map[string]any{"narrative": "Passed."}}}
	code, body, _ := authPost(t, a+"/wallet/exchanges", issueTok, req)
	require.Equal(t, http.StatusCreated, code, "%s", body)
	var created struct {
		Links struct {
			CredentialOfferURI string `json:"credentialOfferUri"`
		} `json:"links"`
	}
	require.NoError(t, json.Unmarshal(body, &created), "%s", body)
	links := created.Links
	require.True(t, strings.HasPrefix(links.CredentialOfferURI, "http://127.0.0.1:9/wallet/offers/"), "%s", body)
	code, body = getBody(t, b+strings.TrimPrefix(links.CredentialOfferURI, "http://127.0.0.1:9"))
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.Contains(t, string(body), "pre-authorized_code")
}
