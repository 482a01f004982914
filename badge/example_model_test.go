package badge_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/openbadges-go/openbadges/badge"
)

// Build a credential with struct literals, validate it, and marshal it.
func ExampleAchievementCredential_Validate() {
	recipient := badge.NewHashedIdentityWithSalt(badge.IdentifierTypeEmailAddress, "a@example.com", "Kosher")
	c := badge.AchievementCredential{
		Context:   badge.Contexts(badge.ContextVC2, badge.ContextOB303),
		ID:        "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
		Type:      badge.Many("VerifiableCredential", "OpenBadgeCredential"),
		Name:      "Teamwork Badge",
		Issuer:    badge.Embed(&badge.Profile{ID: "https://example.com/issuers/876543", Type: badge.One("Profile"), Name: "Example Corp"}),
		ValidFrom: "2024-01-01T00:00:00Z",
		CredentialSubject: badge.AchievementSubject{
			Type:       badge.One("AchievementSubject"),
			Identifier: badge.Many(recipient),
			Achievement: &badge.Achievement{
				ID:              "https://example.com/achievements/teamwork",
				Type:            badge.One("Achievement"),
				AchievementType: badge.AchievementTypeBadge,
				Name:            "Teamwork",
				Description:     "Collaborates within a group.",
				Criteria:        &badge.Criteria{Narrative: "Nominated by peers."},
			},
		},
	}
	fmt.Println("valid:", c.Validate() == nil)

	c.CredentialSubject.Achievement.Criteria = nil
	c.Issuer.Object.Type = badge.One("Organization")
	var ve *badge.ValidationError
	if errors.As(c.Validate(), &ve) {
		for _, f := range ve.Fields {
			fmt.Println(f.Path, "-", errors.Is(f, badge.ErrRequired), errors.Is(f, badge.ErrTypeMismatch))
		}
	}
	// Output:
	// valid: true
	// $.credentialSubject.achievement.criteria - true false
	// $.issuer.type - false true
}

// Unknown and extension members survive a round trip unchanged.
func ExampleAchievementCredential_UnmarshalJSON() {
	in := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"OpenBadgeCredential","issuer":"did:example:1","ext:score":12345678901234567890}`)
	var c badge.AchievementCredential
	if err := json.Unmarshal(in, &c); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Issuer.IRI(), string(c.Extra["ext:score"]))
	out, _ := json.Marshal(c)
	fmt.Println(bytes.Equal(in, out))

	err := json.Unmarshal([]byte(`{"type":"OpenBadgeCredential","ISSUER":"did:evil"}`), &c)
	fmt.Println(errors.Is(err, badge.ErrCaseVariantMember))
	// Output:
	// did:example:1 12345678901234567890
	// true
	// true
}

// Match a recipient against a hashed identity.
func ExampleIdentityObject_Matches() {
	id := badge.NewHashedIdentityWithSalt(badge.IdentifierTypeEmailAddress, "a@example.com", "Kosher")
	fmt.Println(id.IdentityHash)
	ok, err := id.Matches(badge.IdentifierTypeEmailAddress, "A@Example.com")
	fmt.Println(ok, err)
	// Output:
	// sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399
	// true <nil>
}

// Validate a credential against the official schema it names.
func ExampleSchemaValidator_ValidateCredential() {
	v, err := badge.NewSchemaValidator()
	if err != nil {
		fmt.Println(err)
		return
	}
	doc := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
	"id":"urn:uuid:1","type":["VerifiableCredential","OpenBadgeCredential"],
	"issuer":{"id":"https://example.com/i","type":["Profile"]},"validFrom":"2024-01-01T00:00:00Z",
	"credentialSubject":{"id":"did:example:1","type":["AchievementSubject"]}}`)
	err = v.ValidateCredential(doc)
	var se *badge.SchemaError
	if errors.As(err, &se) {
		for _, x := range se.Violations {
			fmt.Println(x.Path(), x.Message)
		}
	}
	// Output:
	// $.credentialSubject missing property 'achievement'
}
