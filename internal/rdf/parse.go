package rdf

import (
	"strings"
	"unicode/utf8"
)

// Default limits used by [ParseNQuads] and by zero fields of [ParseOptions].
const (
	DefaultMaxBytes     = 16 << 20  // 16 MiB of input
	DefaultMaxQuads     = 1_000_000 // statements
	DefaultMaxLineBytes = 4 << 20   // 4 MiB per line (room for data: URLs)
)

// ParseOptions bounds the work [ParseNQuadsOptions] does. A zero field takes
// the matching Default* value; a negative field disables that limit.
type ParseOptions struct {
	MaxBytes     int // maximum input size in bytes
	MaxQuads     int // maximum number of statements
	MaxLineBytes int // maximum length of one line in bytes, excluding the end of line
}

func limit(v, def int) int {
	switch {
	case v == 0:
		return def
	case v < 0:
		return int(^uint(0) >> 1)
	}
	return v
}

// ParseNQuads parses an RDF 1.1 N-Quads document with the default limits.
// See [ParseNQuadsOptions].
func ParseNQuads(data []byte) ([]Quad, error) {
	return ParseNQuadsOptions(data, nil)
}

// ParseNQuadsOptions parses an RDF 1.1 N-Quads document
// (https://www.w3.org/TR/n-quads/) within the limits in opts (nil means the
// defaults).
//
// Comments, blank lines, spaces and tabs, and CR, LF or CRLF line ends are
// accepted. \u and \U escapes (UCHAR) are decoded in IRIs and literals, and
// ECHAR escapes in literals. Plain literals get datatype [XSDString] and
// language-tagged ones [RDFLangString]. The parser is strict: the input must
// be valid UTF-8, IRIs must be absolute and may not contain, even escaped,
// a character that IRIREF forbids; escapes must denote Unicode scalar
// values. Duplicate statements are kept.
//
// The error is a *[SyntaxError] (errors.Is(err, [ErrSyntax])) or a
// *[LimitError] (errors.Is(err, [ErrLimit])). The returned terms may share
// memory with one copy of data; data itself is not retained.
func ParseNQuadsOptions(data []byte, opts *ParseOptions) ([]Quad, error) {
	var o ParseOptions
	if opts != nil {
		o = *opts
	}
	maxBytes := limit(o.MaxBytes, DefaultMaxBytes)
	maxQuads := limit(o.MaxQuads, DefaultMaxQuads)
	maxLine := limit(o.MaxLineBytes, DefaultMaxLineBytes)
	if len(data) > maxBytes {
		return nil, &LimitError{Limit: "input bytes", Max: maxBytes}
	}

	// Lines can be found before parsing: no token may contain CR or LF.
	estimate := 1
	for _, c := range data {
		if c == '\n' {
			estimate++
		}
	}
	if estimate > maxQuads {
		estimate = maxQuads
	}
	quads := make([]Quad, 0, estimate)

	s := string(data)
	p := parser{}
	for pos := 0; pos < len(s); {
		end := strings.IndexAny(s[pos:], "\r\n")
		if end < 0 {
			end = len(s)
		} else {
			end += pos
		}
		p.line++
		if end-pos > maxLine {
			return nil, &LimitError{Limit: "line bytes", Max: maxLine, Line: p.line}
		}
		p.s, p.i = s[pos:end], 0
		if !utf8.ValidString(p.s) {
			return nil, p.errAt(invalidUTF8At(p.s), "invalid UTF-8")
		}
		q, ok, err := p.statement()
		if err != nil {
			return nil, err
		}
		if ok {
			if len(quads) >= maxQuads {
				return nil, &LimitError{Limit: "quads", Max: maxQuads, Line: p.line}
			}
			quads = append(quads, q)
		}
		// One line end: CRLF, CR or LF.
		pos = end
		if pos < len(s) && s[pos] == '\r' {
			pos++
		}
		if pos < len(s) && s[pos] == '\n' {
			pos++
		}
	}
	return quads, nil
}

