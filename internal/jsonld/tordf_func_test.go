package jsonld

import (
	"context"
	"testing"

	"github.com/openbadges-go/openbadges/internal/rdf"
)

// BenchmarkToRDFFunc is BenchmarkToRDF through the buffer-reusing entry
// point.
func BenchmarkToRDFFunc(b *testing.B) {
	doc, err := decodeNumber(benchDoc(b))
	if err != nil {
		b.Fatal(err)
	}
	p := NewProcessor(newTestLoader(b), nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := p.ToRDFFunc(ctx, doc, func([]rdf.Quad, rdf.Term) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

func TestToRDFFuncGivesTheSameQuadsAsToRDF(t *testing.T) {
	doc, err := decodeNumber(benchDoc(t))
	if err != nil {
		t.Fatal(err)
	}
	p := NewProcessor(newTestLoader(t), nil)
	want, err := p.ToRDF(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ { // the second and third calls reuse buffers
		err = p.ToRDFFunc(context.Background(), doc, func(got []rdf.Quad, _ rdf.Term) error {
			if len(got) != len(want) {
				t.Fatalf("%d quads, want %d", len(got), len(want))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
