package badge

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openbadges-go/openbadges/internal/budget"
	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
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
}

// Verifier runs the Open Badges 3.0 verification algorithm. Build it with
// [NewVerifier]; it is safe for concurrent use.
type Verifier struct {
	o      VerifierOptions
	proofs *proof.Verifier
	lists  *proof.Verifier // proofs, with issuer binding, for status lists
	proc   *vc.Processor
	schema *SchemaValidator
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
	return v, nil
}

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
}

// Verify runs the pipeline on a credential given as JSON, a compact VC-JWT,
// or a baked PNG or SVG (detected from the bytes). It returns a result with
// every check whether or not verification succeeded, and an error that is
// nil only when every check passed (a [*VerificationError] otherwise).
// Only a nil ctx returns a nil result.
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
	ctx, b, owner, cancel := v.startBudget(ctx)
	defer cancel()
	r := v.run(ctx, data, &opt, 0, true)
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

// run is the pipeline. depth counts endorsement recursion; refresh says
// whether a refresh may still be tried.
//
// Every credential it verifies is charged to the budget ctx carries, and
// nothing is fetched for the credential's status, refresh or endorsements
// unless its own proof and issuer binding verified.
func (v *Verifier) run(ctx context.Context, data []byte, o *VerifyOptions, depth int, refresh bool) *VerificationResult {
	r := &VerificationResult{}
	add := func(id CheckID, st CheckStatus, err error, detail string) {
		if err != nil {
			// A context error caused by the budget's deadline is the
			// budget's; and a budget error fails its check, whatever the
			// check's usual severity (fail closed).
			err = budget.Wrap(ctx, err)
			if st == Warning && errors.Is(err, ErrBudgetExceeded) {
				st = Failed
			}
		}
		r.Checks = append(r.Checks, Check{ID: id, Status: st, Err: err, Detail: detail})
	}
	defer func() { r.Verified = len(r.Failed()) == 0 }()

	if err := budget.From(ctx).Credential(); err != nil {
		add(CheckParse, Failed, err, "not verified: the verification's budget of credentials is spent")
		return r
	}

	// 1. parse: detect the format, unbake, decode the JWT payload.
	cred, token, err := v.parse(data, r)
	if err != nil {
		add(CheckParse, Failed, err, "")
		return r
	}
	r.Credential = cred
	r.Issuer = cred.Issuer()
	add(CheckParse, Passed, nil, fmt.Sprintf("%s credential (VC %s)", r.Input, cred.Version()))
	doc := cred.Document()
	endorsement := cred.HasType("EndorsementCredential")

	// 2. context: the contexts Open Badges requires, first and second, then
	// JSON-LD safe mode over what is signed (the document without its
	// proofs: each proof is checked by its own suite, and a proof of an
	// unknown type is a warning of the proof check, not a context failure).
	if err := checkContexts(cred, endorsement); err != nil {
		add(CheckContext, Failed, err, "")
	} else if err := v.proc.Check(ctx, withoutMember(doc, "proof")); err != nil {
		add(CheckContext, Failed, err, "")
	} else {
		add(CheckContext, Passed, nil, strings.Join(cred.Contexts(), ", "))
	}

	// 3. type: the VC data model and the Open Badges model.
	add(v.relaxConformance(v.checkType(cred, endorsement, r)))

	// 4. schema.
	add(v.relaxConformance(v.checkSchema(cred)))

	// 5. subject: an id or an identifier.
	add(v.relaxConformance(checkSubject(cred, endorsement)))

	// 6. proof, and 7. issuer binding.
	v.checkProof(ctx, cred, token, r, add)

	// Refresh: only after the proof verified, at most once; a failed
	// refresh never fails verification.
	if refresh {
		if nr := v.tryRefresh(ctx, cred, r, o, depth, add); nr != nil {
			return nr
		}
	} else {
		add(CheckRefresh, Skipped, nil, "already refreshed once")
	}

	// 8. validity window.
	if err := vc.CheckValidity(cred, &vc.ValidityOptions{Now: v.o.Now, ClockSkew: v.o.ClockSkew}); err != nil {
		add(CheckValidity, Failed, err, "")
	} else {
		add(CheckValidity, Passed, nil, validityDetail(cred))
	}

	// 9. status.
	v.checkStatus(ctx, cred, r, add)

	// 10. endorsements.
	v.checkEndorsements(ctx, doc, r, depth, add)

	// 11. recipient.
	if o.Recipient == nil {
		add(CheckRecipient, Skipped, nil, "no recipient given")
	} else {
		add(checkRecipient(r, *o.Recipient))
	}
	return r
}

