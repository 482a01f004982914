package jsonld

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const obCredential = `{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  "id": "http://example.com/credentials/3527",
  "type": ["VerifiableCredential", "OpenBadgeCredential"],
  "issuer": {"id": "https://example.com/issuers/876543", "type": ["Profile"], "name": "Example Corp"},
  "validFrom": "2010-01-01T00:00:00Z",
  "name": "Teamwork Badge",
  "credentialSubject": {
    "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
    "type": ["AchievementSubject"],
    "achievement": {
      "id": "https://example.com/achievements/21st-century-skills/teamwork",
      "type": ["Achievement"],
      "criteria": {"narrative": "Team members are nominated."},
      "description": "This badge recognizes the development of the capacity to collaborate within a group environment.",
      "name": "Teamwork"
    }
  }
}`

func mustDoc(t testing.TB, s string) any {
	t.Helper()
	d, err := decodeNumber([]byte(s))
	require.NoError(t, err)
	return d
}

func safeModeErr(t *testing.T, err error) *SafeModeError {
	t.Helper()
	require.Error(t, err)
	var sm *SafeModeError
	require.True(t, errors.As(err, &sm), "want *SafeModeError, got %T: %v", err, err)
	require.True(t, strings.HasPrefix(err.Error(), "jsonld: "))
	return sm
}

// edit parses obCredential and applies f to it.
func edit(t *testing.T, f func(m map[string]any)) any {
	d := mustDoc(t, obCredential).(map[string]any)
	f(d)
	return d
}

func sub(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		m = m[k].(map[string]any)
	}
	return m
}

func TestBaselineCredential(t *testing.T) {
	p := NewProcessor(newTestLoader(t), nil)
	q, err := p.ToRDF(context.Background(), mustDoc(t, obCredential))
	require.NoError(t, err)
	require.NotEmpty(t, q)
}

func TestSafeModeUndefinedPropertyAtDepth(t *testing.T) {
	p := NewProcessor(newTestLoader(t), nil)
	doc := edit(t, func(m map[string]any) {
		sub(m, "credentialSubject", "achievement")["fooBar"] = "x"
	})
	_, err := p.ToRDF(context.Background(), doc)
	sm := safeModeErr(t, err)
	require.Len(t, sm.Problems, 1)
	require.Equal(t, "$.credentialSubject.achievement.fooBar", sm.Problems[0].Path)
	require.Equal(t, "fooBar", sm.Problems[0].Term)
	require.ErrorIs(t, err, ErrUndefinedTerm)
	require.NotErrorIs(t, err, ErrUndefinedType)
}

func TestSafeModeReportsEveryProblem(t *testing.T) {
	p := NewProcessor(newTestLoader(t), nil)
	doc := edit(t, func(m map[string]any) {
		m["topLevelJunk"] = 1
		sub(m, "issuer")["weird key"] = "x"
		sub(m, "credentialSubject", "achievement")["fooBar"] = "x"
		sub(m, "credentialSubject", "achievement", "criteria")["@foo"] = "x"
		sub(m, "credentialSubject")["type"] = []any{"AchievementSubject", "NoSuchType"}
		sub(m, "issuer")["id"] = "relative/issuer"
	})
	_, err := p.ToRDF(context.Background(), doc)
	sm := safeModeErr(t, err)
	got := map[string]error{}
	for _, pr := range sm.Problems {
		got[pr.Path] = pr.Reason
	}
	require.Equal(t, map[string]error{
		"$.topLevelJunk":                                ErrUndefinedTerm,
		`$.issuer["weird key"]`:                         ErrUndefinedTerm,
		"$.issuer.id":                                   ErrRelativeIRI,
		"$.credentialSubject.achievement.fooBar":        ErrUndefinedTerm,
		"$.credentialSubject.achievement.criteria.@foo": ErrKeywordMisuse,
		"$.credentialSubject.type[1]":                   ErrUndefinedType,
	}, got)
	for _, target := range []error{ErrUndefinedTerm, ErrUndefinedType, ErrRelativeIRI, ErrKeywordMisuse} {
		require.ErrorIs(t, err, target)
	}
	var pr *Problem
	require.True(t, errors.As(err, &pr))
}

