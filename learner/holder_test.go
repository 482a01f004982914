package learner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/learner"
)

// issueTo issues a badge of the fixture's university to recipient, with
// the given credential id, credits and evidence (credential ids).
func issueTo(t testing.TB, p party, recipient badge.Recipient, id string, s spec, evidence ...string) []byte {
	t.Helper()
	a := badge.NewAchievement(s.id, s.name, s.name+" badge.", "Earn it.")
	a.CreditsAvailable = json.Number(s.available)
	c, err := badge.NewCredential(p.issuer.Profile(p.name), a, recipient, &badge.CredentialOptions{Now: fixedNow, ID: id})
	require.NoError(t, err)
	c.CredentialSubject.CreditsEarned = json.Number(s.earned)
	for _, e := range evidence {
		c.Evidence.Values = append(c.Evidence.Values, badge.Evidence{ID: e, Type: badge.One("Evidence"), Narrative: "component"})
	}
	signed, err := p.issuer.Issue(context.Background(), c)
	require.NoError(t, err)
	return signed.Bytes()
}

func TestImportTakesOnlyCredentialsAboutTheHolder(t *testing.T) {
	f := newFixture(t)
	holder := f.holder.key.Controller
	profile := badge.NewProfile(holder, "Ada Learner")
	profile.Email = "Ada@Example.org"
	profile.OtherIdentifier = badge.Many(badge.IdentifierEntry{Type: badge.One("IdentifierEntry"), Identifier: "S-1234", IdentifierType: "ext:studentId"})
	s := spec{id: "https://example.edu/a/x", name: "X"}
	n := 0
	cred := func(r badge.Recipient) []byte {
		n++
		return issueTo(t, f.uni, r, "urn:uuid:00000000-0000-4000-8000-"+string(rune('a'+n))+"00000000000", s)
	}
	tests := []struct {
		name    string
		input   []byte
		subject string // the subject a refusal names; "" for none
		ok      bool
	}{
		{"subject id is the holder", cred(badge.RecipientDID(holder)), "", true},
		{"hashed e-mail of the holder, written in another case", cred(badge.RecipientEmail("ada@example.ORG ")), "", true},
		{"plain e-mail of the holder", cred(badge.RecipientPlainEmail("ada@example.org")), "", true},
		{"hashed other identifier of the holder", cred(badge.RecipientIdentifier("ext:studentId", "S-1234", true)), "", true},
		{"subject id of someone else", cred(badge.RecipientDID("did:example:someone-else")), "did:example:someone-else", false},
		{"hashed e-mail of someone else", cred(badge.RecipientEmail("eve@example.org")), "", false},
		{"identifier of the holder's type and value but another type", cred(badge.RecipientIdentifier("ext:employeeId", "S-1234", false)), "", false},
		{"someone else's id, whatever the identifier says", cred(badge.Recipient{ID: "did:example:someone-else", IdentityType: badge.IdentifierTypeEmailAddress, Identity: "ada@example.org", Hashed: true}), "did:example:someone-else", false},
		{"tampered credential about someone else", bytes.Replace(cred(badge.RecipientDID("did:example:someone-else")), []byte("X badge."), []byte("Y badge."), 1), "did:example:someone-else", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := learner.NewWallet(profile, &learner.Options{Verifier: f.verifier})
			require.NoError(t, err)
			e, err := w.Import(context.Background(), tt.input)
			if tt.ok {
				require.NoError(t, err)
				assert.True(t, e.Verified())
				return
			}
			assert.Nil(t, e)
			assert.Empty(t, w.Entries())
			assert.ErrorIs(t, err, learner.ErrNotHolder)
			assert.ErrorIs(t, err, badge.ErrRecipientMismatch)
			var nh *learner.NotHolderError
			require.True(t, errors.As(err, &nh))
			assert.Equal(t, tt.subject, nh.Subject)
			assert.NotEmpty(t, nh.Credential)
			assert.Equal(t, 0, w.Summary().Verified)
		})
	}
}

func TestNewWalletRefusesAProfileThatNamesNoOne(t *testing.T) {
	_, err := learner.NewWallet(badge.Profile{Name: "Ada"}, nil)
	assert.ErrorIs(t, err, learner.ErrInvalidArgument)
	w, err := learner.NewWallet(badge.Profile{Email: "ada@example.org"}, nil)
	require.NoError(t, err, "an e-mail address is enough to import")
	assert.NotNil(t, w)
}