// parse detects the input format and returns the credential and, for a
// VC-JWT, the compact token.
func (v *Verifier) parse(data []byte, r *VerificationResult) (*vc.Credential, string, error) {
	if int64(len(data)) > v.o.MaxInputBytes {
		return nil, "", fmt.Errorf("%w: input larger than %d bytes", vc.ErrMalformed, v.o.MaxInputBytes)
	}
	trimmed := bytes.TrimSpace(data)
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG")):
		r.Input = InputPNG
	case looksLikeSVG(trimmed):
		r.Input = InputSVG
	case bytes.HasPrefix(trimmed, []byte("{")):
		r.Input = InputJSON
	case isCompactJWS(trimmed):
		r.Input = InputJWT
	default:
		return nil, "", ErrUnrecognizedInput
	}
	if r.Input == InputPNG || r.Input == InputSVG {
		b, err := Unbake(bytes.NewReader(data), &UnbakeOptions{MaxImageBytes: v.o.MaxInputBytes})
		if err != nil {
			return nil, "", err
		}
		trimmed = bytes.TrimSpace(b.Credential)
		if b.Encoding == EncodingJWT {
			c, err := credentialFromJWT(string(trimmed))
			return c, string(trimmed), err
		}
		c, err := vc.Parse(trimmed)
		return c, "", err
	}
	if r.Input == InputJWT {
		c, err := credentialFromJWT(string(trimmed))
		return c, string(trimmed), err
	}
	c, err := vc.Parse(data)
	return c, "", err
}

func looksLikeSVG(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !bytes.HasPrefix(b, []byte("<")) {
		return false
	}
	head := b[:min(len(b), 4096)]
	return bytes.Contains(head, []byte("<svg"))
}

// credentialFromJWT decodes the payload of a VC-JWT without checking the
// signature (the proof check does that): a VC 2.0 payload is the
// credential, a VC 1.1 one carries it in the "vc" claim.
func credentialFromJWT(token string) (*vc.Credential, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: not a compact JWS", vc.ErrMalformed)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("%w: JWT payload is not base64url", vc.ErrMalformed)
	}
	pv, err := jsonx.Parse(payload, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: JWT payload: %w", vc.ErrMalformed, err)
	}
	pm, ok := pv.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: JWT payload is not an object", vc.ErrMalformed)
	}
	if inner, ok := pm["vc"].(map[string]any); ok {
		raw, err := json.Marshal(inner)
		if err != nil {
			return nil, fmt.Errorf("%w: JWT vc claim: %w", vc.ErrMalformed, err)
		}
		return vc.FromValue(raw, inner)
	}
	cred := withoutMember(pm, jwtClaims...)
	if len(cred) == len(pm) {
		return vc.FromValue(payload, pm)
	}
	raw, err := json.Marshal(cred)
	if err != nil {
		return nil, fmt.Errorf("%w: JWT payload: %w", vc.ErrMalformed, err)
	}
	return vc.FromValue(raw, cred)
}

// jwtClaims are the registered JWT claims (RFC 7519 §4.1) a VC 2.0 JWT may
// carry beside the credential's members; they are the token's, checked by
// the proof step against the credential, and not part of its JSON-LD.
var jwtClaims = []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti"}

// withoutMember returns m without the given keys (m itself when it has
// none of them).
func withoutMember(m map[string]any, keys ...string) map[string]any {
	found := false
	for _, k := range keys {
		if _, ok := m[k]; ok {
			found = true
		}
	}
	if !found {
		return m
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if !slices.Contains(keys, k) {
			out[k] = v
		}
	}
	return out
}