func TestSafeModeUndefinedType(t *testing.T) {
	p := NewProcessor(newTestLoader(t), nil)
	doc := edit(t, func(m map[string]any) { m["type"] = []any{"VerifiableCredential", "OtherCredential"} })
	_, err := p.ToRDF(context.Background(), doc)
	sm := safeModeErr(t, err)
	require.Len(t, sm.Problems, 1)
	require.Equal(t, Problem{Path: "$.type[1]", Term: "OtherCredential", Reason: ErrUndefinedType}, sm.Problems[0])
}

func TestSafeModeRelativeID(t *testing.T) {
	p := NewProcessor(newTestLoader(t), nil)
	doc := edit(t, func(m map[string]any) { sub(m, "credentialSubject", "achievement")["id"] = "teamwork" })
	_, err := p.ToRDF(context.Background(), doc)
	sm := safeModeErr(t, err)
	require.Len(t, sm.Problems, 1)
	require.Equal(t, "$.credentialSubject.achievement.id", sm.Problems[0].Path)
	require.ErrorIs(t, err, ErrRelativeIRI)

	// With a base, the same document is fine.
	pb := NewProcessor(newTestLoader(t), &Options{Base: "https://example.com/badges/"})
	q, err := pb.ToRDF(context.Background(), doc)
	require.NoError(t, err)
	found := false
	for _, x := range q {
		found = found || x.Subject.Value == "https://example.com/badges/teamwork"
	}
	require.True(t, found)
}

func TestSafeModeInvalidLanguage(t *testing.T) {
	p := NewProcessor(newTestLoader(t), nil)
	doc := edit(t, func(m map[string]any) {
		m["name"] = map[string]any{"@value": "Teamwork", "@language": "en_US"}
		m["description"] = map[string]any{"@value": "ok", "@language": "en-US"}
	})
	_, err := p.ToRDF(context.Background(), doc)
	sm := safeModeErr(t, err)
	require.Len(t, sm.Problems, 1)
	require.Equal(t, "$.name.@language", sm.Problems[0].Path)
	require.ErrorIs(t, err, ErrInvalidLanguage)
}

func TestSafeModeInvalidValues(t *testing.T) {
	p := NewProcessor(newTestLoader(t), nil)
	doc := edit(t, func(m map[string]any) {
		m["id"] = 42
		m["name"] = map[string]any{"@value": "x", "@foo": "y"}
		m["description"] = map[string]any{"@value": []any{"x"}}
		m["@id"] = "urn:x"
		sub(m, "issuer")["type"] = 7
	})
	_, err := p.ToRDF(context.Background(), doc)
	sm := safeModeErr(t, err)
	require.ErrorIs(t, err, ErrInvalidID)
	require.ErrorIs(t, err, ErrInvalidValueObject)
	require.ErrorIs(t, err, ErrCollidingKeywords)
	require.ErrorIs(t, err, ErrInvalidTypeValue)
	require.GreaterOrEqual(t, len(sm.Problems), 5)
}

func TestProtectedTermRedefinition(t *testing.T) {
	p := NewProcessor(newTestLoader(t), nil)
	doc := mustDoc(t, `{
	  "@context": ["https://www.w3.org/ns/credentials/v2", {"VerifiableCredential": "https://evil.example/VC"}],
	  "type": "VerifiableCredential"
	}`)
	_, err := p.ToRDF(context.Background(), doc)
	sm := safeModeErr(t, err)
	require.ErrorIs(t, err, ErrProtectedTermRedefinition)
	require.Equal(t, "$.@context", sm.Problems[0].Path)
	require.Equal(t, "VerifiableCredential", sm.Problems[0].Term)

	// An identical redefinition is allowed.
	doc = mustDoc(t, `{
	  "@context": ["https://www.w3.org/ns/credentials/v2", {"@protected": true, "id": "@id"}],
	  "id": "urn:x", "name": "n"
	}`)
	_, err = p.ToRDF(context.Background(), doc)
	require.NoError(t, err)

	// A property-scoped context may override protected terms.
	doc = mustDoc(t, `{
	  "@context": [{"@protected": true, "a": "https://ex.org/a", "p": {"@id": "https://ex.org/p", "@context": {"a": "https://ex.org/other"}}}],
	  "p": {"a": "v"}
	}`)
	_, err = p.ToRDF(context.Background(), doc)
	require.NoError(t, err)
}

