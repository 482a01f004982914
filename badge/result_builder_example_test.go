package badge_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/openbadges-go/openbadges/badge"
)

// Describe the possible results of an achievement (a letter grade) and
// record the one the learner achieved; the badge issues and verifies.
func ExampleNewResult() {
	iss := exampleIssuer(badge.DataIntegrity)
	c := exampleBadge(iss)

	grade := badge.NewResultDescription("urn:uuid:1f0a7b3c-51de-4c2a-9d4e-6a1b2c3d4e5f", "Final grade", badge.ResultTypeLetterGrade)
	grade.AllowedValue = badge.Many("A", "B", "C", "D", "F")
	c.CredentialSubject.Achievement.ResultDescription = badge.Many(grade)

	r := badge.NewResult(grade.ID, "A")
	r.Status = badge.ResultStatusTypeCompleted
	c.CredentialSubject.Result = badge.Many(r)

	signed, err := iss.Issue(context.Background(), c)
	if err != nil {
		fmt.Println(err)
		return
	}
	v, _ := badge.NewVerifier(badge.VerifierOptions{Now: iss.Now})
	res, err := v.Verify(context.Background(), signed.JSON)
	fmt.Println(res.Verified, err)
	out, _ := json.Marshal(res.Badge.CredentialSubject.Result.Values[0])
	fmt.Println(string(out))
	// Output:
	// true <nil>
	// {"type":["Result"],"resultDescription":"urn:uuid:1f0a7b3c-51de-4c2a-9d4e-6a1b2c3d4e5f","status":"Completed","value":"A"}
}

// A rubric: the description lists its levels, and the result names the
// level achieved.
func ExampleNewResultDescription() {
	rubric := badge.NewResultDescription("https://example.edu/rubrics/essay", "Essay rubric", badge.ResultTypeRubricCriterionLevel)
	rubric.RubricCriterionLevel = badge.Many(
		badge.NewRubricCriterionLevel("https://example.edu/rubrics/essay/levels/1", "Developing"),
		badge.NewRubricCriterionLevel("https://example.edu/rubrics/essay/levels/2", "Proficient"),
	)
	r := badge.NewResult(rubric.ID, "")
	r.AchievedLevel = rubric.RubricCriterionLevel.Values[1].ID

	a := badge.NewAchievement("https://example.edu/achievements/essay", "Essay", "Writes an essay.", "Graded with the rubric.")
	a.ResultDescription = badge.Many(rubric)
	fmt.Println(a.Validate())
	fmt.Println(r.Type.Values, r.AchievedLevel)
	// Output:
	// <nil>
	// [Result] https://example.edu/rubrics/essay/levels/2
}