// A credential about the holder by a hashed e-mail only goes into the
// exported CLR with its identity object copied into the record's subject,
// so the record verifies (clr requires every nested credential to be about
// the record's subject).
func TestExportCLRNamesTheHolderByTheIdentifiersOfItsCredentials(t *testing.T) {
	f := newFixture(t)
	profile := badge.NewProfile(f.holder.key.Controller, "Ada Learner")
	profile.Email = "ada@example.org"
	w, err := learner.NewWallet(profile, &learner.Options{Verifier: f.verifier})
	require.NoError(t, err)
	f.importAll(t, w)
	e, err := w.Import(context.Background(), issueTo(t, f.uni, badge.RecipientEmail("ada@example.org"), "urn:uuid:00000000-0000-4000-8000-0000000000e1", spec{id: "https://example.edu/a/mail", name: "Mail"}))
	require.NoError(t, err)
	want := e.Result.Badge.CredentialSubject.Identifier.Values

	iss := &clr.Issuer{Key: f.publisher.pk, Now: fixedNow}
	signed, err := w.ExportCLR(context.Background(), iss, f.publisher.issuer.Profile("Example Registrar"), &clr.Options{Now: fixedNow})
	require.NoError(t, err)
	bv, err := badge.NewVerifier(badge.VerifierOptions{Now: fixedNow})
	require.NoError(t, err)
	v, err := clr.NewVerifier(clr.VerifierOptions{Badges: bv})
	require.NoError(t, err)
	res, err := v.Verify(context.Background(), signed.Bytes())
	require.NoError(t, err)
	assert.Len(t, res.Nested, 5)
	assert.Equal(t, f.holder.key.Controller, clr.Record(res).CredentialSubject.ID)
	assert.Equal(t, want, clr.Record(res).CredentialSubject.Identifier.Values, "copied as the issuer wrote it (hashed, with its salt)")
}

func TestSummaryCountsEachCreditOnce(t *testing.T) {
	f := newFixture(t)
	holder := badge.RecipientDID(f.holder.key.Controller)
	id := func(s string) string { return "urn:uuid:00000000-0000-4000-8000-0000000000" + s }
	c1 := issueTo(t, f.uni, holder, id("c1"), spec{id: "https://example.edu/a/c1", name: "C1", available: "4", earned: "3"})
	c2 := issueTo(t, f.uni, holder, id("c2"), spec{id: "https://example.edu/a/c2", name: "C2", available: "2", earned: "2"})
	c3 := issueTo(t, f.uni, holder, id("c3"), spec{id: "https://example.edu/a/c3", name: "C3", available: "1.5", earned: "1.5"})
	tests := []struct {
		name              string
		inputs            [][]byte
		earned, available string
	}{
		{"components alone", [][]byte{c1, c2}, "5", "6"},
		{"a stacked credential adds nothing its components carry",
			[][]byte{c1, c2, issueTo(t, f.uni, holder, id("s1"), spec{id: "https://example.edu/a/goal", name: "Goal", earned: "5"}, id("c1"), id("c2"))}, "5", "6"},
		{"imported before its components",
			[][]byte{issueTo(t, f.uni, holder, id("s1"), spec{id: "https://example.edu/a/goal", name: "Goal", earned: "5"}, id("c1"), id("c2")), c2, c1}, "5", "6"},
		{"a stacked credential adds what it carries beyond its components",
			[][]byte{c1, c2, issueTo(t, f.uni, holder, id("s1"), spec{id: "https://example.edu/a/goal", name: "Goal", available: "8", earned: "6"}, id("c1"), id("c2"))}, "6", "8"},
		{"a component not in the wallet is counted through the stacked credential",
			[][]byte{c1, issueTo(t, f.uni, holder, id("s1"), spec{id: "https://example.edu/a/goal", name: "Goal", earned: "5"}, id("c1"), id("c2"))}, "5", "4"},
		{"stacked twice, the outer one naming every level",
			[][]byte{c1, c2, c3,
				issueTo(t, f.uni, holder, id("s1"), spec{id: "https://example.edu/a/goal", name: "Goal", earned: "5"}, id("c1"), id("c2")),
				issueTo(t, f.uni, holder, id("s2"), spec{id: "https://example.edu/a/prog", name: "Programme", earned: "6.5"}, id("s1"), id("c1"), id("c2"), id("c3"))}, "6.5", "7.5"},
		{"two stacked credentials sharing a component",
			[][]byte{c1, c2, c3,
				issueTo(t, f.uni, holder, id("s1"), spec{id: "https://example.edu/a/goal", name: "Goal", earned: "5"}, id("c1"), id("c2")),
				issueTo(t, f.uni, holder, id("s2"), spec{id: "https://example.edu/a/prog", name: "Programme", earned: "4.5"}, id("c1"), id("c3"))}, "6.5", "7.5"},
		{"credentials naming each other count in full",
			[][]byte{issueTo(t, f.uni, holder, id("c1"), spec{id: "https://example.edu/a/c1", name: "C1", earned: "3"}, id("c2")),
				issueTo(t, f.uni, holder, id("c2"), spec{id: "https://example.edu/a/c2", name: "C2", earned: "2"}, id("c1"))}, "5", "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := f.wallet(t)
			for _, in := range tt.inputs {
				_, err := w.Import(context.Background(), in)
				require.NoError(t, err)
			}
			s := w.Summary()
			assert.Equal(t, len(tt.inputs), s.Verified)
			assert.Equal(t, json.Number(tt.earned), s.Credits.Earned)
			assert.Equal(t, json.Number(tt.available), s.Credits.Available)
		})
	}
}
