package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/internal/budget"
	"github.com/openbadges-go/openbadges/presentation"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

// Options configures the API handlers. The zero value (or a nil pointer)
// is safe: offline key resolution (did:key, did:jwk), embedded contexts,
// no status checker (a credential with a credentialStatus then fails the
// status check when it is requested), the current time, and the default
// limits.
type Options struct {
	// Proofs checks Data Integrity proofs and VC-JWTs for the VC-API
	// verify endpoints (nil = a zero proof.Verifier with Processor and Now).
	// Add did:web and https resolution and JWK Sets here.
	Proofs *proof.Verifier
	// Status checks credentialStatus entries (for example a
	// *status.Checker).
	Status vc.StatusChecker
	// Processor runs JSON-LD checks (nil = embedded contexts only).
	Processor *vc.Processor
	// Now is the clock (nil = time.Now); ClockSkew the tolerance for
	// validity windows (0 = vc.DefaultClockSkew).
	Now       func() time.Time
	ClockSkew time.Duration
	// MaxBodyBytes bounds a request body (0 = DefaultMaxBodyBytes); a
	// larger body gets 413.
	MaxBodyBytes int64
	// Timeout bounds the work of one request (0 = DefaultTimeout).
	Timeout time.Duration
}

func (o *Options) proofs() *proof.Verifier {
	if o != nil && o.Proofs != nil {
		return o.Proofs
	}
	v := &proof.Verifier{}
	if o != nil {
		v.Processor, v.Now = o.Processor, o.Now
	}
	return v
}

func (o *Options) processor() *vc.Processor {
	if o != nil && o.Processor != nil {
		return o.Processor
	}
	return vc.NewProcessor(nil)
}

// ---------------------------------------------------------------- issue

type issueHandler struct {
	issuer   badge.Issuer
	issuerID string
	opts     *Options
}

// NewIssueHandler returns the VC-API issue endpoint (POST
// /credentials/issue). The request is {"credential": {...}, "options":
// {...}}; the supported options are "format" ("ldp_vc" for a Data
// Integrity proof or "jwt" for a VC-JWT; absent: iss.Format), "cryptosuite" (for
// example "eddsa-rdfc-2022") and "created" (the proof's creation time);
// any other option is a 400.
//
// The credential is issued by iss only: a credential without an issuer
// gets iss's controller (the issuer id), and one naming another issuer is
// refused. Before signing, the VC data model 2.0 rules are enforced
// (required members, types, URLs, dates and their order, relatedResource
// digests, language values, typed status, schema, evidence, terms of use
// and refresh entries), with the Open Badges rules for Open Badges
// credentials and JSON-LD safe mode (every term defined by a known
// context); a refused credential gets 422 with every problem by JSON path.
// A signed credential is answered 201 {"verifiableCredential": ...}; a JWT
// is returned as an EnvelopedVerifiableCredential with a data: URL.
//
// iss is copied; it must have a Key.
func NewIssueHandler(iss *badge.Issuer, o *Options) (http.Handler, error) {
	if iss == nil || iss.Key.Signer == nil || iss.Key.VerificationMethod == "" {
		return nil, fmt.Errorf("%w: the issuer needs a key with a verification method", badge.ErrInvalidKey)
	}
	h := &issueHandler{issuer: *iss, opts: o}
	h.issuerID = iss.Controller
	if h.issuerID == "" {
		h.issuerID, _, _ = strings.Cut(iss.Key.VerificationMethod, "#")
	}
	if h.issuer.Processor == nil && o != nil {
		h.issuer.Processor = o.Processor
	}
	return guard(o, h.serve), nil
}

