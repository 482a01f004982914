package vc_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/vc"
)

// A caller outside the module tightens the JSON limits of one parse.
func ExampleParseWithLimits() {
	doc := []byte(`{"@context":"https://www.w3.org/ns/credentials/v2","type":"VerifiableCredential","credentialSubject":{"a":{"b":{}}}}`)
	_, err := vc.ParseWithLimits(doc, &vc.ParseLimits{MaxDepth: 3})
	fmt.Println(errors.Is(err, vc.ErrMalformed))
	c, err := vc.ParseWithLimits(doc, nil) // the defaults
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Types())
	// Output:
	// true
	// [VerifiableCredential]
}

func TestParseWithLimitsAppliesEachLimit(t *testing.T) {
	const ctx = `"@context":"https://www.w3.org/ns/credentials/v2"`
	deep := `{` + ctx + `,"x":` + strings.Repeat(`[`, 10) + strings.Repeat(`]`, 10) + `}`
	wide := `{` + ctx + `,"x":[` + strings.Repeat(`1,`, 20) + `1]}`
	tests := []struct {
		name    string
		doc     string
		lim     *vc.ParseLimits
		wantErr string // "" means parsed
	}{
		{"nil means the defaults", deep, nil, ""},
		{"zero fields mean the defaults", wide, &vc.ParseLimits{}, ""},
		{"MaxBytes refuses a larger input", wide, &vc.ParseLimits{MaxBytes: 40}, "too large"},
		{"MaxBytes admits an input of exactly that size", wide, &vc.ParseLimits{MaxBytes: len(wide)}, ""},
		{"MaxDepth refuses deeper nesting", deep, &vc.ParseLimits{MaxDepth: 5}, "too deep"},
		{"MaxMembers refuses more members", wide, &vc.ParseLimits{MaxMembers: 10}, "too many"},
		{"the strict reader still runs under custom limits", `{` + ctx + `,"a":1,"a":2}`, &vc.ParseLimits{MaxBytes: 1 << 10}, "duplicate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := vc.ParseWithLimits([]byte(tt.doc), tt.lim)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.doc, string(c.Raw()))
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, vc.ErrMalformed)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestParseLimitDefaultsAreTheDocumentedValues(t *testing.T) {
	assert.Equal(t, 8<<20, vc.DefaultParseMaxBytes)
	assert.Equal(t, 64, vc.DefaultParseMaxDepth)
	assert.Equal(t, 200_000, vc.DefaultParseMaxMembers)
}
