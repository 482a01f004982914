package jsonld

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/internal/rdf"
)

// featureDocs exercise the supported subset; each must give the same
// canonical dataset as json-gold.
var featureDocs = map[string]string{
	"list container": `{"@context": {"@vocab": "https://ex.org/", "l": {"@container": "@list"}},
		"@id": "urn:a", "l": [1, "two", {"@id": "urn:b", "p": true}, [3, 4], []]}`,
	"list object":          `{"@context": {"@vocab": "https://ex.org/"}, "@id": "urn:a", "p": {"@list": ["x", {"@list": []}]}, "q": {"@list": []}}`,
	"empty list container": `{"@context": {"@vocab": "https://ex.org/", "l": {"@container": "@list"}}, "@id": "urn:a", "l": []}`,
	"graph container": `{"@context": {"@vocab": "https://ex.org/", "g": {"@container": "@graph"}},
		"@id": "urn:a", "g": [{"@id": "urn:b", "p": 1}, {"p": 2, "g": {"p": 3}}]}`,
	"graph object":    `{"@context": {"@vocab": "https://ex.org/"}, "@id": "urn:a", "p": {"@id": "urn:g", "@graph": [{"@id": "urn:b", "q": 1}]}}`,
	"top graph":       `{"@context": {"@vocab": "https://ex.org/"}, "@graph": [{"@id": "urn:a", "p": 1}, {"@id": "urn:b", "p": 2}]}`,
	"named top graph": `{"@context": {"@vocab": "https://ex.org/"}, "@id": "urn:g", "@graph": [{"@id": "urn:a", "p": 1}]}`,
	"included":        `{"@context": {"@vocab": "https://ex.org/"}, "@id": "urn:a", "p": 1, "@included": [{"@id": "urn:b", "p": 2}]}`,
	"reverse keyword": `{"@context": {"@vocab": "https://ex.org/"}, "@id": "urn:a", "@reverse": {"knows": [{"@id": "urn:b"}, {"p": 1}]}}`,
	"reverse term":    `{"@context": {"@vocab": "https://ex.org/", "r": {"@reverse": "https://ex.org/knows"}}, "@id": "urn:a", "r": {"@id": "urn:b"}}`,
	"json literal": `{"@context": {"@vocab": "https://ex.org/", "j": {"@type": "@json"}}, "@id": "urn:a",
		"j": {"z": [1.0, 2.5e3, "\u00e9\u0007"], "a": {"c": null, "b": false}}}`,
	"language": `{"@context": {"@vocab": "https://ex.org/", "@language": "EN", "fr": {"@language": "fr"}, "none": {"@language": null}},
		"@id": "urn:a", "p": "hello", "fr": "bonjour", "none": "x", "v": {"@value": "y", "@language": "de-CH"}}`,
	"coercion": `{"@context": {"@vocab": "https://ex.org/", "xsd": "http://www.w3.org/2001/XMLSchema#",
		"d": {"@type": "xsd:dateTime"}, "i": {"@type": "@id"}, "v": {"@type": "@vocab"}, "T": "https://ex.org/types/T",
		"n": {"@type": "xsd:decimal"}, "dbl": {"@type": "xsd:double"}},
		"@id": "urn:a", "d": "2020-01-01T00:00:00Z", "i": ["urn:b", "_:x"], "v": ["T", "urn:c"], "n": 5, "dbl": 5,
		"b": [true, false], "num": [1, -7, 1.5, 0.1, 1e3, 2.0, -0, 1e15, 1e21, 123456.789e-2]}`,
	"typed value": `{"@context": {"@vocab": "https://ex.org/", "xsd": "http://www.w3.org/2001/XMLSchema#"},
		"@id": "urn:a", "p": {"@value": "5", "@type": "xsd:integer"}, "q": {"@value": 5, "@type": "xsd:string"}}`,
	"blank ids":  `{"@context": {"@vocab": "https://ex.org/"}, "@id": "_:a", "knows": {"@id": "_:b", "knows": {"@id": "_:a"}}}`,
	"set object": `{"@context": {"@vocab": "https://ex.org/"}, "@id": "urn:a", "p": {"@set": [1, 2, [3]]}}`,
	"duplicates": `{"@context": {"@vocab": "https://ex.org/"}, "@id": "urn:a", "p": [1, 1, "x", "x"], "q": [{"@id": "urn:b"}, {"@id": "urn:b"}]}`,
	"compact iris": `{"@context": {"ex": "https://ex.org/", "ex2": {"@id": "https://ex2.org/", "@prefix": true}},
		"@id": "ex:a", "ex:p": "1", "ex2:q": {"@id": "ex:b"}, "https://abs.org/r": 2, "@type": ["ex:T", "ex2:U"]}`,
	"base": `{"@context": {"@base": "https://base.example/dir/", "@vocab": "https://ex.org/", "i": {"@type": "@id"}},
		"@id": "doc", "i": ["../up", "#frag", "?q=1"]}`,
	"type scoped": `{"@context": {"@vocab": "https://ex.org/", "T": {"@id": "https://ex.org/T", "@context": {"s": "https://scoped.org/s"}}},
		"@type": "T", "s": 1, "child": {"s": 2}, "val": {"@value": "x"}}`,
	"type scoped propagate": `{"@context": {"@vocab": "https://ex.org/", "T": {"@id": "https://ex.org/T", "@context": {"@propagate": true, "s": "https://scoped.org/s"}}},
		"@type": "T", "s": 1, "child": {"s": 2}}`,
	"property scoped": `{"@context": {"@vocab": "https://ex.org/", "p": {"@id": "https://ex.org/p", "@context": {"s": "https://scoped.org/s"}}},
		"p": {"s": 1, "child": {"s": 2}}, "s": 3}`,
	"property scoped scalar": `{"@context": {"@vocab": "https://ex.org/", "p": {"@id": "https://ex.org/p", "@context": {"@language": "fr"}}},
		"p": "x"}`,
	"embedded context": `{"@context": {"@vocab": "https://ex.org/"}, "p": {"@context": {"@vocab": "https://other.org/"}, "q": 1}}`,
	"null context":     `{"@context": [{"@vocab": "https://ex.org/"}, null, {"x": "https://x.org/"}], "x": 1}`,
	"type alias":       `{"@context": {"@vocab": "https://ex.org/", "kind": "@type", "ident": "@id"}, "ident": "urn:a", "kind": ["A", "B"]}`,
	"array root":       `[{"@context": {"@vocab": "https://ex.org/"}, "@id": "urn:a", "p": 1}, {"@context": {"@vocab": "https://ex.org/"}, "@id": "urn:b", "p": 2}]`,
	"nulls":            `{"@context": {"@vocab": "https://ex.org/"}, "@id": "urn:a", "p": null, "q": [null, 1], "r": {"@value": null}}`,
	"vc v1": `{"@context": ["https://www.w3.org/2018/credentials/v1", "https://www.w3.org/2018/credentials/examples/v1"],
		"id": "http://example.edu/credentials/1872", "type": ["VerifiableCredential", "AlumniCredential"],
		"issuer": "https://example.edu/issuers/565049", "issuanceDate": "2010-01-01T19:23:24Z",
		"credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21", "alumniOf": {"id": "did:example:c276e12ec21ebfeb1f712ebc6f1", "name": "Example University"}},
		"proof": {"type": "Ed25519Signature2018", "created": "2017-06-18T21:19:10Z", "proofPurpose": "assertionMethod",
		  "verificationMethod": "https://example.edu/issuers/565049#key-1", "jws": "eyJ"}}`,
	"jws2020 json": `{"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"], "id": "did:example:123",
		"verificationMethod": [{"id": "did:example:123#k", "type": "JsonWebKey2020", "controller": "did:example:123",
		  "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": "VCpo2LMLhn6iWku8MKvSLg2ZAoC-nlOyPVQaO3FxVeQ"}}]}`,
	// A term whose IRI is a blank node identifier is not a prefix
	// (jsonld.js and json-gold): "xsd:integer" stays an absolute IRI.
	"blank node term is no prefix": `{"@context": {"@vocab": "https://ex.org/", "xsd": "_:b1"}, "@id": "urn:a", "@type": "xsd:integer", "p": {"@value": "1", "@type": "xsd:integer"}}`,
	"vc v2 full": `{"@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
		"id": "urn:uuid:1", "type": ["VerifiableCredential", "ExampleCredential"], "issuer": {"id": "did:example:issuer", "name": {"@value": "Iss", "@language": "en"}},
		"validFrom": "2024-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:s", "score": 12345678, "ratio": 0.25},
		"credentialSchema": {"id": "https://ex.org/schema.json", "type": "JsonSchema"},
		"proof": [{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2024-01-01T00:00:00Z",
		  "verificationMethod": "did:example:issuer#k", "proofPurpose": "assertionMethod", "proofValue": "z3"},
		  {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod", "verificationMethod": "did:example:issuer#k2", "previousProof": "urn:p1"}]}`,
}

