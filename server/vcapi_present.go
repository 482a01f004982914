package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/internal/budget"
	"github.com/openbadges-go/openbadges/presentation"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
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
