package badge

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/openbadges-go/openbadges/internal/budget"
	"github.com/openbadges-go/openbadges/vc"
)

// The verification kernel: one parse, one ordered list of named checks per
// credential family, one result type. Open Badges and endorsements are
// built in; badge/clr and presentation add their families as [Kind]s
// ([VerifierOptions.Kinds], [Verifier.WithKinds]), and verify what they
// nest (a record's credentials, a presentation's credentials) through the
// same kernel, with the same key resolution, clock, policy and budget.

// Family names the kind of document a verification recognised by its type.
type Family string

// The families this module verifies.
const (
	FamilyOpenBadge    Family = "OpenBadgeCredential" // AchievementCredential or OpenBadgeCredential
	FamilyEndorsement  Family = "EndorsementCredential"
	FamilyCLR          Family = "ClrCredential"          // badge/clr
	FamilyPresentation Family = "VerifiablePresentation" // presentation
)

// A Step is one named check of the kernel. Its function reads the input and
// what earlier steps left in the [Run], and returns its outcome; the
// kernel sets the check's ID, applies the budget rules (a budget error
// fails its check, whatever its usual severity) and appends it to the
// result.
type Step struct {
	ID    CheckID
	Check func(ctx context.Context, r *Run) Check
}

// A Kind is a family the kernel verifies: how it is recognised, and its
// checks after parse, in order. The shared checks are [ContextStep],
// [ProofStep], [IssuerBindingStep], [RefreshStep], [ValidityStep],
// [StatusStep], [EndorsementsStep] and [RecipientStep]; a family adds its
// own (its model, its nested credentials).
type Kind struct {
	Family Family
	// Match reports whether a parsed document belongs to the family.
	Match func(c *vc.Credential) bool
	// Steps run after parse, in order.
	Steps []Step
	// Credentials, when > 0, is the number of credentials one
	// verification of this family may verify when the verifier's Budget
	// leaves MaxCredentials at its default (a record or a presentation
	// holds many).
	Credentials int

	// Recognize and Verify make a family whose documents are not W3C
	// credentials (Open Badges 2.0: badge/ob2): Recognize looks at the raw
	// input before the kernel's parse, and Verify verifies the input
	// whole, within the budget ctx carries, returning the kernel's result
	// type. Nil for the families the kernel parses (Match and Steps).
	Recognize func(data []byte) bool
	Verify    func(ctx context.Context, data []byte, o *VerifyOptions) *VerificationResult
}

// Run is the state of one verification of one document: what each check
// reads and writes. A Step must not keep it.
type Run struct {
	// Verifier runs the verification: its options, proof verifier and
	// processor.
	Verifier *Verifier
	// Options are the per-call options.
	Options VerifyOptions
	// Family is the family the document was verified as.
	Family Family
	// Credential is the parsed document (a credential, or a
	// presentation); Token the compact JWS when it came as a JWT.
	Credential *vc.Credential
	Token      string
	// Result is the result so far.
	Result *VerificationResult
	// Depth counts endorsement recursion (0: the document given, or a
	// credential nested in it).
	Depth int
	// Nesting counts record and presentation nesting.
	Nesting int

	proofErr error // the proof check's error, for the issuer binding check
	noProof  bool
	refresh  bool                // a refresh may still be tried
	replaced *VerificationResult // the refreshed credential's result
	stop     bool
}

// Stop ends the run after the current check.
func (r *Run) Stop() { r.stop = true }

// Relaxed returns the warning error of a check that passed only because
// option relaxed it, naming the profile that set it.
func (r *Run) Relaxed(option, detail string, err error) *RelaxedError {
	return r.Verifier.relaxed(option, detail, err)
}

// ProofVerified reports whether the document's proof and issuer binding
// did not fail: the condition for fetching anything more for it (status
// lists, refreshes, endorsements, a record's contents).
func (r *Run) ProofVerified() bool { return proofVerified(r.Result) }

