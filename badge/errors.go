package badge

import (
	"errors"
	"fmt"
	"strings"

	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// Sentinel errors of the data model and of issuing. Typed errors match them
// with [errors.Is]: [*DecodeError] and [*ValidationError] match
// ErrInvalidCredential; [*IssueError] matches ErrIssue and unwraps to the
// failed checks; [*IssuerMismatchError] matches ErrIssuerMismatch. The
// errors of baking are declared in bake_errors.go.
var (
	// ErrInvalidCredential means a credential, or a part of one, breaks the
	// Open Badges data model: it could not be decoded strictly, or Validate
	// found a missing REQUIRED property, a wrong type or an invalid value.
	ErrInvalidCredential = errors.New("badge: invalid credential")

	// ErrIssue means a credential was refused before signing: it broke the
	// data model, JSON-LD safe mode or issuer binding. The error is an
	// [*IssueError] listing every problem.
	ErrIssue = errors.New("badge: cannot issue credential")

	// ErrIssuerMismatch means the credential's issuer is not the controller
	// of the signing key, so verifiers would reject the proof (issuer
	// binding). The error is an [*IssuerMismatchError].
	// It is proof.ErrIssuerMismatch: errors.Is finds it whichever package
	// raised it.
	ErrIssuerMismatch = proof.ErrIssuerMismatch

	// ErrInvalidKey means the Issuer has no usable key: no signer, or no
	// verification method to name it.
	// It is proof.ErrInvalidKey.
	ErrInvalidKey = proof.ErrInvalidKey

	// ErrInvalidArgument means a constructor was given a value it cannot
	// use (an empty identifier, an issuer id that is not a URL, ...).
	ErrInvalidArgument = errors.New("badge: invalid argument")
)

// IssueError is returned by [Issuer.Issue], [Issuer.IssueEndorsement] and
// [Issuer.IssueJSON] when a credential is refused before signing. Errs
// holds every failed check, in the order they ran:
//
//   - a [*DecodeError] or [*EncodeError] (the credential could not be read or
//     written);
//   - a [*ValidationError] (Open Badges data model);
//   - a [*vc.DataModelError] (VC data model);
//   - an [*IssuerMismatchError] (issuer binding);
//   - a [*vc.SafeModeError], or a [FieldError] wrapping the loader's error
//     for an unknown @context (JSON-LD).
//
// It matches [ErrIssue], and through Unwrap every sentinel of those errors
// ([ErrInvalidCredential], [ErrRequired], [vc.ErrUndefinedTerm],
// [vc.ErrUnknownContext], [ErrIssuerMismatch], ...). [IssueError.Fields]
// lists the problems by JSON path.
type IssueError struct {
	Errs []error
}

func (e *IssueError) Error() string {
	var b strings.Builder
	b.WriteString(ErrIssue.Error())
	for i, f := range e.Fields() {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.Error())
	}
	return b.String()
}

// Is matches [ErrIssue].
func (e *IssueError) Is(target error) bool { return target == ErrIssue }

// Unwrap returns the failed checks.
func (e *IssueError) Unwrap() []error { return e.Errs }

// Fields returns every problem with the JSON path of the member concerned
// ("$" for the document as a whole), in the order of Errs. A VC data model
// problem at a path that the Open Badges validation already reported is
// left out.
func (e *IssueError) Fields() []FieldError {
	var out []FieldError
	seen := map[string]bool{}
	for _, err := range e.Errs {
		var (
			ve *ValidationError
			de *DecodeError
			dm *vc.DataModelError
			sm *vc.SafeModeError
			im *IssuerMismatchError
			fe FieldError
		)
		switch {
		case errors.As(err, &ve):
			for _, f := range ve.Fields {
				seen[f.Path] = true
				out = append(out, f)
			}
		case errors.As(err, &de):
			out = append(out, FieldError{Path: de.Path, Err: err})
		case errors.As(err, &dm):
			for _, p := range dm.Problems {
				if !seen[p.Path] {
					out = append(out, FieldError{Path: p.Path, Err: problemError{p}})
				}
			}
		case errors.As(err, &sm):
			for _, p := range sm.Problems {
				out = append(out, FieldError{Path: p.Path, Err: problemError{p}})
			}
		case errors.As(err, &im):
			out = append(out, FieldError{Path: im.Path, Err: err})
		case errors.As(err, &fe):
			out = append(out, fe)
		default:
			out = append(out, FieldError{Path: "$", Err: err})
		}
	}
	return out
}

// problemError presents a vc.Problem (safe mode, VC data model) as an error
// that matches its kind.
type problemError struct{ p vc.Problem }

func (e problemError) Error() string {
	if e.p.Term != "" {
		return fmt.Sprintf("%s (%q)", e.p.Reason, e.p.Term)
	}
	return e.p.Reason
}

func (e problemError) Unwrap() error { return e.p.Kind }

// IssuerMismatchError is the issuer binding problem of [Issuer.Issue]: the
// credential's issuer id is not the controller of the signing key, so a
// verifier would reject the proof. Use an issuer Profile whose id is the
// key's controller ([Issuer.Profile]), or a key the issuer controls.
type IssuerMismatchError struct {
	Path               string // "$.issuer" or "$.issuer.id"
	Issuer             string // the credential's issuer id
	Controller         string // the controller of the signing key
	VerificationMethod string // the signing key
}

func (e *IssuerMismatchError) Error() string {
	return fmt.Sprintf("issuer %q is not the controller %q of the signing key %q; verifiers would reject the proof (issuer binding)",
		e.Issuer, e.Controller, e.VerificationMethod)
}

// Is matches [ErrIssuerMismatch].
func (e *IssuerMismatchError) Is(target error) bool { return target == ErrIssuerMismatch }
