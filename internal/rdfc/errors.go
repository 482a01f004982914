package rdfc

import (
	"errors"
	"strconv"
)

// Sentinel errors returned (possibly wrapped) by [Canonicalize].
var (
	// ErrLimitExceeded is matched by every *LimitError.
	ErrLimitExceeded = errors.New("rdfc: work limit exceeded")
	// ErrUnsupportedHash means Options.Hash is not SHA-256, SHA-384 or SHA-512.
	ErrUnsupportedHash = errors.New("rdfc: unsupported hash algorithm")
	// ErrInvalidQuad is matched by every *QuadError.
	ErrInvalidQuad = errors.New("rdfc: invalid quad")
	// ErrNilContext is returned when Canonicalize is called with a nil ctx.
	ErrNilContext = errors.New("rdfc: nil context")
)

// LimitError reports that canonicalization was stopped because it needed
// more than Options.MaxWork units of work (see [Options]). It happens for
// datasets crafted to make RDFC-1.0 exponential ("poison graphs").
type LimitError struct {
	MaxWork    int // the budget in force
	BlankNodes int // number of blank nodes in the input
}

// Error implements error.
func (e *LimitError) Error() string {
	return "rdfc: work limit of " + strconv.Itoa(e.MaxWork) + " exceeded canonicalizing " +
		strconv.Itoa(e.BlankNodes) + " blank nodes"
}

// Is reports whether target is [ErrLimitExceeded].
func (e *LimitError) Is(target error) bool { return target == ErrLimitExceeded }

// QuadError reports an input quad that is not a valid RDF statement (see
// [rdf.Quad.Validate]). It unwraps to the *rdf.TermError.
type QuadError struct {
	Index int   // index of the quad in the input slice
	Err   error // the validation error
}

// Error implements error.
func (e *QuadError) Error() string {
	return "rdfc: invalid quad at index " + strconv.Itoa(e.Index) + ": " + e.Err.Error()
}

// Is reports whether target is [ErrInvalidQuad].
func (e *QuadError) Is(target error) bool { return target == ErrInvalidQuad }

// Unwrap returns the validation error.
func (e *QuadError) Unwrap() error { return e.Err }
