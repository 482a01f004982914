package presentation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// Options configures the presentation family ([Kind]) and
// [VerifyPresentation]. The zero value refuses every presentation: a
// challenge and a domain are required unless the caller opts out by name.
type Options struct {
	// Challenge and Domain are the values the verifier gave the holder;
	// every presentation proof must carry them (badge.VerifyOptions'
	// Challenge and Domain, when set, take their place for one call).
	// Required: an empty one fails its check with ErrChallengeRequired
	// (ErrDomainRequired) unless InsecureSkipChallenge
	// (InsecureSkipDomain) is set, which reports the check skipped.
	// Without a challenge a recorded presentation can be replayed;
	// without a domain one made for another site is accepted.
	Challenge, Domain     string
	InsecureSkipChallenge bool
	InsecureSkipDomain    bool

	// Verifier is the kernel's verifier (nil: badge.NewVerifier with the
	// zero options). Its key resolution verifies the holder's proof as
	// well as each embedded credential, and its clock, policy, status
	// checker and budget apply to all of them.
	Verifier *badge.Verifier

	// AllowHolderNotSubject turns a credential whose subject is not the
	// holder (or has no id to compare) into a warning of the holder_binding
	// check instead of a failure. Off by default: a holder presents only
	// credentials about themselves. Each credential's binding is reported
	// in the result's Nested entries either way.
	AllowHolderNotSubject bool

	// Limits bounds the input size and the number of credentials.
	Limits Limits

	// AllowUnsigned accepts a presentation that carries no proof when
	// the call asks for neither a challenge nor a domain: its holder_proof
	// check is then a warning (ErrNoProof) instead of a failure, and only
	// its credentials are verified (the W3C VC-API's semantics). The
	// presentation then authenticates nobody: its holder is not bound to
	// the credentials (the holder_binding check fails, or warns with
	// AllowHolderNotSubject). A presentation with a challenge or domain to
	// check still needs a proof.
	AllowUnsigned bool
	// InsecureSkipHolderBinding does not compare the holder with the
	// subjects of the credentials: the holder_binding check is reported
	// skipped. The W3C VC-API verifies presentations so (a presentation
	// proves who presents, not about whom).
	InsecureSkipHolderBinding bool
	// CredentialFamilies are the families an embedded credential may be
	// verified as (nil: an Open Badge, an endorsement or a CLR 2.0
	// record). The VC-API verifies them as generic W3C credentials
	// (badge.FamilyVC; the verifier must have badge.VCKind).
	CredentialFamilies []badge.Family
}

// credentialFamilies are the families embedded credentials are verified
// as.
func (o *Options) credentialFamilies() []badge.Family {
	if len(o.CredentialFamilies) > 0 {
		return o.CredentialFamilies
	}
	return []badge.Family{badge.FamilyOpenBadge, badge.FamilyEndorsement, badge.FamilyCLR}
}