// parser parses one line at a time. s is the line without its end.
type parser struct {
	s    string
	i    int
	line int
	sb   []byte // scratch for unescaping
}

func (p *parser) errAt(i int, msg string) error {
	return &SyntaxError{Line: p.line, Col: i + 1, Msg: msg}
}

func (p *parser) skipWS() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// statement parses one line. ok is false for a blank or comment-only line.
func (p *parser) statement() (q Quad, ok bool, err error) {
	p.skipWS()
	if p.i == len(p.s) || p.s[p.i] == '#' {
		return q, false, nil
	}
	if q.Subject, err = p.term("subject", true, false); err != nil {
		return q, false, err
	}
	p.skipWS()
	if q.Predicate, err = p.term("predicate", false, false); err != nil {
		return q, false, err
	}
	p.skipWS()
	if q.Object, err = p.term("object", true, true); err != nil {
		return q, false, err
	}
	p.skipWS()
	if p.i < len(p.s) && p.s[p.i] != '.' {
		if q.Graph, err = p.term("graph label", true, false); err != nil {
			return q, false, err
		}
		p.skipWS()
	}
	if p.i >= len(p.s) || p.s[p.i] != '.' {
		return q, false, p.errAt(p.i, "expected '.' at end of statement")
	}
	p.i++
	p.skipWS()
	if p.i < len(p.s) && p.s[p.i] != '#' {
		return q, false, p.errAt(p.i, "unexpected text after '.'")
	}
	return q, true, nil
}

// term parses an IRI, or a blank node if blank, or a literal if literal.
func (p *parser) term(what string, blank, literal bool) (Term, error) {
	if p.i >= len(p.s) {
		return Term{}, p.errAt(p.i, "missing "+what)
	}
	switch c := p.s[p.i]; {
	case c == '<':
		v, err := p.iri()
		return Term{Kind: IRI, Value: v}, err
	case c == '_' && blank:
		return p.blank()
	case c == '"' && literal:
		return p.literal()
	}
	return Term{}, p.errAt(p.i, "expected "+what)
}

// iri parses IRIREF starting at '<' and returns the unescaped value.
func (p *parser) iri() (string, error) {
	start := p.i
	p.i++
	s := p.s
	escaped := false
	j := p.i
	for ; j < len(s) && s[j] != '>'; j++ {
		c := s[j]
		if c == '\\' {
			escaped = true
			continue
		}
		if iriForbidden(rune(c)) {
			return "", p.errAt(j, "character not allowed in IRI")
		}
	}
	if j >= len(s) {
		return "", p.errAt(start, "unterminated IRI")
	}
	raw := s[p.i:j]
	v := raw
	if escaped {
		p.sb = p.sb[:0]
		for k := 0; k < len(raw); {
			if raw[k] != '\\' {
				p.sb = append(p.sb, raw[k])
				k++
				continue
			}
			r, n, msg := unescape(raw[k:], false)
			if msg != "" {
				return "", p.errAt(p.i+k, msg)
			}
			if iriForbidden(r) {
				return "", p.errAt(p.i+k, "escape denotes a character not allowed in IRI")
			}
			p.sb = utf8.AppendRune(p.sb, r)
			k += n
		}
		v = string(p.sb)
	}
	if !hasScheme(v) {
		return "", p.errAt(start, "relative IRI not allowed")
	}
	p.i = j + 1
	return v, nil
}

