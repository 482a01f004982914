package pathway_test

import (
	"os"
	"testing"

	"github.com/openbadges-go/openbadges/pathway"
)

// FuzzParse: Parse, Validate, Evaluate and ToAssociations never panic on
// any input.
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("testdata/data-cert.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"id":"p","type":"Pathway","goal":{"id":"g"},"requirement":{"type":"PathwayRequirement","pathway":"p"}}`))
	f.Add([]byte(`{"id":"p","goal":{"id":"g"},"pathways":[{"id":"q","goal":{"id":"h"},"requirement":{"type":"AchievementRequirement","achievement":"g"}}],"requirement":{"type":"PathwayRequirement","pathway":"q"}}`))
	f.Add([]byte(`{"id":"p","goal":{"id":"g"},"requirement":{"type":"AtLeast","min":2,"requirements":[{"type":"MinCredits","minCredits":1e400}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := pathway.Parse(data)
		if err != nil {
			return
		}
		_ = p.Validate()
		_, _ = pathway.Evaluate(p, nil, nil)
		_ = pathway.ToAssociations(p)
	})
}