func TestInvalidContexts(t *testing.T) {
	p := NewProcessor(newTestLoader(t), nil)
	for name, ctx := range map[string]string{
		"bad version":      `{"@version": 1.0}`,
		"bad term":         `{"a": 5}`,
		"keyword redef":    `{"@id": "https://ex.org/"}`,
		"bad container":    `{"a": {"@id": "https://ex.org/a", "@container": "@bogus"}}`,
		"cyclic":           `{"a": "b:x", "b": "a:y"}`,
		"bad protected":    `{"@protected": "yes"}`,
		"nullify":          `[{"@protected": true, "a": "https://ex.org/a"}, null]`,
		"bad scoped ctx":   `{"a": {"@id": "https://ex.org/a", "@context": {"x": 5}}}`,
		"bad type mapping": `{"a": {"@id": "https://ex.org/a", "@type": "notaniri"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			doc := mustDoc(t, `{"@context": `+ctx+`, "@id": "urn:x", "https://ex.org/p": "v"}`)
			_, err := p.ToRDF(context.Background(), doc)
			sm := safeModeErr(t, err)
			require.Equal(t, "$.@context", sm.Problems[0].Path)
			var ce *ContextError
			_ = ce
			require.True(t, errors.Is(err, ErrInvalidContext) || errors.Is(err, ErrInvalidTermDefinition) ||
				errors.Is(err, ErrKeywordRedefinition) || errors.Is(err, ErrCyclicIRIMapping) ||
				errors.Is(err, ErrInvalidContextNullification), "%v", err)
		})
	}
}

func TestDroppedValues(t *testing.T) {
	p := NewProcessor(newTestLoader(t), nil)
	for name, doc := range map[string]string{
		"free-floating value":  `{"@context": {"@vocab": "https://ex.org/"}, "@graph": ["x", {"@id": "urn:a", "p": 1}]}`,
		"free-floating list":   `{"@context": {"@vocab": "https://ex.org/"}, "@graph": [{"@list": [1]}]}`,
		"@index":               `{"@context": {"@vocab": "https://ex.org/"}, "@id": "urn:a", "@index": "i", "p": 1}`,
		"only @language":       `{"@context": {"@vocab": "https://ex.org/"}, "@id": "urn:a", "p": {"@language": "en"}}`,
		"blank node predicate": `{"@context": {"@vocab": "https://ex.org/"}, "@id": "urn:a", "_:p": 1}`,
		"scalar document":      `"just a string"`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := p.ToRDF(context.Background(), mustDoc(t, doc))
			safeModeErr(t, err)
			require.ErrorIs(t, err, ErrDroppedValue)
		})
	}
}

func TestUnsupportedFeatures(t *testing.T) {
	p := NewProcessor(newTestLoader(t), nil)
	for name, doc := range map[string]string{
		"@import":        `{"@context": {"@import": "https://www.w3.org/ns/credentials/v2"}, "@id": "urn:a"}`,
		"@direction":     `{"@context": {"@vocab": "https://ex.org/"}, "p": {"@value": "x", "@direction": "rtl"}}`,
		"@nest":          `{"@context": {"@vocab": "https://ex.org/"}, "@nest": {"p": 1}}`,
		"language map":   `{"@context": {"@vocab": "https://ex.org/", "p": {"@container": "@language"}}, "p": {"en": "x"}}`,
		"relative vocab": `{"@context": {"@vocab": "rel"}, "p": 1}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := p.ToRDF(context.Background(), mustDoc(t, doc))
			require.ErrorIs(t, err, ErrUnsupported)
			var ue *UnsupportedError
			require.ErrorAs(t, err, &ue)
		})
	}
}
