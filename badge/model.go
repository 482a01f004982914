package badge

import (
	"encoding/json"
	"reflect"
)

// The Open Badges 3.0 data model (OB 3.0 §B "Data Models";
// common_credentials.lines), as Go types.
//
// Conventions, shared by every type below:
//
//   - Optional strings and IRIs are plain strings, omitted when empty.
//     Numbers are [json.Number] (the exact literal; "" means absent), and
//     date-times are [DateTime] (the exact text).
//   - Properties that may be one value or an array are [OneOrMany]; those
//     that may be an IRI or an embedded object are [IDOrObject]. Both are
//     written back in the shape they were read in.
//   - Members the type does not define (extensions, and terms of other
//     vocabularies) are kept in Extra, byte for byte, and written after the
//     known members in sorted key order. An Extra key may not name a known
//     member.
//   - Decoding is strict: see [AchievementCredential.UnmarshalJSON].
//
// VC 2.0 is what we write (validFrom/validUntil). VC 1.1 credentials
// (issuanceDate/expirationDate, https://www.w3.org/2018/credentials/v1) are
// read too; their dates land in IssuanceDate and ExpirationDate.

// AchievementCredential is an Open Badges 3.0 credential
// ("AchievementCredential", also typed "OpenBadgeCredential"): an awarded
// achievement, as a W3C Verifiable Credential.
type AchievementCredential struct {
	Context           OneOrMany[ContextEntry]          `json:"@context,omitzero"`
	ID                string                           `json:"id,omitempty"`
	Type              OneOrMany[string]                `json:"type,omitzero"`
	Name              string                           `json:"name,omitempty"`
	Description       string                           `json:"description,omitempty"`
	Image             IDOrObject[Image]                `json:"image,omitzero"`
	Issuer            IDOrObject[Profile]              `json:"issuer,omitzero"`
	ValidFrom         DateTime                         `json:"validFrom,omitempty"`
	ValidUntil        DateTime                         `json:"validUntil,omitempty"`
	IssuanceDate      DateTime                         `json:"issuanceDate,omitempty"`   // VC 1.1
	ExpirationDate    DateTime                         `json:"expirationDate,omitempty"` // VC 1.1
	AwardedDate       DateTime                         `json:"awardedDate,omitempty"`
	CredentialSubject AchievementSubject               `json:"credentialSubject,omitzero"`
	Endorsement       OneOrMany[EndorsementCredential] `json:"endorsement,omitzero"`
	EndorsementJwt    OneOrMany[string]                `json:"endorsementJwt,omitzero"`
	Evidence          OneOrMany[Evidence]              `json:"evidence,omitzero"`
	CredentialSchema  OneOrMany[CredentialSchema]      `json:"credentialSchema,omitzero"`
	CredentialStatus  OneOrMany[CredentialStatus]      `json:"credentialStatus,omitzero"`
	RefreshService    OneOrMany[RefreshService]        `json:"refreshService,omitzero"`
	TermsOfUse        OneOrMany[TermsOfUse]            `json:"termsOfUse,omitzero"`
	Proof             OneOrMany[Proof]                 `json:"proof,omitzero"`
	Extra             map[string]json.RawMessage       `json:"-"`
}

// OpenBadgeCredential is the other name the spec gives AchievementCredential.
type OpenBadgeCredential = AchievementCredential

