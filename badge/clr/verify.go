package clr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/internal/budget"
	"github.com/openbadges-go/openbadges/vc"
)

// Check ids of the CLR family (the others are the kernel's).
const (
	// CheckCredentials: every nested credential verified on its own.
	CheckCredentials badge.CheckID = "nested_credentials"
	// CheckAssociations: every association names achievements of the
	// record.
	CheckAssociations badge.CheckID = "associations"
)

// KindOptions configures the CLR family ([Kind]). Every member is
// optional: [Kind] takes it by pointer, nil meaning every default (the
// module's convention for all-optional options).
type KindOptions struct {
	// LenientAssociations turns an association whose source or target is
	// not an achievement of the record into a warning (the 1EdTech
	// validator does not check them; its complex.json names three ids that
	// are nowhere in the record). Off, such a record fails.
	LenientAssociations bool
	// MaxCredentials bounds nested credentials, achievements and
	// associations (0: DefaultMaxCredentials).
	MaxCredentials int
}

// Kind is the CLR 2.0 family for the verification kernel
// (badge.VerifierOptions.Kinds, badge.Verifier.WithKinds): a document
// typed ClrCredential (and not also an Open Badge) is verified with the
// kernel's shared checks (context with the CLR rule, proof, issuer
// binding, refresh, validity, status, endorsements, recipient), its own
// model, schema and subject checks, then every nested credential, through
// the same kernel as an Open Badges credential about the record's subject,
// and the associations.
//
// A verification of a record may verify 1 + MaxCredentials credentials,
// and the default budget's credentials more for their endorsements and
// refreshes, unless the verifier's Budget sets MaxCredentials.
//
// opts may be nil: strict associations and DefaultMaxCredentials.
func Kind(opts *KindOptions) badge.Kind {
	var o KindOptions
	if opts != nil {
		o = *opts
	}
	if o.MaxCredentials <= 0 {
		o.MaxCredentials = DefaultMaxCredentials
	}
	return badge.Kind{
		Family:      badge.FamilyCLR,
		Match:       isRecord,
		Credentials: 1 + o.MaxCredentials + badge.DefaultBudgetCredentials,
		Steps: []badge.Step{
			badge.ContextStep(checkContexts),
			typeStep(o.MaxCredentials),
			schemaStep,
			subjectStep,
			badge.ProofStep,
			badge.IssuerBindingStep,
			badge.RefreshStep,
			badge.ValidityStep,
			badge.RelatedResourceStep,
			badge.StatusStep,
			badge.EndorsementsStep,
			nestedStep(o.MaxCredentials),
			associationsStep(o.LenientAssociations),
			recipientStep,
		},
	}
}

// isRecord: typed ClrCredential, and not also an Open Badge (which keeps
// every check of the Open Badges family).
func isRecord(c *vc.Credential) bool {
	return c.HasType(TypeClrCredential) &&
		!c.HasType("OpenBadgeCredential") && !c.HasType("AchievementCredential") && !c.HasType("EndorsementCredential")
}

// VerifierOptions configures a [Verifier].
type VerifierOptions struct {
	// Badges is the kernel's verifier: its keys, clock, policy, status
	// checker, limits and budget apply to the record and to every
	// credential it holds (nil: badge.NewVerifier with the zero options).
	Badges *badge.Verifier
	// LenientAssociations and MaxCredentials: see [KindOptions].
	LenientAssociations bool
	MaxCredentials      int
}

// Verifier verifies ClrCredentials with the kernel of a badge.Verifier
// and the CLR family. Safe for concurrent use.
type Verifier struct{ v *badge.Verifier }

// NewVerifier checks the options once.
func NewVerifier(o VerifierOptions) (*Verifier, error) {
	bv := o.Badges
	if bv == nil {
		var err error
		if bv, err = badge.NewVerifier(badge.VerifierOptions{}); err != nil {
			return nil, err
		}
	}
	return &Verifier{v: bv.WithKinds(Kind(&KindOptions{LenientAssociations: o.LenientAssociations, MaxCredentials: o.MaxCredentials}))}, nil
}

// Result is the kernel's result; [Record] returns the record's model.
type Result = badge.VerificationResult

// VerificationError is the kernel's: it unwraps to each failed check's
// error, so errors.Is(err, clr.ErrNestedCredential) works.
type VerificationError = badge.VerificationError

// Record returns the CLR model view of a result, or nil.
func Record(r *badge.VerificationResult) *ClrCredential {
	if r == nil {
		return nil
	}
	c, _ := r.View.(*ClrCredential)
	return c
}

