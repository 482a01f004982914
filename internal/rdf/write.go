package rdf

const hexUpper = "0123456789ABCDEF"

// litEscape says, for each ASCII byte, how a literal writes it: '-' = as
// is, 'u' = \u00XX, any other byte = a backslash followed by that byte.
const litEscape = "uuuuuuuubtnufruuuuuuuuuuuuuuuuuu--\"-----------------------------" +
	"----------------------------\\----------------------------------u"

// AppendTerm appends the canonical N-Quads form of t to dst.
//
//   - IRI: <value>. Valid IRIs are written verbatim (never UCHAR-escaped, as
//     the canonical form requires). A character IRIREF forbids (U+0000 to
//     U+0020, < > " { } | ^ ` \) can only come from a term that fails
//     [Term.Validate]; it is written as \u00XX so the output stays one
//     statement per line, and the parser rejects it.
//   - BlankNode: _:label, verbatim.
//   - Literal: "lexical form", then @language if Language is set, else
//     ^^<datatype> unless the datatype is empty or XSDString. In the lexical
//     form U+0022 (") and U+005C (\) are written \" and \\; U+0008, U+0009,
//     U+000A, U+000C and U+000D as \b \t \n \f \r; the other characters in
//     U+0000 to U+001F and U+007F as \u00XX with upper-case hex digits;
//     everything else as its UTF-8 bytes.
//   - None (the default graph) appends nothing.
func AppendTerm(dst []byte, t Term) []byte {
	switch t.Kind {
	case IRI:
		return appendIRI(dst, t.Value)
	case BlankNode:
		dst = append(dst, '_', ':')
		return append(dst, t.Value...)
	case Literal:
		dst = append(dst, '"')
		dst = appendLiteralText(dst, t.Value)
		dst = append(dst, '"')
		if t.Language != "" {
			dst = append(dst, '@')
			return append(dst, t.Language...)
		}
		if t.Datatype != "" && t.Datatype != XSDString {
			dst = append(dst, '^', '^')
			return appendIRI(dst, t.Datatype)
		}
		return dst
	}
	return dst
}

func appendIRI(dst []byte, s string) []byte {
	dst = append(dst, '<')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if iriForbidden(rune(c)) {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '0', '0', hexUpper[c>>4], hexUpper[c&0xF])
			start = i + 1
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, '>')
}

func appendLiteralText(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			continue
		}
		e := litEscape[c]
		if e == '-' {
			continue
		}
		dst = append(dst, s[start:i]...)
		if e == 'u' {
			dst = append(dst, '\\', 'u', '0', '0', hexUpper[c>>4], hexUpper[c&0xF])
		} else {
			dst = append(dst, '\\', e)
		}
		start = i + 1
	}
	return append(dst, s[start:]...)
}

// AppendQuad appends q as one canonical N-Quads statement, including the
// terminating " .\n", to dst. The graph is omitted for the default graph.
func AppendQuad(dst []byte, q Quad) []byte {
	dst = AppendTerm(dst, q.Subject)
	dst = append(dst, ' ')
	dst = AppendTerm(dst, q.Predicate)
	dst = append(dst, ' ')
	dst = AppendTerm(dst, q.Object)
	if q.Graph.Kind != None {
		dst = append(dst, ' ')
		dst = AppendTerm(dst, q.Graph)
	}
	return append(dst, ' ', '.', '\n')
}

// String returns the canonical N-Quads form of t (see [AppendTerm]); the
// default graph (Kind None) gives "".
func (t Term) String() string { return string(AppendTerm(nil, t)) }

// String returns q as a canonical N-Quads statement without the trailing
// newline, e.g. `<s> <p> "o" .`.
func (q Quad) String() string {
	b := AppendQuad(nil, q)
	return string(b[:len(b)-1])
}

// SerializeNQuads writes quads, in the order given, as an N-Quads document
// in canonical form (one statement per line, each ending in "\n"). It
// neither sorts nor removes duplicates; the RDFC-1.0 canonicalizer does.
func SerializeNQuads(quads []Quad) []byte {
	n := 0
	for i := range quads {
		q := &quads[i]
		n += len(q.Subject.Value) + len(q.Predicate.Value) + len(q.Object.Value) +
			len(q.Object.Datatype) + len(q.Graph.Value) + 16
	}
	dst := make([]byte, 0, n)
	for i := range quads {
		dst = AppendQuad(dst, quads[i])
	}
	return dst
}
