package badge

import (
	"context"
	"fmt"
	"strings"

	"github.com/openbadges-go/openbadges/vc"
)

// ContextStep is the context check of a family whose @context list must
// follow rule (the VC context first, the family's second): then JSON-LD
// safe mode and the strict compact form over what is signed (the document
// without its proofs: each proof is checked by its own suite, and a proof
// of an unknown type is a warning of the proof check, not a context
// failure).
func ContextStep(rule func(contexts []string) error) Step {
	return Step{ID: CheckContext, Check: func(ctx context.Context, r *Run) Check {
		c := r.Credential
		if err := rule(c.Contexts()); err != nil {
			return Check{Status: Failed, Err: err}
		}
		// The document without its proofs, converted to RDF once: the
		// proof check canonicalizes the same conversion.
		if err := r.Verifier.proc.CheckUnsecured(ctx, c); err != nil {
			return Check{Status: Failed, Err: err}
		}
		return Check{Status: Passed, Detail: strings.Join(c.Contexts(), ", ")}
	}}
}

// CheckVCContext checks that the first context is the VC 2.0 (or 1.1)
// context.
func CheckVCContext(ctxs []string) error {
	if len(ctxs) == 0 {
		return fmt.Errorf("%w: no context URLs", ErrContext)
	}
	if ctxs[0] != vc.ContextV2 && ctxs[0] != vc.ContextV1 {
		return fmt.Errorf("%w: the first context must be %s, not %q", ErrContext, vc.ContextV2, ctxs[0])
	}
	return nil
}

// checkOBContexts applies the Open Badges @context rules: the VC context
// first, then an Open Badges (or CLR) context.
func checkOBContexts(ctxs []string) error {
	if err := CheckVCContext(ctxs); err != nil {
		return err
	}
	if len(ctxs) < 2 || !isOBContext(ctxs[1]) {
		return fmt.Errorf("%w: the second context must be an Open Badges 3.0 context (https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json)", ErrContext)
	}
	return nil
}

func isOBContext(u string) bool {
	return strings.HasPrefix(u, "https://purl.imsglobal.org/spec/ob/v3p0/context") ||
		strings.HasPrefix(u, "https://purl.imsglobal.org/spec/clr/v2p0/context")
}
