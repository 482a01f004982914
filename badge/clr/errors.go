package clr

import (
	"errors"
	"fmt"

	"github.com/openbadges-go/openbadges/badge"
)

// Limits.
const (
	// DefaultMaxCredentials bounds the credentials, achievements and
	// associations of one record.
	DefaultMaxCredentials = 1000
)

// Errors; every message of this package's own starts "clr:".
var (
	// ErrMalformed: the JSON is not a well-formed ClrCredential.
	ErrMalformed = errors.New("clr: malformed record")
	// ErrInvalid: the record breaks the CLR 2.0 model (see ValidationError).
	ErrInvalid = errors.New("clr: invalid record")
	// ErrType: the credential is not a ClrCredential.
	ErrType = errors.New("clr: not a ClrCredential")
	// ErrContext: the @context list breaks the CLR rules (the kernel's
	// badge.ErrContext, one value whichever family raised it).
	ErrContext = badge.ErrContext
	// ErrNestedCredential: a credential inside the record did not verify.
	ErrNestedCredential = errors.New("clr: a nested credential did not verify")
	// ErrAssociation: an association names an achievement the record does
	// not hold, or has an unknown type.
	ErrAssociation = errors.New("clr: invalid association")
	// ErrLimit: a size or depth bound was exceeded.
	ErrLimit = errors.New("clr: limit exceeded")
	// ErrNoProof: the record carries no proof (badge.ErrNoProof).
	ErrNoProof = badge.ErrNoProof
)

// LimitError reports an exceeded bound; it matches ErrLimit.
type LimitError struct {
	What       string
	Limit, Got int
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("clr: %d %s entries, more than the limit of %d", e.Got, e.What, e.Limit)
}

// Is matches ErrLimit.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// FieldError is one problem found by Validate, at a JSON path.
type FieldError struct {
	Path string
	Err  error
}

func (e FieldError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e FieldError) Unwrap() error { return e.Err }

// ValidationError lists every problem Validate found, sorted by path. It
// matches ErrInvalid.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	if len(e.Fields) == 1 {
		return "clr: invalid record: " + e.Fields[0].Error()
	}
	return fmt.Sprintf("clr: invalid record: %s (and %d more)", e.Fields[0].Error(), len(e.Fields)-1)
}

// Is matches ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns each field's error.
func (e *ValidationError) Unwrap() []error {
	out := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = f
	}
	return out
}
