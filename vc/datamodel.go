package vc

import (
	"strconv"
	"strings"
)

// DataModelError lists every way a credential breaks the VC data model's
// rules, each with the JSON path of the member. errors.Is matches
// ErrMalformed.
type DataModelError struct {
	Problems []Problem
}

func (e *DataModelError) Error() string {
	return formatProblems("vc: credential breaks the data model: ", e.Problems)
}

// Is matches ErrMalformed.
func (e *DataModelError) Is(target error) bool { return target == ErrMalformed }

// CheckDataModel checks the structural rules of the VC data model (2.0, or
// 1.1 for a credential whose first context is the 1.1 one) that do not need
// JSON-LD processing: the first @context, the VerifiableCredential type, an
// issuer that is a URL or an object with a URL id, at least one non-empty
// credentialSubject, well-formed dates (issuanceDate required in 1.1), URL ids,
// and typed status and schema entries. It reports every problem at once.
func CheckDataModel(c *Credential) error {
	var ps []Problem
	add := func(path, reason string) {
		ps = append(ps, Problem{Path: path, Kind: ErrMalformed, Reason: reason})
	}
	d := c.doc
	switch ctx := d["@context"].(type) {
	case string:
		if ctx != ContextV2 && ctx != ContextV1 {
			add("$.@context", "the first context must be "+ContextV2)
		}
	case []any:
		if len(ctx) == 0 {
			add("$.@context", "must not be empty")
			break
		}
		if s, _ := ctx[0].(string); s != ContextV2 && s != ContextV1 {
			add("$.@context[0]", "the first context must be "+ContextV2)
		}
		for i, e := range ctx {
			switch e.(type) {
			case string, map[string]any:
			default:
				add("$.@context["+strconv.Itoa(i)+"]", "a context must be a URL or an object")
			}
		}
	default:
		add("$.@context", "must be a URL or a list")
	}
	checkTypes(d["type"], "$.type", "VerifiableCredential", add)
	if v, has := d["id"]; has {
		if s, ok := v.(string); !ok || !isURL(s) {
			add("$.id", "must be a URL")
		}
	}
	switch iss := d["issuer"].(type) {
	case nil:
		add("$.issuer", "is required")
	case string:
		if !isURL(iss) {
			add("$.issuer", "must be a URL")
		}
	case map[string]any:
		if s, ok := iss["id"].(string); !ok || !isURL(s) {
			add("$.issuer.id", "is required and must be a URL")
		}
	default:
		add("$.issuer", "must be a URL or an object with an id")
	}
	switch cs := d["credentialSubject"].(type) {
	case nil:
		add("$.credentialSubject", "is required")
	case map[string]any:
		checkSubject(cs, "$.credentialSubject", add)
	case []any:
		if len(cs) == 0 {
			add("$.credentialSubject", "must not be empty")
		}
		for i, s := range cs {
			p := "$.credentialSubject[" + strconv.Itoa(i) + "]"
			m, ok := s.(map[string]any)
			if !ok {
				add(p, "must be an object")
				continue
			}
			checkSubject(m, p, add)
		}
	default:
		add("$.credentialSubject", "must be an object or a list of objects")
	}
	dates := []string{"validFrom", "validUntil"}
	if c.vers == Version1_1 {
		dates = append(dates, "issuanceDate", "expirationDate")
		if _, has := d["issuanceDate"]; !has {
			add("$.issuanceDate", "is required in a VC 1.1 credential")
		}
	}
	for _, k := range dates {
		if v, has := d[k]; has {
			s, ok := v.(string)
			if !ok {
				add("$."+k, "must be a date-time string")
			} else if _, err := ParseDateTime(s); err != nil {
				add("$."+k, "must be an RFC 3339 date-time with a time zone")
			}
		}
	}
	for _, k := range []string{"credentialStatus", "credentialSchema", "refreshService", "termsOfUse", "evidence"} {
		v, has := d[k]
		if !has {
			continue
		}
		items := []any{v}
		arr, isArr := v.([]any)
		if isArr {
			items = arr
		}
		for i, it := range items {
			p := "$." + k
			if isArr {
				p += "[" + strconv.Itoa(i) + "]"
			}
			m, ok := it.(map[string]any)
			if !ok {
				add(p, "must be an object")
				continue
			}
			if _, has := m["type"]; !has {
				add(p+".type", "is required")
			}
			if id, has := m["id"]; has {
				if s, ok := id.(string); !ok || !isURL(s) {
					add(p+".id", "must be a URL")
				}
			} else if k == "credentialSchema" {
				add(p+".id", "is required")
			}
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return &DataModelError{Problems: ps}
}

func checkSubject(m map[string]any, path string, add func(string, string)) {
	if len(m) == 0 {
		add(path, "must not be empty")
	}
	if v, has := m["id"]; has {
		if s, ok := v.(string); !ok || !isURL(s) {
			add(path+".id", "must be a URL")
		}
	}
}

func checkTypes(v any, path, required string, add func(string, string)) {
	switch t := v.(type) {
	case string:
		if t != required {
			add(path, "must include "+required)
		}
	case []any:
		found := false
		for i, e := range t {
			s, ok := e.(string)
			if !ok {
				add(path+"["+strconv.Itoa(i)+"]", "must be a string")
			}
			found = found || s == required
		}
		if !found {
			add(path, "must include "+required)
		}
	case nil:
		add(path, "is required")
	default:
		add(path, "must be a string or a list of strings")
	}
}

// isURL is the data model's test for a URL: an absolute IRI with a scheme
// (did:, urn:, https: ...), no white space.
func isURL(s string) bool {
	i := strings.IndexByte(s, ':')
	if i <= 0 || i == len(s)-1 {
		return false
	}
	for j := 0; j < i; j++ {
		c := s[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return !strings.ContainsAny(s, " \t\n\r<>\"{}|\\^`")
}
