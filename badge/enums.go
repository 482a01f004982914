package badge

import "strings"

// Vocabulary enumerations (OB 3.0 §B.3, schema $defs). They are typed
// strings: values outside the list are kept as read (OB allows extension
// values of the form "ext:Name" in the extensible ones); Known reports
// whether a value is one of the spec's, Valid whether it is allowed at all,
// and Validate reports what is not.

// AchievementType is the kind of achievement (extensible: ext: values allowed).
type AchievementType string

// AchievementType values.
const (
	AchievementTypeAchievement                 AchievementType = "Achievement"
	AchievementTypeApprenticeshipCertificate   AchievementType = "ApprenticeshipCertificate"
	AchievementTypeAssessment                  AchievementType = "Assessment"
	AchievementTypeAssignment                  AchievementType = "Assignment"
	AchievementTypeAssociateDegree             AchievementType = "AssociateDegree"
	AchievementTypeAward                       AchievementType = "Award"
	AchievementTypeBadge                       AchievementType = "Badge"
	AchievementTypeBachelorDegree              AchievementType = "BachelorDegree"
	AchievementTypeCertificate                 AchievementType = "Certificate"
	AchievementTypeCertificateOfCompletion     AchievementType = "CertificateOfCompletion"
	AchievementTypeCertification               AchievementType = "Certification"
	AchievementTypeCommunityService            AchievementType = "CommunityService"
	AchievementTypeCompetency                  AchievementType = "Competency"
	AchievementTypeCourse                      AchievementType = "Course"
	AchievementTypeCoCurricular                AchievementType = "CoCurricular"
	AchievementTypeDegree                      AchievementType = "Degree"
	AchievementTypeDiploma                     AchievementType = "Diploma"
	AchievementTypeDoctoralDegree              AchievementType = "DoctoralDegree"
	AchievementTypeFieldwork                   AchievementType = "Fieldwork"
	AchievementTypeGeneralEducationDevelopment AchievementType = "GeneralEducationDevelopment"
	AchievementTypeJourneymanCertificate       AchievementType = "JourneymanCertificate"
	AchievementTypeLearningProgram             AchievementType = "LearningProgram"
	AchievementTypeLicense                     AchievementType = "License"
	AchievementTypeMembership                  AchievementType = "Membership"
	AchievementTypeProfessionalDoctorate       AchievementType = "ProfessionalDoctorate"
	AchievementTypeQualityAssuranceCredential  AchievementType = "QualityAssuranceCredential"
	AchievementTypeMasterCertificate           AchievementType = "MasterCertificate"
	AchievementTypeMasterDegree                AchievementType = "MasterDegree"
	AchievementTypeMicroCredential             AchievementType = "MicroCredential"
	AchievementTypeResearchDoctorate           AchievementType = "ResearchDoctorate"
	AchievementTypeSecondarySchoolDiploma      AchievementType = "SecondarySchoolDiploma"
)

// Known reports whether t is one of the values the spec lists.
func (t AchievementType) Known() bool {
	switch t {
	case AchievementTypeAchievement,
		AchievementTypeApprenticeshipCertificate,
		AchievementTypeAssessment,
		AchievementTypeAssignment,
		AchievementTypeAssociateDegree,
		AchievementTypeAward,
		AchievementTypeBadge,
		AchievementTypeBachelorDegree,
		AchievementTypeCertificate,
		AchievementTypeCertificateOfCompletion,
		AchievementTypeCertification,
		AchievementTypeCommunityService,
		AchievementTypeCompetency,
		AchievementTypeCourse,
		AchievementTypeCoCurricular,
		AchievementTypeDegree,
		AchievementTypeDiploma,
		AchievementTypeDoctoralDegree,
		AchievementTypeFieldwork,
		AchievementTypeGeneralEducationDevelopment,
		AchievementTypeJourneymanCertificate,
		AchievementTypeLearningProgram,
		AchievementTypeLicense,
		AchievementTypeMembership,
		AchievementTypeProfessionalDoctorate,
		AchievementTypeQualityAssuranceCredential,
		AchievementTypeMasterCertificate,
		AchievementTypeMasterDegree,
		AchievementTypeMicroCredential,
		AchievementTypeResearchDoctorate,
		AchievementTypeSecondarySchoolDiploma:
		return true
	}
	return false
}

