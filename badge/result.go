package badge

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// CheckID names one step of the Open Badges verification pipeline. The
// values are stable: they appear in JSON reports.
type CheckID string

// The checks, in the order [Verifier.Verify] runs them.
const (
	CheckParse            CheckID = "parse"           // the input is a credential (JSON, JWT, baked PNG or SVG)
	CheckContext          CheckID = "context"         // @context order and JSON-LD safe mode (known contexts, defined terms)
	CheckType             CheckID = "type"            // VC data model and Open Badges model: types and required members
	CheckSchema           CheckID = "schema"          // the official JSON Schemas
	CheckSubject          CheckID = "subject"         // the subject has an id or an identifier
	CheckProof            CheckID = "proof"           // Data Integrity proofs or the VC-JWT signature
	CheckIssuer           CheckID = "issuer_binding"  // the signing key belongs to the issuer
	CheckRefresh          CheckID = "refresh"         // 1EdTech credential refresh (never fails verification)
	CheckValidity         CheckID = "validity_period" // validFrom / validUntil
	CheckCredentialStatus CheckID = "status"          // revocation and suspension
	CheckEndorsements     CheckID = "endorsements"    // embedded endorsements, verified recursively
	CheckRecipient        CheckID = "recipient"       // the optional recipient match
)

// CheckStatus is the outcome of one check.
type CheckStatus int

const (
	Passed CheckStatus = iota
	Failed
	Warning // something worth reporting that does not fail verification
	Skipped // the check did not apply, or was explicitly skipped
)

func (s CheckStatus) String() string {
	switch s {
	case Passed:
		return "passed"
	case Failed:
		return "failed"
	case Warning:
		return "warning"
	case Skipped:
		return "skipped"
	}
	return fmt.Sprintf("CheckStatus(%d)", int(s))
}

// MarshalText writes the status's name.
func (s CheckStatus) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Check is one step's outcome. Err is set when Status is Failed or
// Warning; Detail says in words what was checked or found.
type Check struct {
	ID     CheckID
	Status CheckStatus
	Err    error
	Detail string
}

// checkJSON is the JSON form of a Check.
type checkJSON struct {
	ID     CheckID `json:"id"`
	Status string  `json:"status"`
	Error  string  `json:"error,omitempty"`
	Detail string  `json:"detail,omitempty"`
}

func (c Check) json() checkJSON {
	j := checkJSON{ID: c.ID, Status: c.Status.String(), Detail: c.Detail}
	if c.Err != nil {
		j.Error = c.Err.Error()
	}
	return j
}

// MarshalJSON writes {"id","status","error","detail"}.
func (c Check) MarshalJSON() ([]byte, error) { return json.Marshal(c.json()) }

// InputFormat says how a credential arrived.
type InputFormat string

const (
	InputJSON InputFormat = "json"
	InputJWT  InputFormat = "jwt"
	InputPNG  InputFormat = "png"
	InputSVG  InputFormat = "svg"
)

// VerificationResult is the structured outcome of [Verifier.Verify]: every check in the
// order it ran, with what was learned on the way. It is returned whether or
// not verification succeeded.
type VerificationResult struct {
	// Verified is true when no check failed.
	Verified bool
	// Input is how the credential arrived.
	Input InputFormat
	// Family is the family the document was verified as (by its type):
	// FamilyOpenBadge, FamilyEndorsement, FamilyCLR, FamilyPresentation.
	Family Family
	// Credential is the credential that was checked (after unbaking and JWT
	// decoding); nil when the parse check failed. When a refresh was used,
	// it is the refreshed credential.
	Credential *vc.Credential
	// Badge is the Open Badges model view of Credential, when it decodes.
	Badge *AchievementCredential
	// Endorsement is set instead of Badge for an EndorsementCredential.
	Endorsement *EndorsementCredential
	// View is the family's model view of the document, when it decodes:
	// *AchievementCredential, *EndorsementCredential, *clr.ClrCredential,
	// *presentation.Presentation.
	View any
	// Holder is a presentation's holder: its holder member, or the
	// controller of the key of its verified proof.
	Holder string
	// Issuer is the issuer id.
	Issuer string
	// Proofs lists each proof's outcome (one entry for a VC-JWT).
	Proofs []proof.ProofResult
	// Status lists each credentialStatus entry's outcome.
	Status []vc.StatusResult
	// Refreshed is true when the credential came from the issuer's refresh
	// service; Original then holds the result for the credential as given.
	Refreshed bool
	Original  *VerificationResult
	// Endorsements holds the result of each embedded endorsement.
	Endorsements []*EndorsementResult
	// Nested holds the result of each credential the document holds (a
	// record's or a presentation's), in order.
	Nested []*NestedResult
	// Checks lists every check in execution order.
	Checks []Check
}

