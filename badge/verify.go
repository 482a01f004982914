package badge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/openbadges-go/openbadges/internal/budget"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// Defaults of [VerifierOptions].
const (
	DefaultMaxInputBytes       = 16 << 20
	DefaultMaxEndorsementDepth = 2
	maxEndorsementsPerLevel    = 32
)

// Pipeline errors; each failed check carries one (or a more specific error
// from vc, proof or did).
var (
	// ErrUnrecognizedInput: the bytes are neither JSON, a compact JWT, a PNG
	// nor an SVG.
	ErrUnrecognizedInput = errors.New("badge: input is not a credential, a JWT or a baked image")
	// ErrContext: the @context list breaks the Open Badges rules.
	ErrContext = errors.New("badge: invalid @context")
	// ErrType: the credential is not of a type this verifier checks.
	ErrType = errors.New("badge: not an Open Badges credential type")
	// ErrNoSubject: the credential subject has neither an id nor an
	// identifier.
	ErrNoSubject = errors.New("badge: credential subject has no id and no identifier")
	// ErrNoProof: the credential carries no proof.
	ErrNoProof = errors.New("badge: credential has no proof")
	// ErrUntrustedIssuer: the issuer is not in the caller's trusted list.
	ErrUntrustedIssuer = errors.New("badge: issuer is not trusted")
	// ErrStatusNotChecked: the credential has a status entry and no status
	// checker is configured (fails closed; see InsecureSkipStatus).
	ErrStatusNotChecked = errors.New("badge: credential has a status but no status checker is configured")
	// ErrEndorsement: an embedded endorsement did not verify (a warning
	// instead of a failure with AllowInvalidEndorsements).
	ErrEndorsement = errors.New("badge: an endorsement did not verify")
	// ErrRecipientMismatch: the credential is not about the given recipient.
	ErrRecipientMismatch = errors.New("badge: recipient does not match")
)

