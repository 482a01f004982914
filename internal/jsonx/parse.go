// Package jsonx is the strict JSON reader used for everything the library
// verifies. Unlike encoding/json it rejects duplicate object keys, invalid
// UTF-8 and unpaired surrogate escapes, keeps numbers exact as json.Number,
// and enforces size, depth and member-count limits, so that the value a
// verifier looks at can never disagree with the bytes that were signed.
//
// Parse returns the generic tree (map[string]any, []any, string, json.Number,
// bool, nil) that the JSON-LD layer consumes. Objects keep no member order;
// callers that need the original bytes keep them beside the tree.
package jsonx

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Default limits, generous for real credentials (a credential with an
// embedded PNG image as a data: URL is well under a megabyte).
const (
	DefaultMaxBytes   = 8 << 20
	DefaultMaxDepth   = 64
	DefaultMaxMembers = 200_000
)

// Limits bounds the work of one Parse. A zero field means its default.
type Limits struct {
	MaxBytes   int // input size in bytes
	MaxDepth   int // nesting depth of objects and arrays
	MaxMembers int // total object members plus array elements
}

func (l *Limits) withDefaults() Limits {
	var o Limits
	if l != nil {
		o = *l
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.MaxMembers <= 0 {
		o.MaxMembers = DefaultMaxMembers
	}
	return o
}

// Sentinel errors; every error Parse returns is a *SyntaxError whose Is
// matches one of them.
var (
	ErrSyntax       = errors.New("jsonx: invalid JSON")
	ErrDuplicateKey = errors.New("jsonx: duplicate object key")
	ErrInvalidUTF8  = errors.New("jsonx: invalid UTF-8")
	ErrTooLarge     = errors.New("jsonx: input too large")
	ErrTooDeep      = errors.New("jsonx: nesting too deep")
	ErrTooMany      = errors.New("jsonx: too many members")
)

// SyntaxError reports where parsing failed. Offset is the byte offset in the
// input; Path is the JSON path of the member being read ($ is the root).
type SyntaxError struct {
	Kind   error // one of the sentinels above
	Offset int
	Path   string
	Msg    string
}

func (e *SyntaxError) Error() string {
	p := e.Path
	if p == "" {
		p = "$"
	}
	return fmt.Sprintf("%v at %s (offset %d): %s", e.Kind, p, e.Offset, e.Msg)
}

// Is makes errors.Is(err, ErrDuplicateKey) and the like work.
func (e *SyntaxError) Is(target error) bool { return target == e.Kind }

// Unwrap returns the sentinel.
func (e *SyntaxError) Unwrap() error { return e.Kind }

// Parse reads exactly one JSON value from data (surrounding white space
// allowed) under the given limits (nil means defaults).
func Parse(data []byte, lim *Limits) (any, error) {
	l := lim.withDefaults()
	if len(data) > l.MaxBytes {
		return nil, &SyntaxError{Kind: ErrTooLarge, Msg: fmt.Sprintf("%d bytes, limit %d", len(data), l.MaxBytes)}
	}
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return nil, &SyntaxError{Kind: ErrInvalidUTF8, Offset: off, Msg: "input is not valid UTF-8"}
	}
	// The input is converted to a string once: every string without
	// escapes (most keys and values) is a substring of it, not a copy.
	p := parser{data: data, s: string(data), lim: l}
	p.ws()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.pos != len(p.data) {
		return nil, p.errf(ErrSyntax, "unexpected data after the top-level value")
	}
	return v, nil
}

type parser struct {
	data    []byte
	s       string // data as a string
	pos     int
	lim     Limits
	members int
	path    []pathElem
}

type pathElem struct {
	key   string
	index int // -1 for object members
}

func (p *parser) pathString() string {
	if len(p.path) == 0 {
		return "$"
	}
	b := []byte{'$'}
	for _, e := range p.path {
		if e.index >= 0 {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(e.index), 10)
			b = append(b, ']')
			continue
		}
		b = AppendPathKey(b, e.key)
	}
	return string(b)
}

// AppendPathKey appends the JSONPath step for member key: ".key" when key is
// a plain identifier, otherwise ["key"] with JSON string quoting.
func AppendPathKey(b []byte, key string) []byte {
	plain := key != ""
	for i, r := range key {
		if !(r == '_' || r == '@' || r == '$' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')) {
			plain = false
			break
		}
	}
	if plain {
		return append(append(b, '.'), key...)
	}
	q, _ := json.Marshal(key)
	b = append(b, '[')
	b = append(b, q...)
	return append(b, ']')
}

func (p *parser) errf(kind error, format string, args ...any) error {
	return &SyntaxError{Kind: kind, Offset: p.pos, Path: p.pathString(), Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) ws() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) count() error {
	p.members++
	if p.members > p.lim.MaxMembers {
		return p.errf(ErrTooMany, "more than %d members and elements", p.lim.MaxMembers)
	}
	return nil
}

func (p *parser) value(depth int) (any, error) {
	if p.pos >= len(p.data) {
		return nil, p.errf(ErrSyntax, "unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		if depth >= p.lim.MaxDepth {
			return nil, p.errf(ErrTooDeep, "deeper than %d levels", p.lim.MaxDepth)
		}
		return p.object(depth + 1)
	case c == '[':
		if depth >= p.lim.MaxDepth {
			return nil, p.errf(ErrTooDeep, "deeper than %d levels", p.lim.MaxDepth)
		}
		return p.array(depth + 1)
	case c == '"':
		return p.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	default:
		return nil, p.errf(ErrSyntax, "unexpected character %q", rune(c))
	}
}

