package badge

import (
	"context"
	"fmt"

	"github.com/openbadges-go/openbadges/vc"
)

// obSubjectStep requires an id or an identifier on the achievement
// subject (an id on an endorsement's); a subject with neither is relaxed
// by AllowNonconforming.
func obSubjectStep(endorsement bool) Step {
	return Step{ID: CheckSubject, Check: func(_ context.Context, r *Run) Check {
		return asCheck(r.Verifier.relaxConformance(checkSubject(r.Credential, endorsement)))
	}}
}

// errSubjectUnidentified marks the conformance failure AllowNonconforming
// relaxes: an achievement subject with neither id nor identifier.
var errSubjectUnidentified = noText{}

// noText is an error that adds nothing to a message (a marker).
type noText struct{}

func (noText) Error() string { return "" }

// checkSubject requires an id or at least one identifier on the
// achievement subject (OB 3.0 AchievementSubject). An endorsement's subject
// needs an id.
func checkSubject(c *vc.Credential, endorsement bool) (CheckID, CheckStatus, error, string) {
	subs := c.Subjects()
	if len(subs) == 0 {
		return CheckSubject, Failed, fmt.Errorf("%w: no credentialSubject", ErrNoSubject), ""
	}
	for i, s := range subs {
		id, _ := s["id"].(string)
		if id != "" {
			continue
		}
		if endorsement {
			return CheckSubject, Failed, fmt.Errorf("%w: credentialSubject[%d] of an endorsement needs an id", ErrNoSubject, i), ""
		}
		if ids := objectsOf(s["identifier"]); len(ids) > 0 {
			continue
		}
		return CheckSubject, Failed, fmt.Errorf("%w (credentialSubject[%d])%w", ErrNoSubject, i, errSubjectUnidentified), ""
	}
	if id, _ := subs[0]["id"].(string); id != "" {
		return CheckSubject, Passed, nil, "subject " + id
	}
	return CheckSubject, Passed, nil, "subject identified by identifier entries"
}
