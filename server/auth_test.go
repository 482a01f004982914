package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/delivery"
	"github.com/openbadges-go/openbadges/server"
)

func TestNewTokenAndParse(t *testing.T) {
	tok, line, err := server.NewToken(nil, []string{"issue", "status"}, "lms prod")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(tok, server.TokenPrefix))
	sum := sha256.Sum256([]byte(tok))
	assert.Equal(t, "sha256:"+hex.EncodeToString(sum[:])+" issue,status lms prod", line)
	assert.NotContains(t, line, tok, "the file holds only the digest")
	tokens, err := server.ParseTokens([]byte("# tokens\n\n" + line + "\n"))
	require.NoError(t, err)
	assert.Equal(t, 1, tokens.Len())

	for _, bad := range []string{
		"sha256:abcd issue",                         // short digest
		"md5:" + strings.Repeat("a", 64) + " issue", // not sha256
		"sha256:" + strings.Repeat("a", 64),         // no scopes
		"sha256:" + strings.Repeat("a", 64) + " admin",
		"sha256:" + strings.Repeat("a", 64) + " issue\nsha256:" + strings.Repeat("a", 64) + " status", // twice
	} {
		_, err := server.ParseTokens([]byte(bad))
		assert.ErrorIs(t, err, server.ErrInvalidTokens, "%q", bad)
	}
	_, _, err = server.NewToken(nil, []string{"root"}, "")
	assert.ErrorIs(t, err, server.ErrInvalidTokens)
	_, _, err = server.NewToken(nil, nil, "")
	assert.ErrorIs(t, err, server.ErrInvalidTokens)
}

// authFixture is a store fixture with tokens: one for issuing, one for
// status changes, and wallet delivery mounted.
type authFixture struct {
	*storeFixture
	issueTok, statusTok string
}

func newAuthFixture(t *testing.T) *authFixture {
	t.Helper()
	a := &authFixture{}
	var lines []string
	for _, sc := range []string{"issue", "status"} {
		tok, line, err := server.NewToken(nil, []string{sc}, sc+" caller")
		require.NoError(t, err)
		lines = append(lines, line)
		if sc == "issue" {
			a.issueTok = tok
		} else {
			a.statusTok = tok
		}
	}
	tokens, err := server.ParseTokens([]byte(strings.Join(lines, "\n")))
	require.NoError(t, err)
	a.storeFixture = newStoreFixture(t, filepath.Join(t.TempDir(), "issuer.db"), func(c *server.Config) {
		c.Auth = tokens
		svc, err := delivery.NewService(delivery.Config{Issuer: c.Issuer, BaseURL: "http://127.0.0.1:8080/wallet"})
		require.NoError(t, err)
		c.Delivery = svc
	})
	return a
}

func (a *authFixture) post(t testing.TB, path, token string, v any) *response {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return serve(a.h, req)
}