// VerifierOptions configures a [Verifier]. The zero value is safe: offline
// key resolution (did:key and did:jwk), embedded contexts and schemas, no
// status checking (so a credential with a credentialStatus fails the status
// check), the current time with five minutes of clock skew.
//
// [NewVerifier] refuses contradictory options with an [*OptionsError]:
// Proofs together with an option it would ignore (Resolver, KeySets,
// InsecureFragmentKeys, InsecureEmbeddedJWK, AllowedCryptosuites,
// RequireAllProofs), or a named Policy together with a relaxation the
// profile does not make.
type VerifierOptions struct {
	// Policy is the verification profile ([PolicyStrict],
	// [PolicyInterop], [Policy1EdTechValidator]; see [Policy.Rules]). The
	// zero value is strict with the relaxations below set one by one; a
	// named profile sets its own and refuses any other. Every relaxation
	// used is reported on the check it relaxed (a [Warning] with a
	// [*RelaxedError]).
	Policy Policy

	// Proofs checks signatures. Nil: a proof.Verifier built from Resolver,
	// KeySets, the clock and InsecureFragmentKeys, with the default
	// cryptosuite and algorithm allow-lists. A Policy that changes proof
	// rules applies them to a copy of it.
	Proofs *proof.Verifier
	// Resolver resolves verification methods when Proofs is nil. Nil means
	// offline: did:key and did:jwk. Add did:web and https with did.Methods.
	Resolver proof.Resolver
	// KeySets fetches JWK Sets for VC-JWT kid URLs when Proofs is nil.
	KeySets proof.KeySetFetcher
	// InsecureFragmentKeys accepts a verification method
	// "https://host/path#z6Mk…" by reading the key from the fragment, with
	// no fetch, and the part before '#' as its controller, as the 1EdTech
	// validator does. It is insecure: anyone can name their own key under
	// any issuer URL this way. Off, such a key is accepted only when the
	// document at the URL lists it (network resolver required).
	InsecureFragmentKeys bool
	// InsecureEmbeddedJWK trusts a VC-JWT's own "jwk" header key even when
	// nothing binds it to the issuer (the 1EdTech validator does). The
	// token then proves only that it is unchanged, not who made it.
	InsecureEmbeddedJWK bool
	// AllowedCryptosuites is the Data Integrity allow-list when Proofs is
	// nil (nil: proof.DefaultCryptosuites; add proof.EdDSA2022 to accept
	// the legacy suite name).
	AllowedCryptosuites []string
	// RequireAllProofs makes every proof count (default: at least one proof
	// of an allowed suite verifies and none fails; others are warnings).
	RequireAllProofs bool
	// InsecureDIDKeyIssuer accepts a proof whose key is a did:key when the
	// issuer is not a DID (a urn:uuid: or https: issuer), as the 1EdTech
	// validator does; reported as a warning on the issuer binding check
	// naming both. Nothing binds such a key to the issuer: anyone can sign
	// in the issuer's name. Any other key must still be the issuer's.
	InsecureDIDKeyIssuer bool

	// AllowNonconforming turns Open Badges 3.0 conformance failures into
	// warnings: an achievement subject with neither id nor identifier, an
	// achievementType that is neither a known value nor an ext: extension
	// (when it is the only problem the model check finds), and violations
	// of the official JSON Schema. The VC data model, the contexts and
	// every security check still fail.
	AllowNonconforming bool

	// Status checks credentialStatus entries. Nil: a credential with a
	// credentialStatus fails the status check, unless InsecureSkipStatus.
	Status vc.StatusChecker
	// InsecureSkipStatus reports the status check as skipped instead.
	InsecureSkipStatus bool
	// AllowShortLists, AllowForeignListSigner and AllowListIDMismatch are
	// the relaxations of [status.Checker] of the same names, passed to
	// the status checker for each entry (it must have the method
	// CheckStatusOptions, as *status.Checker has); a relaxation the
	// checker needed turns the status check into a warning.
	AllowShortLists        bool
	AllowForeignListSigner bool
	AllowListIDMismatch    bool
	// Refresher fetches refreshed credentials (1EdTechCredentialRefresh).
	// Nil: refresh is skipped.
	Refresher vc.Refresher

	// Processor is the JSON-LD processor (nil: embedded contexts only).
	Processor *vc.Processor
	// Schemas validates against the official schemas (nil: the embedded
	// ones).
	Schemas *SchemaValidator
	// AllowUnknownSchemas turns a credentialSchema URL that is not embedded
	// into a warning (the credential is then validated against the official
	// schema for its type) instead of a failure.
	AllowUnknownSchemas bool

	// Now is the clock (nil: time.Now); ClockSkew the tolerance for the
	// validity window (0: vc.DefaultClockSkew).
	Now       func() time.Time
	ClockSkew time.Duration
	// TrustedIssuers, when not empty, lists the only issuer ids accepted.
	// Empty means any issuer whose proof verifies.
	TrustedIssuers []string
	// AllowInvalidEndorsements reports an embedded endorsement that does
	// not verify as a warning instead of failing the credential. Open
	// Badges 3.0 verification includes every embedded endorsement (step 6),
	// and so does the 1EdTech validator, so the default is a failure. Every
	// endorsement's own result is in VerificationResult.Endorsements.
	AllowInvalidEndorsements bool
	// MaxEndorsementDepth bounds the recursion into endorsements
	// (0: DefaultMaxEndorsementDepth; negative: endorsements not verified,
	// reported skipped).
	MaxEndorsementDepth int
	// MaxInputBytes bounds the input (0: DefaultMaxInputBytes).
	MaxInputBytes int64
	// Budget bounds the fetches, bytes, time and credentials of one
	// verification, everything it verifies in turn included (the zero
	// value: the defaults, 32 fetches, 4 MiB, 30 s, 64 credentials). A
	// verification that reaches a limit fails with ErrBudgetExceeded on
	// the check that hit it.
	Budget Budget

	// Kinds are more credential families to recognise, tried before the
	// built-in Open Badges and endorsement families: clr.Kind for CLR 2.0
	// records, presentation.Kind for presentations (see [Kind]).
	Kinds []Kind
}

// Verifier runs the Open Badges 3.0 verification algorithm. Build it with
// [NewVerifier]; it is safe for concurrent use.
type Verifier struct {
	o      VerifierOptions
	proofs *proof.Verifier
	lists  *proof.Verifier // proofs, with issuer binding, for status lists
	proc   *vc.Processor
	schema *SchemaValidator
	kinds  []Kind // the families, in the order they are tried; Open Badges last
}

