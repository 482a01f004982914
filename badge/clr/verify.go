package clr

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/internal/budget"
	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

// Check ids added by the CLR pipeline (the others are badge's).
const (
	// CheckCredentials: every nested credential verified on its own.
	CheckCredentials badge.CheckID = "nested_credentials"
	// CheckAssociations: every association names achievements of the
	// record.
	CheckAssociations badge.CheckID = "associations"
)

// ResultMediaType is the media type of a marshalled [Result].
const ResultMediaType = "application/vnd.openbadges-go.clr-verification-result+json;version=1"

// VerifierOptions configures a [Verifier]. The zero value is safe and
// offline, as badge.VerifierOptions: did:key and did:jwk keys, embedded
// contexts, status fails closed, the current time.
type VerifierOptions struct {
	// Badges verifies each nested credential (nil: a badge.Verifier built
	// from the options below).
	Badges *badge.Verifier
	// Proofs verifies the record's own proof (nil: built from the options
	// below).
	Proofs *proof.Verifier
	// Resolver, KeySets, InsecureFragmentKeys, InsecureEmbeddedJWK and
	// AllowedCryptosuites mean what they mean in badge.VerifierOptions.
	// InsecureFragmentKeys reproduces the 1EdTech validator on its clr20
	// samples, whose keys are "https://…#z6Mk…" fragments.
	Resolver             proof.Resolver
	KeySets              proof.KeySetFetcher
	InsecureFragmentKeys bool
	InsecureEmbeddedJWK  bool
	AllowedCryptosuites  []string
	// Status checks credentialStatus entries of the record and (when
	// Badges is nil) of the nested credentials.
	Status             vc.StatusChecker
	InsecureSkipStatus bool
	// Processor is the JSON-LD processor (nil: embedded contexts).
	Processor *vc.Processor
	// Now and ClockSkew as in badge.VerifierOptions.
	Now       func() time.Time
	ClockSkew time.Duration
	// LenientAssociations turns an association whose source or target is
	// not an achievement of the record into a warning (the 1EdTech
	// validator does not check them; its complex.json names three ids that
	// are nowhere in the record). Off, such a record fails.
	LenientAssociations bool
	// MaxCredentials bounds nested credentials, achievements and
	// associations (0: DefaultMaxCredentials).
	MaxCredentials int
	// MaxInputBytes bounds the input (0: badge.DefaultMaxInputBytes).
	MaxInputBytes int64
	// Budget bounds the fetches, bytes, time and credentials of the whole
	// verification: the record and every nested credential, with their
	// endorsements and refreshes, share it. Zero fields take the
	// badge.Budget defaults, except MaxCredentials, whose default is the
	// record, MaxCredentials nested credentials and
	// badge.DefaultBudgetCredentials more for their endorsements and
	// refreshes. A budget already in the context is shared instead.
	Budget badge.Budget
}

// Verifier verifies ClrCredentials: the record's own checks, and each
// nested credential through the Open Badges pipeline. Safe for concurrent
// use.
type Verifier struct {
	o      VerifierOptions
	badges *badge.Verifier
	proofs *proof.Verifier
	proc   *vc.Processor
	schema *clrSchema
}

