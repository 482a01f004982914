package jsonld

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// XSD and RDF datatype IRIs used for native JSON values.
const (
	xsdBoolean = "http://www.w3.org/2001/XMLSchema#boolean"
	xsdInteger = "http://www.w3.org/2001/XMLSchema#integer"
	xsdDouble  = "http://www.w3.org/2001/XMLSchema#double"
	xsdString  = "http://www.w3.org/2001/XMLSchema#string"
	rdfJSON    = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"
	rdfType    = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	rdfFirst   = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
	rdfRest    = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
	rdfNil     = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
)

// numberLexical converts a JSON number to its RDF lexical form following
// JSON-LD 1.1 Object to RDF (§8.6): an integral value whose absolute value
// is below 10^21 is written as an xsd:integer (exactly, from the decimal
// text, never through int64), anything else (or any number when double is
// set, the datatype being xsd:double) as a canonical xsd:double with 16
// significant digits ("1.1E0"). isDouble reports which form was chosen.
func numberLexical(v any, double bool) (lex string, isDouble bool, ok bool) {
	switch n := v.(type) {
	case json.Number:
		return decimalLexical(string(n), double)
	case float64:
		if math.IsInf(n, 0) || math.IsNaN(n) {
			return "", false, false
		}
		if !double && n == math.Trunc(n) && math.Abs(n) < 1e21 {
			if n == 0 {
				return "0", false, true
			}
			return strconv.FormatFloat(n, 'f', -1, 64), false, true
		}
		return canonicalDouble(n), true, true
	case float32:
		return numberLexical(float64(n), double)
	case int:
		return numberLexical(json.Number(strconv.Itoa(n)), double)
	case int64:
		return numberLexical(json.Number(strconv.FormatInt(n, 10)), double)
	case int32:
		return numberLexical(json.Number(strconv.FormatInt(int64(n), 10)), double)
	case uint64:
		return numberLexical(json.Number(strconv.FormatUint(n, 10)), double)
	}
	return "", false, false
}

// decimalLexical handles the text of a JSON number.
func decimalLexical(s string, double bool) (string, bool, bool) {
	neg, intPart, frac, exp, ok := splitNumber(s)
	if !ok {
		return "", false, false
	}
	if !double {
		// digits * 10^e, with digits free of leading and trailing zeros.
		digits := strings.TrimLeft(intPart+frac, "0")
		if digits == "" {
			return "0", false, true
		}
		e := -len(frac)
		t := strings.TrimRight(digits, "0")
		e += len(digits) - len(t)
		digits = t
		expVal, small := parseSmallInt(exp)
		if small {
			e += expVal
			if e >= 0 && len(digits)+e <= 21 {
				var b strings.Builder
				if neg {
					b.WriteByte('-')
				}
				b.WriteString(digits)
				for i := 0; i < e; i++ {
					b.WriteByte('0')
				}
				return b.String(), false, true
			}
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return "", false, false
	}
	return canonicalDouble(f), true, true
}

// splitNumber checks JSON number syntax and returns its parts.
func splitNumber(s string) (neg bool, intPart, frac, exp string, ok bool) {
	i := 0
	if i < len(s) && s[i] == '-' {
		neg = true
		i++
	}
	st := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	intPart = s[st:i]
	if intPart == "" || (len(intPart) > 1 && intPart[0] == '0') {
		return
	}
	if i < len(s) && s[i] == '.' {
		i++
		st = i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		frac = s[st:i]
		if frac == "" {
			return
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		st = i
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		ds := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == ds {
			return
		}
		exp = s[st:i]
	}
	ok = i == len(s)
	return
}

// parseSmallInt parses an optional exponent; small is false when its
// magnitude exceeds 10^6 (the value is then out of integer range anyway).
func parseSmallInt(s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		s = s[1:]
	}
	s = strings.TrimLeft(s, "0")
	if len(s) > 6 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// canonicalDouble writes f as mantissa "E" exponent with at most 16
// significant digits, trailing zeros removed but one kept after the point,
// no "+" and no leading zeros in the exponent: 1.1E0, 1.0E21, 0.0E0.
func canonicalDouble(f float64) string {
	b := strconv.AppendFloat(make([]byte, 0, 24), f, 'E', 15, 64)
	e := 0
	for e < len(b) && b[e] != 'E' {
		e++
	}
	m := b[:e]
	end := len(m)
	for end > 0 && m[end-1] == '0' && m[end-2] != '.' {
		end--
	}
	out := make([]byte, 0, 24)
	out = append(out, m[:end]...)
	out = append(out, 'E')
	x := b[e+1:]
	if len(x) > 0 && (x[0] == '+' || x[0] == '-') {
		if x[0] == '-' {
			out = append(out, '-')
		}
		x = x[1:]
	}
	for len(x) > 1 && x[0] == '0' {
		x = x[1:]
	}
	out = append(out, x...)
	return string(out)
}

// validLanguage reports whether tag is a well-formed BCP 47 tag in the
// simplified form [a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*.
func validLanguage(tag string) bool {
	parts := strings.Split(tag, "-")
	for i, p := range parts {
		if len(p) < 1 || len(p) > 8 {
			return false
		}
		for j := 0; j < len(p); j++ {
			c := p[j]
			alpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
			if !alpha && (i == 0 || c < '0' || c > '9') {
				return false
			}
		}
	}
	return true
}

// canonicalJSON appends the RFC 8785 (JCS) serialization of v.
func canonicalJSON(dst []byte, v any, depth int) ([]byte, bool) {
	if depth > 512 {
		return dst, false
	}
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), true
	case bool:
		if x {
			return append(dst, "true"...), true
		}
		return append(dst, "false"...), true
	case string:
		return jcsString(dst, x)
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return dst, false
		}
		return jcsNumber(dst, f)
	case float64:
		return jcsNumber(dst, x)
	case int:
		return jcsNumber(dst, float64(x))
	case int64:
		return jcsNumber(dst, float64(x))
	case []any:
		dst = append(dst, '[')
		for i, it := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			var ok bool
			if dst, ok = canonicalJSON(dst, it, depth+1); !ok {
				return dst, false
			}
		}
		return append(dst, ']'), true
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return utf16Less(keys[i], keys[j]) })
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			var ok bool
			if dst, ok = jcsString(dst, k); !ok {
				return dst, false
			}
			dst = append(dst, ':')
			if dst, ok = canonicalJSON(dst, x[k], depth+1); !ok {
				return dst, false
			}
		}
		return append(dst, '}'), true
	}
	return dst, false
}