// embeddedSchemas compiles the embedded schemas once per process: a
// SchemaValidator is immutable after compilation, and compiling takes
// milliseconds, too much for callers who build a Verifier per request.
var embeddedSchemas = sync.OnceValues(NewSchemaValidator)

// NewVerifier checks the options once and returns a Verifier. It refuses
// an unknown Policy ([*UnknownPolicyError]) and contradictory options
// ([*OptionsError]).
func NewVerifier(o VerifierOptions) (*Verifier, error) {
	o, err := applyPolicy(o)
	if err != nil {
		return nil, err
	}
	v := &Verifier{o: o}
	if o.Now == nil {
		v.o.Now = time.Now
	}
	if o.MaxInputBytes <= 0 {
		v.o.MaxInputBytes = DefaultMaxInputBytes
	}
	if o.MaxEndorsementDepth == 0 {
		v.o.MaxEndorsementDepth = DefaultMaxEndorsementDepth
	}
	if err := o.Budget.validate(); err != nil {
		return nil, err
	}
	v.proc = o.Processor
	if v.proc == nil {
		v.proc = vc.NewProcessor(nil)
	}
	v.schema = o.Schemas
	if v.schema == nil {
		s, err := embeddedSchemas()
		if err != nil {
			return nil, fmt.Errorf("badge: loading the embedded schemas: %w", err)
		}
		v.schema = s
	}
	v.proofs = o.Proofs
	if v.proofs == nil {
		skew := o.ClockSkew
		if skew == 0 {
			skew = vc.DefaultClockSkew
		}
		v.proofs = &proof.Verifier{
			Resolver:             o.Resolver,
			KeySets:              o.KeySets,
			Processor:            v.proc,
			Now:                  v.o.Now,
			ClockSkew:            skew,
			RequireAllProofs:     o.RequireAllProofs,
			InsecureFragmentKeys: o.InsecureFragmentKeys,
			InsecureEmbeddedJWK:  o.InsecureEmbeddedJWK,
			AllowedCryptosuites:  o.AllowedCryptosuites,
		}
	}
	v.lists = v.proofs
	if o.InsecureDIDKeyIssuer {
		// The issuer binding of the credential's proofs is checked here,
		// with the did:key exception; a status list keeps proof's.
		cp := *v.proofs
		cp.InsecureSkipIssuerBinding = true
		v.proofs = &cp
	}
	for _, k := range o.Kinds {
		parsed := k.Match != nil && len(k.Steps) > 0 && k.Recognize == nil && k.Verify == nil
		whole := k.Recognize != nil && k.Verify != nil && k.Match == nil && len(k.Steps) == 0
		if k.Family == "" || parsed == whole {
			return nil, &OptionsError{Option: "Kinds", Reason: fmt.Sprintf("kind %q needs a Family, and either Match and Steps or Recognize and Verify", k.Family)}
		}
	}
	v.kinds = append(v.kinds, o.Kinds...)
	v.kinds = append(v.kinds, v.builtinKinds()...)
	return v, nil
}

// Proofs returns the proof verifier the verifier checks credentials'
// proofs with (with the profile's rules applied). It is shared: copy it
// before changing it.
func (v *Verifier) Proofs() *proof.Verifier { return v.lists }

// Processor returns the verifier's JSON-LD processor.
func (v *Verifier) Processor() *vc.Processor { return v.proc }

// Now returns the verifier's clock reading.
func (v *Verifier) Now() time.Time { return v.o.Now() }

// Policy returns the verifier's profile (the zero Policy when none was
// named).
func (v *Verifier) Policy() Policy { return v.o.Policy }

// ExpectedRecipient names the person a caller expects a badge to be about:
// an identifier type (emailAddress, studentId, ..., or "id" for the
// subject's id, which "did" and "url" also select) and value. Identifier
// entries are matched hashed or not.
type ExpectedRecipient struct {
	Type  IdentifierType
	Value string
}