// Verify verifies a ClrCredential given as JSON, a compact VC-JWT or a
// baked PNG or SVG, as the CLR family (a document of another type fails
// the type check). The result is returned whether or not verification
// succeeded; err is nil only when no check failed. Only a nil ctx gives a
// nil result.
//
// The whole verification runs within the verifier's budget (or the one
// ctx already carries); nothing is fetched for the record's status unless
// its proof and issuer binding verified, and when they did not, the
// nested credentials are verified without any fetch (offline keys only).
func (v *Verifier) Verify(ctx context.Context, data []byte) (*Result, error) {
	if ctx == nil {
		return nil, errors.New("clr: nil context")
	}
	return v.v.VerifyWith(ctx, data, &badge.VerifyOptions{Families: []badge.Family{badge.FamilyCLR}})
}

// checkContexts: the VC context first, a CLR 2.0 context second.
func checkContexts(ctxs []string) error {
	if err := badge.CheckVCContext(ctxs); err != nil {
		return err
	}
	if len(ctxs) < 2 || !strings.HasPrefix(ctxs[1], "https://purl.imsglobal.org/spec/clr/v2p0/context") {
		return fmt.Errorf("%w: the second context must be a CLR 2.0 context (%s)", ErrContext, ContextCLR201)
	}
	return nil
}

// typeStep: the VC data model and the CLR model, within the bounds.
func typeStep(max int) badge.Step {
	return badge.Step{ID: badge.CheckType, Check: func(_ context.Context, r *badge.Run) badge.Check {
		c := r.Credential
		var errs []error
		if !c.HasType("VerifiableCredential") || !c.HasType(TypeClrCredential) {
			errs = append(errs, fmt.Errorf("%w: %w: type is %v", ErrType, badge.ErrType, c.Types()))
		}
		if err := vc.CheckDataModel(c); err != nil {
			errs = append(errs, err)
		}
		// The bytes the credential was parsed from (a VC-JWT's payload),
		// which the strict reader has already accepted.
		var model ClrCredential
		if err := json.Unmarshal(c.Raw(), &model); err != nil {
			errs = append(errs, fmt.Errorf("%w: %w", ErrMalformed, err))
		} else {
			r.Result.View = &model
			if err := model.Validate(); err != nil {
				errs = append(errs, err)
			}
			if err := model.checkBounds(max); err != nil {
				errs = append(errs, err)
			}
		}
		if len(errs) > 0 {
			return badge.Check{Status: badge.Failed, Err: errors.Join(errs...)}
		}
		return badge.Check{Status: badge.Passed, Detail: TypeClrCredential}
	}}
}

// subjectStep: the record's subject has an id or an identifier.
var subjectStep = badge.Step{ID: badge.CheckSubject, Check: func(_ context.Context, r *badge.Run) badge.Check {
	m := Record(r.Result)
	if m != nil && (m.CredentialSubject.ID != "" || m.CredentialSubject.Identifier.Len() > 0) {
		return badge.Check{Status: badge.Passed, Detail: orDash(m.CredentialSubject.ID)}
	}
	return badge.Check{Status: badge.Failed, Err: badge.ErrNoSubject}
}}

// nestedStep verifies each nested credential through the kernel, as an
// Open Badges credential about the record's subject.
func nestedStep(max int) badge.Step {
	return badge.Step{ID: CheckCredentials, Check: func(ctx context.Context, r *badge.Run) badge.Check {
		m := Record(r.Result)
		if m == nil {
			return badge.Check{Status: badge.Skipped, Detail: "the record did not decode"}
		}
		s := &m.CredentialSubject
		if len(s.VerifiableCredential) > max {
			return badge.Check{Status: badge.Failed, Err: &LimitError{What: "verifiableCredential", Limit: max, Got: len(s.VerifiableCredential)}}
		}
		// A record whose own proof failed gets no fetch for its contents:
		// its nested credentials are verified with what needs no network.
		offline := ""
		if !r.ProofVerified() {
			offline = " (without fetching: the record's own proof or issuer binding did not verify)"
			ctx = badge.WithoutFetches(ctx, "the record's own proof or issuer binding did not verify")
		}
		var errs []error
		ok := 0
		for i, raw := range s.VerifiableCredential {
			path := fmt.Sprintf("$.credentialSubject.verifiableCredential[%d]", i)
			n := &badge.NestedResult{Path: path, Index: i, Format: "json"}
			r.Result.Nested = append(r.Result.Nested, n)
			if err := budget.From(ctx).Err(); err != nil {
				n.Err = err
				n.Result = &badge.VerificationResult{Checks: []badge.Check{{ID: badge.CheckParse, Status: badge.Failed, Err: err}}}
				errs = append(errs, fmt.Errorf("%w: verifiableCredential[%d] and after not verified: %w", ErrNestedCredential, i, err))
				break
			}
			data := []byte(raw)
			if len(raw) > 0 && raw[0] == '"' {
				n.Format = "jwt"
				var tok string
				if err := json.Unmarshal(raw, &tok); err != nil {
					n.Err = err
					n.Result = &badge.VerificationResult{Checks: []badge.Check{{ID: badge.CheckParse, Status: badge.Failed, Err: err}}}
					errs = append(errs, fmt.Errorf("%w: verifiableCredential[%d]: %w", ErrNestedCredential, i, err))
					continue
				}
				data = []byte(tok)
			}
			res := r.Nested(ctx, data, badge.FamilyOpenBadge)
			n.Result = res
			var err error
			if !res.Verified {
				err = &badge.VerificationError{Checks: res.Failed()}
				errs = append(errs, fmt.Errorf("%w: verifiableCredential[%d] (%s): %w", ErrNestedCredential, i, nestedID(res), err))
			}
			n.Bound = true
			if serr := aboutRecordSubject(s, res); serr != nil {
				n.Bound, n.Binding = false, serr
				errs = append(errs, fmt.Errorf("%w: verifiableCredential[%d] (%s): %w", ErrNestedCredential, i, nestedID(res), serr))
				if err == nil {
					err = serr
				}
			}
			n.Err = err
			if err == nil {
				ok++
			}
		}
		detail := fmt.Sprintf("%d of %d credentials verified%s", ok, len(s.VerifiableCredential), offline)
		if len(errs) > 0 {
			return badge.Check{Status: badge.Failed, Err: errors.Join(errs...), Detail: detail}
		}
		if w := badge.RelaxedNested(r.Result); w != nil {
			return badge.Check{Status: badge.Warning, Err: w, Detail: detail}
		}
		return badge.Check{Status: badge.Passed, Detail: detail}
	}}
}