// checkContexts applies the Open Badges @context rules: the VC context
// first, then an Open Badges (or CLR) context.
func checkContexts(c *vc.Credential, endorsement bool) error {
	ctxs := c.Contexts()
	if len(ctxs) == 0 {
		return fmt.Errorf("%w: no context URLs", ErrContext)
	}
	if ctxs[0] != vc.ContextV2 && ctxs[0] != vc.ContextV1 {
		return fmt.Errorf("%w: the first context must be %s, not %q", ErrContext, vc.ContextV2, ctxs[0])
	}
	if len(ctxs) < 2 || !isOBContext(ctxs[1]) {
		return fmt.Errorf("%w: the second context must be an Open Badges 3.0 context (https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json)", ErrContext)
	}
	return nil
}

func isOBContext(u string) bool {
	return strings.HasPrefix(u, "https://purl.imsglobal.org/spec/ob/v3p0/context") ||
		strings.HasPrefix(u, "https://purl.imsglobal.org/spec/clr/v2p0/context")
}

// checkType runs the VC data model checks and the Open Badges model's
// Validate (types and required members, with JSON paths).
func (v *Verifier) checkType(c *vc.Credential, endorsement bool, r *VerificationResult) (CheckID, CheckStatus, error, string) {
	if !c.HasType("VerifiableCredential") {
		return CheckType, Failed, fmt.Errorf("%w: type must include VerifiableCredential", ErrType), ""
	}
	var want string
	switch {
	case endorsement:
		want = "EndorsementCredential"
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

// checkSchema validates against the official schema the credential names
// (or the one for its type), tolerating JSON-LD compaction: a single value
// where the schema wants an array is read as a one-element array, as
// JSON-LD says it means. VC 1.1 credentials are outside the OB 3.0 schemas.
func (v *Verifier) checkSchema(c *vc.Credential) (CheckID, CheckStatus, error, string) {
	if c.Version() == vc.Version1_1 {
		// The official OB 3.0 schemas describe VC 2.0; 1EdTech's VC 1.1-era
		// schemas are not published in a form we can embed. A schema a VC
		// 1.1 credential names is reported, not enforced.
		for _, s := range c.Schemas() {
			t, _ := s["type"].(string)
			id, _ := s["id"].(string)
			if t == CredentialSchemaType && !v.schema.Has(id) {
				return CheckSchema, Warning, &UnknownSchemaError{URL: id}, "VC 1.1 credential: its schema is not embedded; checked by the data model checks only"
			}
		}
		return CheckSchema, Skipped, nil, "the official OB 3.0 schemas describe VC 2.0 credentials; this VC 1.1 credential is checked by the data model checks only"
	}
	// The document is validated as it is; validateCompacted copies it
	// before it rewrites a single value as an array.
	doc := c.Document()
	var urls []string
	var warn error
	for _, s := range c.Schemas() {
		t, _ := s["type"].(string)
		id, _ := s["id"].(string)
		if t != CredentialSchemaType {
			continue
		}
		if !v.schema.Has(id) {
			if !v.o.AllowUnknownSchemas {
				return CheckSchema, Failed, &UnknownSchemaError{URL: id}, "schemas are never fetched; AllowUnknownSchemas turns this into a warning"
			}
			warn = v.relaxed(OptionAllowUnknownSchemas, "the schema is not embedded; validated against the official schema for the type", &UnknownSchemaError{URL: id})
			continue
		}
		urls = append(urls, id)
	}
	if len(urls) == 0 {
		urls = []string{SchemaAchievementCredential}
		if c.HasType("EndorsementCredential") {
			urls = []string{SchemaEndorsementCredential}
		}
	}
	copied := false
	for _, u := range urls {
		if err := v.validateCompacted(u, &doc, &copied); err != nil {
			return CheckSchema, Failed, err, u
		}
	}
	if warn != nil {
		return CheckSchema, Warning, warn, strings.Join(urls, ", ")
	}
	return CheckSchema, Passed, nil, strings.Join(urls, ", ")
}

// validateCompacted validates *doc against the schema at u, re-reading
// single values as arrays where the schema asks for an array. The first
// rewrite replaces *doc with a deep copy (and sets *copied), so the
// credential's own document is never changed and is copied only when a
// value has to be rewritten.
func (v *Verifier) validateCompacted(u string, doc *map[string]any, copied *bool) error {
	for range 8 {
		err := v.schema.validate([]string{u}, *doc)
		var se *SchemaError
		if err == nil || !errors.As(err, &se) {
			return err
		}
		changed := false
		for _, viol := range se.Violations {
			if !strings.HasSuffix(viol.Message, "want array") {
				continue
			}
			if !*copied {
				*doc = deepCopy(*doc).(map[string]any)
				*copied = true
			}
			if wrapAt(*doc, viol.InstanceLocation) {
				changed = true
			}
		}
		if !changed {
			return err
		}
	}
	return v.schema.validate([]string{u}, *doc)
}

// wrapAt replaces the value at a JSON Pointer with a one-element array.
func wrapAt(doc map[string]any, ptr string) bool {
	if ptr == "" || ptr == "/" {
		return false
	}
	toks := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	var cur any = doc
	for i, t := range toks {
		t = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
		last := i == len(toks)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				val, ok := c[t]
				if !ok {
					return false
				}
				if _, isArr := val.([]any); isArr {
					return false
				}
				c[t] = []any{val}
				return true
			}
			cur = c[t]
		case []any:
			n, err := strconv.Atoi(t)
			if err != nil || n < 0 || n >= len(c) {
				return false
			}
			if last {
				if _, isArr := c[n].([]any); isArr {
					return false
				}
				c[n] = []any{c[n]}
				return true
			}
			cur = c[n]
		default:
			return false
		}
	}
	return false
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = deepCopy(e)
		}
		return a
	}
	return v
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