// NewVerifier checks the options once.
func NewVerifier(o VerifierOptions) (*Verifier, error) {
	v := &Verifier{o: o}
	if v.o.Now == nil {
		v.o.Now = time.Now
	}
	if v.o.MaxCredentials <= 0 {
		v.o.MaxCredentials = DefaultMaxCredentials
	}
	if v.o.MaxInputBytes <= 0 {
		v.o.MaxInputBytes = badge.DefaultMaxInputBytes
	}
	if b := o.Budget; b.MaxBytes < 0 || b.MaxTime < 0 || b.MaxCredentials < 0 {
		return nil, fmt.Errorf("clr: a Budget limit is negative (%+v)", b)
	}
	if v.o.Budget.MaxCredentials == 0 {
		v.o.Budget.MaxCredentials = 1 + v.o.MaxCredentials + badge.DefaultBudgetCredentials
	}
	v.proc = o.Processor
	if v.proc == nil {
		v.proc = vc.NewProcessor(nil)
	}
	v.badges = o.Badges
	if v.badges == nil {
		b, err := badge.NewVerifier(badge.VerifierOptions{
			Resolver: o.Resolver, KeySets: o.KeySets, InsecureFragmentKeys: o.InsecureFragmentKeys,
			InsecureEmbeddedJWK: o.InsecureEmbeddedJWK, AllowedCryptosuites: o.AllowedCryptosuites,
			Status: o.Status, InsecureSkipStatus: o.InsecureSkipStatus, Processor: v.proc,
			Now: v.o.Now, ClockSkew: o.ClockSkew, MaxInputBytes: v.o.MaxInputBytes, Budget: v.o.Budget,
		})
		if err != nil {
			return nil, err
		}
		v.badges = b
	}
	v.proofs = o.Proofs
	if v.proofs == nil {
		skew := o.ClockSkew
		if skew == 0 {
			skew = vc.DefaultClockSkew
		}
		v.proofs = &proof.Verifier{
			Resolver: o.Resolver, KeySets: o.KeySets, Processor: v.proc, Now: v.o.Now, ClockSkew: skew,
			InsecureFragmentKeys: o.InsecureFragmentKeys, InsecureEmbeddedJWK: o.InsecureEmbeddedJWK,
			AllowedCryptosuites: o.AllowedCryptosuites,
		}
	}
	s, err := loadSchema()
	if err != nil {
		return nil, err
	}
	v.schema = s
	return v, nil
}

// Result is the outcome of [Verifier.Verify]: every check of the record in
// order, and each nested credential's own result.
type Result struct {
	Verified bool
	Input    badge.InputFormat
	// Credential is the record as verified (nil when parsing failed); CLR
	// its model view, when it decodes.
	Credential *vc.Credential
	CLR        *ClrCredential
	Issuer     string
	Proofs     []proof.ProofResult
	Status     []vc.StatusResult
	// Credentials holds the result of each nested credential, in order.
	Credentials []*badge.VerificationResult
	Checks      []badge.Check
}

// Failed returns the failed checks.
func (r *Result) Failed() []badge.Check {
	var out []badge.Check
	for _, c := range r.Checks {
		if c.Status == badge.Failed {
			out = append(out, c)
		}
	}
	return out
}

// Check returns the check with the given id, or nil.
func (r *Result) Check(id badge.CheckID) *badge.Check {
	for i := range r.Checks {
		if r.Checks[i].ID == id {
			return &r.Checks[i]
		}
	}
	return nil
}

// MarshalJSON writes the result with its media type, the checks and the
// nested results.
func (r *Result) MarshalJSON() ([]byte, error) {
	type nested struct {
		Verified bool          `json:"verified"`
		ID       string        `json:"id,omitempty"`
		Issuer   string        `json:"issuer,omitempty"`
		Checks   []badge.Check `json:"checks"`
	}
	out := struct {
		MediaType   string        `json:"mediaType"`
		Verified    bool          `json:"verified"`
		Input       string        `json:"input,omitempty"`
		ID          string        `json:"id,omitempty"`
		Issuer      string        `json:"issuer,omitempty"`
		Checks      []badge.Check `json:"checks"`
		Credentials []nested      `json:"credentials"`
	}{MediaType: ResultMediaType, Verified: r.Verified, Input: string(r.Input), Issuer: r.Issuer, Checks: r.Checks, Credentials: []nested{}}
	if r.Credential != nil {
		out.ID = r.Credential.ID()
	}
	for _, c := range r.Credentials {
		n := nested{Verified: c.Verified, Issuer: c.Issuer, Checks: c.Checks}
		if c.Credential != nil {
			n.ID = c.Credential.ID()
		}
		out.Credentials = append(out.Credentials, n)
	}
	return json.Marshal(out)
}

// VerificationError holds the failed checks; it unwraps to each one's
// error, so errors.Is(err, clr.ErrNestedCredential) and
// errors.Is(err, badge.ErrExpired)-style tests work.
type VerificationError struct{ Checks []badge.Check }

