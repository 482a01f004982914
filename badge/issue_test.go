package badge_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// issueClock is the fixed time of the issuing tests.
var issueClock = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return issueClock }

// testRand is a deterministic randomness source.
func testRand(seed byte) *rand.ChaCha8 {
	var s [32]byte
	s[0] = seed
	return rand.NewChaCha8(s)
}

// testKey is the Ed25519 did:key for seed.
func testKey(t testing.TB, seed byte) *did.Key {
	t.Helper()
	k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	require.NoError(t, err)
	return k
}

func testIssuer(t testing.TB, f badge.Format) *badge.Issuer {
	k := testKey(t, 1)
	return &badge.Issuer{
		Key:    proof.Key{Signer: k.Signer, VerificationMethod: k.ID},
		Format: f,
		Now:    fixedNow,
		Rand:   testRand(2),
	}
}

// testAchievement is a realistic achievement: type, image, alignments, tags.
func testAchievement() badge.Achievement {
	a := badge.NewAchievement("https://example.edu/achievements/go-101", "Go Programming 101",
		"Writes, tests and benchmarks idiomatic Go.", "Passed the **final project** with a score of 80% or more.")
	a.AchievementType = badge.AchievementTypeCourse
	a.Image = badge.NewImage("https://example.edu/achievements/go-101.png", "Go 101 badge")
	a.Tag = badge.Many("go", "programming")
	al := badge.NewAlignment("Programming languages", "https://example.org/frameworks/cs/1.2")
	al.TargetType = badge.AlignmentTargetTypeCFItem
	al.TargetCode = "CS-1.2"
	a.Alignment = badge.Many(al)
	return a
}

func testCredential(t testing.TB, iss *badge.Issuer) *badge.AchievementCredential {
	t.Helper()
	p := iss.Profile("Example University")
	p.URL = "https://example.edu"
	p.Email = "badges@example.edu"
	c, err := badge.NewCredential(p, testAchievement(), badge.RecipientEmail("Learner@Example.com"),
		&badge.CredentialOptions{Now: fixedNow, Rand: testRand(3)})
	require.NoError(t, err)
	return c
}

func TestIssueDataIntegrityVerifies(t *testing.T) {
	ctx := context.Background()
	iss := testIssuer(t, badge.DataIntegrity)
	s, err := iss.Issue(ctx, testCredential(t, iss))
	require.NoError(t, err)
	assert.Equal(t, badge.DataIntegrity, s.Format)
	assert.Empty(t, s.JWT)
	assert.Equal(t, s.JSON, s.Bytes())
	assert.True(t, strings.HasPrefix(s.ID, "urn:uuid:"))

	c, err := vc.Parse(s.JSON)
	require.NoError(t, err)
	v := &proof.Verifier{Now: fixedNow}
	res, err := v.VerifyProofs(ctx, c)
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Equal(t, proof.StatusVerified, res[0].Status)
	assert.Equal(t, proof.EdDSARDFC2022, res[0].Cryptosuite)
	assert.Equal(t, iss.Key.VerificationMethod, res[0].VerificationMethod)

	// The signed JSON decodes back into the model, which validates.
	var back badge.AchievementCredential
	require.NoError(t, json.Unmarshal(s.JSON, &back))
	require.NoError(t, back.Validate())
	assert.Equal(t, "2024-05-01T12:00:00Z", string(back.ValidFrom))
	assert.Equal(t, "Go Programming 101", back.Name)
}

func TestIssueJWTVerifies(t *testing.T) {
	ctx := context.Background()
	iss := testIssuer(t, badge.JWT)
	s, err := iss.Issue(ctx, testCredential(t, iss))
	require.NoError(t, err)
	assert.Equal(t, badge.JWT, s.Format)
	assert.Equal(t, []byte(s.JWT), s.Bytes())
	assert.Equal(t, 2, strings.Count(s.JWT, "."))

	c, res, err := (&proof.Verifier{Now: fixedNow}).VerifyJWT(ctx, s.JWT)
	require.NoError(t, err)
	assert.Equal(t, proof.StatusVerified, res.Status)
	assert.Equal(t, s.ID, c.ID())
	assert.Equal(t, iss.Key.VerificationMethod, c.Issuer()+"#"+strings.TrimPrefix(c.Issuer(), "did:key:"))
}