// checkProof verifies the Data Integrity proofs or the VC-JWT and then
// reports issuer binding as its own check.
func (v *Verifier) checkProof(ctx context.Context, c *vc.Credential, token string, r *VerificationResult, add func(CheckID, CheckStatus, error, string)) {
	var err error
	if token != "" {
		var pr proof.ProofResult
		var jc *vc.Credential
		jc, pr, err = v.proofs.VerifyJWT(ctx, token)
		r.Proofs = []proof.ProofResult{pr}
		if err == nil && jc != nil && jc.ID() != c.ID() {
			err = fmt.Errorf("%w: the verified token names a different credential", ErrIssuerMismatch)
		}
	} else if len(c.Proofs()) == 0 {
		add(CheckProof, Failed, ErrNoProof, "")
		add(CheckIssuer, Skipped, nil, "no proof")
		return
	} else {
		r.Proofs, err = v.proofs.VerifyProofs(ctx, c)
	}
	if err != nil {
		add(CheckProof, Failed, err, proofDetail(r.Proofs))
		if errors.Is(err, proof.ErrIssuerMismatch) || errors.Is(err, ErrIssuerMismatch) {
			add(CheckIssuer, Failed, err, "")
		} else {
			add(CheckIssuer, Skipped, nil, "no proof verified")
		}
		return
	}
	var warns []error
	for _, p := range r.Proofs {
		switch {
		case p.Status == proof.StatusUnsupported:
			warns = append(warns, p.Err)
		case p.Status == proof.StatusVerified && p.Cryptosuite == proof.EdDSA2022:
			warns = append(warns, v.relaxed(OptionEdDSA2022, fmt.Sprintf("proof %d uses the legacy cryptosuite name %s", p.Index, proof.EdDSA2022), nil))
		}
	}
	if len(warns) > 0 {
		add(CheckProof, Warning, errors.Join(warns...), proofDetail(r.Proofs))
	} else {
		add(CheckProof, Passed, nil, proofDetail(r.Proofs))
	}
	add(v.checkIssuerBinding(c, token != "", r.Proofs))
}

