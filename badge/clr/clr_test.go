package clr_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type party struct {
	key     *did.Key
	profile badge.Profile
	issuer  *badge.Issuer
}

func newParty(t testing.TB, seed byte, name string, f badge.Format) party {
	t.Helper()
	k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	require.NoError(t, err)
	pk := proof.Key{Signer: k.Signer, VerificationMethod: k.ID}
	return party{key: k, profile: badge.NewProfile(k.Controller, name), issuer: &badge.Issuer{Key: pk, Format: f, Now: fixedNow}}
}

func (p party) clrIssuer(f badge.Format) *clr.Issuer {
	return &clr.Issuer{Key: proof.Key{Signer: p.key.Signer, VerificationMethod: p.key.ID}, Format: f, Now: fixedNow}
}

const learnerDID = "did:example:learner"

func issueBadge(t testing.TB, p party, achID, name string) *badge.Signed {
	t.Helper()
	a := badge.NewAchievement(achID, name, name+" badge", "Earn it.")
	c, err := badge.NewCredential(p.profile, a, badge.RecipientDID(learnerDID), &badge.CredentialOptions{Now: fixedNow})
	require.NoError(t, err)
	s, err := p.issuer.Issue(context.Background(), c)
	require.NoError(t, err)
	return s
}

func verifier(t testing.TB, o clr.VerifierOptions) *clr.Verifier {
	t.Helper()
	if o.Badges == nil {
		bv, err := badge.NewVerifier(badge.VerifierOptions{Now: fixedNow})
		require.NoError(t, err)
		o.Badges = bv
	}
	v, err := clr.NewVerifier(o)
	require.NoError(t, err)
	return v
}

func buildRecord(t testing.TB) (*clr.ClrCredential, party) {
	t.Helper()
	uni := newParty(t, 1, "Example University", badge.DataIntegrity)
	corp := newParty(t, 2, "Example Corp", badge.JWT)
	b1 := issueBadge(t, uni, "https://example.edu/achievements/sql", "SQL")
	b2 := issueBadge(t, corp, "https://example.com/achievements/python", "Python")
	rec, err := clr.New(uni.profile, learnerDID, &clr.Options{ID: "urn:uuid:7f3a0a7c-2b7e-4b8c-9a53-0b1f3c1d2e01", Now: fixedNow})
	require.NoError(t, err)
	require.NoError(t, rec.AddCredential(b1.Bytes()))
	require.NoError(t, rec.AddCredential(b2.Bytes()))
	rec.CredentialSubject.AddAchievement(badge.NewAchievement("https://example.edu/achievements/data-cert", "Data Certificate", "Certificate", "Earn both."))
	rec.CredentialSubject.Association = []clr.Association{
		clr.NewAssociation(clr.IsPartOf, "https://example.edu/achievements/sql", "https://example.edu/achievements/data-cert"),
		clr.NewAssociation(clr.IsPartOf, "https://example.com/achievements/python", "https://example.edu/achievements/data-cert"),
		clr.NewAssociation(clr.Precedes, "https://example.edu/achievements/sql", "https://example.com/achievements/python"),
	}
	return rec, uni
}

func TestIssueAndVerify(t *testing.T) {
	for _, f := range []badge.Format{badge.DataIntegrity, badge.JWT} {
		t.Run(f.String(), func(t *testing.T) {
			rec, uni := buildRecord(t)
			s, err := uni.clrIssuer(f).Issue(context.Background(), rec)
			require.NoError(t, err)
			res, err := verifier(t, clr.VerifierOptions{}).Verify(context.Background(), s.Bytes())
			require.NoError(t, err)
			assert.True(t, res.Verified)
			require.Len(t, res.NestedResults(), 2)
			for _, c := range res.NestedResults() {
				assert.True(t, c.Verified)
			}
			assert.Equal(t, badge.Passed, res.Check(clr.CheckAssociations).Status)
			assert.Equal(t, badge.Passed, res.Check(clr.CheckCredentials).Status)
			out, err := json.Marshal(res)
			require.NoError(t, err)
			assert.Contains(t, string(out), badge.ResultMediaType)
		})
	}
}