// Valid reports whether t is a listed value or an extension value ("ext:" followed by letters, digits, '.', '-' or '_').
func (t AchievementType) Valid() bool { return t.Known() || isExtTerm(string(t)) }

// AlignmentTargetType is the type of an alignment target node (extensible).
type AlignmentTargetType string

// AlignmentTargetType values.
const (
	AlignmentTargetTypeCeasnCompetency        AlignmentTargetType = "ceasn:Competency"
	AlignmentTargetTypeCetermsCredential      AlignmentTargetType = "ceterms:Credential"
	AlignmentTargetTypeCFItem                 AlignmentTargetType = "CFItem"
	AlignmentTargetTypeCFRubric               AlignmentTargetType = "CFRubric"
	AlignmentTargetTypeCFRubricCriterion      AlignmentTargetType = "CFRubricCriterion"
	AlignmentTargetTypeCFRubricCriterionLevel AlignmentTargetType = "CFRubricCriterionLevel"
	AlignmentTargetTypeCTDL                   AlignmentTargetType = "CTDL"
)

// Known reports whether t is one of the values the spec lists.
func (t AlignmentTargetType) Known() bool {
	switch t {
	case AlignmentTargetTypeCeasnCompetency,
		AlignmentTargetTypeCetermsCredential,
		AlignmentTargetTypeCFItem,
		AlignmentTargetTypeCFRubric,
		AlignmentTargetTypeCFRubricCriterion,
		AlignmentTargetTypeCFRubricCriterionLevel,
		AlignmentTargetTypeCTDL:
		return true
	}
	return false
}

// Valid reports whether t is a listed value or an extension value ("ext:" followed by letters, digits, '.', '-' or '_').
func (t AlignmentTargetType) Valid() bool { return t.Known() || isExtTerm(string(t)) }

// ResultType is the type of result a ResultDescription describes (extensible).
type ResultType string

// ResultType values.
const (
	ResultTypeGradePointAverage    ResultType = "GradePointAverage"
	ResultTypeLetterGrade          ResultType = "LetterGrade"
	ResultTypePercent              ResultType = "Percent"
	ResultTypePerformanceLevel     ResultType = "PerformanceLevel"
	ResultTypePredictedScore       ResultType = "PredictedScore"
	ResultTypeRawScore             ResultType = "RawScore"
	ResultTypeResult               ResultType = "Result"
	ResultTypeRubricCriterion      ResultType = "RubricCriterion"
	ResultTypeRubricCriterionLevel ResultType = "RubricCriterionLevel"
	ResultTypeRubricScore          ResultType = "RubricScore"
	ResultTypeScaledScore          ResultType = "ScaledScore"
	ResultTypeStatus               ResultType = "Status"
)

// Known reports whether t is one of the values the spec lists.
func (t ResultType) Known() bool {
	switch t {
	case ResultTypeGradePointAverage,
		ResultTypeLetterGrade,
		ResultTypePercent,
		ResultTypePerformanceLevel,
		ResultTypePredictedScore,
		ResultTypeRawScore,
		ResultTypeResult,
		ResultTypeRubricCriterion,
		ResultTypeRubricCriterionLevel,
		ResultTypeRubricScore,
		ResultTypeScaledScore,
		ResultTypeStatus:
		return true
	}
	return false
}

// Valid reports whether t is a listed value or an extension value ("ext:" followed by letters, digits, '.', '-' or '_').
func (t ResultType) Valid() bool { return t.Known() || isExtTerm(string(t)) }

// ResultStatusType is the status of a result (closed: no ext: values).
type ResultStatusType string

