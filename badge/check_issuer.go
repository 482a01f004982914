package badge

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// IssuerBindingStep is the one issuer-binding rule: the controller of
// every verified proof's key is the issuer, exactly (and the issuer is
// trusted, when TrustedIssuers is set). Each relaxation that let a key
// through is a warning naming it. Skipped when no proof verified, unless
// the proof failed for a key of another controller.
var IssuerBindingStep = Step{ID: CheckIssuer, Check: func(_ context.Context, r *Run) Check {
	switch {
	case r.noProof:
		return Check{Status: Skipped, Detail: "no proof"}
	case r.proofErr != nil && (errors.Is(r.proofErr, proof.ErrIssuerMismatch) || errors.Is(r.proofErr, ErrIssuerMismatch)):
		return Check{Status: Failed, Err: r.proofErr}
	case r.proofErr != nil:
		return Check{Status: Skipped, Detail: "no proof verified"}
	}
	return asCheck(r.Verifier.checkIssuerBinding(r.Credential, r.Token != "", r.Result.Proofs))
}}

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

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