// utf16Less orders strings by their UTF-16 code units, as JCS requires.
func utf16Less(a, b string) bool {
	ua := utf16.Encode([]rune(a))
	ub := utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return ua[i] < ub[i]
		}
	}
	return len(ua) < len(ub)
}

const hexLower = "0123456789abcdef"

func jcsString(dst []byte, s string) ([]byte, bool) {
	if !utf8.ValidString(s) {
		return dst, false
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			if c < 0x20 {
				dst = append(dst, '\\', 'u', '0', '0', hexLower[c>>4], hexLower[c&0xF])
			} else {
				dst = append(dst, c)
			}
		}
	}
	return append(dst, '"'), true
}

// jcsNumber writes f as ECMAScript Number.prototype.toString does.
func jcsNumber(dst []byte, f float64) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return dst, false
	}
	if f == 0 {
		return append(dst, '0'), true
	}
	if f < 0 {
		dst = append(dst, '-')
		f = -f
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddddde±XX
	ep := strings.IndexByte(e, 'e')
	digits := strings.Replace(e[:ep], ".", "", 1)
	exp, _ := strconv.Atoi(e[ep+1:])
	k := len(digits)
	n := exp + 1
	switch {
	case k <= n && n <= 21:
		dst = append(dst, digits...)
		for i := 0; i < n-k; i++ {
			dst = append(dst, '0')
		}
	case 0 < n && n <= 21:
		dst = append(dst, digits[:n]...)
		dst = append(dst, '.')
		dst = append(dst, digits[n:]...)
	case -6 < n && n <= 0:
		dst = append(dst, '0', '.')
		for i := 0; i < -n; i++ {
			dst = append(dst, '0')
		}
		dst = append(dst, digits...)
	default:
		dst = append(dst, digits[0])
		if k > 1 {
			dst = append(dst, '.')
			dst = append(dst, digits[1:]...)
		}
		dst = append(dst, 'e')
		if n-1 >= 0 {
			dst = append(dst, '+')
		} else {
			dst = append(dst, '-')
		}
		x := n - 1
		if x < 0 {
			x = -x
		}
		dst = strconv.AppendInt(dst, int64(x), 10)
	}
	return dst, true
}

// CanonicalJSON returns the RFC 8785 (JCS) serialization of a parsed JSON
// value (as from internal/jsonx or encoding/json with UseNumber). It fails
// on values JSON cannot carry (invalid UTF-8, non-finite numbers) and on
// nesting deeper than 512.
func CanonicalJSON(v any) ([]byte, error) {
	out, ok := canonicalJSON(make([]byte, 0, 512), v, 0)
	if !ok {
		return nil, &UnsupportedError{Feature: "value without an RFC 8785 serialization"}
	}
	return out, nil
}
