package clr_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
)

// Kind takes its all-optional options by pointer, nil meaning every
// default, as the module's convention says.
func TestKindWithNilOptionsIsTheDefaultFamily(t *testing.T) {
	for _, tt := range []struct {
		name        string
		opts        *clr.KindOptions
		credentials int
	}{
		{"nil", nil, 1 + clr.DefaultMaxCredentials + badge.DefaultBudgetCredentials},
		{"zero", &clr.KindOptions{}, 1 + clr.DefaultMaxCredentials + badge.DefaultBudgetCredentials},
		{"MaxCredentials", &clr.KindOptions{MaxCredentials: 5}, 1 + 5 + badge.DefaultBudgetCredentials},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k := clr.Kind(tt.opts)
			assert.Equal(t, badge.FamilyCLR, k.Family)
			assert.Equal(t, tt.credentials, k.Credentials)
		})
	}
}
