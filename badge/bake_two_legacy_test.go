package badge_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
)

// TestUnbakeRefusesTwoLegacyAssertions: an image holding two Open Badges
// 2.0 assertions (and no 3.0 credential) is refused with
// ErrMultipleCredentials, as two 3.0 credentials are: which would be the
// badge? (Found by a review: the first was verified, the second ignored.)
func TestUnbakeRefusesTwoLegacyAssertions(t *testing.T) {
	base := bakeSplitPNG(t, bakeTestPNG(t))
	ihdr, idat, iend := base[0].raw, base[1].raw, base[2].raw
	a := "https://issuer.example/assertions/alice.json"
	b := "https://issuer.example/assertions/bob.json"
	tests := []struct {
		name string
		in   []byte
	}{
		{"png iTXt + tEXt", bakeAssemble(ihdr, bakeChunk("iTXt", bakeITXt("openbadges", 0, 0, []byte(a))), idat, bakeChunk("tEXt", []byte("openbadges\x00"+b)), iend)},
		{"png two tEXt", bakeAssemble(ihdr, bakeChunk("tEXt", []byte("openbadges\x00"+a)), idat, bakeChunk("tEXt", []byte("openbadges\x00"+b)), iend)},
		{"svg two assertions", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">` +
			`<openbadges:assertion verify="` + a + `"/><g><openbadges:assertion verify="` + b + `"/></g></svg>`)},
		{"svg assertion in a nested svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">` +
			`<openbadges:assertion verify="` + a + `"/><svg><openbadges:assertion verify="` + b + `"/></svg></svg>`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := badge.Unbake(bytes.NewReader(tt.in), nil)
			require.Error(t, err)
			var le *badge.LegacyAssertionError
			if assert.ErrorIs(t, err, badge.ErrMultipleCredentials, "two assertions in one image are ambiguous") {
				return
			}
			if assert.ErrorAs(t, err, &le) {
				t.Logf("reported assertion: %s (the other one is ignored)", le.Assertion)
			}
		})
	}
}

// TestUnbakeTakesOneAssertionWrittenTwice: the same 2.0 assertion in a tEXt
// and an iTXt chunk (as bakers write it for older readers) is one
// assertion.
func TestUnbakeTakesOneAssertionWrittenTwice(t *testing.T) {
	base := bakeSplitPNG(t, bakeTestPNG(t))
	ihdr, idat, iend := base[0].raw, base[1].raw, base[2].raw
	a := "https://issuer.example/assertions/alice.json"
	in := bakeAssemble(ihdr, bakeChunk("iTXt", bakeITXt("openbadges", 0, 0, []byte(a))), idat, bakeChunk("tEXt", []byte("openbadges\x00"+a)), iend)
	_, err := badge.Unbake(bytes.NewReader(in), nil)
	var le *badge.LegacyAssertionError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, a, string(le.Assertion))
}
