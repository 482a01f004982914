package clr_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/proof"
)

// Every nested credential must be about the record's subject: a record
// that bundles a badge about someone else fails the nested_credentials
// check, and that badge's own result fails its recipient check.
func TestNestedCredentialMustBeAboutTheRecordSubject(t *testing.T) {
	uni := newParty(t, 1, "Example University", badge.DataIntegrity)
	salted := badge.NewHashedIdentityWithSalt(badge.IdentifierTypeEmailAddress, "ada@example.org", "salt-1")
	otherSalt := badge.NewHashedIdentityWithSalt(badge.IdentifierTypeEmailAddress, "ada@example.org", "salt-2")
	plain := badge.NewPlainIdentity(badge.IdentifierTypeEmailAddress, "Ada@Example.org")
	tests := []struct {
		name       string
		recordID   string
		recordIDs  []badge.IdentityObject
		subjectID  string
		identities []badge.IdentityObject
		ok         bool
	}{
		{name: "same subject id", recordID: learnerDID, subjectID: learnerDID, ok: true},
		{name: "another subject id", recordID: learnerDID, subjectID: "did:example:someone-else"},
		{name: "another subject id with a matching identifier", recordID: learnerDID, recordIDs: []badge.IdentityObject{plain},
			subjectID: "did:example:someone-else", identities: []badge.IdentityObject{salted}},
		{name: "the same hashed identifier", recordID: learnerDID, recordIDs: []badge.IdentityObject{salted}, identities: []badge.IdentityObject{salted}, ok: true},
		{name: "a plain identifier of the record matches a hashed one", recordID: learnerDID, recordIDs: []badge.IdentityObject{plain}, identities: []badge.IdentityObject{salted}, ok: true},
		{name: "a hashed identifier of the record matches a plain one", recordIDs: []badge.IdentityObject{salted}, identities: []badge.IdentityObject{plain}, ok: true},
		{name: "hashes with different salts cannot be compared", recordID: learnerDID, recordIDs: []badge.IdentityObject{salted}, identities: []badge.IdentityObject{otherSalt}},
		{name: "an identifier-only subject and a record with an id only", recordID: learnerDID, identities: []badge.IdentityObject{salted}},
		{name: "an identifier of someone else", recordID: learnerDID, recordIDs: []badge.IdentityObject{plain},
			identities: []badge.IdentityObject{badge.NewHashedIdentityWithSalt(badge.IdentifierTypeEmailAddress, "eve@example.org", "salt-1")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := badge.NewAchievement("https://example.edu/achievements/sql", "SQL", "SQL badge", "Earn it.")
			c, err := badge.NewCredential(uni.profile, a, badge.RecipientDID("did:example:placeholder"), &badge.CredentialOptions{Now: fixedNow})
			require.NoError(t, err)
			c.CredentialSubject.ID = tt.subjectID
			c.CredentialSubject.Identifier = badge.OneOrMany[badge.IdentityObject]{Values: tt.identities}
			b, err := uni.issuer.Issue(context.Background(), c)
			require.NoError(t, err)

			rec, err := clr.New(uni.profile, tt.recordID, &clr.Options{Now: fixedNow})
			require.NoError(t, err)
			rec.CredentialSubject.Identifier = badge.OneOrMany[badge.IdentityObject]{Values: tt.recordIDs}
			require.NoError(t, rec.AddCredential(b.Bytes()))
			signed, err := uni.clrIssuer(badge.DataIntegrity).Issue(context.Background(), rec)
			if tt.ok {
				require.NoError(t, err)
			} else {
				// The library's Issuer refuses to sign what verification
				// refuses below, with the same error ...
				require.ErrorIs(t, err, clr.ErrSubjectMismatch)
				var sm *clr.SubjectMismatchError
				require.ErrorAs(t, err, &sm)
				assert.Equal(t, tt.subjectID, sm.Subject)
				assert.Equal(t, tt.recordID, sm.Record)
				// ... so the record is signed as an issuer that does not
				// check it would.
				signed = signUnchecked(t, uni, rec)
			}

			res, err := verifier(t, clr.VerifierOptions{}).Verify(context.Background(), signed.Bytes())
			require.Len(t, res.NestedResults(), 1)
			nested := res.NestedResults()[0]
			if tt.ok {
				require.NoError(t, err)
				assert.True(t, nested.Verified)
				return
			}
			assert.False(t, res.Verified)
			assert.Equal(t, badge.Failed, res.Check(clr.CheckCredentials).Status)
			assert.ErrorIs(t, err, clr.ErrNestedCredential)
			assert.ErrorIs(t, err, clr.ErrSubjectMismatch)
			assert.ErrorIs(t, err, badge.ErrRecipientMismatch)
			var sm *clr.SubjectMismatchError
			require.True(t, errors.As(err, &sm))
			assert.Equal(t, tt.subjectID, sm.Subject)
			assert.Equal(t, tt.recordID, sm.Record)
			assert.False(t, nested.Verified, "the nested result is not verified for the record's subject")
			assert.Equal(t, badge.Failed, nested.Check(badge.CheckRecipient).Status)
			for _, id := range []badge.CheckID{badge.CheckProof, badge.CheckIssuer, badge.CheckType} {
				assert.Equal(t, badge.Passed, nested.Check(id).Status, "the nested credential is genuine: %s", id)
			}
		})
	}
}

// signUnchecked signs rec with p's key and no check of its content, as an
// issuer that does not use clr.Issuer could.
func signUnchecked(t testing.TB, p party, rec *clr.ClrCredential) *badge.Signed {
	t.Helper()
	doc, err := json.Marshal(rec)
	require.NoError(t, err)
	out, err := proof.AddDataIntegrityProof(context.Background(), doc, proof.Key{Signer: p.key.Signer, VerificationMethod: p.key.ID}, &proof.DataIntegrityOptions{Now: fixedNow})
	require.NoError(t, err)
	return &badge.Signed{Format: badge.DataIntegrity, ID: rec.ID, JSON: out}
}
