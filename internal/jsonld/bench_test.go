package jsonld

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/piprate/json-gold/ld"
)

func benchDoc(b testing.TB) []byte {
	raw, err := os.ReadFile(filepath.Join("testdata", "fixtures", "ob3", "examples", "spec", "impl_linked-data-proof-ob__03__Signed-credential.json"))
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// BenchmarkToRDF converts the signed OB 3.0 test-vector credential with a
// warm Processor (contexts compiled once).
func BenchmarkToRDF(b *testing.B) {
	doc, err := decodeNumber(benchDoc(b))
	if err != nil {
		b.Fatal(err)
	}
	p := NewProcessor(newTestLoader(b), nil)
	if _, err := p.ToRDF(context.Background(), doc); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.ToRDF(context.Background(), doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONGoldToRDF is the same conversion with json-gold (safe mode,
// contexts from an in-memory loader, parsed once and cached).
func BenchmarkJSONGoldToRDF(b *testing.B) {
	doc, err := decodePlain(benchDoc(b))
	if err != nil {
		b.Fatal(err)
	}
	f, err := contextFiles()
	if err != nil {
		b.Fatal(err)
	}
	cached := map[string]*ld.RemoteDocument{}
	for u, raw := range f {
		v, err := decodePlain(raw)
		if err != nil {
			b.Fatal(err)
		}
		cached[u] = &ld.RemoteDocument{DocumentURL: u, Document: v}
	}
	opts := ld.NewJsonLdOptions("")
	opts.DocumentLoader = mapLoader(cached)
	opts.SafeMode = true
	proc := ld.NewJsonLdProcessor()
	if _, err := proc.ToRDF(doc, opts); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := proc.ToRDF(doc, opts); err != nil {
			b.Fatal(err)
		}
	}
}

type mapLoader map[string]*ld.RemoteDocument

func (m mapLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	if d, ok := m[u]; ok {
		return d, nil
	}
	return nil, os.ErrNotExist
}
