package badge

import (
	"encoding/json"
	"errors"
	"reflect"
)

// Splitting already-validated JSON into members and elements.
//
// The model decoder runs only over bytes the strict reader (jsonx.Parse)
// has accepted, so an object's members and an array's elements can be
// found by scanning for the end of each value (strings, brackets) instead
// of asking encoding/json to re-validate and copy every level. The scanner
// still checks its bounds and fails, never panics, on bytes that are not
// JSON.
//
// Values are spans of the input. The input is converted to a string once,
// so a string without escapes, a member name and a number are substrings
// of it, not copies; and the members and elements of every level share
// the decoder's scratch stacks.

var errScan = errors.New("malformed JSON")

// span is the value at b[i:j] of the decoder's input, without surrounding
// white space.
type span struct{ i, j int }

// rawMember is one member of an object: its name and its value.
type rawMember struct {
	key string
	val span
}

func skipWS(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// stringEnd returns the index just past the string starting at b[i] ('"'),
// and whether it holds a backslash escape.
func stringEnd(b []byte, i int) (int, bool, error) {
	esc := false
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			esc = true
			j++
		case '"':
			return j + 1, esc, nil
		}
	}
	return 0, false, errScan
}

// valueEnd returns the index just past the value starting at b[i].
func valueEnd(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errScan
	}
	switch b[i] {
	case '"':
		e, _, err := stringEnd(b, i)
		return e, err
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e, _, err := stringEnd(b, j)
				if err != nil {
					return 0, err
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errScan
	}
	j := i
	for j < len(b) {
		switch b[j] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return j, nil
		}
		j++
	}
	return j, nil
}

// first returns the first byte of a value (0 for an empty span).
func (d *decoder) first(v span) byte {
	if v.i >= v.j {
		return 0
	}
	return d.b[v.i]
}

// bytes returns the value's bytes (shared with the input).
func (d *decoder) bytes(v span) []byte { return d.b[v.i:v.j] }

// objectMembers splits a validated JSON object into its members, in
// document order. They are on top of the decoder's member stack: the
// caller pops them with d.members = d.members[:mark].
func (d *decoder) objectMembers(v span) ([]rawMember, error) {
	b := d.b[:v.j]
	i := v.i
	if i >= len(b) || b[i] != '{' {
		return nil, errScan
	}
	mark := len(d.members)
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return d.members[mark:], nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return nil, errScan
		}
		e, esc, err := stringEnd(b, i)
		if err != nil {
			return nil, err
		}
		key := d.s[i+1 : e-1]
		if esc {
			if key, err = unquote(b[i:e]); err != nil {
				return nil, err
			}
		}
		i = skipWS(b, e)
		if i >= len(b) || b[i] != ':' {
			return nil, errScan
		}
		i = skipWS(b, i+1)
		ve, err := valueEnd(b, i)
		if err != nil {
			return nil, err
		}
		d.members = append(d.members, rawMember{key: key, val: span{i, ve}})
		i = skipWS(b, ve)
		if i >= len(b) {
			return nil, errScan
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
		case '}':
			return d.members[mark:], nil
		default:
			return nil, errScan
		}
	}
}

// arrayElems splits a validated JSON array into its elements, on top of
// the decoder's element stack (popped as the members are).
func (d *decoder) arrayElems(v span) ([]span, error) {
	b := d.b[:v.j]
	i := v.i
	if i >= len(b) || b[i] != '[' {
		return nil, errScan
	}
	mark := len(d.elems)
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == ']' {
		return d.elems[mark:], nil
	}
	for {
		ve, err := valueEnd(b, i)
		if err != nil {
			return nil, err
		}
		d.elems = append(d.elems, span{i, ve})
		i = skipWS(b, ve)
		if i >= len(b) {
			return nil, errScan
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
		case ']':
			return d.elems[mark:], nil
		default:
			return nil, errScan
		}
	}
}

// unquote decodes a JSON string with escapes.
func unquote(b []byte) (string, error) {
	var s string
	err := json.Unmarshal(b, &s)
	return s, err
}

// jsonString decodes a validated JSON string: a substring of the input
// when it holds no escape.
func (d *decoder) jsonString(v span) (string, error) {
	if d.first(v) == '"' {
		e, esc, err := stringEnd(d.b[:v.j], v.i)
		if err == nil && !esc && e == v.j {
			return d.s[v.i+1 : e-1], nil
		}
	}
	return unquote(d.bytes(v))
}

// decodeValidated decodes a model value (a pointer to a model type) from
// bytes the strict reader has already accepted, as the verifier's
// credential bytes are (vc.Parse, or the JWT payload it read with
// jsonx.Parse): the same decoder as UnmarshalJSON, without reading the
// bytes twice more (encoding/json's validity scan and the strict reader).
func decodeValidated(data []byte, v any) error {
	d := newDecoder(data)
	return d.decode(d.root(), reflect.ValueOf(v).Elem())
}
