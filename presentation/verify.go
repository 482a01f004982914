package presentation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/internal/budget"
	"github.com/openbadges-go/openbadges/proof"
)

// Options configures [VerifyPresentation]. The zero value refuses every
// presentation: a challenge and a domain are required unless the caller
// opts out by name.
type Options struct {
	// Challenge and Domain are the values the verifier gave the holder;
	// every presentation proof must carry them. Required: an empty one
	// fails its check with ErrChallengeRequired (ErrDomainRequired) unless
	// InsecureSkipChallenge (InsecureSkipDomain) is set, which reports the
	// check skipped. Without a challenge a recorded presentation can be
	// replayed; without a domain one made for another site is accepted.
	Challenge, Domain     string
	InsecureSkipChallenge bool
	InsecureSkipDomain    bool

	// Verifier verifies each embedded credential (nil: a badge.Verifier
	// with the zero options and Proofs' resolver, processor and clock,
	// built per call; build one once for repeated use).
	Verifier *badge.Verifier
	// Proofs verifies the holder's proof (nil: a zero proof.Verifier:
	// did:key and did:jwk, embedded contexts). It is copied; the copy gets
	// the authentication purpose and the challenge and domain above.
	Proofs *proof.Verifier

	// AllowHolderNotSubject turns a credential whose subject is not the
	// holder (or has no id to compare) into a warning of the holder_binding
	// check instead of a failure. Off by default: a holder presents only
	// credentials about themselves. Each credential's binding is reported
	// in CredentialResult either way.
	AllowHolderNotSubject bool

	// Limits bounds the input size and the number of credentials.
	Limits Limits

	// Budget bounds the fetches, bytes, time and credentials of the whole
	// verification: the holder proof and every embedded credential, with
	// their endorsements and refreshes, share it. Zero fields take the
	// badge.Budget defaults, except MaxCredentials, whose default is
	// Limits.MaxCredentials plus badge.DefaultBudgetCredentials (for
	// endorsements and refreshes). A budget already in the context is
	// shared instead.
	Budget badge.Budget
}

