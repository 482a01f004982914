package jsonld

import (
	"errors"
	"slices"
	"strings"

	"github.com/openbadges-go/openbadges/internal/rdf"
)

// ErrStrictForm matches a [Problem] raised by strict mode: the document is
// valid JSON-LD, but written in a form in which a reader of the JSON
// members could see something other than the RDF graph that is signed.
var ErrStrictForm = errors.New("jsonld: form not allowed in strict mode")

// Strict configures strict mode, in which a document must be written in
// the one compact form that its contexts define, so that the JSON members
// a program reads are the statements of the graph, and nothing else:
//
//   - every key of a node object is a term the contexts define (or, where
//     a context sets @vocab, a plain name under it); no absolute IRI, no
//     compact IRI, no keyword written as a key other than @context, no
//     keyword alias other than "id" for @id and "type" for @type, "id"
//     and "type" mean nothing else, and no
//     term declared with @nest;
//   - @context values are context URLs: no inline context objects (unless
//     AllowInlineContexts), no null; below the top level only in the
//     objects that are values of the NestedContexts keys (embedded
//     credentials and proofs);
//   - no blank node identifiers ("_:x") in ids or IRI values, so that two
//     objects can only be the same node through an IRI;
//   - each pinned key expands to one of its IRIs, and each pinned IRI is
//     written only with one of its keys; a single-valued pinned key has no
//     array value;
//   - the values of the NoMerge keys are not described by any other
//     object of the same graph (no two node objects with properties share
//     their IRI), outside embedded documents; the top-level node is left
//     to the caller, which reads its pinned members back from the graph;
//   - no JSON-LD feature this engine does not implement (there is no
//     fallback to another processor in strict mode).
//
// A Strict value must not be modified after it is given to
// [NewProcessor].
type Strict struct {
	// AllowInlineContexts admits context objects in @context; every other
	// rule stays on.
	AllowInlineContexts bool
	// Pins lists the keys whose meaning is pinned.
	Pins []Pin
	// NoMerge lists the keys whose object values must not share their id
	// with another node object that has properties.
	NoMerge []string
	// NestedContexts lists the keys whose object values may carry their
	// own @context (context URLs only).
	NestedContexts []string
	// Embedded lists the keys whose values are documents of their own
	// (embedded credentials, checked on their own): the nodes inside them
	// are left out of the NoMerge rule (an endorsement's subject is the
	// credential or achievement it endorses).
	Embedded []string
}

// Pin fixes the meaning of one key: it must expand to one of IRIs, and
// these IRIs may only be written with a key that pins them.
type Pin struct {
	Key  string
	IRIs []string
	// Single forbids an array value.
	Single bool
}

// strictRules is the compiled form of a [Strict].
type strictRules struct {
	allowInline bool
	byKey       map[string]*Pin
	byIRI       map[string][]string
	noMerge     map[string]bool
	nested      map[string]bool
	embedded    map[string]bool
}

func compileStrict(s *Strict) *strictRules {
	if s == nil {
		return nil
	}
	r := &strictRules{
		allowInline: s.AllowInlineContexts,
		byKey:       make(map[string]*Pin, len(s.Pins)),
		byIRI:       make(map[string][]string, len(s.Pins)*2),
		noMerge:     make(map[string]bool, len(s.NoMerge)),
		nested:      make(map[string]bool, len(s.NestedContexts)),
		embedded:    make(map[string]bool, len(s.Embedded)),
	}
	for _, k := range s.Embedded {
		r.embedded[k] = true
	}
	for i := range s.Pins {
		p := &s.Pins[i]
		r.byKey[p.Key] = p
		for _, iri := range p.IRIs {
			if !slices.Contains(r.byIRI[iri], p.Key) {
				r.byIRI[iri] = append(r.byIRI[iri], p.Key)
			}
		}
	}
	for _, k := range s.NoMerge {
		r.noMerge[k] = true
	}
	for _, k := range s.NestedContexts {
		r.nested[k] = true
	}
	return r
}

// strictContext checks an @context value at the current path. root says
// whether it is the top-level object's context; prop is the key whose
// value holds the object.
func (w *walker) strictContext(v any, root bool, prop string) bool {
	r := w.p.strict
	if !root && !r.nested[prop] {
		w.problem(ErrStrictForm, "@context", "a context below the top level")
		return false
	}
	items, isArr := v.([]any)
	if !isArr {
		items = []any{v}
	}
	ok := true
	for i, it := range items {
		if isArr {
			w.pushIdx(i)
		}
		switch it.(type) {
		case string:
		case map[string]any:
			if !r.allowInline {
				w.problem(ErrStrictForm, "", "an inline context (only context URLs are allowed)")
				ok = false
			}
		case nil:
			w.problem(ErrStrictForm, "", "a null context")
			ok = false
		}
		if isArr {
			w.pop()
		}
	}
	return ok
}