// Kind is the presentation family for the verification kernel
// (badge.VerifierOptions.Kinds, badge.Verifier.WithKinds): a JSON-LD
// VerifiablePresentation is verified for its structure, the holder's Data
// Integrity proof (proofPurpose authentication, a key listed under the
// authentication relationship of the holder's DID document, made by the
// holder, resolved as the verifier resolves every key), the challenge and
// the domain, every embedded credential through the same kernel (an Open
// Badge, an endorsement or, when the verifier has its family, a CLR), and
// that the holder is the subject of each credential.
//
// When the holder proof does not verify, the embedded credentials are
// still verified, but without any fetch: a presentation nobody
// authenticated cannot make the verifier reach the network for what it
// carries. A verification of a presentation may verify 1 +
// Limits.MaxCredentials credentials, and the default budget's credentials
// more for their endorsements and refreshes, unless the verifier's Budget
// sets MaxCredentials.
func Kind(o Options) badge.Kind {
	o.Limits = o.Limits.withDefaults()
	return badge.Kind{
		Family: badge.FamilyPresentation,
		Match: func(c *vc.Credential) bool {
			return c.HasType(TypeVerifiablePresentation) || c.HasType(TypeEnvelopedVerifiablePresentation)
		},
		Credentials: 1 + o.Limits.MaxCredentials + badge.DefaultBudgetCredentials,
		Steps: []badge.Step{
			structureStep(o.Limits),
			holderProofStep(o),
			memberStep(CheckChallenge, "challenge", o),
			memberStep(CheckDomain, "domain", o),
			credentialsStep(o.credentialFamilies()),
			{ID: CheckHolderBinding, Check: func(_ context.Context, r *badge.Run) badge.Check {
				switch {
				case o.InsecureSkipHolderBinding:
					return badge.Check{Status: badge.Skipped, Detail: "not checked (InsecureSkipHolderBinding): the holder is not compared with the credentials' subjects"}
				case Of(r.Result) == nil || len(Of(r.Result).Credentials) == 0:
					return badge.Check{Status: badge.Skipped, Detail: "no credential"}
				}
				if c := r.Result.Check(CheckHolderProof); c != nil && c.Status == badge.Warning && errors.Is(c.Err, ErrNoProof) {
					st := badge.Failed
					if o.AllowHolderNotSubject {
						st = badge.Warning
					}
					return badge.Check{Status: st, Err: fmt.Errorf("%w: the presentation is unsigned, so nothing authenticates its holder", ErrHolderNotSubject)}
				}
				return asCheck(bindHolder(r.Result, o.AllowHolderNotSubject))
			}},
			recipientStep,
		},
	}
}

// VerifyPresentation verifies a presentation as the presentation family
// ([Kind]) with o.Verifier's kernel: a JSON-LD VerifiablePresentation
// with a Data Integrity proof, or a presentation JWT (VC-JOSE-COSE,
// [SignJWT]) given as it is or in an EnvelopedVerifiablePresentation.
//
// It returns a result with every check whether or not verification
// succeeded, and an error that is nil only when no check failed (a
// badge.VerificationError otherwise; errors.Is reaches each failed check's
// cause: ErrChallengeMismatch, ErrDomainMismatch, ErrHolderNotSubject,
// ErrCredential, proof.ErrSignatureInvalid ...). Only a nil ctx returns a
// nil result.
//
// Not checked: that the challenge is fresh and used once (the caller
// issues and retires challenges), and the trust of the credentials'
// issuers (configure the badge.Verifier's TrustedIssuers).
func VerifyPresentation(ctx context.Context, data []byte, o Options) (*Result, error) {
	if ctx == nil {
		return nil, errors.New("presentation: nil context")
	}
	bv := o.Verifier
	if bv == nil {
		var err error
		if bv, err = badge.NewVerifier(badge.VerifierOptions{}); err != nil {
			r := &Result{Checks: []Check{{ID: CheckParse, Status: badge.Failed, Err: err}}}
			return r, &badge.VerificationError{Checks: r.Checks}
		}
	}
	if t := strings.TrimSpace(string(data)); isCompactJWS(t) {
		if _, err := parseJWT(t, o.Limits.withDefaults()); err != nil {
			// The family's structure check names what it refuses (a
			// "vp" claim, another typ) where the kernel's parse, which
			// reads a JWT as a credential's, could not: let it read the
			// token from an envelope.
			if env, err := encodeJSON(EnvelopePresentation(t)); err == nil {
				data = env
			}
		}
	}
	return bv.WithKinds(Kind(o)).VerifyWith(ctx, data, &badge.VerifyOptions{Families: []badge.Family{badge.FamilyPresentation}})
}

// Of returns the parsed presentation of a result, or nil.
func Of(r *badge.VerificationResult) *Presentation {
	if r == nil {
		return nil
	}
	p, _ := r.View.(*Presentation)
	return p
}

// CheckBudget is the kernel's (see badge.CheckBudget).
const CheckBudget = badge.CheckBudget

