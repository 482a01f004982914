package badge_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/vc"
)

func TestResultConstructorsFillTheRequiredType(t *testing.T) {
	rd := badge.NewResultDescription("urn:uuid:1", "Grade", badge.ResultTypeLetterGrade)
	assert.Equal(t, []string{"ResultDescription"}, rd.Type.Values)
	assert.Equal(t, badge.ResultTypeLetterGrade, rd.ResultType)
	lvl := badge.NewRubricCriterionLevel("urn:uuid:2", "Proficient")
	assert.Equal(t, []string{"RubricCriterionLevel"}, lvl.Type.Values)
	r := badge.NewResult("urn:uuid:1", "A")
	assert.Equal(t, []string{"Result"}, r.Type.Values)
	assert.Equal(t, "urn:uuid:1", r.ResultDescription)
	assert.Equal(t, "A", r.Value)

	iss := exampleIssuer(badge.DataIntegrity)
	c := exampleBadge(iss)
	rd.RubricCriterionLevel = badge.Many(lvl)
	c.CredentialSubject.Achievement.ResultDescription = badge.Many(rd)
	c.CredentialSubject.Result = badge.Many(r)
	require.NoError(t, c.Validate())
	_, err := iss.Issue(context.Background(), c)
	require.NoError(t, err, "a credential built with the constructors issues")
}

// untypedResults returns the problems of a credential whose result and
// result description have no type: the data model's (the missing types)
// and JSON-LD safe mode's (their members, undefined without the type).
func untypedResults(t *testing.T, extra func(c *badge.AchievementCredential)) (*badge.ValidationError, *vc.SafeModeError) {
	t.Helper()
	iss := exampleIssuer(badge.DataIntegrity)
	c := exampleBadge(iss)
	rd := badge.NewResultDescription("urn:uuid:1", "Grade", badge.ResultTypeLetterGrade)
	rd.AllowedValue = badge.Many("A", "B")
	rd.Type = badge.OneOrMany[string]{}
	c.CredentialSubject.Achievement.ResultDescription = badge.Many(rd)
	r := badge.NewResult("urn:uuid:1", "A")
	r.Status = badge.ResultStatusTypeCompleted
	r.Type = badge.OneOrMany[string]{}
	c.CredentialSubject.Result = badge.Many(r)
	if extra != nil {
		extra(c)
	}
	var ve *badge.ValidationError
	require.True(t, errors.As(c.Validate(), &ve))
	doc, err := c.MarshalJSON()
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(doc, &m))
	var sm *vc.SafeModeError
	require.True(t, errors.As(vc.NewProcessor(nil).Check(context.Background(), m), &sm))
	return ve, sm
}

func TestValidationErrorExplainsTheMembersOfAnObjectWithoutType(t *testing.T) {
	ve, sm := untypedResults(t, nil)
	assert.True(t, ve.Has("$.credentialSubject.result[0].type"))
	assert.True(t, ve.Has("$.credentialSubject.achievement.resultDescription[0].type"))
	require.NotEmpty(t, sm.Problems)
	for _, p := range sm.Problems {
		assert.True(t, ve.Explains(p), "%s follows from the missing type", p)
	}
}

func TestValidationErrorDoesNotExplainOtherProblems(t *testing.T) {
	ve, sm := untypedResults(t, func(c *badge.AchievementCredential) {
		// An undefined member of a typed object.
		c.CredentialSubject.Achievement.Alignment = badge.Many(badge.NewAlignment("SQL", "https://example.org/sql"))
		c.CredentialSubject.Achievement.Alignment.Values[0].Extra = map[string]json.RawMessage{"bogus": json.RawMessage(`"x"`)}
	})
	var unexplained []vc.Problem
	for _, p := range sm.Problems {
		if !ve.Explains(p) {
			unexplained = append(unexplained, p)
		}
	}
	require.Len(t, unexplained, 1)
	assert.Equal(t, "$.credentialSubject.achievement.alignment[0].bogus", unexplained[0].Path)

	for _, tt := range []struct {
		name string
		p    vc.Problem
	}{
		{"another kind of problem", vc.Problem{Path: "$.credentialSubject.result[0].value", Term: "value", Kind: vc.ErrInvalidValue}},
		{"a member of a nested object", vc.Problem{Path: "$.credentialSubject.result[0].alignment[0].foo", Term: "foo", Kind: vc.ErrUndefinedTerm}},
		{"a member of another object", vc.Problem{Path: "$.credentialSubject.foo", Term: "foo", Kind: vc.ErrUndefinedTerm}},
		{"a problem without a term", vc.Problem{Path: "$.credentialSubject.result[0].value", Kind: vc.ErrUndefinedTerm}},
	} {
		t.Run(tt.name, func(t *testing.T) { assert.False(t, ve.Explains(tt.p)) })
	}
	var nilErr *badge.ValidationError
	assert.False(t, nilErr.Explains(sm.Problems[0]))
}
