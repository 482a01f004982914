package vc

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/internal/rdf"
)

// strictBase is a VC 2.0 Open Badge with every security member the checks
// read: a status entry, a schema, a refresh service, a dated window.
const strictBase = `{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"],
  "id": "urn:uuid:3c6b6ab6-4d56-4e39-9e49-0f3a4a6a4c11",
  "type": ["VerifiableCredential", "OpenBadgeCredential"],
  "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Example"},
  "validFrom": "2024-01-01T00:00:00Z",
  "validUntil": "2025-01-01T00:00:00Z",
  "name": "Teamwork",
  "credentialSubject": {
    "id": "did:example:learner",
    "type": ["AchievementSubject"],
    "achievement": {"id": "https://example.com/a/1", "type": ["Achievement"], "name": "Teamwork",
      "description": "d", "criteria": {"narrative": "n"}}
  },
  "credentialStatus": {"id": "https://example.com/status/1#94567", "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation", "statusListIndex": "94567", "statusListCredential": "https://example.com/status/1"},
  "credentialSchema": [{"id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json", "type": "1EdTechJsonSchemaValidator2019"}],
  "refreshService": {"id": "https://example.com/refresh/1", "type": "1EdTechCredentialRefresh"}
}`

// strictBaseV1 is the same in VC 1.1, where the credentials context
// defines the prefix "cred" inside the VerifiableCredential type.
const strictBaseV1 = `{
  "@context": ["https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  "id": "urn:uuid:3c6b6ab6-4d56-4e39-9e49-0f3a4a6a4c11",
  "type": ["VerifiableCredential", "OpenBadgeCredential"],
  "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Example"},
  "issuanceDate": "2024-01-01T00:00:00Z",
  "expirationDate": "2025-01-01T00:00:00Z",
  "name": "Teamwork",
  "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"],
    "achievement": {"id": "https://example.com/a/1", "type": ["Achievement"], "name": "Teamwork", "description": "d", "criteria": {"narrative": "n"}}}
}`

// strictProof is a proof configuration as Data Integrity canonicalizes it.
const strictProof = `{
  "@context": ["https://www.w3.org/ns/credentials/v2"],
  "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2024-01-01T00:00:00Z",
  "expires": "2025-01-01T00:00:00Z", "verificationMethod": "did:example:issuer#key-1", "proofPurpose": "assertionMethod"
}`

func strictDoc(t *testing.T, src string) map[string]any {
	t.Helper()
	v, err := jsonx.Parse([]byte(src), nil)
	require.NoError(t, err)
	return v.(map[string]any)
}

// requireStrictProblem asserts that err is a safe-mode error with an
// ErrStrictForm problem at path.
func requireStrictProblem(t *testing.T, err error, path string) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, ErrStrictForm)
	require.ErrorIs(t, err, ErrSafeMode)
	var sm *SafeModeError
	require.True(t, errors.As(err, &sm))
	var paths []string
	for _, p := range sm.Problems {
		paths = append(paths, p.Path)
	}
	require.Contains(t, paths, path, "problems: %v", err)
}

func TestStrictBaseDocumentsPass(t *testing.T) {
	p := NewProcessor(nil)
	for _, src := range []string{strictBase, strictBaseV1, strictProof} {
		require.NoError(t, p.Check(context.Background(), strictDoc(t, src)))
	}
}

