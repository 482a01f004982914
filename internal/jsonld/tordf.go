package jsonld

import (
	"context"
	"encoding/json"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"

	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/internal/rdf"
)

// ToRDF converts a JSON-LD document (already parsed: map[string]any,
// []any, string, json.Number or float64, bool, nil) to an RDF dataset, with
// the semantics of JSON-LD 1.1 expansion followed by Deserialize JSON-LD to
// RDF (produceGeneralizedRdf false, no rdfDirection).
//
// The quads are returned without duplicates, in a deterministic order.
// Blank node labels are "b0", "b1", ... and are unrelated to labels in the
// document. Safe mode is always on: on any problem nothing is returned and
// the error is a [*SafeModeError] listing all of them. Other errors are
// [*LimitError], [*UnsupportedError], [*LoadError], or ctx's error.
func (p *Processor) ToRDF(ctx context.Context, doc any) ([]rdf.Quad, error) {
	w := p.walk(ctx, doc, &rdfScratch{
		// Small initial sizes: a proof configuration yields half a dozen
		// quads, a badge a few dozen.
		seen: make(map[uint64]int32, 8),
		out:  make([]rdf.Quad, 0, 16),
	})
	if w.fatal != nil {
		return nil, w.fatal
	}
	if len(w.problems) > 0 {
		return nil, &SafeModeError{Problems: w.problems}
	}
	return w.out, nil
}

// ToRDFFunc is ToRDF for callers that consume the dataset at once (to
// canonicalize it, say): fn receives the quads, which are valid only
// until fn returns, and the buffers are then reused by later calls. It
// returns ToRDF's error or fn's. Verification on several cores is limited
// by garbage collection, and these buffers were most of what a
// verification allocated.
//
// fn also receives the subject of the top-level node object (the zero
// Term when the document has none).
func (p *Processor) ToRDFFunc(ctx context.Context, doc any, fn func(quads []rdf.Quad, root rdf.Term) error) error {
	sc, _ := p.scratch.Get().(*rdfScratch)
	if sc == nil {
		sc = &rdfScratch{seen: make(map[uint64]int32, 32), out: make([]rdf.Quad, 0, 64)}
	}
	w := p.walk(ctx, doc, sc)
	var err error
	switch {
	case w.fatal != nil:
		err = w.fatal
	case len(w.problems) > 0:
		err = &SafeModeError{Problems: w.problems}
	default:
		err = fn(w.out, w.root)
	}
	if cap(w.out) <= maxScratchQuads {
		clear(w.seen)
		clear(w.out)
		clear(w.path[:cap(w.path)])
		sc.seen, sc.out, sc.path = w.seen, w.out[:0], w.path[:0]
		p.scratch.Put(sc)
	}
	return err
}

// maxScratchQuads keeps the buffers of unusually large documents out of
// the scratch pool.
const maxScratchQuads = 4096

// rdfScratch holds the output buffers of one conversion.
type rdfScratch struct {
	seen map[uint64]int32
	out  []rdf.Quad
	path []pathSeg
}

func (p *Processor) walk(ctx context.Context, doc any, sc *rdfScratch) *walker {
	if ctx == nil {
		ctx = context.Background()
	}
	w := &walker{
		docState: docState{p: p, ctx: ctx},
		seen:     sc.seen,
		out:      sc.out,
		path:     sc.path[:0],
	}
	if w.path == nil {
		w.path = make([]pathSeg, 0, 32)
	}
	w.top(p.root, doc)
	return w
}

// maxProblems bounds the problems kept for one document.
const maxProblems = 1000

type walker struct {
	docState
	out      []rdf.Quad
	seen     map[uint64]int32
	nblank   int
	labels   map[string]string
	problems []Problem
	path     []pathSeg
	steps    int
	// root is the subject of the top-level node object.
	root rdf.Term
	// nodes records, in strict mode, the IRI nodes described so far.
	nodes map[nodeKey]nodeSeen
	// embedded counts the embedded documents the walk is inside (strict
	// mode).
	embedded int
}

type pathSeg struct {
	key string
	idx int // -1 for a key
}

func (w *walker) push(key string) { w.path = append(w.path, pathSeg{key: key, idx: -1}) }
func (w *walker) pushIdx(i int)   { w.path = append(w.path, pathSeg{idx: i}) }
func (w *walker) pop()            { w.path = w.path[:len(w.path)-1] }

// pathString formats the current path: "$", then ".key" for plain keys,
// ["key"] for other keys, and [i] for array elements.
func (w *walker) pathString() string {
	b := make([]byte, 0, 64)
	b = append(b, '$')
	for _, s := range w.path {
		if s.idx >= 0 {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(s.idx), 10)
			b = append(b, ']')
		} else {
			b = jsonx.AppendPathKey(b, s.key)
		}
	}
	return string(b)
}

