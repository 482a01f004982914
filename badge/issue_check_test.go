package badge_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
)

// TestCheckJSONReportsWhatIssueJSONWould: CheckJSON signs nothing, passes
// what IssueJSON signs, and refuses what it refuses with the same
// problems.
func TestCheckJSONReportsWhatIssueJSONWould(t *testing.T) {
	ctx := context.Background()
	iss := testIssuer(t, badge.DataIntegrity)
	good, err := json.Marshal(testCredential(t, iss))
	require.NoError(t, err)
	require.NoError(t, iss.CheckJSON(ctx, good))

	var m map[string]any
	require.NoError(t, json.Unmarshal(good, &m))
	delete(m["credentialSubject"].(map[string]any)["achievement"].(map[string]any), "criteria")
	m["issuer"].(map[string]any)["id"] = "did:example:someone-else"
	bad, err := json.Marshal(m)
	require.NoError(t, err)
	checkErr := iss.CheckJSON(ctx, bad)
	_, issueErr := iss.IssueJSON(ctx, bad)
	var ce, ie *badge.IssueError
	require.True(t, errors.As(checkErr, &ce), "%v", checkErr)
	require.True(t, errors.As(issueErr, &ie), "%v", issueErr)
	assert.Equal(t, ie.Fields(), ce.Fields())
	assert.Len(t, ce.Fields(), 2)
}
