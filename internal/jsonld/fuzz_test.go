package jsonld

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/piprate/json-gold/ld"

	"github.com/openbadges-go/openbadges/internal/rdf"
)

// Snippets and key names the structured mutator inserts.
var (
	fuzzSnippets = []string{
		`"urn:x"`, `"_:b1"`, `"relative"`, `"did:example:123"`, `"https://example.com/a b"`, `1`, `1.5`, `-0`, `1e21`, `true`, `null`,
		`[]`, `{}`, `{"@id": "urn:y"}`, `{"@value": "v", "@language": "en-GB"}`, `{"@value": "v", "@language": "x_y"}`,
		`{"@value": 5, "@type": "http://www.w3.org/2001/XMLSchema#integer"}`, `{"@list": [1, "a", [2]]}`, `{"@set": ["s", 2]}`,
		`{"@graph": [{"id": "urn:g", "name": "n"}]}`, `{"type": "Achievement", "name": "x"}`, `{"type": ["Profile"], "id": "urn:p"}`,
		`{"@context": {"@vocab": "https://ex.org/"}, "foo": 1}`, `{"@context": {"n": "https://ex.org/n"}, "n": {"n": 2}}`,
		`"AchievementSubject"`, `["Profile", "Achievement"]`, `{"@reverse": {"name": {"id": "urn:r"}}}`,
		`{"@included": [{"id": "urn:i", "name": "inc"}]}`, `{"@value": {"a": 1}, "@type": "@json"}`, `{"id": 5}`,
		`{"type": "EndorsementCredential", "credentialSubject": {"id": "urn:s"}}`, `"\u0000\u001f\""`,
	}
	fuzzKeys = []string{
		"name", "description", "id", "type", "@id", "@type", "achievement", "credentialSubject", "issuer", "proof",
		"@included", "@reverse", "endorsement", "image", "https://ex.org/p", "ex:p", "@graph", "@context", "result",
		"alignment", "narrative", "criteria", "evidence", "undefinedTerm", "@value", "@list", "@language", "_:bp", "@index",
		"", "@", "validUntil", "credentialStatus",
	}
)

// containers lists the maps and arrays of v in a deterministic order.
func containers(v any, out []any) []any {
	switch x := v.(type) {
	case map[string]any:
		out = append(out, x)
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			out = containers(x[k], out)
		}
	case []any:
		out = append(out, x)
		for _, it := range x {
			out = containers(it, out)
		}
	}
	return out
}

func snippet(i byte) any {
	v, _ := decodeNumber([]byte(fuzzSnippets[int(i)%len(fuzzSnippets)]))
	return v
}

// mutate applies structured edits chosen by ops to doc.
func mutate(doc any, ops []byte) any {
	for len(ops) >= 3 && len(ops) <= 3*12 {
		a, b, c := ops[0], ops[1], ops[2]
		ops = ops[3:]
		cs := containers(doc, nil)
		if len(cs) == 0 {
			return doc
		}
		switch t := cs[int(a)%len(cs)].(type) {
		case map[string]any:
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			var k string
			if len(keys) > 0 {
				k = keys[int(c)%len(keys)]
			}
			switch b % 5 {
			case 0:
				if k != "" {
					t[k] = snippet(c / 3)
				}
			case 1:
				delete(t, k)
			case 2:
				t[fuzzKeys[int(c)%len(fuzzKeys)]] = snippet(c / 7)
			case 3:
				if k != "" {
					t[k] = []any{t[k]}
				}
			case 4:
				if k != "" {
					v := t[k]
					delete(t, k)
					t[fuzzKeys[int(c)%len(fuzzKeys)]] = v
				}
			}
		case []any:
			if len(t) > 0 {
				t[int(c)%len(t)] = snippet(b)
			}
		}
	}
	return doc
}

// goldKnownBug reports inputs where json-gold is known to be wrong, so
// that outputs are not compared: big or long numbers (int64/float64
// conversion), JSON literals that are not objects, and http(s) IRIs its
// URL regular expression rejects (it drops those quads silently).
func goldKnownBug(raw []byte, quads []rdf.Quad) bool {
	d := json.NewDecoder(strings.NewReader(string(raw)))
	d.UseNumber()
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		if n, ok := tok.(json.Number); ok {
			s := strings.TrimLeft(strings.TrimPrefix(string(n), "-"), "0.")
			if len(s) > 15 || strings.ContainsAny(string(n), "eE") {
				return true
			}
		}
	}
	for _, q := range quads {
		for _, t := range []rdf.Term{q.Subject, q.Predicate, q.Object, q.Graph} {
			if t.Kind == rdf.IRI && (strings.HasPrefix(t.Value, "http://") || strings.HasPrefix(t.Value, "https://")) && !ld.IsURL(t.Value) {
				return true
			}
			if t.Kind == rdf.Literal && t.Datatype == rdfJSON && !strings.HasPrefix(t.Value, "{") {
				return true
			}
		}
	}
	return false
}