func (h *issueHandler) serve(w http.ResponseWriter, r *http.Request) error {
	req, err := readJSONObject(r, "credential", "options")
	if err != nil {
		return err
	}
	opts, err := req.options("format", "cryptosuite", "created")
	if err != nil {
		return err
	}
	iss := h.issuer
	format, err := optString(opts, "format")
	if err != nil {
		return err
	}
	switch format {
	case "":
		// the issuer's own format
	case "ldp_vc", "ldp", "di", "DataIntegrity":
		iss.Format = badge.DataIntegrity
	case "jwt", "jwt_vc", "jwt_vc_json", "vc+jwt", "JWT":
		iss.Format = badge.JWT
	default:
		return newProblem(http.StatusBadRequest, ProblemUnknownOption, "Unsupported option value", "format %q is not supported (use ldp_vc or jwt)", format)
	}
	if iss.Cryptosuite, err = optString(opts, "cryptosuite"); err != nil {
		return err
	}
	if iss.Cryptosuite != "" {
		if iss.Format == badge.JWT {
			return badRequest("option cryptosuite does not apply to format jwt")
		}
		if !slices.Contains(proof.DefaultCryptosuites(), iss.Cryptosuite) || iss.Cryptosuite == proof.EdDSA2022 {
			return newProblem(http.StatusBadRequest, ProblemUnknownOption, "Unsupported option value", "cryptosuite %q is not supported", iss.Cryptosuite)
		}
	}
	created, err := optString(opts, "created")
	if err != nil {
		return err
	}
	if created != "" {
		t, err := vc.ParseDateTime(created)
		if err != nil {
			return badRequest("option created must be an RFC 3339 date-time: %v", err)
		}
		iss.Now = func() time.Time { return t }
	}

	credVal, has := req.value["credential"]
	if !has {
		return badRequest("member credential is required")
	}
	cred, ok := credVal.(map[string]any)
	if !ok {
		return badRequest("credential must be a JSON object")
	}
	if p := h.bindIssuer(cred); p != nil {
		return p
	}
	// Data model rules first, every finding at once.
	var problems []FieldProblem
	if c, err := vc.FromValue(nil, cred); err != nil {
		problems = append(problems, FieldProblem{Path: "$", Detail: err.Error()})
	} else if err := vc.CheckDataModel(c); err != nil {
		var dme *vc.DataModelError
		if errors.As(err, &dme) {
			for _, p := range dme.Problems {
				problems = append(problems, FieldProblem{Path: p.Path, Detail: p.Reason})
			}
		} else {
			problems = append(problems, FieldProblem{Path: "$", Detail: err.Error()})
		}
	}
	problems = append(problems, extraDataModelProblems(cred)...)
	if len(problems) > 0 {
		return &Problem{Type: ProblemMalformedValue, Title: "Invalid credential", Status: http.StatusUnprocessableEntity,
			Detail: fmt.Sprintf("%d problem(s); the first: %s %s", len(problems), problems[0].Path, problems[0].Detail), Errors: problems}
	}
	data, err := encodeJSON(cred)
	if err != nil {
		return badRequest("credential: %v", err)
	}
	signed, err := iss.IssueJSON(r.Context(), data)
	if err != nil {
		return issueProblem(r.Context(), err)
	}
	var out json.RawMessage
	if signed.Format == badge.JWT {
		out, err = encodeJSON(envelope("EnvelopedVerifiableCredential", signed.JWT))
		if err != nil {
			return err
		}
	} else {
		out = signed.JSON
	}
	b, err := encodeJSON(map[string]json.RawMessage{"verifiableCredential": out})
	if err != nil {
		return err
	}
	writeBytes(w, http.StatusCreated, "application/json", b)
	return nil
}

// bindIssuer makes the credential's issuer the handler's: it fills a
// missing issuer (or issuer id) and refuses another one.
func (h *issueHandler) bindIssuer(cred map[string]any) *Problem {
	mismatch := func(got string) *Problem {
		return &Problem{Type: ProblemMalformedValue, Title: "Invalid credential", Status: http.StatusUnprocessableEntity,
			Detail: fmt.Sprintf("this service issues as %q, not %q", h.issuerID, got), Errors: []FieldProblem{{Path: "$.issuer", Detail: "must be " + strconv.Quote(h.issuerID)}}}
	}
	malformed := func(path, detail string) *Problem {
		return &Problem{Type: ProblemMalformedValue, Title: "Invalid credential", Status: http.StatusUnprocessableEntity,
			Detail: path + " " + detail, Errors: []FieldProblem{{Path: path, Detail: detail}}}
	}
	v, has := cred["issuer"]
	if !has {
		cred["issuer"] = h.issuerID
		return nil
	}
	switch t := v.(type) {
	case string:
		if !isURL(t) {
			return malformed("$.issuer", "must be a URL")
		}
		if t != h.issuerID {
			return mismatch(t)
		}
	case map[string]any:
		id, has := t["id"]
		if !has {
			t["id"] = h.issuerID
			return nil
		}
		s, ok := id.(string)
		if !ok || !isURL(s) {
			return malformed("$.issuer.id", "must be a URL")
		}
		if s != h.issuerID {
			return mismatch(s)
		}
	default:
		return malformed("$.issuer", "must be a URL or an object with an id")
	}
	return nil
}

