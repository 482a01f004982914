package badge_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// relatedBadge returns the test badge, unsigned, as JSON with the given
// relatedResource entries.
func relatedBadge(t *testing.T, iss *badge.Issuer, related ...map[string]any) []byte {
	t.Helper()
	c := testCredential(t, iss)
	b, err := json.Marshal(c)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	list := make([]any, len(related))
	for i, r := range related {
		list[i] = r
	}
	m["relatedResource"] = list
	b, err = json.Marshal(m)
	require.NoError(t, err)
	return b
}

// contextDigest is the SRI digest of an embedded context's bytes.
func contextDigest(t *testing.T, url string) string {
	t.Helper()
	b, ok := vc.EmbeddedContext(url)
	require.True(t, ok)
	s, err := vc.DigestSRI("sha384", b)
	require.NoError(t, err)
	return s
}

func TestRelatedResourceStep(t *testing.T) {
	ctx := context.Background()
	iss := testIssuer(t, badge.DataIntegrity)
	v, err := badge.NewVerifier(badge.VerifierOptions{Now: fixedNow})
	require.NoError(t, err)
	obCtx := "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	wrong, err := vc.DigestSRI("sha384", []byte("not the context"))
	require.NoError(t, err)

	t.Run("embedded contexts pinned by digest", func(t *testing.T) {
		doc := relatedBadge(t, iss,
			map[string]any{"id": vc.ContextV2, "digestSRI": contextDigest(t, vc.ContextV2)},
			map[string]any{"id": obCtx, "digestSRI": contextDigest(t, obCtx), "mediaType": "application/ld+json"})
		s, err := iss.IssueJSON(ctx, doc)
		require.NoError(t, err)
		res, err := v.Verify(ctx, s.JSON)
		require.NoError(t, err)
		ch := res.Check(badge.CheckRelatedResource)
		require.NotNil(t, ch)
		assert.Equal(t, badge.Passed, ch.Status, "%v", ch.Err)
		assert.Contains(t, ch.Detail, "digestSRI sha384 matches the embedded copy of "+obCtx)
	})
	t.Run("another URL is reported, not fetched", func(t *testing.T) {
		doc := relatedBadge(t, iss,
			map[string]any{"id": vc.ContextV2, "digestSRI": contextDigest(t, vc.ContextV2)},
			map[string]any{"id": "https://example.edu/logo.png", "digestSRI": wrong})
		s, err := iss.IssueJSON(ctx, doc)
		require.NoError(t, err)
		res, err := v.Verify(ctx, s.JSON)
		require.NoError(t, err, "an unchecked resource does not fail verification")
		ch := res.Check(badge.CheckRelatedResource)
		require.NotNil(t, ch)
		assert.Equal(t, badge.Warning, ch.Status)
		assert.ErrorIs(t, ch.Err, vc.ErrRelatedResourceUnchecked)
		assert.Contains(t, ch.Detail, "not checked: https://example.edu/logo.png")
	})
	t.Run("a wrong digest of an embedded context fails", func(t *testing.T) {
		// Signed past the Issuer, which refuses it.
		doc := relatedBadge(t, iss, map[string]any{"id": obCtx, "digestSRI": wrong})
		signed, err := proof.AddDataIntegrityProof(ctx, doc, iss.Key, &proof.DataIntegrityOptions{Now: fixedNow})
		require.NoError(t, err)
		res, err := v.Verify(ctx, signed)
		require.Error(t, err)
		assert.ErrorIs(t, err, vc.ErrRelatedResourceMismatch)
		ch := res.Check(badge.CheckRelatedResource)
		require.NotNil(t, ch)
		assert.Equal(t, badge.Failed, ch.Status)
		assert.Equal(t, badge.Passed, res.Check(badge.CheckProof).Status, "the proof is fine: the digest is what fails")
	})
	t.Run("a malformed digest fails", func(t *testing.T) {
		doc := relatedBadge(t, iss, map[string]any{"id": "https://example.edu/logo.png", "digestMultibase": "uWZVc7WaX1h4D8rJVb-vlMIqxaEKEb1tYbX8fet7JJzQ"})
		signed, err := proof.AddDataIntegrityProof(ctx, doc, iss.Key, &proof.DataIntegrityOptions{Now: fixedNow})
		require.NoError(t, err)
		_, err = v.Verify(ctx, signed)
		assert.ErrorIs(t, err, vc.ErrRelatedResourceMalformed)
	})
	t.Run("no relatedResource", func(t *testing.T) {
		s, err := iss.Issue(ctx, testCredential(t, iss))
		require.NoError(t, err)
		res, err := v.Verify(ctx, s.JSON)
		require.NoError(t, err)
		assert.Equal(t, badge.Skipped, res.Check(badge.CheckRelatedResource).Status)
	})
}