// EndorsementCredential is a credential that endorses an issuer, an
// achievement or another credential.
type EndorsementCredential struct {
	Context           OneOrMany[ContextEntry]     `json:"@context,omitzero"`
	ID                string                      `json:"id,omitempty"`
	Type              OneOrMany[string]           `json:"type,omitzero"`
	Name              string                      `json:"name,omitempty"`
	Description       string                      `json:"description,omitempty"`
	Issuer            IDOrObject[Profile]         `json:"issuer,omitzero"`
	ValidFrom         DateTime                    `json:"validFrom,omitempty"`
	ValidUntil        DateTime                    `json:"validUntil,omitempty"`
	IssuanceDate      DateTime                    `json:"issuanceDate,omitempty"`   // VC 1.1
	ExpirationDate    DateTime                    `json:"expirationDate,omitempty"` // VC 1.1
	AwardedDate       DateTime                    `json:"awardedDate,omitempty"`
	CredentialSubject EndorsementSubject          `json:"credentialSubject,omitzero"`
	CredentialSchema  OneOrMany[CredentialSchema] `json:"credentialSchema,omitzero"`
	CredentialStatus  OneOrMany[CredentialStatus] `json:"credentialStatus,omitzero"`
	RefreshService    OneOrMany[RefreshService]   `json:"refreshService,omitzero"`
	TermsOfUse        OneOrMany[TermsOfUse]       `json:"termsOfUse,omitzero"`
	Proof             OneOrMany[Proof]            `json:"proof,omitzero"`
	Extra             map[string]json.RawMessage  `json:"-"`
}

// AchievementSubject is the recipient of an achievement and what they
// achieved. Either ID or at least one Identifier is required.
type AchievementSubject struct {
	ID                string                     `json:"id,omitempty"`
	Type              OneOrMany[string]          `json:"type,omitzero"`
	ActivityEndDate   DateTime                   `json:"activityEndDate,omitempty"`
	ActivityStartDate DateTime                   `json:"activityStartDate,omitempty"`
	CreditsEarned     json.Number                `json:"creditsEarned,omitempty"`
	Achievement       *Achievement               `json:"achievement,omitempty"`
	Identifier        OneOrMany[IdentityObject]  `json:"identifier,omitzero"`
	Image             IDOrObject[Image]          `json:"image,omitzero"`
	LicenseNumber     string                     `json:"licenseNumber,omitempty"`
	Narrative         string                     `json:"narrative,omitempty"`
	Result            OneOrMany[Result]          `json:"result,omitzero"`
	Role              string                     `json:"role,omitempty"`
	Source            *Profile                   `json:"source,omitempty"`
	Term              string                     `json:"term,omitempty"`
	Extra             map[string]json.RawMessage `json:"-"`
}

// Achievement describes the accomplishment a credential recognizes.
type Achievement struct {
	ID                string                           `json:"id,omitempty"`
	Type              OneOrMany[string]                `json:"type,omitzero"`
	Alignment         OneOrMany[Alignment]             `json:"alignment,omitzero"`
	AchievementType   AchievementType                  `json:"achievementType,omitempty"`
	Creator           *Profile                         `json:"creator,omitempty"`
	CreditsAvailable  json.Number                      `json:"creditsAvailable,omitempty"`
	Criteria          *Criteria                        `json:"criteria,omitempty"`
	Description       string                           `json:"description,omitempty"`
	Endorsement       OneOrMany[EndorsementCredential] `json:"endorsement,omitzero"`
	EndorsementJwt    OneOrMany[string]                `json:"endorsementJwt,omitzero"`
	FieldOfStudy      string                           `json:"fieldOfStudy,omitempty"`
	HumanCode         string                           `json:"humanCode,omitempty"`
	Image             IDOrObject[Image]                `json:"image,omitzero"`
	InLanguage        string                           `json:"inLanguage,omitempty"`
	Name              string                           `json:"name,omitempty"`
	OtherIdentifier   OneOrMany[IdentifierEntry]       `json:"otherIdentifier,omitzero"`
	Related           OneOrMany[Related]               `json:"related,omitzero"`
	ResultDescription OneOrMany[ResultDescription]     `json:"resultDescription,omitzero"`
	Specialization    string                           `json:"specialization,omitempty"`
	Tag               OneOrMany[string]                `json:"tag,omitzero"`
	Version           string                           `json:"version,omitempty"`
	Extra             map[string]json.RawMessage       `json:"-"`
}