// TestStrictFormRefusesEverySpellingOfASecurityMember pins the strict
// compact form: every graph-preserving re-spelling of a member the checks
// read is refused, with the JSON path of the offending member.
func TestStrictFormRefusesEverySpellingOfASecurityMember(t *testing.T) {
	const (
		cred = "https://www.w3.org/2018/credentials#"
		xsd  = "http://www.w3.org/2001/XMLSchema#dateTime"
	)
	move := func(from, to string) func(m map[string]any) {
		return func(m map[string]any) { m[to] = m[from]; delete(m, from) }
	}
	addCtx := func(c any) func(m map[string]any) {
		return func(m map[string]any) { m["@context"] = append(m["@context"].([]any), c) }
	}
	cases := []struct {
		name string
		base string
		edit func(m map[string]any)
		path string
	}{
		{"status under its absolute IRI", strictBase, move("credentialStatus", cred+"credentialStatus"), "$[\"" + cred + "credentialStatus\"]"},
		{"validUntil under its IRI as a typed value object", strictBase, func(m map[string]any) {
			m[cred+"validUntil"] = map[string]any{"@value": m["validUntil"], "@type": xsd}
			delete(m, "validUntil")
		}, "$[\"" + cred + "validUntil\"]"},
		{"validUntil as a typed value object", strictBase, func(m map[string]any) {
			m["validUntil"] = map[string]any{"@value": m["validUntil"], "@type": xsd}
		}, "$.validUntil"},
		{"validUntil as an array", strictBase, func(m map[string]any) { m["validUntil"] = []any{m["validUntil"]} }, "$.validUntil"},
		{"two validUntil values", strictBase, func(m map[string]any) {
			m["validUntil"] = []any{m["validUntil"], "2099-01-01T00:00:00Z"}
		}, "$.validUntil"},
		{"status entries in a nested array", strictBase, func(m map[string]any) {
			m["credentialStatus"] = []any{[]any{m["credentialStatus"]}}
		}, "$.credentialStatus[0]"},
		{"an empty key", strictBase, func(m map[string]any) {
			m["credentialSubject"].(map[string]any)[""] = 1
		}, "$.credentialSubject[\"\"]"},
		{"a status entry on a second description of the credential", strictBase, func(m map[string]any) {
			m["refreshService"] = map[string]any{"id": m["id"], "type": "1EdTechCredentialRefresh", "credentialStatus": m["credentialStatus"]}
			delete(m, "credentialStatus")
		}, "$.refreshService"},
		{"a status entry moved into an endorsement of the credential itself", strictBase, func(m map[string]any) {
			m["endorsement"] = []any{map[string]any{
				"@context": []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
				"id":       "urn:uuid:0b0c6a35-8d8b-4d5a-9b38-7c2d4a9d1e11", "type": []any{"VerifiableCredential", "EndorsementCredential"},
				"issuer": "did:example:issuer", "validFrom": "2024-01-01T00:00:00Z",
				"credentialSubject": map[string]any{"id": m["id"], "type": []any{"EndorsementSubject"},
					"credentialStatus": m["credentialStatus"]},
			}}
			m["credentialStatus"] = m["credentialStatus"].(map[string]any)["id"]
		}, "$.endorsement[0].credentialSubject"},
		{"issuer as an array", strictBase, func(m map[string]any) { m["issuer"] = []any{m["issuer"], "did:example:other"} }, "$.issuer"},
		{"inline context alias of credentialStatus", strictBase, func(m map[string]any) {
			addCtx(map[string]any{"st": cred + "credentialStatus"})(m)
			move("credentialStatus", "st")(m)
		}, "$.@context[3]"},
		{"inline context declaring @nest", strictBase, func(m map[string]any) {
			addCtx(map[string]any{"wrap": "@nest"})(m)
			m["wrap"] = map[string]any{"validUntil": m["validUntil"]}
			delete(m, "validUntil")
		}, "$.@context[3]"},
		{"compact IRI key through the VC 1.1 cred prefix", strictBaseV1, move("expirationDate", "cred:expirationDate"), "$[\"cred:expirationDate\"]"},
		{"raw @type keyword", strictBase, move("type", "@type"), "$.@type"},
		{"raw @id keyword", strictBase, move("id", "@id"), "$.@id"},
		{"@graph wrapper", strictBase, func(m map[string]any) {
			inner := map[string]any{}
			for k, v := range m {
				if k != "@context" {
					inner[k] = v
					delete(m, k)
				}
			}
			m["@graph"] = []any{inner}
		}, "$.@graph"},
		{"@included status entry", strictBase, func(m map[string]any) {
			m["@included"] = []any{m["credentialStatus"]}
		}, "$.@included"},
		{"context embedded in the subject", strictBase, func(m map[string]any) {
			m["credentialSubject"].(map[string]any)["@context"] = "https://www.w3.org/ns/credentials/v2"
		}, "$.credentialSubject.@context"},
		{"null context", strictBase, addCtx(nil), "$.@context[3]"},
		{"blank node id on the status entry", strictBase, func(m map[string]any) {
			m["credentialStatus"].(map[string]any)["id"] = "_:s"
		}, "$.credentialStatus.id"},
		{"compact IRI id", strictBaseV1, func(m map[string]any) { m["id"] = "cred:x" }, "$.id"},
		{"status entry described a second time", strictBase, func(m map[string]any) {
			m["evidence"] = []any{map[string]any{"id": "https://example.com/status/1#94567", "name": "moved"}}
		}, "$.evidence[0]"},
		{"type written as its IRI", strictBase, func(m map[string]any) {
			m["type"] = []any{cred + "VerifiableCredential", "OpenBadgeCredential"}
		}, "$.type[0]"},
		{"statusListIndex as an array", strictBase, func(m map[string]any) {
			s := m["credentialStatus"].(map[string]any)
			s["statusListIndex"] = []any{"94567", "1"}
		}, "$.credentialStatus.statusListIndex"},
		{"proof expires as the security context's expiration", strictProof, func(m map[string]any) {
			m["@context"] = []any{"https://www.w3.org/ns/credentials/v2", "https://w3id.org/security/v2"}
			move("expires", "expiration")(m)
		}, "$.expiration"},
		{"proof created under the dcterms IRI", strictProof, move("created", "http://purl.org/dc/terms/created"), "$[\"http://purl.org/dc/terms/created\"]"},
	}
	p := NewProcessor(nil)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := strictDoc(t, tc.base)
			tc.edit(m)
			requireStrictProblem(t, p.Check(context.Background(), m), tc.path)
			_, err := p.Canonicalize(context.Background(), m, nil)
			require.ErrorIs(t, err, ErrStrictForm, "canonicalization (what a proof hashes) applies the same rule")
		})
	}
}

