package jsonld

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/piprate/json-gold/ld"

	"github.com/openbadges-go/openbadges/internal/rdf"
	"github.com/openbadges-go/openbadges/internal/rdfc"
)

// contextFiles reads testdata/contexts/index.json: URL -> file bytes.
var contextFiles = sync.OnceValues(func() (map[string][]byte, error) {
	idx, err := os.ReadFile(filepath.Join("testdata", "contexts", "index.json"))
	if err != nil {
		return nil, err
	}
	var m map[string]string
	if err := json.Unmarshal(idx, &m); err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(m))
	for u, f := range m {
		b, err := os.ReadFile(filepath.Join("testdata", "contexts", f))
		if err != nil {
			return nil, err
		}
		out[u] = b
	}
	return out, nil
})

func decodeNumber(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func decodePlain(b []byte) (any, error) {
	var v any
	err := json.Unmarshal(b, &v)
	return v, err
}

// testLoader serves the testdata contexts to our engine, counting loads.
type testLoader struct {
	files map[string][]byte
	mu    sync.Mutex
	loads int
}

func newTestLoader(t testing.TB) *testLoader {
	t.Helper()
	f, err := contextFiles()
	if err != nil {
		t.Fatal(err)
	}
	return &testLoader{files: f}
}

func (l *testLoader) LoadContext(_ context.Context, u string) (any, error) {
	l.mu.Lock()
	l.loads++
	l.mu.Unlock()
	b, ok := l.files[u]
	if !ok {
		return nil, fmt.Errorf("unknown context %s", u)
	}
	return decodeNumber(b)
}

// goldLoader serves the same contexts to json-gold (never its default loader).
type goldLoader struct{ files map[string][]byte }

func (g goldLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	b, ok := g.files[u]
	if !ok {
		return nil, fmt.Errorf("unknown context %s", u)
	}
	v, err := decodePlain(b)
	if err != nil {
		return nil, err
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: v}, nil
}

func goldOptions(t testing.TB) *ld.JsonLdOptions {
	f, err := contextFiles()
	if err != nil {
		t.Fatal(err)
	}
	o := ld.NewJsonLdOptions("")
	o.DocumentLoader = goldLoader{files: f}
	o.SafeMode = true
	o.ProcessingMode = ld.JsonLd_1_1
	return o
}

// goldToRDF runs json-gold's ToRDF and converts the dataset.
func goldToRDF(t testing.TB, doc any) (quads []rdf.Quad, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("json-gold panicked: %v", r)
		}
	}()
	res, err := ld.NewJsonLdProcessor().ToRDF(doc, goldOptions(t))
	if err != nil {
		return nil, err
	}
	ds, ok := res.(*ld.RDFDataset)
	if !ok {
		return nil, fmt.Errorf("json-gold returned %T", res)
	}
	for _, qs := range ds.Graphs {
		for _, q := range qs {
			quads = append(quads, rdf.Quad{
				Subject: goldTerm(q.Subject), Predicate: goldTerm(q.Predicate),
				Object: goldTerm(q.Object), Graph: goldTerm(q.Graph),
			})
		}
	}
	return quads, nil
}

func goldTerm(n ld.Node) rdf.Term {
	switch v := n.(type) {
	case ld.IRI:
		return rdf.NewIRI(v.Value)
	case ld.BlankNode:
		return rdf.NewBlank(strings.TrimPrefix(v.Attribute, "_:"))
	case ld.Literal:
		return rdf.NewLiteral(v.Value, v.Datatype, v.Language)
	}
	return rdf.Term{}
}

// canon returns the RDFC-1.0 canonical N-Quads of quads.
func canon(t testing.TB, quads []rdf.Quad) (string, error) {
	t.Helper()
	r, err := rdfc.Canonicalize(context.Background(), quads, nil)
	if err != nil {
		return "", err
	}
	return string(r.NQuads), nil
}

// fixture is one JSON-LD test document.
type fixture struct {
	name string
	raw  []byte
}

// fixtures lists every JSON file under testdata/fixtures that is a JSON-LD
// document (an object with @context).
func fixtures(t testing.TB) []fixture {
	t.Helper()
	var out []fixture
	err := filepath.WalkDir(filepath.Join("testdata", "fixtures"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) != nil {
			return nil
		}
		if _, ok := m["@context"]; !ok {
			return nil
		}
		out = append(out, fixture{name: strings.TrimPrefix(filepath.ToSlash(p), "testdata/fixtures/"), raw: b})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