// VerifyPresentation verifies a JSON-LD VerifiablePresentation: its
// structure, the holder's Data Integrity proof (proofPurpose
// authentication, a key listed under the authentication relationship of
// the holder's DID document, made by the holder), the challenge and the
// domain, every embedded credential through the Open Badges pipeline (its
// own [badge.VerificationResult] is kept), and that the holder is the
// subject of each credential.
//
// It returns a result with every check whether or not verification
// succeeded, and an error that is nil only when no check failed (a
// [*VerificationError] otherwise; errors.Is reaches each failed check's
// cause: ErrChallengeMismatch, ErrDomainMismatch, ErrHolderNotSubject,
// ErrCredential, proof.ErrSignatureInvalid ...). Only a nil ctx returns a
// nil result.
//
// Not checked: that the challenge is fresh and used once (the caller
// issues and retires challenges), and the trust of the credentials'
// issuers (configure the badge.Verifier's TrustedIssuers).
//
// The whole verification runs within o.Budget (or the budget ctx already
// carries). When the holder proof does not verify, the embedded
// credentials are still verified, but without any fetch: a presentation
// nobody authenticated cannot make the verifier reach the network for
// what it carries.
func VerifyPresentation(ctx context.Context, data []byte, o Options) (*Result, error) {
	if ctx == nil {
		return nil, errors.New("presentation: nil context")
	}
	b := o.Budget
	if b.MaxBytes < 0 || b.MaxTime < 0 || b.MaxCredentials < 0 {
		r := &Result{Checks: []Check{{ID: CheckParse, Status: badge.Failed, Err: fmt.Errorf("presentation: a Budget limit is negative (%+v)", b)}}}
		return r, r.err()
	}
	if b.MaxCredentials == 0 {
		b.MaxCredentials = o.Limits.withDefaults().MaxCredentials + badge.DefaultBudgetCredentials
	}
	ctx, spent, owner, cancel := budget.Start(ctx, budget.Limits{Fetches: b.MaxFetches, Bytes: b.MaxBytes, Time: b.MaxTime, Credentials: b.MaxCredentials})
	defer cancel()
	r := &Result{}
	add := func(id CheckID, st badge.CheckStatus, err error, detail string) {
		if err != nil {
			err = budget.Wrap(ctx, err)
			if st == badge.Warning && errors.Is(err, badge.ErrBudgetExceeded) {
				st = badge.Failed
			}
		}
		r.Checks = append(r.Checks, Check{ID: id, Status: st, Err: err, Detail: detail})
	}
	defer func() { r.Verified = len(r.Failed()) == 0 }()

	// 1. parse.
	p, err := Parse(data, &o.Limits)
	if err != nil {
		add(CheckParse, badge.Failed, err, "")
		return r, r.err()
	}
	r.Presentation = p
	add(CheckParse, badge.Passed, nil, fmt.Sprintf("%d credential(s)", len(p.Credentials)))

	// 2. structure.
	if ps := StructureProblems(p.Doc); len(ps) > 0 {
		msgs := make([]string, len(ps))
		for i, pr := range ps {
			msgs[i] = pr.Path + " " + pr.Detail
		}
		add(CheckStructure, badge.Failed, fmt.Errorf("%w: %s", ErrMalformed, strings.Join(msgs, "; ")), "")
	} else {
		add(CheckStructure, badge.Passed, nil, "")
	}

	// 3. holder proof, 4. challenge, 5. domain.
	pv := holderVerifier(o.Proofs, o.Challenge, o.Domain)
	hp := VerifyHolderProof(ctx, p, pv)
	r.Proofs, r.Holder = hp.Proofs, hp.Holder
	if hp.Err != nil {
		add(CheckHolderProof, badge.Failed, hp.Err, "")
	} else {
		add(CheckHolderProof, badge.Passed, nil, "authenticated as "+hp.Holder)
	}
	add(checkMember(p, "challenge", o.Challenge, o.InsecureSkipChallenge))
	add(checkMember(p, "domain", o.Domain, o.InsecureSkipDomain))

	// 6. credentials.
	if len(p.Credentials) == 0 {
		add(CheckCredentials, badge.Skipped, nil, "the presentation carries no credential (authentication only)")
		add(CheckHolderBinding, badge.Skipped, nil, "no credential")
		return r, r.err()
	}
	bv := o.Verifier
	if bv == nil {
		bv, err = badge.NewVerifier(badge.VerifierOptions{Resolver: pv.Resolver, KeySets: pv.KeySets, Processor: pv.Processor, Now: pv.Now})
		if err != nil {
			add(CheckCredentials, badge.Failed, err, "")
			return r, r.err()
		}
	}
	cctx, offline := ctx, ""
	if hp.Err != nil {
		offline = " (without fetching: the holder proof did not verify)"
		cctx = budget.With(ctx, spent.WithoutFetches("the presentation's holder proof did not verify"))
	}
	var credErrs []error
	for _, c := range p.Credentials {
		if err := spent.Err(); err != nil {
			credErrs = append(credErrs, &CredentialError{Index: c.Index, Err: err})
			break
		}
		res, err := bv.Verify(cctx, c.Raw)
		cr := &CredentialResult{Index: c.Index, Format: c.Format, Result: res, Err: err}
		r.Credentials = append(r.Credentials, cr)
		if err != nil {
			credErrs = append(credErrs, &CredentialError{Index: c.Index, Err: err})
		}
	}
	verified := 0
	for _, c := range r.Credentials {
		if c.Err == nil {
			verified++
		}
	}
	if len(credErrs) > 0 {
		add(CheckCredentials, badge.Failed, errors.Join(credErrs...), fmt.Sprintf("%d of %d verified%s", verified, len(p.Credentials), offline))
	} else {
		add(CheckCredentials, badge.Passed, nil, fmt.Sprintf("%d of %d verified%s", verified, len(p.Credentials), offline))
	}

	// 7. holder binding.
	add(bindHolder(r, o.AllowHolderNotSubject))
	if err := spent.Err(); owner && err != nil && len(r.Failed()) == 0 {
		// Fail closed: a plug-in swallowed the error of a spent budget.
		add(CheckBudget, badge.Failed, err, "the verification reached its budget")
	}
	return r, r.err()
}

// CheckBudget is reported, failed, only when the verification spent its
// budget and no other check failed for it; every other budget failure is
// reported on the check that hit it (see badge.ErrBudgetExceeded).
const CheckBudget CheckID = "budget"

