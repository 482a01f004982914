package jsonld

import (
	"encoding/json"
	"reflect"
	"strings"
)

// container is a set of @container values.
type container uint8

const (
	cSet container = 1 << iota
	cList
	cGraph
	cLanguage
	cIndex
	cID
	cType
)

// termDef is one compiled, immutable term definition.
type termDef struct {
	iri       string // expanded IRI, blank node, keyword, or "" when mapped to null
	iriOK     bool   // iri is an absolute IRI acceptable as a predicate or type
	reverse   bool
	typ       string // type mapping: "", "@id", "@vocab", "@json", "@none" or a datatype IRI
	container container
	hasLang   bool
	lang      string // language mapping (lower case); "" with hasLang means null
	protected bool
	prefix    bool
	hasCtx    bool
	ctx       any    // property- or type-scoped local context, as written
	baseURL   string // base URL for resolving references in ctx
	nest      string
	index     string
}

// sameAs reports whether d and o are the same definition apart from the
// protected flag (JSON-LD 1.1 API, Create Term Definition step 27).
func (d *termDef) sameAs(o *termDef) bool {
	if d.iri != o.iri || d.reverse != o.reverse || d.typ != o.typ || d.container != o.container ||
		d.hasLang != o.hasLang || d.lang != o.lang || d.prefix != o.prefix || d.hasCtx != o.hasCtx ||
		d.nest != o.nest || d.index != o.index {
		return false
	}
	return !d.hasCtx || jsonEqual(d.ctx, o.ctx)
}

// activeCtx is an immutable active context. Processing a local context
// always builds a new activeCtx; compiled contexts are therefore freely
// shared between documents and goroutines.
type activeCtx struct {
	terms     map[string]*termDef
	vocab     string // "" means no vocabulary mapping
	base      string // "" means no base IRI
	origBase  string
	lang      string // default language, lower case; "" means none
	previous  *activeCtx
	protected bool // some term definition is protected
	shared    bool // reached from the root through cacheable steps only
}

// clone returns a mutable copy of a (shared is cleared; the caller decides).
func (a *activeCtx) clone() *activeCtx {
	n := *a
	n.terms = make(map[string]*termDef, len(a.terms)+8)
	for k, v := range a.terms {
		n.terms[k] = v
	}
	n.shared = false
	return &n
}

// keywords lists the JSON-LD 1.1 keywords.
var keywords = map[string]bool{
	"@base": true, "@container": true, "@context": true, "@direction": true, "@graph": true,
	"@id": true, "@import": true, "@included": true, "@index": true, "@json": true,
	"@language": true, "@list": true, "@nest": true, "@none": true, "@prefix": true,
	"@propagate": true, "@protected": true, "@reverse": true, "@set": true, "@type": true,
	"@value": true, "@version": true, "@vocab": true,
}

// isKeyword reports whether s is a JSON-LD 1.1 keyword.
func isKeyword(s string) bool {
	return len(s) > 1 && s[0] == '@' && keywords[s]
}

// hasKeywordForm reports whether s looks like a keyword: "@" followed by
// one or more ASCII letters.
func hasKeywordForm(s string) bool {
	if len(s) < 2 || s[0] != '@' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// hasScheme reports whether s starts with an RFC 3986 scheme and a colon.
func hasScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return true
		default:
			return false
		}
	}
	return false
}

// validIRI reports whether s is an absolute IRI without characters that
// IRIREF forbids (controls, space, <>"{}|^`\).
func validIRI(s string) bool {
	if !hasScheme(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= 0x20 || c == 0x7f {
			return false
		}
		switch c {
		case '<', '>', '"', '{', '}', '|', '^', '`', '\\':
			return false
		}
	}
	return true
}

// endsWithGenDelim reports whether s ends with one of : / ? # [ ] @.
func endsWithGenDelim(s string) bool {
	if s == "" {
		return false
	}
	switch s[len(s)-1] {
	case ':', '/', '?', '#', '[', ']', '@':
		return true
	}
	return false
}

// jsonEqual compares two JSON values, treating numbers by their text.
func jsonEqual(a, b any) bool {
	return reflect.DeepEqual(a, b)
}

// builder holds the state of one Create Term Definition pass over a local
// context (JSON-LD 1.1 API §4.2.2).
type builder struct {
	st        *docState
	result    *activeCtx
	local     map[string]any
	defined   map[string]bool
	baseURL   string
	url       string // remote context URL, for error messages
	protected bool
	override  bool
	remote    []string
}

