package rdf

import (
	"unicode/utf8"
)

// Validate reports whether t is a well-formed term that N-Quads can
// represent: an absolute IRI made of allowed characters, a blank node label
// matching BLANK_NODE_LABEL, or a literal whose lexical form is valid UTF-8,
// whose language tag matches LANGTAG and whose datatype is a valid IRI.
// The error is a *[TermError].
func (t Term) Validate() error {
	if msg := t.check(); msg != "" {
		return &TermError{Msg: msg}
	}
	return nil
}

// Validate checks the kinds allowed in each position (subject: IRI or blank
// node; predicate: IRI; object: any term; graph: None, IRI or blank node) and
// validates each term. The error is a *[TermError].
func (q Quad) Validate() error {
	if err := checkSlot("subject", &q.Subject, 1<<IRI|1<<BlankNode); err != nil {
		return err
	}
	if err := checkSlot("predicate", &q.Predicate, 1<<IRI); err != nil {
		return err
	}
	if err := checkSlot("object", &q.Object, 1<<IRI|1<<BlankNode|1<<Literal); err != nil {
		return err
	}
	return checkSlot("graph", &q.Graph, 1<<None|1<<IRI|1<<BlankNode)
}

// checkSlot validates t in position pos, where allowed is a bit set of Kinds.
func checkSlot(pos string, t *Term, allowed uint) error {
	if t.Kind > Literal || allowed&(1<<t.Kind) == 0 {
		return &TermError{Position: pos, Msg: t.Kind.String() + " not allowed here"}
	}
	if t.Kind == None {
		return nil
	}
	if msg := t.check(); msg != "" {
		return &TermError{Position: pos, Msg: msg}
	}
	return nil
}

// check returns "" when t is valid, else a description of the problem.
func (t *Term) check() string {
	switch t.Kind {
	case IRI:
		return checkIRI(t.Value)
	case BlankNode:
		if !validBlankLabel(t.Value) {
			return "malformed blank node label"
		}
		return ""
	case Literal:
		if !utf8.ValidString(t.Value) {
			return "literal is not valid UTF-8"
		}
		if t.Language != "" {
			if !validLangTag(t.Language) {
				return "malformed language tag"
			}
			return ""
		}
		if t.Datatype != "" && t.Datatype != XSDString {
			if msg := checkIRI(t.Datatype); msg != "" {
				return "datatype: " + msg
			}
		}
		return ""
	case None:
		return "missing term"
	}
	return "unknown kind"
}

// iriForbidden reports the characters IRIREF never allows unescaped, and
// which this package also refuses when they arrive through a UCHAR escape:
// U+0000 to U+0020 and < > " { } | ^ ` \.
func iriForbidden(c rune) bool {
	switch {
	case c < 0:
		return false
	case c < 64:
		return iriForbiddenLo>>c&1 != 0
	case c < 128:
		return iriForbiddenHi>>(c-64)&1 != 0
	}
	return false
}

// Bit masks of the characters iriForbidden reports, for 0-63 and 64-127.
const (
	iriForbiddenLo = 0x50000005ffffffff
	iriForbiddenHi = 0x3800000150000000
)

// checkIRI validates an unescaped IRI value.
func checkIRI(s string) string {
	if !utf8.ValidString(s) {
		return "IRI is not valid UTF-8"
	}
	for i := 0; i < len(s); i++ {
		if iriForbidden(rune(s[i])) {
			return "IRI contains a forbidden character"
		}
	}
	if !hasScheme(s) {
		return "IRI is not absolute"
	}
	return ""
}

// hasScheme reports whether s starts with scheme ":" (RFC 3987).
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

// validLangTag matches LANGTAG without the '@': [a-zA-Z]+ ('-' [a-zA-Z0-9]+)*.
func validLangTag(s string) bool {
	n := langTagLen(s)
	return n > 0 && n == len(s)
}

// langTagLen returns the length of the longest LANGTAG body at the start of
// s, or 0 when there is none.
func langTagLen(s string) int {
	i := 0
	for i < len(s) && isAlpha(s[i]) {
		i++
	}
	if i == 0 {
		return 0
	}
	for i < len(s) && s[i] == '-' {
		j := i + 1
		for j < len(s) && (isAlpha(s[j]) || isDigit(s[j])) {
			j++
		}
		if j == i+1 {
			break
		}
		i = j
	}
	return i
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// pnCharsBase reports PN_CHARS_BASE.
func pnCharsBase(r rune) bool {
	switch {
	case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		return true
	case r < 0xC0:
		return false
	case r <= 0xD6, r >= 0xD8 && r <= 0xF6, r >= 0xF8 && r <= 0x2FF,
		r >= 0x370 && r <= 0x37D, r >= 0x37F && r <= 0x1FFF,
		r >= 0x200C && r <= 0x200D, r >= 0x2070 && r <= 0x218F,
		r >= 0x2C00 && r <= 0x2FEF, r >= 0x3001 && r <= 0xD7FF,
		r >= 0xF900 && r <= 0xFDCF, r >= 0xFDF0 && r <= 0xFFFD,
		r >= 0x10000 && r <= 0xEFFFF:
		return true
	}
	return false
}

// pnCharsU reports PN_CHARS_U (N-Triples: PN_CHARS_BASE | '_' | ':').
func pnCharsU(r rune) bool { return r == '_' || r == ':' || pnCharsBase(r) }

// pnChars reports PN_CHARS.
func pnChars(r rune) bool {
	return pnCharsU(r) || r == '-' || r >= '0' && r <= '9' || r == 0xB7 ||
		r >= 0x300 && r <= 0x36F || r >= 0x203F && r <= 0x2040
}

// blankLabelLen returns the length in bytes of the longest BLANK_NODE_LABEL
// body (after "_:") at the start of s, or 0 when there is none.
func blankLabelLen(s string) int {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || r == utf8.RuneError && n == 1 || !(pnCharsU(r) || r >= '0' && r <= '9') {
		return 0
	}
	end := n // end of the label so far (never after a '.')
	i := n
	for i < len(s) {
		r, n = utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			break
		}
		if r == '.' {
			i += n
			continue
		}
		if !pnChars(r) {
			break
		}
		i += n
		end = i
	}
	return end
}

// validBlankLabel reports whether s is a whole BLANK_NODE_LABEL body.
func validBlankLabel(s string) bool {
	n := blankLabelLen(s)
	return n > 0 && n == len(s)
}
