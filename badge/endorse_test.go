package badge_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// endorser is an issuer with its own key (seed 5).
func endorser(t testing.TB, f badge.Format) *badge.Issuer {
	k := testKey(t, 5)
	return &badge.Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, Format: f, Now: fixedNow, Rand: testRand(6)}
}

func TestNewEndorsement(t *testing.T) {
	e := endorser(t, badge.DataIntegrity)
	en, err := badge.NewEndorsement(e.Profile("Go Foundation"), "https://example.edu/achievements/go-101", "Rigorous and current.",
		&badge.CredentialOptions{Now: fixedNow, Rand: testRand(1)})
	require.NoError(t, err)
	require.NoError(t, en.Validate())
	assert.Equal(t, "Endorsement by Go Foundation", en.Name)
	assert.Equal(t, []string{"VerifiableCredential", "EndorsementCredential"}, en.Type.Values)
	assert.Equal(t, "Rigorous and current.", en.CredentialSubject.EndorsementComment)
	assert.Equal(t, badge.DateTime("2024-05-01T12:00:00Z"), en.ValidFrom)

	en, err = badge.NewEndorsement(badge.Profile{ID: "https://example.org"}, "https://example.org/x", "", nil)
	require.NoError(t, err)
	assert.Equal(t, "Endorsement", en.Name)
	assert.Equal(t, []string{"Profile"}, en.Issuer.Object.Type.Values)

	_, err = badge.NewEndorsement(badge.Profile{}, "", "", nil)
	assert.ErrorIs(t, err, badge.ErrInvalidArgument)
}

// An endorsement of the achievement, signed by the endorser and embedded
// before the badge is issued: the badge verifies, and so does the
// endorsement taken out of it.
func TestEndorsementEmbeddedVerifies(t *testing.T) {
	ctx := context.Background()
	iss := testIssuer(t, badge.DataIntegrity)
	c := testCredential(t, iss)
	ach := c.CredentialSubject.Achievement

	e := endorser(t, badge.DataIntegrity)
	en, err := badge.NewEndorsement(e.Profile("Go Foundation"), ach.ID, "Rigorous and current.", &badge.CredentialOptions{Now: fixedNow, Rand: testRand(1)})
	require.NoError(t, err)
	signedEn, err := e.IssueEndorsement(ctx, en)
	require.NoError(t, err)
	require.NoError(t, ach.AddEndorsement(signedEn))
	require.Equal(t, 1, ach.Endorsement.Len())

	// And an endorsement of the issuer.
	en2, err := badge.NewEndorsement(e.Profile("Go Foundation"), c.Issuer.Object.ID, "A trustworthy issuer.", &badge.CredentialOptions{Now: fixedNow, Rand: testRand(4)})
	require.NoError(t, err)
	signedEn2, err := e.IssueEndorsement(ctx, en2)
	require.NoError(t, err)
	require.NoError(t, c.Issuer.Object.AddEndorsement(signedEn2))

	s, err := iss.Issue(ctx, c)
	require.NoError(t, err)
	v := &proof.Verifier{Now: fixedNow}
	verify := func(doc []byte) {
		t.Helper()
		cred, err := vc.Parse(doc)
		require.NoError(t, err)
		res, err := v.VerifyProofs(ctx, cred)
		require.NoError(t, err)
		require.Len(t, res, 1)
		assert.Equal(t, proof.StatusVerified, res[0].Status, "%v", res[0].Err)
	}
	verify(s.JSON)

	var out struct {
		Issuer struct {
			Endorsement []json.RawMessage `json:"endorsement"`
		} `json:"issuer"`
		CredentialSubject struct {
			Achievement struct {
				Endorsement []json.RawMessage `json:"endorsement"`
			} `json:"achievement"`
		} `json:"credentialSubject"`
	}
	require.NoError(t, json.Unmarshal(s.JSON, &out))
	require.Len(t, out.CredentialSubject.Achievement.Endorsement, 1)
	require.Len(t, out.Issuer.Endorsement, 1)
	verify(out.CredentialSubject.Achievement.Endorsement[0])
	verify(out.Issuer.Endorsement[0])
}

