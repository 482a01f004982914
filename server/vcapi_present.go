package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/presentation"
)

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

func (h *verifyHandler) verifyPresentation(ctx context.Context, raw []byte, _ map[string]any, challenge, domain string, withStatus bool) *VerificationResult {
	kr, _ := h.verifier(withStatus).VerifyWith(ctx, raw, &badge.VerifyOptions{
		Challenge: challenge, Domain: domain, Families: []badge.Family{badge.FamilyPresentation}})
	return presentationResult(kr)
}

// presentationResult maps the kernel's result for a presentation to the
// VC-API's: the presentation's own problems, then each credential's
// (in CredentialResults, and in Errors with its index).
func presentationResult(k *badge.VerificationResult) *VerificationResult {
	res := &VerificationResult{}
	for _, c := range k.Checks {
		budgetSpent := c.Status == badge.Failed && (c.ID == badge.CheckBudget || errors.Is(c.Err, badge.ErrBudgetExceeded))
		switch {
		case budgetSpent && c.ID != presentation.CheckCredentials:
			res.fail(ProblemParsing, "Verification budget exceeded", errText(c))
		case c.ID == badge.CheckParse || c.ID == presentation.CheckStructure:
			res.ran(CheckDataModel)
			if c.Status != badge.Failed {
				continue
			}
			switch {
			case c.ID == badge.CheckParse:
				res.fail(ProblemParsing, "Invalid presentation", errText(c))
			case errors.Is(c.Err, presentation.ErrEnvelope):
				res.fail(ProblemParsing, "Invalid enveloped presentation", errText(c))
			case errors.Is(c.Err, presentation.ErrJWT):
				res.fail(ProblemParsing, "Invalid presentation JWT", errText(c))
			default:
				res.fail(ProblemMalformedValue, "Invalid presentation", errText(c))
			}
		case c.ID == presentation.CheckHolderProof:
			res.ran(CheckProof)
			var hpe *presentation.HolderProofError
			switch {
			case c.Status == badge.Warning && errors.Is(c.Err, presentation.ErrNoProof):
				res.warn(ProblemCryptographic, "Unsigned presentation", "the presentation has no proof: nothing binds it to a holder; only its credentials were verified")
			case c.Status == badge.Warning:
				res.warn(ProblemCryptographic, "Holder proof", errText(c))
			case c.Status != badge.Failed:
			case errors.Is(c.Err, presentation.ErrNoProof):
				res.fail(ProblemCryptographic, "Missing proof", "a challenge or domain was given but the presentation has no proof")
			case errors.As(c.Err, &hpe):
				res.fail(ProblemCryptographic, "Invalid proof", proofDetail(k.Proofs, hpe.Err))
			default:
				res.fail(ProblemCryptographic, "Invalid proof", errText(c))
			}
		case c.ID == presentation.CheckChallenge || c.ID == presentation.CheckDomain:
			res.ran(CheckProof)
			if c.Status == badge.Failed {
				res.fail(ProblemCryptographic, "Invalid proof", errText(c))
			}
		case c.ID == presentation.CheckCredentials:
			errs := 0
			for _, n := range k.Nested {
				cr := credentialResult(n.Result)
				res.CredentialResults = append(res.CredentialResults, cr)
				for _, ch := range cr.Checks {
					res.ran(ch)
				}
				for _, e := range cr.Errors {
					e.Detail = fmt.Sprintf("verifiableCredential[%d]: %s", n.Index, e.Detail)
					res.Errors = append(res.Errors, e)
					errs++
				}
			}
			if c.Status == badge.Failed && errs == 0 {
				typ, title := ProblemMalformedValue, "Invalid presentation"
				if budgetSpent {
					typ, title = ProblemParsing, "Verification budget exceeded"
				}
				res.fail(typ, title, errText(c))
			}
		case c.Status == badge.Failed:
			res.fail(ProblemMalformedValue, "Invalid presentation", errText(c))
		case c.Status == badge.Warning:
			res.warn(ProblemMalformedValue, "Presentation", errText(c))
		}
	}
	return res.finish()
}
