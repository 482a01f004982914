package rdfc

import (
	"bytes"
	"context"
	"crypto"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/internal/rdf"
)

// vectorFiles lists the canonical N-Quads files copied from Data Integrity
// test vectors (see testdata/vectors/PROVENANCE.md).
func vectorFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir("testdata/vectors", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".txt") {
			files = append(files, path)
		}
		return nil
	})
	require.NoError(t, err)
	require.Len(t, files, 10)
	return files
}

// TestVectorsAreFixedPoints canonicalizes documents that are already in
// canonical form (from the OB 3.0 and vc-di-eddsa test vectors) and expects
// the same bytes back.
func TestVectorsAreFixedPoints(t *testing.T) {
	for _, f := range vectorFiles(t) {
		t.Run(strings.TrimPrefix(f, "testdata/vectors/"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			quads, err := rdf.ParseNQuads(data)
			require.NoError(t, err)
			res, err := Canonicalize(context.Background(), quads, nil)
			require.NoError(t, err)
			assert.Equal(t, string(data), string(res.NQuads))

			// Relabelled and reordered, the result is still the same.
			res2, err := Canonicalize(context.Background(), relabel(quads, "x"), nil)
			require.NoError(t, err)
			assert.Equal(t, string(data), string(res2.NQuads))
		})
	}
}

// relabel renames every blank node (prefix + a number assigned in reverse
// order of appearance) and reverses the order of the quads.
func relabel(quads []rdf.Quad, prefix string) []rdf.Quad {
	var labels []string
	seen := map[string]bool{}
	for _, q := range quads {
		for _, t := range []rdf.Term{q.Subject, q.Object, q.Graph} {
			if t.Kind == rdf.BlankNode && !seen[t.Value] {
				seen[t.Value] = true
				labels = append(labels, t.Value)
			}
		}
	}
	names := map[string]string{}
	for i, l := range labels {
		names[l] = fmt.Sprintf("%s%d", prefix, len(labels)-1-i)
	}
	ren := func(t rdf.Term) rdf.Term {
		if t.Kind == rdf.BlankNode {
			t.Value = names[t.Value]
		}
		return t
	}
	out := make([]rdf.Quad, len(quads))
	for i, q := range quads {
		out[len(quads)-1-i] = rdf.Quad{Subject: ren(q.Subject), Predicate: q.Predicate, Object: ren(q.Object), Graph: ren(q.Graph)}
	}
	return out
}

// TestSuiteInvariants checks, over every positive suite input, that the
// output does not depend on blank node labels or quad order, that the
// output is a fixed point, and that the result fields agree.
func TestSuiteInvariants(t *testing.T) {
	for _, e := range loadManifest(t) {
		if e.Type != "rdfc:RDFC10EvalTest" {
			continue
		}
		t.Run(strings.TrimPrefix(e.ID, "#"), func(t *testing.T) {
			quads := parseFile(t, filepath.Join(suiteDir, e.Action))
			opts := &Options{Hash: hashOf(t, e.HashAlgorithm)}
			before := slices.Clone(quads)
			res, err := Canonicalize(context.Background(), quads, opts)
			require.NoError(t, err)
			assert.Equal(t, before, quads, "input modified")
			checkResult(t, quads, res)

			res2, err := Canonicalize(context.Background(), relabel(quads, "n"), opts)
			require.NoError(t, err)
			assert.Equal(t, string(res.NQuads), string(res2.NQuads), "relabelled input")

			again, err := rdf.ParseNQuads(res.NQuads)
			require.NoError(t, err)
			res3, err := Canonicalize(context.Background(), again, opts)
			require.NoError(t, err)
			assert.Equal(t, string(res.NQuads), string(res3.NQuads), "not a fixed point")
		})
	}
}

