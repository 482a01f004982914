package badge

// Results: what the recipient achieved (Result, in credentialSubject) and
// the possible results an achievement describes (ResultDescription, in
// achievement.resultDescription). Their type is REQUIRED, and it is also
// what makes their other members defined: the Open Badges context defines
// value, status, resultType, allowedValue and the rest in the scope of the
// type, so an object without one fails the data model check (its type is
// missing) and, for each member, the JSON-LD safe-mode check. The
// constructors below fill the type in.

// NewResultDescription returns a ResultDescription (type
// ["ResultDescription"]) with its REQUIRED members: id (a URL or urn:uuid,
// which results name), name, and resultType ([ResultTypeLetterGrade],
// [ResultTypePercent], [ResultTypeRubricCriterion], an "ext:" value, ...).
// Set AllowedValue, RequiredValue, ValueMin and ValueMax, RequiredLevel and
// RubricCriterionLevel (see [NewRubricCriterionLevel]) on the result.
func NewResultDescription(id, name string, resultType ResultType) ResultDescription {
	return ResultDescription{ID: id, Type: Many("ResultDescription"), Name: name, ResultType: resultType}
}

// NewRubricCriterionLevel returns a RubricCriterionLevel (type
// ["RubricCriterionLevel"]) with its REQUIRED id and name, a level of a
// rubric criterion that a ResultDescription lists and a Result's
// AchievedLevel names by id. Set Description, Level and Points on the
// result.
func NewRubricCriterionLevel(id, name string) RubricCriterionLevel {
	return RubricCriterionLevel{ID: id, Type: Many("RubricCriterionLevel"), Name: name}
}

// NewResult returns a Result (type ["Result"]) for the result described by
// the ResultDescription with id resultDescription (its id, not the
// object; "" for none), with the value achieved ("" for none: a result
// may give only a status or an achieved level). Set Status
// ([ResultStatusTypeCompleted], ...), AchievedLevel and Alignment on the
// result.
func NewResult(resultDescription, value string) Result {
	return Result{Type: Many("Result"), ResultDescription: resultDescription, Value: value}
}