func asCheck(id CheckID, st badge.CheckStatus, err error, detail string) badge.Check {
	return badge.Check{ID: id, Status: st, Err: err, Detail: detail}
}

// structureStep reads the presentation from the kernel's parse (its
// holder and each credential's own bytes; for a presentation JWT, given
// as it is or enveloped, the payload without the claims, which becomes
// the result's Credential) and applies the VC 2.0 presentation rules:
// StructureProblems, then JSON-LD safe mode and the strict compact form
// over the presentation without its proof.
func structureStep(l Limits) badge.Step {
	return badge.Step{ID: CheckStructure, Check: func(ctx context.Context, r *badge.Run) badge.Check {
		var p *Presentation
		var err error
		if r.Token != "" {
			p, err = parseJWT(r.Token, l)
		} else {
			p, err = fromDocOrEnvelope(r.Credential, l)
		}
		if err != nil {
			r.Stop()
			return badge.Check{Status: badge.Failed, Err: err}
		}
		r.Credential, r.Result.Credential = p.Doc, p.Doc
		r.Result.View = p
		r.Result.Holder = p.Holder
		if ps := StructureProblems(p.Doc); len(ps) > 0 {
			msgs := make([]string, len(ps))
			for i, pr := range ps {
				msgs[i] = pr.Path + " " + pr.Detail
			}
			return badge.Check{Status: badge.Failed, Err: fmt.Errorf("%w: %s", ErrMalformed, strings.Join(msgs, "; "))}
		}
		if err := r.Verifier.Processor().Check(ctx, withoutProof(p.Doc.Document())); err != nil {
			return badge.Check{Status: badge.Failed, Err: fmt.Errorf("%w: %w", ErrMalformed, err)}
		}
		detail := fmt.Sprintf("%d credential(s)", len(p.Credentials))
		if p.JWT != nil {
			detail = "a presentation JWT (" + TypVPJWT + "), " + detail
		}
		return badge.Check{Status: badge.Passed, Detail: detail}
	}}
}

// withoutProof returns m without its proof member (m itself when it has
// none).
func withoutProof(m map[string]any) map[string]any {
	if _, has := m["proof"]; !has {
		return m
	}
	out := make(map[string]any, len(m)-1)
	for k, v := range m {
		if k != "proof" {
			out[k] = v
		}
	}
	return out
}

// challengeAndDomain returns the values a call asks for.
func challengeAndDomain(r *badge.Run, o Options) (string, string) {
	c, d := o.Challenge, o.Domain
	if r.Options.Challenge != "" {
		c = r.Options.Challenge
	}
	if r.Options.Domain != "" {
		d = r.Options.Domain
	}
	return c, d
}

// holderProofStep verifies the presentation's proofs with the verifier's
// proof verifier, for authentication, with the challenge and domain, and
// requires them to be the holder's.
func holderProofStep(o Options) badge.Step {
	return badge.Step{ID: CheckHolderProof, Check: func(ctx context.Context, r *badge.Run) badge.Check {
		challenge, domain := challengeAndDomain(r, o)
		p := Of(r.Result)
		if o.AllowUnsigned && p.JWT == nil && len(p.Doc.Proofs()) == 0 && challenge == "" && domain == "" {
			return badge.Check{Status: badge.Warning, Err: fmt.Errorf("%w: the presentation is unsigned (AllowUnsigned): nothing binds it to a holder; only its credentials are verified", ErrNoProof)}
		}
		hp := VerifyHolderProof(ctx, p, holderVerifier(r.Verifier.Proofs(), challenge, domain))
		r.Result.Proofs = hp.Proofs
		r.Result.Holder = hp.Holder
		if hp.Err != nil {
			return badge.Check{Status: badge.Failed, Err: hp.Err}
		}
		if p.JWT != nil {
			return badge.Check{Status: badge.Passed, Detail: "a " + TypVPJWT + " signed by " + hp.Holder}
		}
		return badge.Check{Status: badge.Passed, Detail: "authenticated as " + hp.Holder}
	}}
}

