package vc

import (
	"errors"
	"fmt"
	"strings"

	"github.com/openbadges-go/openbadges/internal/jsonld"
	"github.com/openbadges-go/openbadges/internal/rdf"
)

// Namespaces of the pinned members.
const (
	nsCred    = "https://www.w3.org/2018/credentials#"
	nsSec     = "https://w3id.org/security#"
	nsStatus  = "https://www.w3.org/ns/credentials/status#"
	nsSL2021  = "https://w3id.org/vc/status-list#"
	nsOB      = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
	nsOB300   = "https://imsglobal.github.io/openbadges-specification/ob_v3p0.html#"
	nsCLR     = "https://purl.imsglobal.org/spec/vc/clr/vocab.html#"
	nsDCTerms = "http://purl.org/dc/terms/"
)

// pins are the members whose meaning is pinned: every member that a check
// of this module, the models or the results read for security. Each key
// must expand to one of its IRIs (the IRIs every embedded context gives
// it), and each of these IRIs must be written with that key (so that, for
// instance, the security context's "expiration" cannot stand for a proof's
// "expires"). Single members take no array. TestPinsAgreeWithContexts
// checks the table against every embedded context.
var pins = []jsonld.Pin{
	// The credential and the presentation.
	{Key: "issuer", IRIs: []string{nsCred + "issuer"}, Single: true},
	{Key: "validFrom", IRIs: []string{nsCred + "validFrom"}, Single: true},
	{Key: "validUntil", IRIs: []string{nsCred + "validUntil"}, Single: true},
	{Key: "issuanceDate", IRIs: []string{nsCred + "issuanceDate"}, Single: true},
	{Key: "expirationDate", IRIs: []string{nsCred + "expirationDate"}, Single: true},
	{Key: "credentialStatus", IRIs: []string{nsCred + "credentialStatus"}},
	{Key: "credentialSubject", IRIs: []string{nsCred + "credentialSubject"}},
	{Key: "credentialSchema", IRIs: []string{nsCred + "credentialSchema"}},
	{Key: "refreshService", IRIs: []string{nsCred + "refreshService"}},
	{Key: "evidence", IRIs: []string{nsCred + "evidence"}},
	{Key: "termsOfUse", IRIs: []string{nsCred + "termsOfUse"}},
	{Key: "holder", IRIs: []string{nsCred + "holder"}, Single: true},
	{Key: "verifiableCredential", IRIs: []string{nsCred + "verifiableCredential", nsCLR + "verifiableCredential"}},
	{Key: "proof", IRIs: []string{nsSec + "proof"}},
	{Key: "endorsement", IRIs: []string{nsOB + "endorsement", nsOB300 + "endorsement"}},
	// Status entries and lists.
	// A list may serve several purposes (Bitstring Status List: "one or
	// more strings"); an entry reader takes a string only.
	{Key: "statusPurpose", IRIs: []string{nsStatus + "statusPurpose", nsSL2021 + "statusPurpose"}},
	{Key: "statusListIndex", IRIs: []string{nsStatus + "statusListIndex", nsSL2021 + "statusListIndex"}, Single: true},
	{Key: "statusListCredential", IRIs: []string{nsStatus + "statusListCredential", nsSL2021 + "statusListCredential"}, Single: true},
	{Key: "statusSize", IRIs: []string{nsStatus + "statusSize"}, Single: true},
	{Key: "encodedList", IRIs: []string{nsStatus + "encodedList", nsSL2021 + "encodedList"}, Single: true},
	// Recipients.
	{Key: "identifier", IRIs: []string{nsOB + "identifier", nsOB300 + "Identifier", "https://schema.org/identifier",
		"http://schema.org/identifier", nsCLR + "identifier-1"}},
	{Key: "identityHash", IRIs: []string{nsOB + "identityHash", nsOB300 + "identityHash"}, Single: true},
	{Key: "identityType", IRIs: []string{nsOB + "identityType"}, Single: true},
	{Key: "hashed", IRIs: []string{nsOB + "hashed", nsOB300 + "hashed"}, Single: true},
	{Key: "salt", IRIs: []string{nsOB + "salt", nsOB300 + "salt", nsSec + "salt"}, Single: true},
	// Proof options.
	// A controller document lists several; a proof's reader takes a
	// string only.
	{Key: "verificationMethod", IRIs: []string{nsSec + "verificationMethod"}},
	{Key: "proofPurpose", IRIs: []string{nsSec + "proofPurpose"}, Single: true},
	{Key: "cryptosuite", IRIs: []string{nsSec + "cryptosuite"}, Single: true},
	{Key: "created", IRIs: []string{nsDCTerms + "created"}, Single: true},
	{Key: "expires", IRIs: []string{nsSec + "expiration"}, Single: true},
	{Key: "challenge", IRIs: []string{nsSec + "challenge"}, Single: true},
	{Key: "domain", IRIs: []string{nsSec + "domain"}},
	{Key: "nonce", IRIs: []string{nsSec + "nonce"}, Single: true},
	{Key: "previousProof", IRIs: []string{nsSec + "previousProof"}},
	{Key: "proofValue", IRIs: []string{nsSec + "proofValue"}, Single: true},
	{Key: "jws", IRIs: []string{nsSec + "jws"}, Single: true},
}