// Profile describes a person or organization: issuers, creators, endorsers,
// sources and parent organizations.
type Profile struct {
	ID               string                           `json:"id,omitempty"`
	Type             OneOrMany[string]                `json:"type,omitzero"`
	Name             string                           `json:"name,omitempty"`
	URL              string                           `json:"url,omitempty"`
	Phone            string                           `json:"phone,omitempty"`
	Description      string                           `json:"description,omitempty"`
	Endorsement      OneOrMany[EndorsementCredential] `json:"endorsement,omitzero"`
	EndorsementJwt   OneOrMany[string]                `json:"endorsementJwt,omitzero"`
	Image            IDOrObject[Image]                `json:"image,omitzero"`
	Email            string                           `json:"email,omitempty"`
	Address          *Address                         `json:"address,omitempty"`
	OtherIdentifier  OneOrMany[IdentifierEntry]       `json:"otherIdentifier,omitzero"`
	Official         string                           `json:"official,omitempty"`
	ParentOrg        *Profile                         `json:"parentOrg,omitempty"`
	FamilyName       string                           `json:"familyName,omitempty"`
	GivenName        string                           `json:"givenName,omitempty"`
	AdditionalName   string                           `json:"additionalName,omitempty"`
	PatronymicName   string                           `json:"patronymicName,omitempty"`
	HonorificPrefix  string                           `json:"honorificPrefix,omitempty"`
	HonorificSuffix  string                           `json:"honorificSuffix,omitempty"`
	FamilyNamePrefix string                           `json:"familyNamePrefix,omitempty"`
	DateOfBirth      string                           `json:"dateOfBirth,omitempty"`
	Extra            map[string]json.RawMessage       `json:"-"`
}

// Alignment links an achievement or result to a node of an educational
// framework.
type Alignment struct {
	Type              OneOrMany[string]          `json:"type,omitzero"`
	TargetCode        string                     `json:"targetCode,omitempty"`
	TargetDescription string                     `json:"targetDescription,omitempty"`
	TargetName        string                     `json:"targetName,omitempty"`
	TargetFramework   string                     `json:"targetFramework,omitempty"`
	TargetType        AlignmentTargetType        `json:"targetType,omitempty"`
	TargetURL         string                     `json:"targetUrl,omitempty"`
	Extra             map[string]json.RawMessage `json:"-"`
}

// Criteria says how the achievement is earned (an id, a narrative, or both).
type Criteria struct {
	ID        string                     `json:"id,omitempty"`
	Narrative string                     `json:"narrative,omitempty"`
	Extra     map[string]json.RawMessage `json:"-"`
}

// Evidence describes work that led to the award.
type Evidence struct {
	ID          string                     `json:"id,omitempty"`
	Type        OneOrMany[string]          `json:"type,omitzero"`
	Narrative   string                     `json:"narrative,omitempty"`
	Name        string                     `json:"name,omitempty"`
	Description string                     `json:"description,omitempty"`
	Genre       string                     `json:"genre,omitempty"`
	Audience    string                     `json:"audience,omitempty"`
	Extra       map[string]json.RawMessage `json:"-"`
}

// Image is an image with metadata. The schema allows no other members;
// Extra is kept for fidelity and reported by Validate.
type Image struct {
	ID      string                     `json:"id,omitempty"`
	Type    OneOrMany[string]          `json:"type,omitzero"`
	Caption string                     `json:"caption,omitempty"`
	Extra   map[string]json.RawMessage `json:"-"`
}

// IdentityObject identifies a recipient, in plain text or as a salted hash
// ("sha256$<hex>"); see [NewHashedIdentity] and [IdentityObject.Matches].
// The schema allows no other members.
type IdentityObject struct {
	Type         OneOrMany[string]          `json:"type,omitzero"`
	Hashed       bool                       `json:"hashed"`
	IdentityHash string                     `json:"identityHash,omitempty"`
	IdentityType IdentifierType             `json:"identityType,omitempty"`
	Salt         string                     `json:"salt,omitempty"`
	Extra        map[string]json.RawMessage `json:"-"`
}