func TestFeaturesAgainstJSONGold(t *testing.T) {
	p := NewProcessor(newTestLoader(t), nil)
	for name, src := range featureDocs {
		t.Run(name, func(t *testing.T) {
			ours, err := p.ToRDF(context.Background(), mustDoc(t, src))
			require.NoError(t, err)
			docP, err := decodePlain([]byte(src))
			require.NoError(t, err)
			gold, err := goldToRDF(t, docP)
			require.NoError(t, err)
			co, err := canon(t, ours)
			require.NoError(t, err)
			cg, err := canon(t, gold)
			require.NoError(t, err)
			require.Equal(t, cg, co)
		})
	}
}

func literalOf(t *testing.T, p *Processor, src, pred string) []rdf.Term {
	t.Helper()
	q, err := p.ToRDF(context.Background(), mustDoc(t, src))
	require.NoError(t, err)
	var out []rdf.Term
	for _, x := range q {
		if x.Predicate.Value == pred {
			out = append(out, x.Object)
		}
	}
	return out
}

// TestNumbers covers the spec behaviour where json-gold is wrong (big
// integers go through int64 there).
func TestNumbers(t *testing.T) {
	p := NewProcessor(nil, nil)
	for in, want := range map[string]rdf.Term{
		"12345678901234567890":   {Kind: rdf.Literal, Value: "12345678901234567890", Datatype: xsdInteger},
		"-98765432109876543210":  {Kind: rdf.Literal, Value: "-98765432109876543210", Datatype: xsdInteger},
		"999999999999999999999":  {Kind: rdf.Literal, Value: "999999999999999999999", Datatype: xsdInteger},
		"1e21":                   {Kind: rdf.Literal, Value: "1.0E21", Datatype: xsdDouble},
		"1.1":                    {Kind: rdf.Literal, Value: "1.1E0", Datatype: xsdDouble},
		"0.0":                    {Kind: rdf.Literal, Value: "0", Datatype: xsdInteger},
		"-0":                     {Kind: rdf.Literal, Value: "0", Datatype: xsdInteger},
		"1.50e1":                 {Kind: rdf.Literal, Value: "15", Datatype: xsdInteger},
		"12.5e-1":                {Kind: rdf.Literal, Value: "1.25E0", Datatype: xsdDouble},
		"1e-7":                   {Kind: rdf.Literal, Value: "1.0E-7", Datatype: xsdDouble},
		"123456789012345678e200": {Kind: rdf.Literal, Value: "1.234567890123457E217", Datatype: xsdDouble},
		"1e20":                   {Kind: rdf.Literal, Value: "100000000000000000000", Datatype: xsdInteger},
	} {
		got := literalOf(t, p, `{"@id": "urn:a", "https://ex.org/p": `+in+`}`, "https://ex.org/p")
		require.Equal(t, []rdf.Term{want}, got, in)
	}
	_, err := p.ToRDF(context.Background(), mustDoc(t, `{"@id": "urn:a", "https://ex.org/p": 1e400}`))
	require.ErrorIs(t, err, ErrInvalidNumber)
}