// VerifyOptions are per-call options of [Verifier.VerifyWith].
type VerifyOptions struct {
	// Recipient, when set, must match the credential subject.
	Recipient *ExpectedRecipient
	// Challenge and Domain are what the verifier asked a holder to put in
	// a presentation's proof (package presentation).
	Challenge, Domain string
	// Families, when not empty, are the only families the input may be
	// verified as (another is verified as the first, and fails its type
	// check).
	Families []Family
}

// Verify runs the verification on a credential given as JSON, a compact
// VC-JWT, or a baked PNG or SVG (detected from the bytes), as the family
// its type names (Open Badges, endorsement, and those of
// VerifierOptions.Kinds). It returns a result with every check whether or
// not verification succeeded, and an error that is nil only when every
// check passed (a [*VerificationError] otherwise). Only a nil ctx returns
// a nil result.
func (v *Verifier) Verify(ctx context.Context, data []byte) (*VerificationResult, error) {
	return v.VerifyWith(ctx, data, nil)
}

// VerifyReader reads at most MaxInputBytes from r and verifies them.
func (v *Verifier) VerifyReader(ctx context.Context, r io.Reader) (*VerificationResult, error) {
	b, err := io.ReadAll(io.LimitReader(r, v.o.MaxInputBytes+1))
	if err != nil {
		res := &VerificationResult{Checks: []Check{{ID: CheckParse, Status: Failed, Err: err}}}
		return res, &VerificationError{Checks: res.Checks}
	}
	return v.VerifyWith(ctx, b, nil)
}

// VerifyWith is Verify with per-call options.
//
// The verification runs within the verifier's [Budget], or within the
// budget ctx already carries (an enclosing verification's, or one from
// [WithBudget]), which it shares.
func (v *Verifier) VerifyWith(ctx context.Context, data []byte, o *VerifyOptions) (*VerificationResult, error) {
	if ctx == nil {
		return nil, errors.New("badge: nil context")
	}
	var opt VerifyOptions
	if o != nil {
		opt = *o
	}
	// A family that verifies its input whole (Open Badges 2.0), when it
	// recognises it.
	for i := range v.kinds {
		k := &v.kinds[i]
		if k.Recognize == nil || (len(opt.Families) > 0 && !slices.Contains(opt.Families, k.Family)) || !k.Recognize(data) {
			continue
		}
		ctx, b, owner, cancel := budget.Start(ctx, v.budgetFor(k))
		defer cancel()
		r := k.Verify(ctx, data, &opt)
		if r == nil {
			r = &VerificationResult{Family: k.Family, Checks: []Check{{ID: CheckParse, Status: Failed, Err: fmt.Errorf("%w: the %s family gave no result", ErrUnrecognizedInput, k.Family)}}}
		}
		r.Verified = len(r.Failed()) == 0
		if err := b.Err(); owner && err != nil && r.Verified {
			r.Checks = append(r.Checks, Check{ID: CheckBudget, Status: Failed, Err: err, Detail: "the verification reached its budget"})
			r.Verified = false
		}
		return r, r.err()
	}
	// Parsing fetches nothing: the budget starts once the family, which
	// may need more credentials than the default, is known.
	in := v.parse(data)
	var k *Kind
	if in.err == nil {
		k = v.kind(in.cred, opt.Families)
	}
	ctx, b, owner, cancel := budget.Start(ctx, v.budgetFor(k))
	defer cancel()
	var r *VerificationResult
	if err := b.Credential(); err != nil {
		r = &VerificationResult{Input: in.input, Checks: []Check{{ID: CheckParse, Status: Failed, Err: err, Detail: "not verified: the verification's budget of credentials is spent"}}}
	} else {
		r = v.runParsed(ctx, in, runParams{opts: &opt, refresh: true, families: opt.Families})
	}
	if err := b.Err(); owner && err != nil && r.Verified {
		// Fail closed: a plug-in swallowed the error of a spent budget.
		r.Checks = append(r.Checks, Check{ID: CheckBudget, Status: Failed, Err: err, Detail: "the verification reached its budget"})
		r.Verified = false
	}
	return r, r.err()
}

func (r *VerificationResult) err() error {
	f := r.Failed()
	if len(f) == 0 {
		return nil
	}
	return &VerificationError{Checks: f}
}
