package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/presentation"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

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

// verifyHandler serves the VC-API verify endpoints through the
// verification kernel: the generic W3C credential family (badge.VCKind)
// and the presentation family with the VC-API's semantics. Its verifiers
// are built once, so that status lists they verified stay cached for the
// next request.
type verifyHandler struct {
	opts *Options
	// full has the VC family with its status check, noStatus without
	// (options.checks leaves status out); both have the presentation
	// family.
	full, noStatus *badge.Verifier
}

// maxVCAPICredentials bounds the credentials of a presentation at the
// VC-API; the request's budget bounds how many are verified.
const maxVCAPICredentials = 10000

func newVerifyHandler(o *Options) (*verifyHandler, error) {
	vo := badge.VerifierOptions{MaxInputBytes: o.maxBody()}
	if o != nil {
		vo.Proofs, vo.Status, vo.Processor, vo.Now, vo.ClockSkew = o.Proofs, o.Status, o.Processor, o.Now, o.ClockSkew
	}
	base, err := badge.NewVerifier(vo)
	if err != nil {
		return nil, err
	}
	full := badge.VCKind()
	noStatus := full
	noStatus.Steps = slices.DeleteFunc(slices.Clone(full.Steps), func(s badge.Step) bool { return s.ID == badge.CheckCredentialStatus })
	// VC-API presentations: a proof is needed only when a challenge or a
	// domain is asked for (an unsigned one verifies with a warning), the
	// holder is not compared with the credentials' subjects, and the
	// credentials are generic W3C credentials.
	vp := presentation.Kind(presentation.Options{
		AllowUnsigned: true, InsecureSkipHolderBinding: true, InsecureSkipChallenge: true, InsecureSkipDomain: true,
		CredentialFamilies: []badge.Family{badge.FamilyVC},
		Limits:             presentation.Limits{MaxInputBytes: o.maxBody(), MaxCredentials: maxVCAPICredentials},
	})
	return &verifyHandler{opts: o, full: base.WithKinds(full, vp), noStatus: base.WithKinds(noStatus, vp)}, nil
}

func (h *verifyHandler) verifier(withStatus bool) *badge.Verifier {
	if withStatus {
		return h.full
	}
	return h.noStatus
}

// NewVerifyCredentialHandler returns the VC-API credential verification
// endpoint (POST /credentials/verify). The request is
// {"verifiableCredential": {...}, "options": {"checks": [...]}}; the
// credential is a JSON-LD credential with Data Integrity proofs or an
// EnvelopedVerifiableCredential holding a VC-JWT in a data: URL (the
// envelope must have the VC 2.0 context first, the type
// EnvelopedVerifiableCredential and a VC-JWT media type).
//
// It verifies the credential through the kernel as a generic W3C
// credential (badge.VCKind): the context (JSON-LD safe mode, the strict
// compact form), the proofs (at least one, each of an allowed suite) and
// their issuer binding, the VC data model 2.0 rules, the validity window
// and, when options.checks is absent or lists "status", every
// credentialStatus entry through Options.Status. The answer is a
// [VerificationResult]: 200 when verified, 422 otherwise; a malformed
// request gets a 400 problem.
func NewVerifyCredentialHandler(o *Options) (http.Handler, error) {
	h, err := newVerifyHandler(o)
	if err != nil {
		return nil, err
	}
	return guard(o, h.serveCredential), nil
}

// NewVerifyPresentationHandler returns the VC-API presentation
// verification endpoint (POST /presentations/verify). The request is
// {"verifiablePresentation": {...}, "options": {"challenge", "domain",
// "checks"}}; the presentation is a JSON-LD presentation or an
// EnvelopedVerifiablePresentation holding a presentation JWT
// (VC-JOSE-COSE, typ vp+jwt) in a data: URL. It is verified through the
// kernel's presentation family: a Data Integrity proof for the
// authentication purpose with the given challenge and domain, or the
// JWT's signature with the key its kid names and its nonce and aud, made
// by the holder's key; a presentation without a proof is accepted only
// when no challenge or domain is asked for (with a warning). Every
// credential in it is verified as by [NewVerifyCredentialHandler].
func NewVerifyPresentationHandler(o *Options) (http.Handler, error) {
	h, err := newVerifyHandler(o)
	if err != nil {
		return nil, err
	}
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
	m, ok := v.(map[string]any)
	if !ok {
		return badRequest("verifiableCredential must be a JSON object")
	}
	// One budget for the request (fetches, bytes, time, credentials), as
	// for every verification of the module.
	ctx, cancel := badge.WithBudget(r.Context(), badge.Budget{})
	defer cancel()
	res := h.verifyCredential(ctx, req.raw["verifiableCredential"], m, withStatus)
	if err := r.Context().Err(); err != nil {
		return err
	}
	writeResult(w, res)
	return nil
}

// verifyCredential verifies one credential given as its raw bytes and its
// strict parse, through the kernel as the VC family.
func (h *verifyHandler) verifyCredential(ctx context.Context, raw []byte, m map[string]any, withStatus bool) *VerificationResult {
	data := raw
	if hasType(m["type"], presentation.TypeEnvelopedVerifiableCredential) {
		token, err := presentation.EnvelopedToken(m)
		if err != nil {
			res := &VerificationResult{}
			res.ran(CheckProof)
			res.fail(ProblemParsing, "Invalid enveloped credential", err.Error())
			return res.finish()
		}
		data = []byte(token)
	}
	kr, _ := h.verifier(withStatus).VerifyWith(ctx, data, &badge.VerifyOptions{Families: []badge.Family{badge.FamilyVC}})
	return credentialResult(kr)
}

