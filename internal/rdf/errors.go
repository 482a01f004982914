package rdf

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package matches one of them
// with [errors.Is].
var (
	// ErrSyntax is matched by every *SyntaxError.
	ErrSyntax = errors.New("rdf: syntax error")
	// ErrLimit is matched by every *LimitError.
	ErrLimit = errors.New("rdf: limit exceeded")
	// ErrInvalidTerm is matched by every *TermError.
	ErrInvalidTerm = errors.New("rdf: invalid term")
)

// SyntaxError reports malformed N-Quads input.
type SyntaxError struct {
	Line int    // 1-based line number
	Col  int    // 1-based byte offset within the line
	Msg  string // what is wrong, lower case
}

// Error implements error.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("rdf: syntax error at line %d, column %d: %s", e.Line, e.Col, e.Msg)
}

// Is reports whether target is [ErrSyntax].
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// LimitError reports input that exceeds one of the limits in [ParseOptions].
type LimitError struct {
	Limit string // "input bytes", "quads" or "line bytes"
	Max   int    // the limit in force
	Line  int    // 1-based line where it was exceeded; 0 for the whole input
}

// Error implements error.
func (e *LimitError) Error() string {
	switch e.Limit {
	case "line bytes":
		return fmt.Sprintf("rdf: line %d is longer than the limit of %d bytes", e.Line, e.Max)
	case "quads":
		return fmt.Sprintf("rdf: more than the limit of %d quads (at line %d)", e.Max, e.Line)
	}
	return fmt.Sprintf("rdf: input is larger than the limit of %d bytes", e.Max)
}

// Is reports whether target is [ErrLimit].
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// TermError reports a term that cannot be written as N-Quads, or that sits
// in a position where RDF does not allow it.
type TermError struct {
	Position string // "subject", "predicate", "object", "graph" or "" for a lone term
	Msg      string
}

// Error implements error.
func (e *TermError) Error() string {
	if e.Position == "" {
		return "rdf: invalid term: " + e.Msg
	}
	return "rdf: invalid " + e.Position + ": " + e.Msg
}

// Is reports whether target is [ErrInvalidTerm].
func (e *TermError) Is(target error) bool { return target == ErrInvalidTerm }