func (w *walker) problem(reason error, term, detail string) {
	if len(w.problems) >= maxProblems {
		return
	}
	w.problems = append(w.problems, Problem{Path: w.pathString(), Term: term, Reason: reason, Detail: detail})
}

func (w *walker) setFatal(err error) {
	if w.fatal == nil {
		switch e := err.(type) {
		case *UnsupportedError:
			if e.Path == "" {
				e.Path = w.pathString()
			}
		case *LimitError:
			if e.Path == "" {
				e.Path = w.pathString()
			}
		}
		w.fatal = err
	}
}

// ctxErr records a context processing error at the current path.
func (w *walker) ctxErr(err error) {
	if isFatal(err) {
		w.setFatal(err)
		return
	}
	if ce, ok := err.(*ContextError); ok {
		w.problem(ce.Reason, ce.Term, strings.TrimPrefix(ce.Error(), "jsonld: "))
		return
	}
	w.problem(ErrInvalidContext, "", err.Error())
}

func (w *walker) tick(depth int) bool {
	if w.fatal != nil {
		return false
	}
	if depth > w.p.opts.MaxDepth {
		w.setFatal(&LimitError{Limit: "MaxDepth", Max: w.p.opts.MaxDepth})
		return false
	}
	w.steps++
	if w.steps&255 == 0 {
		if err := w.ctx.Err(); err != nil {
			w.setFatal(err)
			return false
		}
	}
	return true
}

func (w *walker) quad(s, p, o, g rdf.Term) {
	q := rdf.Quad{Subject: s, Predicate: p, Object: o, Graph: g}
	// Duplicates are found through a 64-bit hash of the quad, confirmed
	// against the stored quad (a Quad is too large to be a map key without
	// the map allocating a copy of every key).
	h := quadHash(w.p.seed, &q)
	for {
		i, ok := w.seen[h]
		if !ok {
			break
		}
		if w.out[i] == q {
			return
		}
		h++ // a true collision: probe on
	}
	if len(w.out) >= w.p.opts.MaxQuads {
		w.setFatal(&LimitError{Limit: "MaxQuads", Max: w.p.opts.MaxQuads})
		return
	}
	w.seen[h] = int32(len(w.out))
	w.out = append(w.out, q)
}

func quadHash(seed maphash.Seed, q *rdf.Quad) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	for _, t := range [4]*rdf.Term{&q.Subject, &q.Predicate, &q.Object, &q.Graph} {
		h.WriteByte(byte(t.Kind))
		h.WriteString(t.Value)
		h.WriteByte(0)
		h.WriteString(t.Datatype)
		h.WriteByte(0)
		h.WriteString(t.Language)
		h.WriteByte(0)
	}
	return h.Sum64()
}

func (w *walker) freshBlank() rdf.Term {
	var buf [16]byte
	b := append(buf[:0], 'b')
	b = strconv.AppendInt(b, int64(w.nblank), 10)
	w.nblank++
	return rdf.Term{Kind: rdf.BlankNode, Value: string(b)}
}

// blankFor maps a document blank node label ("_:x") to a fresh label.
func (w *walker) blankFor(label string) rdf.Term {
	if w.labels == nil {
		w.labels = make(map[string]string)
	}
	if l, ok := w.labels[label]; ok {
		return rdf.Term{Kind: rdf.BlankNode, Value: l}
	}
	t := w.freshBlank()
	w.labels[label] = t.Value
	return t
}

// nodeTerm turns an expanded @id-like value into a subject/object term.
func (w *walker) nodeTerm(iri, orig string, reason error) (rdf.Term, bool) {
	switch {
	case iri == "":
		w.problem(reason, orig, "does not expand to an IRI")
	case strings.HasPrefix(iri, "_:"):
		if w.p.strict != nil {
			w.problem(ErrStrictForm, orig, "a blank node identifier")
			return rdf.Term{}, false
		}
		return w.blankFor(iri), true
	case validIRI(iri):
		if w.p.strict != nil && iri != orig {
			w.problem(ErrStrictForm, orig, "an IRI written in a form that expands to "+iri)
			return rdf.Term{}, false
		}
		return rdf.Term{Kind: rdf.IRI, Value: iri}, true
	case hasScheme(iri):
		w.problem(ErrInvalidIRI, orig, "")
	default:
		w.problem(ErrRelativeIRI, orig, "")
	}
	return rdf.Term{}, false
}

