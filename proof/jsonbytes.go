package proof

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"
)

// member is the byte span of one top-level member of a JSON object.
type member struct {
	name               string
	keyStart, valStart int
	valEnd             int
}

// objectSpans lists the top-level members of data, which must already have
// passed the strict reader, with the position of its closing brace.
func objectSpans(data []byte) (ms []member, closeAt int, err error) {
	errBad := errors.New("not a JSON object")
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, 0, errBad
	}
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == '}' {
		return nil, i, nil
	}
	for i < len(data) {
		if data[i] != '"' {
			return nil, 0, errBad
		}
		ks := i
		ke, ok := skipString(data, i)
		if !ok {
			return nil, 0, errBad
		}
		name, ok := memberName(data[ks:ke])
		if !ok {
			return nil, 0, errBad
		}
		i = skipWS(data, ke)
		if i >= len(data) || data[i] != ':' {
			return nil, 0, errBad
		}
		vs := skipWS(data, i+1)
		ve, ok := skipValue(data, vs)
		if !ok {
			return nil, 0, errBad
		}
		ms = append(ms, member{name: name, keyStart: ks, valStart: vs, valEnd: ve})
		i = skipWS(data, ve)
		if i >= len(data) {
			return nil, 0, errBad
		}
		switch data[i] {
		case ',':
			i = skipWS(data, i+1)
		case '}':
			if skipWS(data, i+1) != len(data) {
				return nil, 0, errBad
			}
			return ms, i, nil
		default:
			return nil, 0, errBad
		}
	}
	return nil, 0, errBad
}

// memberName decodes a quoted member name; names without escapes (nearly
// all) are taken as they are, without a JSON decoder.
func memberName(quoted []byte) (string, bool) {
	if raw := quoted[1 : len(quoted)-1]; bytes.IndexByte(raw, '\\') < 0 {
		return string(raw), true
	}
	var name string
	if err := json.Unmarshal(quoted, &name); err != nil {
		return "", false
	}
	return name, true
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func skipString(b []byte, i int) (int, bool) {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1, true
		}
	}
	return 0, false
}

func skipValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				e, ok := skipString(b, i)
				if !ok {
					return 0, false
				}
				i = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, true
				}
			}
		}
		return 0, false
	}
	s := i
	for i < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[i])) {
		i++
	}
	return i, i > s
}

// indentBefore returns the whitespace that precedes the last member's key
// when the object is pretty-printed ("\n  "), or "" for compact input.
func indentBefore(data []byte, ms []member) string {
	if len(ms) == 0 {
		return ""
	}
	k := ms[len(ms)-1].keyStart
	j := k
	for j > 0 && (data[j-1] == ' ' || data[j-1] == '\t' || data[j-1] == '\n' || data[j-1] == '\r') {
		j--
	}
	ws := string(data[j:k])
	if !strings.Contains(ws, "\n") {
		return ""
	}
	return ws
}

// indentUnit guesses one level of indentation from the members' indent
// and the closing brace's.
func indentUnit(data []byte, ws string, closeAt int) string {
	key := ws[strings.LastIndexByte(ws, '\n')+1:]
	j := closeAt
	for j > 0 && (data[j-1] == ' ' || data[j-1] == '\t') {
		j--
	}
	closing := string(data[j:closeAt])
	if len(key) > len(closing) && strings.HasPrefix(key, closing) {
		return key[len(closing):]
	}
	return "  "
}

// marshalIndented marshals v, indented to sit after ws ("\n" + indent),
// one level being unit.
func marshalIndented(v any, ws, unit string) ([]byte, error) {
	if p, ok := v.(*proofJSON); ok {
		indent := ""
		if ws != "" {
			indent = ws[strings.LastIndexByte(ws, '\n')+1:]
		}
		return p.appendJSON(make([]byte, 0, 512), ws != "", indent, unit), nil
	}
	return encodeIndented(v, ws, unit)
}

