package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/server"
	"github.com/openbadges-go/openbadges/status"
)

// signedViewDir holds the issue #14 corpus subset that
// badge/signedview_test.go writes (go test ./badge -run
// TestSignedViewCorpusFiles -signedview.update): revoked and expired
// badges, and a badge with an expired proof, each rewritten in every
// JSON-LD spelling that keeps the signed graph, so their signatures still
// verify.
const signedViewDir = "../badge/testdata/signedview"

type signedViewCase struct {
	File     string `json:"file"`
	Base     string `json:"base"`
	Format   string `json:"format"`
	Member   string `json:"member"`
	Spelling string `json:"spelling"`
	Verifies bool   `json:"verifies"`
}

// signedViewServer returns the server, offline, at the corpus's clock,
// with the corpus's status lists, and the cases.
func signedViewServer(t *testing.T) (http.Handler, []signedViewCase) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(signedViewDir, "manifest.json"))
	require.NoError(t, err)
	var m struct {
		Now         string            `json:"now"`
		StatusLists map[string]string `json:"statusLists"`
		Cases       []signedViewCase  `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(b, &m))
	require.NotEmpty(t, m.Cases)
	now, err := time.Parse(time.RFC3339, m.Now)
	require.NoError(t, err)
	clock := func() time.Time { return now }
	lists := map[string][]byte{}
	for u, f := range m.StatusLists {
		lists[u], err = os.ReadFile(filepath.Join(signedViewDir, f))
		require.NoError(t, err)
	}
	h, err := server.New(server.Config{Options: server.Options{
		Now:    clock,
		Status: &status.Checker{Fetcher: status.StaticFetcher(lists), Proofs: &proof.Verifier{Now: clock}, Now: clock},
	}})
	require.NoError(t, err)
	return h, m.Cases
}

// TestSignedViewRewritesAreRefusedByVerify posts every rewritten revoked
// or expired badge to the Open Badges verify endpoint (POST /verify): the
// answer must be 422 with verified false. The unmodified valid badge gets
// 200, so the setup is sound.
func TestSignedViewRewritesAreRefusedByVerify(t *testing.T) {
	h, cases := signedViewServer(t)
	for _, c := range cases {
		t.Run(strings.TrimSuffix(c.File, filepath.Ext(c.File)), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(signedViewDir, c.File))
			require.NoError(t, err)
			ct := "application/json"
			if c.Format == "jwt" {
				ct = "text/plain"
			}
			r := do(h, http.MethodPost, server.PathBadgeVerify, ct, bytes.TrimSpace(data))
			assertSignedViewOutcome(t, c, r)
		})
	}
}

// TestSignedViewRewritesAreRefusedByVCAPI posts the same badges to the
// VC-API verify endpoint (POST /credentials/verify; a JWT as an
// EnvelopedVerifiableCredential), which checks status by default.
func TestSignedViewRewritesAreRefusedByVCAPI(t *testing.T) {
	h, cases := signedViewServer(t)
	for _, c := range cases {
		t.Run(strings.TrimSuffix(c.File, filepath.Ext(c.File)), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(signedViewDir, c.File))
			require.NoError(t, err)
			var cred json.RawMessage = bytes.TrimSpace(data)
			if c.Format == "jwt" {
				cred, err = json.Marshal(map[string]any{
					"@context": "https://www.w3.org/ns/credentials/v2",
					"type":     "EnvelopedVerifiableCredential",
					"id":       "data:application/vc+jwt," + string(cred),
				})
				require.NoError(t, err)
			}
			body, err := json.Marshal(map[string]any{"verifiableCredential": cred})
			require.NoError(t, err)
			r := do(h, http.MethodPost, server.PathVerifyCredential, "application/json", body)
			assertSignedViewOutcome(t, c, r)
		})
	}
}

func assertSignedViewOutcome(t *testing.T, c signedViewCase, r *response) {
	t.Helper()
	var res struct {
		Verified *bool `json:"verified"`
	}
	require.NoError(t, json.Unmarshal(r.body, &res), "%d %s", r.status, r.body)
	require.NotNil(t, res.Verified, "%d %s", r.status, r.body)
	if c.Verifies {
		assert.Equal(t, http.StatusOK, r.status, "the unmodified valid badge must verify: %s", r.body)
		assert.True(t, *res.Verified, "%s", r.body)
		return
	}
	assert.Equal(t, http.StatusUnprocessableEntity, r.status, "a %s badge rewritten (%s: %s) must not verify: %s", c.Base, c.Member, c.Spelling, r.body)
	assert.False(t, *res.Verified, "a %s badge rewritten (%s: %s) must not verify: %s", c.Base, c.Member, c.Spelling, r.body)
}