// FuzzToRDF never panics and, where both this engine and json-gold
// succeed, produces the same canonical dataset. Inputs are a JSON document
// (or, if it does not parse, a seed credential) and structured mutations.
func FuzzToRDF(f *testing.F) {
	seeds := [][]byte{[]byte(obCredential)}
	for _, fx := range fixtures(f) {
		if strings.Contains(fx.name, "/spec/") || strings.Contains(fx.name, "vc-di-eddsa") {
			seeds = append(seeds, fx.raw)
		}
	}
	for _, src := range featureDocs {
		seeds = append(seeds, []byte(src))
	}
	for i, s := range seeds {
		f.Add(s, []byte{})
		f.Add(s, []byte{byte(i), byte(i * 7), byte(i * 13), 5, 2, 9})
	}
	p := NewProcessor(newTestLoader(f), &Options{MaxQuads: 5000})
	f.Fuzz(func(t *testing.T, data, ops []byte) {
		if len(data) > 1<<16 {
			return
		}
		doc, err := decodeNumber(data)
		if err != nil {
			doc, _ = decodeNumber(seeds[len(data)%len(seeds)])
		}
		doc = mutate(doc, ops)
		raw, err := json.Marshal(doc)
		if err != nil || len(raw) > 1<<17 {
			return
		}
		docN, err := decodeNumber(raw)
		if err != nil {
			return
		}
		ours, oerr := p.ToRDF(context.Background(), docN)
		if oerr != nil {
			if !strings.HasPrefix(oerr.Error(), "jsonld: ") {
				t.Fatalf("error without prefix: %v", oerr)
			}
			return
		}
		for _, q := range ours {
			if err := q.Validate(); err != nil {
				t.Fatalf("invalid quad %v: %v", q, err)
			}
		}
		docP, err := decodePlain(raw)
		if err != nil {
			return
		}
		gold, gerr := goldToRDF(t, docP)
		if gerr != nil || goldKnownBug(raw, ours) {
			return
		}
		co, err := canon(t, ours)
		if err != nil {
			return
		}
		cg, err := canon(t, gold)
		if err != nil {
			return
		}
		if co != cg {
			t.Fatalf("canonical N-Quads differ for %s\n--- ours\n%s--- json-gold\n%s", raw, co, cg)
		}
	})
}

// testStrict is a strict configuration for the engine's own tests (the
// real pin table lives in package vc).
var testStrict = &Strict{
	Pins: []Pin{
		{Key: "issuer", IRIs: []string{"https://www.w3.org/2018/credentials#issuer"}, Single: true},
		{Key: "validUntil", IRIs: []string{"https://www.w3.org/2018/credentials#validUntil"}, Single: true},
		{Key: "credentialStatus", IRIs: []string{"https://www.w3.org/2018/credentials#credentialStatus"}},
		{Key: "expires", IRIs: []string{"https://w3id.org/security#expiration"}, Single: true},
	},
	NoMerge:        []string{"credentialStatus", "proof"},
	NestedContexts: []string{"verifiableCredential", "endorsement", "proof"},
	Embedded:       []string{"verifiableCredential", "endorsement"},
}

// FuzzStrictOnlyRefuses: strict mode never panics and never changes the
// dataset: a document it accepts gives exactly the quads (and top-level
// subject) of the ordinary conversion.
func FuzzStrictOnlyRefuses(f *testing.F) {
	seeds := [][]byte{[]byte(obCredential)}
	for _, src := range featureDocs {
		seeds = append(seeds, []byte(src))
	}
	for i, s := range seeds {
		f.Add(s, []byte{})
		f.Add(s, []byte{byte(i), byte(i * 7), 3, 5, 2, 9})
	}
	loader := newTestLoader(f)
	plain := NewProcessor(loader, &Options{MaxQuads: 5000})
	strict := NewProcessor(loader, &Options{MaxQuads: 5000, Strict: testStrict})
	f.Fuzz(func(t *testing.T, data, ops []byte) {
		if len(data) > 1<<16 {
			return
		}
		doc, err := decodeNumber(data)
		if err != nil {
			doc, _ = decodeNumber(seeds[len(data)%len(seeds)])
		}
		doc = mutate(doc, ops)
		var sq []string
		var sroot rdf.Term
		serr := strict.ToRDFFunc(context.Background(), doc, func(q []rdf.Quad, root rdf.Term) error {
			for _, x := range q {
				sq = append(sq, x.String())
			}
			sroot = root
			return nil
		})
		if serr != nil {
			if !strings.HasPrefix(serr.Error(), "jsonld: ") {
				t.Fatalf("error without prefix: %v", serr)
			}
			return
		}
		var pq []string
		var proot rdf.Term
		perr := plain.ToRDFFunc(context.Background(), doc, func(q []rdf.Quad, root rdf.Term) error {
			for _, x := range q {
				pq = append(pq, x.String())
			}
			proot = root
			return nil
		})
		if perr != nil {
			t.Fatalf("strict mode accepted what the ordinary conversion refuses: %v", perr)
		}
		if !slices.Equal(sq, pq) || sroot != proot {
			t.Fatalf("strict mode changed the dataset:\n%v\n%v", sq, pq)
		}
	})
}
