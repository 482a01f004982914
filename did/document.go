package did

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Relationship is a verification relationship (DID Core §5.3): the
// purpose for which a document's subject authorizes a verification method.
type Relationship string

// Verification relationships defined by DID Core. Credentials are checked
// against AssertionMethod, presentations against Authentication.
const (
	Authentication       Relationship = "authentication"
	AssertionMethod      Relationship = "assertionMethod"
	KeyAgreement         Relationship = "keyAgreement"
	CapabilityInvocation Relationship = "capabilityInvocation"
	CapabilityDelegation Relationship = "capabilityDelegation"
)

// Verification method types understood by [VerificationMethod.PublicKey].
const (
	TypeMultikey                   = "Multikey"
	TypeJsonWebKey                 = "JsonWebKey"
	TypeJsonWebKey2020             = "JsonWebKey2020"
	TypeEd25519VerificationKey2020 = "Ed25519VerificationKey2020"
	TypeEd25519VerificationKey2018 = "Ed25519VerificationKey2018"
	TypeEcdsaSecp256k1Key2019      = "EcdsaSecp256k1VerificationKey2019"
	TypeX25519KeyAgreementKey2019  = "X25519KeyAgreementKey2019"
	TypeX25519KeyAgreementKey2020  = "X25519KeyAgreementKey2020"
)

// JSON-LD contexts used in generated documents.
const (
	ContextDIDv1         = "https://www.w3.org/ns/did/v1"
	ContextMultikeyV1    = "https://w3id.org/security/multikey/v1"
	ContextEd25519V2020  = "https://w3id.org/security/suites/ed25519-2020/v1"
	ContextX25519V2020   = "https://w3id.org/security/suites/x25519-2020/v1"
	ContextJWS2020       = "https://w3id.org/security/suites/jws-2020/v1"
	ContextCredentialsV2 = "https://www.w3.org/ns/credentials/v2"
)

// Document is a DID document (DID Core §5), or a controller document
// served at an HTTPS URL (W3C Controlled Identifiers). Members this type
// does not model are kept in Extra and written back by MarshalJSON, so a
// document round-trips. Decoding is strict: duplicate member names and
// names that differ from a known member only by case are rejected.
type Document struct {
	Context              json.RawMessage // "@context", kept verbatim
	ID                   string
	AlsoKnownAs          []string
	Controller           StringSet
	VerificationMethod   []VerificationMethod
	Authentication       []MethodRef
	AssertionMethod      []MethodRef
	KeyAgreement         []MethodRef
	CapabilityInvocation []MethodRef
	CapabilityDelegation []MethodRef
	Service              []Service
	Extra                map[string]json.RawMessage
}

// ParseDocument decodes a DID document or controller document strictly.
// It does not check that the id matches anything; resolvers do.
func ParseDocument(data []byte) (*Document, error) {
	var d Document
	if err := d.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	return &d, nil
}

// UnmarshalJSON implements [json.Unmarshaler].
func (d *Document) UnmarshalJSON(data []byte) error {
	var x Document
	extra, err := decodeFields(data, map[string]any{
		"@context":             &x.Context,
		"id":                   &x.ID,
		"alsoKnownAs":          &x.AlsoKnownAs,
		"controller":           &x.Controller,
		"verificationMethod":   &x.VerificationMethod,
		"authentication":       &x.Authentication,
		"assertionMethod":      &x.AssertionMethod,
		"keyAgreement":         &x.KeyAgreement,
		"capabilityInvocation": &x.CapabilityInvocation,
		"capabilityDelegation": &x.CapabilityDelegation,
		"service":              &x.Service,
	})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidDocument, err)
	}
	x.Extra = extra
	*d = x
	return nil
}