// credentialChecks are the kernel's checks of the VC family in the order
// their problems are listed (proof problems first, as the VC-API's
// clients read them).
var credentialChecks = []badge.CheckID{badge.CheckParse, badge.CheckBudget, badge.CheckProof, badge.CheckIssuer,
	badge.CheckContext, badge.CheckType, badge.CheckValidity, badge.CheckCredentialStatus}

// credentialResult maps the kernel's result for a credential to the
// VC-API's: its checks (proof, dataModel, validity, status) and each
// problem with the problem type of VC Data Model 2.0 §7.1.
func credentialResult(k *badge.VerificationResult) *VerificationResult {
	res := &VerificationResult{}
	res.ran(CheckProof)
	for _, id := range credentialChecks {
		for _, c := range k.Checks {
			if c.ID == id {
				mapCredentialCheck(res, k, c)
			}
		}
	}
	for _, c := range k.Checks {
		if c.Status == badge.Failed && !slices.Contains(credentialChecks, c.ID) {
			res.fail(ProblemMalformedValue, "Invalid credential", errText(c))
		}
	}
	return res.finish()
}

func mapCredentialCheck(res *VerificationResult, k *badge.VerificationResult, c badge.Check) {
	budget := c.Err != nil && errors.Is(c.Err, badge.ErrBudgetExceeded)
	switch {
	case c.Status == badge.Failed && (budget || c.ID == badge.CheckBudget):
		res.fail(ProblemParsing, "Verification budget exceeded", errText(c))
		return
	}
	switch c.ID {
	case badge.CheckParse:
		if c.Status == badge.Failed {
			res.fail(ProblemParsing, "Invalid credential", errText(c))
		}
	case badge.CheckProof:
		switch c.Status {
		case badge.Failed:
			if errors.Is(c.Err, badge.ErrNoProof) {
				res.fail(ProblemCryptographic, "Missing proof", "the credential has no proof")
				return
			}
			res.fail(ProblemCryptographic, "Invalid proof", proofDetail(k.Proofs, c.Err))
		case badge.Warning:
			n := 0
			for _, pr := range k.Proofs {
				if pr.Status != proof.StatusVerified && pr.Err != nil {
					res.warn(ProblemCryptographic, "Proof not used", fmt.Sprintf("proof %d: %v", pr.Index, pr.Err))
					n++
				}
			}
			if n == 0 {
				res.warn(ProblemCryptographic, "Proof", errText(c))
			}
		}
	case badge.CheckIssuer:
		switch c.Status {
		case badge.Failed:
			res.fail(ProblemCryptographic, "Invalid proof", errText(c))
		case badge.Warning:
			res.warn(ProblemCryptographic, "Issuer binding", errText(c))
		}
	case badge.CheckContext, badge.CheckType:
		res.ran(CheckDataModel)
		if c.Status != badge.Failed {
			return
		}
		var dme *vc.DataModelError
		var sme *vc.SafeModeError
		switch {
		case errors.As(c.Err, &dme):
			for _, p := range dme.Problems {
				res.fail(ProblemMalformedValue, "Invalid credential", p.Path+" "+p.Reason)
			}
		case errors.As(c.Err, &sme):
			for _, p := range sme.Problems {
				res.fail(ProblemMalformedValue, "Invalid credential", p.Path+" "+p.Reason)
			}
		default:
			res.fail(ProblemMalformedValue, "Invalid credential", errText(c))
		}
	case badge.CheckValidity:
		res.ran(CheckValidity)
		if c.Status == badge.Failed {
			res.fail(ProblemRange, "Outside the validity period", errText(c))
		}
	case badge.CheckRelatedResource:
		switch c.Status {
		case badge.Failed:
			res.fail(ProblemMalformedValue, "Invalid related resource", errText(c))
		case badge.Warning:
			res.warn(ProblemMalformedValue, "Related resource not checked", errText(c))
		}
	case badge.CheckCredentialStatus:
		if k.Credential == nil {
			return
		}
		if _, has := k.Credential.Document()["credentialStatus"]; !has {
			return
		}
		res.ran(CheckStatus)
		switch c.Status {
		case badge.Failed:
			if errors.Is(c.Err, badge.ErrStatusNotChecked) {
				res.fail(ProblemStatus, "Status not checked", "the credential has a credentialStatus and this verifier has no status checker")
				return
			}
			res.fail(ProblemStatus, "Status check failed", errText(c))
		case badge.Skipped:
			// Nothing is fetched for a credential whose proof did not
			// verify (it fails already).
			res.fail(ProblemStatus, "Status not checked", "the credential's proof did not verify, so its status lists were not fetched")
		case badge.Warning:
			res.warn(ProblemStatus, "Status", errText(c))
		}
	}
}

// errText is a check's error, or its detail.
func errText(c badge.Check) string {
	if c.Err != nil {
		return c.Err.Error()
	}
	return c.Detail
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