func (e *VerificationError) Error() string {
	c := e.Checks[0]
	msg := fmt.Sprintf("clr: record not verified: %s: %v", c.ID, c.Err)
	if len(e.Checks) > 1 {
		msg += fmt.Sprintf(" (and %d more failed checks)", len(e.Checks)-1)
	}
	return msg
}

// Unwrap returns the failed checks' errors.
func (e *VerificationError) Unwrap() []error {
	var out []error
	for _, c := range e.Checks {
		if c.Err != nil {
			out = append(out, c.Err)
		}
	}
	return out
}

// Verify verifies a ClrCredential given as JSON or as a compact VC-JWT:
// parse, @context (VC first, a CLR context second, JSON-LD safe mode),
// type (the VC and CLR data models), schema, subject, proof and issuer
// binding, validity window, status, then every nested credential on its
// own through the Open Badges pipeline, and the associations. The result
// is returned whether or not verification succeeded; err is nil only when
// no check failed. Only a nil ctx gives a nil result.
//
// The whole verification runs within the options' Budget (or the one ctx
// already carries); nothing is fetched for the record's status unless its
// proof and issuer binding verified, and when they did not, the nested
// credentials are verified without any fetch (offline keys only).
func (v *Verifier) Verify(ctx context.Context, data []byte) (*Result, error) {
	if ctx == nil {
		return nil, errors.New("clr: nil context")
	}
	b := v.o.Budget
	ctx, spent, owner, cancel := budget.Start(ctx, budget.Limits{Fetches: b.MaxFetches, Bytes: b.MaxBytes, Time: b.MaxTime, Credentials: b.MaxCredentials})
	defer cancel()
	r := &Result{}
	add := func(id badge.CheckID, st badge.CheckStatus, err error, detail string) {
		if err != nil {
			err = budget.Wrap(ctx, err)
			if st == badge.Warning && errors.Is(err, badge.ErrBudgetExceeded) {
				st = badge.Failed
			}
		}
		r.Checks = append(r.Checks, badge.Check{ID: id, Status: st, Err: err, Detail: detail})
	}
	defer func() { r.Verified = len(r.Failed()) == 0 }()
	if err := spent.Credential(); err != nil {
		add(badge.CheckParse, badge.Failed, err, "not verified: the verification's budget of credentials is spent")
		return r, &VerificationError{Checks: r.Failed()}
	}

	cred, token, err := v.parse(data, r)
	if err != nil {
		add(badge.CheckParse, badge.Failed, err, "")
		return r, &VerificationError{Checks: r.Failed()}
	}
	r.Credential = cred
	r.Issuer = cred.Issuer()
	add(badge.CheckParse, badge.Passed, nil, fmt.Sprintf("%s ClrCredential (VC %s)", r.Input, cred.Version()))

	// context
	if err := checkContexts(cred); err != nil {
		add(badge.CheckContext, badge.Failed, err, "")
	} else if err := v.proc.Check(ctx, withoutProof(cred.Document())); err != nil {
		add(badge.CheckContext, badge.Failed, err, "")
	} else {
		add(badge.CheckContext, badge.Passed, nil, strings.Join(cred.Contexts(), ", "))
	}

	// type
	var typeErrs []error
	if !cred.HasType("VerifiableCredential") || !cred.HasType(TypeClrCredential) {
		typeErrs = append(typeErrs, fmt.Errorf("%w: type is %v", ErrType, cred.Types()))
	}
	if err := vc.CheckDataModel(cred); err != nil {
		typeErrs = append(typeErrs, err)
	}
	raw, _ := json.Marshal(cred.Document())
	var model ClrCredential
	if err := json.Unmarshal(raw, &model); err != nil {
		typeErrs = append(typeErrs, err)
	} else {
		r.CLR = &model
		if err := model.Validate(); err != nil {
			typeErrs = append(typeErrs, err)
		}
		if err := model.checkBounds(v.o.MaxCredentials); err != nil {
			typeErrs = append(typeErrs, err)
		}
	}
	if len(typeErrs) > 0 {
		add(badge.CheckType, badge.Failed, errors.Join(typeErrs...), "")
	} else {
		add(badge.CheckType, badge.Passed, nil, TypeClrCredential)
	}

	// schema
	add(v.checkSchema(cred, raw))

	// subject
	if r.CLR != nil && (r.CLR.CredentialSubject.ID != "" || r.CLR.CredentialSubject.Identifier.Len() > 0) {
		add(badge.CheckSubject, badge.Passed, nil, orDash(r.CLR.CredentialSubject.ID))
	} else {
		add(badge.CheckSubject, badge.Failed, badge.ErrNoSubject, "")
	}

	// proof and issuer binding
	v.checkProof(ctx, cred, token, r, add)

	// validity
	if err := vc.CheckValidity(cred, &vc.ValidityOptions{Now: v.o.Now, ClockSkew: v.o.ClockSkew}); err != nil {
		add(badge.CheckValidity, badge.Failed, err, "")
	} else {
		add(badge.CheckValidity, badge.Passed, nil, "")
	}

	// status
	v.checkStatus(ctx, cred, r, add)

	// nested credentials
	ids := v.checkNested(ctx, r, add)

	// associations
	v.checkAssociations(r, ids, add)
	if err := spent.Err(); owner && err != nil && len(r.Failed()) == 0 {
		add(badge.CheckBudget, badge.Failed, err, "the verification reached its budget")
	}
	return r, r.err()
}

