package badge

import (
	"bytes"
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// endorsedBadge issues an achievement endorsed by a second issuer (a Data
// Integrity endorsement embedded in the achievement) and returns it.
func endorsedBadge(t *testing.T) []byte { return endorsedBadgeWith(t, nil) }

// endorsedBadgeWith is endorsedBadge with the signed endorsement passed
// through change (nil: unchanged) before the badge embeds and signs it.
func endorsedBadgeWith(t *testing.T, change func([]byte) []byte) []byte {
	t.Helper()
	clock := func() time.Time { return rtNow }
	mk := func(s string) *Issuer {
		seed := sha256.Sum256([]byte(s))
		k, err := did.NewEd25519KeyFromSeed(seed[:])
		require.NoError(t, err)
		return &Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, Now: clock, Rand: &seededRand{}}
	}
	college, board := mk("college"), mk("accreditation board")
	ach := NewAchievement("https://college.example.edu/achievements/welding-1", "Welding I", "Basic welding.", "Passed the bench test.")
	e, err := NewEndorsement(board.Profile("State Accreditation Board"), ach.ID, "Meets the state standard.", &CredentialOptions{Now: clock, Rand: &seededRand{}})
	require.NoError(t, err)
	se, err := board.IssueEndorsement(context.Background(), e)
	require.NoError(t, err)
	if change != nil {
		se.JSON = change(se.JSON)
	}
	require.NoError(t, ach.AddEndorsement(se))
	cred, err := NewCredential(college.Profile("Example College"), ach, RecipientDID("did:example:learner"), &CredentialOptions{Now: clock, Rand: &seededRand{n: 100}})
	require.NoError(t, err)
	s, err := college.Issue(context.Background(), cred)
	require.NoError(t, err)
	return s.JSON
}

func TestEmbeddedEndorsementsAreVerified(t *testing.T) {
	data := endorsedBadge(t)
	res, err := rtVerifier(t).Verify(context.Background(), data)
	require.NoError(t, err, report(res))
	assert.Equal(t, Passed, res.Check(CheckEndorsements).Status)
	require.Len(t, res.Endorsements, 1)
	assert.Equal(t, "$.credentialSubject.achievement.endorsement[0]", res.Endorsements[0].Path)
	assert.True(t, res.Endorsements[0].Result.Verified)
	assert.NotNil(t, res.Endorsements[0].Result.Endorsement)
}

func TestABrokenEndorsementWarnsOrFails(t *testing.T) {
	// The badge's issuer signed over an endorsement whose comment was
	// changed after the endorser signed it: the badge's proof verifies, the
	// endorsement's does not.
	broken := endorsedBadgeWith(t, func(b []byte) []byte {
		return bytes.Replace(b, []byte("Meets the state standard."), []byte("Exceeds the state standard."), 1)
	})
	res, err := rtVerifier(t).Verify(context.Background(), broken)
	require.Error(t, err)
	assert.Equal(t, Passed, res.Check(CheckProof).Status, "the badge's issuer signed what it embeds")
	assert.Equal(t, Failed, res.Check(CheckEndorsements).Status, "OB 3.0 verification includes endorsements")
	require.Len(t, res.Endorsements, 1)
	assert.False(t, res.Endorsements[0].Result.Verified)
	assert.ErrorIs(t, err, ErrEndorsement)

	lenient, err := NewVerifier(VerifierOptions{Now: func() time.Time { return rtNow }, AllowInvalidEndorsements: true})
	require.NoError(t, err)
	res, err = lenient.Verify(context.Background(), broken)
	require.NoError(t, err, report(res))
	assert.Equal(t, Warning, res.Check(CheckEndorsements).Status)
}

func TestEndorsementsOfACredentialWhoseProofFailsAreNotVerified(t *testing.T) {
	// Changing the endorsement inside a signed badge breaks the badge's
	// proof (it covers what it embeds): the endorsements are then not
	// verified at all, so a forged credential cannot make the verifier
	// fetch keys or status lists for them.
	data := endorsedBadge(t)
	tampered := bytes.Replace(data, []byte("Meets the state standard."), []byte("Exceeds the state standard."), 1)
	require.NotEqual(t, data, tampered)
	res, err := rtVerifier(t).Verify(context.Background(), tampered)
	require.Error(t, err)
	assert.Equal(t, Failed, res.Check(CheckProof).Status)
	c := res.Check(CheckEndorsements)
	require.NotNil(t, c)
	assert.Equal(t, Skipped, c.Status)
	assert.Contains(t, c.Detail, "proof")
	assert.Empty(t, res.Endorsements)
}

func TestEndorsementDepthIsBounded(t *testing.T) {
	data := endorsedBadge(t)
	v, err := NewVerifier(VerifierOptions{Now: func() time.Time { return rtNow }, MaxEndorsementDepth: -1})
	require.NoError(t, err)
	res, err := v.Verify(context.Background(), data)
	require.NoError(t, err)
	assert.Equal(t, Skipped, res.Check(CheckEndorsements).Status)

	v, err = NewVerifier(VerifierOptions{Now: func() time.Time { return rtNow }, MaxEndorsementDepth: 1})
	require.NoError(t, err)
	res, err = v.Verify(context.Background(), data)
	require.NoError(t, err)
	assert.Equal(t, Passed, res.Check(CheckEndorsements).Status)
	// At depth 1 the endorsement itself does not recurse further.
	assert.Equal(t, Skipped, res.Endorsements[0].Result.Check(CheckEndorsements).Status)
}