func (p *parser) literal(word string) error {
	if len(p.data)-p.pos < len(word) || string(p.data[p.pos:p.pos+len(word)]) != word {
		return p.errf(ErrSyntax, "invalid literal, expected %s", word)
	}
	p.pos += len(word)
	return nil
}

func (p *parser) object(depth int) (any, error) {
	p.pos++ // {
	m := make(map[string]any)
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return m, nil
	}
	for {
		p.ws()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.errf(ErrSyntax, "expected a string key")
		}
		keyStart := p.pos
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		if _, dup := m[k]; dup {
			p.path = append(p.path, pathElem{key: k, index: -1})
			e := &SyntaxError{Kind: ErrDuplicateKey, Offset: keyStart, Path: p.pathString(), Msg: fmt.Sprintf("key %q appears twice", k)}
			return nil, e
		}
		if err := p.count(); err != nil {
			return nil, err
		}
		p.ws()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.errf(ErrSyntax, "expected ':' after object key")
		}
		p.pos++
		p.ws()
		p.path = append(p.path, pathElem{key: k, index: -1})
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		p.path = p.path[:len(p.path)-1]
		m[k] = v
		p.ws()
		if p.pos >= len(p.data) {
			return nil, p.errf(ErrSyntax, "unterminated object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return m, nil
		default:
			return nil, p.errf(ErrSyntax, "expected ',' or '}' in object")
		}
	}
}

func (p *parser) array(depth int) (any, error) {
	p.pos++ // [
	a := make([]any, 0, 4)
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return a, nil
	}
	for {
		p.ws()
		if err := p.count(); err != nil {
			return nil, err
		}
		p.path = append(p.path, pathElem{index: len(a)})
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		p.path = p.path[:len(p.path)-1]
		a = append(a, v)
		p.ws()
		if p.pos >= len(p.data) {
			return nil, p.errf(ErrSyntax, "unterminated array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return a, nil
		default:
			return nil, p.errf(ErrSyntax, "expected ',' or ']' in array")
		}
	}
}

func (p *parser) number() (any, error) {
	start := p.pos
	d := p.data
	i := p.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		p.pos = i
		return nil, p.errf(ErrSyntax, "invalid number")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			p.pos = i
			return nil, p.errf(ErrSyntax, "invalid number: digit expected after '.'")
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			p.pos = i
			return nil, p.errf(ErrSyntax, "invalid number: digit expected in exponent")
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	p.pos = i
	return json.Number(d[start:i]), nil
}

// str reads a string starting at the opening quote.
func (p *parser) str() (string, error) {
	p.pos++ // opening quote
	start := p.pos
	d := p.data
	// Fast path: no escapes.
	for i := start; i < len(d); i++ {
		c := d[i]
		if c == '"' {
			p.pos = i + 1
			return p.s[start:i], nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			p.pos = i
			return "", p.errf(ErrSyntax, "control character U+%04X in string", c)
		}
	}
	buf := make([]byte, 0, 32)
	i := start
	for {
		if i >= len(d) {
			p.pos = i
			return "", p.errf(ErrSyntax, "unterminated string")
		}
		c := d[i]
		switch {
		case c == '"':
			p.pos = i + 1
			return string(buf), nil
		case c < 0x20:
			p.pos = i
			return "", p.errf(ErrSyntax, "control character U+%04X in string", c)
		case c != '\\':
			buf = append(buf, c)
			i++
			continue
		}
		// escape
		if i+1 >= len(d) {
			p.pos = i
			return "", p.errf(ErrSyntax, "unterminated escape")
		}
		e := d[i+1]
		i += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := hex4(d, i)
			if !ok {
				p.pos = i
				return "", p.errf(ErrSyntax, "invalid \\u escape")
			}
			i += 4
			if utf16.IsSurrogate(rune(r)) {
				if r >= 0xDC00 || i+6 > len(d) || d[i] != '\\' || d[i+1] != 'u' {
					p.pos = i
					return "", p.errf(ErrInvalidUTF8, "unpaired surrogate \\u%04X", r)
				}
				r2, ok := hex4(d, i+2)
				if !ok || r2 < 0xDC00 || r2 > 0xDFFF {
					p.pos = i
					return "", p.errf(ErrInvalidUTF8, "unpaired surrogate \\u%04X", r)
				}
				i += 6
				buf = utf8.AppendRune(buf, utf16.DecodeRune(rune(r), rune(r2)))
				continue
			}
			buf = utf8.AppendRune(buf, rune(r))
		default:
			p.pos = i - 1
			return "", p.errf(ErrSyntax, "invalid escape \\%c", e)
		}
	}
}

func hex4(d []byte, i int) (uint16, bool) {
	if i+4 > len(d) {
		return 0, false
	}
	var v uint16
	for _, c := range d[i : i+4] {
		v <<= 4
		switch {
		case c >= '0' && c <= '9':
			v |= uint16(c - '0')
		case c >= 'a' && c <= 'f':
			v |= uint16(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			v |= uint16(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return v, true
}
