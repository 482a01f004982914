package badge

import (
	"context"
	"fmt"
	"slices"

	"github.com/openbadges-go/openbadges/vc"
)

// RefreshStep fetches a refreshed credential when the credential asks for
// 1EdTech refresh, a Refresher is configured and its proof verified, at
// most once. When the refreshed credential verifies (as far as its proof,
// with the same id and issuer) its result replaces this one (Refreshed,
// with Original); otherwise the credential given is verified, and a failed
// refresh is a warning, never a failure (except of the budget).
var RefreshStep = Step{ID: CheckRefresh, Check: func(ctx context.Context, r *Run) Check {
	if !r.refresh {
		return Check{Status: Skipped, Detail: "already refreshed once"}
	}
	var out Check
	nr := tryRefresh(ctx, r, func(_ CheckID, st CheckStatus, err error, detail string) {
		out = Check{Status: st, Err: err, Detail: detail}
	})
	if nr != nil {
		r.replaced = nr
	}
	return out
}}

// tryRefresh fetches a refreshed credential when the credential asks for
// 1EdTech refresh and its proof verified. It returns the result for the
// refreshed credential when that verifies (as far as its proof), else nil
// and the pipeline goes on with the original.
func tryRefresh(ctx context.Context, run *Run, add func(CheckID, CheckStatus, error, string)) *VerificationResult {
	v, c, r := run.Verifier, run.Credential, run.Result
	services := objectsOf(c.Document()["refreshService"])
	if len(services) == 0 {
		add(CheckRefresh, Skipped, nil, "no refreshService")
		return nil
	}
	var svc map[string]any
	for _, s := range services {
		if t, _ := s["type"].(string); t == "1EdTechCredentialRefresh" {
			svc = s
			break
		}
	}
	switch {
	case svc == nil:
		add(CheckRefresh, Skipped, nil, "no 1EdTechCredentialRefresh service")
		return nil
	case v.o.Refresher == nil:
		add(CheckRefresh, Skipped, nil, "no refresher configured")
		return nil
	}
	if !proofVerified(r) {
		add(CheckRefresh, Skipped, nil, "refresh "+notFetched)
		return nil
	}
	b, err := v.o.Refresher.Refresh(ctx, c, svc)
	if err != nil {
		add(CheckRefresh, Warning, err, "refresh failed; verifying the credential as given")
		return nil
	}
	nr := v.run(ctx, b, runParams{opts: &run.Options, depth: run.Depth, nesting: run.Nesting, families: []Family{run.Family}})
	if err := budgetFailure(nr.Checks); err != nil {
		add(CheckRefresh, Failed, fmt.Errorf("%w: verifying the refreshed credential: %w", vc.ErrRefresh, err), "")
		return nil
	}
	if nr.Credential == nil || nr.Credential.ID() != c.ID() || nr.Credential.Issuer() != c.Issuer() {
		add(CheckRefresh, Warning, fmt.Errorf("%w: the refreshed credential has a different id or issuer", vc.ErrRefresh), "verifying the credential as given")
		return nil
	}
	if !proofVerified(nr) {
		add(CheckRefresh, Warning, fmt.Errorf("%w: the refreshed credential's proof did not verify", vc.ErrRefresh), "verifying the credential as given")
		return nil
	}
	add(CheckRefresh, Passed, nil, "refreshed from the issuer's refresh service")
	orig := *r
	orig.Checks = append(slices.Clone(r.Checks), Check{ID: CheckRefresh, Status: Passed, Detail: "refreshed from the issuer's refresh service"})
	orig.Verified = len(orig.Failed()) == 0
	nr.Refreshed = true
	nr.Original = &orig
	return nr
}
