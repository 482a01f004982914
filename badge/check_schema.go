package badge

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/openbadges-go/openbadges/vc"
)

// obSchemaStep validates an Open Badges credential or endorsement against
// the official JSON Schema it names (or the one for its type); a
// violation is relaxed by AllowNonconforming.
var obSchemaStep = Step{ID: CheckSchema, Check: func(_ context.Context, r *Run) Check {
	return asCheck(r.Verifier.relaxConformance(r.Verifier.checkSchema(r.Credential)))
}}

// checkSchema validates against the official schema the credential names
// (or the one for its type), tolerating JSON-LD compaction: a single value
// where the schema wants an array is read as a one-element array, as
// JSON-LD says it means. VC 1.1 credentials are outside the OB 3.0 schemas.
func (v *Verifier) checkSchema(c *vc.Credential) (CheckID, CheckStatus, error, string) {
	if c.Version() == vc.Version1_1 {
		// The official OB 3.0 schemas describe VC 2.0; 1EdTech's VC 1.1-era
		// schemas are not published in a form we can embed. A schema a VC
		// 1.1 credential names is reported, not enforced.
		for _, s := range c.Schemas() {
			t, _ := s["type"].(string)
			id, _ := s["id"].(string)
			if t == CredentialSchemaType && !v.schema.Has(id) {
				return CheckSchema, Warning, &UnknownSchemaError{URL: id}, "VC 1.1 credential: its schema is not embedded; checked by the data model checks only"
			}
		}
		return CheckSchema, Skipped, nil, "the official OB 3.0 schemas describe VC 2.0 credentials; this VC 1.1 credential is checked by the data model checks only"
	}
	// The document is validated as it is; validateCompacted copies it
	// before it rewrites a single value as an array.
	doc := c.Document()
	var urls []string
	var warn error
	for _, s := range c.Schemas() {
		t, _ := s["type"].(string)
		id, _ := s["id"].(string)
		if t != CredentialSchemaType {
			continue
		}
		if !v.schema.Has(id) {
			if !v.o.AllowUnknownSchemas {
				return CheckSchema, Failed, &UnknownSchemaError{URL: id}, "schemas are never fetched; AllowUnknownSchemas turns this into a warning"
			}
			warn = v.relaxed(OptionAllowUnknownSchemas, "the schema is not embedded; validated against the official schema for the type", &UnknownSchemaError{URL: id})
			continue
		}
		urls = append(urls, id)
	}
	if len(urls) == 0 {
		urls = []string{SchemaAchievementCredential}
		if c.HasType("EndorsementCredential") {
			urls = []string{SchemaEndorsementCredential}
		}
	}
	copied := false
	for _, u := range urls {
		if err := v.validateCompacted(u, &doc, &copied); err != nil {
			return CheckSchema, Failed, err, u
		}
	}
	if warn != nil {
		return CheckSchema, Warning, warn, strings.Join(urls, ", ")
	}
	return CheckSchema, Passed, nil, strings.Join(urls, ", ")
}

// validateCompacted validates *doc against the schema at u, re-reading
// single values as arrays where the schema asks for an array. The first
// rewrite replaces *doc with a deep copy (and sets *copied), so the
// credential's own document is never changed and is copied only when a
// value has to be rewritten.
func (v *Verifier) validateCompacted(u string, doc *map[string]any, copied *bool) error {
	for range 8 {
		err := v.schema.validate([]string{u}, *doc)
		var se *SchemaError
		if err == nil || !errors.As(err, &se) {
			return err
		}
		changed := false
		for _, viol := range se.Violations {
			if !strings.HasSuffix(viol.Message, "want array") {
				continue
			}
			if !*copied {
				*doc = deepCopy(*doc).(map[string]any)
				*copied = true
			}
			if wrapAt(*doc, viol.InstanceLocation) {
				changed = true
			}
		}
		if !changed {
			return err
		}
	}
	return v.schema.validate([]string{u}, *doc)
}

// wrapAt replaces the value at a JSON Pointer with a one-element array.
func wrapAt(doc map[string]any, ptr string) bool {
	if ptr == "" || ptr == "/" {
		return false
	}
	toks := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	var cur any = doc
	for i, t := range toks {
		t = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
		last := i == len(toks)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				val, ok := c[t]
				if !ok {
					return false
				}
				if _, isArr := val.([]any); isArr {
					return false
				}
				c[t] = []any{val}
				return true
			}
			cur = c[t]
		case []any:
			n, err := strconv.Atoi(t)
			if err != nil || n < 0 || n >= len(c) {
				return false
			}
			if last {
				if _, isArr := c[n].([]any); isArr {
					return false
				}
				c[n] = []any{c[n]}
				return true
			}
			cur = c[n]
		default:
			return false
		}
	}
	return false
}

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