// IdentifierEntry is one identifier of an achievement or profile. The schema
// allows no other members.
type IdentifierEntry struct {
	Type           OneOrMany[string]          `json:"type,omitzero"`
	Identifier     string                     `json:"identifier,omitempty"`
	IdentifierType IdentifierType             `json:"identifierType,omitempty"`
	Extra          map[string]json.RawMessage `json:"-"`
}

// Result is a result the recipient achieved.
type Result struct {
	Type              OneOrMany[string]          `json:"type,omitzero"`
	AchievedLevel     string                     `json:"achievedLevel,omitempty"`
	Alignment         OneOrMany[Alignment]       `json:"alignment,omitzero"`
	ResultDescription string                     `json:"resultDescription,omitempty"`
	Status            ResultStatusType           `json:"status,omitempty"`
	Value             string                     `json:"value,omitempty"`
	Extra             map[string]json.RawMessage `json:"-"`
}

// ResultDescription describes a possible result of an achievement.
type ResultDescription struct {
	ID                   string                          `json:"id,omitempty"`
	Type                 OneOrMany[string]               `json:"type,omitzero"`
	Alignment            OneOrMany[Alignment]            `json:"alignment,omitzero"`
	AllowedValue         OneOrMany[string]               `json:"allowedValue,omitzero"`
	Name                 string                          `json:"name,omitempty"`
	RequiredLevel        string                          `json:"requiredLevel,omitempty"`
	RequiredValue        string                          `json:"requiredValue,omitempty"`
	ResultType           ResultType                      `json:"resultType,omitempty"`
	RubricCriterionLevel OneOrMany[RubricCriterionLevel] `json:"rubricCriterionLevel,omitzero"`
	ValueMax             string                          `json:"valueMax,omitempty"`
	ValueMin             string                          `json:"valueMin,omitempty"`
	Extra                map[string]json.RawMessage      `json:"-"`
}

// RubricCriterionLevel is one level of a rubric criterion.
type RubricCriterionLevel struct {
	ID          string                     `json:"id,omitempty"`
	Type        OneOrMany[string]          `json:"type,omitzero"`
	Alignment   OneOrMany[Alignment]       `json:"alignment,omitzero"`
	Description string                     `json:"description,omitempty"`
	Level       string                     `json:"level,omitempty"`
	Name        string                     `json:"name,omitempty"`
	Points      string                     `json:"points,omitempty"`
	Extra       map[string]json.RawMessage `json:"-"`
}

// Related identifies another achievement that should be considered the same
// for most purposes (another language edition, a previous version).
type Related struct {
	ID         string                     `json:"id,omitempty"`
	Type       OneOrMany[string]          `json:"type,omitzero"`
	InLanguage string                     `json:"inLanguage,omitempty"`
	Version    string                     `json:"version,omitempty"`
	Extra      map[string]json.RawMessage `json:"-"`
}

// Address is a postal address.
type Address struct {
	Type                OneOrMany[string]          `json:"type,omitzero"`
	AddressCountry      string                     `json:"addressCountry,omitempty"`
	AddressCountryCode  string                     `json:"addressCountryCode,omitempty"`
	AddressRegion       string                     `json:"addressRegion,omitempty"`
	AddressLocality     string                     `json:"addressLocality,omitempty"`
	StreetAddress       string                     `json:"streetAddress,omitempty"`
	PostOfficeBoxNumber string                     `json:"postOfficeBoxNumber,omitempty"`
	PostalCode          string                     `json:"postalCode,omitempty"`
	Geo                 *GeoCoordinates            `json:"geo,omitempty"`
	Extra               map[string]json.RawMessage `json:"-"`
}

