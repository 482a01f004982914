package clr

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/internal/jsonx"
)

var (
	errRequired = errors.New("required property is missing")
	errBadType  = errors.New("type is missing a required value")
)

// Validate checks the CLR 2.0 data model: the types, the REQUIRED members
// (id, name, issuer, validFrom or issuanceDate, a subject with an id or an
// identifier and at least one credential), every association's type and
// ids, and the achievements' ids. It gathers every problem in a
// [*ValidationError] sorted by JSON path. It does not look inside the
// nested credentials: the verifier verifies each one on its own.
func (c *ClrCredential) Validate() error {
	var fs []FieldError
	add := func(path string, err error) { fs = append(fs, FieldError{Path: path, Err: err}) }
	if !slices.Contains(c.Type.Values, "VerifiableCredential") || !slices.Contains(c.Type.Values, TypeClrCredential) {
		add("$.type", fmt.Errorf("%w: want VerifiableCredential and ClrCredential", errBadType))
	}
	if c.ID == "" {
		add("$.id", errRequired)
	}
	if c.Name == "" {
		add("$.name", errRequired)
	}
	if c.Issuer.IRI() == "" {
		add("$.issuer", errRequired)
	}
	if c.ValidFrom == "" && c.IssuanceDate == "" {
		add("$.validFrom", errRequired)
	}
	for _, d := range []struct {
		path string
		v    badge.DateTime
	}{{"$.validFrom", c.ValidFrom}, {"$.validUntil", c.ValidUntil}, {"$.issuanceDate", c.IssuanceDate}, {"$.expirationDate", c.ExpirationDate}, {"$.awardedDate", c.AwardedDate}} {
		if d.v != "" {
			if _, err := d.v.Time(); err != nil {
				add(d.path, err)
			}
		}
	}
	s := &c.CredentialSubject
	if !slices.Contains(s.Type.Values, TypeClrSubject) {
		add("$.credentialSubject.type", fmt.Errorf("%w: want ClrSubject", errBadType))
	}
	if s.ID == "" && s.Identifier.Len() == 0 {
		add("$.credentialSubject", errors.New("the subject has neither an id nor an identifier"))
	}
	if len(s.VerifiableCredential) == 0 {
		add("$.credentialSubject.verifiableCredential", errRequired)
	}
	for i, a := range s.Achievement {
		if a.ID == "" {
			add(fmt.Sprintf("$.credentialSubject.achievement[%d].id", i), errRequired)
		}
	}
	for i, a := range s.Association {
		p := fmt.Sprintf("$.credentialSubject.association[%d]", i)
		if !slices.Contains(a.Type.Values, TypeAssociation) {
			add(p+".type", fmt.Errorf("%w: want Association", errBadType))
		}
		if !a.AssociationType.Known() {
			add(p+".associationType", fmt.Errorf("%w: unknown association type %q", ErrAssociation, a.AssociationType))
		}
		if a.SourceID == "" {
			add(p+".sourceId", errRequired)
		}
		if a.TargetID == "" {
			add(p+".targetId", errRequired)
		}
	}
	if len(fs) == 0 {
		return nil
	}
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Path < fs[j].Path })
	return &ValidationError{Fields: fs}
}

// AchievementIDs returns the ids of every achievement the record holds:
// the subject's achievement catalogue and the achievement of each nested
// credential given as a JSON object (a VC-JWT's is read from its payload
// by the verifier). Sorted, without duplicates.
func (c *ClrCredential) AchievementIDs() []string {
	var ids []string
	for _, a := range c.CredentialSubject.Achievement {
		if a.ID != "" {
			ids = append(ids, a.ID)
		}
	}
	for _, raw := range c.CredentialSubject.VerifiableCredential {
		ids = append(ids, nestedAchievementIDs(raw)...)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// nestedAchievementIDs reads credentialSubject.achievement.id of a nested
// credential object (any subject, single or list).
func nestedAchievementIDs(raw json.RawMessage) []string {
	v, err := jsonx.Parse(raw, nil)
	if err != nil {
		return nil
	}
	return achievementIDsOf(v)
}

func achievementIDsOf(v any) []string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	var ids []string
	for _, s := range asList(m["credentialSubject"]) {
		sm, _ := s.(map[string]any)
		for _, a := range asList(sm["achievement"]) {
			switch x := a.(type) {
			case map[string]any:
				if id, _ := x["id"].(string); id != "" {
					ids = append(ids, id)
				}
			case string:
				ids = append(ids, x)
			}
		}
	}
	return ids
}

func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

// CheckAssociations reports every association whose source or target is
// not among ids, each as a [FieldError] matching [ErrAssociation].
func (c *ClrCredential) CheckAssociations(ids []string) error {
	var fs []FieldError
	for i, a := range c.CredentialSubject.Association {
		p := fmt.Sprintf("$.credentialSubject.association[%d]", i)
		if !slices.Contains(ids, a.SourceID) {
			fs = append(fs, FieldError{Path: p + ".sourceId", Err: fmt.Errorf("%w: source %q is not an achievement of the record", ErrAssociation, a.SourceID)})
		}
		if !slices.Contains(ids, a.TargetID) {
			fs = append(fs, FieldError{Path: p + ".targetId", Err: fmt.Errorf("%w: target %q is not an achievement of the record", ErrAssociation, a.TargetID)})
		}
	}
	if len(fs) == 0 {
		return nil
	}
	return &ValidationError{Fields: fs}
}