func nestedID(r *badge.VerificationResult) string {
	if r == nil || r.Credential == nil {
		return "-"
	}
	return orDash(r.Credential.ID())
}

// associationsStep: every association names achievements the record
// holds (its catalogue and those of its nested credentials).
func associationsStep(lenient bool) badge.Step {
	return badge.Step{ID: CheckAssociations, Check: func(_ context.Context, r *badge.Run) badge.Check {
		m := Record(r.Result)
		if m == nil {
			return badge.Check{Status: badge.Skipped, Detail: "the record did not decode"}
		}
		n := len(m.CredentialSubject.Association)
		if n == 0 {
			return badge.Check{Status: badge.Skipped, Detail: "no associations"}
		}
		var ids []string
		for _, a := range m.CredentialSubject.Achievement {
			if a.ID != "" {
				ids = append(ids, a.ID)
			}
		}
		for _, nr := range r.Result.Nested {
			if nr.Result != nil && nr.Result.Credential != nil {
				ids = append(ids, achievementIDsOf(nr.Result.Credential.Document())...)
			}
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		err := m.CheckAssociations(ids)
		switch {
		case err == nil:
			return badge.Check{Status: badge.Passed, Detail: fmt.Sprintf("%d associations between %d achievements", n, len(ids))}
		case lenient || r.Verifier.Relaxes(badge.OptionLenientAssociations):
			return badge.Check{Status: badge.Warning, Err: r.Relaxed(badge.OptionLenientAssociations, "an association names an achievement the record does not hold", err)}
		}
		return badge.Check{Status: badge.Failed, Err: err}
	}}
}

// recipientStep matches the expected recipient (VerifyOptions.Recipient)
// against the record's subject and against the subject of every
// credential it holds: the record's issuer asserts who its subject is, but
// each credential says for itself whom it is about, and a record issued
// by anyone must not make another person's badge answer for the
// recipient.
var recipientStep = badge.Step{ID: badge.CheckRecipient, Check: func(_ context.Context, r *badge.Run) badge.Check {
	if r.Options.Recipient == nil {
		return badge.Check{Status: badge.Skipped, Detail: "no recipient given"}
	}
	want := *r.Options.Recipient
	if err := badge.RecipientMatches(r.Result, want); err != nil {
		return badge.Check{Status: badge.Failed, Err: err, Detail: "the record's subject"}
	}
	for _, n := range r.Result.Nested {
		if err := badge.RecipientMatches(n.Result, want); err != nil {
			return badge.Check{Status: badge.Failed, Err: fmt.Errorf("%s: %w", n.Path, err)}
		}
	}
	return badge.Check{Status: badge.Passed, Detail: fmt.Sprintf("the record's subject and its %d credential(s)", len(r.Result.Nested))}
}}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
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
	err := subjectMismatch(rec, res.Credential)
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

// subjectMismatch returns a [*SubjectMismatchError] when c has no subject
// or a subject of c is not the record's (see sameSubject), nil otherwise.
// Verification ([aboutRecordSubject]) and issuing
// ([ClrCredential.CheckIssuable]) apply this one rule.
func subjectMismatch(rec *ClrSubject, c *vc.Credential) error {
	subjects := c.Subjects()
	if len(subjects) == 0 {
		return &SubjectMismatchError{Record: rec.ID}
	}
	for _, s := range subjects {
		id, _ := s["id"].(string)
		if !sameSubject(rec, id, identityObjects(s["identifier"])) {
			return &SubjectMismatchError{Subject: id, Record: rec.ID}
		}
	}
	return nil
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
