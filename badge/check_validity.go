package badge

import (
	"context"
	"time"

	"github.com/openbadges-go/openbadges/vc"
)

// ValidityStep checks the validity window (validFrom and validUntil, or VC
// 1.1 issuanceDate and expirationDate) against the verifier's clock, with
// its clock skew.
var ValidityStep = Step{ID: CheckValidity, Check: func(_ context.Context, r *Run) Check {
	v := r.Verifier
	if err := vc.CheckValidity(r.Credential, &vc.ValidityOptions{Now: v.o.Now, ClockSkew: v.o.ClockSkew}); err != nil {
		return Check{Status: Failed, Err: err}
	}
	return Check{Status: Passed, Detail: validityDetail(r.Credential)}
}}

func validityDetail(c *vc.Credential) string {
	from, hasFrom, _ := c.ValidFrom()
	until, hasUntil, _ := c.ValidUntil()
	switch {
	case hasFrom && hasUntil:
		return "valid " + from.UTC().Format(time.RFC3339) + " to " + until.UTC().Format(time.RFC3339)
	case hasFrom:
		return "valid from " + from.UTC().Format(time.RFC3339)
	case hasUntil:
		return "valid until " + until.UTC().Format(time.RFC3339)
	}
	return "no validity window"
}
