package badge

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loadCredential(t testing.TB, name string) *AchievementCredential {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "examples", filepath.FromSlash(name)))
	require.NoError(t, err)
	var c AchievementCredential
	require.NoError(t, json.Unmarshal(b, &c))
	return &c
}

// The 1EdTech validator's *-err-* samples each break one thing; Validate
// must report it at the stated path.
func TestValidateValidatorErrorSamples(t *testing.T) {
	tests := []struct {
		file string
		path string
		is   error
	}{
		{"simple-err-type.json", "$.type", ErrTypeMismatch},
		{"simple-err-context.json", "$.@context[0]", ErrInvalidValue},
		{"simple-err-issuer.json", "$.issuer", ErrRequired},
		{"simple-err-issuer-type.json", "$.issuer.type", ErrTypeMismatch},
		{"simple-err-issuer-parentorg-type.json", "$.issuer.parentOrg.type", ErrTypeMismatch},
		{"simple-err-issuer-otheridentifier-type.json", "$.issuer.otherIdentifier[1].type", ErrTypeMismatch},
		{"simple-err-credential-subject-type.json", "$.credentialSubject.type", ErrTypeMismatch},
		{"simple-err-credential-subject-profile-type.json", "$.credentialSubject.source.type", ErrTypeMismatch},
		{"simple-err-credential-subject-identifier-type.json", "$.credentialSubject.identifier[0].type", ErrTypeMismatch},
		{"simple-err-credential-subject-result-type.json", "$.credentialSubject.result[1].type", ErrTypeMismatch},
		{"simple-err-credential-subject-achievement-result-description-type.json", "$.credentialSubject.achievement.resultDescription[2].type", ErrTypeMismatch},
		{"simple-err-evidence-type.json", "$.evidence[1].type", ErrTypeMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c := loadCredential(t, "validator/ob30/"+tt.file)
			err := c.Validate()
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidCredential)
			assert.ErrorIs(t, err, tt.is)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.True(t, ve.Has(tt.path), "want a problem at %s, got %v", tt.path, ve)
			assert.True(t, strings.HasPrefix(err.Error(), "badge: "))
			for _, f := range ve.Fields {
				assert.True(t, errors.Is(f, tt.is) || f.Path != tt.path)
			}
		})
	}
}

// Samples whose data model is valid (their errors, if any, are about
// dates, proofs or status, which Validate does not check), and three whose
// data model is not, with the problems Validate reports.
func TestValidateValidatorOtherSamples(t *testing.T) {
	tests := map[string][]string{
		"simple.json": nil, "complete.json": nil, "simple_v1.json": nil,
		"simple-context-alias.json": nil, "simple-context-version.json": nil, "simple-did-key-method.json": nil,
		"simple-did-web-method.json": nil, "simple-eddsa-2022.json": nil, "simple-multiple-proofs.json": nil,
		"credential-status-revoked.json": nil, "simple-err-expired.json": nil,
		"simple-err-proof-method.json": nil, "simple-err-proof-method-no-scheme.json": nil,
		"simple-err-proof-method-unknown-did-method.json": nil, "simple-err-proof-method-unknown-scheme.json": nil,
		"simple-err-proof-value.json": nil, "bit-string-list/credential-status-revoked.json": nil,
		"bit-string-list/credential-status-revoked-blank-nodes.json": nil,
		// About the future validFrom, but it also lacks the REQUIRED achievement.
		"simple-err-issued.json": {"$.credentialSubject.achievement"},
		"simple-noproof.json":    {"$.credentialSubject.achievement"},
		// VC 1.1 sample written against context.json (3.0.0): embedded
		// endorsements without id/name, and identityType "email" (the
		// vocabulary value is "emailAddress").
		"complete_v1.json": {
			"$.credentialSubject.achievement.creator.endorsement[0].id",
			"$.credentialSubject.achievement.creator.endorsement[1].id",
			"$.credentialSubject.achievement.creator.endorsement[1].name",
			"$.credentialSubject.achievement.endorsement[0].id",
			"$.credentialSubject.identifier[0].identityType",
			"$.credentialSubject.identifier[1].identityType",
			"$.endorsement[0].id",
			"$.issuer.endorsement[0].id",
		},
	}
	for f, want := range tests {
		t.Run(f, func(t *testing.T) {
			err := loadCredential(t, "validator/ob30/"+f).Validate()
			if want == nil {
				assert.NoError(t, err)
				return
			}
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			var got []string
			for _, fe := range ve.Fields {
				got = append(got, fe.Path)
			}
			assert.Equal(t, want, got)
		})
	}
}

