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

var errScan = errors.New("malformed JSON")

// rawMember is one member of an object: its name and its value's bytes
// (a sub-slice of the input, without surrounding white space).
type rawMember struct {
	key string
	val []byte
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

// objectMembers splits a validated JSON object into its members, in
// document order.
func objectMembers(b []byte) ([]rawMember, error) {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, errScan
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return []rawMember{}, nil
	}
	out := make([]rawMember, 0, 8)
	for {
		if i >= len(b) || b[i] != '"' {
			return nil, errScan
		}
		e, esc, err := stringEnd(b, i)
		if err != nil {
			return nil, err
		}
		var key string
		if esc {
			if err := json.Unmarshal(b[i:e], &key); err != nil {
				return nil, err
			}
		} else {
			key = string(b[i+1 : e-1])
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
		out = append(out, rawMember{key: key, val: b[i:ve]})
		i = skipWS(b, ve)
		if i >= len(b) {
			return nil, errScan
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
		case '}':
			return out, nil
		default:
			return nil, errScan
		}
	}
}

// arrayElems splits a validated JSON array into its elements.
func arrayElems(b []byte) ([][]byte, error) {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil, errScan
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == ']' {
		return [][]byte{}, nil
	}
	out := make([][]byte, 0, 4)
	for {
		ve, err := valueEnd(b, i)
		if err != nil {
			return nil, err
		}
		out = append(out, b[i:ve])
		i = skipWS(b, ve)
		if i >= len(b) {
			return nil, errScan
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
		case ']':
			return out, nil
		default:
			return nil, errScan
		}
	}
}

// jsonString decodes a validated JSON string, without encoding/json when
// it holds no escape.
func jsonString(b []byte) (string, error) {
	i := skipWS(b, 0)
	if i < len(b) && b[i] == '"' {
		e, esc, err := stringEnd(b, i)
		if err == nil && !esc && skipWS(b, e) == len(b) {
			return string(b[i+1 : e-1]), nil
		}
	}
	var s string
	err := json.Unmarshal(b, &s)
	return s, err
}

// decodeValidated decodes a model value (a pointer to a model type) from
// bytes the strict reader has already accepted, as the verifier's
// credential bytes are (vc.Parse, or the JWT payload it read with
// jsonx.Parse): the same decoder as UnmarshalJSON, without reading the
// bytes twice more (encoding/json's validity scan and the strict reader).
func decodeValidated(data []byte, v any) error {
	var d decoder
	return d.decode(data, reflect.ValueOf(v).Elem(), "$")
}
