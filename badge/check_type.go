package badge

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/openbadges-go/openbadges/vc"
)

// obTypeStep is the type check of Open Badges and endorsements: the VC
// data model and the Open Badges model (types and required members, with
// JSON paths), conformance problems relaxed by AllowNonconforming.
func obTypeStep(endorsement bool) Step {
	return Step{ID: CheckType, Check: func(_ context.Context, r *Run) Check {
		return asCheck(r.Verifier.relaxConformance(r.Verifier.checkType(r.Credential, endorsement, r.Result)))
	}}
}

// asCheck builds a Check from a check's four parts.
func asCheck(id CheckID, st CheckStatus, err error, detail string) Check {
	return Check{ID: id, Status: st, Err: err, Detail: detail}
}

// checkType runs the VC data model checks and the Open Badges model's
// Validate (types and required members, with JSON paths).
func (v *Verifier) checkType(c *vc.Credential, endorsement bool, r *VerificationResult) (CheckID, CheckStatus, error, string) {
	if !c.HasType("VerifiableCredential") {
		return CheckType, Failed, fmt.Errorf("%w: type must include VerifiableCredential", ErrType), ""
	}
	var want string
	switch {
	case endorsement && c.HasType("EndorsementCredential"):
		want = "EndorsementCredential"
	case endorsement:
		return CheckType, Failed, fmt.Errorf("%w: an endorsement must be an EndorsementCredential, got %v", ErrType, c.Types()), ""
	case c.HasType("AchievementCredential"):
		want = "AchievementCredential"
	case c.HasType("OpenBadgeCredential"):
		want = "OpenBadgeCredential"
	default:
		return CheckType, Failed, fmt.Errorf("%w: type must include AchievementCredential, OpenBadgeCredential or EndorsementCredential, got %v", ErrType, c.Types()), ""
	}
	var errs []error
	if err := vc.CheckDataModel(c); err != nil {
		errs = append(errs, err)
	}
	// The model reads the bytes the credential was parsed from (for a
	// VC-JWT, its payload; the model keeps JWT claims as extra members),
	// which the strict reader has already accepted.
	raw := c.Raw()
	if endorsement {
		var e EndorsementCredential
		if err := decodeValidated(raw, &e); err != nil {
			errs = append(errs, err)
		} else {
			r.Endorsement = &e
			r.View = &e
			if err := e.Validate(); err != nil {
				errs = append(errs, err)
			}
		}
	} else {
		var a AchievementCredential
		if err := decodeValidated(raw, &a); err != nil {
			errs = append(errs, err)
		} else {
			r.Badge = &a
			r.View = &a
			if err := a.Validate(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		return CheckType, Failed, errors.Join(errs...), ""
	}
	return CheckType, Passed, nil, want
}

// relaxConformance turns an Open Badges conformance failure of the type,
// schema or subject check into a warning when AllowNonconforming is set:
// for type, only when every problem is an achievementType value; for
// schema, a schema violation; for subject, a subject without id or
// identifier (never an endorsement's, never a missing subject).
func (v *Verifier) relaxConformance(id CheckID, st CheckStatus, err error, detail string) (CheckID, CheckStatus, error, string) {
	if st != Failed || !v.o.AllowNonconforming || err == nil {
		return id, st, err, detail
	}
	var what string
	switch id {
	case CheckType:
		if !onlyConformance(err) {
			return id, st, err, detail
		}
		what = "the Open Badges model check found only conformance problems (achievementType values, a subject without id or identifier)"
	case CheckSchema:
		var se *SchemaError
		if !errors.As(err, &se) {
			return id, st, err, detail
		}
		what = "the credential does not conform to the official JSON Schema"
	case CheckSubject:
		if !errors.Is(err, errSubjectUnidentified) {
			return id, st, err, detail
		}
		what = "the achievement subject has neither id nor identifier"
	default:
		return id, st, err, detail
	}
	return id, Warning, v.relaxed(OptionAllowNonconforming, what, err), detail
}

// onlyConformance reports whether err is a model validation error whose
// every problem is one AllowNonconforming relaxes: an achievementType
// that is neither a known value nor ext:, or an achievement subject
// without id or identifier.
func onlyConformance(err error) bool {
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) == 0 {
		return false
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok && len(j.Unwrap()) != 1 {
		return false // a data model error beside it
	}
	for _, f := range ve.Fields {
		switch {
		case strings.HasSuffix(f.Path, ".achievementType") && errors.Is(f.Err, ErrInvalidValue):
		case strings.HasPrefix(f.Path, "$.credentialSubject") && strings.HasSuffix(f.Path, ".id") &&
			strings.Count(f.Path, ".") == 2 && errors.Is(f.Err, ErrRequired):
			// $.credentialSubject.id or $.credentialSubject[i].id: the
			// achievement subject's (validate asks for an id or an
			// identifier there).
		default:
			return false
		}
	}
	return true
}