// checkResult checks the internal consistency of a result.
func checkResult(t testing.TB, in []rdf.Quad, res *Result) {
	t.Helper()
	require.NotNil(t, res)
	assert.Equal(t, string(rdf.SerializeNQuads(res.Quads)), string(res.NQuads))
	lines := bytes.SplitAfter(res.NQuads, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	assert.Len(t, lines, len(res.Quads))
	for i := 1; i < len(lines); i++ {
		if bytes.Compare(lines[i-1], lines[i]) >= 0 {
			t.Fatalf("lines %d and %d out of order or duplicated", i-1, i)
		}
	}
	labels := map[string]bool{}
	for _, q := range in {
		for _, term := range []rdf.Term{q.Subject, q.Object, q.Graph} {
			if term.Kind == rdf.BlankNode {
				labels[term.Value] = true
			}
		}
	}
	assert.Len(t, res.IssuedIdentifiers, len(labels))
	used := map[string]bool{}
	for l := range labels {
		c, ok := res.IssuedIdentifiers[l]
		require.True(t, ok, "no identifier for %q", l)
		assert.False(t, used[c], "identifier %q issued twice", c)
		used[c] = true
	}
	for i := range len(labels) {
		assert.True(t, used[fmt.Sprintf("c14n%d", i)], "c14n%d not issued", i)
	}
}

func TestCanonicalizeDeduplicates(t *testing.T) {
	p := rdf.NewIRI("urn:ex:p")
	quads := []rdf.Quad{
		{Subject: rdf.NewBlank("a"), Predicate: p, Object: rdf.NewLiteral("x", "", "")},
		{Subject: rdf.NewBlank("a"), Predicate: p, Object: rdf.Term{Kind: rdf.Literal, Value: "x"}},
		{Subject: rdf.NewBlank("a"), Predicate: p, Object: rdf.NewLiteral("x", rdf.XSDString, "")},
		{Subject: rdf.NewBlank("a"), Predicate: p, Object: rdf.NewLiteral("x", "", "en")},
		{Subject: rdf.NewBlank("a"), Predicate: p, Object: rdf.Term{Kind: rdf.Literal, Value: "x", Language: "en"}},
		{Subject: rdf.NewBlank("a"), Predicate: p, Object: rdf.NewIRI("urn:ex:o")},
		{Subject: rdf.NewBlank("a"), Predicate: p, Object: rdf.Term{Kind: rdf.IRI, Value: "urn:ex:o", Language: "ignored"}},
	}
	res, err := Canonicalize(context.Background(), quads, nil)
	require.NoError(t, err)
	assert.Equal(t, "_:c14n0 <urn:ex:p> \"x\" .\n_:c14n0 <urn:ex:p> \"x\"@en .\n_:c14n0 <urn:ex:p> <urn:ex:o> .\n", string(res.NQuads))
	assert.Len(t, res.Quads, 3)
	assert.Equal(t, map[string]string{"a": "c14n0"}, res.IssuedIdentifiers)

	// Duplicates must not change the hashes either.
	res2, err := Canonicalize(context.Background(), quads[:1], nil)
	require.NoError(t, err)
	res3, err := Canonicalize(context.Background(), []rdf.Quad{quads[0], quads[0]}, nil)
	require.NoError(t, err)
	assert.Equal(t, res2, res3)
}

func TestCanonicalizeEmpty(t *testing.T) {
	for _, in := range [][]rdf.Quad{nil, {}} {
		res, err := Canonicalize(context.Background(), in, &Options{})
		require.NoError(t, err)
		assert.Empty(t, res.Quads)
		assert.Empty(t, res.NQuads)
		assert.Empty(t, res.IssuedIdentifiers)
	}
}

func TestCanonicalizeErrors(t *testing.T) {
	ok := []rdf.Quad{{Subject: rdf.NewBlank("a"), Predicate: rdf.NewIRI("urn:ex:p"), Object: rdf.NewIRI("urn:ex:o")}}

	t.Run("unsupported hash", func(t *testing.T) {
		for _, h := range []crypto.Hash{crypto.MD5, crypto.SHA1, crypto.SHA3_256, crypto.Hash(999)} {
			res, err := Canonicalize(context.Background(), ok, &Options{Hash: h})
			assert.Nil(t, res)
			assert.ErrorIs(t, err, ErrUnsupportedHash)
			assert.True(t, strings.HasPrefix(err.Error(), "rdfc: "), err.Error())
		}
	})
	t.Run("supported hashes", func(t *testing.T) {
		seen := map[string]bool{}
		for _, h := range []crypto.Hash{0, crypto.SHA256, crypto.SHA384, crypto.SHA512} {
			res, err := Canonicalize(context.Background(), ok, &Options{Hash: h})
			require.NoError(t, err)
			seen[string(res.NQuads)] = true
		}
		assert.Len(t, seen, 1)
	})
	t.Run("invalid quad", func(t *testing.T) {
		bad := append(slices.Clone(ok), rdf.Quad{Subject: rdf.NewIRI("urn:ex:s"), Predicate: rdf.NewBlank("p"), Object: rdf.NewIRI("urn:ex:o")})
		res, err := Canonicalize(context.Background(), bad, nil)
		assert.Nil(t, res)
		require.ErrorIs(t, err, ErrInvalidQuad)
		assert.ErrorIs(t, err, rdf.ErrInvalidTerm)
		var qe *QuadError
		require.True(t, errors.As(err, &qe))
		assert.Equal(t, 1, qe.Index)
		var te *rdf.TermError
		require.True(t, errors.As(err, &te))
		assert.Equal(t, "predicate", te.Position)
		assert.True(t, strings.HasPrefix(err.Error(), "rdfc: "), err.Error())
	})
	t.Run("IRI that would break the line", func(t *testing.T) {
		bad := []rdf.Quad{{Subject: rdf.NewIRI("urn:ex:s> <urn:ex:p> <urn:ex:o> .\n<urn:ex:t"), Predicate: rdf.NewIRI("urn:ex:p"), Object: rdf.NewIRI("urn:ex:o")}}
		_, err := Canonicalize(context.Background(), bad, nil)
		assert.ErrorIs(t, err, ErrInvalidQuad)
	})
	t.Run("nil context", func(t *testing.T) {
		// A nil ctx is misuse; it is reported, not a panic.
		res, err := Canonicalize(nil, ok, nil) //nolint:staticcheck

		assert.Nil(t, res)
		assert.ErrorIs(t, err, ErrNilContext)
	})
	t.Run("cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		res, err := Canonicalize(ctx, ok, nil)
		assert.Nil(t, res)
		assert.ErrorIs(t, err, context.Canceled)
		assert.True(t, strings.HasPrefix(err.Error(), "rdfc: "), err.Error())
	})
}

