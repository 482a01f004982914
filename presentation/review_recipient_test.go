package presentation_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/presentation"
)

// Regression (adversarial review of the kernel): the presentation family has no recipient step, and Nested drops the
// per-call options: VerifyOptions.Recipient is silently ignored (no check
// at all, not even "skipped") when the input is a presentation.
func TestRecipientOfAPresentationIsCheckedOnEveryCredential(t *testing.T) {
	ctx := context.Background()
	holder := newParty(t, 9, badge.DataIntegrity)
	uni := newParty(t, 1, badge.DataIntegrity)
	cred := issueTo(t, uni, badge.RecipientDID(holder.key.Controller), "https://example.edu/a/1")
	vp, err := presentation.Sign(ctx, holder.pk, [][]byte{cred}, signOpts())
	require.NoError(t, err)
	bv, err := badge.NewVerifier(badge.VerifierOptions{Now: fixedNow})
	require.NoError(t, err)
	v := bv.WithKinds(presentation.Kind(presentation.Options{Challenge: testChallenge, Domain: testDomain}))
	// Sanity: the same recipient fails on the credential itself.
	_, err = v.VerifyWith(ctx, cred, &badge.VerifyOptions{Recipient: &badge.ExpectedRecipient{Type: "id", Value: "did:example:someone-else"}})
	require.Error(t, err)
	res, err := v.VerifyWith(ctx, vp, &badge.VerifyOptions{Recipient: &badge.ExpectedRecipient{Type: "id", Value: "did:example:someone-else"}})
	for _, c := range res.Checks {
		t.Logf("%s %s %v", c.ID, c.Status, c.Err)
	}
	require.Error(t, err, "Recipient ignored for a presentation")
}
