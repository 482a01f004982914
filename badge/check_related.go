package badge

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/openbadges-go/openbadges/vc"
)

// CheckRelatedResource is the check of the credential's relatedResource
// digests (VC Data Model 2.0, integrity of related resources).
const CheckRelatedResource CheckID = "related_resource"

// RelatedResourceStep checks the credential's relatedResource entries
// ([vc.CheckRelatedResources]): a malformed entry, or a digest that does
// not match the bytes of a resource the verifier has without fetching (the
// JSON-LD contexts built into the library), fails. Nothing is fetched:
// every other resource is reported unchecked, as a Warning naming it. A
// credential without relatedResource skips the check.
var RelatedResourceStep = Step{ID: CheckRelatedResource, Check: func(ctx context.Context, r *Run) Check {
	if _, has := r.Credential.Document()["relatedResource"]; !has {
		return Check{Status: Skipped, Detail: "no relatedResource"}
	}
	res, err := vc.CheckRelatedResources(ctx, r.Credential, nil)
	if err != nil {
		return Check{Status: Failed, Err: err}
	}
	return relatedCheck(res)
}}

// relatedCheck presents the outcome of a relatedResource check that found
// no problem.
func relatedCheck(res *vc.RelatedResourceResult) Check {
	var parts []string
	for _, rr := range res.Checked {
		parts = append(parts, fmt.Sprintf("%s matches the %s copy of %s", strings.Join(rr.Digests, " and "), rr.Source, rr.ID))
	}
	if len(res.Unchecked) == 0 {
		return Check{Status: Passed, Detail: strings.Join(parts, "; ")}
	}
	var errs []error
	var ids []string
	for _, rr := range res.Unchecked {
		errs = append(errs, rr.Err)
		ids = append(ids, rr.ID)
	}
	parts = append(parts, "not checked: "+strings.Join(ids, ", "))
	return Check{Status: Warning, Err: errors.Join(errs...), Detail: strings.Join(parts, "; ")}
}
