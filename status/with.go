package status

import (
	"context"

	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// CheckWith checks one entry with sc, handing it pv when sc takes a proof
// verifier (a *Checker does: [Checker.CheckStatusWith]), so that a status
// list is verified with the same key resolution, clock and allow-lists as
// the credential that led to it. Any other [vc.StatusChecker] is called as
// it is. The badge and CLR pipelines and the server use it.
func CheckWith(ctx context.Context, sc vc.StatusChecker, c *vc.Credential, entry map[string]any, pv *proof.Verifier) (*vc.StatusResult, error) {
	if w, ok := sc.(interface {
		CheckStatusWith(context.Context, *vc.Credential, map[string]any, *proof.Verifier) (*vc.StatusResult, error)
	}); ok {
		return w.CheckStatusWith(ctx, c, entry, pv)
	}
	return sc.CheckStatus(ctx, c, entry)
}