// issueProblem maps an error of Issuer.IssueJSON to a problem: a refused
// credential is 422 with its findings; a timeout 503; a broken issuer key
// 500; anything else about the input 422.
func issueProblem(ctx context.Context, err error) error {
	var ie *badge.IssueError
	switch {
	case errors.As(err, &ie):
		p := &Problem{Type: ProblemMalformedValue, Title: "Invalid credential", Status: http.StatusUnprocessableEntity, Detail: firstLine(err.Error())}
		for _, f := range ie.Fields() {
			p.Errors = append(p.Errors, FieldProblem{Path: f.Path, Detail: f.Err.Error()})
		}
		return p
	case ctx.Err() != nil:
		return err
	case errors.Is(err, badge.ErrInvalidKey):
		return &Problem{Type: ProblemInternal, Title: "Issuer misconfigured", Status: http.StatusInternalServerError}
	case errors.Is(err, proof.ErrUnsupportedCryptosuite), errors.Is(err, badge.ErrInvalidArgument):
		return newProblem(http.StatusBadRequest, ProblemUnknownOption, "Unsupported option value", "%s", firstLine(err.Error()))
	}
	return newProblem(http.StatusUnprocessableEntity, ProblemMalformedValue, "Credential cannot be signed", "%s", firstLine(err.Error()))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func envelope(typ, jwt string) map[string]any {
	return map[string]any{
		"@context": vc.ContextV2,
		"id":       "data:application/vc+jwt," + jwt,
		"type":     typ,
	}
}

// encodeJSON marshals without HTML escaping.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// --------------------------------------------------------------- verify

// VerificationResult is the body of the VC-API verify endpoints: the checks
// that ran, and the problems found (an empty errors list means verified).
type VerificationResult struct {
	Verified bool      `json:"verified"`
	Checks   []string  `json:"checks"`
	Warnings []Problem `json:"warnings"`
	Errors   []Problem `json:"errors"`
	// CredentialResults holds, for a presentation, the result of each
	// credential in it.
	CredentialResults []*VerificationResult `json:"credentialResults,omitempty"`
}

// The checks a verify request may name in options.checks.
const (
	CheckProof     = "proof"
	CheckDataModel = "dataModel"
	CheckValidity  = "validity"
	CheckStatus    = "status"
)

// ProblemStatus is the problem type of a failed status check.
const ProblemStatus = "https://www.w3.org/ns/credentials/status-list#STATUS_VERIFICATION_ERROR"

func (r *VerificationResult) fail(typ, title, detail string) {
	r.Errors = append(r.Errors, Problem{Type: typ, Title: title, Detail: detail})
}

func (r *VerificationResult) warn(typ, title, detail string) {
	r.Warnings = append(r.Warnings, Problem{Type: typ, Title: title, Detail: detail})
}

func (r *VerificationResult) ran(check string) {
	if !slices.Contains(r.Checks, check) {
		r.Checks = append(r.Checks, check)
	}
}

func (r *VerificationResult) finish() *VerificationResult {
	r.Verified = len(r.Errors) == 0
	if r.Checks == nil {
		r.Checks = []string{}
	}
	if r.Warnings == nil {
		r.Warnings = []Problem{}
	}
	if r.Errors == nil {
		r.Errors = []Problem{}
	}
	return r
}

// checkSet reads options.checks. Proof, data model and validity checks
// always run; status runs when checks is absent or names it.
func checkSet(opts map[string]any) (status bool, err error) {
	list, present, err := optStrings(opts, "checks")
	if err != nil {
		return false, err
	}
	if !present {
		return true, nil
	}
	for _, c := range list {
		switch c {
		case CheckProof, CheckDataModel, CheckValidity, "expiration", "expirationDate":
		case CheckStatus, "credentialStatus", "revocation":
			status = true
		default:
			return false, newProblem(http.StatusBadRequest, ProblemUnknownOption, "Unknown check", "check %q is not supported (supported: proof, dataModel, validity, status)", c)
		}
	}
	return status, nil
}

// verifyHandler serves the VC-API verify endpoints. Its proof verifier is
// built once, so that status lists it verified stay cached for the next
// request.
type verifyHandler struct {
	opts *Options
	pv   *proof.Verifier
}

// NewVerifyCredentialHandler returns the VC-API credential verification
// endpoint (POST /credentials/verify). The request is
// {"verifiableCredential": {...}, "options": {"checks": [...]}}; the
// credential is a JSON-LD credential with Data Integrity proofs or an
// EnvelopedVerifiableCredential holding a VC-JWT in a data: URL.
//
// It checks the proofs (at least one, each of an allowed suite, bound to
// the issuer), the VC data model 2.0 rules, the validity window and, when
// options.checks is absent or lists "status", every credentialStatus entry
// through Options.Status. The answer is a [VerificationResult]: 200 when
// verified, 422 otherwise; a malformed request gets a 400 problem.
func NewVerifyCredentialHandler(o *Options) (http.Handler, error) {
	h := &verifyHandler{opts: o, pv: o.proofs()}
	return guard(o, h.serveCredential), nil
}

// NewVerifyPresentationHandler returns the VC-API presentation
// verification endpoint (POST /presentations/verify). The request is
// {"verifiablePresentation": {...}, "options": {"challenge", "domain",
// "checks"}}. A presentation proof is verified for the authentication
// purpose with the given challenge and domain and must be made by the
// holder's key; a presentation without a proof is accepted only when no
// challenge or domain is asked for (with a warning). Every credential in
// it is verified as by [NewVerifyCredentialHandler].
func NewVerifyPresentationHandler(o *Options) (http.Handler, error) {
	h := &verifyHandler{opts: o, pv: o.proofs()}
	return guard(o, h.servePresentation), nil
}

func writeResult(w http.ResponseWriter, r *VerificationResult) {
	status := http.StatusOK
	if !r.Verified {
		status = http.StatusUnprocessableEntity
	}
	writeJSON(w, status, "application/json", r)
}

func (h *verifyHandler) serveCredential(w http.ResponseWriter, r *http.Request) error {
	req, err := readJSONObject(r, "verifiableCredential", "options")
	if err != nil {
		return err
	}
	opts, err := req.options("checks")
	if err != nil {
		return err
	}
	withStatus, err := checkSet(opts)
	if err != nil {
		return err
	}
	v, has := req.value["verifiableCredential"]
	if !has {
		return badRequest("member verifiableCredential is required")
	}
	if _, ok := v.(map[string]any); !ok {
		return badRequest("verifiableCredential must be a JSON object")
	}
	// One budget for the request (fetches, bytes, time, credentials), as
	// for every verification of the module.
	ctx, cancel := badge.WithBudget(r.Context(), badge.Budget{})
	defer cancel()
	res := h.verifyCredential(ctx, req.raw["verifiableCredential"], v.(map[string]any), withStatus)
	if err := r.Context().Err(); err != nil {
		return err
	}
	writeResult(w, res)
	return nil
}

// verifyCredential runs the checks on one credential given as raw bytes
// and as its strict parse.
func (h *verifyHandler) verifyCredential(ctx context.Context, raw []byte, m map[string]any, withStatus bool) *VerificationResult {
	res := &VerificationResult{}
	var c *vc.Credential
	pv := h.pv
	if err := budget.From(ctx).Credential(); err != nil {
		res.fail(ProblemParsing, "Verification budget exceeded", err.Error())
		return res.finish()
	}
	res.ran(CheckProof)
	if hasType(m["type"], "EnvelopedVerifiableCredential") {
		token, err := envelopedToken(m)
		if err != nil {
			res.fail(ProblemParsing, "Invalid enveloped credential", err.Error())
			return res.finish()
		}
		cred, pr, err := pv.VerifyJWT(ctx, token)
		if err != nil {
			res.fail(ProblemCryptographic, "Invalid proof", err.Error())
			return res.finish()
		}
		_ = pr
		c = cred
	} else {
		cred, err := vc.Parse(raw)
		if err != nil {
			res.fail(ProblemParsing, "Invalid credential", err.Error())
			return res.finish()
		}
		c = cred
		if len(c.Proofs()) == 0 {
			res.fail(ProblemCryptographic, "Missing proof", "the credential has no proof")
		} else {
			results, err := pv.VerifyProofs(ctx, c)
			if err != nil {
				res.fail(ProblemCryptographic, "Invalid proof", proofDetail(results, err))
			} else {
				for _, pr := range results {
					if pr.Status != proof.StatusVerified && pr.Err != nil {
						res.warn(ProblemCryptographic, "Proof not used", fmt.Sprintf("proof %d: %v", pr.Index, pr.Err))
					}
				}
			}
		}
	}

	res.ran(CheckDataModel)
	if !hasType(c.Document()["type"], "VerifiableCredential") && c.Version() == vc.VersionUnknown {
		res.fail(ProblemMalformedValue, "Invalid credential", "not a verifiable credential")
	}
	if err := vc.CheckDataModel(c); err != nil {
		var dme *vc.DataModelError
		if errors.As(err, &dme) {
			for _, p := range dme.Problems {
				res.fail(ProblemMalformedValue, "Invalid credential", p.Path+" "+p.Reason)
			}
		} else {
			res.fail(ProblemMalformedValue, "Invalid credential", err.Error())
		}
	}
	for _, p := range extraDataModelProblems(c.Document()) {
		res.fail(ProblemMalformedValue, "Invalid credential", p.Path+" "+p.Detail)
	}

	res.ran(CheckValidity)
	var now func() time.Time
	var skew time.Duration
	if h.opts != nil {
		now, skew = h.opts.Now, h.opts.ClockSkew
	}
	if err := vc.CheckValidity(c, &vc.ValidityOptions{Now: now, ClockSkew: skew}); err != nil {
		res.fail(ProblemRange, "Outside the validity period", err.Error())
	}

	proofOK := true
	for _, e := range res.Errors {
		if e.Type == ProblemCryptographic {
			proofOK = false
		}
	}
	if entries := c.Statuses(); withStatus && len(entries) > 0 && !proofOK {
		// Nothing is fetched for a credential whose proof did not verify
		// (it fails already).
		res.ran(CheckStatus)
		res.fail(ProblemStatus, "Status not checked", "the credential's proof did not verify, so its status lists were not fetched")
	} else if withStatus && len(entries) > 0 {
		res.ran(CheckStatus)
		var checker vc.StatusChecker
		if h.opts != nil {
			checker = h.opts.Status
		}
		if checker == nil {
			res.fail(ProblemStatus, "Status not checked", "the credential has a credentialStatus and this verifier has no status checker")
		} else {
			for i, e := range entries {
				// The list is verified with this handler's keys.
				_, err := status.CheckWith(ctx, checker, c, e, pv)
				if err != nil {
					res.fail(ProblemStatus, "Status check failed", fmt.Sprintf("credentialStatus %d: %v", i, err))
				}
			}
		}
	}
	return res.finish()
}

func proofDetail(results []proof.ProofResult, err error) string {
	var parts []string
	for _, pr := range results {
		if pr.Err != nil {
			parts = append(parts, fmt.Sprintf("proof %d: %v", pr.Index, pr.Err))
		}
	}
	if len(parts) == 0 {
		return err.Error()
	}
	return strings.Join(parts, "; ")
}

func hasType(v any, t string) bool {
	switch x := v.(type) {
	case string:
		return x == t
	case []any:
		for _, e := range x {
			if e == t {
				return true
			}
		}
	}
	return false
}

// envelopedToken extracts the compact JWT of an enveloped credential: its
// id is data:<media type>,<jwt> (the rule shared with package
// presentation).
func envelopedToken(m map[string]any) (string, error) {
	return presentation.EnvelopedToken(m)
}

func (h *verifyHandler) servePresentation(w http.ResponseWriter, r *http.Request) error {
	req, err := readJSONObject(r, "verifiablePresentation", "options")
	if err != nil {
		return err
	}
	opts, err := req.options("challenge", "domain", "checks")
	if err != nil {
		return err
	}
	withStatus, err := checkSet(opts)
	if err != nil {
		return err
	}
	challenge, err := optString(opts, "challenge")
	if err != nil {
		return err
	}
	domain, err := optString(opts, "domain")
	if err != nil {
		return err
	}
	v, has := req.value["verifiablePresentation"]
	if !has {
		return badRequest("member verifiablePresentation is required")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return badRequest("verifiablePresentation must be a JSON object")
	}
	ctx, cancel := badge.WithBudget(r.Context(), badge.Budget{})
	defer cancel()
	res := h.verifyPresentation(ctx, req.raw["verifiablePresentation"], m, challenge, domain, withStatus)
	if err := r.Context().Err(); err != nil {
		return err
	}
	writeResult(w, res)
	return nil
}

func (h *verifyHandler) verifyPresentation(ctx context.Context, raw []byte, m map[string]any, challenge, domain string, withStatus bool) *VerificationResult {
	res := &VerificationResult{}
	if hasType(m["type"], "EnvelopedVerifiablePresentation") {
		res.ran(CheckProof)
		res.fail(ProblemParsing, "Unsupported presentation", "enveloped presentations are not supported; send a JSON-LD presentation")
		return res.finish()
	}
	p, err := vc.Parse(raw)
	if err != nil {
		res.ran(CheckDataModel)
		res.fail(ProblemParsing, "Invalid presentation", err.Error())
		return res.finish()
	}

	res.ran(CheckDataModel)
	for _, fp := range presentationProblems(p) {
		res.fail(ProblemMalformedValue, "Invalid presentation", fp.Path+" "+fp.Detail)
	}
	if err := h.opts.processor().Check(ctx, p.Document()); err != nil {
		res.fail(ProblemMalformedValue, "Invalid presentation", err.Error())
	}

	res.ran(CheckProof)
	holder := ""
	switch x := m["holder"].(type) {
	case string:
		holder = x
	case map[string]any:
		holder, _ = x["id"].(string)
	}
	if len(p.Proofs()) == 0 {
		if challenge != "" || domain != "" {
			res.fail(ProblemCryptographic, "Missing proof", "a challenge or domain was given but the presentation has no proof")
		} else {
			res.warn(ProblemCryptographic, "Unsigned presentation", "the presentation has no proof: nothing binds it to a holder; only its credentials were verified")
		}
	} else {
		pv := *h.pv
		pv.Purpose = proof.PurposeAuthentication
		pv.Challenge, pv.Domain = challenge, domain
		pv.InsecureSkipIssuerBinding = true // bound to the holder by VerifyHolderProof
		hp := presentation.VerifyHolderProof(ctx, &presentation.Presentation{Doc: p, Holder: holder}, &pv)
		var hpe *presentation.HolderProofError
		switch {
		case errors.As(hp.Err, &hpe):
			res.fail(ProblemCryptographic, "Invalid proof", proofDetail(hp.Proofs, hpe.Err))
		case hp.Err != nil:
			res.fail(ProblemCryptographic, "Invalid proof", hp.Err.Error())
		}
		if hp.Err != nil {
			// The presentation fails already: its credentials are still
			// checked for what they say, without any fetch.
			ctx = budget.With(ctx, budget.From(ctx).WithoutFetches("the presentation's holder proof did not verify"))
		}
	}

	// Each credential, from its own bytes.
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err == nil {
		if rawVC, has := members["verifiableCredential"]; has {
			var raws []json.RawMessage
			vals, isArr := m["verifiableCredential"].([]any)
			if isArr {
				if err := json.Unmarshal(rawVC, &raws); err != nil {
					res.fail(ProblemParsing, "Invalid presentation", err.Error())
				}
			} else {
				raws, vals = []json.RawMessage{rawVC}, []any{m["verifiableCredential"]}
			}
			for i := range min(len(raws), len(vals)) {
				cm, ok := vals[i].(map[string]any)
				if !ok {
					res.fail(ProblemMalformedValue, "Invalid presentation", fmt.Sprintf("$.verifiableCredential[%d] must be an object", i))
					continue
				}
				cr := h.verifyCredential(ctx, raws[i], cm, withStatus)
				res.CredentialResults = append(res.CredentialResults, cr)
				for _, c := range cr.Checks {
					res.ran(c)
				}
				for _, e := range cr.Errors {
					e.Detail = fmt.Sprintf("verifiableCredential[%d]: %s", i, e.Detail)
					res.Errors = append(res.Errors, e)
				}
			}
		}
	}
	return res.finish()
}

// presentationProblems checks the structural rules of a VC 2.0
// presentation (the rules shared with package presentation).
func presentationProblems(p *vc.Credential) []FieldProblem {
	var ps []FieldProblem
	for _, pr := range presentation.StructureProblems(p) {
		ps = append(ps, FieldProblem{Path: pr.Path, Detail: pr.Detail})
	}
	return ps
}
