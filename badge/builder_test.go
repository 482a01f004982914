package badge_test

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

var uuidURN = regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("entropy exhausted") }

func TestRecipients(t *testing.T) {
	tests := []struct {
		name      string
		r         badge.Recipient
		id        string
		idType    badge.IdentifierType
		hashed    bool
		plain     string // identityHash when not hashed
		matches   string // value Matches must accept
		wantError bool
	}{
		{name: "did", r: badge.RecipientDID("did:example:learner"), id: "did:example:learner"},
		{name: "url", r: badge.RecipientDID("https://example.edu/students/42"), id: "https://example.edu/students/42"},
		{name: "hashed email", r: badge.RecipientEmail("Learner@Example.com"), idType: badge.IdentifierTypeEmailAddress, hashed: true, matches: "learner@example.com"},
		{name: "plain email", r: badge.RecipientPlainEmail("learner@example.com"), idType: badge.IdentifierTypeEmailAddress, plain: "learner@example.com", matches: "LEARNER@example.com"},
		{name: "hashed sourcedId", r: badge.RecipientIdentifier(badge.IdentifierTypeSourcedId, "s-123", true), idType: badge.IdentifierTypeSourcedId, hashed: true, matches: "s-123"},
		{name: "plain student id", r: badge.RecipientIdentifier("ext:studentId", "2024-0042", false), idType: "ext:studentId", plain: "2024-0042", matches: "2024-0042"},
		{name: "did and email", r: badge.Recipient{ID: "did:example:x", IdentityType: badge.IdentifierTypeEmailAddress, Identity: "x@example.com", Hashed: true},
			id: "did:example:x", idType: badge.IdentifierTypeEmailAddress, hashed: true, matches: "x@example.com"},
		{name: "no one", r: badge.Recipient{}, wantError: true},
		{name: "blank identity", r: badge.RecipientEmail("  "), wantError: true},
		{name: "identity without type", r: badge.Recipient{Identity: "x"}, wantError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := tt.r.Subject(testRand(1))
			if tt.wantError {
				assert.ErrorIs(t, err, badge.ErrInvalidArgument)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, []string{"AchievementSubject"}, s.Type.Values)
			assert.Equal(t, tt.id, s.ID)
			if tt.idType == "" {
				assert.True(t, s.Identifier.IsZero())
				return
			}
			require.Equal(t, 1, s.Identifier.Len())
			o := s.Identifier.Values[0]
			require.NoError(t, o.Validate())
			assert.Equal(t, tt.idType, o.IdentityType)
			assert.Equal(t, tt.hashed, o.Hashed)
			if tt.hashed {
				assert.True(t, strings.HasPrefix(o.IdentityHash, "sha256$"), o.IdentityHash)
				assert.Len(t, o.Salt, 32)
			} else {
				assert.Equal(t, tt.plain, o.IdentityHash)
				assert.Empty(t, o.Salt)
			}
			ok, err := o.Matches(tt.idType, tt.matches)
			require.NoError(t, err)
			assert.True(t, ok)
			ok, _ = o.Matches(tt.idType, "someone-else")
			assert.False(t, ok)
		})
	}
	// Each hashed identity gets its own salt.
	a, err := badge.RecipientEmail("a@example.com").Subject(nil)
	require.NoError(t, err)
	b, err := badge.RecipientEmail("a@example.com").Subject(nil)
	require.NoError(t, err)
	assert.NotEqual(t, a.Identifier.Values[0].Salt, b.Identifier.Values[0].Salt)
	assert.NotEqual(t, a.Identifier.Values[0].IdentityHash, b.Identifier.Values[0].IdentityHash)

	_, err = badge.RecipientEmail("a@example.com").Subject(failingReader{})
	assert.ErrorContains(t, err, "entropy exhausted")
}