// recordVerified reports whether the record's proof and issuer binding
// did not fail: the condition for fetching anything for it.
func recordVerified(r *Result) bool {
	for _, id := range []badge.CheckID{badge.CheckProof, badge.CheckIssuer} {
		if c := r.Check(id); c == nil || c.Status == badge.Failed {
			return false
		}
	}
	return true
}

func (r *Result) err() error {
	if f := r.Failed(); len(f) > 0 {
		return &VerificationError{Checks: f}
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (v *Verifier) parse(data []byte, r *Result) (*vc.Credential, string, error) {
	if int64(len(data)) > v.o.MaxInputBytes {
		return nil, "", &LimitError{What: "input byte", Limit: int(v.o.MaxInputBytes), Got: len(data)}
	}
	t := bytes.TrimSpace(data)
	if bytes.HasPrefix(t, []byte("{")) {
		r.Input = badge.InputJSON
		c, err := vc.Parse(t)
		return c, "", err
	}
	if isCompactJWS(t) {
		r.Input = badge.InputJWT
		c, err := payloadCredential(string(t))
		return c, string(t), err
	}
	return nil, "", badge.ErrUnrecognizedInput
}

func isCompactJWS(b []byte) bool { return proof.IsCompactJWS(b) }

// payloadCredential reads the credential of a VC-JWT without checking the
// signature (the proof check does): the "vc" claim (VC 1.1) or the payload
// without the registered claims (VC 2.0).
func payloadCredential(token string) (*vc.Credential, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: not a compact JWS", ErrMalformed)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("%w: JWT payload is not base64url", ErrMalformed)
	}
	pv, err := jsonx.Parse(payload, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: JWT payload: %w", ErrMalformed, err)
	}
	pm, ok := pv.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: JWT payload is not an object", ErrMalformed)
	}
	if inner, ok := pm["vc"].(map[string]any); ok {
		b, err := json.Marshal(inner)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		return vc.FromValue(b, inner)
	}
	m := make(map[string]any, len(pm))
	for k, x := range pm {
		if !slices.Contains([]string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti"}, k) {
			m[k] = x
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return vc.FromValue(b, m)
}

func withoutProof(m map[string]any) map[string]any {
	if _, ok := m["proof"]; !ok {
		return m
	}
	out := make(map[string]any, len(m))
	for k, x := range m {
		if k != "proof" {
			out[k] = x
		}
	}
	return out
}

// checkContexts: the VC context first, a CLR 2.0 context second.
func checkContexts(c *vc.Credential) error {
	ctxs := c.Contexts()
	if len(ctxs) == 0 {
		return fmt.Errorf("%w: no context URLs", ErrContext)
	}
	if ctxs[0] != vc.ContextV2 && ctxs[0] != vc.ContextV1 {
		return fmt.Errorf("%w: the first context must be %s, not %q", ErrContext, vc.ContextV2, ctxs[0])
	}
	if len(ctxs) < 2 || !strings.HasPrefix(ctxs[1], "https://purl.imsglobal.org/spec/clr/v2p0/context") {
		return fmt.Errorf("%w: the second context must be a CLR 2.0 context (%s)", ErrContext, ContextCLR201)
	}
	return nil
}

func (v *Verifier) checkProof(ctx context.Context, c *vc.Credential, token string, r *Result, add func(badge.CheckID, badge.CheckStatus, error, string)) {
	var err error
	switch {
	case token != "":
		var pr proof.ProofResult
		var jc *vc.Credential
		jc, pr, err = v.proofs.VerifyJWT(ctx, token)
		r.Proofs = []proof.ProofResult{pr}
		if err == nil && jc != nil && jc.ID() != c.ID() {
			err = fmt.Errorf("%w: the verified token names a different credential", proof.ErrIssuerMismatch)
		}
	case len(c.Proofs()) == 0:
		add(badge.CheckProof, badge.Failed, ErrNoProof, "")
		add(badge.CheckIssuer, badge.Skipped, nil, "no proof")
		return
	default:
		r.Proofs, err = v.proofs.VerifyProofs(ctx, c)
	}
	if err != nil {
		add(badge.CheckProof, badge.Failed, err, "")
		if errors.Is(err, proof.ErrIssuerMismatch) {
			add(badge.CheckIssuer, badge.Failed, err, "")
		} else {
			add(badge.CheckIssuer, badge.Skipped, nil, "no proof verified")
		}
		return
	}
	var names []string
	controller := ""
	for _, p := range r.Proofs {
		names = append(names, p.Cryptosuite+" "+p.Status.String())
		if p.Status == proof.StatusVerified && controller == "" {
			controller = p.Controller
		}
	}
	add(badge.CheckProof, badge.Passed, nil, strings.Join(names, ", "))
	add(badge.CheckIssuer, badge.Passed, nil, "signed by "+orDash(controller)+" for issuer "+c.Issuer())
}

func (v *Verifier) checkStatus(ctx context.Context, c *vc.Credential, r *Result, add func(badge.CheckID, badge.CheckStatus, error, string)) {
	if _, has := c.Document()["credentialStatus"]; !has {
		add(badge.CheckCredentialStatus, badge.Skipped, nil, "no credentialStatus")
		return
	}
	if v.o.Status == nil {
		if v.o.InsecureSkipStatus {
			add(badge.CheckCredentialStatus, badge.Skipped, nil, "status checking explicitly skipped (InsecureSkipStatus)")
			return
		}
		add(badge.CheckCredentialStatus, badge.Failed, badge.ErrStatusNotChecked, "")
		return
	}
	entries := c.Statuses()
	if len(entries) == 0 {
		add(badge.CheckCredentialStatus, badge.Failed, fmt.Errorf("%w: credentialStatus is not an object", vc.ErrStatusUnknown), "")
		return
	}
	if !recordVerified(r) {
		add(badge.CheckCredentialStatus, badge.Skipped, nil, "not checked: the record's own proof or issuer binding did not verify, so nothing is fetched for it")
		return
	}
	var errs []error
	for _, e := range entries {
		if err := budget.From(ctx).Err(); err != nil {
			errs = append(errs, err)
			break
		}
		res, err := status.CheckWith(ctx, v.o.Status, c, e, v.proofs)
		if res != nil {
			r.Status = append(r.Status, *res)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		add(badge.CheckCredentialStatus, badge.Failed, errors.Join(errs...), "")
		return
	}
	add(badge.CheckCredentialStatus, badge.Passed, nil, "")
}

// checkNested verifies each nested credential and returns the achievement
// ids the record holds (the catalogue plus those of the nested
// credentials that decode).
func (v *Verifier) checkNested(ctx context.Context, r *Result, add func(badge.CheckID, badge.CheckStatus, error, string)) []string {
	if r.CLR == nil {
		add(CheckCredentials, badge.Skipped, nil, "the record did not decode")
		return nil
	}
	s := &r.CLR.CredentialSubject
	if len(s.VerifiableCredential) > v.o.MaxCredentials {
		add(CheckCredentials, badge.Failed, &LimitError{What: "verifiableCredential", Limit: v.o.MaxCredentials, Got: len(s.VerifiableCredential)}, "")
		return nil
	}
	var ids []string
	for _, a := range s.Achievement {
		if a.ID != "" {
			ids = append(ids, a.ID)
		}
	}
	// A record whose own proof failed gets no fetch for its contents: its
	// nested credentials are verified with what needs no network.
	offline := ""
	if !recordVerified(r) {
		offline = " (without fetching: the record's own proof or issuer binding did not verify)"
		ctx = budget.With(ctx, budget.From(ctx).WithoutFetches("the record's own proof or issuer binding did not verify"))
	}
	var errs []error
	ok := 0
	for i, raw := range s.VerifiableCredential {
		if err := budget.From(ctx).Err(); err != nil {
			errs = append(errs, fmt.Errorf("%w: verifiableCredential[%d] and after not verified: %w", ErrNestedCredential, i, err))
			break
		}
		data := []byte(raw)
		if len(raw) > 0 && raw[0] == '"' {
			var tok string
			if err := json.Unmarshal(raw, &tok); err != nil {
				errs = append(errs, fmt.Errorf("%w: verifiableCredential[%d]: %w", ErrNestedCredential, i, err))
				r.Credentials = append(r.Credentials, &badge.VerificationResult{Checks: []badge.Check{{ID: badge.CheckParse, Status: badge.Failed, Err: err}}})
				continue
			}
			data = []byte(tok)
		}
		res, err := v.badges.Verify(ctx, data)
		r.Credentials = append(r.Credentials, res)
		if res != nil && res.Credential != nil {
			ids = append(ids, achievementIDsOf(res.Credential.Document())...)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: verifiableCredential[%d] (%s): %w", ErrNestedCredential, i, nestedID(res), err))
		}
		if serr := aboutRecordSubject(s, res); serr != nil {
			errs = append(errs, fmt.Errorf("%w: verifiableCredential[%d] (%s): %w", ErrNestedCredential, i, nestedID(res), serr))
			err = cmp.Or(err, serr)
		}
		if err != nil {
			continue
		}
		ok++
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	detail := fmt.Sprintf("%d of %d credentials verified%s", ok, len(s.VerifiableCredential), offline)
	if len(errs) > 0 {
		add(CheckCredentials, badge.Failed, errors.Join(errs...), detail)
	} else {
		add(CheckCredentials, badge.Passed, nil, detail)
	}
	return ids
}

func nestedID(r *badge.VerificationResult) string {
	if r == nil || r.Credential == nil {
		return "-"
	}
	return orDash(r.Credential.ID())
}

func (v *Verifier) checkAssociations(r *Result, ids []string, add func(badge.CheckID, badge.CheckStatus, error, string)) {
	if r.CLR == nil {
		add(CheckAssociations, badge.Skipped, nil, "the record did not decode")
		return
	}
	n := len(r.CLR.CredentialSubject.Association)
	if n == 0 {
		add(CheckAssociations, badge.Skipped, nil, "no associations")
		return
	}
	err := r.CLR.CheckAssociations(ids)
	switch {
	case err == nil:
		add(CheckAssociations, badge.Passed, nil, fmt.Sprintf("%d associations between %d achievements", n, len(ids)))
	case v.o.LenientAssociations:
		add(CheckAssociations, badge.Warning, err, "LenientAssociations")
	default:
		add(CheckAssociations, badge.Failed, err, "")
	}
}

// ErrSubjectMismatch: a nested credential is not about the record's
// subject (see [SubjectMismatchError]).
var ErrSubjectMismatch = errors.New("clr: a nested credential is not about the record's subject")

// SubjectMismatchError: a subject of a nested credential is not the
// record's subject. It matches [ErrSubjectMismatch] and
// badge.ErrRecipientMismatch; the nested_credentials check fails with it
// (wrapped with [ErrNestedCredential]), and the nested credential's own
// result gets a failed recipient check.
type SubjectMismatchError struct {
	// Subject is the nested subject's id ("" when it has none, or when
	// the credential has no subject); Record the record subject's id.
	Subject, Record string
}

func (e *SubjectMismatchError) Error() string {
	who := "a subject without an id whose identifiers do not match the record subject's"
	if e.Subject != "" {
		who = fmt.Sprintf("%q", e.Subject)
	}
	return fmt.Sprintf("%s: it is about %s, the record about %q", ErrSubjectMismatch, who, orDash(e.Record))
}

// Is matches ErrSubjectMismatch and badge.ErrRecipientMismatch.
func (e *SubjectMismatchError) Is(target error) bool {
	return target == ErrSubjectMismatch || target == badge.ErrRecipientMismatch
}

// aboutRecordSubject checks that every subject of a nested credential is
// the record's subject: when both have an id, the ids are equal;
// otherwise an identifier of the nested subject names the same person as
// one of the record subject's (see sameIdentity). A credential that did
// not parse is reported by its own checks. On a mismatch the nested
// result's recipient check fails too, so that a caller reading
// Result.Credentials does not take it as a credential of the record's
// subject.
func aboutRecordSubject(rec *ClrSubject, res *badge.VerificationResult) error {
	if res == nil || res.Credential == nil {
		return nil
	}
	var err error
	subjects := res.Credential.Subjects()
	if len(subjects) == 0 {
		err = &SubjectMismatchError{Record: rec.ID}
	}
	for _, s := range subjects {
		id, _ := s["id"].(string)
		if !sameSubject(rec, id, identityObjects(s["identifier"])) {
			err = &SubjectMismatchError{Subject: id, Record: rec.ID}
			break
		}
	}
	if err != nil {
		res.Verified = false
		if c := res.Check(badge.CheckRecipient); c != nil {
			c.Status, c.Err, c.Detail = badge.Failed, err, "not about the subject of the record that holds it"
		} else {
			res.Checks = append(res.Checks, badge.Check{ID: badge.CheckRecipient, Status: badge.Failed, Err: err, Detail: "not about the subject of the record that holds it"})
		}
	}
	return err
}

func sameSubject(rec *ClrSubject, id string, identifiers []badge.IdentityObject) bool {
	if id != "" && rec.ID != "" {
		return id == rec.ID
	}
	for _, n := range identifiers {
		for _, r := range rec.Identifier.Values {
			if sameIdentity(r, n) {
				return true
			}
		}
	}
	return false
}

// sameIdentity reports whether two identity objects provably name the
// same identifier: of the same type, a plain one matching the other
// (plain, or hashed: see badge.IdentityObject.Matches), or two hashed ones
// with the same hash and salt. Two hashes with different salts cannot be
// compared: they do not match.
func sameIdentity(a, b badge.IdentityObject) bool {
	if a.IdentityType != b.IdentityType || a.IdentityHash == "" || b.IdentityHash == "" {
		return false
	}
	switch {
	case !a.Hashed:
		ok, err := b.Matches(a.IdentityType, a.IdentityHash)
		return err == nil && ok
	case !b.Hashed:
		ok, err := a.Matches(b.IdentityType, b.IdentityHash)
		return err == nil && ok
	}
	return a.IdentityHash == b.IdentityHash && a.Salt == b.Salt
}

// identityObjects decodes the identifier member of a subject (one object
// or a list); an entry that does not decode names no one.
func identityObjects(v any) []badge.IdentityObject {
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	var out []badge.IdentityObject
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		raw, err := json.Marshal(m)
		if err != nil {
			continue
		}
		var o badge.IdentityObject
		if json.Unmarshal(raw, &o) == nil {
			out = append(out, o)
		}
	}
	return out
}