// expandIRI is IRI Expansion (JSON-LD 1.1 API §5.2.2) against a compiled
// active context; "" means null.
func (a *activeCtx) expandIRI(value string, docRel, vocab bool) string {
	if isKeyword(value) {
		return value
	}
	if hasKeywordForm(value) {
		return ""
	}
	if d := a.terms[value]; d != nil && (vocab || isKeyword(d.iri)) {
		return d.iri
	}
	if c := strings.IndexByte(value, ':'); c > 0 {
		prefix, suffix := value[:c], value[c+1:]
		if prefix == "_" || strings.HasPrefix(suffix, "//") {
			return value
		}
		if pd := a.terms[prefix]; pd != nil && pd.iri != "" && pd.prefix {
			return pd.iri + suffix
		}
		if hasScheme(value) {
			return value
		}
	}
	if vocab && a.vocab != "" {
		return a.vocab + value
	}
	if docRel && a.base != "" {
		return resolveIRI(a.base, value)
	}
	return value
}

// expandKey expands a map key.
func (a *activeCtx) expandKey(k string) string {
	if isKeyword(k) {
		return k
	}
	return a.expandIRI(k, false, true)
}

type sinkMode uint8

const (
	sinkTop      sinkMode = iota // top level or @graph content: values are dropped
	sinkIncluded                 // @included content: only node objects allowed
	sinkProp                     // property values: emit triples
	sinkCollect                  // list items: collect
)

// sink receives the objects produced for one property (or level).
type sink struct {
	mode    sinkMode
	reverse bool
	subj    rdf.Term
	pred    rdf.Term
	graph   rdf.Term
	items   []rdf.Term
}

func (w *walker) emit(s *sink, obj rdf.Term) {
	switch s.mode {
	case sinkTop:
		if obj.Kind == rdf.Literal {
			w.problem(ErrDroppedValue, "", "free-floating value")
		}
	case sinkIncluded:
		if obj.Kind == rdf.Literal {
			w.problem(ErrInvalidIncluded, "", "not a node object")
		}
	case sinkProp:
		if s.reverse {
			if obj.Kind == rdf.Literal {
				w.problem(ErrInvalidReverse, "", "a reverse property value must be a node object")
				return
			}
			w.quad(obj, s.pred, s.subj, s.graph)
			return
		}
		w.quad(s.subj, s.pred, obj, s.graph)
	case sinkCollect:
		s.items = append(s.items, obj)
	}
}

type kind uint8

const (
	kNone kind = iota
	kValue
	kNode
	kList
	kSet
)

// propRef is the active property: the key as written and its definition
// (nil when the key has none). The zero propRef is the null active
// property (top level, @graph, @included).
type propRef struct {
	term string
	def  *termDef
}

func (w *walker) top(a *activeCtx, doc any) {
	s := sink{mode: sinkTop}
	switch x := doc.(type) {
	case map[string]any:
		w.object(a, propRef{}, x, &s, rdf.Term{}, 1, true)
	case []any:
		if !w.tick(1) {
			return
		}
		for i, it := range x {
			w.pushIdx(i)
			w.element(a, propRef{}, it, &s, rdf.Term{}, 2)
			w.pop()
		}
	case nil:
	default:
		w.problem(ErrDroppedValue, "", "document is not an object or array")
	}
}

// element expands one value for the active property prop and hands what
// it produces to s.
func (w *walker) element(a *activeCtx, prop propRef, v any, s *sink, graph rdf.Term, depth int) kind {
	switch x := v.(type) {
	case nil:
		return kNone
	case []any:
		if !w.tick(depth) {
			return kNone
		}
		for i, it := range x {
			w.pushIdx(i)
			w.listItem(a, prop, it, s, graph, depth+1)
			w.pop()
		}
		return kSet
	case map[string]any:
		return w.object(a, prop, x, s, graph, depth, false)
	}
	if prop.term == "" && prop.def == nil {
		w.problem(ErrDroppedValue, "", "free-floating value")
		return kNone
	}
	def := prop.def
	if def != nil && def.hasCtx {
		na, err := w.applyScoped(a, def, modePropertyScoped)
		if err != nil {
			w.ctxErr(err)
			return kNone
		}
		a = na
		def = a.terms[prop.term]
	}
	t, k := w.scalar(a, def, v)
	if k != kNone {
		w.emit(s, t)
	}
	return k
}