func (b *builder) fail(term string, reason error, detail string) error {
	return &ContextError{URL: b.url, Term: term, Reason: reason, Detail: detail}
}

// define implements Create Term Definition for term.
func (b *builder) define(term string) error {
	if done, ok := b.defined[term]; ok {
		if done {
			return nil
		}
		return b.fail(term, ErrCyclicIRIMapping, "")
	}
	if term == "" {
		return b.fail(term, ErrInvalidTermDefinition, "empty term")
	}
	b.defined[term] = false
	value := b.local[term]

	if term == "@type" {
		m, ok := value.(map[string]any)
		if !ok || len(m) == 0 {
			return b.fail(term, ErrKeywordRedefinition, "")
		}
		for k, v := range m {
			switch k {
			case "@container":
				if v != "@set" {
					return b.fail(term, ErrKeywordRedefinition, "")
				}
			case "@protected":
			default:
				return b.fail(term, ErrKeywordRedefinition, "")
			}
		}
	} else if isKeyword(term) {
		return b.fail(term, ErrKeywordRedefinition, "")
	} else if hasKeywordForm(term) {
		// Ignored, as the spec requires (a warning in other processors).
		b.defined[term] = true
		return nil
	}

	previous := b.result.terms[term]
	delete(b.result.terms, term)

	simple := false
	var m map[string]any
	switch v := value.(type) {
	case nil:
		m = map[string]any{"@id": nil}
	case string:
		m = map[string]any{"@id": v}
		simple = true
	case map[string]any:
		m = v
	default:
		return b.fail(term, ErrInvalidTermDefinition, "definition is not a string, map or null")
	}

	def := &termDef{protected: b.protected}
	if pv, ok := m["@protected"]; ok {
		p, isBool := pv.(bool)
		if !isBool {
			return b.fail(term, ErrInvalidTermDefinition, "@protected is not a boolean")
		}
		def.protected = p
	}

	if tv, ok := m["@type"]; ok {
		ts, isStr := tv.(string)
		if !isStr {
			return b.fail(term, ErrInvalidTermDefinition, "invalid type mapping")
		}
		t, err := b.expandIRI(ts, false, true)
		if err != nil {
			return err
		}
		switch t {
		case "@id", "@json", "@none", "@vocab":
		default:
			if !hasScheme(t) || strings.HasPrefix(t, "_:") {
				return b.fail(term, ErrInvalidTermDefinition, "invalid type mapping "+ts)
			}
		}
		def.typ = t
	}

	if rv, ok := m["@reverse"]; ok {
		if _, has := m["@id"]; has {
			return b.fail(term, ErrInvalidTermDefinition, "invalid reverse property")
		}
		if _, has := m["@nest"]; has {
			return b.fail(term, ErrInvalidTermDefinition, "invalid reverse property")
		}
		rs, isStr := rv.(string)
		if !isStr {
			return b.fail(term, ErrInvalidTermDefinition, "invalid IRI mapping")
		}
		if hasKeywordForm(rs) {
			// The spec ignores the definition; json-gold rejects it. Refuse.
			return b.fail(term, ErrInvalidTermDefinition, "@reverse value has the form of a keyword")
		}
		iri, err := b.expandIRI(rs, false, true)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(iri, "_:") && !validIRI(iri) {
			return b.fail(term, ErrInvalidTermDefinition, "invalid IRI mapping")
		}
		def.iri = iri
		def.iriOK = validIRI(iri)
		def.reverse = true
		if cv, ok := m["@container"]; ok {
			switch cv {
			case nil:
			case "@set":
				def.container = cSet
			case "@index":
				def.container = cIndex
			default:
				return b.fail(term, ErrInvalidTermDefinition, "invalid reverse property container")
			}
		}
		if iv, ok := m["@index"]; ok {
			s, isStr := iv.(string)
			if !isStr || def.container&cIndex == 0 || isKeyword(s) {
				return b.fail(term, ErrInvalidTermDefinition, "invalid @index")
			}
			def.index = s
		}
		if lv, ok := m["@language"]; ok {
			if _, isStr := lv.(string); !isStr && lv != nil {
				return b.fail(term, ErrInvalidTermDefinition, "invalid language mapping")
			}
		}
		if cv, ok := m["@context"]; ok {
			def.hasCtx, def.ctx, def.baseURL = true, cv, b.baseURL
		}
		if err := b.checkKeys(term, m); err != nil {
			return err
		}
		return b.finish(term, def, previous)
	}

	idv, hasID := m["@id"]
	if hasID && idv != term {
		if idv == nil {
			// Mapped to null: the term is kept only to detect redefinitions.
		} else {
			ids, isStr := idv.(string)
			if !isStr {
				return b.fail(term, ErrInvalidTermDefinition, "invalid IRI mapping")
			}
			if !isKeyword(ids) && hasKeywordForm(ids) {
				b.defined[term] = true
				return nil
			}
			iri, err := b.expandIRI(ids, false, true)
			if err != nil {
				return err
			}
			if !isKeyword(iri) && !strings.HasPrefix(iri, "_:") && !validIRI(iri) {
				return b.fail(term, ErrInvalidTermDefinition, "invalid IRI mapping "+ids)
			}
			if iri == "@context" {
				return b.fail(term, ErrInvalidTermDefinition, "invalid keyword alias")
			}
			def.iri = iri
			c := strings.IndexByte(term, ':')
			if (c > 0 && c < len(term)-1) || strings.Contains(term, "/") {
				b.defined[term] = true
				check, err := b.expandIRI(term, false, true)
				if err != nil {
					return err
				}
				if check != iri {
					return b.fail(term, ErrInvalidTermDefinition, "term looks like an IRI that expands differently")
				}
			}
			if !strings.ContainsAny(term, ":/") && simple && endsWithGenDelim(iri) {
				def.prefix = true
			}
		}
	} else if c := strings.IndexByte(term, ':'); c > 0 {
		prefix, suffix := term[:c], term[c+1:]
		if _, ok := b.local[prefix]; ok {
			if err := b.define(prefix); err != nil {
				return err
			}
		}
		if pd := b.result.terms[prefix]; pd != nil {
			def.iri = pd.iri + suffix
		} else {
			def.iri = term
		}
	} else if strings.Contains(term, "/") {
		iri, err := b.expandIRI(term, false, true)
		if err != nil {
			return err
		}
		if !hasScheme(iri) {
			return b.fail(term, ErrInvalidTermDefinition, "invalid IRI mapping")
		}
		def.iri = iri
	} else if term == "@type" {
		def.iri = "@type"
	} else {
		if b.result.vocab == "" {
			return b.fail(term, ErrInvalidTermDefinition, "no @vocab to define the term")
		}
		def.iri = b.result.vocab + term
	}
	def.iriOK = validIRI(def.iri)

	if cv, ok := m["@container"]; ok {
		c, err := parseContainer(cv)
		if err != nil {
			return b.fail(term, ErrInvalidTermDefinition, err.Error())
		}
		def.container = c
		if c&cType != 0 {
			if def.typ == "" {
				def.typ = "@id"
			} else if def.typ != "@id" && def.typ != "@vocab" {
				return b.fail(term, ErrInvalidTermDefinition, "invalid type mapping for a type map")
			}
		}
	}
	if iv, ok := m["@index"]; ok {
		s, isStr := iv.(string)
		if !isStr || def.container&cIndex == 0 || isKeyword(s) {
			return b.fail(term, ErrInvalidTermDefinition, "invalid @index")
		}
		def.index = s
	}
	if cv, ok := m["@context"]; ok {
		// Validate the scoped context now, as the spec requires; the result
		// is discarded and the context is processed again where it is used.
		if _, err := b.st.process(b.result, cv, b.baseURL, b.remote, true, true, false); err != nil {
			if isFatal(err) {
				return err
			}
			return b.fail(term, ErrInvalidTermDefinition, "invalid scoped context: "+err.Error())
		}
		def.hasCtx = true
		def.ctx = cv
		def.baseURL = b.baseURL
	}
	if lv, ok := m["@language"]; ok {
		if _, hasType := m["@type"]; !hasType {
			switch l := lv.(type) {
			case nil:
				def.hasLang, def.lang = true, ""
			case string:
				def.hasLang, def.lang = true, strings.ToLower(l)
			default:
				return b.fail(term, ErrInvalidTermDefinition, "invalid language mapping")
			}
		}
	}
	if dv, ok := m["@direction"]; ok && dv != nil {
		return &UnsupportedError{Feature: "@direction in term definition " + term}
	}
	if nv, ok := m["@nest"]; ok {
		s, isStr := nv.(string)
		if !isStr || (isKeyword(s) && s != "@nest") {
			return b.fail(term, ErrInvalidTermDefinition, "invalid @nest value")
		}
		def.nest = s
	}
	if pv, ok := m["@prefix"]; ok {
		if strings.ContainsAny(term, ":/") {
			return b.fail(term, ErrInvalidTermDefinition, "@prefix on a compact IRI or IRI term")
		}
		p, isBool := pv.(bool)
		if !isBool {
			return b.fail(term, ErrInvalidTermDefinition, "invalid @prefix value")
		}
		if p && isKeyword(def.iri) {
			return b.fail(term, ErrInvalidTermDefinition, "keyword alias cannot be a prefix")
		}
		def.prefix = p
	}
	if err := b.checkKeys(term, m); err != nil {
		return err
	}
	return b.finish(term, def, previous)
}

