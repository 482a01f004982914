package presentation

import "github.com/openbadges-go/openbadges/badge"

// CheckID is the kernel's check id.
type CheckID = badge.CheckID

// The checks of the presentation family, in the order they run.
const (
	CheckParse         CheckID = badge.CheckParse // a JSON-LD VerifiablePresentation within the limits
	CheckStructure     CheckID = "structure"      // VC 2.0 presentation rules: context, type, id, holder
	CheckHolderProof   CheckID = "holder_proof"   // a Data Integrity proof for authentication, by the holder's key
	CheckChallenge     CheckID = "challenge"      // the proof's challenge is the verifier's
	CheckDomain        CheckID = "domain"         // the proof's domain is the verifier's
	CheckCredentials   CheckID = "credentials"    // every embedded credential, through the kernel
	CheckHolderBinding CheckID = "holder_binding" // the holder is the subject of every credential
)

// Check is the kernel's check outcome.
type Check = badge.Check

// Result is the kernel's result: the presentation is its View ([Of]), the
// holder its Holder, the holder proof's results its Proofs, and each
// embedded credential's own result (with its holder binding) is in Nested.
type Result = badge.VerificationResult

// VerificationError is the kernel's: errors.Is reaches the error of every
// failed check and ErrNotVerified.
type VerificationError = badge.VerificationError

// ResultMediaType names the JSON form of a Result (the kernel's).
const ResultMediaType = badge.ResultMediaType