// MarshalJSON implements [json.Marshaler].
func (d Document) MarshalJSON() ([]byte, error) {
	return encodeFields([]field{
		{"@context", d.Context, len(d.Context) == 0},
		{"id", d.ID, d.ID == ""},
		{"alsoKnownAs", d.AlsoKnownAs, d.AlsoKnownAs == nil},
		{"controller", d.Controller, d.Controller == nil},
		{"verificationMethod", d.VerificationMethod, d.VerificationMethod == nil},
		{"authentication", d.Authentication, d.Authentication == nil},
		{"assertionMethod", d.AssertionMethod, d.AssertionMethod == nil},
		{"keyAgreement", d.KeyAgreement, d.KeyAgreement == nil},
		{"capabilityInvocation", d.CapabilityInvocation, d.CapabilityInvocation == nil},
		{"capabilityDelegation", d.CapabilityDelegation, d.CapabilityDelegation == nil},
		{"service", d.Service, d.Service == nil},
	}, d.Extra)
}

// Clone returns a deep copy of d.
func (d *Document) Clone() *Document {
	if d == nil {
		return nil
	}
	b, err := json.Marshal(d)
	if err != nil {
		// Only an invalid Extra value can fail; copy what we can.
		c := *d
		return &c
	}
	var c Document
	if err := c.UnmarshalJSON(b); err != nil {
		c := *d
		return &c
	}
	return &c
}

// Relationship returns the entries of the given verification relationship.
// Relationships other than the five DID Core ones are read from Extra.
func (d *Document) Relationship(rel Relationship) []MethodRef {
	switch rel {
	case Authentication:
		return d.Authentication
	case AssertionMethod:
		return d.AssertionMethod
	case KeyAgreement:
		return d.KeyAgreement
	case CapabilityInvocation:
		return d.CapabilityInvocation
	case CapabilityDelegation:
		return d.CapabilityDelegation
	}
	raw, ok := d.Extra[string(rel)]
	if !ok {
		return nil
	}
	var refs []MethodRef
	if err := json.Unmarshal(raw, &refs); err != nil {
		return nil
	}
	return refs
}

// AbsoluteID resolves a verification method id that may be relative to the
// document ("#key-1") against the document's id.
func (d *Document) AbsoluteID(id string) string {
	if strings.HasPrefix(id, "#") || strings.HasPrefix(id, "?") {
		return d.ID + id
	}
	return id
}

// VerificationMethodByID returns the verification method whose absolute
// id equals id, looking in verificationMethod and at methods embedded in
// any relationship. It returns nil when there is none.
func (d *Document) VerificationMethodByID(id string) *VerificationMethod {
	id = d.AbsoluteID(id)
	for i := range d.VerificationMethod {
		if d.AbsoluteID(d.VerificationMethod[i].ID) == id {
			return &d.VerificationMethod[i]
		}
	}
	for _, rel := range []Relationship{Authentication, AssertionMethod, KeyAgreement, CapabilityInvocation, CapabilityDelegation} {
		for _, ref := range d.Relationship(rel) {
			if ref.Embedded != nil && d.AbsoluteID(ref.Embedded.ID) == id {
				return ref.Embedded
			}
		}
	}
	return nil
}

// Authorizes reports whether the document lists the verification method
// id (absolute, or relative to the document) under rel, by reference or
// embedded.
func (d *Document) Authorizes(id string, rel Relationship) bool {
	id = d.AbsoluteID(id)
	for _, ref := range d.Relationship(rel) {
		if d.AbsoluteID(ref.ID) == id {
			return true
		}
	}
	return false
}

// MethodRef is one entry of a verification relationship: either a
// reference (a DID URL, possibly relative) or an embedded verification
// method. For an embedded method ID is a copy of Embedded.ID.
type MethodRef struct {
	ID       string
	Embedded *VerificationMethod
}

// UnmarshalJSON accepts a string reference or an embedded method.
func (r *MethodRef) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		*r = MethodRef{ID: s}
		return nil
	}
	var vm VerificationMethod
	if err := vm.UnmarshalJSON(data); err != nil {
		return err
	}
	*r = MethodRef{ID: vm.ID, Embedded: &vm}
	return nil
}

// MarshalJSON writes the embedded method, or the reference string.
func (r MethodRef) MarshalJSON() ([]byte, error) {
	if r.Embedded != nil {
		return r.Embedded.MarshalJSON()
	}
	return json.Marshal(r.ID)
}