func (b *builder) checkKeys(term string, m map[string]any) error {
	for k := range m {
		switch k {
		case "@id", "@reverse", "@container", "@context", "@direction", "@index", "@language",
			"@nest", "@prefix", "@protected", "@type":
		default:
			return b.fail(term, ErrInvalidTermDefinition, "unexpected entry "+k)
		}
	}
	return nil
}

// finish applies the protected-term rule and stores def.
func (b *builder) finish(term string, def, previous *termDef) error {
	if !b.override && previous != nil && previous.protected {
		if !def.sameAs(previous) {
			return b.fail(term, ErrProtectedTermRedefinition, "")
		}
		def = previous
	}
	b.result.terms[term] = def
	if def.protected {
		b.result.protected = true
	}
	b.defined[term] = true
	return nil
}

func parseContainer(v any) (container, error) {
	var c container
	add := func(s any) error {
		switch s {
		case "@set":
			c |= cSet
		case "@list":
			c |= cList
		case "@graph":
			c |= cGraph
		case "@language":
			c |= cLanguage
		case "@index":
			c |= cIndex
		case "@id":
			c |= cID
		case "@type":
			c |= cType
		default:
			return errString("invalid container mapping")
		}
		return nil
	}
	switch x := v.(type) {
	case string:
		if err := add(x); err != nil {
			return 0, err
		}
	case []any:
		for _, s := range x {
			if err := add(s); err != nil {
				return 0, err
			}
		}
	default:
		return 0, errString("invalid container mapping")
	}
	// Allowed combinations (JSON-LD 1.1 API, Create Term Definition 19.2).
	switch {
	case c == cList, c == cSet, c == cGraph, c == cLanguage, c == cIndex, c == cID, c == cType:
	case c&cList != 0:
		return 0, errString("@list cannot be combined")
	case c&cGraph != 0 && c&^(cGraph|cID|cIndex|cSet) == 0 && c&(cID|cIndex) != cID|cIndex:
	case c&cSet != 0 && c&^(cSet|cIndex|cID|cType|cLanguage) == 0 && popcount(c&^cSet) <= 1:
	default:
		return 0, errString("invalid container combination")
	}
	return c, nil
}

