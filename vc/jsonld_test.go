package vc

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readJSON(t testing.TB, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	v, err := jsonx.Parse(b, nil)
	require.NoError(t, err)
	m, ok := v.(map[string]any)
	require.True(t, ok)
	return m
}

func withoutProof(doc map[string]any) map[string]any {
	d := maps.Clone(doc)
	delete(d, "proof")
	return d
}

// proofConfigOf is the Data Integrity proof configuration of doc's only proof.
func proofConfigOf(doc map[string]any) map[string]any {
	pr := doc["proof"]
	if a, ok := pr.([]any); ok {
		pr = a[0]
	}
	p := maps.Clone(pr.(map[string]any))
	delete(p, "proofValue")
	if _, ok := p["@context"]; !ok {
		p["@context"] = doc["@context"]
	}
	return p
}

// TestCanonicalFormMatchesPublishedVectors pins the canonical N-Quads of the
// W3C vc-di-eddsa vectors and the 1EdTech OB 3.0 and CLR 2.0 vectors, byte
// for byte: every proof we make or check hashes exactly these bytes.
func TestCanonicalFormMatchesPublishedVectors(t *testing.T) {
	const di = "testdata/vc-di-eddsa/TestVectors/"
	tests := []struct {
		name      string
		doc       func(t *testing.T) map[string]any
		wantCanon string
	}{
		{"eddsa-rdfc-2022 document", func(t *testing.T) map[string]any {
			return withoutProof(readJSON(t, di+"eddsa-rdfc-2022/signedDataInt.json"))
		}, di + "eddsa-rdfc-2022/canonDocDataInt.txt"},
		{"eddsa-rdfc-2022 proof configuration", func(t *testing.T) map[string]any {
			return readJSON(t, di+"eddsa-rdfc-2022/proofConfigDataInt.json")
		}, di + "eddsa-rdfc-2022/proofCanonDataInt.txt"},
		{"eddsa-rdfc-2022 employ document", func(t *testing.T) map[string]any {
			return withoutProof(readJSON(t, di+"eddsa-rdfc-2022/employ/signedDataInt.json"))
		}, di + "eddsa-rdfc-2022/employ/canonDocDataInt.txt"},
		{"eddsa-rdfc-2022 employ proof configuration", func(t *testing.T) map[string]any {
			return readJSON(t, di+"eddsa-rdfc-2022/employ/proofConfigDataInt.json")
		}, di + "eddsa-rdfc-2022/employ/proofCanonDataInt.txt"},
		{"Ed25519Signature2020 document", func(t *testing.T) map[string]any {
			return withoutProof(readJSON(t, di+"Ed25519Signature2020/signedEdSig.json"))
		}, di + "Ed25519Signature2020/canonDocEdSig.txt"},
		{"Ed25519Signature2020 proof configuration", func(t *testing.T) map[string]any {
			return readJSON(t, di+"Ed25519Signature2020/proofConfigEdSig.json")
		}, di + "Ed25519Signature2020/proofCanonEdSig.txt"},
		{"OB 3.0 document", func(t *testing.T) map[string]any {
			return withoutProof(readJSON(t, "testdata/ob3/obv3p0/signed.json"))
		}, "testdata/ob3/obv3p0/document-canon.txt"},
		{"OB 3.0 unsigned document", func(t *testing.T) map[string]any {
			return readJSON(t, "testdata/ob3/obv3p0/unsigned.json")
		}, "testdata/ob3/obv3p0/document-canon.txt"},
		{"OB 3.0 proof configuration", func(t *testing.T) map[string]any {
			return proofConfigOf(readJSON(t, "testdata/ob3/obv3p0/signed.json"))
		}, "testdata/ob3/obv3p0/proof-canon.txt"},
		{"CLR 2.0 document", func(t *testing.T) map[string]any {
			return withoutProof(readJSON(t, "testdata/ob3/clrv2p0/signed.json"))
		}, "testdata/ob3/clrv2p0/document-canon.txt"},
		{"CLR 2.0 proof configuration", func(t *testing.T) map[string]any {
			return proofConfigOf(readJSON(t, "testdata/ob3/clrv2p0/signed.json"))
		}, "testdata/ob3/clrv2p0/proof-canon.txt"},
	}
	p := NewProcessor(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := os.ReadFile(tt.wantCanon)
			require.NoError(t, err)
			got, err := p.Canonicalize(context.Background(), tt.doc(t), nil)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got.NQuads))
		})
	}
}

