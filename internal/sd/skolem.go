package sd

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/openbadges-go/openbadges/internal/rdf"
)

// SkolemPrefix is the IRI prefix of skolemized blank nodes, as in the
// specification's examples and the reference implementation.
const SkolemPrefix = "urn:bnid:"

// skolemLabel is the label prefix of a skolemized node after
// deskolemization; canonical labels ("c14n…") never start with it.
const skolemLabel = "sk"

// ErrSkolem is matched by the errors of Skolemize and Deskolemize.
var ErrSkolem = errors.New("sd: cannot skolemize")

// Skolemize returns a deep copy of doc, a compact JSON-LD document, in
// which every object that has no "id" member (except @context values) has
// the id SkolemPrefix+"sk"+N, N numbering such objects in a deterministic
// walk (members in code point order of their names, arrays in order).
// Objects whose number is in skip are left without an id but keep their
// number, so that a second pass that skips the objects that turned out
// not to be nodes (the content of @json literals) numbers the others the
// same way. It also returns how many numbers were issued.
//
// The compact form is skolemized directly, without the expansion and
// compaction of the specification's skolemizeCompactJsonLd: the selection
// pointers then address the document as it is written. A document that
// already holds a string starting with SkolemPrefix is refused.
func Skolemize(doc map[string]any, skip map[int]bool) (map[string]any, int, error) {
	s := &skolemizer{skip: skip}
	out := s.walk(doc, true)
	if s.err != nil {
		return nil, 0, s.err
	}
	return out.(map[string]any), s.n, nil
}

type skolemizer struct {
	n    int
	skip map[int]bool
	err  error
}

func (s *skolemizer) walk(v any, top bool) any {
	switch x := v.(type) {
	case string:
		if strings.HasPrefix(x, SkolemPrefix) {
			s.err = fmt.Errorf("%w: the document holds the IRI %q, whose prefix marks skolemized blank nodes", ErrSkolem, x)
		}
		return x
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = s.walk(e, false)
		}
		return a
	case map[string]any:
		m := make(map[string]any, len(x)+1)
		if _, ok := x["id"]; !ok {
			n := s.n
			s.n++
			if !s.skip[n] {
				m["id"] = SkolemPrefix + skolemLabel + strconv.Itoa(n)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if k == "@context" {
				m[k] = x[k]
				continue
			}
			m[k] = s.walk(x[k], false)
		}
		return m
	}
	return v
}

// SkolemNumber returns N for the IRI SkolemPrefix+"sk"+N.
func SkolemNumber(iri string) (int, bool) {
	rest, ok := strings.CutPrefix(iri, SkolemPrefix+skolemLabel)
	if !ok || rest == "" || (len(rest) > 1 && rest[0] == '0') || len(rest) > 9 {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil && n >= 0
}

// IsSkolemLabel reports whether a blank node label came from
// [Deskolemize].
func IsSkolemLabel(label string) bool { return strings.HasPrefix(label, skolemLabel) }

// Deskolemize replaces the skolem IRIs of quads (as [Skolemize] issued
// them, below n) with blank nodes labelled "sk"+N, in place. Any other
// IRI with SkolemPrefix is an error. It returns the numbers it met as an
// IRI (the objects that are RDF nodes).
func Deskolemize(quads []rdf.Quad, n int) (map[int]bool, error) {
	seen := map[int]bool{}
	fix := func(t *rdf.Term) error {
		if t.Kind != rdf.IRI || !strings.HasPrefix(t.Value, SkolemPrefix) {
			return nil
		}
		k, ok := SkolemNumber(t.Value)
		if !ok || k >= n {
			return fmt.Errorf("%w: unexpected IRI %q", ErrSkolem, t.Value)
		}
		seen[k] = true
		*t = rdf.Term{Kind: rdf.BlankNode, Value: t.Value[len(SkolemPrefix):]}
		return nil
	}
	for i := range quads {
		q := &quads[i]
		if strings.HasPrefix(q.Predicate.Value, SkolemPrefix) {
			return nil, fmt.Errorf("%w: skolem IRI %q as a predicate", ErrSkolem, q.Predicate.Value)
		}
		for _, t := range []*rdf.Term{&q.Subject, &q.Object, &q.Graph} {
			if err := fix(t); err != nil {
				return nil, err
			}
		}
	}
	return seen, nil
}