func popcount(c container) int {
	n := 0
	for ; c != 0; c &= c - 1 {
		n++
	}
	return n
}

type errString string

func (e errString) Error() string { return string(e) }

// expandIRI is IRI Expansion (JSON-LD 1.1 API §5.2.2) while a local context
// is being processed: terms of the local context are defined on demand.
func (b *builder) expandIRI(value string, docRel, vocab bool) (string, error) {
	if isKeyword(value) {
		return value, nil
	}
	if hasKeywordForm(value) {
		return "", nil
	}
	if _, ok := b.local[value]; ok && !b.defined[value] {
		if err := b.define(value); err != nil {
			return "", err
		}
	}
	if d := b.result.terms[value]; d != nil {
		if isKeyword(d.iri) {
			return d.iri, nil
		}
		if vocab {
			return d.iri, nil
		}
	}
	if c := strings.IndexByte(value, ':'); c > 0 {
		prefix, suffix := value[:c], value[c+1:]
		if prefix == "_" || strings.HasPrefix(suffix, "//") {
			return value, nil
		}
		if _, ok := b.local[prefix]; ok && !b.defined[prefix] {
			if err := b.define(prefix); err != nil {
				return "", err
			}
		}
		if pd := b.result.terms[prefix]; pd != nil && pd.iri != "" && pd.prefix {
			return pd.iri + suffix, nil
		}
		if hasScheme(value) {
			return value, nil
		}
	}
	if vocab && b.result.vocab != "" {
		return b.result.vocab + value, nil
	}
	if docRel && b.result.base != "" {
		return resolveIRI(b.result.base, value), nil
	}
	return value, nil
}

// numberText returns the text of a JSON number value, or "" if v is not one.
func numberText(v any) string {
	if n, ok := v.(json.Number); ok {
		return string(n)
	}
	return ""
}
