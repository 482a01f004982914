package rdfc

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/openbadges-go/openbadges/internal/rdf"
)

// FuzzCanonicalize checks that Canonicalize never panics and stays within
// its budget, that its output is a fixed point (canonicalizing the canonical
// document again gives the same bytes), and that relabelling the input's
// blank nodes and reordering its quads does not change the output.
func FuzzCanonicalize(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join(suiteDir, "rdfc10", "*-in.nq"))
	if err != nil {
		f.Fatal(err)
	}
	vectors, err := filepath.Glob("testdata/vectors/*/*/*.txt")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range append(seeds, vectors...) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	parseOpts := &rdf.ParseOptions{MaxBytes: 1 << 14, MaxQuads: 256, MaxLineBytes: 1 << 12}
	opts := &Options{MaxWork: 50_000} // keeps each run in the low milliseconds
	f.Fuzz(func(t *testing.T, data []byte) {
		quads, err := rdf.ParseNQuadsOptions(data, parseOpts)
		if err != nil {
			return
		}
		res, err := Canonicalize(context.Background(), quads, opts)
		if err != nil {
			if !errors.Is(err, ErrLimitExceeded) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		checkResult(t, quads, res)

		again, err := rdf.ParseNQuads(res.NQuads)
		if err != nil {
			t.Fatalf("canonical output does not parse: %v\n%s", err, res.NQuads)
		}
		res2, err := Canonicalize(context.Background(), again, opts)
		if err != nil {
			if errors.Is(err, ErrLimitExceeded) {
				return // the permutation order follows labels, so work may differ
			}
			t.Fatal(err)
		}
		if string(res2.NQuads) != string(res.NQuads) {
			t.Fatalf("not a fixed point:\n%s\n---\n%s", res.NQuads, res2.NQuads)
		}

		res3, err := Canonicalize(context.Background(), relabel(quads, "r"), opts)
		if err != nil {
			if errors.Is(err, ErrLimitExceeded) {
				return
			}
			t.Fatal(err)
		}
		if string(res3.NQuads) != string(res.NQuads) {
			t.Fatalf("relabelling changed the output:\n%s\n---\n%s", res.NQuads, res3.NQuads)
		}
	})
}
