package badge

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// ProofStep verifies the Data Integrity proofs, or the VC-JWT signature
// over the exact token given, with the verifier's proof verifier. A proof
// of an unsupported type beside a verified one, and a proof verified only
// under a relaxed rule, are warnings. The issuer binding is the next
// check's ([IssuerBindingStep]).
var ProofStep = Step{ID: CheckProof, Check: func(ctx context.Context, r *Run) Check {
	v, c, res := r.Verifier, r.Credential, r.Result
	var err error
	switch {
	case r.Token != "":
		var pr proof.ProofResult
		var jc *vc.Credential
		// The token's credential was checked by the context check: the
		// JWT check does not convert it to RDF again.
		jc, pr, err = v.proofs.VerifyJWTFor(ctx, r.Token, c)
		res.Proofs = []proof.ProofResult{pr}
		if err == nil && jc != nil && jc.ID() != c.ID() {
			err = fmt.Errorf("%w: the verified token names a different credential", ErrIssuerMismatch)
		}
	case len(c.Proofs()) == 0:
		r.noProof = true
		return Check{Status: Failed, Err: ErrNoProof}
	default:
		res.Proofs, err = v.proofs.VerifyProofs(ctx, c)
	}
	if err != nil {
		r.proofErr = err
		return Check{Status: Failed, Err: err, Detail: proofDetail(res.Proofs)}
	}
	var warns []error
	for _, p := range res.Proofs {
		switch {
		case p.Status == proof.StatusUnsupported:
			warns = append(warns, p.Err)
		case p.Status == proof.StatusVerified && p.Cryptosuite == proof.EdDSA2022:
			warns = append(warns, v.relaxed(OptionEdDSA2022, fmt.Sprintf("proof %d uses the legacy cryptosuite name %s", p.Index, proof.EdDSA2022), nil))
		case p.Status == proof.StatusVerified && p.Cryptosuite == proof.Ed25519Signature2018:
			warns = append(warns, v.relaxed(OptionEd25519Signature2018, fmt.Sprintf("proof %d uses the legacy suite %s (a detached JWS)", p.Index, proof.Ed25519Signature2018), nil))
		}
	}
	if len(warns) > 0 {
		return Check{Status: Warning, Err: errors.Join(warns...), Detail: proofDetail(res.Proofs)}
	}
	return Check{Status: Passed, Detail: proofDetail(res.Proofs)}
}}

func proofDetail(ps []proof.ProofResult) string {
	var parts []string
	for _, p := range ps {
		name := p.Cryptosuite
		if name == "" {
			name = p.Type
		}
		if d := p.Disclosure; d != nil && !d.Base {
			// A selective disclosure: say how much of it the holder showed.
			parts = append(parts, fmt.Sprintf("%s %s (derived: %d mandatory and %d selectively disclosed statements)", name, p.Status, d.Mandatory, d.Selective))
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %s", name, p.Status))
	}
	return strings.Join(parts, "; ")
}