// scalar is Value Expansion of a string, number or boolean followed by
// its conversion to an RDF term.
func (w *walker) scalar(a *activeCtx, def *termDef, v any) (rdf.Term, kind) {
	typ := ""
	if def != nil {
		typ = def.typ
	}
	if s, ok := v.(string); ok && (typ == "@id" || typ == "@vocab") {
		iri := a.expandIRI(s, true, typ == "@vocab")
		orig := s
		if typ == "@vocab" && w.p.strict != nil {
			if !w.strictVocab(a, s, iri) {
				return rdf.Term{}, kNone
			}
			orig = iri
		}
		t, ok := w.nodeTerm(iri, orig, ErrInvalidID)
		if !ok {
			return t, kNone
		}
		return t, kNode
	}
	switch typ {
	case "", "@id", "@vocab", "@none":
		typ = ""
	}
	if s, ok := v.(string); ok && typ == "" {
		lang := a.lang
		if def != nil && def.hasLang {
			lang = def.lang
		}
		if lang != "" {
			if w.p.strict != nil {
				// Only an inline or remote context can give a plain
				// string a language: the JSON then reads a plain
				// string where a tagged literal is signed.
				w.problem(ErrStrictForm, "", "a language tag the context gives a plain string (@language)")
				return rdf.Term{}, kNone
			}
			if !validLanguage(lang) {
				w.problem(ErrInvalidLanguage, lang, "")
				return rdf.Term{}, kNone
			}
			return rdf.Term{Kind: rdf.Literal, Value: s, Datatype: rdf.RDFLangString, Language: lang}, kValue
		}
	}
	return w.literal(v, typ)
}

// literal converts a native value with an optional datatype.
func (w *walker) literal(v any, dt string) (rdf.Term, kind) {
	if dt != "" && !validIRI(dt) {
		w.problem(ErrInvalidIRI, dt, "datatype IRI")
		return rdf.Term{}, kNone
	}
	switch x := v.(type) {
	case string:
		if dt == "" {
			dt = xsdString
		}
		return rdf.Term{Kind: rdf.Literal, Value: x, Datatype: dt}, kValue
	case bool:
		if dt == "" {
			dt = xsdBoolean
		}
		s := "false"
		if x {
			s = "true"
		}
		return rdf.Term{Kind: rdf.Literal, Value: s, Datatype: dt}, kValue
	}
	lex, isDouble, ok := numberLexical(v, dt == xsdDouble)
	if !ok {
		if _, isNum := v.(json.Number); isNum {
			w.problem(ErrInvalidNumber, numberText(v), "")
		} else {
			w.problem(ErrInvalidValueObject, "", "value is not a string, number or boolean")
		}
		return rdf.Term{}, kNone
	}
	if dt == "" {
		dt = xsdInteger
		if isDouble {
			dt = xsdDouble
		}
	}
	return rdf.Term{Kind: rdf.Literal, Value: lex, Datatype: dt}, kValue
}

// jsonLiteral builds an rdf:JSON literal.
func (w *walker) jsonLiteral(v any) (rdf.Term, kind) {
	if v == nil {
		w.setFatal(&UnsupportedError{Feature: "null JSON literal"})
		return rdf.Term{}, kNone
	}
	b, ok := canonicalJSON(nil, v, 0)
	if !ok {
		w.problem(ErrInvalidValueObject, "", "JSON literal cannot be canonicalized")
		return rdf.Term{}, kNone
	}
	return rdf.Term{Kind: rdf.Literal, Value: string(b), Datatype: rdfJSON}, kValue
}

// entry is one expanded map key.
type entry struct {
	key string
	iri string
	def *termDef
	val any
}

