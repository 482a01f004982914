package badge

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/openbadges-go/openbadges/internal/budget"
)

// Defaults of [Budget].
const (
	DefaultBudgetFetches     = budget.DefaultFetches     // 32
	DefaultBudgetBytes       = budget.DefaultBytes       // 4 MiB
	DefaultBudgetTime        = budget.DefaultTime        // 30 s
	DefaultBudgetCredentials = budget.DefaultCredentials // 64
)

// ErrBudgetExceeded reports a verification that reached a limit of its
// [Budget]. The check that hit the limit fails with an error matching it
// (whatever its usual severity: a refresh or an endorsement allowed to fail
// fails the credential when it fails for the budget), so the verification
// fails closed. It is the same value as did.ErrBudgetExceeded.
var ErrBudgetExceeded = budget.ErrExceeded

// CheckBudget is reported, failed, only when a verification spent its
// budget and no other check failed for it (a plug-in that swallowed the
// error); every other budget failure is reported on the check that hit it.
const CheckBudget CheckID = "budget"

// Budget bounds the work of one top-level verification, everything it
// verifies in turn included: endorsements at every depth, a refreshed
// credential, and, for badge/clr and presentation, every nested
// credential. One verification cannot fan out, whatever the credential
// holds. Fetches and bytes are counted where the module fetches (the
// client of did.GuardedClient, behind did:web, HTTPS key documents, JWK
// Sets, status lists, refresh and remote JSON-LD contexts); a
// [vc.StatusChecker], [vc.Refresher] or resolver of your own that does not
// fetch through it is bounded by the time and the credentials only.
//
// The zero value is the safe default. A budget already in the context
// (installed by an enclosing verification or [WithBudget]) is shared,
// never reset: the options of a nested verifier do not widen it.
type Budget struct {
	// MaxFetches bounds the outbound HTTP requests, each redirect counted
	// (0: DefaultBudgetFetches; negative: none, the verification is
	// offline). A GET of a URL already fetched in the same verification is
	// served from memory and not counted again.
	MaxFetches int
	// MaxBytes bounds the bytes of the responses read (headers and
	// bodies), all fetches together (0: DefaultBudgetBytes).
	MaxBytes int64
	// MaxTime bounds the whole verification (0: DefaultBudgetTime). The
	// context's own deadline applies too.
	MaxTime time.Duration
	// MaxCredentials bounds the credentials verified, the top-level one
	// included (0: DefaultBudgetCredentials).
	MaxCredentials int
}

func (b Budget) validate() error {
	switch {
	case b.MaxBytes < 0:
		return fmt.Errorf("badge: Budget.MaxBytes is negative (%d)", b.MaxBytes)
	case b.MaxTime < 0:
		return fmt.Errorf("badge: Budget.MaxTime is negative (%v)", b.MaxTime)
	case b.MaxCredentials < 0:
		return fmt.Errorf("badge: Budget.MaxCredentials is negative (%d)", b.MaxCredentials)
	}
	return nil
}

func (b Budget) limits() budget.Limits {
	return budget.Limits{Fetches: b.MaxFetches, Bytes: b.MaxBytes, Time: b.MaxTime, Credentials: b.MaxCredentials}
}

// WithBudget returns a context carrying a new verification budget b (zero
// fields: the defaults), whose time starts now and bounds the returned
// context. Every verification of this module run with it (badge, CLR,
// presentation), and everything those verify in turn, draws from this one
// budget: use it to bound several verifications together. When ctx
// already carries a budget it is returned unchanged: a budget is never
// reset or widened. Call cancel when done.
func WithBudget(ctx context.Context, b Budget) (context.Context, context.CancelFunc) {
	if err := b.validate(); err != nil {
		b = Budget{}
	}
	ctx, _, _, cancel := budget.Start(ctx, b.limits())
	return ctx, cancel
}

// startBudget installs the verifier's budget unless ctx carries one, and
// charges the credential about to be verified.
func (v *Verifier) startBudget(ctx context.Context) (context.Context, *budget.Budget, bool, context.CancelFunc) {
	return budget.Start(ctx, v.o.Budget.limits())
}

// budgetFailure returns the error of a failed check of r caused by the
// budget, or nil.
func budgetFailure(checks []Check) error {
	for _, c := range checks {
		if c.Status == Failed && errors.Is(c.Err, ErrBudgetExceeded) {
			return c.Err
		}
	}
	return nil
}

// notFetched says why nothing is fetched for a credential whose own proof
// or issuer binding did not verify.
const notFetched = "not checked: the credential's own proof or issuer binding did not verify, so nothing is fetched for it"

// proofVerified reports whether the proof and issuer binding checks of r
// did not fail: the condition for fetching anything more for it.
func proofVerified(r *VerificationResult) bool {
	for _, id := range []CheckID{CheckProof, CheckIssuer} {
		if c := r.Check(id); c == nil || c.Status == Failed {
			return false
		}
	}
	return true
}