func TestNewCredentialDefaults(t *testing.T) {
	before := time.Now().Truncate(time.Second)
	c, err := badge.NewCredential(badge.NewProfile("did:example:issuer", "Example"), testAchievement(), badge.RecipientDID("did:example:learner"), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{badge.ContextVC2, badge.ContextOB303}, []string{c.Context.Values[0].URL, c.Context.Values[1].URL})
	assert.Equal(t, []string{"VerifiableCredential", "OpenBadgeCredential"}, c.Type.Values)
	assert.Regexp(t, uuidURN, c.ID)
	from, err := c.ValidFrom.Time()
	require.NoError(t, err)
	assert.False(t, from.Before(before))
	assert.Empty(t, c.ValidUntil)
	assert.Equal(t, "Go Programming 101", c.Name)
	assert.Equal(t, "did:example:issuer", c.Issuer.IRI())
	assert.Equal(t, []string{"Profile"}, c.Issuer.Object.Type.Values)
	assert.Equal(t, "did:example:learner", c.CredentialSubject.ID)
	require.NoError(t, c.Validate())

	// Types are added to bare structs; options override the defaults.
	until := issueClock.AddDate(1, 0, 0)
	c, err = badge.NewCredential(badge.Profile{ID: "https://example.edu"},
		badge.Achievement{ID: "urn:uuid:a", Name: "A", Description: "B", Criteria: &badge.Criteria{ID: "https://example.edu/c"}},
		badge.RecipientEmail("x@example.com"),
		&badge.CredentialOptions{ID: "https://example.edu/credentials/1", Name: "Custom", Description: "D",
			ValidFrom: issueClock, ValidUntil: until, Rand: testRand(1)})
	require.NoError(t, err)
	assert.Equal(t, "https://example.edu/credentials/1", c.ID)
	assert.Equal(t, "Custom", c.Name)
	assert.Equal(t, "D", c.Description)
	assert.Equal(t, badge.DateTime("2024-05-01T12:00:00Z"), c.ValidFrom)
	assert.Equal(t, badge.DateTime("2025-05-01T12:00:00Z"), c.ValidUntil)
	assert.Equal(t, []string{"Profile"}, c.Issuer.Object.Type.Values)
	assert.Equal(t, []string{"Achievement"}, c.CredentialSubject.Achievement.Type.Values)
	require.NoError(t, c.Validate())

	// The inputs are copied, not aliased.
	p := badge.NewProfile("did:example:issuer", "Example")
	a := testAchievement()
	c, err = badge.NewCredential(p, a, badge.RecipientDID("did:example:l"), nil)
	require.NoError(t, err)
	c.Issuer.Object.Name = "changed"
	c.CredentialSubject.Achievement.Name = "changed"
	assert.Equal(t, "Example", p.Name)
	assert.Equal(t, "Go Programming 101", a.Name)
}

func TestNewCredentialErrors(t *testing.T) {
	p, a := badge.NewProfile("did:example:i", "I"), testAchievement()
	tests := []struct {
		name string
		r    badge.Recipient
		o    *badge.CredentialOptions
		is   error
	}{
		{"no recipient", badge.Recipient{}, nil, badge.ErrInvalidArgument},
		{"validUntil before validFrom", badge.RecipientDID("did:example:l"), &badge.CredentialOptions{ValidFrom: issueClock, ValidUntil: issueClock.Add(-time.Hour)}, badge.ErrInvalidArgument},
		{"no randomness for the id", badge.RecipientDID("did:example:l"), &badge.CredentialOptions{Rand: failingReader{}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := badge.NewCredential(p, a, tt.r, tt.o)
			require.Error(t, err)
			assert.Nil(t, c)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
		})
	}
}

func TestConstructors(t *testing.T) {
	a := badge.NewAchievement("https://example.edu/a", "Name", "Description", "Criteria")
	require.NoError(t, a.Validate())
	assert.Equal(t, "Criteria", a.Criteria.Narrative)
	al := badge.NewAlignment("Target", "https://example.org/t")
	a.Alignment = badge.Many(al)
	a.Image = badge.NewImage("data:image/png;base64,iVBORw0KGgo=", "caption")
	require.NoError(t, a.Validate())
	p := badge.NewProfile("https://example.edu", "Example")
	require.NoError(t, p.Validate())
	b, err := json.Marshal(a.Image)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"data:image/png;base64,iVBORw0KGgo=","type":"Image","caption":"caption"}`, string(b))
}

func TestNewUUIDURN(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		u, err := badge.NewUUIDURN(nil)
		require.NoError(t, err)
		assert.Regexp(t, uuidURN, u)
		assert.False(t, seen[u])
		seen[u] = true
	}
	u1, _ := badge.NewUUIDURN(testRand(7))
	u2, _ := badge.NewUUIDURN(testRand(7))
	assert.Equal(t, u1, u2)
	_, err := badge.NewUUIDURN(failingReader{})
	assert.Error(t, err)
}

// Struct literals keep working: Issue checks whatever it is given.
func TestIssueStructLiteral(t *testing.T) {
	iss := testIssuer(t, badge.DataIntegrity)
	c := &badge.AchievementCredential{
		Context: badge.Contexts(badge.ContextVC2, badge.ContextOB303),
		Type:    badge.Many("VerifiableCredential", "OpenBadgeCredential"),
		Name:    "Teamwork",
		Issuer:  badge.Embed(&badge.Profile{ID: testKey(t, 1).Controller, Type: badge.One("Profile"), Name: "Example Corp"}),
		CredentialSubject: badge.AchievementSubject{
			ID:   "did:example:learner",
			Type: badge.One("AchievementSubject"),
			Achievement: &badge.Achievement{
				ID:          "https://example.com/achievements/teamwork",
				Type:        badge.One("Achievement"),
				Name:        "Teamwork",
				Description: "Collaborates within a group.",
				Criteria:    &badge.Criteria{Narrative: "Nominated by peers."},
			},
		},
	}
	s, err := iss.Issue(context.Background(), c)
	require.NoError(t, err)
	cred, err := vc.Parse(s.JSON)
	require.NoError(t, err)
	res, err := (&proof.Verifier{Now: fixedNow}).VerifyProofs(context.Background(), cred)
	require.NoError(t, err)
	assert.Equal(t, proof.StatusVerified, res[0].Status)
}