// object expands a map: value object, list object, set object or node
// object (JSON-LD 1.1 API Expansion, steps 7 to 20).
func (w *walker) object(a *activeCtx, prop propRef, m map[string]any, s *sink, graph rdf.Term, depth int, root bool) kind {
	if !w.tick(depth) {
		return kNone
	}
	// Step 7: type-scoped contexts do not propagate to node objects.
	if a.previous != nil {
		revert := true
		for k := range m {
			if a.expandKey(k) == "@value" {
				revert = false
				break
			}
		}
		if revert && len(m) == 1 {
			for k := range m {
				if a.expandKey(k) == "@id" {
					revert = false
				}
			}
		}
		if revert {
			a = a.previous
		}
	}
	// Step 8: property-scoped context.
	if prop.def != nil && prop.def.hasCtx {
		na, err := w.applyScoped(a, prop.def, modePropertyScoped)
		if err != nil {
			w.ctxErr(err)
			return kNone
		}
		a = na
	}
	// Step 9: embedded context.
	if lc, ok := m["@context"]; ok {
		w.push("@context")
		if w.p.strict != nil && !w.strictContext(lc, root, prop.term) {
			w.pop()
			return kNone
		}
		na, err := w.process(a, lc, w.p.opts.Base, nil, false, true, true)
		if err != nil {
			w.ctxErr(err)
			w.pop()
			return kNone
		}
		w.pop()
		a = na
	}
	// Steps 10 and 11: type-scoped contexts, in lexicographic order.
	typeScoped := a
	var tkBuf [4]string
	typeKeys := tkBuf[:0]
	for k := range m {
		if k != "@context" && typeScoped.expandKey(k) == "@type" {
			typeKeys = append(typeKeys, k)
		}
	}
	slices.Sort(typeKeys)
	var valBuf [4]string
	for _, k := range typeKeys {
		vals := valBuf[:0]
		switch tv := m[k].(type) {
		case string:
			vals = append(vals, tv)
		case []any:
			for _, t := range tv {
				if ts, ok := t.(string); ok {
					vals = append(vals, ts)
				}
			}
			slices.Sort(vals)
		}
		for _, t := range vals {
			if d := typeScoped.terms[t]; d != nil && d.hasCtx {
				na, err := w.applyScoped(a, d, modeTypeScoped)
				if err != nil {
					w.push(k)
					w.ctxErr(err)
					w.pop()
					return kNone
				}
				a = na
			}
		}
	}

	// Expand the keys.
	var buf [24]entry
	es := buf[:0]
	var valueAt, listAt, setAt, idAt = -1, -1, -1, -1
	for k, v := range m {
		if k == "@context" {
			continue
		}
		e := entry{key: k, val: v}
		if isKeyword(k) {
			e.iri = k
		} else {
			e.def = a.terms[k]
			e.iri = a.expandIRI(k, false, true)
		}
		if w.p.strict != nil {
			w.push(k)
			ok := w.strictKey(&e)
			w.pop()
			if !ok {
				continue
			}
		}
		es = append(es, e)
	}
	slices.SortFunc(es, func(x, y entry) int { return strings.Compare(x.key, y.key) })
	for i := range es {
		iri := es[i].iri
		if !isKeyword(iri) {
			continue
		}
		// Several keys expanding to @type are merged by the spec but not by
		// json-gold: processors disagree, so safe mode refuses them too.
		if i > 0 && iri != "@included" {
			for j := 0; j < i; j++ {
				if es[j].iri == iri {
					w.push(es[i].key)
					w.problem(ErrCollidingKeywords, es[i].key, "same keyword as "+es[j].key)
					w.pop()
				}
			}
		}
		switch iri {
		case "@value":
			valueAt = i
		case "@list":
			listAt = i
		case "@set":
			setAt = i
		case "@id":
			idAt = i
		}
	}

	if w.p.strict != nil {
		w.strictKeywords(es, valueAt >= 0, prop)
	}
	// List and set items are expanded for the active property as defined
	// in the active context now in force (which may have been reverted).
	if prop.term != "" {
		prop.def = a.terms[prop.term]
	}
	switch {
	case valueAt >= 0:
		return w.valueObject(typeScoped, es, s)
	case listAt >= 0:
		return w.listObject(a, prop, es, listAt, s, graph, depth)
	case setAt >= 0:
		for _, e := range es {
			switch e.iri {
			case "@set":
			case "@index":
				w.push(e.key)
				w.problem(ErrDroppedValue, e.key, "@index is not represented in RDF")
				w.pop()
			default:
				w.push(e.key)
				w.problem(ErrInvalidList, e.key, "a set object may only contain @set and @index")
				w.pop()
			}
		}
		w.push(es[setAt].key)
		if es[setAt].val == nil {
			// json-gold turns this into an empty node; the spec drops it.
			w.problem(ErrDroppedValue, es[setAt].key, "@set with a null value")
		}
		w.element(a, prop, es[setAt].val, s, graph, depth+1)
		w.pop()
		return kSet
	}
	if len(es) > 0 {
		onlyLang := true
		for _, e := range es {
			if e.iri != "@language" {
				onlyLang = false
			}
		}
		if onlyLang {
			w.problem(ErrDroppedValue, "", "object with only @language")
			return kNone
		}
	}
	// The document is a map with only @graph: its content is the default graph.
	if root && len(es) == 1 && es[0].iri == "@graph" {
		w.push(es[0].key)
		w.element(a, propRef{}, es[0].val, s, graph, depth+1)
		w.pop()
		return kNone
	}

	// Node object.
	var subj rdf.Term
	haveSubj := false
	if idAt >= 0 {
		e := es[idAt]
		w.push(e.key)
		if ids, ok := e.val.(string); ok {
			subj, haveSubj = w.nodeTerm(a.expandIRI(ids, true, false), ids, ErrInvalidID)
		} else {
			w.problem(ErrInvalidID, "", "@id value is not a string")
		}
		w.pop()
	}
	if !haveSubj {
		subj = w.freshBlank()
	}
	if root {
		w.root = subj
	}
	if w.p.strict != nil && (len(es) > 1 || len(es) == 1 && idAt < 0) {
		w.strictNode(subj, graph, w.p.strict.noMerge[prop.term], root, es)
	}
	typ := rdf.Term{Kind: rdf.IRI, Value: rdfType}
	for _, e := range es {
		if w.fatal != nil {
			return kNone
		}
		w.push(e.key)
		switch e.iri {
		case "@id":
		case "@type":
			switch tv := e.val.(type) {
			case string:
				w.typeQuad(typeScoped, tv, subj, typ, graph)
			case []any:
				for i, t := range tv {
					w.pushIdx(i)
					if ts, ok := t.(string); ok {
						w.typeQuad(typeScoped, ts, subj, typ, graph)
					} else {
						w.problem(ErrInvalidTypeValue, "", "@type value is not a string")
					}
					w.pop()
				}
			default:
				w.problem(ErrInvalidTypeValue, "", "@type value is not a string or array of strings")
			}
		case "@graph":
			if e.val == nil {
				// json-gold fails on this; refuse rather than differ.
				w.problem(ErrDroppedValue, e.key, "@graph with a null value")
				break
			}
			gs := sink{mode: sinkTop}
			w.element(a, propRef{}, e.val, &gs, subj, depth+1)
		case "@included":
			is := sink{mode: sinkIncluded}
			items, isArr := e.val.([]any)
			if !isArr {
				items = []any{e.val}
			}
			for i, it := range items {
				if isArr {
					w.pushIdx(i)
				}
				switch im := it.(type) {
				case map[string]any:
					if onlyID(a, im) {
						// A bare node reference: json-gold rejects it.
						w.problem(ErrInvalidIncluded, "", "node reference with only @id")
					} else if k := w.element(a, propRef{}, it, &is, graph, depth+1); k == kList {
						w.problem(ErrInvalidIncluded, "", "not a node object")
					}
				default:
					w.problem(ErrInvalidIncluded, "", "not a node object")
				}
				if isArr {
					w.pop()
				}
			}
		case "@reverse":
			rm, ok := e.val.(map[string]any)
			if !ok {
				w.problem(ErrInvalidReverse, "", "@reverse value is not a map")
				break
			}
			rkeys := make([]string, 0, len(rm))
			for k := range rm {
				rkeys = append(rkeys, k)
			}
			slices.Sort(rkeys)
			for _, rk := range rkeys {
				w.push(rk)
				var def *termDef
				iri := rk
				if !isKeyword(rk) {
					def = a.terms[rk]
					iri = a.expandIRI(rk, false, true)
				}
				if isKeyword(iri) {
					w.problem(ErrInvalidReverse, rk, "keyword in @reverse map")
				} else if w.checkPredicate(rk, iri) {
					w.propertyValue(a, rk, def, iri, !(def != nil && def.reverse), rm[rk], subj, graph, depth+1)
				}
				w.pop()
			}
		case "@index":
			w.problem(ErrDroppedValue, e.key, "@index is not represented in RDF")
		case "@nest":
			w.setFatal(&UnsupportedError{Feature: "@nest"})
		case "@direction":
			w.setFatal(&UnsupportedError{Feature: "@direction"})
		case "":
			if hasKeywordForm(e.key) {
				w.problem(ErrKeywordMisuse, e.key, "not a JSON-LD keyword")
			} else {
				w.problem(ErrUndefinedTerm, e.key, "")
			}
		default:
			if isKeyword(e.iri) {
				w.problem(ErrKeywordMisuse, e.key, e.iri+" is not allowed in a node object")
				break
			}
			// A term's IRI was checked when its definition was made.
			if (e.def != nil && e.def.iriOK && e.iri == e.def.iri) || w.checkPredicate(e.key, e.iri) {
				w.propertyValue(a, e.key, e.def, e.iri, e.def != nil && e.def.reverse, e.val, subj, graph, depth+1)
			}
		}
		w.pop()
	}
	w.emit(s, subj)
	return kNode
}