// EndorsementResult is the verification of one embedded endorsement.
type EndorsementResult struct {
	Path   string // where it was found, e.g. "$.credentialSubject.achievement.endorsement[0]"
	Result *VerificationResult
}

// NestedResult is the verification of one credential held by a record or
// a presentation.
type NestedResult struct {
	// Path is where it was found, e.g. "$.verifiableCredential[0]" or
	// "$.credentialSubject.verifiableCredential[2]".
	Path string
	// Index is its position in its list; Format how it was embedded
	// ("json", "jwt", "enveloped").
	Index  int
	Format string
	// Result is the kernel's own result for it.
	Result *VerificationResult
	// Err is nil when it verified.
	Err error
	// Bound is true when it is about the holder of the presentation (the
	// subject of the record) that holds it; Binding says why not.
	Bound   bool
	Binding error
}

// NestedResults returns the result of each credential the document holds,
// in order (see Nested).
func (r *VerificationResult) NestedResults() []*VerificationResult {
	out := make([]*VerificationResult, 0, len(r.Nested))
	for _, n := range r.Nested {
		out = append(out, n.Result)
	}
	return out
}

// Check returns the named check, or nil.
func (r *VerificationResult) Check(id CheckID) *Check {
	for i := range r.Checks {
		if r.Checks[i].ID == id {
			return &r.Checks[i]
		}
	}
	return nil
}

// Failed returns the failed checks.
func (r *VerificationResult) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Status == Failed {
			out = append(out, c)
		}
	}
	return out
}

// ResultMediaType names the JSON form of a Result, versioned.
const ResultMediaType = "application/vnd.openbadges-go.verification-result+json;version=1"

// MarshalJSON writes the result for services and the CLI's --json output.
func (r *VerificationResult) MarshalJSON() ([]byte, error) {
	type endorsement struct {
		Path   string              `json:"path"`
		Result *VerificationResult `json:"result"`
	}
	type nested struct {
		Path    string              `json:"path"`
		Format  string              `json:"format,omitempty"`
		Bound   bool                `json:"bound"`
		Binding string              `json:"binding,omitempty"`
		Result  *VerificationResult `json:"result"`
	}
	out := struct {
		MediaType    string              `json:"mediaType"`
		Verified     bool                `json:"verified"`
		Family       Family              `json:"family,omitempty"`
		Input        InputFormat         `json:"input,omitempty"`
		Holder       string              `json:"holder,omitempty"`
		ID           string              `json:"id,omitempty"`
		Types        []string            `json:"types,omitempty"`
		Issuer       string              `json:"issuer,omitempty"`
		Refreshed    bool                `json:"refreshed,omitempty"`
		Checks       []checkJSON         `json:"checks"`
		Proofs       []proofJSON         `json:"proofs,omitempty"`
		Status       []vc.StatusResult   `json:"status,omitempty"`
		Endorsements []endorsement       `json:"endorsements,omitempty"`
		Nested       []nested            `json:"credentials,omitempty"`
		Original     *VerificationResult `json:"original,omitempty"`
	}{MediaType: ResultMediaType, Verified: r.Verified, Family: r.Family, Input: r.Input, Holder: r.Holder, Issuer: r.Issuer, Refreshed: r.Refreshed, Status: r.Status, Original: r.Original}
	out.Checks = make([]checkJSON, len(r.Checks))
	for i, c := range r.Checks {
		out.Checks[i] = c.json()
	}
	if r.Credential != nil {
		out.ID = r.Credential.ID()
		out.Types = r.Credential.Types()
	}
	for _, p := range r.Proofs {
		out.Proofs = append(out.Proofs, newProofJSON(p))
	}
	for _, e := range r.Endorsements {
		out.Endorsements = append(out.Endorsements, endorsement{e.Path, e.Result})
	}
	for _, n := range r.Nested {
		j := nested{Path: n.Path, Format: n.Format, Bound: n.Bound, Result: n.Result}
		if n.Binding != nil {
			j.Binding = n.Binding.Error()
		}
		out.Nested = append(out.Nested, j)
	}
	return json.Marshal(out)
}

