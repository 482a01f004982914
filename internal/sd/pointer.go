// Package sd holds the JSON-level primitives of the selective disclosure
// cryptosuites of VC Data Integrity (ecdsa-sd-2023): JSON Pointers
// (RFC 6901), selecting a part of a compact JSON-LD document with them
// ("selectJsonLd"), and skolemizing a compact document so that the blank
// nodes of a selection keep the identity they have in the whole document.
//
// Documents are the generic trees of internal/jsonx (map[string]any,
// []any, string, json.Number, bool, nil). Nothing here modifies its input.
package sd

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Limits of pointers.
const (
	// MaxPointerLength bounds the length of one JSON Pointer in bytes.
	MaxPointerLength = 1024
	// MaxPointerDepth bounds the number of reference tokens of a pointer.
	MaxPointerDepth = 64
)

// ErrPointer is matched (errors.Is) by every pointer error: malformed
// pointers and pointers that select nothing in the document.
var ErrPointer = errors.New("sd: invalid JSON pointer")

// PointerError reports a JSON Pointer that is malformed or does not match
// the document.
type PointerError struct {
	Pointer string
	Detail  string
}

func (e *PointerError) Error() string {
	return fmt.Sprintf("sd: JSON pointer %q: %s", e.Pointer, e.Detail)
}

// Is matches [ErrPointer].
func (e *PointerError) Is(target error) bool { return target == ErrPointer }

// ParsePointer splits an RFC 6901 JSON Pointer into its unescaped
// reference tokens. The empty pointer (the whole document) is refused:
// disclosing "everything" is not a selection.
func ParsePointer(p string) ([]string, error) {
	switch {
	case p == "":
		return nil, &PointerError{p, "the empty pointer (whole document) is not a selection"}
	case len(p) > MaxPointerLength:
		return nil, &PointerError{p[:32] + "…", fmt.Sprintf("longer than %d bytes", MaxPointerLength)}
	case p[0] != '/':
		return nil, &PointerError{p, "does not start with '/'"}
	}
	raw := strings.Split(p[1:], "/")
	if len(raw) > MaxPointerDepth {
		return nil, &PointerError{p, fmt.Sprintf("more than %d reference tokens", MaxPointerDepth)}
	}
	toks := make([]string, len(raw))
	for i, t := range raw {
		if !strings.Contains(t, "~") {
			toks[i] = t
			continue
		}
		var b strings.Builder
		for j := 0; j < len(t); j++ {
			if t[j] != '~' {
				b.WriteByte(t[j])
				continue
			}
			if j+1 == len(t) || (t[j+1] != '0' && t[j+1] != '1') {
				return nil, &PointerError{p, "'~' not followed by '0' or '1'"}
			}
			if t[j+1] == '0' {
				b.WriteByte('~')
			} else {
				b.WriteByte('/')
			}
			j++
		}
		toks[i] = b.String()
	}
	return toks, nil
}

// arrayIndex parses an RFC 6901 array index: "0" or digits without a
// leading zero, below n.
func arrayIndex(tok string, n int) (int, bool) {
	if tok == "" || len(tok) > 9 || (len(tok) > 1 && tok[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] < '0' || tok[i] > '9' {
			return 0, false
		}
	}
	i, err := strconv.Atoi(tok)
	if err != nil || i >= n {
		return 0, false
	}
	return i, true
}
