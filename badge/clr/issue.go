package clr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// Options adjusts [New]. The zero value (or nil) gives a fresh urn:uuid
// id, validFrom now and the name "Comprehensive Learner Record".
type Options struct {
	ID, Name, Description string
	ValidFrom, ValidUntil time.Time
	// Partial, when not nil, is written as "partial".
	Partial *bool
	// Now is the clock (nil = time.Now); Rand the id source (nil =
	// crypto/rand).
	Now  func() time.Time
	Rand io.Reader
}

// New returns an empty ClrCredential published by issuer about the
// learner subjectID, with the VC 2.0, CLR 2.0.1, OB 3.0.3 and OB
// extensions contexts (the order of the 1EdTech samples). Add credentials
// with [ClrCredential.AddCredential], achievement definitions and
// associations to CredentialSubject.
func New(issuer badge.Profile, subjectID string, o *Options) (*ClrCredential, error) {
	var opt Options
	if o != nil {
		opt = *o
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	if opt.ID == "" {
		id, err := badge.NewUUIDURN(opt.Rand)
		if err != nil {
			return nil, err
		}
		opt.ID = id
	}
	if opt.Name == "" {
		opt.Name = "Comprehensive Learner Record"
	}
	if opt.ValidFrom.IsZero() {
		opt.ValidFrom = now().UTC().Truncate(time.Second)
	}
	if issuer.Type.IsZero() {
		issuer.Type = badge.One("Profile")
	}
	c := &ClrCredential{
		Context:     badge.Contexts(badge.ContextVC2, ContextCLR201, badge.ContextOB303, ContextOBExtensions),
		ID:          opt.ID,
		Type:        badge.Many("VerifiableCredential", TypeClrCredential),
		Name:        opt.Name,
		Description: opt.Description,
		Issuer:      badge.Embed(&issuer),
		ValidFrom:   badge.NewDateTime(opt.ValidFrom),
		Partial:     opt.Partial,
		CredentialSubject: ClrSubject{
			ID:   subjectID,
			Type: badge.Many(TypeClrSubject),
		},
	}
	if !opt.ValidUntil.IsZero() {
		c.ValidUntil = badge.NewDateTime(opt.ValidUntil)
	}
	return c, nil
}

// AddCredential appends a signed credential: JSON bytes of a credential
// with an embedded proof (kept byte for byte), or a compact VC-JWT (kept
// as a JSON string).
func (c *ClrCredential) AddCredential(signed []byte) error {
	t := strings.TrimSpace(string(signed))
	switch {
	case strings.HasPrefix(t, "{"):
		if !json.Valid([]byte(t)) {
			return fmt.Errorf("%w: credential is not valid JSON", ErrMalformed)
		}
		c.CredentialSubject.VerifiableCredential = append(c.CredentialSubject.VerifiableCredential, json.RawMessage(t))
	case proof.IsCompactJWS([]byte(t)):
		b, _ := json.Marshal(t)
		c.CredentialSubject.VerifiableCredential = append(c.CredentialSubject.VerifiableCredential, b)
	default:
		return fmt.Errorf("%w: credential is neither JSON nor a compact JWT", ErrMalformed)
	}
	return nil
}

// AddAchievement appends an achievement definition unless one with the
// same id is already there.
func (s *ClrSubject) AddAchievement(a badge.Achievement) {
	if slices.ContainsFunc(s.Achievement, func(x badge.Achievement) bool { return x.ID == a.ID }) {
		return
	}
	if a.Type.IsZero() {
		a.Type = badge.One("Achievement")
	}
	s.Achievement = append(s.Achievement, a)
}

// Issuer signs ClrCredentials with one key, as a Data Integrity proof (the
// default) or a VC-JWT. The zero value of every field but Key is a safe
// default. Safe for concurrent use once no longer modified.
type Issuer struct {
	Key proof.Key
	// Controller is the id the record's issuer must have ("" = the key's
	// verification method without its fragment).
	Controller string
	// Format is badge.DataIntegrity or badge.JWT.
	Format      badge.Format
	Cryptosuite string
	Algorithm   proof.Algorithm
	// Processor runs JSON-LD safe mode and canonicalization (nil: embedded
	// contexts only).
	Processor *vc.Processor
	// Now is the proof's clock (nil = time.Now).
	Now func() time.Time
}

// IssueError lists why a record was not signed.
type IssueError struct{ Errs []error }

func (e *IssueError) Error() string {
	msgs := make([]string, len(e.Errs))
	for i, err := range e.Errs {
		msgs[i] = err.Error()
	}
	return "clr: not issued: " + strings.Join(msgs, "; ")
}

// Unwrap returns the causes.
func (e *IssueError) Unwrap() []error { return e.Errs }

// Issue checks the record and signs it. The checks are
// [ClrCredential.CheckIssuable] (the contexts, Validate, the bounds, and
// that every nested credential is about the record's subject: a record
// holding someone else's credential is refused with an error matching
// [ErrSubjectMismatch], as verification refuses it), the VC data model,
// issuer binding and JSON-LD safe mode; every problem is listed in one
// [*IssueError] and nothing is signed. The nested credentials' proofs are
// not re-checked here: verify them before bundling.
func (i *Issuer) Issue(ctx context.Context, c *ClrCredential) (*badge.Signed, error) {
	if ctx == nil {
		return nil, errors.New("clr: nil context")
	}
	if c == nil {
		return nil, &IssueError{Errs: []error{fmt.Errorf("%w: nil record", ErrInvalid)}}
	}
	if !c.Proof.IsZero() {
		return nil, &IssueError{Errs: []error{fmt.Errorf("%w: the record already has a proof", ErrInvalid)}}
	}
	var errs []error
	if err := c.CheckIssuable(); err != nil {
		errs = append(errs, err)
	}
	ctrl := i.Controller
	if ctrl == "" {
		ctrl, _, _ = strings.Cut(i.Key.VerificationMethod, "#")
	}
	if got := c.Issuer.IRI(); got != ctrl {
		errs = append(errs, fmt.Errorf("clr: issuer %q is not the key's controller %q", got, ctrl))
	}
	doc, err := json.Marshal(c)
	if err != nil {
		return nil, &IssueError{Errs: append(errs, err)}
	}
	cred, err := vc.Parse(doc)
	if err != nil {
		return nil, &IssueError{Errs: append(errs, err)}
	}
	if err := vc.CheckDataModel(cred); err != nil {
		errs = append(errs, err)
	}
	proc := i.Processor
	if proc == nil {
		proc = vc.NewProcessor(nil)
	}
	if err := proc.Check(ctx, cred.Document()); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, &IssueError{Errs: errs}
	}
	switch i.Format {
	case badge.JWT:
		tok, err := proof.SignJWT(ctx, doc, i.Key, i.Algorithm, &proof.JWTOptions{Processor: proc})
		if err != nil {
			return nil, &IssueError{Errs: []error{err}}
		}
		return &badge.Signed{Format: badge.JWT, ID: c.ID, JSON: doc, JWT: tok}, nil
	default:
		out, err := proof.AddDataIntegrityProof(ctx, doc, i.Key, &proof.DataIntegrityOptions{Cryptosuite: i.Cryptosuite, Now: i.Now, Processor: proc})
		if err != nil {
			return nil, &IssueError{Errs: []error{err}}
		}
		return &badge.Signed{Format: badge.DataIntegrity, ID: c.ID, JSON: out}, nil
	}
}

