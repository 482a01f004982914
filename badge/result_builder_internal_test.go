package badge

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/vc"
)

func TestWithoutExplainedReportsAMissingTypeOnce(t *testing.T) {
	ve := &ValidationError{Fields: []FieldError{{Path: "$.credentialSubject.result[0].type", Err: ErrRequired}}}
	derived := vc.Problem{Path: "$.credentialSubject.result[0].value", Term: "value", Kind: vc.ErrUndefinedTerm}
	other := vc.Problem{Path: "$.credentialSubject.bogus", Term: "bogus", Kind: vc.ErrUndefinedTerm}
	mismatch := errors.New("issuer mismatch")

	tests := []struct {
		name string
		in   []error
		want []error
	}{
		{"only derived problems: the safe-mode error goes", []error{ve, &vc.SafeModeError{Problems: []vc.Problem{derived}}}, []error{ve}},
		{"the others stay", []error{ve, mismatch, &vc.SafeModeError{Problems: []vc.Problem{derived, other}}},
			[]error{ve, mismatch, &vc.SafeModeError{Problems: []vc.Problem{other}}}},
		{"no validation error: nothing is explained", []error{&vc.SafeModeError{Problems: []vc.Problem{derived}}},
			[]error{&vc.SafeModeError{Problems: []vc.Problem{derived}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := withoutExplained(tt.in)
			require.Len(t, got, len(tt.want))
			assert.Equal(t, tt.want, got)
		})
	}
}
