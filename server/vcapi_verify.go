package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/internal/budget"
	"github.com/openbadges-go/openbadges/presentation"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
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
