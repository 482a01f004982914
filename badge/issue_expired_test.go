package badge_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/vc"
)

// TestIssuerRefusesAnAlreadyExpiredCredential: every verifier would refuse
// it, so the Issuer does (by its own clock); AllowExpired signs it for
// test fixtures.
func TestIssuerRefusesAnAlreadyExpiredCredential(t *testing.T) {
	iss := testIssuer(t, badge.DataIntegrity)
	cred := testCredential(t, iss)
	cred.ValidFrom = badge.NewDateTime(fixedNow().Add(-time.Hour))
	cred.ValidUntil = badge.NewDateTime(fixedNow().Add(-time.Minute))
	_, err := iss.Issue(context.Background(), cred)
	require.Error(t, err)
	assert.ErrorIs(t, err, badge.ErrIssue)
	assert.ErrorIs(t, err, vc.ErrExpired)
	assert.Contains(t, err.Error(), "$.validUntil")

	fixture := *iss
	fixture.AllowExpired = true
	_, err = fixture.Issue(context.Background(), cred)
	require.NoError(t, err)

	cred.ValidUntil = badge.NewDateTime(fixedNow().Add(time.Hour))
	_, err = iss.Issue(context.Background(), cred)
	require.NoError(t, err, "a credential still valid is signed")

	cred.ValidUntil = badge.NewDateTime(fixedNow().Add(-2 * time.Hour))
	_, err = fixture.Issue(context.Background(), cred)
	assert.ErrorIs(t, err, vc.ErrMalformed, "a window that ends before it starts is refused, AllowExpired or not")
}