// Nested verifies a document held by this one (a credential in a record or
// a presentation) through the same kernel, verifier, clock, policy and
// budget, as one of the given families (the first when it matches none).
// data is the credential's JSON or compact JWT. The caller closes the
// fetches ([WithoutFetches]) when the document holding it did not verify.
func (r *Run) Nested(ctx context.Context, data []byte, families ...Family) *VerificationResult {
	return r.Verifier.run(ctx, data, runParams{opts: &VerifyOptions{}, nesting: r.Nesting + 1, refresh: true, families: families})
}

// WithoutFetches returns ctx with the budget's fetches closed, for reason.
func WithoutFetches(ctx context.Context, reason string) context.Context {
	return budget.With(ctx, budget.From(ctx).WithoutFetches(reason))
}

// maxNesting bounds records and presentations held in one another.
const maxNesting = 2

type runParams struct {
	opts     *VerifyOptions
	depth    int
	nesting  int
	refresh  bool
	families []Family // the families allowed (nil: any)
}

// parsed is the input after format detection, unbaking and JWT decoding.
type parsed struct {
	input InputFormat
	cred  *vc.Credential
	token string
	err   error
}

// kind returns the family the document is verified as.
func (v *Verifier) kind(c *vc.Credential, allowed []Family) *Kind {
	ok := func(f Family) bool { return len(allowed) == 0 || slices.Contains(allowed, f) }
	if c != nil {
		for i := range v.kinds {
			k := &v.kinds[i]
			if k.Match != nil && ok(k.Family) && k.Match(c) {
				return k
			}
		}
	}
	if len(allowed) > 0 {
		for i := range v.kinds {
			if v.kinds[i].Family == allowed[0] && len(v.kinds[i].Steps) > 0 {
				return &v.kinds[i]
			}
		}
		// A family this verifier does not have (or one that verifies whole
		// input it did not recognise): nothing can verify the document as
		// it (fail closed, never as another family).
		return &Kind{Family: allowed[0], Steps: []Step{{ID: CheckType, Check: func(context.Context, *Run) Check {
			return Check{Status: Failed, Err: fmt.Errorf("%w: the verifier has no %s family (add its Kind)", ErrType, allowed[0])}
		}}}}
	}
	return &v.kinds[len(v.kinds)-1] // Open Badges: its type check names what it wanted
}

// run parses data and verifies it.
func (v *Verifier) run(ctx context.Context, data []byte, p runParams) *VerificationResult {
	if err := budget.From(ctx).Credential(); err != nil {
		r := &VerificationResult{}
		r.Checks = append(r.Checks, Check{ID: CheckParse, Status: Failed, Err: err, Detail: "not verified: the verification's budget of credentials is spent"})
		return r
	}
	return v.runParsed(ctx, v.parse(data), p)
}

// runParsed runs the family's checks on a parsed document (whose credential
// the budget has already counted).
func (v *Verifier) runParsed(ctx context.Context, in parsed, p runParams) *VerificationResult {
	res := &VerificationResult{Input: in.input}
	r := &Run{Verifier: v, Options: *p.opts, Result: res, Depth: p.depth, Nesting: p.nesting, refresh: p.refresh}
	defer func() { res.Verified = len(res.Failed()) == 0 }()
	if in.err != nil {
		res.Checks = append(res.Checks, Check{ID: CheckParse, Status: Failed, Err: in.err})
		return res
	}
	k := v.kind(in.cred, p.families)
	r.Family, r.Credential, r.Token = k.Family, in.cred, in.token
	res.Family, res.Credential, res.Issuer = k.Family, in.cred, in.cred.Issuer()
	// A check a step (and the parse), and room for the few steps that
	// add a second one.
	res.Checks = make([]Check, 0, len(k.Steps)+4)
	if p.nesting > maxNesting {
		res.Checks = append(res.Checks, Check{ID: CheckParse, Status: Failed, Err: fmt.Errorf("%w: documents nested deeper than %d", vc.ErrMalformed, maxNesting)})
		return res
	}
	res.Checks = append(res.Checks, Check{ID: CheckParse, Status: Passed, Detail: fmt.Sprintf("%s %s (VC %s)", in.input, k.Family, in.cred.Version())})
	for _, s := range k.Steps {
		c := s.Check(ctx, r)
		c.ID = s.ID
		if c.Err != nil {
			// A context error caused by the budget's deadline is the
			// budget's; and a budget error fails its check, whatever the
			// check's usual severity (fail closed).
			c.Err = budget.Wrap(ctx, c.Err)
			if c.Status == Warning && errors.Is(c.Err, ErrBudgetExceeded) {
				c.Status = Failed
			}
		}
		res.Checks = append(res.Checks, c)
		if r.replaced != nil {
			return r.replaced
		}
		if r.stop {
			break
		}
	}
	return res
}