// strictKey checks one key of a node object and its value. It reports
// false when the key must not be processed further.
func (w *walker) strictKey(e *entry) bool {
	r := w.p.strict
	k := e.key
	switch {
	case k == "":
		w.problem(ErrStrictForm, k, "an empty key")
		return false
	case k[0] == '@' && (isKeyword(k) || hasKeywordForm(k)):
		return true // see strictKeywords
	case (k == "id" && e.iri != "@id") || (k == "type" && e.iri != "@type"):
		// A context (a property-scoped one may override protected
		// terms) made "id" or "type" an ordinary property: a reader of
		// the JSON would take its value for the node's id or type.
		w.problem(ErrStrictForm, k, "\""+k+"\" redefined: it must mean @"+k)
		return false
	case e.def == nil && strings.IndexByte(k, ':') >= 0:
		w.problem(ErrStrictForm, k, "an IRI or compact IRI as a key (use the term the contexts define)")
		return false
	case e.def != nil && isKeyword(e.def.iri):
		if !(k == "id" && e.iri == "@id") && !(k == "type" && e.iri == "@type") {
			w.problem(ErrStrictForm, k, "an alias of "+e.def.iri)
			return false
		}
	case e.def != nil && e.def.nest != "":
		w.problem(ErrStrictForm, k, "a term nested with @nest")
		return false
	}
	if !hasScheme(e.iri) {
		return true // undefined: a safe-mode problem of its own
	}
	if p := r.byKey[k]; p != nil {
		if !slices.Contains(p.IRIs, e.iri) {
			w.problem(ErrStrictForm, k, "expands to "+e.iri+", not the IRI this key must mean")
			return false
		}
		if _, isArr := e.val.([]any); isArr && p.Single {
			w.problem(ErrStrictForm, k, "several values for a single-valued member")
			return false
		}
	}
	if keys, pinned := r.byIRI[e.iri]; pinned && !slices.Contains(keys, k) {
		w.problem(ErrStrictForm, k, "writes "+e.iri+", which must be written as "+strings.Join(keys, " or "))
		return false
	}
	return true
}

// nodeKey names a node in a graph, for merge detection.
type nodeKey struct {
	graph, subj string
}

type nodeSeen struct {
	path      string
	protected bool
}

// strictNode records that a node object with properties described subj,
// and reports a problem when a protected node is described twice.
//
// The top-level node is exempt: the caller reads its pinned members back
// from the graph (see vc), and Open Badges name the credential's own id as
// its refresh service.
//
// Another description of the top-level node may not carry a pinned member
// either (pinned members are read from the top-level object only).
func (w *walker) strictNode(subj, graph rdf.Term, protected, isRoot bool, es []entry) {
	if subj.Kind != rdf.IRI {
		return
	}
	if subj == w.root && graph.Value == "" {
		// Also inside embedded documents that share the graph (an
		// endorsement of the credential itself).
		if !isRoot {
			for i := range es {
				if w.p.strict.byKey[es[i].key] != nil {
					w.problem(ErrStrictForm, subj.Value, "another description of the top-level node carries "+es[i].key)
					return
				}
			}
		}
		return
	}
	if w.embedded > 0 {
		// Nodes of embedded documents are checked when those documents
		// are verified on their own.
		return
	}
	if w.nodes == nil {
		w.nodes = make(map[nodeKey]nodeSeen, 4)
	}
	k := nodeKey{graph: graph.Value, subj: subj.Value}
	if prev, ok := w.nodes[k]; ok {
		if prev.protected || protected {
			w.problem(ErrStrictForm, subj.Value, "the same node is also described at "+prev.path)
		}
		if protected && !prev.protected {
			w.nodes[k] = nodeSeen{path: prev.path, protected: true}
		}
		return
	}
	w.nodes[k] = nodeSeen{path: w.pathString(), protected: protected}
}

// strictVocab checks a type, or a value of a term whose type mapping is
// @vocab, written as s and expanding to iri: it must be a term, or else an
// absolute IRI (not a compact IRI, not a blank node) that no term of the
// active context stands for, or a plain name under @vocab.
func (w *walker) strictVocab(a *activeCtx, s, iri string) bool {
	if d := a.terms[s]; d != nil {
		return true
	}
	switch {
	case strings.HasPrefix(iri, "_:"):
		w.problem(ErrStrictForm, s, "a blank node identifier")
		return false
	case a.vocab != "" && iri == a.vocab+s && strings.IndexByte(s, ':') < 0:
		return true // a plain name under @vocab: one spelling
	case iri != s:
		w.problem(ErrStrictForm, s, "a compact or relative IRI that expands to "+iri)
		return false
	}
	if t := a.termFor(iri); t != "" {
		w.problem(ErrStrictForm, s, "an IRI written where the contexts define the term "+t)
		return false
	}
	return true
}

// termFor returns a term of a whose IRI is iri ("" if none). It is used
// only on the rare path of a value written as an IRI.
func (a *activeCtx) termFor(iri string) string {
	best := ""
	for k, d := range a.terms {
		if d.iri == iri && !strings.ContainsAny(k, ":/") && (best == "" || k < best) {
			best = k
		}
	}
	return best
}

// strictKeywords checks the keywords written as keys of one object: only
// in a value object (@value with @language or @type: a language-tagged or
// typed string, as VC 2.0 writes names in several languages), and never as
// the value of a pinned member, whose reader expects a plain string.
func (w *walker) strictKeywords(es []entry, valueObject bool, prop propRef) {
	r := w.p.strict
	if valueObject {
		if p := r.byKey[prop.term]; p != nil {
			w.problem(ErrStrictForm, prop.term, "a value object for a member that must be written as a plain value")
		}
	}
	for i := range es {
		k := es[i].key
		if !strings.HasPrefix(k, "@") || !(isKeyword(k) || hasKeywordForm(k)) {
			continue
		}
		if valueObject && (k == "@value" || k == "@language" || k == "@type") {
			continue
		}
		w.push(k)
		w.problem(ErrStrictForm, k, "a keyword written as a key")
		w.pop()
	}
}
