package vc

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/multiformats/go-multibase"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// relatedCredential returns a VC 2.0 credential with the given
// relatedResource value.
func relatedCredential(t *testing.T, related any) *Credential {
	t.Helper()
	doc := map[string]any{
		"@context":          []any{ContextV2},
		"type":              []any{"VerifiableCredential"},
		"issuer":            "did:example:issuer",
		"credentialSubject": map[string]any{"id": "did:example:subject"},
		"relatedResource":   related,
	}
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	c, err := Parse(b)
	require.NoError(t, err)
	return c
}

func entry(id string, kv ...string) map[string]any {
	m := map[string]any{"id": id}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func mustDigest(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}

// The W3C Recommendation's copy of https://www.w3.org/ns/credentials/v2
// (testdata/related, byte for byte as w3.org serves it; VC Data Model 2.0
// appendix B.1 states its SHA-256) is JSON-equal to the embedded copy but
// not byte-identical, and the digests of it in publishedDigests are its own.
func TestPublishedDigestsOfTheV2Context(t *testing.T) {
	rec, err := os.ReadFile("testdata/related/credentials-v2-w3c-rec.jsonld")
	require.NoError(t, err)
	s256 := sha256.Sum256(rec)
	assert.Equal(t, mustHex("59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"), s256[:], "the digest VC Data Model 2.0 B.1 publishes")
	s384, s512 := sha512.Sum384(rec), sha512.Sum512(rec)
	pub := publishedDigests[ContextV2][0]
	assert.Equal(t, s256[:], pub[32])
	assert.Equal(t, s384[:], pub[48])
	assert.Equal(t, s512[:], pub[64])

	emb, ok := EmbeddedContext(ContextV2)
	require.True(t, ok)
	assert.NotEqual(t, rec, emb, "if the embedded copy becomes the published bytes, publishedDigests is no longer needed for it")
	var a, b any
	require.NoError(t, json.Unmarshal(rec, &a))
	require.NoError(t, json.Unmarshal(emb, &b))
	assert.Equal(t, a, b, "the embedded context must mean what the published one means")
}

func TestCheckRelatedResources(t *testing.T) {
	ctx := context.Background()
	emb, ok := EmbeddedContext(ContextV2)
	require.True(t, ok)
	obURL := "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	ob, ok := EmbeddedContext(obURL)
	require.True(t, ok)
	rec, err := os.ReadFile("testdata/related/credentials-v2-w3c-rec.jsonld")
	require.NoError(t, err)

	sri384 := mustDigest(DigestSRI("sha384", emb))
	sri256OB := mustDigest(DigestSRI("sha256", ob))
	mb256 := mustDigest(DigestMultibase("sha2-256", emb))
	mb512OB := mustDigest(DigestMultibase("sha2-512", ob))
	recSRI := mustDigest(DigestSRI("sha384", rec))
	recMB := mustDigest(DigestMultibase("sha2-256", rec))
	other := mustDigest(DigestSRI("sha384", []byte("something else")))
	otherMB := mustDigest(DigestMultibase("sha2-256", []byte("something else")))
	bare := sha256.Sum256(emb) // a digest without the multihash header
	bareMB, err := multibase.Encode(multibase.Base64url, bare[:])
	require.NoError(t, err)

	t.Run("embedded contexts match", func(t *testing.T) {
		c := relatedCredential(t, []any{
			entry(ContextV2, "digestSRI", sri384, "digestMultibase", mb256),
			entry(obURL, "digestSRI", sri256OB, "digestMultibase", mb512OB),
		})
		res, err := CheckRelatedResources(ctx, c, nil)
		require.NoError(t, err)
		require.Len(t, res.Checked, 2)
		assert.Empty(t, res.Unchecked)
		assert.Equal(t, "embedded", res.Checked[0].Source)
		assert.Equal(t, []string{"digestSRI sha384", "digestMultibase sha2-256"}, res.Checked[0].Digests)
		assert.Equal(t, "$.relatedResource[1]", res.Checked[1].Path)
	})
	t.Run("the digests the W3C publishes for the v2 context match", func(t *testing.T) {
		c := relatedCredential(t, entry(ContextV2, "digestSRI", recSRI, "digestMultibase", recMB))
		res, err := CheckRelatedResources(ctx, c, nil)
		require.NoError(t, err)
		require.Len(t, res.Checked, 1)
		assert.Equal(t, "embedded, W3C-published bytes", res.Checked[0].Source)
		assert.Equal(t, "$.relatedResource", res.Checked[0].Path)
		// The value the W3C data model shows for this context.
		c = relatedCredential(t, entry(ContextV2, "digestSRI", "sha384-l/HrjlBCNWyAX91hr6LFV2Y3heB5Tcr6IeE4/Tje8YyzYBM8IhqjHWiWpr8+ZbYU"))
		_, err = CheckRelatedResources(ctx, c, nil)
		require.NoError(t, err)
	})
	t.Run("a wrong digest of an embedded context fails", func(t *testing.T) {
		for name, e := range map[string]map[string]any{
			"sri":              entry(ContextV2, "digestSRI", other),
			"multibase":        entry(ContextV2, "digestMultibase", otherMB),
			"one of two wrong": entry(ContextV2, "digestSRI", sri384, "digestMultibase", otherMB),
			"another context":  entry(obURL, "digestSRI", sri384),
		} {
			t.Run(name, func(t *testing.T) {
				res, err := CheckRelatedResources(ctx, relatedCredential(t, []any{e}), nil)
				require.Error(t, err)
				assert.ErrorIs(t, err, ErrRelatedResource)
				assert.ErrorIs(t, err, ErrRelatedResourceMismatch)
				assert.NotErrorIs(t, err, ErrRelatedResourceMalformed)
				var re *RelatedResourceError
				require.ErrorAs(t, err, &re)
				assert.True(t, strings.HasPrefix(re.Problems[0].Path, "$.relatedResource[0].digest"), re.Problems[0].Path)
				require.NotNil(t, res)
				assert.Empty(t, res.Checked)
			})
		}
	})
	t.Run("other URLs are not fetched and are reported", func(t *testing.T) {
		c := relatedCredential(t, []any{entry("https://example.com/logo.png", "digestSRI", other), entry(ContextV2, "digestSRI", sri384)})
		res, err := CheckRelatedResources(ctx, c, nil)
		require.NoError(t, err)
		require.Len(t, res.Unchecked, 1)
		assert.Len(t, res.Checked, 1)
		assert.Equal(t, "https://example.com/logo.png", res.Unchecked[0].ID)
		assert.ErrorIs(t, res.Unchecked[0].Err, ErrRelatedResourceUnchecked)
	})
	t.Run("a fetcher and the caller's resources", func(t *testing.T) {
		logo := []byte("PNG bytes")
		var fetched []string
		o := &RelatedResourceOptions{
			Resources: map[string][]byte{"https://example.com/schema.json": []byte("{}")},
			Fetch: func(_ context.Context, u, mt string) ([]byte, error) {
				fetched = append(fetched, u+" "+mt)
				if u == "https://example.com/logo.png" {
					return logo, nil
				}
				return nil, errors.New("404")
			},
		}
		c := relatedCredential(t, []any{
			entry("https://example.com/logo.png", "mediaType", "image/png", "digestSRI", mustDigest(DigestSRI("sha512", logo))),
			entry("https://example.com/schema.json", "digestMultibase", mustDigest(DigestMultibase("sha2-384", []byte("{}")))),
			entry("https://example.com/gone", "digestSRI", other),
		})
		res, err := CheckRelatedResources(ctx, c, o)
		require.NoError(t, err)
		assert.Equal(t, []string{"https://example.com/logo.png image/png", "https://example.com/gone "}, fetched)
		require.Len(t, res.Checked, 2)
		assert.Equal(t, "fetched", res.Checked[0].Source)
		assert.Equal(t, "caller", res.Checked[1].Source)
		require.Len(t, res.Unchecked, 1)
		assert.ErrorIs(t, res.Unchecked[0].Err, ErrRelatedResourceUnchecked)
		assert.Contains(t, res.Unchecked[0].Err.Error(), "404")

		// A fetched resource whose digest differs fails.
		c = relatedCredential(t, entry("https://example.com/logo.png", "digestSRI", other))
		_, err = CheckRelatedResources(ctx, c, o)
		assert.ErrorIs(t, err, ErrRelatedResourceMismatch)
	})
	t.Run("SRI with several expressions: the strongest algorithm decides", func(t *testing.T) {
		weakWrong := mustDigest(DigestSRI("sha256", []byte("x")))
		c := relatedCredential(t, entry(ContextV2, "digestSRI", weakWrong+" "+other+" "+sri384+"?ct=application/ld+json"))
		_, err := CheckRelatedResources(ctx, c, nil)
		require.NoError(t, err)
		c = relatedCredential(t, entry(ContextV2, "digestSRI", mustDigest(DigestSRI("sha256", emb))+" "+other))
		_, err = CheckRelatedResources(ctx, c, nil)
		assert.ErrorIs(t, err, ErrRelatedResourceMismatch)
		// Padding is optional in the SRI grammar.
		c = relatedCredential(t, entry(ContextV2, "digestSRI", strings.TrimRight(mustDigest(DigestSRI("sha256", emb)), "=")))
		_, err = CheckRelatedResources(ctx, c, nil)
		require.NoError(t, err)
	})
	t.Run("malformed entries", func(t *testing.T) {
		sha3 := append([]byte{0x16, 32}, bare[:]...) // sha3-256 multihash
		sha3MB, err := multibase.Encode(multibase.Base58BTC, sha3)
		require.NoError(t, err)
		wrongLen := append([]byte{0x12, 31}, bare[:31]...) // sha2-256 with 31 bytes
		wrongLenMB, err := multibase.Encode(multibase.Base58BTC, wrongLen)
		require.NoError(t, err)
		b32, err := multibase.Encode(multibase.Base32, append([]byte{0x12, 32}, bare[:]...))
		require.NoError(t, err)
		for name, tc := range map[string]struct {
			related any
			path    string
			issue   bool // malformed only when issuing
		}{
			"not an object":       {[]any{"https://example.com"}, "$.relatedResource[0]", false},
			"empty list":          {[]any{}, "$.relatedResource", false},
			"no id":               {[]any{map[string]any{"digestSRI": sri384}}, "$.relatedResource[0].id", false},
			"id not a URL":        {[]any{entry("not a url", "digestSRI", sri384)}, "$.relatedResource[0].id", false},
			"duplicate id":        {[]any{entry(ContextV2, "digestSRI", sri384), entry(ContextV2, "digestSRI", sri384)}, "$.relatedResource[1].id", false},
			"no digest":           {[]any{entry(ContextV2)}, "$.relatedResource[0]", false},
			"SRI not base64":      {[]any{entry(ContextV2, "digestSRI", "sha384-???")}, "$.relatedResource[0].digestSRI", false},
			"SRI no algorithm":    {[]any{entry(ContextV2, "digestSRI", base64.StdEncoding.EncodeToString(bare[:]))}, "$.relatedResource[0].digestSRI", false},
			"SRI unknown alg":     {[]any{entry(ContextV2, "digestSRI", "md5-"+base64.StdEncoding.EncodeToString(bare[:16]))}, "$.relatedResource[0].digestSRI", false},
			"SRI wrong length":    {[]any{entry(ContextV2, "digestSRI", "sha384-"+base64.StdEncoding.EncodeToString(bare[:]))}, "$.relatedResource[0].digestSRI", false},
			"SRI url alphabet":    {[]any{entry(ContextV2, "digestSRI", strings.NewReplacer("+", "-", "/", "_").Replace(sri384))}, "$.relatedResource[0].digestSRI", false},
			"SRI empty":           {[]any{entry(ContextV2, "digestSRI", "  ")}, "$.relatedResource[0].digestSRI", false},
			"SRI not a string":    {[]any{map[string]any{"id": ContextV2, "digestSRI": json.Number("1")}}, "$.relatedResource[0].digestSRI", false},
			"multibase bare hash": {[]any{entry(ContextV2, "digestMultibase", bareMB)}, "$.relatedResource[0].digestMultibase", false},
			"multibase bad":       {[]any{entry(ContextV2, "digestMultibase", "xnotmultibase")}, "$.relatedResource[0].digestMultibase", false},
			"multibase length":    {[]any{entry(ContextV2, "digestMultibase", wrongLenMB)}, "$.relatedResource[0].digestMultibase", false},
			"multihash sha3":      {[]any{entry(ContextV2, "digestMultibase", sha3MB)}, "$.relatedResource[0].digestMultibase", true},
			"base32":              {[]any{entry(ContextV2, "digestMultibase", b32)}, "$.relatedResource[0].digestMultibase", true},
		} {
			t.Run(name, func(t *testing.T) {
				c := relatedCredential(t, tc.related)
				_, err := CheckRelatedResources(ctx, c, &RelatedResourceOptions{Issuing: true})
				require.Error(t, err)
				assert.ErrorIs(t, err, ErrRelatedResourceMalformed)
				var re *RelatedResourceError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, tc.path, re.Problems[0].Path, "%v", re)
				_, err = CheckRelatedResources(ctx, c, nil)
				if tc.issue {
					assert.NoError(t, err, "a well-formed digest this package does not compute is not an error at verify")
				} else {
					assert.ErrorIs(t, err, ErrRelatedResourceMalformed)
				}
			})
		}
	})
	t.Run("an unsupported multihash is unchecked at verify", func(t *testing.T) {
		sha3 := append([]byte{0x16, 32}, bare[:]...)
		sha3MB, err := multibase.Encode(multibase.Base58BTC, sha3)
		require.NoError(t, err)
		res, err := CheckRelatedResources(ctx, relatedCredential(t, entry(ContextV2, "digestMultibase", sha3MB)), nil)
		require.NoError(t, err)
		require.Len(t, res.Unchecked, 1)
		assert.ErrorIs(t, res.Unchecked[0].Err, ErrRelatedResourceUnchecked)
		// With an SRI digest that matches, the resource is checked.
		res, err = CheckRelatedResources(ctx, relatedCredential(t, entry(ContextV2, "digestMultibase", sha3MB, "digestSRI", sri384)), nil)
		require.NoError(t, err)
		assert.Len(t, res.Checked, 1)
	})
	t.Run("no relatedResource", func(t *testing.T) {
		c, err := Parse([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:example:i","credentialSubject":{"id":"did:example:s"}}`))
		require.NoError(t, err)
		res, err := CheckRelatedResources(ctx, c, nil)
		require.NoError(t, err)
		assert.Empty(t, res.Checked)
		assert.Empty(t, res.Unchecked)
	})
	t.Run("canceled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		res, err := CheckRelatedResources(cctx, relatedCredential(t, entry(ContextV2, "digestSRI", sri384)), nil)
		assert.Nil(t, res)
		assert.ErrorIs(t, err, context.Canceled)
	})
}

func TestDigestHelpers(t *testing.T) {
	_, err := DigestSRI("md5", nil)
	assert.Error(t, err)
	_, err = DigestMultibase("sha3-256", nil)
	assert.Error(t, err)
	s, err := DigestMultibase("sha2-256", []byte("abc"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(s, "zQm"), s) // the familiar CIDv0-style prefix of a SHA-256 multihash
	d, err := parseDigestMultibase(s, true)
	require.NoError(t, err)
	sum := sha256.Sum256([]byte("abc"))
	assert.Equal(t, [][]byte{sum[:]}, d.sums)
}