// TestAllowInlineContextsKeepsTheOtherRules: an inline context is admitted
// with the opt-in, but one that re-spells a security member is not.
func TestAllowInlineContextsKeepsTheOtherRules(t *testing.T) {
	p := NewProcessor(&ProcessorOptions{AllowInlineContexts: true})
	ctx := context.Background()

	m := strictDoc(t, strictBase)
	m["@context"] = append(m["@context"].([]any), map[string]any{"note": "https://example.com/vocab#note"})
	m["note"] = "fine"
	require.NoError(t, p.Check(ctx, m))
	require.ErrorIs(t, NewProcessor(nil).Check(ctx, m), ErrStrictForm, "the default refuses any inline context")

	m = strictDoc(t, strictBase)
	m["@context"] = append(m["@context"].([]any), map[string]any{"st": "https://www.w3.org/2018/credentials#credentialStatus"})
	m["st"] = m["credentialStatus"]
	delete(m, "credentialStatus")
	requireStrictProblem(t, p.Check(ctx, m), "$.st")

	m = strictDoc(t, strictBase)
	m["@context"] = append(m["@context"].([]any), map[string]any{"salt": "https://example.com/notSalt"})
	m["salt"] = "x"
	requireStrictProblem(t, p.Check(ctx, m), "$.salt")

	m = strictDoc(t, strictBase)
	m["@context"] = append(m["@context"].([]any), map[string]any{"myid": "@id"})
	m["credentialSubject"].(map[string]any)["myid"] = m["credentialSubject"].(map[string]any)["id"]
	delete(m["credentialSubject"].(map[string]any), "id")
	requireStrictProblem(t, p.Check(ctx, m), "$.credentialSubject.myid")

	// A property-scoped context may override protected terms: "id" and
	// "type" made ordinary properties would be read as the node's id and
	// type by anyone reading the JSON.
	for _, k := range []string{"id", "type"} {
		m = strictDoc(t, strictBase)
		m["@context"] = append(m["@context"].([]any), map[string]any{"scoped": map[string]any{
			"@id": "https://example.com/vocab#scoped", "@context": map[string]any{k: "https://example.com/vocab#" + k}}})
		m["credentialSubject"].(map[string]any)["scoped"] = map[string]any{k: "did:example:someone"}
		requireStrictProblem(t, p.Check(ctx, m), "$.credentialSubject.scoped."+k)
	}

	// A default language makes every plain string a tagged literal
	// (statusPurpose "revocation"@en) while the JSON reads a plain one.
	m = strictDoc(t, strictBase)
	m["@context"] = append(m["@context"].([]any), map[string]any{"@language": "en"})
	err := p.Check(ctx, m)
	require.ErrorIs(t, err, ErrStrictForm, "a context's default language")
	m = strictDoc(t, strictBase)
	m["@context"] = append(m["@context"].([]any), map[string]any{"note": map[string]any{"@id": "https://example.com/vocab#note", "@language": "en"}})
	m["note"] = "tagged by its term"
	require.ErrorIs(t, p.Check(ctx, m), ErrStrictForm, "a term's language mapping")
}