// checkPredicate reports whether iri is usable as a predicate, recording a
// problem otherwise.
func (w *walker) checkPredicate(key, iri string) bool {
	switch {
	case strings.HasPrefix(iri, "_:"):
		w.problem(ErrDroppedValue, key, "property expands to a blank node")
	case validIRI(iri):
		return true
	case hasScheme(iri):
		w.problem(ErrInvalidIRI, key, "property IRI "+iri)
	default:
		w.problem(ErrUndefinedTerm, key, "")
	}
	return false
}

func (w *walker) typeQuad(typeScoped *activeCtx, t string, subj, pred, graph rdf.Term) {
	iri := typeScoped.expandIRI(t, true, true)
	if w.p.strict != nil && !w.strictVocab(typeScoped, t, iri) {
		return
	}
	switch {
	case strings.HasPrefix(iri, "_:"):
		w.quad(subj, pred, w.blankFor(iri), graph)
	case validIRI(iri):
		w.quad(subj, pred, rdf.Term{Kind: rdf.IRI, Value: iri}, graph)
	case iri != "" && hasScheme(iri):
		w.problem(ErrInvalidIRI, t, "type IRI")
	default:
		w.problem(ErrUndefinedType, t, "")
	}
}

// valueObject converts a value object.
func (w *walker) valueObject(typeScoped *activeCtx, es []entry, s *sink) kind {
	var val any
	var dt, lang string
	hasType, hasLang, bad := false, false, false
	for _, e := range es {
		w.push(e.key)
		switch e.iri {
		case "@value":
			val = e.val
		case "@type":
			ts, ok := e.val.(string)
			if !ok {
				w.problem(ErrInvalidValueObject, "", "invalid typed value: @type is not a string")
				bad = true
				break
			}
			hasType = true
			dt = typeScoped.expandIRI(ts, true, true)
			if dt != "@json" && !validIRI(dt) {
				w.problem(ErrInvalidValueObject, ts, "invalid typed value: datatype is not an absolute IRI")
				bad = true
			}
		case "@language":
			ls, ok := e.val.(string)
			if !ok {
				w.problem(ErrInvalidLanguage, "", "@language is not a string")
				bad = true
				break
			}
			hasLang = true
			lang = strings.ToLower(ls)
			if !validLanguage(lang) {
				w.problem(ErrInvalidLanguage, ls, "")
				bad = true
			}
		case "@index":
			w.problem(ErrDroppedValue, e.key, "@index is not represented in RDF")
			bad = true
		case "@direction":
			w.setFatal(&UnsupportedError{Feature: "@direction"})
			bad = true
		default:
			w.problem(ErrInvalidValueObject, e.key, "unexpected entry in a value object")
			bad = true
		}
		w.pop()
	}
	if hasType && hasLang {
		w.problem(ErrInvalidValueObject, "", "value object has both @type and @language")
		return kNone
	}
	if bad {
		return kNone
	}
	var t rdf.Term
	var k kind
	if dt == "@json" {
		t, k = w.jsonLiteral(val)
	} else {
		switch val.(type) {
		case nil:
			return kNone
		case string, bool, json.Number, float64, int, int64:
		default:
			w.problem(ErrInvalidValueObject, "", "@value is not a scalar")
			return kNone
		}
		if hasLang {
			vs, ok := val.(string)
			if !ok {
				w.problem(ErrInvalidValueObject, "", "language-tagged value is not a string")
				return kNone
			}
			t, k = rdf.Term{Kind: rdf.Literal, Value: vs, Datatype: rdf.RDFLangString, Language: lang}, kValue
		} else {
			t, k = w.literal(val, dt)
		}
	}
	if k == kNone {
		return kNone
	}
	w.emit(s, t)
	return kValue
}