func TestJSONLiteralCanonical(t *testing.T) {
	p := NewProcessor(nil, nil)
	got := literalOf(t, p, `{"@context": {"j": {"@id": "https://ex.org/j", "@type": "@json"}}, "@id": "urn:a",
		"j": {"b": [1.0, 1e30, 0.000001, "\u0001\"\\/\u00e9"], "a": null, "\u00e9": 1, "Z": true}}`, "https://ex.org/j")
	require.Equal(t, []rdf.Term{{Kind: rdf.Literal, Datatype: rdfJSON,
		Value: `{"Z":true,"a":null,"b":[1,1e+30,0.000001,"\u0001\"\\/é"],"é":1}`}}, got)
	got = literalOf(t, p, `{"@context": {"j": {"@id": "https://ex.org/j", "@type": "@json"}}, "@id": "urn:a", "j": [1, "x"]}`, "https://ex.org/j")
	require.Equal(t, `[1,"x"]`, got[0].Value)
}

func TestLimits(t *testing.T) {
	l := newTestLoader(t)
	deep := strings.Repeat(`{"https://ex.org/p": `, 100) + "1" + strings.Repeat("}", 100)
	_, err := NewProcessor(l, &Options{MaxDepth: 50}).ToRDF(context.Background(), mustDoc(t, deep))
	var le *LimitError
	require.ErrorAs(t, err, &le)
	require.Equal(t, "MaxDepth", le.Limit)
	require.ErrorIs(t, err, ErrLimit)

	_, err = NewProcessor(l, &Options{MaxQuads: 5}).ToRDF(context.Background(), mustDoc(t, obCredential))
	require.ErrorAs(t, err, &le)
	require.Equal(t, "MaxQuads", le.Limit)

	_, err = NewProcessor(l, &Options{MaxContexts: 1}).ToRDF(context.Background(), mustDoc(t, obCredential))
	require.ErrorAs(t, err, &le)
	require.Equal(t, "MaxContexts", le.Limit)

	_, err = NewProcessor(l, &Options{MaxContextChain: 1}).ToRDF(context.Background(), mustDoc(t, obCredential))
	require.ErrorAs(t, err, &le)
	require.Equal(t, "MaxContextChain", le.Limit)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = NewProcessor(l, nil).ToRDF(ctx, mustDoc(t, obCredential))
	require.ErrorIs(t, err, context.Canceled)

	// A recursive remote context is an error, not a loop.
	rec := LoaderFunc(func(_ context.Context, u string) (any, error) {
		return map[string]any{"@context": []any{"https://loop.example/a"}}, nil
	})
	_, err = NewProcessor(rec, nil).ToRDF(context.Background(), mustDoc(t, `{"@context": "https://loop.example/a", "@id": "urn:a"}`))
	require.Error(t, err)
	require.True(t, errors.Is(err, ErrRecursiveContext) || errors.Is(err, ErrLimit), "%v", err)
}

