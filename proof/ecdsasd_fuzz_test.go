package proof

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/openbadges-go/openbadges/internal/jsonx"
)

// FuzzECDSASDProofValue: the ecdsa-sd-2023 proof value parsers never panic
// and return typed errors; a value they accept encodes back to a value
// they accept. Seeds: the proof values of the W3C vectors and of the
// 1EdTech derived credential.
func FuzzECDSASDProofValue(f *testing.F) {
	files, _ := filepath.Glob(sdVectors + "*/*.json")
	files = append(files, sdVectors+"1edtech-derivedcredential.json")
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		v, err := jsonx.Parse(b, nil)
		if err != nil {
			continue
		}
		m, _ := v.(map[string]any)
		for _, p := range objects(m["proof"]) {
			if s, ok := p["proofValue"].(string); ok {
				f.Add(s)
			}
		}
	}
	f.Add("u2V0A")
	f.Add("u2V0B")
	f.Fuzz(func(t *testing.T, s string) {
		if p, err := parseSDBase(s); err == nil {
			out, err := encodeSDValue(sdBaseHeader, p)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := parseSDBase(out); err != nil {
				t.Fatalf("re-encoded base proof value refused: %v", err)
			}
		} else if !errors.Is(err, ErrMalformedProofValue) {
			t.Fatalf("untyped error %v", err)
		}
		if p, err := parseSDDerived(s); err == nil {
			out, err := encodeSDValue(sdDerivedHeader, p)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := parseSDDerived(out); err != nil {
				t.Fatalf("re-encoded derived proof value refused: %v", err)
			}
		}
	})
}