// listObject converts a list object.
func (w *walker) listObject(a *activeCtx, prop propRef, es []entry, listAt int, s *sink, graph rdf.Term, depth int) kind {
	for _, e := range es {
		switch e.iri {
		case "@list":
		case "@index":
			w.push(e.key)
			w.problem(ErrDroppedValue, e.key, "@index is not represented in RDF")
			w.pop()
		default:
			w.push(e.key)
			w.problem(ErrInvalidList, e.key, "a list object may only contain @list and @index")
			w.pop()
		}
	}
	if s.mode == sinkTop || s.mode == sinkIncluded {
		w.problem(ErrDroppedValue, "", "free-floating list")
		return kNone
	}
	if s.reverse {
		w.problem(ErrInvalidReverse, "", "a reverse property value cannot be a list")
		return kNone
	}
	w.push(es[listAt].key)
	if es[listAt].val == nil {
		// json-gold fails on this; refuse rather than differ.
		w.problem(ErrInvalidList, es[listAt].key, "@list with a null value")
		w.pop()
		return kNone
	}
	head := w.buildList(a, prop, es[listAt].val, graph, depth+1)
	w.pop()
	w.emit(s, head)
	return kList
}

// buildList expands the items of a list and writes its rdf:first/rest
// chain into graph, returning the head.
func (w *walker) buildList(a *activeCtx, prop propRef, v any, graph rdf.Term, depth int) rdf.Term {
	col := sink{mode: sinkCollect}
	items, isArr := v.([]any)
	if !isArr {
		items = []any{v}
	}
	if !w.tick(depth) {
		return rdf.Term{}
	}
	for i, it := range items {
		if isArr {
			w.pushIdx(i)
		}
		w.listItem(a, prop, it, &col, graph, depth+1)
		if isArr {
			w.pop()
		}
	}
	return w.chain(col.items, graph)
}

