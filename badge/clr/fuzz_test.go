package clr_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/openbadges-go/openbadges/badge/clr"
)

// FuzzParse: Parse never panics, and what it accepts marshals and parses
// again to the same JSON.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"credentialSubject":{"association":[{"associationType":"isPartOf"}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := clr.Parse(data)
		if err != nil {
			return
		}
		_ = c.Validate()
		_ = c.AchievementIDs()
		out, err := json.Marshal(c)
		if err != nil {
			return
		}
		c2, err := clr.Parse(out)
		if err != nil {
			t.Fatalf("re-parse of marshalled record failed: %v\n%s", err, out)
		}
		out2, err := json.Marshal(c2)
		if err != nil || string(out) != string(out2) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
	})
}