func TestCanonicalizeNQuadsIsAFixedPointOnCanonicalInput(t *testing.T) {
	files, err := filepath.Glob("testdata/vc-di-eddsa/TestVectors/*/canon*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	p := NewProcessor(nil)
	for _, f := range files {
		if strings.Contains(f, "jcs") {
			continue // eddsa-jcs-2022 canonicalizes JSON, not RDF
		}
		in, err := os.ReadFile(f)
		require.NoError(t, err)
		got, err := p.CanonicalizeNQuads(context.Background(), in, nil)
		require.NoError(t, err, f)
		assert.Equal(t, string(in), string(got.NQuads), f)
	}
}

func TestSafeModeRefusesUndefinedTerms(t *testing.T) {
	base := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:example:1","credentialSubject":{"id":"did:example:2",%s}}`
	tests := []struct {
		name   string
		member string
		kind   error
	}{
		{"undefined property", `"fooBar":"x"`, ErrUndefinedTerm},
		{"undefined property in nested object", `"name":"n","knows":{"bar":1}`, ErrUndefinedTerm},
	}
	p := NewProcessor(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := strings.Replace(base, "%s", tt.member, 1)
			_, err := p.CanonicalizeJSON(context.Background(), []byte(doc), nil)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrSafeMode)
			assert.ErrorIs(t, err, tt.kind)
			var se *SafeModeError
			require.True(t, errors.As(err, &se))
			require.NotEmpty(t, se.Problems)
		})
	}
}

func TestUnknownContextIsRefusedAndNamed(t *testing.T) {
	doc := `{"@context":["https://www.w3.org/ns/credentials/v2","https://evil.example/ctx.jsonld"],"type":"VerifiableCredential"}`
	_, err := NewProcessor(nil).CanonicalizeJSON(context.Background(), []byte(doc), nil)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrUnknownContext)
	assert.Contains(t, err.Error(), "https://evil.example/ctx.jsonld")
}

func TestMalformedJSONIsRefused(t *testing.T) {
	for _, in := range []string{`{"a":`, `{"@context":"x","@context":"y"}`, "\xff"} {
		_, err := NewProcessor(nil).CanonicalizeJSON(context.Background(), []byte(in), nil)
		assert.ErrorIs(t, err, ErrMalformed, in)
	}
}

func TestPoisonGraphFailsFastWithTypedError(t *testing.T) {
	b, err := os.ReadFile("testdata/poison.nq")
	require.NoError(t, err)
	start := time.Now()
	_, err = NewProcessor(nil).CanonicalizeNQuads(context.Background(), b, nil)
	assert.ErrorIs(t, err, ErrCanonicalizationLimit)
	assert.Less(t, time.Since(start), raceSlowdown*2*time.Second)
}

func TestCanonicalizeHonoursCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := NewProcessor(nil).Canonicalize(ctx, readJSON(t, "testdata/ob3/obv3p0/unsigned.json"), nil)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestContextLoadsAreBounded(t *testing.T) {
	p := NewProcessor(&ProcessorOptions{MaxContextLoads: 1})
	_, err := p.Canonicalize(context.Background(), readJSON(t, "testdata/ob3/obv3p0/unsigned.json"), nil)
	require.Error(t, err)
}