// TestReadBackFindsAStatementTheJSONDoesNotShow exercises the second line
// of defence on its own: a graph whose top-level node carries a pinned
// statement that the JSON lacks, or another value, is refused.
func TestReadBackFindsAStatementTheJSONDoesNotShow(t *testing.T) {
	root := rdf.Term{Kind: rdf.IRI, Value: "urn:c"}
	iri := func(s string) rdf.Term { return rdf.Term{Kind: rdf.IRI, Value: s} }
	lit := func(s string) rdf.Term {
		return rdf.Term{Kind: rdf.Literal, Value: s, Datatype: "http://www.w3.org/2001/XMLSchema#dateTime"}
	}
	until := iri(nsCred + "validUntil")
	issuer := iri(nsCred + "issuer")
	doc := map[string]any{"id": "urn:c", "issuer": "did:example:a", "validUntil": "2025-01-01T00:00:00Z"}
	good := []rdf.Quad{{Subject: root, Predicate: issuer, Object: iri("did:example:a")}, {Subject: root, Predicate: until, Object: lit("2025-01-01T00:00:00Z")}}
	require.NoError(t, readBack(doc, good, root))

	hidden := map[string]any{"id": "urn:c", "issuer": "did:example:a"}
	requireStrictProblem(t, readBack(hidden, good, root), "$.validUntil")

	other := slices.Clone(good)
	other[0].Object = iri("did:example:b")
	requireStrictProblem(t, readBack(doc, other, root), "$.issuer")

	two := append(slices.Clone(good), rdf.Quad{Subject: root, Predicate: until, Object: lit("2099-01-01T00:00:00Z")})
	requireStrictProblem(t, readBack(doc, two, root), "$.validUntil")

	// Statements about other nodes, or in named graphs, are not the top
	// level's.
	elsewhere := append(slices.Clone(good), rdf.Quad{Subject: iri("urn:other"), Predicate: until, Object: lit("2099-01-01T00:00:00Z")},
		rdf.Quad{Subject: root, Predicate: until, Object: lit("2099-01-01T00:00:00Z"), Graph: rdf.Term{Kind: rdf.BlankNode, Value: "g"}})
	require.NoError(t, readBack(doc, elsewhere, root))
}