// Identical inputs (key, clock, randomness) give identical credentials.
func TestIssueDeterministic(t *testing.T) {
	ctx := context.Background()
	var out [2][]byte
	for n := range out {
		iss := testIssuer(t, badge.DataIntegrity)
		s, err := iss.Issue(ctx, testCredential(t, iss))
		require.NoError(t, err)
		out[n] = s.JSON
	}
	assert.Equal(t, string(out[0]), string(out[1]))
}

// Issue does not modify the credential it is given.
func TestIssueDoesNotModifyInput(t *testing.T) {
	iss := testIssuer(t, badge.DataIntegrity)
	c := testCredential(t, iss)
	c.ID, c.ValidFrom = "", ""
	s, err := iss.Issue(context.Background(), c)
	require.NoError(t, err)
	assert.Empty(t, c.ID)
	assert.Empty(t, c.ValidFrom)
	assert.True(t, strings.HasPrefix(s.ID, "urn:uuid:"))
	assert.Contains(t, string(s.JSON), `"validFrom":"2024-05-01T12:00:00Z"`)
}

func TestIssueKeyErrors(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	c := testCredential(t, testIssuer(t, badge.DataIntegrity))
	tests := []struct {
		name string
		iss  badge.Issuer
		is   error
	}{
		{"no signer", badge.Issuer{Key: proof.Key{VerificationMethod: k.ID}}, badge.ErrInvalidKey},
		{"no verification method", badge.Issuer{Key: proof.Key{Signer: k.Signer}}, badge.ErrInvalidKey},
		{"jwt without verification method or controller", badge.Issuer{Key: proof.Key{Signer: k.Signer}, Format: badge.JWT}, badge.ErrInvalidKey},
		{"unknown format", badge.Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, Format: 7}, badge.ErrInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.iss.Issue(ctx, c)
			assert.ErrorIs(t, err, tt.is)
			assert.NotErrorIs(t, err, badge.ErrIssue)
		})
	}
	_, err := testIssuer(t, badge.DataIntegrity).Issue(ctx, nil)
	assert.ErrorIs(t, err, badge.ErrInvalidArgument)
}

// A JWT key without a verification method is embedded as a jwk header; its
// controller must still be given, for issuer binding.
func TestIssueJWTEmbeddedKey(t *testing.T) {
	k := testKey(t, 1)
	iss := &badge.Issuer{Key: proof.Key{Signer: k.Signer}, Controller: k.Controller, Format: badge.JWT, Now: fixedNow}
	s, err := iss.Issue(context.Background(), testCredential(t, iss))
	require.NoError(t, err)
	_, res, err := (&proof.Verifier{Now: fixedNow}).VerifyJWT(context.Background(), s.JWT)
	require.NoError(t, err)
	assert.Equal(t, proof.StatusVerified, res.Status)
}

func TestFormatText(t *testing.T) {
	for _, f := range []badge.Format{badge.DataIntegrity, badge.JWT} {
		b, err := f.MarshalText()
		require.NoError(t, err)
		var g badge.Format
		require.NoError(t, g.UnmarshalText(b))
		assert.Equal(t, f, g)
	}
	var g badge.Format
	for in, want := range map[string]badge.Format{"di": badge.DataIntegrity, "data-integrity": badge.DataIntegrity, "vc-jwt": badge.JWT, "jwt": badge.JWT} {
		require.NoError(t, g.UnmarshalText([]byte(in)))
		assert.Equal(t, want, g)
	}
	assert.ErrorIs(t, g.UnmarshalText([]byte("ldp")), badge.ErrInvalidArgument)
	_, err := badge.Format(9).MarshalText()
	assert.ErrorIs(t, err, badge.ErrInvalidArgument)
	assert.Equal(t, "Format(9)", badge.Format(9).String())
}

var _ = errors.Is

