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

// IssuerBindingStep is the one issuer-binding rule: at least one verified
// proof is by a key the issuer controls, exactly (and the issuer is
// trusted, when TrustedIssuers is set); every other verified proof is a
// witness's (another party's: a notary, a witness in a proof set or
// chain), named in the detail and never counted as the issuer's. Each
// relaxation that let a key through is a warning naming it. Skipped when
// no proof verified, unless the proof failed for a key of another
// controller.
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

// checkIssuerBinding applies the one issuer-binding rule (proof's: a
// verified proof by a key the issuer controls, [proof.IssuerProof]; the
// other verified proofs are witnesses') and reports each relaxation that
// let a key through.
func (v *Verifier) checkIssuerBinding(c *vc.Credential, jwt bool, proofs []proof.ProofResult) (CheckID, CheckStatus, error, string) {
	issuer := c.Issuer()
	if len(v.o.TrustedIssuers) > 0 && !slices.Contains(v.o.TrustedIssuers, issuer) {
		return CheckIssuer, Failed, fmt.Errorf("%w: %q", ErrUntrustedIssuer, issuer), ""
	}
	var signers, witnesses []string
	var warns []error
	exact := slices.ContainsFunc(proofs, func(p proof.ProofResult) bool { return proof.IssuerProof(p, issuer) })
	// InsecureDIDKeyIssuer lets a did:key sign for an issuer that is not a
	// DID, but only when no proof is the issuer's exactly and one did:key
	// alone could be the issuer's: among several, nothing says which.
	var didKeys []string
	if !exact && v.o.InsecureDIDKeyIssuer && !strings.HasPrefix(issuer, "did:") {
		for _, p := range proofs {
			if p.Status == proof.StatusVerified && strings.HasPrefix(p.Controller, "did:key:") && !slices.Contains(didKeys, p.Controller) {
				didKeys = append(didKeys, p.Controller)
			}
		}
		if len(didKeys) > 1 {
			return CheckIssuer, Failed, fmt.Errorf("%w: no proof by the issuer %q, and %d did:key controllers (%s): none is taken for it",
				ErrIssuerMismatch, issuer, len(didKeys), strings.Join(didKeys, ", ")), ""
		}
	}
	for _, p := range proofs {
		if p.Status != proof.StatusVerified {
			continue
		}
		switch {
		case jwt && p.Controller == "" && v.proofs.InsecureEmbeddedJWK:
			warns = append(warns, v.relaxed(OptionInsecureEmbeddedJWK, "the token's own jwk header key is not bound to the issuer "+issuer, nil))
			signers = append(signers, "-")
			continue
		case p.Controller == issuer && p.Controller != "":
		case len(didKeys) == 1 && p.Controller == didKeys[0]:
			warns = append(warns, v.relaxed(OptionInsecureDIDKeyIssuer, fmt.Sprintf("key controller %q signs for issuer %q, which is not a DID", p.Controller, issuer),
				&proof.IssuerMismatchError{Issuer: issuer, Controller: p.Controller, VerificationMethod: p.VerificationMethod}))
		default:
			witnesses = append(witnesses, fmt.Sprintf("proof %d by %s", p.Index, orDash(p.Controller)))
			continue
		}
		if !slices.Contains(signers, p.Controller) {
			signers = append(signers, p.Controller)
		}
		if v.proofs.InsecureFragmentKeys && isFragmentKey(p.VerificationMethod) {
			warns = append(warns, v.relaxed(OptionInsecureFragmentKeys, fmt.Sprintf("key read from the fragment of %q, its controller taken from the URL, not fetched", p.VerificationMethod), nil))
		}
	}
	if len(signers) == 0 {
		err := fmt.Errorf("%w: no verified proof by a key the issuer %q controls", ErrIssuerMismatch, issuer)
		if len(witnesses) > 0 {
			err = fmt.Errorf("%w (witnesses only: %s)", err, strings.Join(witnesses, "; "))
		}
		return CheckIssuer, Failed, err, ""
	}
	detail := "signed by " + strings.Join(signers, ", ") + " for issuer " + issuer
	if len(witnesses) > 0 {
		detail += "; witnessed by " + strings.Join(witnesses, "; ") + " (not the issuer's)"
	}
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