// checkIssuerBinding applies the one issuer-binding rule (proof's: the
// controller of every verified proof's key is the issuer, exactly) and
// reports each relaxation that let a key through.
func (v *Verifier) checkIssuerBinding(c *vc.Credential, jwt bool, proofs []proof.ProofResult) (CheckID, CheckStatus, error, string) {
	issuer := c.Issuer()
	if len(v.o.TrustedIssuers) > 0 && !slices.Contains(v.o.TrustedIssuers, issuer) {
		return CheckIssuer, Failed, fmt.Errorf("%w: %q", ErrUntrustedIssuer, issuer), ""
	}
	var controller string
	var warns []error
	for _, p := range proofs {
		if p.Status != proof.StatusVerified {
			continue
		}
		if controller == "" {
			controller = p.Controller
		}
		switch {
		case jwt && p.Controller == "" && v.proofs.InsecureEmbeddedJWK:
			warns = append(warns, v.relaxed(OptionInsecureEmbeddedJWK, "the token's own jwk header key is not bound to the issuer "+issuer, nil))
		case p.Controller != issuer && v.o.InsecureDIDKeyIssuer && strings.HasPrefix(p.Controller, "did:key:") && !strings.HasPrefix(issuer, "did:"):
			warns = append(warns, v.relaxed(OptionInsecureDIDKeyIssuer, fmt.Sprintf("key controller %q signs for issuer %q, which is not a DID", p.Controller, issuer),
				&proof.IssuerMismatchError{Issuer: issuer, Controller: p.Controller, VerificationMethod: p.VerificationMethod}))
		case p.Controller != "" && p.Controller != issuer:
			return CheckIssuer, Failed, fmt.Errorf("%w: key controller %q, issuer %q", ErrIssuerMismatch, p.Controller, issuer), ""
		case v.proofs.InsecureFragmentKeys && isFragmentKey(p.VerificationMethod):
			warns = append(warns, v.relaxed(OptionInsecureFragmentKeys, fmt.Sprintf("key read from the fragment of %q, its controller taken from the URL, not fetched", p.VerificationMethod), nil))
		}
	}
	detail := "signed by " + orDash(controller) + " for issuer " + issuer
	if len(warns) > 0 {
		return CheckIssuer, Warning, errors.Join(warns...), detail
	}
	return CheckIssuer, Passed, nil, detail
}