func BenchmarkCanonicalize(b *testing.B) {
	doc := readJSON(b, "testdata/ob3/obv3p0/unsigned.json")
	p := NewProcessor(nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Canonicalize(ctx, doc, nil); err != nil {
			b.Fatal(err)
		}
	}
}

var _ = json.Marshal

func TestSafeModeListsEveryProblemWithItsPath(t *testing.T) {
	doc := `{
	  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
	  "id": "relative/credential",
	  "type": ["VerifiableCredential", "OpenBadgeCredential", "MadeUpType"],
	  "issuer": {"id": "did:example:issuer", "type": "Profile", "nmae": "typo"},
	  "credentialSubject": {
	    "type": "AchievementSubject",
	    "achievement": {"id": "urn:a", "type": "Achievement", "name": "n", "fooBar": 1, "criteria": {"narrative": "x"}}
	  }
	}`
	_, err := NewProcessor(nil).CanonicalizeJSON(context.Background(), []byte(doc), nil)
	require.Error(t, err)
	var se *SafeModeError
	require.True(t, errors.As(err, &se), "%v", err)
	got := map[string]error{}
	for _, p := range se.Problems {
		got[p.Path] = p.Kind
	}
	assert.Equal(t, ErrRelativeIRI, got["$.id"])
	assert.Equal(t, ErrUndefinedTerm, got["$.type[2]"])
	assert.Equal(t, ErrUndefinedTerm, got["$.issuer.nmae"])
	assert.Equal(t, ErrUndefinedTerm, got["$.credentialSubject.achievement.fooBar"])
	assert.ErrorIs(t, err, ErrRelativeIRI)
	assert.ErrorIs(t, err, ErrUndefinedTerm)
	assert.Contains(t, err.Error(), "$.credentialSubject.achievement.fooBar")
}

// TestNativeEngineAgreesWithJSONGold runs both JSON-LD paths over every JSON
// document in testdata and requires byte-identical canonical N-Quads.
func TestNativeEngineAgreesWithJSONGold(t *testing.T) {
	var files []string
	err := filepath.WalkDir("testdata", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") && !strings.Contains(path, "vector.json") && !strings.Contains(path, "keyPair") && !strings.Contains(path, "multiKeyPairs") {
			files = append(files, path)
		}
		return err
	})
	require.NoError(t, err)
	require.Greater(t, len(files), 20)
	native := NewProcessor(nil)
	gold := NewProcessor(nil)
	gold.goldOnly = true
	ctx := context.Background()
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			doc := readJSON(t, f)
			a, errA := native.Canonicalize(ctx, doc, nil)
			b, errB := gold.Canonicalize(ctx, doc, nil)
			if errB != nil {
				assert.Error(t, errA, "json-gold refuses it (%v), so must we", errB)
				return
			}
			require.NoError(t, errA)
			assert.Equal(t, string(b.NQuads), string(a.NQuads))
		})
	}
}

func BenchmarkCanonicalizeJSONGold(b *testing.B) {
	doc := readJSON(b, "testdata/ob3/obv3p0/unsigned.json")
	p := NewProcessor(nil)
	p.goldOnly = true
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Canonicalize(ctx, doc, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCanonicalHashStreamsTheCanonicalForm(t *testing.T) {
	p := NewProcessor(nil)
	for _, f := range []string{"testdata/ob3/obv3p0/unsigned.json", "testdata/ob3/clrv2p0/signed.json"} {
		doc := readJSON(t, f)
		c, err := p.Canonicalize(context.Background(), doc, nil)
		require.NoError(t, err)
		h := sha256.New()
		require.NoError(t, p.CanonicalHash(context.Background(), doc, h))
		want := sha256.Sum256(c.NQuads)
		assert.Equal(t, want[:], h.Sum(nil), f)
	}
	// Errors are the same as Canonicalize's.
	err := p.CanonicalHash(context.Background(), map[string]any{"@context": "https://example.com/unknown"}, sha256.New())
	assert.ErrorIs(t, err, ErrUnknownContext)
}
