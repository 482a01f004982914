package vc

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors of package vc. Typed errors below match them with
// errors.Is.
var (
	// ErrUnknownContext: a JSON-LD context that the loader does not serve.
	ErrUnknownContext = errors.New("vc: unknown JSON-LD context")
	// ErrLoad: a context could not be fetched (network, size, type).
	ErrLoad = errors.New("vc: context could not be loaded")
	// ErrSafeMode is matched by every safe-mode failure (undefined terms,
	// relative IRIs, invalid values).
	ErrSafeMode = errors.New("vc: JSON-LD safe mode violation")
	// ErrUndefinedTerm: a property or type the active contexts do not define.
	ErrUndefinedTerm = errors.New("vc: undefined JSON-LD term")
	// ErrRelativeIRI: a relative IRI where an absolute one is needed.
	ErrRelativeIRI = errors.New("vc: relative IRI")
	// ErrInvalidValue: a value JSON-LD processing would drop or reject.
	ErrInvalidValue = errors.New("vc: invalid JSON-LD value")
	// ErrJSONLD: the document is not valid JSON-LD (bad context, protected
	// term redefinition, colliding keywords, ...).
	ErrJSONLD = errors.New("vc: invalid JSON-LD")
	// ErrStrictForm: the document is valid JSON-LD but not in the strict
	// compact form, in which the members a program reads are exactly the
	// statements that are signed (an IRI or compact IRI as a key, an
	// inline context, @nest, a keyword alias, a blank node id, a value in
	// another shape than its term expects, a node described twice, ...),
	// or the signed graph disagrees with a member. It is a safe-mode
	// problem kind: errors.Is(err, ErrSafeMode) holds too.
	ErrStrictForm = errors.New("vc: JSON-LD form not allowed (what is read could differ from what is signed)")
	// ErrCanonicalizationLimit: RDFC-1.0 gave up on a graph whose
	// canonicalization needs more work than allowed (a poison graph).
	ErrCanonicalizationLimit = errors.New("vc: canonicalization work limit exceeded")
	// ErrMalformed: the input is not a well-formed credential (bad JSON,
	// missing or mistyped required members).
	ErrMalformed = errors.New("vc: malformed credential")
	// ErrNotYetValid and ErrExpired: the validity window check failed.
	ErrNotYetValid = errors.New("vc: credential not yet valid")
	ErrExpired     = errors.New("vc: credential expired")
)

// UnknownContextError names a context URL that could not be resolved.
type UnknownContextError struct {
	URL    string
	Reason string
}

func (e *UnknownContextError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("vc: unknown JSON-LD context %q: %s", e.URL, e.Reason)
	}
	return fmt.Sprintf("vc: unknown JSON-LD context %q (not embedded; add it with a custom DocumentLoader)", e.URL)
}

// Is reports whether target is ErrUnknownContext.
func (e *UnknownContextError) Is(target error) bool { return target == ErrUnknownContext }

// LoadError is a failure to fetch a context.
type LoadError struct {
	URL string
	Err error
}

func (e *LoadError) Error() string { return fmt.Sprintf("vc: loading context %q: %v", e.URL, e.Err) }

// Is reports whether target is ErrLoad.
func (e *LoadError) Is(target error) bool { return target == ErrLoad }

// Unwrap returns the cause.
func (e *LoadError) Unwrap() error { return e.Err }

// Problem is one safe-mode finding.
type Problem struct {
	// Path is the JSONPath of the offending member, e.g.
	// "$.credentialSubject.achievement.fooBar" or "$.type[1]".
	Path string
	// Term is the property name or value concerned, when there is one.
	Term string
	// Kind is ErrUndefinedTerm, ErrRelativeIRI, ErrInvalidValue,
	// ErrStrictForm or ErrJSONLD.
	Kind error
	// Reason says what is wrong in words.
	Reason string
}

func (p Problem) String() string {
	if p.Term != "" {
		return fmt.Sprintf("%s: %s (%q)", p.Path, p.Reason, p.Term)
	}
	return fmt.Sprintf("%s: %s", p.Path, p.Reason)
}

// SafeModeError lists every safe-mode problem found in a document, in
// document order. errors.Is matches ErrSafeMode and the Kind of every problem.
type SafeModeError struct {
	Problems []Problem
}

func (e *SafeModeError) Error() string {
	return formatProblems("vc: JSON-LD safe mode: ", e.Problems)
}

// formatProblems joins problems after prefix, eight at most.
func formatProblems(prefix string, ps []Problem) string {
	var b strings.Builder
	b.WriteString(prefix)
	for i, p := range ps {
		if i > 0 {
			b.WriteString("; ")
		}
		if i == 8 {
			fmt.Fprintf(&b, "and %d more", len(ps)-i)
			break
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Is matches ErrSafeMode and the kinds of the problems.
func (e *SafeModeError) Is(target error) bool {
	if target == ErrSafeMode {
		return true
	}
	for _, p := range e.Problems {
		if p.Kind == target {
			return true
		}
	}
	return false
}
