package badge_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// The Issuer refuses a relatedResource entry a verifier would refuse: a
// malformed digest, or a wrong digest of a context built into the library,
// each with its JSON path, among every other problem.
func TestIssueChecksRelatedResources(t *testing.T) {
	ctx := context.Background()
	iss := testIssuer(t, badge.DataIntegrity)
	obCtx := "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	wrong, err := vc.DigestSRI("sha384", []byte("not the context"))
	require.NoError(t, err)
	ob, _ := vc.EmbeddedContext(obCtx)
	// What the W3C suite's "bad digest" data uses: a bare SHA-256, without
	// the multihash header.
	sum := sha256.Sum256(ob)
	bare := "u" + base64.RawURLEncoding.EncodeToString(sum[:])

	for name, tc := range map[string]struct {
		entry map[string]any
		path  string
		kind  error
	}{
		"wrong digest of an embedded context": {map[string]any{"id": obCtx, "digestSRI": wrong}, "$.relatedResource[0].digestSRI", vc.ErrRelatedResourceMismatch},
		"bare SHA-256 multibase":              {map[string]any{"id": "https://example.edu/logo.png", "digestMultibase": bare}, "$.relatedResource[0].digestMultibase", vc.ErrRelatedResourceMalformed},
		"unknown SRI algorithm":               {map[string]any{"id": "https://example.edu/logo.png", "digestSRI": "sha1-" + base64.StdEncoding.EncodeToString(make([]byte, 20))}, "$.relatedResource[0].digestSRI", vc.ErrRelatedResourceMalformed},
		"SRI of the wrong length":             {map[string]any{"id": "https://example.edu/logo.png", "digestSRI": "sha384-" + base64.StdEncoding.EncodeToString(make([]byte, 32))}, "$.relatedResource[0].digestSRI", vc.ErrRelatedResourceMalformed},
		"no digest":                           {map[string]any{"id": "https://example.edu/logo.png"}, "$.relatedResource[0]", vc.ErrRelatedResourceMalformed},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := iss.IssueJSON(ctx, relatedBadge(t, iss, tc.entry))
			require.Error(t, err)
			var ie *badge.IssueError
			require.ErrorAs(t, err, &ie)
			assert.ErrorIs(t, err, badge.ErrIssue)
			assert.ErrorIs(t, err, vc.ErrRelatedResource)
			assert.ErrorIs(t, err, tc.kind)
			fields := ie.Fields()
			require.Len(t, fields, 1, "%v", err)
			assert.Equal(t, tc.path, fields[0].Path)
		})
	}

	t.Run("with every other problem", func(t *testing.T) {
		doc := relatedBadge(t, iss, map[string]any{"id": obCtx, "digestSRI": wrong})
		var m map[string]any
		require.NoError(t, json.Unmarshal(doc, &m))
		m["issuer"].(map[string]any)["id"] = "did:example:someone-else"
		doc, err := json.Marshal(m)
		require.NoError(t, err)
		_, err = iss.IssueJSON(ctx, doc)
		var ie *badge.IssueError
		require.ErrorAs(t, err, &ie)
		var paths []string
		for _, f := range ie.Fields() {
			paths = append(paths, f.Path)
		}
		assert.Equal(t, []string{"$.issuer.id", "$.relatedResource[0].digestSRI"}, paths)
	})
	t.Run("through the model too", func(t *testing.T) {
		c := testCredential(t, iss)
		raw, err := json.Marshal([]any{map[string]any{"id": obCtx, "digestSRI": wrong}})
		require.NoError(t, err)
		if c.Extra == nil {
			c.Extra = map[string]json.RawMessage{}
		}
		c.Extra["relatedResource"] = raw
		_, err = iss.Issue(ctx, c)
		assert.ErrorIs(t, err, vc.ErrRelatedResourceMismatch)
	})
	t.Run("the right digest, and an unchecked URL, issue", func(t *testing.T) {
		right, err := vc.DigestMultibase("sha2-256", ob)
		require.NoError(t, err)
		s, err := iss.IssueJSON(ctx, relatedBadge(t, iss,
			map[string]any{"id": obCtx, "digestMultibase": right},
			map[string]any{"id": "https://example.edu/logo.png", "digestSRI": wrong}))
		require.NoError(t, err)
		assert.Contains(t, string(s.JSON), right)
	})
	t.Run("ctx done", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := iss.IssueJSON(cctx, relatedBadge(t, iss, map[string]any{"id": obCtx, "digestSRI": wrong}))
		assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	})
}

// VCJOSE signs a JWT in the VC-JOSE-COSE form; the default keeps the Open
// Badges VC-JWT (typ JWT).
func TestIssueVCJOSE(t *testing.T) {
	ctx := context.Background()
	iss := testIssuer(t, badge.JWT)
	s, err := iss.Issue(ctx, testCredential(t, iss))
	require.NoError(t, err)
	assert.Equal(t, proof.TypJWT, jwtHeader(t, s.JWT)["typ"])

	j := *iss
	j.VCJOSE = true
	s, err = j.Issue(ctx, testCredential(t, iss))
	require.NoError(t, err)
	assert.Equal(t, badge.JWT, s.Format)
	assert.Equal(t, proof.TypVCJWT, jwtHeader(t, s.JWT)["typ"])
	c, _, err := (&proof.Verifier{Now: fixedNow}).VerifyJWT(ctx, s.JWT)
	require.NoError(t, err)
	assert.Equal(t, s.ID, c.ID())
	assert.JSONEq(t, string(s.JSON), string(c.Raw()), "the payload is the credential")
}

func jwtHeader(t *testing.T, token string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[0])
	require.NoError(t, err)
	var h map[string]any
	require.NoError(t, json.Unmarshal(b, &h))
	return h
}