// builtinKinds are the families badge verifies itself, Open Badges last
// (it is the default).
func (v *Verifier) builtinKinds() []Kind {
	shared := func(model ...Step) []Step {
		return append(model, ProofStep, IssuerBindingStep, RefreshStep, ValidityStep, RelatedResourceStep, StatusStep, EndorsementsStep, RecipientStep)
	}
	return []Kind{
		{Family: FamilyEndorsement, Match: func(c *vc.Credential) bool { return c.HasType("EndorsementCredential") },
			Steps: shared(ContextStep(checkOBContexts), obTypeStep(true), obSchemaStep, obSubjectStep(true))},
		{Family: FamilyOpenBadge, Match: func(c *vc.Credential) bool {
			return c.HasType("AchievementCredential") || c.HasType("OpenBadgeCredential")
		}, Steps: shared(ContextStep(checkOBContexts), obTypeStep(false), obSchemaStep, obSubjectStep(false))},
	}
}

// WithKinds returns a verifier that shares v's options, proof verifier,
// processor and schemas, and recognises the given families too (before
// the built-in ones; a kind of a family v already has replaces it).
func (v *Verifier) WithKinds(kinds ...Kind) *Verifier {
	cp := *v
	cp.kinds = nil
	for _, k := range kinds {
		cp.kinds = append(cp.kinds, k)
	}
	for _, k := range v.kinds {
		if !slices.ContainsFunc(kinds, func(n Kind) bool { return n.Family == k.Family }) {
			cp.kinds = append(cp.kinds, k)
		}
	}
	return &cp
}

// Families lists the families v recognises, in the order it tries them.
func (v *Verifier) Families() []Family {
	out := make([]Family, len(v.kinds))
	for i, k := range v.kinds {
		out[i] = k.Family
	}
	return out
}

// budgetFor returns the verifier's budget limits for a verification of k.
func (v *Verifier) budgetFor(k *Kind) budget.Limits {
	l := v.o.Budget.limits()
	if l.Credentials == 0 && k != nil && k.Credentials > 0 {
		l.Credentials = k.Credentials
	}
	return l
}

// adder appends a check (the form of the checks that report as they go).
type adder func(id CheckID, st CheckStatus, err error, detail string)

// collect runs f and returns the one check it reported.
func collect(f func(add adder)) Check {
	var out Check
	f(func(id CheckID, st CheckStatus, err error, detail string) {
		out = Check{ID: id, Status: st, Err: err, Detail: detail}
	})
	return out
}

// RelaxedNested returns a warning when a credential held by the document
// verified only under a relaxed rule (its own result says which), so that
// the check that verified it says so too; nil otherwise.
func RelaxedNested(r *VerificationResult) *RelaxedError {
	var paths []string
	for _, n := range r.Nested {
		if n.Result == nil || !n.Result.Verified {
			continue
		}
		for _, ch := range n.Result.Checks {
			if ch.Status == Warning && errors.Is(ch.Err, ErrRelaxed) {
				paths = append(paths, n.Path)
				break
			}
		}
	}
	if len(paths) == 0 {
		return nil
	}
	return &RelaxedError{Option: "(see the credential's checks)", Detail: "verified only under relaxed rules: " + strings.Join(paths, ", ")}
}