// listItem expands one array item for prop. A nested array (or a @set
// object, which expands to an array) is a list of lists only under a
// @list container (Expansion step 5.2.2); elsewhere it is flattened.
func (w *walker) listItem(a *activeCtx, prop propRef, it any, s *sink, graph rdf.Term, depth int) {
	listContainer := prop.def != nil && prop.def.container&cList != 0
	if !listContainer {
		if _, nested := it.([]any); nested && w.p.strict != nil {
			// JSON-LD flattens it; a reader of the JSON sees an array
			// where it expects a value.
			w.problem(ErrStrictForm, prop.term, "an array inside an array")
			return
		}
		w.element(a, prop, it, s, graph, depth)
		return
	}
	switch x := it.(type) {
	case []any:
		w.emit(s, w.buildList(a, prop, x, graph, depth))
	case map[string]any:
		sub := sink{mode: sinkCollect}
		if w.object(a, prop, x, &sub, graph, depth, false) == kSet {
			w.emit(s, w.chain(sub.items, graph))
		} else {
			for _, t := range sub.items {
				w.emit(s, t)
			}
		}
	default:
		w.element(a, prop, it, s, graph, depth)
	}
}

func (w *walker) chain(items []rdf.Term, graph rdf.Term) rdf.Term {
	nilT := rdf.Term{Kind: rdf.IRI, Value: rdfNil}
	if len(items) == 0 {
		return nilT
	}
	first := rdf.Term{Kind: rdf.IRI, Value: rdfFirst}
	rest := rdf.Term{Kind: rdf.IRI, Value: rdfRest}
	head := w.freshBlank()
	cur := head
	for i, it := range items {
		w.quad(cur, first, it, graph)
		next := nilT
		if i < len(items)-1 {
			next = w.freshBlank()
		}
		w.quad(cur, rest, next, graph)
		cur = next
	}
	return head
}

// propertyValue expands the value of one property of subj.
func (w *walker) propertyValue(a *activeCtx, key string, def *termDef, iri string, reverse bool, v any, subj, graph rdf.Term, depth int) {
	if def != nil && def.reverse && def.hasCtx {
		w.setFatal(&UnsupportedError{Feature: "scoped context on a reverse property"})
		return
	}
	s := sink{mode: sinkProp, subj: subj, pred: rdf.Term{Kind: rdf.IRI, Value: iri}, graph: graph, reverse: reverse}
	prop := propRef{term: key, def: def}
	if w.p.strict != nil && w.p.strict.embedded[key] {
		w.embedded++
		defer func() { w.embedded-- }()
	}
	if def != nil && def.typ == "@json" {
		if t, k := w.jsonLiteral(v); k != kNone {
			w.emit(&s, t)
		}
		return
	}
	var c container
	if def != nil {
		c = def.container
	}
	if c&(cLanguage|cIndex|cID|cType) != 0 {
		if _, isMap := v.(map[string]any); isMap {
			w.setFatal(&UnsupportedError{Feature: "language, index, id or type map"})
			return
		}
	}
	switch {
	case c&cList != 0:
		if v == nil {
			return
		}
		if reverse {
			w.problem(ErrInvalidReverse, key, "a reverse property value cannot be a list")
			return
		}
		switch x := v.(type) {
		case []any:
			w.emit(&s, w.buildList(a, prop, x, graph, depth))
		case map[string]any:
			col := sink{mode: sinkCollect}
			switch w.object(a, prop, x, &col, graph, depth, false) {
			case kNone:
			case kList:
				w.emit(&s, col.items[0])
			default:
				w.emit(&s, w.chain(col.items, graph))
			}
		default:
			col := sink{mode: sinkCollect}
			if w.element(a, prop, x, &col, graph, depth) != kNone {
				w.emit(&s, w.chain(col.items, graph))
			}
		}
	case c&cGraph != 0:
		if c&(cID|cIndex) != 0 {
			w.setFatal(&UnsupportedError{Feature: "graph id or index map"})
			return
		}
		w.graphValues(a, prop, v, &s, graph, depth)
	default:
		w.element(a, prop, v, &s, graph, depth)
	}
}

// graphValues handles a @container: @graph property: each value becomes a
// named graph with a fresh blank node name.
func (w *walker) graphValues(a *activeCtx, prop propRef, v any, s *sink, graph rdf.Term, depth int) {
	switch x := v.(type) {
	case nil:
		return
	case []any:
		if !w.tick(depth) {
			return
		}
		for i, it := range x {
			w.pushIdx(i)
			w.graphValues(a, prop, it, s, graph, depth+1)
			w.pop()
		}
		return
	case map[string]any:
		for k := range x {
			if k == "@set" || a.expandKey(k) == "@set" {
				w.setFatal(&UnsupportedError{Feature: "@set object in a graph container"})
				return
			}
		}
	}
	g := w.freshBlank()
	gs := sink{mode: sinkTop}
	if w.element(a, prop, v, &gs, g, depth) != kNone {
		w.emit(s, g)
	}
}

// onlyID reports whether m (ignoring @context) has a single key, expanding
// to @id.
func onlyID(a *activeCtx, m map[string]any) bool {
	n := 0
	id := false
	for k := range m {
		if k == "@context" {
			continue
		}
		n++
		id = a.expandKey(k) == "@id"
	}
	return n == 1 && id
}
