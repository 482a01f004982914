package clr_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
)

// TestCheckIssuableJSONSeesAnEscapedType pins a review finding, now fixed. What it found:
// a record whose type is written with
// a JSON escape ("Clr\u0043redential") is still a ClrCredential to every
// JSON reader (and to the CLR verifier), but CheckIssuableJSON (IsRecord's
// byte search) calls it "not a record" and skips every CLR check, so
// badge.Issuer.IssueJSON (openbadges issue) signs a record holding someone
// else's credential.
func TestCheckIssuableJSONSeesAnEscapedType(t *testing.T) {
	ctx := context.Background()
	uni := newParty(t, 1, "Example University", badge.DataIntegrity)
	rec, err := clr.New(uni.profile, learnerDID, &clr.Options{Now: fixedNow})
	require.NoError(t, err)
	require.NoError(t, rec.AddCredential(issueBadgeAbout(t, uni, "did:example:someone-else").Bytes()))
	plain, err := json.Marshal(rec)
	require.NoError(t, err)
	require.Error(t, clr.CheckIssuableJSON(plain), "the plain record is refused")

	escaped := bytes.ReplaceAll(plain, []byte(`"ClrCredential"`), []byte(`"Clr\u0043redential"`))
	require.NotEqual(t, plain, escaped)
	assert.Error(t, clr.CheckIssuableJSON(escaped), "the same record, type escaped, must be refused too")

	// What openbadges issue does when recordProblems is empty: IssueJSON.
	s, err := uni.issuer.IssueJSON(ctx, escaped)
	if err == nil {
		res, verr := verifier(t, clr.VerifierOptions{}).Verify(ctx, s.JSON)
		t.Logf("IssueJSON signed it; CLR verification: err=%v verified=%v", verr, res != nil && res.Verified)
	}
}