// Issue refuses what a verifier would refuse, naming every problem by its
// JSON path, before anything is signed.
func TestIssueRefuses(t *testing.T) {
	ctx := context.Background()
	other := testKey(t, 9)
	tests := []struct {
		name   string
		edit   func(c *badge.AchievementCredential)
		format badge.Format
		paths  []string // every path the error must name
		is     []error
	}{
		{
			name:  "missing achievement name",
			edit:  func(c *badge.AchievementCredential) { c.CredentialSubject.Achievement.Name = "" },
			paths: []string{"$.credentialSubject.achievement.name"},
			is:    []error{badge.ErrInvalidCredential, badge.ErrRequired},
		},
		{
			name:  "wrong issuer for the key",
			edit:  func(c *badge.AchievementCredential) { c.Issuer.Object.ID = other.Controller },
			paths: []string{"$.issuer.id"},
			is:    []error{badge.ErrIssuerMismatch},
		},
		{
			name: "wrong issuer for the key (JWT, issuer as IRI)",
			edit: func(c *badge.AchievementCredential) {
				c.Issuer = badge.Ref[badge.Profile]("https://example.org/someone-else")
			},
			format: badge.JWT,
			paths:  []string{"$.issuer"},
			is:     []error{badge.ErrIssuerMismatch},
		},
		{
			name: "undefined extension term",
			edit: func(c *badge.AchievementCredential) {
				c.CredentialSubject.Achievement.Extra = map[string]json.RawMessage{"level": json.RawMessage(`"gold"`)}
			},
			paths: []string{"$.credentialSubject.achievement.level"},
			is:    []error{vc.ErrSafeMode, vc.ErrUndefinedTerm},
		},
		{
			name: "undefined extension term (JWT)",
			edit: func(c *badge.AchievementCredential) {
				c.Extra = map[string]json.RawMessage{"score": json.RawMessage(`12`)}
			},
			format: badge.JWT,
			paths:  []string{"$.score"},
			is:     []error{vc.ErrUndefinedTerm},
		},
		{
			name: "unknown context",
			edit: func(c *badge.AchievementCredential) {
				c.Context.Values = append(c.Context.Values, badge.ContextEntry{URL: "https://example.org/my-extension/v1"})
			},
			paths: []string{"$.@context[2]"},
			is:    []error{vc.ErrUnknownContext},
		},
		{
			name:  "OB context missing",
			edit:  func(c *badge.AchievementCredential) { c.Context = badge.Contexts(badge.ContextVC2) },
			paths: []string{"$.@context", "$.credentialSubject.achievement", "$.type[1]"},
			is:    []error{badge.ErrInvalidCredential, vc.ErrUndefinedTerm},
		},
		{
			name: "every problem at once",
			edit: func(c *badge.AchievementCredential) {
				c.CredentialSubject.Achievement.Name = ""
				c.CredentialSubject.Achievement.Criteria = nil
				c.Issuer.Object.ID = other.Controller
				c.CredentialSubject.Extra = map[string]json.RawMessage{"nickname": json.RawMessage(`"Gopher"`)}
				c.Type = badge.Many("VerifiableCredential")
			},
			paths: []string{
				"$.credentialSubject.achievement.name", "$.credentialSubject.achievement.criteria",
				"$.issuer.id", "$.credentialSubject.nickname", "$.type",
			},
			is: []error{badge.ErrRequired, badge.ErrTypeMismatch, badge.ErrIssuerMismatch, vc.ErrUndefinedTerm},
		},
		{
			name:  "invalid date",
			edit:  func(c *badge.AchievementCredential) { c.ValidUntil = "tomorrow" },
			paths: []string{"$.validUntil"},
			is:    []error{badge.ErrInvalidValue, vc.ErrMalformed},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss := testIssuer(t, tt.format)
			c := testCredential(t, iss)
			tt.edit(c)
			s, err := iss.Issue(ctx, c)
			require.Error(t, err)
			assert.Nil(t, s)
			assert.ErrorIs(t, err, badge.ErrIssue)
			for _, is := range tt.is {
				assert.ErrorIs(t, err, is)
			}
			var ie *badge.IssueError
			require.ErrorAs(t, err, &ie)
			var paths []string
			for _, f := range ie.Fields() {
				paths = append(paths, f.Path)
			}
			for _, p := range tt.paths {
				assert.Contains(t, paths, p)
				assert.Contains(t, err.Error(), p)
			}
			assert.True(t, strings.HasPrefix(err.Error(), "badge: cannot issue credential: "), err.Error())
		})
	}
}