// CheckIssuable runs the checks verification makes of the record's own
// content, for an issuer to refuse what verifiers would: the contexts (the
// VC context first, a CLR 2.0 context second), the model
// ([ClrCredential.Validate]), the bounds (DefaultMaxCredentials nested
// credentials, achievements and associations), and that every nested
// credential can be read and is about the record's subject (the rule of
// verification's nested_credentials check: a credential with no subject,
// or a subject whose id, or else identifiers, do not match the record
// subject's, is a [*SubjectMismatchError]). It returns nil or a
// [*ValidationError] listing every problem by JSON path; errors.Is finds
// [ErrInvalid], and among the causes [ErrSubjectMismatch], [ErrContext],
// [ErrLimit] and [ErrNestedCredential].
//
// Not checked here: the VC data model, issuer binding and JSON-LD (the
// Issuer checks them), the nested credentials' proofs and models (verify
// them before bundling), and the associations (verification checks them
// against the achievements of the verified nested credentials).
func (c *ClrCredential) CheckIssuable() error {
	var fs []FieldError
	var ve *ValidationError
	if err := c.Validate(); errors.As(err, &ve) {
		fs = append(fs, ve.Fields...)
	}
	var ctxs []string
	for _, e := range c.Context.Values {
		if e.URL != "" {
			ctxs = append(ctxs, e.URL)
		}
	}
	if err := checkContexts(ctxs); err != nil {
		fs = append(fs, FieldError{Path: "$.@context", Err: err})
	}
	var le *LimitError
	if err := c.checkBounds(DefaultMaxCredentials); errors.As(err, &le) {
		fs = append(fs, FieldError{Path: "$.credentialSubject." + le.What, Err: le})
	} else {
		// Within the bounds only: a record over them is not read further.
		for n, raw := range c.CredentialSubject.VerifiableCredential {
			path := fmt.Sprintf("$.credentialSubject.verifiableCredential[%d]", n)
			nc, err := nestedCredential(raw)
			if err != nil {
				fs = append(fs, FieldError{Path: path, Err: fmt.Errorf("%w: %w", ErrNestedCredential, err)})
				continue
			}
			if err := subjectMismatch(&c.CredentialSubject, nc); err != nil {
				fs = append(fs, FieldError{Path: path, Err: err})
			}
		}
	}
	if len(fs) == 0 {
		return nil
	}
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Path < fs[j].Path })
	return &ValidationError{Fields: fs}
}

// CheckIssuableJSON is [ClrCredential.CheckIssuable] for a credential
// given as JSON, for issuers that hold JSON (openbadges issue, the VC-API
// issue endpoint): nil when data is not a CLR record ([IsRecord]); a
// record that does not decode is one problem at "$" matching
// [ErrMalformed]. The error is nil or a [*ValidationError].
func CheckIssuableJSON(data []byte) error {
	if !IsRecord(data) {
		return nil
	}
	var rec ClrCredential
	if err := json.Unmarshal(data, &rec); err != nil {
		if !errors.Is(err, ErrMalformed) {
			err = fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		return &ValidationError{Fields: []FieldError{{Path: "$", Err: err}}}
	}
	return rec.CheckIssuable()
}

// nestedCredential reads a nested credential without verifying it: a JSON
// object as it is, a JSON string as a compact VC-JWT, as the verifier
// reads it (badge.UnverifiedJWTCredential).
func nestedCredential(raw json.RawMessage) (*vc.Credential, error) {
	if len(raw) == 0 || raw[0] != '"' {
		return vc.Parse(raw)
	}
	var tok string
	if err := json.Unmarshal(raw, &tok); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if !proof.IsCompactJWS([]byte(tok)) {
		return nil, fmt.Errorf("%w: not a compact JWS", ErrMalformed)
	}
	c, err := badge.UnverifiedJWTCredential(tok)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return c, nil
}
