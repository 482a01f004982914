package badge

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/openbadges-go/openbadges/internal/budget"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

// StatusStep runs every credentialStatus entry through the status checker
// (with the verifier's proof verifier for the lists, and its status list
// relaxations, each reported). Without a checker it fails closed, unless
// InsecureSkipStatus; nothing is fetched unless the credential's own proof
// and issuer binding verified.
var StatusStep = Step{ID: CheckCredentialStatus, Check: func(ctx context.Context, r *Run) Check {
	return collect(func(add adder) { r.Verifier.checkStatus(ctx, r.Credential, r.Result, add) })
}}

// checkStatus runs every credentialStatus entry through the status checker.
func (v *Verifier) checkStatus(ctx context.Context, c *vc.Credential, r *VerificationResult, add adder) {
	entries := c.Statuses()
	if _, has := c.Document()["credentialStatus"]; !has {
		add(CheckCredentialStatus, Skipped, nil, "no credentialStatus")
		return
	}
	if v.o.Status == nil {
		if v.o.InsecureSkipStatus {
			add(CheckCredentialStatus, Skipped, nil, "status checking explicitly skipped (InsecureSkipStatus)")
			return
		}
		add(CheckCredentialStatus, Failed, ErrStatusNotChecked, "configure a status checker, or skip explicitly")
		return
	}
	if len(entries) == 0 {
		add(CheckCredentialStatus, Failed, fmt.Errorf("%w: credentialStatus is not an object", vc.ErrStatusUnknown), "")
		return
	}
	if !proofVerified(r) {
		add(CheckCredentialStatus, Skipped, nil, "status "+notFetched)
		return
	}
	var errs, warns []error
	var details []string
	for _, e := range entries {
		if err := budget.From(ctx).Err(); err != nil {
			errs = append(errs, err)
			break
		}
		res, notes, err := v.checkStatusEntry(ctx, c, e)
		for _, n := range notes {
			warns = append(warns, v.relaxed(n.Option, n.Detail, nil))
		}
		if res != nil {
			r.Status = append(r.Status, *res)
			d := res.Type + ": " + res.Outcome.String()
			if res.Message != "" {
				d += " (" + res.Message + ")"
			}
			details = append(details, d)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		add(CheckCredentialStatus, Failed, errors.Join(errs...), strings.Join(details, "; "))
		return
	}
	if len(warns) > 0 {
		add(CheckCredentialStatus, Warning, errors.Join(warns...), strings.Join(details, "; "))
		return
	}
	add(CheckCredentialStatus, Passed, nil, strings.Join(details, "; "))
}

// checkStatusEntry checks one entry with the verifier's status list rules
// when the checker takes them, and returns the rules it relaxed.
func (v *Verifier) checkStatusEntry(ctx context.Context, c *vc.Credential, e map[string]any) (*vc.StatusResult, []status.Relaxation, error) {
	if w, ok := v.o.Status.(statusWithOptions); ok {
		return w.CheckStatusOptions(ctx, c, e, &status.CheckOptions{Proofs: v.lists,
			AllowShortLists: v.o.AllowShortLists, AllowForeignListSigner: v.o.AllowForeignListSigner, AllowListIDMismatch: v.o.AllowListIDMismatch})
	}
	res, err := status.CheckWith(ctx, v.o.Status, c, e, v.lists)
	return res, nil, err
}

// statusWithOptions is a status checker that takes the verifier's proof
// verifier and status list relaxations per call, and reports what it
// relaxed (status.Checker does).
type statusWithOptions interface {
	CheckStatusOptions(ctx context.Context, c *vc.Credential, entry map[string]any, o *status.CheckOptions) (*vc.StatusResult, []status.Relaxation, error)
}
