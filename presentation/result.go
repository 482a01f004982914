package presentation

import (
	"encoding/json"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/proof"
)

// CheckID names one step of [VerifyPresentation]. The values are stable:
// they appear in JSON reports.
type CheckID string

// The checks, in the order VerifyPresentation runs them.
const (
	CheckParse         CheckID = "parse"          // a JSON-LD VerifiablePresentation within the limits
	CheckStructure     CheckID = "structure"      // VC 2.0 presentation rules: context, type, id, holder
	CheckHolderProof   CheckID = "holder_proof"   // a Data Integrity proof for authentication, by the holder's key
	CheckChallenge     CheckID = "challenge"      // the proof's challenge is the verifier's
	CheckDomain        CheckID = "domain"         // the proof's domain is the verifier's
	CheckCredentials   CheckID = "credentials"    // every embedded credential, through the badge pipeline
	CheckHolderBinding CheckID = "holder_binding" // the holder is the subject of every credential
)

// Check is one step's outcome. Status is badge.Passed, badge.Failed,
// badge.Warning or badge.Skipped; Err is set when it failed or warns.
type Check struct {
	ID     CheckID
	Status badge.CheckStatus
	Err    error
	Detail string
}

// MarshalJSON writes {"id","status","error","detail"}.
func (c Check) MarshalJSON() ([]byte, error) {
	var e string
	if c.Err != nil {
		e = c.Err.Error()
	}
	return json.Marshal(struct {
		ID     CheckID           `json:"id"`
		Status badge.CheckStatus `json:"status"`
		Error  string            `json:"error,omitempty"`
		Detail string            `json:"detail,omitempty"`
	}{c.ID, c.Status, e, c.Detail})
}

// CredentialResult is the verification of one embedded credential.
type CredentialResult struct {
	Index  int
	Format Format
	// Result is the badge pipeline's own result for the credential (never
	// nil once the credentials check ran).
	Result *badge.VerificationResult
	// Err is the badge verifier's error: nil when the credential verified.
	Err error
	// HolderIsSubject is true when the holder is one of the credential's
	// subjects; Binding says why not otherwise (a *BindingError).
	HolderIsSubject bool
	Binding         error
}

// Result is the outcome of [VerifyPresentation]: every check in order,
// the holder proof's results, and each credential's own result. It is
// returned whether or not verification succeeded.
type Result struct {
	// Verified is true when no check failed.
	Verified bool
	// Presentation is the parsed presentation (nil when parse failed).
	Presentation *Presentation
	// Holder is the holder id; when the presentation names none, the
	// controller of the key that made the verified proof.
	Holder string
	// Proofs lists each presentation proof's outcome.
	Proofs []proof.ProofResult
	// Credentials holds the result of each embedded credential, in order.
	Credentials []*CredentialResult
	// Checks lists every check in execution order.
	Checks []Check
}

// Check returns the named check, or nil.
func (r *Result) Check(id CheckID) *Check {
	for i := range r.Checks {
		if r.Checks[i].ID == id {
			return &r.Checks[i]
		}
	}
	return nil
}

// Failed returns the failed checks.
func (r *Result) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Status == badge.Failed {
			out = append(out, c)
		}
	}
	return out
}

func (r *Result) err() error {
	if f := r.Failed(); len(f) > 0 {
		return &VerificationError{Checks: f}
	}
	return nil
}

// ResultMediaType names the JSON form of a Result, versioned.
const ResultMediaType = "application/vnd.openbadges-go.presentation-verification-result+json;version=1"

// MarshalJSON writes the result for services and the CLI's --json output.
func (r *Result) MarshalJSON() ([]byte, error) {
	type proofOut struct {
		Type               string `json:"type"`
		Cryptosuite        string `json:"cryptosuite,omitempty"`
		VerificationMethod string `json:"verificationMethod,omitempty"`
		Controller         string `json:"controller,omitempty"`
		Purpose            string `json:"proofPurpose,omitempty"`
		Status             string `json:"status"`
		Error              string `json:"error,omitempty"`
	}
	type credOut struct {
		Index           int                       `json:"index"`
		Format          Format                    `json:"format"`
		HolderIsSubject bool                      `json:"holderIsSubject"`
		Binding         string                    `json:"binding,omitempty"`
		Result          *badge.VerificationResult `json:"result"`
	}
	out := struct {
		MediaType   string     `json:"mediaType"`
		Verified    bool       `json:"verified"`
		ID          string     `json:"id,omitempty"`
		Holder      string     `json:"holder,omitempty"`
		Checks      []Check    `json:"checks"`
		Proofs      []proofOut `json:"proofs,omitempty"`
		Credentials []credOut  `json:"credentials,omitempty"`
	}{MediaType: ResultMediaType, Verified: r.Verified, Holder: r.Holder, Checks: r.Checks}
	if out.Checks == nil {
		out.Checks = []Check{}
	}
	if r.Presentation != nil && r.Presentation.Doc != nil {
		out.ID = r.Presentation.Doc.ID()
	}
	for _, p := range r.Proofs {
		po := proofOut{Type: p.Type, Cryptosuite: p.Cryptosuite, VerificationMethod: p.VerificationMethod, Controller: p.Controller, Purpose: p.Purpose, Status: p.Status.String()}
		if p.Err != nil {
			po.Error = p.Err.Error()
		}
		out.Proofs = append(out.Proofs, po)
	}
	for _, c := range r.Credentials {
		co := credOut{Index: c.Index, Format: c.Format, HolderIsSubject: c.HolderIsSubject, Result: c.Result}
		if c.Binding != nil {
			co.Binding = c.Binding.Error()
		}
		out.Credentials = append(out.Credentials, co)
	}
	return json.Marshal(out)
}
