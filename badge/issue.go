package badge

import (
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// Format is the proof format of an issued credential.
type Format int

// Proof formats.
const (
	// DataIntegrity embeds a Data Integrity proof (eddsa-rdfc-2022 for
	// Ed25519 keys, ecdsa-rdfc-2019 for P-256 and P-384): the credential
	// stays JSON.
	DataIntegrity Format = iota
	// JWT signs the credential as a VC-JWT (compact JWS).
	JWT
)

func (f Format) String() string {
	switch f {
	case DataIntegrity:
		return "DataIntegrity"
	case JWT:
		return "JWT"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// MarshalText implements [encoding.TextMarshaler].
func (f Format) MarshalText() ([]byte, error) {
	if f != DataIntegrity && f != JWT {
		return nil, fmt.Errorf("%w: unknown format %d", ErrInvalidArgument, int(f))
	}
	return []byte(f.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] (so a Format can be a
// flag, with flag.TextVar). It accepts "DataIntegrity", "data-integrity"
// or "di", and "JWT" or "vc-jwt", in any case.
func (f *Format) UnmarshalText(b []byte) error {
	switch strings.ToLower(string(b)) {
	case "dataintegrity", "data-integrity", "di":
		*f = DataIntegrity
	case "jwt", "vc-jwt":
		*f = JWT
	default:
		return fmt.Errorf("%w: unknown format %q (want DataIntegrity or JWT)", ErrInvalidArgument, b)
	}
	return nil
}

// Signed is an issued credential.
type Signed struct {
	Format Format
	// ID is the credential's id.
	ID string
	// JSON is the credential: with its Data Integrity proof when Format is
	// DataIntegrity; for a JWT, the credential that was signed (without a
	// proof, for display and storage; it is not verifiable on its own).
	JSON []byte
	// JWT is the compact VC-JWT when Format is JWT, else "" (in the
	// VC-JOSE-COSE form, typ "vc+jwt", when Issuer.VCJOSE is set).
	JWT string
	// AddedContexts lists the contexts the Issuer appended to the
	// credential's @context before signing, so that its proof is defined:
	// the Data Integrity context (ContextDataIntegrity) for a VC 1.1
	// credential signed with a DataIntegrityProof (VC 1.1 does not define
	// it; VC 2.0 does, and gets nothing), as other Data Integrity
	// implementations do. nil when the credential was signed as given.
	AddedContexts []string
}

// ContextDataIntegrity is the Data Integrity context, which defines
// DataIntegrityProof for VC 1.1 credentials.
const ContextDataIntegrity = "https://w3id.org/security/data-integrity/v2"

// Bytes returns what to publish, store or bake ([Bake]): the JWT for a
// VC-JWT, else the JSON.
func (s *Signed) Bytes() []byte {
	if s.Format == JWT {
		return []byte(s.JWT)
	}
	return s.JSON
}

// Issuer signs credentials with one key. Only Key is required; the zero
// value of every other field is a safe default. An Issuer is safe for
// concurrent use once it is no longer modified (provided Rand is).
//
// Before signing, each Issue method checks the credential and reports every
// problem at once in an [*IssueError]: the Open Badges data model
// (Validate, with JSON paths), the VC data model ([vc.CheckDataModel]),
// issuer binding (the credential's issuer id must be the controller of
// Key, as verifiers require), relatedResource entries (well-formed
// digests, and the right digest of every resource built into the library:
// [vc.CheckRelatedResources]), and JSON-LD safe mode (every term defined
// by the credential's contexts, every context known to the Processor's
// loader). Nothing that a verifier would refuse for these reasons is
// signed.
//
// A VC 1.1 credential signed with a DataIntegrityProof (every Data
// Integrity suite but Ed25519Signature2020) whose @context has no Data
// Integrity context gets [ContextDataIntegrity] appended first, as other
// Data Integrity implementations do; [Signed.AddedContexts] says so.
type Issuer struct {
	// Key signs. Key.VerificationMethod names the public key for verifiers,
	// for example "did:key:z6Mk…#z6Mk…" (did.Key.ID) or
	// "https://example.edu/issuers/1#key-1".
	Key proof.Key
	// Controller is the key's controller: the id the credential's issuer
	// must have. "" means Key.VerificationMethod without its fragment,
	// which is right for did:key, did:web and https verification methods
	// with a fragment. Set it when the verification method is a separate
	// key document.
	Controller string
	// Format is DataIntegrity (the default) or JWT.
	Format Format
	// Cryptosuite is the Data Integrity suite ("" = by key type:
	// eddsa-rdfc-2022 for Ed25519, ecdsa-rdfc-2019 for P-256 and P-384).
	Cryptosuite string
	// Algorithm is the JWT algorithm ("" = by key type).
	Algorithm proof.Algorithm
	// Processor runs the JSON-LD checks and canonicalization (nil =
	// vc.NewProcessor(nil): embedded contexts only, offline). Issue with
	// the same contexts the verifiers will have.
	Processor *vc.Processor
	// Now is the clock for the proof's created time and a missing
	// validFrom (nil = time.Now).
	Now func() time.Time
	// Rand is the source of a missing credential id (nil = crypto/rand).
	Rand io.Reader
	// AllowExpired signs a credential whose validUntil (or VC 1.1
	// expirationDate) is already past by the Issuer's clock, for test
	// fixtures. Off, such a credential is refused: every verifier would
	// refuse it.
	AllowExpired bool
	// VCJOSE signs a Format JWT credential in the W3C VC-JOSE-COSE form
	// ([proof.SignVCJOSE]: header typ "vc+jwt", the VC 2.0 credential
	// itself as the payload) instead of the Open Badges 3.0 VC-JWT form
	// ([proof.SignJWT]: typ "JWT", with the JWT claims), which OB 3.0
	// requires for Open Badges: set it for other credentials only.
	VCJOSE bool
	// MandatoryPointers are the JSON pointers an ecdsa-sd-2023 base proof
	// always discloses (nil: [DefaultMandatoryPointers] of the credential:
	// what an Open Badge cannot be verified without). Other suites refuse
	// them.
	MandatoryPointers []string
}

// DefaultMandatoryPointers returns the members of an Open Badges
// credential a selective disclosure must always reveal, those it has:
// the issuer, the validity window, status, schemas, the subject's id or
// identifier, and the achievement's id, type and the members the model
// requires (name, description, criteria); a pointer that matches nothing
// is an error, so absent members are left out.
func DefaultMandatoryPointers(doc map[string]any) []string {
	var out []string
	for _, k := range []string{"name", "issuer", "validFrom", "validUntil", "issuanceDate", "expirationDate", "credentialStatus", "credentialSchema", "refreshService"} {
		if _, ok := doc[k]; ok {
			out = append(out, "/"+k)
		}
	}
	if cs, ok := doc["credentialSubject"].(map[string]any); ok {
		for _, k := range []string{"id", "identifier", "type"} {
			if _, ok := cs[k]; ok {
				out = append(out, "/credentialSubject/"+k)
			}
		}
		if a, ok := cs["achievement"].(map[string]any); ok {
			// The members the Open Badges model requires of an
			// Achievement: without them a derived credential is no badge.
			for _, k := range []string{"id", "type", "name", "description", "criteria"} {
				if _, ok := a[k]; ok {
					out = append(out, "/credentialSubject/achievement/"+k)
				}
			}
		}
	}
	return out
}

// controller returns the id the issuer must have.
func (i *Issuer) controller() string {
	if i.Controller != "" {
		return i.Controller
	}
	vm, _, _ := strings.Cut(i.Key.VerificationMethod, "#")
	return vm
}

// Profile returns an issuer Profile named name whose id is the key's
// controller, so that issuer binding holds; set URL, Email, Image and so
// on on the result.
func (i *Issuer) Profile(name string) Profile { return NewProfile(i.controller(), name) }

func (i *Issuer) processor() *vc.Processor {
	if i.Processor == nil {
		return vc.NewProcessor(nil)
	}
	return i.Processor
}

func (i *Issuer) now() time.Time { return now(i.Now) }

// checkKey reports an Issuer that cannot sign at all.
func (i *Issuer) checkKey() error {
	switch {
	case i.Key.Signer == nil:
		return fmt.Errorf("%w: no signer", ErrInvalidKey)
	case i.Format != DataIntegrity && i.Format != JWT:
		return fmt.Errorf("%w: unknown format %v", ErrInvalidArgument, i.Format)
	case i.Key.VerificationMethod == "" && (i.Format == DataIntegrity || i.Controller == ""):
		// A JWT may embed its key (jwk header), but issuer binding still
		// needs to know who controls it.
		return fmt.Errorf("%w: no verification method (and no Controller)", ErrInvalidKey)
	}
	return nil
}

// complete fills in a missing id and validFrom, as NewCredential would.
func (i *Issuer) complete(ctxs OneOrMany[ContextEntry], id *string, validFrom *DateTime, issuanceDate DateTime) error {
	if *id == "" {
		u, err := NewUUIDURN(i.Rand)
		if err != nil {
			return err
		}
		*id = u
	}
	vc11 := len(ctxs.Values) > 0 && ctxs.Values[0].URL == ContextVC11
	if *validFrom == "" && issuanceDate == "" && !vc11 {
		*validFrom = NewDateTime(i.now())
	}
	return nil
}

// Issue checks the credential and signs it in i.Format. A missing id gets a
// fresh urn:uuid and a missing validFrom the current time (on a copy: c is
// not modified); everything else is signed as given. A credential that
// fails a check is refused with an [*IssueError] listing every problem by
// JSON path; a problem with the Issuer itself is [ErrInvalidKey] or
// [ErrInvalidArgument]; signing errors come from package proof.
func (i *Issuer) Issue(ctx context.Context, c *AchievementCredential) (*Signed, error) {
	if c == nil {
		return nil, fmt.Errorf("%w: nil credential", ErrInvalidArgument)
	}
	cc := *c
	// Closures, not method values: a method value would copy cc before
	// issueCopy fills in its id and validFrom.
	return i.issueCopy(ctx, cc.Context, &cc.ID, &cc.ValidFrom, cc.IssuanceDate,
		func() error { return cc.Validate() }, func() ([]byte, error) { return cc.MarshalJSON() })
}

// issueCopy completes a copy of a credential (its id and validFrom, through
// the pointers), validates it, encodes it and signs it: the common part of
// Issue and IssueEndorsement.
func (i *Issuer) issueCopy(ctx context.Context, ctxs OneOrMany[ContextEntry], id *string, validFrom *DateTime, issuanceDate DateTime,
	validate func() error, marshal func() ([]byte, error)) (*Signed, error) {
	if err := i.checkKey(); err != nil {
		return nil, err
	}
	if err := i.complete(ctxs, id, validFrom, issuanceDate); err != nil {
		return nil, err
	}
	var problems []error
	if err := validate(); err != nil {
		problems = append(problems, err)
	}
	doc, err := marshal() // not json.Marshal: vc.Parse below checks the bytes anyway
	if err != nil {
		return nil, &IssueError{Errs: append(problems, unwrapMarshal(err))}
	}
	return i.sign(ctx, doc, problems)
}

// IssueEndorsement checks and signs an endorsement credential as Issue
// does.
func (i *Issuer) IssueEndorsement(ctx context.Context, c *EndorsementCredential) (*Signed, error) {
	if c == nil {
		return nil, fmt.Errorf("%w: nil credential", ErrInvalidArgument)
	}
	cc := *c
	// Closures, not method values: a method value would copy cc before
	// issueCopy fills in its id and validFrom.
	return i.issueCopy(ctx, cc.Context, &cc.ID, &cc.ValidFrom, cc.IssuanceDate,
		func() error { return cc.Validate() }, func() ([]byte, error) { return cc.MarshalJSON() })
}

// IssueJSON checks and signs a credential given as JSON, for callers that
// hold JSON rather than structs (a template, another credential type). The
// bytes are signed as given: nothing is filled in, and a Data Integrity
// proof is appended without re-encoding the rest. A credential typed
// AchievementCredential/OpenBadgeCredential or EndorsementCredential is
// decoded strictly and validated against the Open Badges data model; any
// other type (a ClrCredential, say) gets the VC data model, issuer binding
// and JSON-LD checks only.
func (i *Issuer) IssueJSON(ctx context.Context, credential []byte) (*Signed, error) {
	if err := i.checkKey(); err != nil {
		return nil, err
	}
	var problems []error
	if c, err := vc.Parse(credential); err == nil {
		var model interface{ Validate() error }
		switch {
		case c.HasType("AchievementCredential") || c.HasType("OpenBadgeCredential"):
			model = new(AchievementCredential)
		case c.HasType("EndorsementCredential"):
			model = new(EndorsementCredential)
		}
		if model != nil {
			if err := json.Unmarshal(credential, model); err != nil {
				return nil, &IssueError{Errs: []error{unwrapMarshal(err)}}
			}
			if err := model.Validate(); err != nil {
				problems = append(problems, err)
			}
		}
	}
	return i.sign(ctx, credential, problems)
}

// CheckJSON runs every check of [Issuer.IssueJSON] on credential (the key,
// the Open Badges and VC data models, the validity window, issuer binding,
// JSON-LD safe mode and the strict compact form, and what the proof
// functions check before they sign: suite, algorithm and key, mandatory
// pointers, the VC-JOSE-COSE rules) and signs nothing: nil when IssueJSON
// would sign it, else the error IssueJSON returns (an *[IssueError]
// listing every problem of the credential). A caller with checks of its
// own uses it to report the library's problems beside them.
func (i *Issuer) CheckJSON(ctx context.Context, credential []byte) error {
	if i.Key.Signer == nil {
		_, err := i.IssueJSON(ctx, credential) // refused at the key: nothing to sign with
		return err
	}
	dry := *i
	dry.Key.Signer = checksOnlySigner{i.Key.Signer}
	_, err := dry.IssueJSON(ctx, credential)
	if errors.Is(err, errChecksOnly) {
		return nil // every check passed: this is where the signature is made
	}
	return err
}

// errChecksOnly is what checksOnlySigner returns: the run of CheckJSON
// got as far as the signature.
var errChecksOnly = errors.New("badge: checks only, nothing signed")

// checksOnlySigner is CheckJSON's signer: the key's public half, and a
// Sign that refuses, so that the proof functions run every check of
// theirs and stop where they would sign.
type checksOnlySigner struct{ crypto.Signer }

func (checksOnlySigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errChecksOnly
}

// unwrapMarshal returns the typed error inside an encoding/json error.
func unwrapMarshal(err error) error {
	var de *DecodeError
	if errors.As(err, &de) {
		return de
	}
	var ee *EncodeError
	if errors.As(err, &ee) {
		return ee
	}
	return err
}

// sign runs the remaining checks on doc and signs it. The JSON-LD check
// runs here only when another check failed (so that every problem is
// reported); otherwise the proof functions run it while signing, and their
// safe-mode errors are reported the same way.
func (i *Issuer) sign(ctx context.Context, doc []byte, problems []error) (*Signed, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cred, err := vc.Parse(doc)
	if err != nil {
		return nil, &IssueError{Errs: append(problems, err)}
	}
	var added []string
	if i.needsDataIntegrityContext(cred) {
		d, err := appendContext(doc, ContextDataIntegrity)
		if err == nil {
			cred, err = vc.Parse(d)
		}
		if err != nil {
			return nil, &IssueError{Errs: append(problems, FieldError{Path: "$.@context", Err: err})}
		}
		doc, added = d, []string{ContextDataIntegrity}
	}
	if err := vc.CheckDataModel(cred); err != nil {
		problems = append(problems, err)
	}
	// A window every verifier would refuse: already expired (unless
	// AllowExpired) or ending before it starts. A future validFrom is fine.
	switch err := vc.CheckValidity(cred, &vc.ValidityOptions{Now: i.now, ClockSkew: -1}); {
	case errors.Is(err, vc.ErrExpired) && !i.AllowExpired:
		path := "$.validUntil"
		if _, has := cred.Document()["validUntil"]; !has {
			path = "$.expirationDate"
		}
		problems = append(problems, FieldError{Path: path, Err: fmt.Errorf("%w: already past (Issuer.AllowExpired signs test fixtures)", err)})
	case errors.Is(err, vc.ErrMalformed):
		problems = append(problems, FieldError{Path: "$.validUntil", Err: err})
	}
	if _, has := cred.Document()["proof"]; has {
		// Signing would make the caller's proof part of a proof set the
		// issuer vouches for (and a proof chain could name it).
		problems = append(problems, FieldError{Path: "$.proof",
			Err: fmt.Errorf("%w: the credential already carries a proof: issue an unsigned credential", ErrInvalidCredential)})
	}
	if err := i.checkBinding(cred); err != nil {
		problems = append(problems, err)
	}
	if _, err := vc.CheckRelatedResources(ctx, cred, &vc.RelatedResourceOptions{Issuing: true}); err != nil {
		var re *vc.RelatedResourceError
		if !errors.As(err, &re) {
			return nil, err // ctx is done
		}
		for _, p := range re.Problems {
			problems = append(problems, FieldError{Path: p.Path, Err: relatedProblem{p}})
		}
	}
	proc := i.processor()
	if len(problems) > 0 {
		if err := proc.Check(ctx, cred.Document()); err != nil {
			if isCanceled(err) {
				return nil, err
			}
			problems = append(problems, jsonLDProblem(err, cred))
		}
		return nil, &IssueError{Errs: withoutExplained(problems)}
	}
	s := &Signed{Format: i.Format, ID: cred.ID(), AddedContexts: added}
	switch i.Format {
	case JWT:
		sign := proof.SignJWT
		if i.VCJOSE {
			sign = proof.SignVCJOSE
		}
		s.JWT, err = sign(ctx, doc, i.Key, i.Algorithm, &proof.JWTOptions{Processor: proc})
		s.JSON = doc
	default:
		mandatory := i.MandatoryPointers
		if mandatory == nil && i.Cryptosuite == proof.ECDSASD2023 {
			mandatory = DefaultMandatoryPointers(cred.Document())
		}
		s.JSON, err = proof.AddDataIntegrityProof(ctx, doc, i.Key, &proof.DataIntegrityOptions{
			Cryptosuite:       i.Cryptosuite,
			Now:               i.Now,
			Processor:         proc,
			MandatoryPointers: mandatory,
		})
	}
	if err != nil {
		if errors.Is(err, proof.ErrInvalidDocument) && isJSONLDError(err) {
			return nil, &IssueError{Errs: []error{jsonLDProblem(err, cred)}}
		}
		return nil, fmt.Errorf("badge: signing %s: %w", i.Format, err)
	}
	return s, nil
}

// needsDataIntegrityContext reports whether c is a VC 1.1 credential that
// i signs with a DataIntegrityProof and whose contexts do not define it
// (no Data Integrity context, v1 or v2; the VC 2.0 context is never in a
// VC 1.1 credential's list, but would define it too).
func (i *Issuer) needsDataIntegrityContext(c *vc.Credential) bool {
	if i.Format != DataIntegrity || i.Cryptosuite == proof.Ed25519Signature2020 || c.Version() != vc.Version1_1 {
		return false
	}
	for _, u := range c.Contexts() {
		switch u {
		case ContextDataIntegrity, "https://w3id.org/security/data-integrity/v1", vc.ContextV2:
			return false
		}
	}
	return true
}

// appendContext returns doc with url appended to its top-level @context (a
// string becomes a list), every other byte unchanged.
func appendContext(doc []byte, url string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("%w: not a JSON object", ErrInvalidCredential)
	}
	quoted, err := json.Marshal(url)
	if err != nil {
		return nil, err
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidCredential, err)
		}
		afterName := int(dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidCredential, err)
		}
		if t != "@context" {
			continue
		}
		end := int(dec.InputOffset())
		start := afterName
		for start < end && (doc[start] == ':' || isJSONSpace(doc[start])) {
			start++
		}
		var b bytes.Buffer
		b.Grow(len(doc) + len(quoted) + 8)
		b.Write(doc[:start])
		switch doc[start] {
		case '"':
			b.WriteByte('[')
			b.Write(doc[start:end])
			b.WriteString(", ")
			b.Write(quoted)
			b.WriteByte(']')
		case '[':
			// After the last entry, separated as the first entry is from
			// the bracket: on a line of its own in an indented list.
			closeAt := end - 1
			last := closeAt
			for last > start && isJSONSpace(doc[last-1]) {
				last--
			}
			first := start + 1
			for first < closeAt && isJSONSpace(doc[first]) {
				first++
			}
			b.Write(doc[start:last])
			if last > start+1 {
				b.WriteByte(',')
				if lead := doc[start+1 : first]; bytes.ContainsRune(lead, '\n') {
					b.Write(lead)
				} else {
					b.WriteByte(' ')
				}
			}
			b.Write(quoted)
			b.Write(doc[last:end])
		default:
			return nil, fmt.Errorf("%w: @context is neither a string nor a list", ErrInvalidCredential)
		}
		b.Write(doc[end:])
		return b.Bytes(), nil
	}
	return nil, fmt.Errorf("%w: no @context", ErrInvalidCredential)
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// relatedProblem presents a relatedResource problem as an error that
// matches vc.ErrRelatedResource and its kind.
type relatedProblem struct{ p vc.Problem }

func (e relatedProblem) Error() string { return e.p.Reason }

func (e relatedProblem) Is(target error) bool { return target == vc.ErrRelatedResource }

func (e relatedProblem) Unwrap() error { return e.p.Kind }

// checkBinding compares the credential's issuer with the key's controller.
func (i *Issuer) checkBinding(c *vc.Credential) error {
	iss, want := c.Issuer(), i.controller()
	if iss == "" || iss == want {
		return nil // a missing issuer is reported by the data model checks
	}
	path := "$.issuer"
	if c.IssuerObject() != nil {
		path = "$.issuer.id"
	}
	return &IssuerMismatchError{Path: path, Issuer: iss, Controller: want, VerificationMethod: i.Key.VerificationMethod}
}

func isCanceled(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

func isJSONLDError(err error) bool {
	for _, k := range []error{vc.ErrSafeMode, vc.ErrUnknownContext, vc.ErrLoad, vc.ErrJSONLD, vc.ErrCanonicalizationLimit} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

// jsonLDProblem returns a safe-mode error as is, and gives a context that
// could not be loaded the path of its @context entry.
func jsonLDProblem(err error, c *vc.Credential) error {
	var sm *vc.SafeModeError
	if errors.As(err, &sm) {
		return sm
	}
	var uc *vc.UnknownContextError
	if errors.As(err, &uc) {
		path := "$.@context"
		if list, ok := c.Document()["@context"].([]any); ok {
			for n, e := range list {
				if e == uc.URL {
					path = indexPath(path, n)
					break
				}
			}
		}
		return FieldError{Path: path, Err: uc}
	}
	return FieldError{Path: "$", Err: err}
}