// memberStep compares the challenge or domain of every proof with the
// verifier's.
func memberStep(id CheckID, member string, o Options) badge.Step {
	return badge.Step{ID: id, Check: func(_ context.Context, r *badge.Run) badge.Check {
		challenge, domain := challengeAndDomain(r, o)
		want, skip := challenge, o.InsecureSkipChallenge
		if member == "domain" {
			want, skip = domain, o.InsecureSkipDomain
		}
		return asCheck(checkMember(Of(r.Result), member, want, skip))
	}}
}

// credentialsStep verifies each embedded credential through the kernel,
// as one of families.
func credentialsStep(families []badge.Family) badge.Step {
	return badge.Step{ID: CheckCredentials, Check: func(ctx context.Context, r *badge.Run) badge.Check {
		return verifyCredentials(ctx, r, families)
	}}
}

func verifyCredentials(ctx context.Context, r *badge.Run, families []badge.Family) badge.Check {
	p := Of(r.Result)
	if len(p.Credentials) == 0 {
		return badge.Check{Status: badge.Skipped, Detail: "the presentation carries no credential (authentication only)"}
	}
	offline := ""
	if c := r.Result.Check(CheckHolderProof); c == nil || c.Status == badge.Failed {
		offline = " (without fetching: the holder proof did not verify)"
		ctx = badge.WithoutFetches(ctx, "the presentation's holder proof did not verify")
	}
	var errs []error
	verified := 0
	for _, c := range p.Credentials {
		n := &badge.NestedResult{Path: fmt.Sprintf("$.verifiableCredential[%d]", c.Index), Index: c.Index, Format: string(c.Format)}
		n.Result = r.Nested(ctx, c.Raw, families...)
		r.Result.Nested = append(r.Result.Nested, n)
		if !n.Result.Verified {
			n.Err = &badge.VerificationError{Checks: n.Result.Failed()}
			errs = append(errs, &CredentialError{Index: c.Index, Err: n.Err})
			if badgeSpent(n.Result) {
				break
			}
			continue
		}
		verified++
	}
	detail := fmt.Sprintf("%d of %d verified%s", verified, len(p.Credentials), offline)
	if len(errs) > 0 {
		return badge.Check{Status: badge.Failed, Err: errors.Join(errs...), Detail: detail}
	}
	if w := badge.RelaxedNested(r.Result); w != nil {
		return badge.Check{Status: badge.Warning, Err: w, Detail: detail}
	}
	return badge.Check{Status: badge.Passed, Detail: detail}
}

// recipientStep matches the expected recipient (VerifyOptions.Recipient)
// against the subject of every credential of the presentation (of every
// credential a record in it holds, too).
var recipientStep = badge.Step{ID: badge.CheckRecipient, Check: func(_ context.Context, r *badge.Run) badge.Check {
	if r.Options.Recipient == nil {
		return badge.Check{Status: badge.Skipped, Detail: "no recipient given"}
	}
	want := *r.Options.Recipient
	if len(r.Result.Nested) == 0 {
		return badge.Check{Status: badge.Failed, Err: fmt.Errorf("%w: the presentation carries no credential", badge.ErrRecipientMismatch)}
	}
	for _, n := range r.Result.Nested {
		docs := []*badge.VerificationResult{n.Result}
		if n.Result != nil && n.Result.Family == badge.FamilyCLR {
			docs = append(docs, n.Result.NestedResults()...)
		}
		for _, d := range docs {
			if err := badge.RecipientMatches(d, want); err != nil {
				return badge.Check{Status: badge.Failed, Err: fmt.Errorf("%s: %w", n.Path, err)}
			}
		}
	}
	return badge.Check{Status: badge.Passed, Detail: "every credential is about the recipient"}
}}

// badgeSpent reports whether a nested verification failed for the budget.
func badgeSpent(r *badge.VerificationResult) bool {
	for _, c := range r.Failed() {
		if errors.Is(c.Err, badge.ErrBudgetExceeded) {
			return true
		}
	}
	return false
}