func TestVerifyFailures(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		edit   func(*clr.ClrCredential)
		failed badge.CheckID
		is     error
	}{
		{"dangling association", func(c *clr.ClrCredential) {
			c.CredentialSubject.Association = append(c.CredentialSubject.Association,
				clr.NewAssociation(clr.IsChildOf, "https://example.edu/achievements/unknown", "https://example.edu/achievements/data-cert"))
		}, clr.CheckAssociations, clr.ErrAssociation},
		{"tampered nested credential", func(c *clr.ClrCredential) {
			raw := string(c.CredentialSubject.VerifiableCredential[0])
			c.CredentialSubject.VerifiableCredential[0] = json.RawMessage(strings.Replace(raw, `"SQL badge"`, `"SQL master badge"`, 1))
		}, clr.CheckCredentials, clr.ErrNestedCredential},
		{"expired nested credential", func(c *clr.ClrCredential) {
			p := newParty(t, 3, "Old School", badge.DataIntegrity)
			p.issuer.AllowExpired = true // an expired fixture
			a := badge.NewAchievement("https://old.example/a", "Old", "Old", "Old")
			cr, err := badge.NewCredential(p.profile, a, badge.RecipientDID(learnerDID), &badge.CredentialOptions{
				Now: fixedNow, ValidFrom: fixedNow().Add(-48 * time.Hour), ValidUntil: fixedNow().Add(-24 * time.Hour)})
			require.NoError(t, err)
			s, err := p.issuer.Issue(ctx, cr)
			require.NoError(t, err)
			require.NoError(t, c.AddCredential(s.Bytes()))
		}, clr.CheckCredentials, clr.ErrNestedCredential},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, uni := buildRecord(t)
			tt.edit(rec)
			s, err := uni.clrIssuer(badge.DataIntegrity).Issue(ctx, rec)
			require.NoError(t, err)
			res, err := verifier(t, clr.VerifierOptions{}).Verify(ctx, s.Bytes())
			require.Error(t, err)
			assert.False(t, res.Verified)
			assert.Equal(t, badge.Failed, res.Check(tt.failed).Status)
			assert.ErrorIs(t, err, tt.is)
			assert.Len(t, res.Failed(), 1)
		})
	}
	t.Run("tampered record", func(t *testing.T) {
		rec, uni := buildRecord(t)
		s, err := uni.clrIssuer(badge.DataIntegrity).Issue(ctx, rec)
		require.NoError(t, err)
		bad := bytes.Replace(s.JSON, []byte("Comprehensive Learner Record"), []byte("Comprehensive Learner Recore"), 1)
		res, err := verifier(t, clr.VerifierOptions{}).Verify(ctx, bad)
		require.Error(t, err)
		assert.Equal(t, badge.Failed, res.Check(badge.CheckProof).Status)
		assert.ErrorIs(t, err, proof.ErrSignatureInvalid)
	})
	t.Run("too many credentials", func(t *testing.T) {
		rec, uni := buildRecord(t)
		s, err := uni.clrIssuer(badge.DataIntegrity).Issue(ctx, rec)
		require.NoError(t, err)
		res, err := verifier(t, clr.VerifierOptions{MaxCredentials: 1}).Verify(ctx, s.Bytes())
		require.Error(t, err)
		assert.ErrorIs(t, err, clr.ErrLimit)
		assert.False(t, res.Verified)
	})
}

func TestIssueRefusals(t *testing.T) {
	rec, uni := buildRecord(t)
	rec.Name = ""
	rec.CredentialSubject.Association[0].AssociationType = "isSiblingOf"
	_, err := uni.clrIssuer(badge.DataIntegrity).Issue(context.Background(), rec)
	var ie *clr.IssueError
	require.ErrorAs(t, err, &ie)
	assert.ErrorIs(t, err, clr.ErrInvalid)
	assert.ErrorIs(t, err, clr.ErrAssociation)
	var ve *clr.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "$.credentialSubject.association[0].associationType", ve.Fields[0].Path)
	assert.Equal(t, "$.name", ve.Fields[1].Path)

	rec2, _ := buildRecord(t)
	other := newParty(t, 9, "Someone Else", badge.DataIntegrity)
	_, err = other.clrIssuer(badge.DataIntegrity).Issue(context.Background(), rec2)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not the key's controller")
}

func TestAssociationTypes(t *testing.T) {
	types := clr.AssociationTypes()
	require.Len(t, types, 8)
	for _, at := range types {
		assert.True(t, at.Known(), at)
		if inv, ok := at.Inverse(); ok {
			back, _ := inv.Inverse()
			assert.Equal(t, at, back)
		}
	}
	assert.False(t, clr.AssociationType("isSiblingOf").Known())
	_, ok := clr.Precedes.Inverse()
	assert.False(t, ok)
}

// TestRoundTrip: every sample decodes and re-encodes to equal JSON, with
// unknown members kept.
func TestRoundTrip(t *testing.T) {
	for _, f := range []string{"simple.json", "complex.json", "simple_v1.json", "simple-noproof.json", "clr-vector-signed.json"} {
		t.Run(f, func(t *testing.T) {
			in := readTestdata(t, f)
			c, err := clr.Parse(in)
			require.NoError(t, err)
			out, err := json.Marshal(c)
			require.NoError(t, err)
			assert.JSONEq(t, string(in), string(out))
		})
	}
	c, err := clr.Parse([]byte(`{"type":["VerifiableCredential","ClrCredential"],"x:ext":{"n":12345678901234567890},"credentialSubject":{"type":"ClrSubject","verifiableCredential":[],"zz":1}}`))
	require.NoError(t, err)
	assert.Equal(t, `{"n":12345678901234567890}`, string(c.Extra["x:ext"]))
	out, _ := json.Marshal(c)
	assert.Contains(t, string(out), `"x:ext":{"n":12345678901234567890}`)
}

func TestParseStrict(t *testing.T) {
	for name, in := range map[string]string{
		"duplicate":       `{"name":"a","name":"b"}`,
		"case variant":    `{"NAME":"a"}`,
		"null":            `{"name":null}`,
		"bad nested":      `{"credentialSubject":{"verifiableCredential":[1]}}`,
		"not an object":   `[]`,
		"invalid json":    `{"name":`,
		"association dup": `{"credentialSubject":{"association":[{"sourceId":"a","sourceId":"b"}]}}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := clr.Parse([]byte(in))
			require.Error(t, err)
			assert.True(t, errors.Is(err, clr.ErrMalformed), err)
		})
	}
}

func BenchmarkVerifyCLR(b *testing.B) {
	rec, uni := buildRecord(b)
	s, err := uni.clrIssuer(badge.DataIntegrity).Issue(context.Background(), rec)
	require.NoError(b, err)
	v := verifier(b, clr.VerifierOptions{})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(context.Background(), s.JSON); err != nil {
			b.Fatal(err)
		}
	}
}