func TestLoadError(t *testing.T) {
	_, err := NewProcessor(newTestLoader(t), nil).ToRDF(context.Background(), mustDoc(t, `{"@context": "https://unknown.example/ctx", "@id": "urn:a"}`))
	require.ErrorIs(t, err, ErrLoadContext)
	var le *LoadError
	require.ErrorAs(t, err, &le)
	require.Equal(t, "https://unknown.example/ctx", le.URL)
}

// TestContextCache checks that contexts are loaded and compiled once and
// that a Processor is safe for concurrent use (run with -race).
func TestContextCache(t *testing.T) {
	l := newTestLoader(t)
	p := NewProcessor(l, nil)
	first, err := p.ToRDF(context.Background(), mustDoc(t, obCredential))
	require.NoError(t, err)
	loads := l.loads
	require.Equal(t, 2, loads)
	want, err := canon(t, first)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				q, err := p.ToRDF(context.Background(), mustDoc(t, obCredential))
				if err != nil {
					t.Error(err)
					return
				}
				got, err := canon(t, q)
				if err != nil || got != want {
					t.Error("different output", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	require.Equal(t, loads, l.loads)
	require.Positive(t, p.trans.len())

	// A tiny cache still works (entries are evicted and rebuilt).
	small := NewProcessor(l, &Options{CacheSize: 1})
	for i := 0; i < 3; i++ {
		q, err := small.ToRDF(context.Background(), mustDoc(t, obCredential))
		require.NoError(t, err)
		got, err := canon(t, q)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
	require.LessOrEqual(t, small.trans.len(), 1)
}