// GeoCoordinates is a WGS84 position.
type GeoCoordinates struct {
	Type      OneOrMany[string]          `json:"type,omitzero"`
	Latitude  json.Number                `json:"latitude,omitempty"`
	Longitude json.Number                `json:"longitude,omitempty"`
	Extra     map[string]json.RawMessage `json:"-"`
}

// EndorsementSubject is what an endorsement endorses, and the comment.
type EndorsementSubject struct {
	ID                 string                     `json:"id,omitempty"`
	Type               OneOrMany[string]          `json:"type,omitzero"`
	EndorsementComment string                     `json:"endorsementComment,omitempty"`
	Extra              map[string]json.RawMessage `json:"-"`
}

// CredentialSchema names a JSON Schema the credential conforms to
// (type "1EdTechJsonSchemaValidator2019"); see [SchemaValidator].
type CredentialSchema struct {
	ID    string                     `json:"id,omitempty"`
	Type  string                     `json:"type,omitempty"`
	Extra map[string]json.RawMessage `json:"-"`
}

// CredentialStatus points at a status list entry. Members specific to the
// status method (statusPurpose, statusListIndex, ...) are kept in Extra.
type CredentialStatus struct {
	ID    string                     `json:"id,omitempty"`
	Type  string                     `json:"type,omitempty"`
	Extra map[string]json.RawMessage `json:"-"`
}

// RefreshService says where a fresher copy of the credential can be had.
type RefreshService struct {
	ID    string                     `json:"id,omitempty"`
	Type  string                     `json:"type,omitempty"`
	Extra map[string]json.RawMessage `json:"-"`
}

// TermsOfUse states terms under which the credential is issued.
type TermsOfUse struct {
	ID    string                     `json:"id,omitempty"`
	Type  string                     `json:"type,omitempty"`
	Extra map[string]json.RawMessage `json:"-"`
}

// Proof is an embedded proof, as data. This package does not check proofs;
// see package proof. Suite-specific members (jws, @context, ...) are kept in
// Extra.
type Proof struct {
	Type               string                     `json:"type,omitempty"`
	Created            DateTime                   `json:"created,omitempty"`
	Cryptosuite        string                     `json:"cryptosuite,omitempty"`
	Challenge          string                     `json:"challenge,omitempty"`
	Domain             string                     `json:"domain,omitempty"`
	Nonce              string                     `json:"nonce,omitempty"`
	ProofPurpose       string                     `json:"proofPurpose,omitempty"`
	ProofValue         string                     `json:"proofValue,omitempty"`
	VerificationMethod string                     `json:"verificationMethod,omitempty"`
	Extra              map[string]json.RawMessage `json:"-"`
}

func modelTypes() []reflect.Type {
	return []reflect.Type{
		reflect.TypeFor[AchievementCredential](),
		reflect.TypeFor[EndorsementCredential](),
		reflect.TypeFor[AchievementSubject](),
		reflect.TypeFor[Achievement](),
		reflect.TypeFor[Profile](),
		reflect.TypeFor[Alignment](),
		reflect.TypeFor[Criteria](),
		reflect.TypeFor[Evidence](),
		reflect.TypeFor[Image](),
		reflect.TypeFor[IdentityObject](),
		reflect.TypeFor[IdentifierEntry](),
		reflect.TypeFor[Result](),
		reflect.TypeFor[ResultDescription](),
		reflect.TypeFor[RubricCriterionLevel](),
		reflect.TypeFor[Related](),
		reflect.TypeFor[Address](),
		reflect.TypeFor[GeoCoordinates](),
		reflect.TypeFor[EndorsementSubject](),
		reflect.TypeFor[CredentialSchema](),
		reflect.TypeFor[CredentialStatus](),
		reflect.TypeFor[RefreshService](),
		reflect.TypeFor[TermsOfUse](),
		reflect.TypeFor[Proof](),
	}
}