func TestAddEndorsementRefuses(t *testing.T) {
	ctx := context.Background()
	e := endorser(t, badge.DataIntegrity)
	en, err := badge.NewEndorsement(e.Profile("Go Foundation"), "https://example.edu/a/1", "", nil)
	require.NoError(t, err)
	signed, err := e.IssueEndorsement(ctx, en)
	require.NoError(t, err)

	a := testAchievement() // id https://example.edu/achievements/go-101
	assert.ErrorIs(t, a.AddEndorsement(signed), badge.ErrInvalidArgument, "endorses something else")
	assert.ErrorIs(t, a.AddEndorsement(nil), badge.ErrInvalidArgument)
	unsigned, err := json.Marshal(en)
	require.NoError(t, err)
	a.ID = "https://example.edu/a/1"
	assert.ErrorIs(t, a.AddEndorsement(&badge.Signed{JSON: unsigned}), badge.ErrInvalidArgument, "no proof")
	assert.ErrorIs(t, a.AddEndorsement(&badge.Signed{JSON: []byte("{")}), badge.ErrInvalidArgument, "not JSON")
	a.ID = "https://example.edu/achievements/go-101"
	assert.ErrorIs(t, a.AddEndorsement(&badge.Signed{Format: badge.JWT, JWT: "not a jws"}), badge.ErrInvalidArgument)
	iss := testIssuer(t, badge.DataIntegrity)
	cred, err := iss.Issue(ctx, testCredential(t, iss))
	require.NoError(t, err)
	assert.ErrorIs(t, a.AddEndorsement(cred), badge.ErrInvalidArgument, "not an endorsement")
	assert.True(t, a.Endorsement.IsZero())
}

// A VC-JWT endorsement goes in endorsementJwt. The OB 3.0.3 context embedded
// in package vc does not define that term, so Issue refuses it in safe
// mode; with a context that defines it (the 1EdTech validator's revision of
// 3.0.3), the badge is issued.
func TestEndorsementJWT(t *testing.T) {
	ctx := context.Background()
	iss := testIssuer(t, badge.DataIntegrity)
	c := testCredential(t, iss)
	ach := c.CredentialSubject.Achievement

	e := endorser(t, badge.JWT)
	en, err := badge.NewEndorsement(e.Profile("Go Foundation"), ach.ID, "Rigorous.", &badge.CredentialOptions{Now: fixedNow, Rand: testRand(1)})
	require.NoError(t, err)
	signedEn, err := e.IssueEndorsement(ctx, en)
	require.NoError(t, err)
	_, _, err = (&proof.Verifier{Now: fixedNow}).VerifyJWT(ctx, signedEn.JWT)
	require.NoError(t, err)
	require.NoError(t, ach.AddEndorsement(signedEn))
	assert.Equal(t, []string{signedEn.JWT}, ach.EndorsementJwt.Values)
	require.NoError(t, c.Validate())

	_, err = iss.Issue(ctx, c)
	assert.ErrorIs(t, err, vc.ErrUndefinedTerm)
	assert.ErrorContains(t, err, "$.credentialSubject.achievement.endorsementJwt")

	// The validator's revision adds this top-level term to the 3.0.3 context.
	official, ok := vc.EmbeddedContext(badge.ContextOB303)
	require.True(t, ok)
	var doc map[string]map[string]any
	require.NoError(t, json.Unmarshal(official, &doc))
	doc["@context"]["endorsementJwt"] = map[string]any{"@id": "https://purl.imsglobal.org/spec/vc/ob/vocab.html#endorsementJwt", "@container": "@set"}
	variant, err := json.Marshal(doc)
	require.NoError(t, err)
	static, err := vc.StaticLoader(map[string][]byte{badge.ContextOB303: variant})
	require.NoError(t, err)
	iss.Processor = vc.NewProcessor(&vc.ProcessorOptions{Loader: vc.ChainLoader(static, vc.EmbeddedLoader())})
	s, err := iss.Issue(ctx, c)
	require.NoError(t, err)
	cred, err := vc.Parse(s.JSON)
	require.NoError(t, err)
	res, err := (&proof.Verifier{Now: fixedNow, Processor: iss.Processor}).VerifyProofs(ctx, cred)
	require.NoError(t, err)
	assert.Equal(t, proof.StatusVerified, res[0].Status)
}

// An endorsement of the credential itself names the credential's id, which
// must therefore be set before both are issued.
func TestEndorseCredential(t *testing.T) {
	ctx := context.Background()
	iss := testIssuer(t, badge.DataIntegrity)
	c := testCredential(t, iss)
	e := endorser(t, badge.DataIntegrity)
	en, err := badge.NewEndorsement(e.Profile("Registrar"), c.ID, "Confirmed.", &badge.CredentialOptions{Now: fixedNow})
	require.NoError(t, err)
	signedEn, err := e.IssueEndorsement(ctx, en)
	require.NoError(t, err)
	require.NoError(t, c.AddEndorsement(signedEn))
	s, err := iss.Issue(ctx, c)
	require.NoError(t, err)
	cred, err := vc.Parse(s.JSON)
	require.NoError(t, err)
	res, err := (&proof.Verifier{Now: fixedNow}).VerifyProofs(ctx, cred)
	require.NoError(t, err)
	assert.Equal(t, proof.StatusVerified, res[0].Status)

	other := testCredential(t, iss)
	other.ID = "urn:uuid:00000000-0000-4000-8000-000000000000"
	assert.ErrorIs(t, other.AddEndorsement(signedEn), badge.ErrInvalidArgument)
}
