package status

import (
	"errors"
	"fmt"
)

// Failure kinds. Each is the cause of a status check that could not
// establish the status; the [Checker] reports it as a [vc.StatusError] of
// kind [vc.ErrStatusUnknown] that unwraps to an [*Error] of one of these
// kinds, so errors.Is(err, status.ErrRange) and errors.Is(err,
// vc.ErrStatusUnknown) both hold. They follow the error codes of W3C
// Bitstring Status List v1.0 ([Error.Code]).
var (
	// ErrRetrieval: the list could not be fetched (network, HTTP status,
	// timeout, size limit, not https). STATUS_RETRIEVAL_ERROR.
	ErrRetrieval = errors.New("status: status list could not be retrieved")
	// ErrVerification: the list was fetched but cannot be trusted: a proof
	// that does not verify, an issuer other than the credential's, a
	// validity window that does not hold, a purpose the list does not
	// serve, an id other than its URL, a list older than one already seen,
	// a list whose own status is not in good standing.
	// STATUS_VERIFICATION_ERROR.
	ErrVerification = errors.New("status: status list could not be verified")
	// ErrListLength: the list has fewer entries than the minimum (131,072
	// by default). STATUS_LIST_LENGTH_ERROR.
	ErrListLength = errors.New("status: status list too short")
	// ErrRange: the index is past the end of the list. RANGE_ERROR.
	ErrRange = errors.New("status: status list index out of range")
	// ErrMalformed: a value breaks the format: an entry without an index,
	// an encodedList that is not base64url GZIP, a decompressed list over
	// the size limit (a gzip bomb), a bad statusMessage.
	// MALFORMED_VALUE_ERROR.
	ErrMalformed = errors.New("status: malformed status value")
)

// Details, found in the chain of an [*Error] alongside its kind.
var (
	// ErrIssuerMismatch: the list's issuer is neither the credential's
	// issuer nor a trusted list issuer (kind ErrVerification).
	ErrIssuerMismatch = errors.New("status: status list issuer does not match the credential issuer")
	// ErrTooLarge: a size limit was hit: response body, encoded list or
	// decompressed list.
	ErrTooLarge = errors.New("status: size limit exceeded")
	// ErrListFull: no free index is left to allocate.
	ErrListFull = errors.New("status: status list is full")
	// ErrListIDMismatch: the status list credential's id is not the URL
	// the entry names (statusListCredential, or the id of a
	// 1EdTechRevocationList entry), compared as exact strings: a list
	// published for another URL (an older list, another list of the same
	// issuer) must not stand in for this one (kind ErrVerification). See
	// [Checker.AllowListIDMismatch].
	ErrListIDMismatch = errors.New("status: status list id does not match its URL")
	// ErrStatusListRollback: a status list older (by its signed validFrom,
	// then the created time of its verified proofs) than one the checker
	// has already accepted for the same URL; an older list may not show a
	// revocation the newer one does (kind ErrVerification).
	ErrStatusListRollback = errors.New("status: status list is older than one already seen")
	// ErrListStatus: the status list credential carries a credentialStatus
	// of its own, and that status is not in good standing: revoked,
	// suspended or unknown (kind ErrVerification).
	ErrListStatus = errors.New("status: the status list credential's own status is not in good standing")
	// ErrListStatusDepth: a status list met while checking another list's
	// own status carries a credentialStatus too; lists are checked one
	// level deep, never further (kind ErrVerification).
	ErrListStatusDepth = errors.New("status: status list nesting too deep")
)

// Error is a status list failure. Kind is one of ErrRetrieval,
// ErrVerification, ErrListLength, ErrRange or ErrMalformed; errors.Is
// matches it and everything in Err's chain.
type Error struct {
	Kind   error
	URL    string // the status list URL, when known
	Reason string
	Err    error
}

func (e *Error) Error() string {
	s := e.Kind.Error()
	if e.URL != "" {
		s += fmt.Sprintf(" %q", e.URL)
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is matches the Kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Code returns the W3C Bitstring Status List error code of the kind, e.g.
// "STATUS_RETRIEVAL_ERROR"; [ProblemType] gives its problem-details URL.
func (e *Error) Code() string {
	switch e.Kind {
	case ErrRetrieval:
		return "STATUS_RETRIEVAL_ERROR"
	case ErrVerification:
		return "STATUS_VERIFICATION_ERROR"
	case ErrListLength:
		return "STATUS_LIST_LENGTH_ERROR"
	case ErrRange:
		return "RANGE_ERROR"
	}
	return "MALFORMED_VALUE_ERROR"
}

// ProblemType returns the RFC 9457 problem type URL of a code, as the
// Bitstring Status List specification defines them.
func ProblemType(code string) string {
	return "https://www.w3.org/ns/credentials/status-list#" + code
}

func newError(kind error, url string, cause error, format string, args ...any) *Error {
	return &Error{Kind: kind, URL: url, Reason: fmt.Sprintf(format, args...), Err: cause}
}