// The issuer binding error says what is wrong and why it matters.
func TestIssueIssuerMismatchMessage(t *testing.T) {
	iss := testIssuer(t, badge.DataIntegrity)
	c := testCredential(t, iss)
	c.Issuer.Object.ID = "https://example.org/issuers/1"
	_, err := iss.Issue(context.Background(), c)
	var im *badge.IssuerMismatchError
	require.ErrorAs(t, err, &im)
	assert.Equal(t, "https://example.org/issuers/1", im.Issuer)
	assert.Equal(t, testKey(t, 1).Controller, im.Controller)
	assert.Contains(t, err.Error(), "$.issuer.id: issuer \"https://example.org/issuers/1\" is not the controller")
	assert.Contains(t, err.Error(), "issuer binding")
}

// An explicit Controller is what the issuer must match (an https issuer
// whose key document lives elsewhere).
func TestIssueExplicitController(t *testing.T) {
	k := testKey(t, 1)
	iss := &badge.Issuer{
		Key:        proof.Key{Signer: k.Signer, VerificationMethod: "https://example.edu/keys/1"},
		Controller: "https://example.edu/issuers/1",
		Now:        fixedNow,
	}
	assert.Equal(t, "https://example.edu/issuers/1", iss.Profile("x").ID)
	c := testCredential(t, iss)
	_, err := iss.Issue(context.Background(), c)
	require.NoError(t, err)
	c.Issuer.Object.ID = "https://example.edu/keys/1"
	_, err = iss.Issue(context.Background(), c)
	assert.ErrorIs(t, err, badge.ErrIssuerMismatch)
}

func TestIssueCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	iss := testIssuer(t, badge.DataIntegrity)
	_, err := iss.Issue(ctx, testCredential(t, iss))
	assert.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, badge.ErrIssue)
}

// An Extra key that shadows a known member cannot be written.
func TestIssueShadowedMember(t *testing.T) {
	iss := testIssuer(t, badge.DataIntegrity)
	c := testCredential(t, iss)
	c.Extra = map[string]json.RawMessage{"name": json.RawMessage(`"x"`)}
	_, err := iss.Issue(context.Background(), c)
	assert.ErrorIs(t, err, badge.ErrIssue)
	assert.ErrorIs(t, err, badge.ErrShadowedMember)
}

func TestIssueJSON(t *testing.T) {
	ctx := context.Background()
	iss := testIssuer(t, badge.DataIntegrity)
	doc, err := json.MarshalIndent(testCredential(t, iss), "", "  ")
	require.NoError(t, err)

	s, err := iss.IssueJSON(ctx, doc)
	require.NoError(t, err)
	// The bytes are kept: the proof is appended after the last member.
	assert.True(t, bytes.HasPrefix(s.JSON, bytes.TrimRight(doc, "}\n")), "input bytes not kept")
	cred, err := vc.Parse(s.JSON)
	require.NoError(t, err)
	res, err := (&proof.Verifier{Now: fixedNow}).VerifyProofs(ctx, cred)
	require.NoError(t, err)
	assert.Equal(t, proof.StatusVerified, res[0].Status)

	iss.Format = badge.JWT
	s, err = iss.IssueJSON(ctx, doc)
	require.NoError(t, err)
	_, _, err = (&proof.Verifier{Now: fixedNow}).VerifyJWT(ctx, s.JWT)
	require.NoError(t, err)

	// An endorsement, and a plain VC of another type.
	e := endorser(t, badge.DataIntegrity)
	en, err := badge.NewEndorsement(e.Profile("E"), "https://example.edu/x", "ok", &badge.CredentialOptions{Now: fixedNow})
	require.NoError(t, err)
	enDoc, err := json.Marshal(en)
	require.NoError(t, err)
	_, err = e.IssueJSON(ctx, enDoc)
	require.NoError(t, err)
	plain := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],` +
		`"issuer":"` + testKey(t, 5).Controller + `","validFrom":"2024-01-01T00:00:00Z","credentialSubject":{"id":"did:example:x"}}`)
	s, err = e.IssueJSON(ctx, plain)
	require.NoError(t, err)
	assert.Empty(t, s.ID)
}

func TestIssueJSONRefuses(t *testing.T) {
	ctx := context.Background()
	iss := testIssuer(t, badge.DataIntegrity)
	tests := []struct {
		name string
		doc  string
		path string
		is   error
	}{
		{"not JSON", `{"a":`, "$", vc.ErrMalformed},
		{"duplicate key", `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential","type":"X"}`, "$", vc.ErrMalformed},
		{"case variant member of an OB credential",
			`{"@context":["https://www.w3.org/ns/credentials/v2","` + badge.ContextOB303 + `"],"type":["VerifiableCredential","OpenBadgeCredential"],"ISSUER":"x"}`,
			"$.ISSUER", badge.ErrCaseVariantMember},
		{"endorsement without name",
			`{"@context":["https://www.w3.org/ns/credentials/v2","` + badge.ContextOB303 + `"],"id":"urn:uuid:1","type":["VerifiableCredential","EndorsementCredential"],` +
				`"issuer":{"id":"` + testKey(t, 1).Controller + `","type":["Profile"]},"validFrom":"2024-01-01T00:00:00Z",` +
				`"credentialSubject":{"id":"https://example.edu/a","type":["EndorsementSubject"]}}`,
			"$.name", badge.ErrRequired},
		{"plain VC with an undefined term",
			`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"` + testKey(t, 1).Controller + `",` +
				`"validFrom":"2024-01-01T00:00:00Z","credentialSubject":{"id":"did:example:x","favouriteColour":"blue"}}`,
			"$.credentialSubject.favouriteColour", vc.ErrUndefinedTerm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := iss.IssueJSON(ctx, []byte(tt.doc))
			assert.ErrorIs(t, err, badge.ErrIssue)
			assert.ErrorIs(t, err, tt.is)
			var ie *badge.IssueError
			require.ErrorAs(t, err, &ie)
			var paths []string
			for _, f := range ie.Fields() {
				paths = append(paths, f.Path)
			}
			assert.Contains(t, paths, tt.path)
		})
	}
}