// unescape decodes the escape at the start of s (s[0] == '\\'), returning
// the rune and the bytes consumed, or an error message. echar allows the
// ECHAR forms as well as UCHAR.
func unescape(s string, echar bool) (rune, int, string) {
	if len(s) < 2 {
		return 0, 0, "incomplete escape"
	}
	var digits int
	switch s[1] {
	case 'u':
		digits = 4
	case 'U':
		digits = 8
	default:
		if echar {
			switch s[1] {
			case 't':
				return '\t', 2, ""
			case 'b':
				return '\b', 2, ""
			case 'n':
				return '\n', 2, ""
			case 'r':
				return '\r', 2, ""
			case 'f':
				return '\f', 2, ""
			case '"':
				return '"', 2, ""
			case '\'':
				return '\'', 2, ""
			case '\\':
				return '\\', 2, ""
			}
		}
		return 0, 0, "invalid escape sequence"
	}
	if len(s) < 2+digits {
		return 0, 0, "incomplete \\" + s[1:2] + " escape"
	}
	var r rune
	for k := 2; k < 2+digits; k++ {
		c := s[k]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, 0, "invalid hex digit in \\" + s[1:2] + " escape"
		}
		r = r<<4 | rune(d)
	}
	if r > utf8.MaxRune || r >= 0xD800 && r <= 0xDFFF {
		return 0, 0, "escape is not a Unicode scalar value"
	}
	return r, 2 + digits, ""
}

// blank parses BLANK_NODE_LABEL starting at '_'.
func (p *parser) blank() (Term, error) {
	start := p.i
	if p.i+1 >= len(p.s) || p.s[p.i+1] != ':' {
		return Term{}, p.errAt(start, "expected ':' after '_'")
	}
	rest := p.s[p.i+2:]
	n := blankLabelLen(rest)
	if n == 0 {
		return Term{}, p.errAt(start+2, "malformed blank node label")
	}
	p.i += 2 + n
	// A label may be followed only by whitespace or the next token.
	if p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '<', '_', '"', '.', '#':
		default:
			return Term{}, p.errAt(p.i, "malformed blank node label")
		}
	}
	return Term{Kind: BlankNode, Value: rest[:n]}, nil
}

// literal parses a literal starting at '"'.
func (p *parser) literal() (Term, error) {
	start := p.i
	s := p.s
	j := p.i + 1
	escaped := false
	for ; j < len(s) && s[j] != '"'; j++ {
		if s[j] == '\\' {
			escaped = true
			j++ // skip the escaped byte; a '"' there does not end the literal
		}
	}
	if j >= len(s) {
		return Term{}, p.errAt(start, "unterminated literal")
	}
	raw := s[p.i+1 : j]
	v := raw
	if escaped {
		p.sb = p.sb[:0]
		for k := 0; k < len(raw); {
			if raw[k] != '\\' {
				p.sb = append(p.sb, raw[k])
				k++
				continue
			}
			r, n, msg := unescape(raw[k:], true)
			if msg != "" {
				return Term{}, p.errAt(p.i+1+k, msg)
			}
			p.sb = utf8.AppendRune(p.sb, r)
			k += n
		}
		v = string(p.sb)
	}
	p.i = j + 1
	t := Term{Kind: Literal, Value: v, Datatype: XSDString}
	if p.i < len(s) {
		switch s[p.i] {
		case '@':
			n := langTagLen(s[p.i+1:])
			if n == 0 {
				return Term{}, p.errAt(p.i, "malformed language tag")
			}
			t.Language = s[p.i+1 : p.i+1+n]
			t.Datatype = RDFLangString
			p.i += 1 + n
			if p.i < len(s) && s[p.i] == '-' {
				return Term{}, p.errAt(p.i, "malformed language tag")
			}
		case '^':
			if p.i+1 >= len(s) || s[p.i+1] != '^' {
				return Term{}, p.errAt(p.i, "expected '^^'")
			}
			p.i += 2
			if p.i >= len(s) || s[p.i] != '<' {
				return Term{}, p.errAt(p.i, "expected datatype IRI after '^^'")
			}
			dt, err := p.iri()
			if err != nil {
				return Term{}, err
			}
			t.Datatype = dt
		}
	}
	return t, nil
}

// invalidUTF8At returns the offset of the first invalid UTF-8 byte in s.
func invalidUTF8At(s string) int {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(s)
}