// holderVerifier copies pv (nil: a zero Verifier) for a presentation
// proof.
func holderVerifier(pv *proof.Verifier, challenge, domain string) *proof.Verifier {
	var v proof.Verifier
	if pv != nil {
		v = *pv
	}
	v.Purpose = proof.PurposeAuthentication
	v.Challenge, v.Domain = challenge, domain
	// A presentation has no issuer: the proof is bound to the holder by
	// VerifyHolderProof instead.
	v.InsecureSkipIssuerBinding = true
	return &v
}

// HolderProof is the outcome of [VerifyHolderProof].
type HolderProof struct {
	// Holder is the presentation's holder, or when it names none the
	// controller of the key of the first verified proof.
	Holder string
	Proofs []proof.ProofResult
	// Err is nil when the proofs verified and were made by the holder:
	// ErrNoProof, a *HolderProofError, or ErrHolderMismatch otherwise.
	Err error
}

// VerifyHolderProof verifies the proofs of a presentation with pv as
// given (set pv.Purpose to proof.PurposeAuthentication, the challenge and
// domain, and InsecureSkipIssuerBinding, as [VerifyPresentation] does) and
// requires every verified proof to be made by a key of the holder.
func VerifyHolderProof(ctx context.Context, p *Presentation, pv *proof.Verifier) HolderProof {
	hp := HolderProof{Holder: p.Holder}
	if len(p.Doc.Proofs()) == 0 {
		hp.Err = fmt.Errorf("%w: nothing binds the presentation to a holder", ErrNoProof)
		return hp
	}
	results, err := pv.VerifyProofs(ctx, p.Doc)
	hp.Proofs = results
	if err != nil {
		hp.Err = &HolderProofError{Err: err}
		return hp
	}
	for _, pr := range results {
		if pr.Status != proof.StatusVerified {
			continue
		}
		if hp.Holder == "" {
			hp.Holder = pr.Controller
		}
		if pr.Controller != hp.Holder {
			hp.Err = fmt.Errorf("%w: proof %d was made by %q, not by the holder %q", ErrHolderMismatch, pr.Index, pr.Controller, hp.Holder)
			return hp
		}
	}
	return hp
}

// checkMember compares the challenge or domain of every proof with want.
func checkMember(p *Presentation, member, want string, skip bool) (CheckID, badge.CheckStatus, error, string) {
	id, required := CheckChallenge, ErrChallengeRequired
	if member == "domain" {
		id, required = CheckDomain, ErrDomainRequired
	}
	if want == "" {
		if skip {
			return id, badge.Skipped, nil, "not required (insecure: the presentation can be replayed)"
		}
		return id, badge.Failed, required, ""
	}
	proofs := p.Doc.Proofs()
	if len(proofs) == 0 {
		return id, badge.Failed, &MismatchError{Member: member, Want: want}, "no proof"
	}
	for _, pr := range proofs {
		got := stringsOf(pr[member])
		if !slices.Contains(got, want) || (member == "challenge" && len(got) != 1) {
			return id, badge.Failed, &MismatchError{Member: member, Want: want, Got: got}, ""
		}
	}
	return id, badge.Passed, nil, want
}

// bindHolder compares the holder with the subjects of every credential.
func bindHolder(r *Result, allow bool) (CheckID, badge.CheckStatus, error, string) {
	fail := badge.Failed
	if allow {
		fail = badge.Warning
	}
	if r.Holder == "" {
		return CheckHolderBinding, fail, fmt.Errorf("%w: the presentation names no holder and no verified proof identifies one", ErrHolderNotSubject), ""
	}
	var errs []error
	bound := 0
	for _, c := range r.Credentials {
		if c.Result == nil || c.Result.Credential == nil {
			continue // the credentials check has failed already
		}
		be := &BindingError{Index: c.Index, Holder: r.Holder, Unbound: true}
		for _, s := range c.Result.Credential.Subjects() {
			id, _ := s["id"].(string)
			be.Subjects = append(be.Subjects, id)
			if id != "" {
				be.Unbound = false
			}
			if id == r.Holder {
				c.HolderIsSubject = true
			}
		}
		if !c.HolderIsSubject {
			c.Binding = be
			errs = append(errs, be)
		} else {
			bound++
		}
	}
	if len(errs) > 0 {
		return CheckHolderBinding, fail, errors.Join(errs...), fmt.Sprintf("%d of %d credential(s) about the holder", bound, len(r.Credentials))
	}
	return CheckHolderBinding, badge.Passed, nil, "every credential is about " + r.Holder
}

func stringsOf(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
