package badge_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/status"
)

// TestAddStatusIsOneCall: a status entry from a status.List goes onto a
// credential in one call (no JSON round trip), keeps every member, and the
// issued badge's status check finds it revoked once the list says so.
func TestAddStatusIsOneCall(t *testing.T) {
	ctx := context.Background()
	iss := testIssuer(t, badge.DataIntegrity)
	list, err := status.NewList(status.ListOptions{ID: "https://example.edu/status/1"})
	require.NoError(t, err)
	e, err := list.Entry(42)
	require.NoError(t, err)
	cred := testCredential(t, iss)
	require.NoError(t, cred.AddStatus(e))
	cs, ok := cred.CredentialStatus.First()
	require.True(t, ok)
	assert.Equal(t, status.TypeBitstringEntry, cs.Type)
	assert.Contains(t, string(cs.Extra["statusListIndex"]), "42")
	signed, err := iss.Issue(ctx, cred)
	require.NoError(t, err)

	require.NoError(t, list.Set(42, 1))
	lb, err := list.Sign(ctx, iss.Key, &status.SignOptions{Now: fixedNow})
	require.NoError(t, err)
	later := func() time.Time { return fixedNow().Add(time.Hour) }
	v, err := badge.NewVerifier(badge.VerifierOptions{Now: later,
		Status: &status.Checker{Fetcher: status.StaticFetcher(map[string][]byte{"https://example.edu/status/1": lb}), Now: later}})
	require.NoError(t, err)
	res, err := v.Verify(ctx, signed.JSON)
	require.Error(t, err)
	assert.Equal(t, badge.Failed, res.Check(badge.CheckCredentialStatus).Status)

	// A StatusList2021 entry brings its context along.
	l21, err := status.NewList(status.ListOptions{ID: "https://example.edu/status/2", Format: status.FormatStatusList2021})
	if err == nil {
		e21, err := l21.Entry(1)
		require.NoError(t, err)
		c2 := testCredential(t, iss)
		require.NoError(t, c2.AddStatus(e21))
		found := false
		for _, c := range c2.Context.Values {
			found = found || c.URL == status.ContextStatusList2021
		}
		assert.True(t, found)
	}
}

func ExampleAchievementCredential_AddStatus() {
	list, _ := status.NewList(status.ListOptions{ID: "https://example.edu/status/1"})
	entry, _ := list.Entry(7)
	cred := &badge.AchievementCredential{}
	if err := cred.AddStatus(entry); err != nil {
		fmt.Println(err)
		return
	}
	cs, _ := cred.CredentialStatus.First()
	fmt.Println(cs.Type, string(cs.Extra["statusListIndex"]))
	// Output: BitstringStatusListEntry "7"
}
