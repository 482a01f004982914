package clr

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/openbadges-go/openbadges/internal/jsonx"
)

// The CLR types decode like the badge model: the input is checked by the
// strict reader first (duplicate keys, invalid UTF-8, limits); members are
// matched by exact name; a member that differs from a known one only by
// case is refused; every other member is kept byte for byte in Extra.
// Marshalling writes the known members in struct order, then Extra in
// sorted key order, and refuses an Extra key that shadows a known member.

// knownMembers returns the JSON member names of a struct type's fields.
func knownMembers(t reflect.Type) []string {
	var names []string
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "" || name == "-" {
			continue
		}
		names = append(names, name)
	}
	return names
}

// decodeObject decodes data into dst (a pointer to an alias struct without
// methods) and returns the members it does not know.
func decodeObject(data []byte, dst any, strict bool) (map[string]json.RawMessage, error) {
	if strict {
		if _, err := jsonx.Parse(data, nil); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if members == nil {
		return nil, fmt.Errorf("%w: null where an object is required", ErrMalformed)
	}
	known := knownMembers(reflect.TypeOf(dst).Elem())
	keep := make(map[string]json.RawMessage, len(members))
	var extra map[string]json.RawMessage
	for k, v := range members {
		if slices.Contains(known, k) {
			if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
				return nil, fmt.Errorf("%w: member %q is null", ErrMalformed, k)
			}
			keep[k] = v
			continue
		}
		for _, n := range known {
			if strings.EqualFold(n, k) {
				return nil, fmt.Errorf("%w: member %q differs from %q only by case", ErrMalformed, k, n)
			}
		}
		if extra == nil {
			extra = map[string]json.RawMessage{}
		}
		extra[k] = slices.Clone(v)
	}
	b, err := json.Marshal(keep)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if err := json.Unmarshal(b, dst); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return extra, nil
}

// encodeObject marshals v (an alias struct) and appends extra in sorted
// key order.
func encodeObject(v any, extra map[string]json.RawMessage) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if len(extra) == 0 {
		return b, nil
	}
	known := knownMembers(reflect.TypeOf(v).Elem())
	keys := make([]string, 0, len(extra))
	for k := range extra {
		for _, n := range known {
			if strings.EqualFold(n, k) {
				return nil, fmt.Errorf("%w: extension member %q shadows %q", ErrMalformed, k, n)
			}
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := bytes.TrimSuffix(bytes.TrimSpace(b), []byte("}"))
	first := len(out) == 1
	for _, k := range keys {
		if !json.Valid(extra[k]) {
			return nil, fmt.Errorf("%w: extension member %q is not valid JSON", ErrMalformed, k)
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		kb, _ := json.Marshal(k)
		out = append(out, kb...)
		out = append(out, ':')
		out = append(out, extra[k]...)
	}
	return append(out, '}'), nil
}
