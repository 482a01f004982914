package rdfc

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/internal/rdf"
)

const suiteDir = "testdata/rdf-canon-tests"

// manifestEntry is one test of the W3C RDFC-1.0 suite manifest.
type manifestEntry struct {
	ID            string `json:"id"`
	Type          string `json:"type"`
	Name          string `json:"name"`
	Action        string `json:"action"`
	Result        string `json:"result"`
	HashAlgorithm string `json:"hashAlgorithm"`
}

func loadManifest(t testing.TB) []manifestEntry {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(suiteDir, "manifest.jsonld"))
	require.NoError(t, err)
	var m struct {
		Entries []manifestEntry `json:"entries"`
	}
	require.NoError(t, json.Unmarshal(data, &m))
	require.NotEmpty(t, m.Entries)
	return m.Entries
}

func hashOf(t testing.TB, name string) crypto.Hash {
	switch name {
	case "", "SHA256":
		return crypto.SHA256
	case "SHA384":
		return crypto.SHA384
	}
	t.Fatalf("unknown hashAlgorithm %q", name)
	return 0
}

func parseFile(t testing.TB, path string) []rdf.Quad {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	quads, err := rdf.ParseNQuads(data)
	require.NoError(t, err, path)
	return quads
}

// TestW3CSuite runs every test of the RDFC-1.0 suite manifest.
func TestW3CSuite(t *testing.T) {
	entries := loadManifest(t)
	counts := map[string]int{}
	for _, e := range entries {
		counts[e.Type]++
		t.Run(strings.TrimPrefix(e.ID, "#")+"/"+e.Name, func(t *testing.T) {
			quads := parseFile(t, filepath.Join(suiteDir, e.Action))
			opts := &Options{Hash: hashOf(t, e.HashAlgorithm)}
			switch e.Type {
			case "rdfc:RDFC10EvalTest":
				want, err := os.ReadFile(filepath.Join(suiteDir, e.Result))
				require.NoError(t, err)
				res, err := Canonicalize(context.Background(), quads, opts)
				require.NoError(t, err)
				assert.Equal(t, string(want), string(res.NQuads))
				assert.Equal(t, string(res.NQuads), string(rdf.SerializeNQuads(res.Quads)))
			case "rdfc:RDFC10MapTest":
				data, err := os.ReadFile(filepath.Join(suiteDir, e.Result))
				require.NoError(t, err)
				var want map[string]string
				require.NoError(t, json.Unmarshal(data, &want))
				res, err := Canonicalize(context.Background(), quads, opts)
				require.NoError(t, err)
				assert.Equal(t, want, res.IssuedIdentifiers)
			case "rdfc:RDFC10NegativeEvalTest":
				start := time.Now()
				res, err := Canonicalize(context.Background(), quads, opts)
				elapsed := time.Since(start)
				assert.Nil(t, res)
				require.ErrorIs(t, err, ErrLimitExceeded)
				var le *LimitError
				require.True(t, errors.As(err, &le))
				assert.Less(t, elapsed, raceSlowdown*time.Second, "poison graph must be refused within one second")
			default:
				t.Fatalf("unknown test type %q", e.Type)
			}
		})
	}
	assert.Equal(t, map[string]int{
		"rdfc:RDFC10EvalTest":         64,
		"rdfc:RDFC10MapTest":          21,
		"rdfc:RDFC10NegativeEvalTest": 1,
	}, counts)
}