func TestWorkLimit(t *testing.T) {
	poison := parseFile(t, filepath.Join(suiteDir, "rdfc10/test074-in.nq"))
	evil := parseFile(t, filepath.Join(suiteDir, "rdfc10/test044-in.nq"))

	t.Run("default refuses the clique quickly", func(t *testing.T) {
		start := time.Now()
		_, err := Canonicalize(context.Background(), poison, nil)
		require.ErrorIs(t, err, ErrLimitExceeded)
		assert.Less(t, time.Since(start), raceSlowdown*time.Second)
		var le *LimitError
		require.True(t, errors.As(err, &le))
		assert.Equal(t, DefaultMaxWork, le.MaxWork)
		assert.Equal(t, 10, le.BlankNodes)
		assert.True(t, strings.HasPrefix(err.Error(), "rdfc: "), err.Error())
	})
	t.Run("small budget refuses evil graph", func(t *testing.T) {
		_, err := Canonicalize(context.Background(), evil, &Options{MaxWork: 1000})
		require.ErrorIs(t, err, ErrLimitExceeded)
	})
	t.Run("default accepts evil graph", func(t *testing.T) {
		_, err := Canonicalize(context.Background(), evil, &Options{MaxWork: -5})
		require.NoError(t, err)
	})
	t.Run("deadline stops a huge budget", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := Canonicalize(ctx, poison, &Options{MaxWork: 1 << 50})
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, time.Since(start), raceSlowdown*time.Second)
	})
	t.Run("recursion depth is capped", func(t *testing.T) {
		// A long RDF list of identical entries: every middle node has the
		// same first-degree hash, and Hash N-Degree Quads recurses along it.
		quads := identicalList(maxDepth + 100)
		start := time.Now()
		_, err := Canonicalize(context.Background(), quads, &Options{MaxWork: 1 << 50})
		require.ErrorIs(t, err, ErrLimitExceeded)
		assert.Less(t, time.Since(start), raceSlowdown*5*time.Second)
	})
	t.Run("short list of identical entries is fine", func(t *testing.T) {
		res, err := Canonicalize(context.Background(), identicalList(50), nil)
		require.NoError(t, err)
		checkResult(t, identicalList(50), res)
	})
}

// identicalList builds <urn:ex:s> <urn:ex:p> ( "same" "same" ... ) as quads.
func identicalList(n int) []rdf.Quad {
	const rdfNS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	first, rest := rdf.NewIRI(rdfNS+"first"), rdf.NewIRI(rdfNS+"rest")
	quads := []rdf.Quad{{Subject: rdf.NewIRI("urn:ex:s"), Predicate: rdf.NewIRI("urn:ex:p"), Object: rdf.NewBlank("l0")}}
	for i := range n {
		b := rdf.NewBlank(fmt.Sprint("l", i))
		next := rdf.NewIRI(rdfNS + "nil")
		if i < n-1 {
			next = rdf.NewBlank(fmt.Sprint("l", i+1))
		}
		quads = append(quads,
			rdf.Quad{Subject: b, Predicate: first, Object: rdf.NewLiteral("same", "", "")},
			rdf.Quad{Subject: b, Predicate: rest, Object: next})
	}
	return quads
}

func TestConcurrentUse(t *testing.T) {
	quads := parseFile(t, filepath.Join(suiteDir, "rdfc10/test044-in.nq"))
	want, err := Canonicalize(context.Background(), quads, nil)
	require.NoError(t, err)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			res, err := Canonicalize(context.Background(), quads, nil)
			if err == nil && !bytes.Equal(res.NQuads, want.NQuads) {
				err = errors.New("different output")
			}
			errs <- err
		}()
	}
	for range 4 {
		assert.NoError(t, <-errs)
	}
}