// encodeIndented is marshalIndented through encoding/json.
func encodeIndented(v any, ws, unit string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if ws != "" {
		enc.SetIndent(ws[strings.LastIndexByte(ws, '\n')+1:], unit)
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// appendProof returns data with p added as its proof: a new "proof" member
// before the closing brace, or, when one exists, appended to it (an object
// becomes a two-element array). Everything else is kept byte for byte.
func appendProof(data []byte, p any) ([]byte, error) {
	ms, closeAt, err := objectSpans(data)
	if err != nil {
		return nil, err
	}
	ws := indentBefore(data, ms)
	unit := ""
	if ws != "" {
		unit = indentUnit(data, ws, closeAt)
	}
	for _, m := range ms {
		if m.name != "proof" {
			continue
		}
		old := data[m.valStart:m.valEnd]
		inner := ws
		if inner != "" {
			inner += unit
		}
		pj, err := marshalIndented(p, inner, unit)
		if err != nil {
			return nil, err
		}
		var out bytes.Buffer
		out.Write(data[:m.valStart])
		if old[0] == '[' {
			end := bytes.LastIndexByte(old, ']')
			body := bytes.TrimRight(old[:end], " \t\r\n")
			out.Write(body)
			if len(bytes.TrimSpace(body)) > 1 {
				out.WriteByte(',')
			}
			out.WriteString(inner)
			out.Write(pj)
			out.Write(old[len(body):])
		} else {
			out.WriteByte('[')
			out.WriteString(inner)
			out.Write(old)
			out.WriteByte(',')
			out.WriteString(inner)
			out.Write(pj)
			out.WriteString(ws)
			out.WriteByte(']')
		}
		out.Write(data[m.valEnd:])
		return out.Bytes(), nil
	}
	pj, err := marshalIndented(p, ws, unit)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if len(ms) == 0 {
		out.Write(data[:closeAt])
		out.WriteString(`"proof":`)
		out.Write(pj)
		out.Write(data[closeAt:])
		return out.Bytes(), nil
	}
	last := ms[len(ms)-1].valEnd
	out.Write(data[:last])
	out.WriteByte(',')
	out.WriteString(ws)
	if ws != "" {
		out.WriteString(`"proof": `)
	} else {
		out.WriteString(`"proof":`)
	}
	out.Write(pj)
	out.Write(data[last:])
	return out.Bytes(), nil
}

// withoutMembers returns the object data without the named top-level
// members; the other members keep their bytes.
func withoutMembers(data []byte, drop map[string]bool) ([]byte, error) {
	ms, _, err := objectSpans(data)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.WriteByte('{')
	n := 0
	for _, m := range ms {
		if drop[m.name] {
			continue
		}
		if n > 0 {
			out.WriteByte(',')
		}
		out.Write(data[m.keyStart:m.valEnd])
		n++
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// memberValue returns the raw bytes of the top-level member name.
func memberValue(data []byte, name string) ([]byte, bool) {
	ms, _, err := objectSpans(data)
	if err != nil {
		return nil, false
	}
	for _, m := range ms {
		if m.name == name {
			return data[m.valStart:m.valEnd], true
		}
	}
	return nil, false
}

// appendJSON appends p as encoding/json writes it (member order and
// omitempty of its tags, HTML characters unescaped), compact or, when
// pretty is set, indented with prefix and unit as json.Encoder.SetIndent
// does. It avoids reflection on the signing path; TestProofJSONMatchesEncodingJSON
// holds it to encoding/json's output.
func (p *proofJSON) appendJSON(b []byte, pretty bool, prefix, unit string) []byte {
	n := 0
	member := func(name string) {
		if n > 0 {
			b = append(b, ',')
		}
		n++
		if pretty {
			b = append(b, '\n')
			b = append(b, prefix...)
			b = append(b, unit...)
		}
		b = appendJSONString(b, name)
		b = append(b, ':')
		if pretty {
			b = append(b, ' ')
		}
	}
	str := func(name, v string, omitEmpty bool) {
		if omitEmpty && v == "" {
			return
		}
		member(name)
		b = appendJSONString(b, v)
	}
	b = append(b, '{')
	str("id", p.ID, true)
	str("type", p.Type, false)
	str("cryptosuite", p.Cryptosuite, true)
	str("created", p.Created, true)
	str("expires", p.Expires, true)
	str("verificationMethod", p.VerificationMethod, false)
	str("proofPurpose", p.ProofPurpose, false)
	str("challenge", p.Challenge, true)
	str("domain", p.Domain, true)
	switch pp := p.PreviousProof.(type) {
	case string:
		member("previousProof")
		b = appendJSONString(b, pp)
	case []string:
		member("previousProof")
		if pp == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, '[')
			for i, s := range pp {
				if i > 0 {
					b = append(b, ',')
				}
				if pretty {
					b = append(b, '\n')
					b = append(b, prefix...)
					b = append(b, unit...)
					b = append(b, unit...)
				}
				b = appendJSONString(b, s)
			}
			if pretty && len(pp) > 0 {
				b = append(b, '\n')
				b = append(b, prefix...)
				b = append(b, unit...)
			}
			b = append(b, ']')
		}
	}
	str("proofValue", p.ProofValue, true)
	if len(p.Context) > 0 {
		// The -jcs- suites sign the proof's own @context (compact JSON).
		member("@context")
		b = append(b, p.Context...)
	}
	if pretty && n > 0 {
		b = append(b, '\n')
		b = append(b, prefix...)
	}
	return append(b, '}')
}

// appendJSONString appends s quoted as encoding/json quotes strings with
// HTML escaping off: short escapes for \b \f \n \r \t, \u00XX for other
// control characters, \ufffd for invalid UTF-8, and \u2028 and \u2029
// escaped.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