// isFragmentKey reports whether proof's InsecureFragmentKeys reads the key
// of vm from its fragment (an http(s) URL with a multibase fragment).
func isFragmentKey(vm string) bool {
	base, frag, ok := strings.Cut(vm, "#")
	return ok && strings.HasPrefix(frag, "z") && (strings.HasPrefix(base, "https://") || strings.HasPrefix(base, "http://") ||
		strings.HasPrefix(base, "urn:uuid:"))
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

func proofDetail(ps []proof.ProofResult) string {
	var parts []string
	for _, p := range ps {
		name := p.Cryptosuite
		if name == "" {
			name = p.Type
		}
		parts = append(parts, fmt.Sprintf("%s %s", name, p.Status))
	}
	return strings.Join(parts, "; ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// tryRefresh fetches a refreshed credential when the credential asks for
// 1EdTech refresh and its proof verified. It returns the result for the
// refreshed credential when that verifies (as far as its proof), else nil
// and the pipeline goes on with the original.
func (v *Verifier) tryRefresh(ctx context.Context, c *vc.Credential, r *VerificationResult, o *VerifyOptions, depth int, add func(CheckID, CheckStatus, error, string)) *VerificationResult {
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
	nr := v.run(ctx, b, o, depth, false)
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
	orig.Verified = len(orig.Failed()) == 0
	nr.Refreshed = true
	nr.Original = &orig
	return nr
}

func validityDetail(c *vc.Credential) string {
	from, hasFrom, _ := c.ValidFrom()
	until, hasUntil, _ := c.ValidUntil()
	switch {
	case hasFrom && hasUntil:
		return "valid " + from.UTC().Format(time.RFC3339) + " to " + until.UTC().Format(time.RFC3339)
	case hasFrom:
		return "valid from " + from.UTC().Format(time.RFC3339)
	case hasUntil:
		return "valid until " + until.UTC().Format(time.RFC3339)
	}
	return "no validity window"
}

// checkStatus runs every credentialStatus entry through the status checker.
func (v *Verifier) checkStatus(ctx context.Context, c *vc.Credential, r *VerificationResult, add func(CheckID, CheckStatus, error, string)) {
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

// checkEndorsements verifies embedded endorsements (endorsement objects
// and endorsementJwt strings) recursively, to a bounded depth.
func (v *Verifier) checkEndorsements(ctx context.Context, doc map[string]any, r *VerificationResult, depth int, add func(CheckID, CheckStatus, error, string)) {
	type found struct {
		path   string
		target string // the id of the object the endorsement is attached to
		data   []byte
		val    map[string]any
	}
	// Every endorsement in the document counts, wherever it is written:
	// Open Badges embeds them in the credential, its issuer, the
	// achievement and its creator, but the signed graph says "node X is
	// endorsed by E" on any object with X's id (a profile repeated as a
	// subject's source, an achievement's criteria), and a holder must not
	// be able to move a failing endorsement out of sight.
	var all []found
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch x := v.(type) {
		case []any:
			for i, it := range x {
				walk(it, fmt.Sprintf("%s[%d]", path, i))
			}
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				switch k {
				case "endorsement":
					target, _ := x["id"].(string)
					for i, e := range listOf(x[k]) {
						if em, ok := e.(map[string]any); ok {
							all = append(all, found{path: fmt.Sprintf("%s.endorsement[%d]", path, i), target: target, val: em})
						}
					}
				case "endorsementJwt":
					target, _ := x["id"].(string)
					for i, e := range listOf(x[k]) {
						if s, ok := e.(string); ok {
							all = append(all, found{path: fmt.Sprintf("%s.endorsementJwt[%d]", path, i), target: target, data: []byte(s)})
						}
					}
				case "proof", "verifiableCredential", "@context":
					// Proofs and embedded credentials are not this
					// credential's endorsements.
				default:
					walk(x[k], path+"."+k)
				}
			}
		}
	}
	walk(doc, "$")
	if len(all) == 0 {
		add(CheckEndorsements, Skipped, nil, "no endorsements")
		return
	}
	if !proofVerified(r) {
		add(CheckEndorsements, Skipped, nil, "endorsements "+notFetched)
		return
	}
	if v.o.MaxEndorsementDepth < 0 {
		add(CheckEndorsements, Skipped, nil, "endorsement verification disabled")
		return
	}
	if depth >= v.o.MaxEndorsementDepth {
		add(CheckEndorsements, Skipped, nil, fmt.Sprintf("endorsements nested deeper than %d are not verified", v.o.MaxEndorsementDepth))
		return
	}
	if len(all) > maxEndorsementsPerLevel {
		add(CheckEndorsements, Failed, fmt.Errorf("%w: more than %d endorsements", ErrEndorsement, maxEndorsementsPerLevel), "")
		return
	}
	var failed []string
	var spent error // the budget error that ended the loop or failed an endorsement
	for _, f := range all {
		if err := budget.From(ctx).Err(); err != nil {
			spent = err
			break
		}
		var er *VerificationResult
		if f.val != nil {
			er = v.runValue(ctx, f.val, depth+1)
		} else {
			er = v.run(ctx, f.data, &VerifyOptions{}, depth+1, false)
		}
		if er.Credential != nil && !er.Credential.HasType("EndorsementCredential") {
			er.Checks = append(er.Checks, Check{ID: CheckType, Status: Failed, Err: fmt.Errorf("%w: an endorsement must be an EndorsementCredential", ErrType)})
			er.Verified = false
		}
		if er.Credential != nil {
			// An endorsement counts for what it endorses only: its subject
			// must be the object it is attached to (a genuine endorsement
			// of another issuer must not lend its weight here).
			subj := ""
			if cs, ok := er.Credential.Document()["credentialSubject"].(map[string]any); ok {
				subj, _ = cs["id"].(string)
			}
			if subj == "" || subj != f.target {
				bad := Check{ID: CheckSubject, Status: Failed,
					Err: fmt.Errorf("%w: the endorsement is about %q but is attached to %q", ErrEndorsement, subj, f.target)}
				replaced := false
				for i := range er.Checks {
					if er.Checks[i].ID == CheckSubject {
						er.Checks[i], replaced = bad, true
					}
				}
				if !replaced {
					er.Checks = append(er.Checks, bad)
				}
				er.Verified = false
			}
		}
		r.Endorsements = append(r.Endorsements, &EndorsementResult{Path: f.path, Result: er})
		if !er.Verified {
			failed = append(failed, f.path)
			if err := budgetFailure(er.Checks); err != nil && spent == nil {
				spent = err
			}
		}
	}
	if spent != nil {
		// Not a verdict on the endorsements: the budget ran out. Fails even
		// with AllowInvalidEndorsements.
		add(CheckEndorsements, Failed, fmt.Errorf("%w: %w", ErrEndorsement, spent), fmt.Sprintf("%d of %d endorsement(s) verified before the budget ran out", len(r.Endorsements)-len(failed), len(all)))
		return
	}
	const see = "an endorsement is a third party's statement about the credential; see VerificationResult.Endorsements"
	if len(failed) > 0 {
		err := fmt.Errorf("%w: %s", ErrEndorsement, strings.Join(failed, ", "))
		if v.o.AllowInvalidEndorsements {
			add(CheckEndorsements, Warning, v.relaxed(OptionAllowInvalidEndorsements, "an embedded endorsement does not verify", err), see)
			return
		}
		add(CheckEndorsements, Failed, err, see)
		return
	}
	// An endorsement that verified only under a relaxed rule: its own
	// result says which; this check says that one did.
	var relaxed []string
	for _, e := range r.Endorsements {
		for _, ch := range e.Result.Checks {
			if ch.Status == Warning && errors.Is(ch.Err, ErrRelaxed) {
				relaxed = append(relaxed, e.Path)
				break
			}
		}
	}
	if len(relaxed) > 0 {
		add(CheckEndorsements, Warning, &RelaxedError{Policy: v.o.Policy, Option: "(see the endorsement's checks)",
			Detail: "verified only under relaxed rules: " + strings.Join(relaxed, ", ")}, fmt.Sprintf("%d endorsement(s) verified", len(all)))
		return
	}
	add(CheckEndorsements, Passed, nil, fmt.Sprintf("%d endorsement(s) verified", len(all)))
}

// runValue verifies an embedded JSON credential from its parsed value: the
// proofs are checked over that value, which is exactly what was embedded.
func (v *Verifier) runValue(ctx context.Context, val map[string]any, depth int) *VerificationResult {
	raw, err := json.Marshal(val)
	if err != nil {
		return &VerificationResult{Checks: []Check{{ID: CheckParse, Status: Failed, Err: err}}}
	}
	return v.run(ctx, raw, &VerifyOptions{}, depth, false)
}

func listOf(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

// checkRecipient matches the subject against the caller's recipient.
func checkRecipient(r *VerificationResult, want ExpectedRecipient) (CheckID, CheckStatus, error, string) {
	subs := r.Credential.Subjects()
	for _, s := range subs {
		if id, _ := s["id"].(string); id != "" && (want.Type == "did" || want.Type == "url" || want.Type == "id") && id == want.Value {
			return CheckRecipient, Passed, nil, "subject id matches"
		}
		for _, e := range objectsOf(s["identifier"]) {
			raw, _ := json.Marshal(e)
			var io IdentityObject
			if json.Unmarshal(raw, &io) != nil {
				continue
			}
			ok, err := io.Matches(want.Type, want.Value)
			if err == nil && ok {
				return CheckRecipient, Passed, nil, "identifier " + string(want.Type) + " matches"
			}
		}
	}
	return CheckRecipient, Failed, fmt.Errorf("%w: no subject id or identifier matches %s", ErrRecipientMismatch, want.Type), ""
}

// statusWithOptions is a status checker that takes the verifier's proof
// verifier and status list relaxations per call, and reports what it
// relaxed (status.Checker does).
type statusWithOptions interface {
	CheckStatusOptions(ctx context.Context, c *vc.Credential, entry map[string]any, o *status.CheckOptions) (*vc.StatusResult, []status.Relaxation, error)
}
