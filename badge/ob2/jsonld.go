package ob2

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/openbadges-go/openbadges/internal/jsonld"
	"github.com/openbadges-go/openbadges/internal/rdf"
)

const (
	rdfType    = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	extNS      = "https://w3id.org/openbadges/extensions#"
	secNS      = "https://w3id.org/security#"
	obiExtType = obiNS + "Extension"
)

// pinned maps the IRIs verification reads from a document's top level to
// the members it reads them from. A document that states one of them
// another way (under an IRI, an alias, a redefined term) is refused: what
// is checked must be what the graph says.
var pinned = map[string][]string{
	obiNS + "revoked":                    {"revoked", "revokedAssertions"},
	secNS + "expiration":                 {"expires"},
	obiNS + "issueDate":                  {"issuedOn"},
	obiNS + "recipient":                  {"recipient"},
	obiNS + "badge":                      {"badge"},
	obiNS + "verify":                     {"verification", "verify"},
	obiNS + "issuer":                     {"issuer"},
	secNS + "publicKey":                  {"publicKey"},
	obiNS + "revocationList":             {"revocationList"},
	secNS + "owner":                      {"owner"},
	obiNS + "uid":                        {"uid"},
	obiNS + "claim":                      {},
	"https://w3id.org/credentials#claim": {"claim"},
}

// extensionRule is the validation schema of a known extension, written as
// the graph statements it requires (the schemas of the 1EdTech extensions
// require one string member each; see testdata/PROVENANCE.md).
type extensionRule struct {
	name      string
	predicate string // required literal
	uri       bool   // the literal must be an absolute URI
}

var extensionRules = map[string]extensionRule{
	extNS + "ExampleExtension": {name: "ExampleExtension", predicate: "http://schema.org/text"},
	extNS + "ApplyLink":        {name: "ApplyLink", predicate: extNS + "applyLink", uri: true},
}

// ldResult is what JSON-LD processing of one document found.
type ldResult struct {
	extensions int   // extension nodes validated
	extErr     error // the first invalid extension
}

// checkLD processes doc in JSON-LD safe mode with the embedded contexts
// only, reads back the pinned members of its top-level node, and
// validates its extension nodes.
func (v *Verifier) checkLD(ctx context.Context, doc map[string]any) (ldResult, error) {
	var out ldResult
	err := v.ld.ToRDFFunc(ctx, stripNodeLanguage(doc, 0), func(quads []rdf.Quad, root rdf.Term) error {
		if err := readBack(doc, quads, root); err != nil {
			return err
		}
		out.extensions, out.extErr = checkExtensions(quads)
		return nil
	})
	if err != nil {
		var sm *jsonld.SafeModeError
		if errors.As(err, &sm) {
			return out, fmt.Errorf("%w: %v", ErrSafeMode, err)
		}
		var le *jsonld.LoadError
		if errors.As(err, &le) || errors.Is(err, ErrUnknownContext) {
			return out, fmt.Errorf("%w: %v", ErrUnknownContext, err)
		}
		return out, err
	}
	return out, nil
}

func readBack(doc map[string]any, quads []rdf.Quad, root rdf.Term) error {
	if id, ok := doc["id"].(string); ok && root.Kind == rdf.IRI && root.Value != id {
		return fmt.Errorf("%w: the id %q is read as %q", ErrSafeMode, id, root.Value)
	}
	seen := map[string]bool{}
	for _, q := range quads {
		if q.Subject != root || q.Graph.Kind != rdf.None {
			continue
		}
		keys, ok := pinned[q.Predicate.Value]
		if !ok {
			continue
		}
		seen[q.Predicate.Value] = true
		found := false
		for _, k := range keys {
			if _, ok := doc[k]; ok {
				found = true
			}
		}
		if !found {
			return fmt.Errorf("%w: <%s> is stated other than through its term", ErrSafeMode, q.Predicate.Value)
		}
	}
	for p, keys := range pinned {
		for _, k := range keys {
			v, ok := doc[k]
			if !ok || v == nil || isEmptyList(v) {
				continue
			}
			if !seen[p] && !(k == "revoked" || k == "revokedAssertions") {
				return fmt.Errorf("%w: member %q does not mean <%s> here", ErrSafeMode, k, p)
			}
			if (k == "revoked" || k == "revokedAssertions") && !seen[obiNS+"revoked"] {
				return fmt.Errorf("%w: member %q does not mean <%srevoked> here", ErrSafeMode, k, obiNS)
			}
		}
	}
	return nil
}

