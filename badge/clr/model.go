package clr

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/openbadges-go/openbadges/badge"
)

// Context URLs and types of CLR 2.0.
const (
	// ContextCLR201 is the CLR 2.0 context that defines "partial" (the
	// one to use for new records).
	ContextCLR201 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
	// ContextCLR200 is the original CLR 2.0 context.
	ContextCLR200 = "https://purl.imsglobal.org/spec/clr/v2p0/context.json"
	// ContextOBExtensions is the 1EdTech extensions context that CLR
	// samples list after the OB context.
	ContextOBExtensions = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
	// SchemaClrCredential is the URL of the ClrCredential JSON Schema.
	SchemaClrCredential = "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json"

	TypeClrCredential = "ClrCredential"
	TypeClrSubject    = "ClrSubject"
	TypeAssociation   = "Association"
)

// ClrCredential is a Comprehensive Learner Record 2.0: a verifiable
// credential whose subject bundles complete, separately signed credentials
// (ClrSubject.VerifiableCredential), the definitions of the achievements
// they and the record talk about, and associations between them.
type ClrCredential struct {
	Context           badge.OneOrMany[badge.ContextEntry]          `json:"@context,omitzero"`
	ID                string                                       `json:"id,omitempty"`
	Type              badge.OneOrMany[string]                      `json:"type,omitzero"`
	Name              string                                       `json:"name,omitempty"`
	Description       string                                       `json:"description,omitempty"`
	Image             badge.IDOrObject[badge.Image]                `json:"image,omitzero"`
	Issuer            badge.IDOrObject[badge.Profile]              `json:"issuer,omitzero"`
	ValidFrom         badge.DateTime                               `json:"validFrom,omitempty"`
	ValidUntil        badge.DateTime                               `json:"validUntil,omitempty"`
	IssuanceDate      badge.DateTime                               `json:"issuanceDate,omitempty"`   // VC 1.1
	ExpirationDate    badge.DateTime                               `json:"expirationDate,omitempty"` // VC 1.1
	AwardedDate       badge.DateTime                               `json:"awardedDate,omitempty"`
	Partial           *bool                                        `json:"partial,omitempty"`
	CredentialSubject ClrSubject                                   `json:"credentialSubject,omitzero"`
	Endorsement       badge.OneOrMany[badge.EndorsementCredential] `json:"endorsement,omitzero"`
	EndorsementJwt    badge.OneOrMany[string]                      `json:"endorsementJwt,omitzero"`
	CredentialSchema  badge.OneOrMany[badge.CredentialSchema]      `json:"credentialSchema,omitzero"`
	CredentialStatus  badge.OneOrMany[badge.CredentialStatus]      `json:"credentialStatus,omitzero"`
	RefreshService    badge.OneOrMany[badge.RefreshService]        `json:"refreshService,omitzero"`
	TermsOfUse        badge.OneOrMany[badge.TermsOfUse]            `json:"termsOfUse,omitzero"`
	Proof             badge.OneOrMany[badge.Proof]                 `json:"proof,omitzero"`
	Extra             map[string]json.RawMessage                   `json:"-"`
}

// ClrSubject is the subject of a [ClrCredential]. VerifiableCredential
// holds each credential exactly as it was signed: a JSON object, or a JSON
// string holding a compact VC-JWT.
type ClrSubject struct {
	ID                   string                                `json:"id,omitempty"`
	Type                 badge.OneOrMany[string]               `json:"type,omitzero"`
	Identifier           badge.OneOrMany[badge.IdentityObject] `json:"identifier,omitzero"`
	VerifiableCredential []json.RawMessage                     `json:"verifiableCredential,omitempty"`
	Achievement          []badge.Achievement                   `json:"achievement,omitempty"`
	Association          []Association                         `json:"association,omitempty"`
	Extra                map[string]json.RawMessage            `json:"-"`
}

// IsZero reports whether s is empty (for omitzero).
func (s ClrSubject) IsZero() bool {
	return s.ID == "" && s.Type.IsZero() && s.Identifier.IsZero() && len(s.VerifiableCredential) == 0 &&
		len(s.Achievement) == 0 && len(s.Association) == 0 && len(s.Extra) == 0
}

// Association relates a source achievement to a target achievement, both
// named by their ids: "the source achievement is the child of the target
// achievement" for isChildOf, and so on (see [AssociationType]).
type Association struct {
	Type            badge.OneOrMany[string]    `json:"type,omitzero"`
	AssociationType AssociationType            `json:"associationType,omitempty"`
	SourceID        string                     `json:"sourceId,omitempty"`
	TargetID        string                     `json:"targetId,omitempty"`
	Extra           map[string]json.RawMessage `json:"-"`
}