// holderVerifier copies pv (nil: a zero Verifier) for a presentation
// proof.
func holderVerifier(pv *proof.Verifier, challenge, domain string) *proof.Verifier {
	var v proof.Verifier
	if pv != nil {
		v = *pv
	}
	// The holder's key is resolved as every key is, but the relaxations
	// a profile makes for issuers' keys (a key read from a URL fragment,
	// a JWT's own jwk header) would let anyone sign as any holder: never
	// for a holder.
	v.InsecureFragmentKeys, v.InsecureEmbeddedJWK = false, false
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
//
// A presentation JWT's signature is verified instead, with the key its
// kid names, dereferenced through pv.Resolver for the authentication
// relationship (pv's algorithm allow-list and clock apply); that key must
// be the holder's, and so must iss when present. Its nonce and aud are
// the challenge and domain checks' ([Kind]).
func VerifyHolderProof(ctx context.Context, p *Presentation, pv *proof.Verifier) HolderProof {
	if p.JWT != nil {
		return verifyHolderJWT(ctx, p, pv)
	}
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
	if p.JWT != nil {
		// VC-JOSE-COSE: the challenge is the nonce claim, the domain the
		// aud claim.
		claim := "nonce"
		if member == "domain" {
			claim = "aud"
		}
		got := stringsOf(p.JWT.Claims[claim])
		if !slices.Contains(got, want) || (member == "challenge" && len(got) != 1) {
			return id, badge.Failed, &MismatchError{Member: member, Want: want, Got: got}, "the JWT's " + claim + " claim"
		}
		return id, badge.Passed, nil, want + " (the JWT's " + claim + " claim)"
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
func bindHolder(r *badge.VerificationResult, allow bool) (CheckID, badge.CheckStatus, error, string) {
	fail := badge.Failed
	if allow {
		fail = badge.Warning
	}
	if r.Holder == "" {
		return CheckHolderBinding, fail, fmt.Errorf("%w: the presentation names no holder and no verified proof identifies one", ErrHolderNotSubject), ""
	}
	var errs []error
	bound := 0
	for _, c := range r.Nested {
		if c.Result == nil || c.Result.Credential == nil {
			continue // the credentials check has failed already
		}
		be := &BindingError{Index: c.Index, Holder: r.Holder, Unbound: true}
		// A record binds the holder only when its own subject and the
		// subject of every credential it holds is the holder: a record's
		// issuer cannot make another person's badge the holder's.
		c.Bound = true
		for _, doc := range boundDocuments(c.Result) {
			if doc == nil {
				c.Bound = false
				continue
			}
			about := false
			for _, s := range doc.Subjects() {
				id, _ := s["id"].(string)
				be.Subjects = append(be.Subjects, id)
				if id != "" {
					be.Unbound = false
				}
				if id == r.Holder {
					about = true
				}
			}
			c.Bound = c.Bound && about
		}
		if !c.Bound {
			c.Binding = be
			errs = append(errs, be)
		} else {
			bound++
		}
	}
	if len(errs) > 0 {
		return CheckHolderBinding, fail, errors.Join(errs...), fmt.Sprintf("%d of %d credential(s) about the holder", bound, len(r.Nested))
	}
	return CheckHolderBinding, badge.Passed, nil, "every credential is about " + r.Holder
}

// boundDocuments are the documents of a credential's result whose
// subjects must be the holder: the credential, and for a record every
// credential it holds too.
func boundDocuments(res *badge.VerificationResult) []*vc.Credential {
	out := []*vc.Credential{res.Credential}
	if res.Family != badge.FamilyCLR {
		return out
	}
	for _, n := range res.Nested {
		if n.Result == nil || n.Result.Credential == nil {
			return append(out[:0:0], nil) // not established: not bound
		}
		out = append(out, n.Result.Credential)
	}
	return out
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
