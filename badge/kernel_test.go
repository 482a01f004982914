package badge_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/vc"
)

// The kernel recognises the family by the type, runs that family's checks
// in order, and says which family it saw.
func TestKernelReportsTheFamilyItVerified(t *testing.T) {
	ctx := context.Background()
	iss := testIssuer(t, badge.DataIntegrity)
	s, err := iss.Issue(ctx, testCredential(t, iss))
	require.NoError(t, err)
	v, err := badge.NewVerifier(badge.VerifierOptions{Now: fixedNow})
	require.NoError(t, err)

	res, err := v.Verify(ctx, s.JSON)
	require.NoError(t, err)
	assert.Equal(t, badge.FamilyOpenBadge, res.Family)
	assert.IsType(t, &badge.AchievementCredential{}, res.View)
	var ids []badge.CheckID
	for _, c := range res.Checks {
		ids = append(ids, c.ID)
	}
	assert.Equal(t, []badge.CheckID{badge.CheckParse, badge.CheckContext, badge.CheckType, badge.CheckSchema, badge.CheckSubject,
		badge.CheckProof, badge.CheckIssuer, badge.CheckRefresh, badge.CheckValidity, badge.CheckRelatedResource, badge.CheckCredentialStatus,
		badge.CheckEndorsements, badge.CheckRecipient}, ids)

	// Restricted to another family, the same credential fails its type
	// check: a caller that asks for endorsements gets no badge.
	res, err = v.VerifyWith(ctx, s.JSON, &badge.VerifyOptions{Families: []badge.Family{badge.FamilyEndorsement}})
	require.Error(t, err)
	assert.Equal(t, badge.FamilyEndorsement, res.Family)
	assert.Equal(t, badge.Failed, res.Check(badge.CheckType).Status)
	assert.ErrorIs(t, err, badge.ErrType)
}

// A family of the caller's own runs on the same kernel: its checks after
// parse, in order, with the shared steps it picks, and a Stop ends the run.
func TestKernelRunsAFamilyOfTheCallersOwn(t *testing.T) {
	ctx := context.Background()
	iss := testIssuer(t, badge.DataIntegrity)
	s, err := iss.Issue(ctx, testCredential(t, iss))
	require.NoError(t, err)
	errMine := errors.New("mine: refused")
	mine := badge.Kind{
		Family: "MyCredential",
		Match:  func(c *vc.Credential) bool { return c.HasType("OpenBadgeCredential") },
		Steps: []badge.Step{
			badge.ProofStep,
			badge.IssuerBindingStep,
			{ID: "mine", Check: func(_ context.Context, r *badge.Run) badge.Check {
				r.Stop()
				return badge.Check{Status: badge.Failed, Err: errMine}
			}},
			badge.ValidityStep,
		},
	}
	v, err := badge.NewVerifier(badge.VerifierOptions{Now: fixedNow, Kinds: []badge.Kind{mine}})
	require.NoError(t, err)
	res, err := v.Verify(ctx, s.JSON)
	require.Error(t, err)
	assert.ErrorIs(t, err, errMine)
	assert.Equal(t, badge.Family("MyCredential"), res.Family)
	assert.Equal(t, badge.Passed, res.Check(badge.CheckProof).Status)
	assert.Equal(t, badge.Passed, res.Check(badge.CheckIssuer).Status)
	assert.Nil(t, res.Check(badge.CheckValidity), "Stop ends the run")

	_, err = badge.NewVerifier(badge.VerifierOptions{Kinds: []badge.Kind{{Family: "Empty"}}})
	assert.ErrorIs(t, err, badge.ErrConflictingOptions, "a kind without Match or Steps is refused")
}
