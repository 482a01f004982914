package ob2_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/badge/ob2"
)

// FuzzVerify: Is and Verify never panic, a result always comes back, and
// Verified agrees with the error.
func FuzzVerify(f *testing.F) {
	for _, g := range []string{"testdata/validator/*.json", "testdata/validator/*.jwt", "testdata/validator/*.png", "testdata/validator/rdf-validation/*.json"} {
		files, _ := filepath.Glob(g)
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	res := validatorResources(f)
	v, err := ob2.NewVerifier(ob2.Options{Resources: res, Offline: true, Now: func() time.Time { return testNow }})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = ob2.Is(data)
		r, err := v.Verify(context.Background(), data)
		if r == nil {
			t.Fatal("nil result")
		}
		if r.Verified != (err == nil) {
			t.Fatalf("Verified %v with error %v", r.Verified, err)
		}
	})
}
