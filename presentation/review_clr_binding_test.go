package presentation_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/presentation"
	"github.com/openbadges-go/openbadges/proof"
)

// Regression (adversarial review of the kernel): holder binding laundered through a self-issued CLR. The victim's
// badge names her only by a (hashed) e-mail identifier, so on its own it
// cannot be bound to any holder (ErrSubjectNotBindable). The attacker
// issues, with their own did:key, a CLR whose subject id is the
// attacker's DID and whose identifier is a byte copy of the victim's
// identity object, puts the victim's badge in it and presents it. The
// presentation binds the CLR (subject id == holder), the CLR binds the
// badge (same hash and salt): the attacker is accepted as the badge's
// recipient.
func TestARecordCannotBindAnotherPersonsBadgeToTheHolder(t *testing.T) {
	ctx := context.Background()
	uni := newParty(t, 1, badge.DataIntegrity)
	attacker := newParty(t, 66, badge.DataIntegrity)
	victimBadge := issueTo(t, uni, badge.RecipientEmail("victim@example.org"), "https://example.edu/a/1")

	// Alone, the victim's badge cannot be presented by the attacker.
	vp0, err := presentation.Sign(ctx, attacker.pk, [][]byte{victimBadge}, signOpts())
	require.NoError(t, err)
	bv, err := badge.NewVerifier(badge.VerifierOptions{Now: fixedNow})
	require.NoError(t, err)
	opts := options(t, bv.WithKinds(clr.Kind(nil))) // as cmd verify-presentation does
	_, err = presentation.VerifyPresentation(ctx, vp0, opts)
	require.Error(t, err)

	var doc struct {
		CredentialSubject struct {
			Identifier json.RawMessage `json:"identifier"`
		} `json:"credentialSubject"`
	}
	require.NoError(t, json.Unmarshal(victimBadge, &doc))
	var ids []badge.IdentityObject
	if err := json.Unmarshal(doc.CredentialSubject.Identifier, &ids); err != nil {
		var one badge.IdentityObject
		require.NoError(t, json.Unmarshal(doc.CredentialSubject.Identifier, &one))
		ids = []badge.IdentityObject{one}
	}

	rec, err := clr.New(badge.NewProfile(attacker.key.Controller, "Attacker"), attacker.key.Controller, &clr.Options{Now: fixedNow})
	require.NoError(t, err)
	rec.CredentialSubject.Identifier = badge.Many(ids...)
	require.NoError(t, rec.AddCredential(victimBadge))
	ci := &clr.Issuer{Key: proof.Key{Signer: attacker.key.Signer, VerificationMethod: attacker.key.ID}, Now: fixedNow}
	signedCLR, err := ci.Issue(ctx, rec)
	require.NoError(t, err)

	vp, err := presentation.Sign(ctx, attacker.pk, [][]byte{signedCLR.Bytes()}, signOpts())
	require.NoError(t, err)
	res, err := presentation.VerifyPresentation(ctx, vp, opts)
	for _, c := range res.Checks {
		t.Logf("%s %s %v %s", c.ID, c.Status, c.Err, c.Detail)
	}
	for _, n := range res.Nested {
		for _, nn := range n.Result.Nested {
			t.Logf("  nested-in-CLR %s verified=%v bound=%v", nn.Path, nn.Result.Verified, nn.Bound)
		}
	}
	require.Error(t, err, "the attacker presented the victim's badge as their own through a self-issued CLR")
}
