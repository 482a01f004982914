package sd

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// MaxPointers bounds the pointers of one selection.
const MaxPointers = 256

// sparse is an array of a selection under construction: the elements
// selected so far by their index in the source array. It becomes a dense
// array, in index order, when the selection is complete.
type sparse struct{ items map[int]any }

// Select returns the part of doc, a compact JSON-LD document, that the
// JSON Pointers select, as the "selectJsonLd" algorithm of VC Data
// Integrity ECDSA defines it: the document's @context; on the path to each
// selected value, every object's id (unless a blank node identifier) and
// type; the selected values themselves (deep copies); arrays keep the
// selected elements in their original order. A nil or empty list of
// pointers selects nothing (nil, nil). Every pointer must match.
func Select(doc map[string]any, pointers []string) (map[string]any, error) {
	if len(pointers) == 0 {
		return nil, nil
	}
	if len(pointers) > MaxPointers {
		return nil, &PointerError{pointers[0], fmt.Sprintf("%d pointers, more than the limit of %d", len(pointers), MaxPointers)}
	}
	sel := initialSelection(doc)
	if c, ok := doc["@context"]; ok {
		sel["@context"] = deepCopy(c)
	}
	for _, p := range pointers {
		toks, err := ParsePointer(p)
		if err != nil {
			return nil, err
		}
		if err := selectPath(p, toks, doc, sel); err != nil {
			return nil, err
		}
	}
	return dense(sel).(map[string]any), nil
}

// selectPath walks doc along toks, building the selection in sel.
func selectPath(ptr string, toks []string, doc map[string]any, sel map[string]any) error {
	var value any = doc
	var selected any = sel
	var selParent any
	var last key
	for _, tok := range toks {
		selParent = selected
		switch pv := value.(type) {
		case map[string]any:
			v, ok := pv[tok]
			if !ok {
				return &PointerError{ptr, fmt.Sprintf("no member %q", tok)}
			}
			value, last = v, key{name: tok, idx: -1}
		case []any:
			i, ok := arrayIndex(tok, len(pv))
			if !ok {
				return &PointerError{ptr, fmt.Sprintf("%q is not an index of an array of %d elements", tok, len(pv))}
			}
			value, last = pv[i], key{idx: i}
		default:
			return &PointerError{ptr, fmt.Sprintf("%q goes into a value that is not an object or an array", tok)}
		}
		var ok bool
		if selected, ok = get(selParent, last); !ok {
			switch value.(type) {
			case []any:
				selected = &sparse{items: map[int]any{}}
			default:
				selected = initialSelection(value)
			}
			set(selParent, last, selected)
		}
	}
	switch v := value.(type) {
	case map[string]any:
		merged := map[string]any{}
		if m, ok := selected.(map[string]any); ok {
			maps.Copy(merged, m)
		}
		for k, x := range v {
			merged[k] = deepCopy(x)
		}
		selected = merged
	default:
		selected = deepCopy(v)
	}
	set(selParent, last, selected)
	return nil
}

// key is a member name, or an array index when idx >= 0.
type key struct {
	name string
	idx  int
}

func get(container any, k key) (any, bool) {
	switch c := container.(type) {
	case map[string]any:
		v, ok := c[k.name]
		return v, ok
	case *sparse:
		v, ok := c.items[k.idx]
		return v, ok
	case []any:
		if k.idx >= 0 && k.idx < len(c) {
			return c[k.idx], true
		}
	}
	return nil, false
}

func set(container any, k key, v any) {
	switch c := container.(type) {
	case map[string]any:
		c[k.name] = v
	case *sparse:
		c.items[k.idx] = v
	case []any:
		if k.idx >= 0 && k.idx < len(c) {
			c[k.idx] = v
		}
	}
}

// initialSelection is "createInitialSelection": an object's id (unless it
// is a blank node identifier) and type.
func initialSelection(source any) map[string]any {
	sel := map[string]any{}
	m, ok := source.(map[string]any)
	if !ok {
		return sel
	}
	if id, ok := m["id"].(string); ok && !strings.HasPrefix(id, "_:") {
		sel["id"] = id
	}
	if t, ok := m["type"]; ok {
		sel["type"] = deepCopy(t)
	}
	return sel
}

// dense turns the sparse arrays of a selection into arrays.
func dense(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = dense(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = dense(e)
		}
		return x
	case *sparse:
		idx := slices.Sorted(maps.Keys(x.items))
		out := make([]any, len(idx))
		for i, k := range idx {
			out[i] = dense(x.items[k])
		}
		return out
	}
	return v
}

// deepCopy copies the objects and arrays of a JSON tree.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = deepCopy(e)
		}
		return a
	}
	return v
}
