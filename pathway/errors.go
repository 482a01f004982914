package pathway

import (
	"errors"
	"fmt"
	"strings"
)

// Errors; each message starts "pathway:".
var (
	ErrMalformed          = errors.New("pathway: malformed definition")
	ErrInvalid            = errors.New("pathway: invalid definition")
	ErrCycle              = errors.New("pathway: cycle")
	ErrUnknownAchievement = errors.New("pathway: unknown achievement")
	ErrUnknownPathway     = errors.New("pathway: unknown pathway")
	ErrUnsatisfiable      = errors.New("pathway: unsatisfiable requirement")
	ErrLimit              = errors.New("pathway: limit exceeded")
	ErrNotComplete        = errors.New("pathway: not complete")
)

// LimitError reports an exceeded bound; it matches ErrLimit.
type LimitError struct {
	What       string
	Limit, Got int
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("pathway: more %s than the limit of %d", e.What, e.Limit)
}

// Is matches ErrLimit.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// Problem is one finding of Validate: where (a JSON path such as
// $.requirement.requirements[1], or the chain of pathway ids of a cycle)
// and what (an error matching one of the sentinels).
type Problem struct {
	Path string
	Err  error
}

func (p Problem) Error() string { return p.Path + ": " + p.Err.Error() }

// Unwrap returns the cause.
func (p Problem) Unwrap() error { return p.Err }

// DefinitionError lists every problem of a definition in a stable order.
// It matches ErrInvalid and unwraps to each problem.
type DefinitionError struct{ Problems []Problem }

func (e *DefinitionError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Error()
	}
	return "pathway: invalid definition: " + strings.Join(parts, "; ")
}

// Is matches ErrInvalid.
func (e *DefinitionError) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns the problems.
func (e *DefinitionError) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p
	}
	return out
}