// TestPinsAgreeWithContexts checks the pin table against every embedded
// context: each pinned key, wherever a context defines it (scoped contexts
// included), maps to one of its IRIs, and no other term of any context maps
// to a pinned IRI. A new embedded context that re-spells a security member
// fails here.
func TestPinsAgreeWithContexts(t *testing.T) {
	// Terms of embedded contexts that stand for a pinned IRI under another
	// name: strict mode refuses them as keys (security v1 "expiration" is
	// a proof's "expires").
	refused := map[string]bool{"expiration": true}
	byKey := map[string][]string{}
	for _, p := range pins {
		byKey[p.Key] = p.IRIs
	}
	files, err := filepath.Glob(filepath.Join("contexts", "*.json*"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var d map[string]any
		require.NoError(t, json.Unmarshal(b, &d))
		walkContext(d["@context"], map[string]string{}, func(term, iri string) {
			if want, ok := byKey[term]; ok {
				require.Contains(t, want, iri, "%s: %s maps to %s", filepath.Base(f), term, iri)
			}
			if j, ok := pinByIRI[iri]; ok && !refused[term] {
				require.Equal(t, pins[j].Key, term, "%s: %s maps to the pinned IRI %s", filepath.Base(f), term, iri)
			}
		})
	}
}

// walkContext calls fn for every term definition of a context (and of its
// scoped contexts), with compact IRIs expanded through the prefixes in
// scope.
// The prefixes a context defines stay in scope for the contexts after it
// in the same array (security v2 uses the prefixes of v1).
func walkContext(c any, prefixes map[string]string, fn func(term, iri string)) map[string]string {
	switch x := c.(type) {
	case []any:
		for _, it := range x {
			prefixes = walkContext(it, prefixes, fn)
		}
		return prefixes
	case string:
		if b, err := os.ReadFile(filepath.Join("contexts", contextFileFor(c.(string)))); err == nil {
			var d map[string]any
			if json.Unmarshal(b, &d) == nil {
				return walkContext(d["@context"], prefixes, func(string, string) {})
			}
		}
		return prefixes
	case map[string]any:
		p := make(map[string]string, len(prefixes)+4)
		for k, v := range prefixes {
			p[k] = v
		}
		for k, v := range x {
			id, _ := v.(string)
			if m, ok := v.(map[string]any); ok {
				id, _ = m["@id"].(string)
			}
			if strings.HasSuffix(id, "#") || strings.HasSuffix(id, "/") {
				p[k] = id
			}
		}
		expand := func(s string) string {
			if pre, suf, ok := strings.Cut(s, ":"); ok && !strings.HasPrefix(suf, "//") {
				if ns, ok := p[pre]; ok {
					return ns + suf
				}
				if ns, ok := wellKnownPrefixes[pre]; ok {
					// Defined by an enclosing scope this walk does not
					// track (the VC 1.1 context's nested type scopes).
					return ns + suf
				}
			}
			return s
		}
		for k, v := range x {
			if strings.HasPrefix(k, "@") {
				continue
			}
			id, _ := v.(string)
			if m, ok := v.(map[string]any); ok {
				id, _ = m["@id"].(string)
				if sc, ok := m["@context"]; ok {
					walkContext(sc, p, fn)
				}
			}
			if id != "" && !strings.HasPrefix(id, "@") {
				fn(k, expand(id))
			}
		}
		return p
	}
	return prefixes
}

// contextFileFor names the embedded file of a context URL ("" if none).
func contextFileFor(u string) string {
	b, err := os.ReadFile(filepath.Join("contexts", "index.json"))
	if err != nil {
		return ""
	}
	var idx map[string]string
	if json.Unmarshal(b, &idx) != nil {
		return ""
	}
	return idx[u]
}

var wellKnownPrefixes = map[string]string{
	"sec": nsSec, "cred": nsCred, "dc": nsDCTerms, "dct": nsDCTerms,
}
