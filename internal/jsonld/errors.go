package jsonld

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Every error returned by this package matches one of them
// through [errors.Is]; the concrete types ([*SafeModeError], [*Problem],
// [*ContextError], [*LimitError], [*UnsupportedError], [*LoadError]) carry
// the details.
var (
	// Safe-mode problems (reported as [Problem] inside a [*SafeModeError]).
	ErrUndefinedTerm      = errors.New("jsonld: property does not expand to an absolute IRI")
	ErrUndefinedType      = errors.New("jsonld: type does not expand to an absolute IRI")
	ErrRelativeIRI        = errors.New("jsonld: relative IRI with no base")
	ErrInvalidIRI         = errors.New("jsonld: malformed IRI")
	ErrInvalidID          = errors.New("jsonld: invalid @id value")
	ErrInvalidTypeValue   = errors.New("jsonld: invalid @type value")
	ErrInvalidValueObject = errors.New("jsonld: invalid value object")
	ErrInvalidLanguage    = errors.New("jsonld: invalid language tag")
	ErrInvalidNumber      = errors.New("jsonld: number not representable")
	ErrInvalidList        = errors.New("jsonld: invalid list or set object")
	ErrInvalidReverse     = errors.New("jsonld: invalid @reverse value")
	ErrInvalidIncluded    = errors.New("jsonld: invalid @included value")
	ErrKeywordMisuse      = errors.New("jsonld: keyword misuse")
	ErrCollidingKeywords  = errors.New("jsonld: colliding keywords")
	ErrDroppedValue       = errors.New("jsonld: value would be dropped")

	// Context processing errors (reported as [*ContextError], either alone or
	// as the Reason of a [Problem] when raised while walking a document).
	ErrInvalidContext              = errors.New("jsonld: invalid context")
	ErrProtectedTermRedefinition   = errors.New("jsonld: protected term redefinition")
	ErrInvalidContextNullification = errors.New("jsonld: invalid context nullification")
	ErrInvalidTermDefinition       = errors.New("jsonld: invalid term definition")
	ErrKeywordRedefinition         = errors.New("jsonld: keyword redefinition")
	ErrCyclicIRIMapping            = errors.New("jsonld: cyclic IRI mapping")
	ErrRecursiveContext            = errors.New("jsonld: recursive context inclusion")

	// ErrLoadContext matches a [*LoadError]: the loader failed.
	ErrLoadContext = errors.New("jsonld: loading remote context failed")
	// ErrLimit matches a [*LimitError].
	ErrLimit = errors.New("jsonld: limit exceeded")
	// ErrUnsupported matches an [*UnsupportedError]: the document uses a
	// JSON-LD feature this engine does not implement; the caller should fall
	// back to a complete processor.
	ErrUnsupported = errors.New("jsonld: unsupported JSON-LD feature")
)

// Problem is one safe-mode finding: the JSON path of the offending member
// (see the package documentation for the syntax), the term or value at
// fault, and the reason (one of the sentinel errors).
type Problem struct {
	Path   string
	Term   string
	Reason error
	Detail string
}

// Error formats the problem as "jsonld: <path>: <reason>: <term> (<detail>)".
func (p *Problem) Error() string {
	var b strings.Builder
	if p.Reason != nil {
		b.WriteString(p.Reason.Error())
	} else {
		b.WriteString("jsonld: problem")
	}
	b.WriteString(" at ")
	b.WriteString(p.Path)
	if p.Term != "" {
		fmt.Fprintf(&b, ": %q", p.Term)
	}
	if p.Detail != "" {
		b.WriteString(" (")
		b.WriteString(p.Detail)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the reason.
func (p *Problem) Unwrap() error { return p.Reason }

// SafeModeError lists every problem found in a document. Nothing is
// produced when a document has a problem.
type SafeModeError struct {
	Problems []Problem
}

// Error summarizes the problems.
func (e *SafeModeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "jsonld: safe mode: %d problem(s)", len(e.Problems))
	for i := range e.Problems {
		if i == 8 {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-i)
			break
		}
		b.WriteString("; ")
		b.WriteString(strings.TrimPrefix(e.Problems[i].Error(), "jsonld: "))
	}
	return b.String()
}

// Unwrap returns every problem, so that errors.Is(err, ErrUndefinedTerm)
// holds when any problem has that reason and errors.As finds a *Problem.
func (e *SafeModeError) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i := range e.Problems {
		out[i] = &e.Problems[i]
	}
	return out
}

// ContextError reports a JSON-LD context processing error: URL is the
// remote context being processed ("" for an embedded or scoped context),
// Term the term definition at fault.
type ContextError struct {
	URL    string
	Term   string
	Reason error
	Detail string
}

// Error formats the context error.
func (e *ContextError) Error() string {
	var b strings.Builder
	if e.Reason != nil {
		b.WriteString(e.Reason.Error())
	} else {
		b.WriteString("jsonld: context error")
	}
	if e.Term != "" {
		fmt.Fprintf(&b, ": term %q", e.Term)
	}
	if e.URL != "" {
		fmt.Fprintf(&b, " in context <%s>", e.URL)
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	return b.String()
}

// Unwrap returns the reason.
func (e *ContextError) Unwrap() error { return e.Reason }

// LimitError reports that a configured limit was exceeded.
type LimitError struct {
	Limit string // "MaxDepth", "MaxQuads", "MaxContexts" or "MaxContextChain"
	Max   int
	Path  string
}

// Error formats the limit error.
func (e *LimitError) Error() string {
	s := fmt.Sprintf("jsonld: limit exceeded: %s (%d)", e.Limit, e.Max)
	if e.Path != "" {
		s += " at " + e.Path
	}
	return s
}

// Is makes errors.Is(err, ErrLimit) hold.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// UnsupportedError names a JSON-LD feature this engine does not implement.
type UnsupportedError struct {
	Feature string
	Path    string
}

// Error formats the unsupported-feature error.
func (e *UnsupportedError) Error() string {
	s := "jsonld: unsupported JSON-LD feature: " + e.Feature
	if e.Path != "" {
		s += " at " + e.Path
	}
	return s
}

// Is makes errors.Is(err, ErrUnsupported) hold.
func (e *UnsupportedError) Is(target error) bool { return target == ErrUnsupported }

// LoadError wraps a failure of the [Loader].
type LoadError struct {
	URL string
	Err error
}

// Error formats the load error.
func (e *LoadError) Error() string {
	return fmt.Sprintf("jsonld: loading remote context <%s>: %v", e.URL, e.Err)
}

// Unwrap returns the loader's error.
func (e *LoadError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrLoadContext) hold.
func (e *LoadError) Is(target error) bool { return target == ErrLoadContext }