// NewAssociation returns an Association of type t from source to target.
func NewAssociation(t AssociationType, sourceID, targetID string) Association {
	return Association{Type: badge.One(TypeAssociation), AssociationType: t, SourceID: sourceID, TargetID: targetID}
}

// AssociationType is the CLR 2.0 AssociationType vocabulary. Unknown values
// are kept on decode and reported by Validate.
type AssociationType string

// The eight CLR 2.0 association types.
const (
	ExactMatchOf AssociationType = "exactMatchOf" // the source is the same achievement as the target
	IsChildOf    AssociationType = "isChildOf"    // the source is a child of the target
	IsParentOf   AssociationType = "isParentOf"   // the source is the parent of the target
	IsPartOf     AssociationType = "isPartOf"     // the source is a part (component) of the target
	IsPeerOf     AssociationType = "isPeerOf"     // the source is a peer of the target (siblings, electives)
	IsRelatedTo  AssociationType = "isRelatedTo"  // a loose relation
	Precedes     AssociationType = "precedes"     // the source comes before the target
	ReplacedBy   AssociationType = "replacedBy"   // the source is superseded by the target
)

// AssociationTypes returns the eight association types, sorted.
func AssociationTypes() []AssociationType {
	return []AssociationType{ExactMatchOf, IsChildOf, IsParentOf, IsPartOf, IsPeerOf, IsRelatedTo, Precedes, ReplacedBy}
}

// Known reports whether t is one of the eight CLR 2.0 values.
func (t AssociationType) Known() bool { return slices.Contains(AssociationTypes(), t) }

// Inverse returns the type read from target to source, and false for
// types with no inverse in the vocabulary (precedes, replacedBy).
func (t AssociationType) Inverse() (AssociationType, bool) {
	switch t {
	case IsChildOf:
		return IsParentOf, true
	case IsParentOf:
		return IsChildOf, true
	case ExactMatchOf, IsPeerOf, IsRelatedTo:
		return t, true
	}
	return "", false
}

type clrCredentialAlias ClrCredential
type clrSubjectAlias ClrSubject
type associationAlias Association

// UnmarshalJSON decodes strictly and keeps unknown members in Extra.
func (c *ClrCredential) UnmarshalJSON(data []byte) error {
	var a clrCredentialAlias
	extra, err := decodeObject(data, &a, true)
	if err != nil {
		return err
	}
	a.Extra = extra
	*c = ClrCredential(a)
	return nil
}

// MarshalJSON writes the known members, then Extra in sorted order.
func (c ClrCredential) MarshalJSON() ([]byte, error) {
	a := clrCredentialAlias(c)
	return encodeObject(&a, c.Extra)
}

// UnmarshalJSON decodes and keeps unknown members in Extra.
func (s *ClrSubject) UnmarshalJSON(data []byte) error {
	var a clrSubjectAlias
	extra, err := decodeObject(data, &a, false)
	if err != nil {
		return err
	}
	for i, vc := range a.VerifiableCredential {
		if len(vc) == 0 || (vc[0] != '{' && vc[0] != '"') {
			return fmt.Errorf("%w: verifiableCredential[%d] is neither an object nor a JWT string", ErrMalformed, i)
		}
	}
	a.Extra = extra
	*s = ClrSubject(a)
	return nil
}

// MarshalJSON writes the known members, then Extra in sorted order.
func (s ClrSubject) MarshalJSON() ([]byte, error) {
	a := clrSubjectAlias(s)
	return encodeObject(&a, s.Extra)
}

// UnmarshalJSON decodes and keeps unknown members in Extra.
func (x *Association) UnmarshalJSON(data []byte) error {
	var a associationAlias
	extra, err := decodeObject(data, &a, false)
	if err != nil {
		return err
	}
	a.Extra = extra
	*x = Association(a)
	return nil
}

// MarshalJSON writes the known members, then Extra in sorted order.
func (x Association) MarshalJSON() ([]byte, error) {
	a := associationAlias(x)
	return encodeObject(&a, x.Extra)
}

// Parse decodes a ClrCredential from JSON, strictly, and checks the size
// bounds (at most DefaultMaxCredentials nested credentials, achievements
// and associations each).
func Parse(data []byte) (*ClrCredential, error) {
	var c ClrCredential
	if err := json.Unmarshal(data, &c); err != nil {
		if errors.Is(err, ErrMalformed) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if err := c.checkBounds(DefaultMaxCredentials); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *ClrCredential) checkBounds(limit int) error {
	s := &c.CredentialSubject
	for _, e := range []struct {
		name string
		n    int
	}{{"verifiableCredential", len(s.VerifiableCredential)}, {"achievement", len(s.Achievement)}, {"association", len(s.Association)}} {
		if e.n > limit {
			return &LimitError{What: e.name, Limit: limit, Got: e.n}
		}
	}
	return nil
}
