package did

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// decodeObject decodes a JSON object into its members. It rejects
// anything but a single object, and duplicate member names (the last-wins
// behaviour of encoding/json is a parser differential an attacker can
// use).
func decodeObject(data []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("malformed JSON: %v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	m := make(map[string]json.RawMessage)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("malformed JSON: %v", err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, errors.New("malformed JSON: object key is not a string")
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("malformed JSON: %v", err)
		}
		if _, dup := m[key]; dup {
			return nil, fmt.Errorf("duplicate member %q", key)
		}
		m[key] = raw
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("malformed JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("malformed JSON: data after the object")
	}
	return m, nil
}

// decodeFields decodes the object data into the targets named by fields
// (member name to pointer) and returns the remaining members. A member
// whose name differs from a known one only by case is rejected.
func decodeFields(data []byte, fields map[string]any) (map[string]json.RawMessage, error) {
	members, err := decodeObject(data)
	if err != nil {
		return nil, err
	}
	var extra map[string]json.RawMessage
	for name, raw := range members {
		if target, ok := fields[name]; ok {
			if err := json.Unmarshal(raw, target); err != nil {
				return nil, fmt.Errorf("member %q: %v", name, simplifyJSONError(err))
			}
			continue
		}
		for known := range fields {
			if strings.EqualFold(known, name) {
				return nil, fmt.Errorf("member %q differs from %q only by case", name, known)
			}
		}
		if extra == nil {
			extra = make(map[string]json.RawMessage)
		}
		extra[name] = raw
	}
	return extra, nil
}

func simplifyJSONError(err error) error {
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return fmt.Errorf("cannot use JSON %s as %s", ute.Value, ute.Type)
	}
	return err
}

// field is one known member for encodeFields.
type field struct {
	name  string
	value any
	omit  bool
}

// encodeFields writes the known fields in order, then the extra members in
// sorted order; an extra member never overrides a known one.
func encodeFields(fields []field, extra map[string]json.RawMessage) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	known := make(map[string]bool, len(fields))
	first := true
	write := func(name string, v []byte) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		n, _ := json.Marshal(name)
		b.Write(n)
		b.WriteByte(':')
		b.Write(v)
	}
	for _, f := range fields {
		known[f.name] = true
		if f.omit {
			continue
		}
		v, err := json.Marshal(f.value)
		if err != nil {
			return nil, err
		}
		write(f.name, v)
	}
	names := make([]string, 0, len(extra))
	for k := range extra {
		if !known[k] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		v := extra[k]
		if !json.Valid(v) {
			return nil, fmt.Errorf("did: extra member %q is not valid JSON", k)
		}
		write(k, v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// StringSet is a JSON value that may be a single string or an array of
// strings, such as a DID document's controller or a service's type. It
// marshals a one-element set as a plain string.
type StringSet []string

// UnmarshalJSON accepts a string or an array of strings.
func (s *StringSet) UnmarshalJSON(data []byte) error {
	var one string
	if err := json.Unmarshal(data, &one); err == nil {
		*s = StringSet{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(data, &many); err != nil {
		return errors.New("expected a string or an array of strings")
	}
	*s = many
	return nil
}

// MarshalJSON writes a single string for a one-element set.
func (s StringSet) MarshalJSON() ([]byte, error) {
	if len(s) == 1 {
		return json.Marshal(s[0])
	}
	return json.Marshal([]string(s))
}

// Contains reports whether v is in the set.
func (s StringSet) Contains(v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