// ResultStatusType values.
const (
	ResultStatusTypeCompleted   ResultStatusType = "Completed"
	ResultStatusTypeEnrolled    ResultStatusType = "Enrolled"
	ResultStatusTypeFailed      ResultStatusType = "Failed"
	ResultStatusTypeInProgress  ResultStatusType = "InProgress"
	ResultStatusTypeOnHold      ResultStatusType = "OnHold"
	ResultStatusTypeProvisional ResultStatusType = "Provisional"
	ResultStatusTypeWithdrew    ResultStatusType = "Withdrew"
)

// Known reports whether t is one of the values the spec lists.
func (t ResultStatusType) Known() bool {
	switch t {
	case ResultStatusTypeCompleted,
		ResultStatusTypeEnrolled,
		ResultStatusTypeFailed,
		ResultStatusTypeInProgress,
		ResultStatusTypeOnHold,
		ResultStatusTypeProvisional,
		ResultStatusTypeWithdrew:
		return true
	}
	return false
}

// Valid reports whether t is a listed value (this vocabulary is closed).
func (t ResultStatusType) Valid() bool { return t.Known() }

// IdentifierType is the type of an identifier (IdentifierTypeEnum; extensible).
type IdentifierType string

// IdentifierType values.
const (
	IdentifierTypeName                   IdentifierType = "name"
	IdentifierTypeSourcedId              IdentifierType = "sourcedId"
	IdentifierTypeSystemId               IdentifierType = "systemId"
	IdentifierTypeProductId              IdentifierType = "productId"
	IdentifierTypeUserName               IdentifierType = "userName"
	IdentifierTypeAccountId              IdentifierType = "accountId"
	IdentifierTypeEmailAddress           IdentifierType = "emailAddress"
	IdentifierTypeNationalIdentityNumber IdentifierType = "nationalIdentityNumber"
	IdentifierTypeIsbn                   IdentifierType = "isbn"
	IdentifierTypeIssn                   IdentifierType = "issn"
	IdentifierTypeLisSourcedId           IdentifierType = "lisSourcedId"
	IdentifierTypeOneRosterSourcedId     IdentifierType = "oneRosterSourcedId"
	IdentifierTypeSisSourcedId           IdentifierType = "sisSourcedId"
	IdentifierTypeLtiContextId           IdentifierType = "ltiContextId"
	IdentifierTypeLtiDeploymentId        IdentifierType = "ltiDeploymentId"
	IdentifierTypeLtiToolId              IdentifierType = "ltiToolId"
	IdentifierTypeLtiPlatformId          IdentifierType = "ltiPlatformId"
	IdentifierTypeLtiUserId              IdentifierType = "ltiUserId"
	IdentifierTypeIdentifier             IdentifierType = "identifier"
)

// Known reports whether t is one of the values the spec lists.
func (t IdentifierType) Known() bool {
	switch t {
	case IdentifierTypeName,
		IdentifierTypeSourcedId,
		IdentifierTypeSystemId,
		IdentifierTypeProductId,
		IdentifierTypeUserName,
		IdentifierTypeAccountId,
		IdentifierTypeEmailAddress,
		IdentifierTypeNationalIdentityNumber,
		IdentifierTypeIsbn,
		IdentifierTypeIssn,
		IdentifierTypeLisSourcedId,
		IdentifierTypeOneRosterSourcedId,
		IdentifierTypeSisSourcedId,
		IdentifierTypeLtiContextId,
		IdentifierTypeLtiDeploymentId,
		IdentifierTypeLtiToolId,
		IdentifierTypeLtiPlatformId,
		IdentifierTypeLtiUserId,
		IdentifierTypeIdentifier:
		return true
	}
	return false
}

// Valid reports whether t is a listed value or an extension value ("ext:" followed by letters, digits, '.', '-' or '_').
func (t IdentifierType) Valid() bool { return t.Known() || isExtTerm(string(t)) }

// ExtPrefix starts every extension value of an extensible vocabulary.
const ExtPrefix = "ext:"

// isExtTerm reports whether s is "ext:" followed by one or more of
// A-Z a-z 0-9 . - _ (the schema's pattern, anchored).
func isExtTerm(s string) bool {
	rest, ok := strings.CutPrefix(s, ExtPrefix)
	if !ok || rest == "" {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