type proofJSON struct {
	Type               string `json:"type"`
	Cryptosuite        string `json:"cryptosuite,omitempty"`
	VerificationMethod string `json:"verificationMethod,omitempty"`
	Controller         string `json:"controller,omitempty"`
	Purpose            string `json:"proofPurpose,omitempty"`
	Status             string `json:"status"`
	Error              string `json:"error,omitempty"`
	// Disclosure: for a verified ecdsa-sd-2023 proof, base or derived,
	// and how many statements were mandatory and selectively disclosed.
	Disclosure *disclosureJSON `json:"disclosure,omitempty"`
}

type disclosureJSON struct {
	Derived           bool     `json:"derived"`
	Mandatory         int      `json:"mandatoryStatements"`
	Selective         int      `json:"selectiveStatements"`
	MandatoryPointers []string `json:"mandatoryPointers,omitempty"`
}

func newProofJSON(p proof.ProofResult) proofJSON {
	j := proofJSON{Type: p.Type, Cryptosuite: p.Cryptosuite, VerificationMethod: p.VerificationMethod, Controller: p.Controller, Purpose: p.Purpose, Status: p.Status.String()}
	if d := p.Disclosure; d != nil {
		j.Disclosure = &disclosureJSON{Derived: !d.Base, Mandatory: d.Mandatory, Selective: d.Selective, MandatoryPointers: d.MandatoryPointers}
	}
	if p.Err != nil {
		j.Error = p.Err.Error()
	}
	return j
}

// ErrNotVerified is matched by every [*VerificationError].
var ErrNotVerified = errors.New("badge: credential not verified")

// VerificationError is the error [Verifier.Verify] returns when a check
// failed. errors.Is reaches the error of every failed check (so
// errors.Is(err, vc.ErrExpired) or errors.Is(err, proof.ErrSignatureInvalid)
// work) and ErrNotVerified; errors.As reaches their typed errors.
type VerificationError struct {
	Checks []Check // the failed checks
}

func (e *VerificationError) Error() string {
	if len(e.Checks) == 0 {
		return ErrNotVerified.Error()
	}
	first := e.Checks[0]
	var b strings.Builder
	fmt.Fprintf(&b, "badge: credential not verified: %s check failed", first.ID)
	if first.Err != nil {
		fmt.Fprintf(&b, ": %v", first.Err)
	}
	if n := len(e.Checks) - 1; n > 0 {
		fmt.Fprintf(&b, " (and %d more failed check", n)
		if n > 1 {
			b.WriteString("s")
		}
		b.WriteString(")")
	}
	return b.String()
}

// Is matches ErrNotVerified.
func (e *VerificationError) Is(target error) bool { return target == ErrNotVerified }

// Unwrap returns the errors of the failed checks.
func (e *VerificationError) Unwrap() []error {
	var out []error
	for _, c := range e.Checks {
		if c.Err != nil {
			out = append(out, c.Err)
		}
	}
	return out
}
