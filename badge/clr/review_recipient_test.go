package clr_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/presentation"
)

// Regression (adversarial review of the kernel): VerifyOptions.Recipient on a CLR (openbadges verify --recipient now
// accepts CLRs; before 07ba2e9 it refused) checks only the self-asserted
// record subject. A victim's badge (hashed e-mail) in a CLR that the
// attacker issued about themselves with a copy of the victim's identity
// object verifies for --recipient id:<attacker>.
func TestRecipientOfARecordIsCheckedOnEveryCredentialItHolds(t *testing.T) {
	ctx := context.Background()
	uni := newParty(t, 1, "Example University", badge.DataIntegrity)
	att := newParty(t, 66, "Mallory", badge.DataIntegrity)
	a := badge.NewAchievement("https://example.edu/a/1", "A", "A badge", "Earn it.")
	c, err := badge.NewCredential(uni.profile, a, badge.RecipientEmail("victim@example.org"), &badge.CredentialOptions{Now: fixedNow})
	require.NoError(t, err)
	vb, err := uni.issuer.Issue(ctx, c)
	require.NoError(t, err)

	var doc struct {
		CredentialSubject struct {
			Identifier []badge.IdentityObject `json:"identifier"`
		} `json:"credentialSubject"`
	}
	require.NoError(t, json.Unmarshal(vb.Bytes(), &doc))
	require.NotEmpty(t, doc.CredentialSubject.Identifier)

	rec, err := clr.New(att.profile, att.key.Controller, &clr.Options{Now: fixedNow})
	require.NoError(t, err)
	rec.CredentialSubject.Identifier = badge.Many(doc.CredentialSubject.Identifier...)
	require.NoError(t, rec.AddCredential(vb.Bytes()))
	s, err := att.clrIssuer(badge.DataIntegrity).Issue(ctx, rec)
	require.NoError(t, err)

	bv, err := badge.NewVerifier(badge.VerifierOptions{Now: fixedNow})
	require.NoError(t, err)
	// As cmd/openbadges verify builds it.
	v := bv.WithKinds(clr.Kind(nil), presentation.Kind(presentation.Options{}))
	res, err := v.VerifyWith(ctx, s.Bytes(), &badge.VerifyOptions{Recipient: &badge.ExpectedRecipient{Type: "id", Value: att.key.Controller}})
	for _, ch := range res.Checks {
		t.Logf("%s %s %v %s", ch.ID, ch.Status, ch.Err, ch.Detail)
	}
	require.Error(t, err, "the victim's badge verified for recipient %s", att.key.Controller)
}

// One error value per failure, whichever credential of the verification
// raised it: a signed record one of whose nested credentials has no proof
// fails with ErrNestedCredential, and errors.Is reaches that credential's
// badge.ErrNoProof (clr.ErrNoProof is the same value); the record's own
// proof is its proof check.
func TestErrNoProofOfANestedCredentialIsReachedThroughTheRecord(t *testing.T) {
	ctx := context.Background()
	rec, uni := buildRecord(t)
	var m map[string]any
	require.NoError(t, json.Unmarshal(rec.CredentialSubject.VerifiableCredential[0], &m))
	delete(m, "proof")
	b, _ := json.Marshal(m)
	rec.CredentialSubject.VerifiableCredential[0] = b
	s, err := uni.clrIssuer(badge.DataIntegrity).Issue(ctx, rec)
	require.NoError(t, err)
	res, err := verifier(t, clr.VerifierOptions{}).Verify(ctx, s.Bytes())
	require.Error(t, err)
	require.Equal(t, badge.Passed, res.Check(badge.CheckProof).Status, "the record itself is signed")
	require.ErrorIs(t, err, clr.ErrNestedCredential)
	require.ErrorIs(t, err, badge.ErrNoProof)
	require.Equal(t, badge.Failed, res.NestedResults()[0].Check(badge.CheckProof).Status)
}