// VerificationMethod is a public key with its id and controller (DID Core
// §5.2, Controlled Identifiers §2.2). Exactly one of the key members is
// normally set: PublicKeyMultibase (Multikey, Ed25519VerificationKey2020),
// PublicKeyJWK (JsonWebKey, JsonWebKey2020) or PublicKeyBase58 (the
// deprecated Ed25519VerificationKey2018 form). A standalone key document
// served at an HTTPS URL also decodes into this type.
type VerificationMethod struct {
	ID                 string
	Type               string
	Controller         string
	PublicKeyMultibase string
	PublicKeyJWK       *JWK
	PublicKeyBase58    string
	Extra              map[string]json.RawMessage
}

// UnmarshalJSON implements [json.Unmarshaler] (strict, see [Document]).
func (vm *VerificationMethod) UnmarshalJSON(data []byte) error {
	var x VerificationMethod
	extra, err := decodeFields(data, map[string]any{
		"id":                 &x.ID,
		"type":               &x.Type,
		"controller":         &x.Controller,
		"publicKeyMultibase": &x.PublicKeyMultibase,
		"publicKeyJwk":       &x.PublicKeyJWK,
		"publicKeyBase58":    &x.PublicKeyBase58,
	})
	if err != nil {
		return fmt.Errorf("verification method: %v", err)
	}
	x.Extra = extra
	*vm = x
	return nil
}

// MarshalJSON implements [json.Marshaler].
func (vm VerificationMethod) MarshalJSON() ([]byte, error) {
	return encodeFields([]field{
		{"id", vm.ID, vm.ID == ""},
		{"type", vm.Type, vm.Type == ""},
		{"controller", vm.Controller, vm.Controller == ""},
		{"publicKeyMultibase", vm.PublicKeyMultibase, vm.PublicKeyMultibase == ""},
		{"publicKeyJwk", vm.PublicKeyJWK, vm.PublicKeyJWK == nil},
		{"publicKeyBase58", vm.PublicKeyBase58, vm.PublicKeyBase58 == ""},
	}, vm.Extra)
}

// hasKeyMaterial reports whether vm carries a public key member.
func (vm *VerificationMethod) hasKeyMaterial() bool {
	return vm.PublicKeyMultibase != "" || vm.PublicKeyJWK != nil || vm.PublicKeyBase58 != ""
}

// Service is a service endpoint (DID Core §5.4). ServiceEndpoint is kept
// verbatim: it may be a URL string, a map or a set.
type Service struct {
	ID              string
	Type            StringSet
	ServiceEndpoint json.RawMessage
	Extra           map[string]json.RawMessage
}

// UnmarshalJSON implements [json.Unmarshaler] (strict, see [Document]).
func (s *Service) UnmarshalJSON(data []byte) error {
	var x Service
	extra, err := decodeFields(data, map[string]any{
		"id":              &x.ID,
		"type":            &x.Type,
		"serviceEndpoint": &x.ServiceEndpoint,
	})
	if err != nil {
		return fmt.Errorf("service: %v", err)
	}
	x.Extra = extra
	*s = x
	return nil
}

// MarshalJSON implements [json.Marshaler].
func (s Service) MarshalJSON() ([]byte, error) {
	return encodeFields([]field{
		{"id", s.ID, s.ID == ""},
		{"type", s.Type, s.Type == nil},
		{"serviceEndpoint", s.ServiceEndpoint, len(s.ServiceEndpoint) == 0},
	}, s.Extra)
}

// asKeyDocument reports whether the document is really a standalone
// verification method (a key document: it has a type and key material and
// no verificationMethod list) and returns it as such.
func (d *Document) asKeyDocument() (*VerificationMethod, bool) {
	if _, ok := d.Extra["type"]; !ok || len(d.VerificationMethod) > 0 {
		return nil, false
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, false
	}
	var vm VerificationMethod
	if err := vm.UnmarshalJSON(b); err != nil {
		return nil, false
	}
	if vm.Type == "" || !vm.hasKeyMaterial() {
		return nil, false
	}
	// A key document's controller is a single string.
	if len(d.Controller) == 1 {
		vm.Controller = d.Controller[0]
	}
	return &vm, true
}

var errNilDocument = errors.New("did: resolver returned no document")
