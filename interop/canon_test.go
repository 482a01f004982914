package interop

import (
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/internal/jsonld"
	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/internal/rdfc"
	"github.com/openbadges-go/openbadges/vc"
)

// jsCanonRequest is run.mjs's canon input.
type jsCanonRequest struct {
	Contexts  map[string]json.RawMessage `json:"contexts"`
	Documents []jsCanonDoc               `json:"documents"`
}

type jsCanonDoc struct {
	Name     string          `json:"name"`
	Document json.RawMessage `json:"document"`
	Hash     string          `json:"hash"` // "SHA-256" or "SHA-384"
}

type jsCanonResult struct {
	Name   string `json:"name"`
	NQuads string `json:"nquads"`
	Error  string `json:"error"`
}

// canonCase is one document to canonicalize on both sides, with Go's
// canonical N-Quads.
type canonCase struct {
	name   string
	doc    json.RawMessage
	hash   crypto.Hash
	engine string // which Go path produced nquads
	nquads string
	// contextOnly: the document has no member but @context.
	contextOnly bool
}

// fixtureFiles lists the *.json and *.jsonld files in the repository's
// testdata folders (not fuzz corpora), one per distinct content, by path
// relative to the module root.
func fixtureFiles(t *testing.T) []string {
	t.Helper()
	seen := map[[32]byte]bool{}
	var files []string
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", ".git", "fuzz", "interop":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.Contains(filepath.ToSlash(path), "/testdata/") {
			return nil
		}
		if ext := filepath.Ext(path); ext != ".json" && ext != ".jsonld" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		if seen[h] {
			return nil
		}
		seen[h] = true
		files = append(files, path)
		return nil
	})
	require.NoError(t, err)
	return files
}

// contextLoader serves the embedded contexts to the internal JSON-LD engine.
type contextLoader struct{ l vc.DocumentLoader }

func (c contextLoader) LoadContext(ctx context.Context, url string) (any, error) {
	d, err := c.l.LoadDocument(ctx, url)
	if err != nil {
		return nil, err
	}
	return d.Document, nil
}

// goCanonical returns the RDFC-1.0 canonical N-Quads of doc: through
// vc.Processor (what issuing and verifying use: safe mode and the strict
// compact form, inline contexts allowed) when it accepts the document, else
// through the JSON-LD engine under it (safe mode only) and rdfc, so that
// fixtures written in other spellings are compared too. It reports which
// path it used.
func goCanonical(ctx context.Context, doc any, h crypto.Hash) (nquads, engine string, err error) {
	p := vc.NewProcessor(&vc.ProcessorOptions{AllowInlineContexts: true})
	c, strictErr := p.Canonicalize(ctx, doc, &vc.CanonicalizeOptions{Hash: h})
	if strictErr == nil {
		return string(c.NQuads), "vc.Processor", nil
	}
	quads, err := jsonld.NewProcessor(contextLoader{vc.EmbeddedLoader()}, nil).ToRDF(ctx, doc)
	if err != nil {
		return "", "", err
	}
	r, err := rdfc.Canonicalize(ctx, quads, &rdfc.Options{Hash: h})
	if err != nil {
		return "", "", err
	}
	return string(r.NQuads), "internal/jsonld+rdfc", nil
}

// TestCanonicalNQuadsAgree canonicalizes every JSON-LD document in the
// repository's testdata folders with Go and with jsonld.canonize (RDFC-1.0,
// safe mode, no base IRI: what the RDFC cryptosuites hash), with SHA-256 (and
// SHA-384 when it has blank nodes), with and without its proof, and requires
// the same N-Quads.
// Documents Go cannot canonicalize (an unknown context, a safe-mode
// problem, not JSON-LD) are skipped and counted.
func TestCanonicalNQuadsAgree(t *testing.T) {
	t.Parallel()
	node := requireNode(t)
	ctx := t.Context()

	var cases []canonCase
	skipped := map[string][]string{}
	files := fixtureFiles(t)
	for _, path := range files {
		rel := strings.TrimPrefix(filepath.ToSlash(path), "../")
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		v, err := jsonx.Parse(b, nil)
		if err != nil {
			skipped["not strict JSON"] = append(skipped["not strict JSON"], rel)
			continue
		}
		m, ok := v.(map[string]any)
		if !ok || m["@context"] == nil {
			skipped["no top-level @context"] = append(skipped["no top-level @context"], rel)
			continue
		}
		variants := []struct {
			suffix string
			doc    map[string]any
		}{{"", m}}
		if _, has := m["proof"]; has {
			d := maps.Clone(m)
			delete(d, "proof")
			variants = append(variants, struct {
				suffix string
				doc    map[string]any
			}{" (without proof)", d})
		}
		for _, vr := range variants {
			for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384} {
				nq, engine, err := goCanonical(ctx, vr.doc, h)
				if err != nil {
					reason := "Go refuses: " + firstLine(err.Error())
					if vr.suffix == "" && h == crypto.SHA256 {
						skipped[reason] = append(skipped[reason], rel)
					}
					break
				}
				if h == crypto.SHA384 && !strings.Contains(nq, "_:") {
					break // the hash of RDFC-1.0 only labels blank nodes
				}
				raw, err := json.Marshal(vr.doc)
				require.NoError(t, err)
				cases = append(cases, canonCase{name: rel + vr.suffix + " " + h.String(), doc: raw, hash: h, engine: engine, nquads: nq, contextOnly: len(vr.doc) == 1})
			}
		}
	}
	require.NotEmpty(t, cases, "no fixture to compare")

	req := jsCanonRequest{Contexts: contexts(t)}
	for _, c := range cases {
		req.Documents = append(req.Documents, jsCanonDoc{Name: c.name, Document: c.doc, Hash: c.hash.String()})
	}
	var resp struct {
		Results []jsCanonResult `json:"results"`
	}
	node.run(t, "canon", req, &resp)
	require.Len(t, resp.Results, len(cases))

	engines := map[string]int{}
	for i, c := range cases {
		r := resp.Results[i]
		engines[c.engine]++
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.name, r.Name)
			if c.contextOnly {
				// A context document: no statements. jsonld.js safe mode
				// refuses the empty node object it expands to; Go gives
				// the empty dataset. Nothing is signed either way.
				require.Empty(t, c.nquads)
				if r.Error != "" {
					require.Contains(t, r.Error, "empty object")
				}
				return
			}
			require.Empty(t, r.Error, "jsonld.canonize refuses a document Go canonicalizes (%s)", c.engine)
			if c.nquads != r.NQuads {
				t.Errorf("canonical N-Quads differ (Go: %s):\n%s", c.engine, lineDiff(c.nquads, r.NQuads))
			}
		})
	}
	t.Logf("%d files in testdata folders; %d canonicalizations compared (%v)", len(files), len(cases), engines)
	for _, reason := range slices.Sorted(maps.Keys(skipped)) {
		t.Logf("skipped %d: %s (e.g. %s)", len(skipped[reason]), reason, skipped[reason][0])
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// lineDiff lists the lines only Go or only JavaScript produced.
func lineDiff(goNQ, jsNQ string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	g, j := in(goNQ), in(jsNQ)
	var b strings.Builder
	for _, l := range strings.Split(goNQ, "\n") {
		if !j[l] {
			b.WriteString("  go: " + l + "\n")
		}
	}
	for _, l := range strings.Split(jsNQ, "\n") {
		if !g[l] {
			b.WriteString("  js: " + l + "\n")
		}
	}
	return b.String()
}
