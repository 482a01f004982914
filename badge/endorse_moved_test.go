package badge

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

// TestAnEndorsementMovedToAnotherDescriptionStillCounts pins a finding of
// the adversarial review: the signed graph says "the achievement is
// endorsed by E" on any JSON object with the achievement's id, so a holder
// could move a failing endorsement from the achievement to its criteria
// (here given the same id, as 1EdTech's complete.json does) without
// breaking the badge's proof. Every endorsement in the document is
// verified, wherever it is written.
func TestAnEndorsementMovedToAnotherDescriptionStillCounts(t *testing.T) {
	clock := func() time.Time { return rtNow }
	mk := func(s string) *Issuer {
		seed := sha256.Sum256([]byte(s))
		k, err := did.NewEd25519KeyFromSeed(seed[:])
		require.NoError(t, err)
		return &Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, Now: clock, Rand: &seededRand{}}
	}
	college, board := mk("college"), mk("accreditation board")
	ach := NewAchievement("https://college.example.edu/achievements/welding-1", "Welding I", "Basic welding.", "Passed the bench test.")
	ach.Criteria.ID = ach.ID
	e, err := NewEndorsement(board.Profile("State Accreditation Board"), ach.ID, "Meets the state standard.", &CredentialOptions{Now: clock, Rand: &seededRand{}})
	require.NoError(t, err)
	se, err := board.IssueEndorsement(context.Background(), e)
	require.NoError(t, err)
	se.JSON = bytes.Replace(se.JSON, []byte("Meets the state standard."), []byte("Exceeds the state standard."), 1)
	require.NoError(t, ach.AddEndorsement(se))
	cred, err := NewCredential(college.Profile("Example College"), ach, RecipientDID("did:example:learner"), &CredentialOptions{Now: clock, Rand: &seededRand{n: 100}})
	require.NoError(t, err)
	s, err := college.Issue(context.Background(), cred)
	require.NoError(t, err)

	res, err := rtVerifier(t).Verify(context.Background(), s.JSON)
	require.Error(t, err, "the original fails on its broken endorsement")
	require.Equal(t, Failed, res.Check(CheckEndorsements).Status)

	var doc map[string]any
	require.NoError(t, json.Unmarshal(s.JSON, &doc))
	a := doc["credentialSubject"].(map[string]any)["achievement"].(map[string]any)
	a["criteria"].(map[string]any)["endorsement"] = a["endorsement"]
	delete(a, "endorsement")
	moved, err := json.Marshal(doc)
	require.NoError(t, err)

	res, err = rtVerifier(t).Verify(context.Background(), moved)
	require.Error(t, err, report(res))
	assert.Equal(t, Passed, res.Check(CheckProof).Status, "the move keeps the signed graph")
	assert.Equal(t, Failed, res.Check(CheckEndorsements).Status)
	require.Len(t, res.Endorsements, 1)
	assert.Equal(t, "$.credentialSubject.achievement.criteria.endorsement[0]", res.Endorsements[0].Path)
}

// TestAnEndorsementOfSomethingElseDoesNotCount pins a finding of the
// second review: a genuine endorsement of another achievement (or issuer),
// embedded where it is not about the object it is attached to, made the
// badge look endorsed. Its subject must be that object.
func TestAnEndorsementOfSomethingElseDoesNotCount(t *testing.T) {
	clock := func() time.Time { return rtNow }
	mk := func(s string) *Issuer {
		seed := sha256.Sum256([]byte(s))
		k, err := did.NewEd25519KeyFromSeed(seed[:])
		require.NoError(t, err)
		return &Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, Now: clock, Rand: &seededRand{}}
	}
	college, board := mk("college"), mk("accreditation board")
	e, err := NewEndorsement(board.Profile("State Accreditation Board"), "https://real-university.example/achievements/welding-1",
		"Meets the state standard.", &CredentialOptions{Now: clock, Rand: &seededRand{}})
	require.NoError(t, err)
	se, err := board.IssueEndorsement(context.Background(), e)
	require.NoError(t, err)
	ach := NewAchievement("https://college.example.edu/achievements/welding-1", "Welding I", "Basic welding.", "Passed the bench test.")
	cred, err := NewCredential(college.Profile("Example College"), ach, RecipientDID("did:example:learner"), &CredentialOptions{Now: clock, Rand: &seededRand{n: 100}})
	require.NoError(t, err)
	// AddEndorsement refuses it; a forger embeds it by hand.
	raw, err := cred.MarshalJSON()
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	var em map[string]any
	require.NoError(t, json.Unmarshal(se.JSON, &em))
	doc["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["endorsement"] = []any{em}
	raw, err = json.Marshal(doc)
	require.NoError(t, err)
	s, err := college.IssueJSON(context.Background(), raw)
	require.NoError(t, err)

	res, err := rtVerifier(t).Verify(context.Background(), s.JSON)
	require.Error(t, err, report(res))
	assert.Equal(t, Failed, res.Check(CheckEndorsements).Status, report(res))
	require.Len(t, res.Endorsements, 1)
	assert.Equal(t, Failed, res.Endorsements[0].Result.Check(CheckSubject).Status, report(res.Endorsements[0].Result))
}