func TestAuthScopes(t *testing.T) {
	a := newAuthFixture(t)
	issueBody := map[string]any{"credential": exampleCredential()}

	// No token, a wrong token: 401 with a challenge.
	r := a.post(t, server.PathIssue, "", issueBody)
	assertProblem(t, r, http.StatusUnauthorized)
	assert.Contains(t, r.header.Get("WWW-Authenticate"), `Bearer realm="openbadges"`)
	r = a.post(t, server.PathIssue, server.TokenPrefix+"forged", issueBody)
	assertProblem(t, r, http.StatusUnauthorized)
	assert.Contains(t, r.header.Get("WWW-Authenticate"), `error="invalid_token"`)
	req := httptest.NewRequest(http.MethodPost, server.PathIssue, strings.NewReader("{}"))
	req.Header.Set("Authorization", "Basic "+a.issueTok)
	assertProblem(t, serve(a.h, req), http.StatusUnauthorized)
	// A token without the scope: 403.
	r = a.post(t, server.PathIssue, a.statusTok, issueBody)
	assertProblem(t, r, http.StatusForbidden)
	assert.Contains(t, r.header.Get("WWW-Authenticate"), `error="insufficient_scope"`)

	// The issue token issues; the status token changes the status.
	r = a.post(t, server.PathIssue, a.issueTok, issueBody)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	vc := r.json(t)["verifiableCredential"].(map[string]any)
	upd := map[string]any{"credentialId": vc["id"], "status": true,
		"credentialStatus": map[string]any{"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}}
	assertProblem(t, a.post(t, server.PathCredentialStatus, "", upd), http.StatusUnauthorized)
	assertProblem(t, a.post(t, server.PathCredentialStatus, a.issueTok, upd), http.StatusForbidden)
	assert.Equal(t, http.StatusOK, a.post(t, server.PathCredentialStatus, a.statusTok, upd).status)

	// Verify endpoints, the page and the published lists stay public.
	rv, _ := a.verify(t, vc)
	assert.NotEqual(t, http.StatusUnauthorized, rv.status)
	assert.Equal(t, http.StatusOK, do(a.h, http.MethodGet, "/", "", nil).status)
	assert.Equal(t, http.StatusOK, do(a.h, http.MethodGet, "/status/revocation-1", "", nil).status)
}

func TestDeliveryMounted(t *testing.T) {
	a := newAuthFixture(t)
	// Wallet-facing endpoints are public.
	r := do(a.h, http.MethodGet, "/.well-known/openid-credential-issuer/wallet", "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "http://127.0.0.1:8080/wallet", r.json(t)["credential_issuer"])

	// The LMS's exchange creation needs the issue scope.
	ach := badge.NewAchievement("https://issuer.example/achievements/teamwork", "Teamwork", "Works in a team.", "Peer review.")
	body := map[string]any{"learner": map[string]any{"id": "student-1"}, "achievement": ach}
	assertProblem(t, a.post(t, "/wallet/exchanges", "", body), http.StatusUnauthorized)
	assertProblem(t, a.post(t, "/wallet/exchanges", a.statusTok, body), http.StatusForbidden)
	r = a.post(t, "/wallet/exchanges", a.issueTok, body)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	assert.Contains(t, string(r.body), "http://127.0.0.1:8080/wallet/exchanges/")
}

// TestDeliveryHooksRecord: with the hooks, a badge delivered to a wallet
// is reserved with its status entries before it is signed and completed
// once collected.
func TestDeliveryHooksRecord(t *testing.T) {
	f := newStoreFixture(t, filepath.Join(t.TempDir(), "issuer.db"), nil)
	iss := &badge.Issuer{Key: f.pk}
	cfg := delivery.Config{Issuer: iss, BaseURL: "http://127.0.0.1:8080/wallet"}
	var called bool
	cfg.Collected = func(context.Context, *delivery.Exchange, *badge.Signed) { called = true }
	st := &server.StoreIssuing{Store: f.db, Pools: []string{"revocation"}, Publisher: f.pub}
	require.NoError(t, server.DeliveryHooks(&cfg, st, iss.Profile("Example")))
	ctx := context.Background()
	ach := badge.NewAchievement("https://issuer.example/achievements/teamwork", "Teamwork", "Works in a team.", "Peer review.")
	e := &delivery.Exchange{ID: "x1", Achievement: ach}
	cred, err := cfg.Build(ctx, e, "did:example:holder")
	require.NoError(t, err)
	require.Len(t, cred.CredentialStatus.Values, 1)
	again, err := cfg.Build(ctx, e, "did:example:holder")
	require.NoError(t, err)
	assert.Equal(t, cred.ID, again.ID, "a retried build keeps the reservation")
	signed, err := iss.Issue(ctx, cred)
	require.NoError(t, err)
	cfg.Collected(ctx, e, signed)
	assert.True(t, called)
	rec, err := f.db.Credential(ctx, cred.ID)
	require.NoError(t, err)
	assert.Equal(t, signed.Bytes(), rec.Signed)
	assert.Equal(t, "did:example:holder", rec.Recipient)
	assert.Equal(t, http.StatusOK, do(f.h, http.MethodGet, "/status/revocation-1", "", nil).status, "its list is published")
}