func isEmptyList(v any) bool {
	l, ok := v.([]any)
	return ok && len(l) == 0
}

// checkExtensions validates every node typed obi:Extension against the
// rule of its other type; a node of no known extension type is invalid
// (as in the 1EdTech validator: its validation cannot be determined).
func checkExtensions(quads []rdf.Quad) (int, error) {
	types := map[rdf.Term][]string{}
	for _, q := range quads {
		if q.Predicate.Value == rdfType {
			types[q.Subject] = append(types[q.Subject], q.Object.Value)
		}
	}
	n := 0
	for node, ts := range types {
		if !contains(ts, obiExtType) {
			continue
		}
		n++
		known := false
		for _, t := range ts {
			rule, ok := extensionRules[t]
			if !ok {
				continue
			}
			known = true
			if err := rule.check(node, quads); err != nil {
				return n, err
			}
		}
		if !known {
			return n, fmt.Errorf("%w: no validation is known for extension types %q", ErrExtension, without(ts, obiExtType))
		}
	}
	return n, nil
}

func (r extensionRule) check(node rdf.Term, quads []rdf.Quad) error {
	for _, q := range quads {
		if q.Subject != node || q.Predicate.Value != r.predicate {
			continue
		}
		if q.Object.Kind != rdf.Literal || (q.Object.Datatype != rdf.XSDString && q.Object.Datatype != rdf.RDFLangString) {
			return fmt.Errorf("%w: %s: <%s> must be a string", ErrExtension, r.name, r.predicate)
		}
		if r.uri {
			if u, err := url.Parse(q.Object.Value); err != nil || u.Scheme == "" {
				return fmt.Errorf("%w: %s: %q is not a URI", ErrExtension, r.name, q.Object.Value)
			}
		}
		return nil
	}
	return fmt.Errorf("%w: %s: required <%s> is missing", ErrExtension, r.name, r.predicate)
}

func contains(l []string, s string) bool {
	for _, e := range l {
		if e == s {
			return true
		}
	}
	return false
}

func without(l []string, s string) []string {
	var out []string
	for _, e := range l {
		if e != s {
			out = append(out, e)
		}
	}
	return out
}

// contextOK checks the @context member of a top-level 2.0 document: the
// 2.0 context (by either URL) or context objects, possibly with extension
// contexts; an Open Badges 1.x context is named as such.
func checkContextMember(m map[string]any) error {
	c, ok := m["@context"]
	if !ok {
		if m["recipient"] != nil && m["badge"] != nil {
			return fmt.Errorf("%w: no @context: an Open Badges 1.0 assertion, which this package does not verify", ErrUnknownContext)
		}
		return fmt.Errorf("%w: @context is missing", ErrUnknownContext)
	}
	for _, e := range list(c) {
		switch t := e.(type) {
		case string:
			if strings.HasPrefix(t, contextV1) {
				return fmt.Errorf("%w: %q is the Open Badges 1.1 context, which this package does not verify", ErrUnknownContext, t)
			}
			if _, ok := contextFiles[t]; !ok {
				return fmt.Errorf("%w: %q", ErrUnknownContext, t)
			}
		case map[string]any:
		default:
			return fmt.Errorf("%w: a @context entry must be a URL or an object", ErrUnknownContext)
		}
	}
	return nil
}

// stripNodeLanguage returns v without the @language members of node
// objects: JSON-LD 1.1 expansion keeps them and RDF ignores them (Open
// Badges 2.0 documents use them to say the language of the whole object),
// but the engine refuses them as keyword misuse. Value objects and
// contexts are kept as they are.
func stripNodeLanguage(v any, depth int) any {
	if depth > 64 {
		return v
	}
	switch t := v.(type) {
	case map[string]any:
		if _, isValue := t["@value"]; isValue {
			return t
		}
		out := make(map[string]any, len(t))
		for k, e := range t {
			switch k {
			case "@language":
				continue
			case "@context":
				out[k] = e
			default:
				out[k] = stripNodeLanguage(e, depth+1)
			}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = stripNodeLanguage(e, depth+1)
		}
		return out
	}
	return v
}
