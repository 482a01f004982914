package rdfc

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/openbadges-go/openbadges/internal/rdf"
)

// BenchmarkCanonicalize measures credential-sized datasets: the CLR 2.0 and
// OB 3.0 test-vector credentials (49 and 16 quads, 3 and 1 blank nodes,
// relabelled and reversed so the input is not already canonical), the
// vc-di-eddsa proof configuration, and the suite's "evil" graph, which
// exercises Hash N-Degree Quads.
func BenchmarkCanonicalize(b *testing.B) {
	cases := []struct {
		name, file string
	}{
		{"clr-credential", "testdata/vectors/ob3/clrv2p0/document-canon.txt"},
		{"ob3-credential", "testdata/vectors/ob3/obv3p0/document-canon.txt"},
		{"proof-config", "testdata/vectors/vc-di-eddsa/eddsa-rdfc-2022/proofCanonDataInt.txt"},
		{"evil-test044", filepath.Join(suiteDir, "rdfc10/test044-in.nq")},
	}
	for _, c := range cases {
		quads := relabel(parseFile(b, c.file), "b")
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Canonicalize(context.Background(), quads, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseAndCanonicalize adds N-Quads parsing to the credential case.
func BenchmarkParseAndCanonicalize(b *testing.B) {
	quads := relabel(parseFile(b, "testdata/vectors/ob3/clrv2p0/document-canon.txt"), "b")
	doc := rdf.SerializeNQuads(quads)
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		q, err := rdf.ParseNQuads(doc)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Canonicalize(context.Background(), q, nil); err != nil {
			b.Fatal(err)
		}
	}
}