func TestIssueEndorsementRefuses(t *testing.T) {
	e := endorser(t, badge.DataIntegrity)
	en, err := badge.NewEndorsement(e.Profile("E"), "https://example.edu/x", "ok", nil)
	require.NoError(t, err)
	en.CredentialSubject.Type = badge.Many("Thing")
	_, err = e.IssueEndorsement(context.Background(), en)
	assert.ErrorIs(t, err, badge.ErrTypeMismatch)
	assert.ErrorContains(t, err, "$.credentialSubject.type")
	_, err = e.IssueEndorsement(context.Background(), nil)
	assert.ErrorIs(t, err, badge.ErrInvalidArgument)
	_, err = (&badge.Issuer{}).IssueEndorsement(context.Background(), en)
	assert.ErrorIs(t, err, badge.ErrInvalidKey)
	_, err = (&badge.Issuer{}).IssueJSON(context.Background(), nil)
	assert.ErrorIs(t, err, badge.ErrInvalidKey)
}

// Every field error matches the sentinel of its kind.
func TestIssueErrorFieldsMatch(t *testing.T) {
	iss := testIssuer(t, badge.DataIntegrity)
	c := testCredential(t, iss)
	c.CredentialSubject.Achievement.Description = ""
	c.CredentialSubject.Extra = map[string]json.RawMessage{"nickname": json.RawMessage(`"Gopher"`)}
	_, err := iss.Issue(context.Background(), c)
	var ie *badge.IssueError
	require.ErrorAs(t, err, &ie)
	want := map[string]error{
		"$.credentialSubject.achievement.description": badge.ErrRequired,
		"$.credentialSubject.nickname":                vc.ErrUndefinedTerm,
	}
	require.Len(t, ie.Fields(), len(want))
	for _, f := range ie.Fields() {
		assert.ErrorIs(t, f, want[f.Path], f.Path)
	}
}

// A VC 1.1 credential gets no validFrom: it needs issuanceDate, which Issue
// does not invent.
func TestIssueVC11NotCompleted(t *testing.T) {
	iss := testIssuer(t, badge.DataIntegrity)
	c := testCredential(t, iss)
	c.Context = badge.Contexts(badge.ContextVC11, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json")
	c.ValidFrom = ""
	_, err := iss.Issue(context.Background(), c)
	var ie *badge.IssueError
	require.ErrorAs(t, err, &ie)
	assert.ErrorContains(t, err, "$.issuanceDate")
	assert.NotContains(t, err.Error(), "$.validFrom")
}
