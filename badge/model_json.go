package badge

// Code below is one MarshalJSON/UnmarshalJSON pair per model type; all of
// them delegate to the engine in model_codec.go.

import "reflect"

// UnmarshalJSON decodes an AchievementCredential strictly: the input must be
// well-formed UTF-8 JSON without duplicate keys (checked at every depth); a
// member whose name differs from a known member only by case is an error
// ([ErrCaseVariantMember]); null is refused; unknown members go to Extra
// byte for byte. Errors are [*DecodeError] values naming the JSON path.
func (v *AchievementCredential) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes the known members in struct order, then Extra in
// sorted key order. It fails with [ErrShadowedMember] if an Extra key names a
// known member.
func (v AchievementCredential) MarshalJSON() ([]byte, error) {
	return marshalValue(reflect.ValueOf(&v).Elem())
}

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *EndorsementCredential) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v EndorsementCredential) MarshalJSON() ([]byte, error) {
	return marshalValue(reflect.ValueOf(&v).Elem())
}

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *AchievementSubject) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v AchievementSubject) MarshalJSON() ([]byte, error) {
	return marshalValue(reflect.ValueOf(&v).Elem())
}

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *Achievement) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v Achievement) MarshalJSON() ([]byte, error) { return marshalValue(reflect.ValueOf(&v).Elem()) }

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *Profile) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v Profile) MarshalJSON() ([]byte, error) { return marshalValue(reflect.ValueOf(&v).Elem()) }

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *Alignment) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v Alignment) MarshalJSON() ([]byte, error) { return marshalValue(reflect.ValueOf(&v).Elem()) }

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *Criteria) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v Criteria) MarshalJSON() ([]byte, error) { return marshalValue(reflect.ValueOf(&v).Elem()) }

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *Evidence) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v Evidence) MarshalJSON() ([]byte, error) { return marshalValue(reflect.ValueOf(&v).Elem()) }

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *Image) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v Image) MarshalJSON() ([]byte, error) { return marshalValue(reflect.ValueOf(&v).Elem()) }

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *IdentityObject) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v IdentityObject) MarshalJSON() ([]byte, error) {
	return marshalValue(reflect.ValueOf(&v).Elem())
}

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *IdentifierEntry) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v IdentifierEntry) MarshalJSON() ([]byte, error) {
	return marshalValue(reflect.ValueOf(&v).Elem())
}

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *Result) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v Result) MarshalJSON() ([]byte, error) { return marshalValue(reflect.ValueOf(&v).Elem()) }

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *ResultDescription) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v ResultDescription) MarshalJSON() ([]byte, error) {
	return marshalValue(reflect.ValueOf(&v).Elem())
}

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *RubricCriterionLevel) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v RubricCriterionLevel) MarshalJSON() ([]byte, error) {
	return marshalValue(reflect.ValueOf(&v).Elem())
}

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *Related) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v Related) MarshalJSON() ([]byte, error) { return marshalValue(reflect.ValueOf(&v).Elem()) }

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *Address) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v Address) MarshalJSON() ([]byte, error) { return marshalValue(reflect.ValueOf(&v).Elem()) }

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *GeoCoordinates) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v GeoCoordinates) MarshalJSON() ([]byte, error) {
	return marshalValue(reflect.ValueOf(&v).Elem())
}

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *EndorsementSubject) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v EndorsementSubject) MarshalJSON() ([]byte, error) {
	return marshalValue(reflect.ValueOf(&v).Elem())
}

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *CredentialSchema) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v CredentialSchema) MarshalJSON() ([]byte, error) {
	return marshalValue(reflect.ValueOf(&v).Elem())
}

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *CredentialStatus) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v CredentialStatus) MarshalJSON() ([]byte, error) {
	return marshalValue(reflect.ValueOf(&v).Elem())
}

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *RefreshService) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v RefreshService) MarshalJSON() ([]byte, error) {
	return marshalValue(reflect.ValueOf(&v).Elem())
}

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *TermsOfUse) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v TermsOfUse) MarshalJSON() ([]byte, error) { return marshalValue(reflect.ValueOf(&v).Elem()) }

// UnmarshalJSON decodes strictly, as [AchievementCredential.UnmarshalJSON].
func (v *Proof) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(v).Elem())
}

// MarshalJSON writes known members, then Extra, as [AchievementCredential.MarshalJSON].
func (v Proof) MarshalJSON() ([]byte, error) { return marshalValue(reflect.ValueOf(&v).Elem()) }