// strictRules returns the strict-mode configuration of the JSON-LD engine.
func strictRules(allowInline bool) *jsonld.Strict {
	return &jsonld.Strict{
		AllowInlineContexts: allowInline,
		Pins:                pins,
		// The nodes whose members the checks read: a second description
		// of one of them (another object with its id) would add
		// statements to the signed graph that the JSON member does not
		// show.
		// (Subjects are left out: a CLR describes its learner in its own
		// subject and in the subject of every credential it holds, and
		// moving a subject's member elsewhere can only hide it, which
		// fails the checks that need it.)
		NoMerge: []string{"credentialStatus", "credentialSchema", "refreshService", "proof"},
		// Embedded credentials (presentations, CLR, endorsements) and
		// proofs carry their own @context.
		NestedContexts: []string{"verifiableCredential", "endorsement", "proof"},
		Embedded:       []string{"verifiableCredential", "endorsement"},
	}
}

// pinByIRI maps each pinned IRI to its pin.
var pinByIRI = func() map[string]int {
	m := make(map[string]int, len(pins)*2)
	for i, p := range pins {
		for _, iri := range p.IRIs {
			m[iri] = i
		}
	}
	return m
}()

// readBack compares the top-level pinned members of doc with the graph
// produced from it (the graph that is canonicalized and signed): each
// member present must be there with as many values, the same IRIs and the
// same literal text, and a member absent from the JSON must be absent from
// the graph. The strict rules of the engine already make the two agree;
// this is the second, independent line of defence, so that a flaw in one
// rule cannot let a signed statement hide from the checks.
func readBack(doc map[string]any, quads []rdf.Quad, root rdf.Term) error {
	if root.Kind == 0 || root.Value == "" {
		return nil
	}
	var counts [64]int
	var objs [64]rdf.Term
	if len(pins) > len(counts) {
		return errors.New("vc: internal error: too many pinned members")
	}
	for i := range quads {
		q := &quads[i]
		if q.Graph.Value != "" || q.Subject != root {
			continue
		}
		j, ok := pinByIRI[q.Predicate.Value]
		if !ok {
			continue
		}
		counts[j]++
		objs[j] = q.Object
	}
	var problems []Problem
	bad := func(key, why string) {
		problems = append(problems, Problem{Path: "$." + key, Term: key, Kind: ErrStrictForm,
			Reason: "the signed graph disagrees with the member: " + why})
	}
	for i, p := range pins {
		v, present := doc[p.Key]
		if !present || v == nil {
			if counts[i] != 0 {
				bad(p.Key, fmt.Sprintf("absent here, %d value(s) signed", counts[i]))
			}
			continue
		}
		want, iri := expectedValues(v)
		if want != counts[i] {
			bad(p.Key, fmt.Sprintf("%d value(s) here, %d signed", want, counts[i]))
			continue
		}
		if want == 1 && iri != "" && !sameValue(objs[i], iri) {
			bad(p.Key, fmt.Sprintf("%q here, %q signed", iri, objs[i].Value))
		}
	}
	if len(problems) > 0 {
		return &SafeModeError{Problems: problems}
	}
	return nil
}

// expectedValues counts the distinct RDF objects a member value gives and,
// for a single string or object with an id, returns that text.
func expectedValues(v any) (int, string) {
	switch x := v.(type) {
	case []any:
		seen := make(map[string]bool, len(x))
		n := 0
		for _, it := range x {
			switch y := it.(type) {
			case nil:
			case map[string]any:
				if id, ok := y["id"].(string); ok {
					if !seen["id:"+id] {
						seen["id:"+id] = true
						n++
					}
				} else {
					n++
				}
			case string:
				if !seen["s:"+y] {
					seen["s:"+y] = true
					n++
				}
			default:
				n++ // numbers and booleans: distinct enough for a count
			}
		}
		return n, ""
	case map[string]any:
		id, _ := x["id"].(string)
		return 1, id
	case string:
		return 1, x
	}
	return 1, ""
}

// unsupportedPath returns the JSON path an engine error names, or "$".
func unsupportedPath(err error) string {
	var ue *jsonld.UnsupportedError
	if errors.As(err, &ue) && ue.Path != "" {
		return ue.Path
	}
	return "$"
}

// sameValue reports whether the signed object o is what the JSON text s
// says: the same literal text (with no language tag) or IRI, or, for a
// term whose type mapping is @vocab (a proof purpose, say), a term (the
// engine refuses anything else there). A blank node is the name of a
// graph (a proof): its content is checked on its own.
func sameValue(o rdf.Term, s string) bool {
	switch o.Kind {
	case rdf.BlankNode:
		return true
	case rdf.IRI:
		// A value without a colon is a term of an @vocab-typed member
		// ("assertionMethod"), which the engine has checked is one.
		return o.Value == s || !strings.Contains(s, ":")
	}
	// A JSON string of a pinned member is never language-tagged in the
	// embedded contexts: a tag comes from a default @language of an
	// inline context, a form no issuer needs.
	return o.Value == s && o.Language == ""
}