func TestValidateEndorsementSamples(t *testing.T) {
	for _, f := range []string{"validator/ob30/endorsement-valid.json", "validator/ob30/endorsement-err-schema-status-refresh.json", "spec/examples_endorsement__01__Sample-EndorsementCredential.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "examples", filepath.FromSlash(f)))
		require.NoError(t, err)
		var e EndorsementCredential
		require.NoError(t, json.Unmarshal(b, &e))
		assert.NoError(t, e.Validate(), f)
	}
}

func TestValidateGathersEverythingSorted(t *testing.T) {
	c := AchievementCredential{
		Context: Contexts(ContextVC2),
		Type:    Many("VerifiableCredential"),
		Issuer:  Embed(&Profile{Type: One("Organization")}),
		CredentialSubject: AchievementSubject{
			Type:        One("AchievementSubject"),
			Achievement: &Achievement{Type: One("Achievement"), AchievementType: "Nonsense"},
			Identifier:  Many(IdentityObject{Type: One("IdentityObject"), Hashed: true, IdentityHash: "sha1$00", IdentityType: "emailAddress"}),
		},
		ValidFrom: "yesterday",
		Evidence:  One(Evidence{}),
		Image:     Embed(&Image{ID: "https://x/i.png", Type: One("Image"), Extra: map[string]json.RawMessage{"width": json.RawMessage("5")}}),
	}
	err := c.Validate()
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	var paths []string
	for _, f := range ve.Fields {
		paths = append(paths, f.Path)
	}
	assert.Equal(t, []string{
		"$.@context",
		"$.credentialSubject.achievement.achievementType",
		"$.credentialSubject.achievement.criteria",
		"$.credentialSubject.achievement.description",
		"$.credentialSubject.achievement.id",
		"$.credentialSubject.achievement.name",
		"$.credentialSubject.identifier[0].identityHash",
		"$.evidence.type",
		"$.id",
		"$.image.width",
		"$.issuer.id",
		"$.issuer.type",
		"$.type",
		"$.validFrom",
	}, paths)
	assert.Equal(t, err.Error(), c.Validate().Error(), "deterministic")
	assert.ErrorIs(t, err, ErrNotAllowed)
	assert.ErrorIs(t, err, ErrInvalidIdentityHash)
}

func TestValidateVC11NeedsIssuanceDate(t *testing.T) {
	c := loadCredential(t, "validator/ob30/simple_v1.json")
	require.NoError(t, c.Validate())
	c.IssuanceDate = ""
	var ve *ValidationError
	require.ErrorAs(t, c.Validate(), &ve)
	assert.True(t, ve.Has("$.issuanceDate"))
}

func TestEnums(t *testing.T) {
	assert.True(t, AchievementTypeBadge.Known())
	assert.True(t, AchievementType("ext:MyBadge").Valid())
	assert.False(t, AchievementType("ext:MyBadge").Known())
	assert.False(t, AchievementType("ext:").Valid())
	assert.False(t, AchievementType("Nonsense").Valid())
	assert.False(t, AchievementType("ext:a b").Valid())
	assert.True(t, AlignmentTargetTypeCeasnCompetency.Known())
	assert.False(t, ResultStatusType("ext:Paused").Valid(), "ResultStatusType is closed")
	assert.True(t, IdentifierTypeEmailAddress.Valid())
	assert.True(t, ResultTypeStatus.Known())
}
