package clr_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
)

// issueBadgeAbout issues a badge of p about subject.
func issueBadgeAbout(t testing.TB, p party, subject string) *badge.Signed {
	t.Helper()
	a := badge.NewAchievement("https://example.edu/achievements/sql", "SQL", "SQL badge", "Earn it.")
	c, err := badge.NewCredential(p.profile, a, badge.RecipientDID(subject), &badge.CredentialOptions{Now: fixedNow})
	require.NoError(t, err)
	s, err := p.issuer.Issue(context.Background(), c)
	require.NoError(t, err)
	return s
}

// clr.Issuer refuses, before signing, a record holding a credential about
// someone other than the record's subject, with the error verification
// would refuse it with (ErrSubjectMismatch), whatever the nested
// credential's format.
func TestIssuerRefusesARecordHoldingACredentialAboutSomeoneElse(t *testing.T) {
	for _, f := range []badge.Format{badge.DataIntegrity, badge.JWT} {
		t.Run("nested "+f.String(), func(t *testing.T) {
			uni := newParty(t, 1, "Example University", f)
			rec, err := clr.New(uni.profile, learnerDID, &clr.Options{Now: fixedNow})
			require.NoError(t, err)
			require.NoError(t, rec.AddCredential(issueBadgeAbout(t, uni, learnerDID).Bytes()))
			require.NoError(t, rec.AddCredential(issueBadgeAbout(t, uni, "did:example:someone-else").Bytes()))

			s, err := uni.clrIssuer(badge.DataIntegrity).Issue(context.Background(), rec)
			assert.Nil(t, s, "nothing is signed")
			require.ErrorIs(t, err, clr.ErrSubjectMismatch)
			assert.ErrorIs(t, err, badge.ErrRecipientMismatch)
			var ie *clr.IssueError
			require.ErrorAs(t, err, &ie)
			var ve *clr.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Len(t, ve.Fields, 1, "only the second credential is someone else's")
			assert.Equal(t, "$.credentialSubject.verifiableCredential[1]", ve.Fields[0].Path)
			var sm *clr.SubjectMismatchError
			require.ErrorAs(t, err, &sm)
			assert.Equal(t, "did:example:someone-else", sm.Subject)
			assert.Equal(t, learnerDID, sm.Record)
		})
	}
}

// CheckIssuable lists every problem verification would refuse the
// record's own content for, by JSON path, and nothing for a good record.
func TestCheckIssuableListsWhatVerificationWouldRefuseByPath(t *testing.T) {
	uni := newParty(t, 1, "Example University", badge.DataIntegrity)
	mine := issueBadgeAbout(t, uni, learnerDID).Bytes()
	tests := []struct {
		name  string
		edit  func(*clr.ClrCredential)
		paths []string
		is    []error
	}{
		{name: "a record about its subject passes", edit: func(*clr.ClrCredential) {}},
		{name: "no nested credential", edit: func(c *clr.ClrCredential) { c.CredentialSubject.VerifiableCredential = nil },
			paths: []string{"$.credentialSubject.verifiableCredential"}, is: []error{clr.ErrInvalid}},
		{name: "no CLR context second", edit: func(c *clr.ClrCredential) { c.Context = badge.Contexts(badge.ContextVC2, badge.ContextOB303) },
			paths: []string{"$.@context"}, is: []error{clr.ErrContext}},
		{name: "a nested JWT that cannot be read", edit: func(c *clr.ClrCredential) {
			c.CredentialSubject.VerifiableCredential = []json.RawMessage{json.RawMessage(`"e30.bm90IGpzb24.c2ln"`)}
		}, paths: []string{"$.credentialSubject.verifiableCredential[0]"}, is: []error{clr.ErrNestedCredential, clr.ErrMalformed}},
		{name: "a nested credential with no subject", edit: func(c *clr.ClrCredential) {
			c.CredentialSubject.VerifiableCredential = []json.RawMessage{json.RawMessage(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"]}`)}
		}, paths: []string{"$.credentialSubject.verifiableCredential[0]"}, is: []error{clr.ErrSubjectMismatch}},
		{name: "more nested credentials than the bound", edit: func(c *clr.ClrCredential) {
			c.CredentialSubject.VerifiableCredential = slices.Repeat([]json.RawMessage{mine}, clr.DefaultMaxCredentials+1)
		}, paths: []string{"$.credentialSubject.verifiableCredential"}, is: []error{clr.ErrLimit}},
		{name: "every problem at once", edit: func(c *clr.ClrCredential) {
			c.Name = ""
			c.Context = badge.Contexts(badge.ContextVC2)
			c.CredentialSubject.VerifiableCredential = append(c.CredentialSubject.VerifiableCredential, issueBadgeAbout(t, uni, "did:example:eve").Bytes())
		}, paths: []string{"$.@context", "$.credentialSubject.verifiableCredential[1]", "$.name"},
			is: []error{clr.ErrContext, clr.ErrSubjectMismatch, clr.ErrInvalid}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := clr.New(uni.profile, learnerDID, &clr.Options{Now: fixedNow})
			require.NoError(t, err)
			require.NoError(t, rec.AddCredential(mine))
			tt.edit(rec)
			err = rec.CheckIssuable()
			if tt.paths == nil {
				require.NoError(t, err)
				return
			}
			var ve *clr.ValidationError
			require.ErrorAs(t, err, &ve)
			var paths []string
			for _, f := range ve.Fields {
				paths = append(paths, f.Path)
			}
			assert.Equal(t, tt.paths, paths)
			for _, want := range tt.is {
				assert.ErrorIs(t, err, want)
			}
		})
	}
}
