package did

import (
	"errors"
	"fmt"
	"strings"

	"github.com/openbadges-go/openbadges/internal/netguard"
)

// Sentinel errors. Every error this package returns wraps one of them, so
// callers can test the class of a failure with [errors.Is]; most are also
// wrapped in a [*ResolutionError] that names the DID or URL involved.
var (
	// ErrInvalidDID reports a string that is not a syntactically valid DID.
	ErrInvalidDID = errors.New("did: invalid DID")
	// ErrInvalidDIDURL reports a string that is not a valid DID URL or
	// verification method URL.
	ErrInvalidDIDURL = errors.New("did: invalid DID URL")
	// ErrMethodNotSupported reports a DID method (or URL scheme) for which
	// no resolver is configured.
	ErrMethodNotSupported = errors.New("did: method not supported")
	// ErrNotFound reports a DID or document that does not exist (for
	// did:web and HTTPS documents: HTTP 404 or 410).
	ErrNotFound = errors.New("did: not found")
	// ErrInvalidDocument reports a DID document or key document that is
	// malformed, or whose id does not match the DID or URL it was resolved
	// from.
	ErrInvalidDocument = errors.New("did: invalid document")
	// ErrKeyNotFound reports a verification method that is not in the
	// resolved document, or a JWK that is not in a key set.
	ErrKeyNotFound = errors.New("did: verification method not found")
	// ErrInvalidKey reports key material that cannot be decoded: wrong
	// multibase, multicodec, length, curve point or JWK member.
	ErrInvalidKey = errors.New("did: invalid key")
	// ErrUnsupportedKey reports a well-formed key of a type this package does
	// not handle (for example BLS12-381).
	ErrUnsupportedKey = errors.New("did: unsupported key type")
	// ErrNotAuthorized reports a verification method that is not listed under
	// the required verification relationship (for example assertionMethod)
	// of its controller, or whose controller is not the document's subject.
	ErrNotAuthorized = errors.New("did: verification method not authorized")
	// ErrFetch reports a failed network retrieval (did:web, HTTPS documents,
	// JWKS): transport error, timeout, bad status, wrong content type,
	// oversized body, too many redirects or a refused address.
	ErrFetch = netguard.ErrFetch
	// ErrAddressNotAllowed reports a fetch refused because the host resolves
	// to a loopback, private, link-local, multicast or unspecified address.
	// It is always wrapped together with [ErrFetch].
	ErrAddressNotAllowed = netguard.ErrAddressNotAllowed
)

// ErrorCode is a machine-readable error code. The values follow the error
// codes of the W3C DID Resolution specification where one exists.
type ErrorCode string

// Error codes carried by [ResolutionError].
const (
	CodeInvalidDID             ErrorCode = "invalidDid"
	CodeInvalidDIDURL          ErrorCode = "invalidDidUrl"
	CodeNotFound               ErrorCode = "notFound"
	CodeMethodNotSupported     ErrorCode = "methodNotSupported"
	CodeInvalidDocument        ErrorCode = "invalidDidDocument"
	CodeInvalidPublicKey       ErrorCode = "invalidPublicKey"
	CodeInvalidPublicKeyLength ErrorCode = "invalidPublicKeyLength"
	CodeInvalidPublicKeyType   ErrorCode = "invalidPublicKeyType"
	CodeUnsupportedPublicKey   ErrorCode = "unsupportedPublicKeyType"
	CodeVerificationMethod     ErrorCode = "invalidVerificationMethod"
	CodeNotAuthorized          ErrorCode = "invalidRelationshipForVerificationMethod"
	CodeFetch                  ErrorCode = "fetchError"
	CodeInternal               ErrorCode = "internalError"
)

// ResolutionError is the typed error returned by parsing, resolution and
// dereferencing. DID is the DID, DID URL or HTTPS URL being processed, Code
// a machine-readable reason, and Err the cause, which wraps one of the
// package's sentinel errors.
type ResolutionError struct {
	DID  string
	Code ErrorCode
	Err  error
}

func (e *ResolutionError) Error() string {
	msg := "unknown error"
	if e.Err != nil {
		msg = strings.TrimPrefix(e.Err.Error(), "did: ")
	}
	return fmt.Sprintf("did: %q: %s", e.DID, msg)
}

// Unwrap returns the cause.
func (e *ResolutionError) Unwrap() error { return e.Err }

// newError builds a *ResolutionError whose cause wraps sentinel, with an
// optional detail message.
func newError(did string, code ErrorCode, sentinel error, format string, args ...any) *ResolutionError {
	var err error = sentinel
	if format != "" {
		err = fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))
	}
	return &ResolutionError{DID: did, Code: code, Err: err}
}

// wrapError attaches did to err. An err that already is a
// *ResolutionError is returned unchanged, so the innermost DID is kept.
func wrapError(did string, code ErrorCode, err error) error {
	if err == nil {
		return nil
	}
	var re *ResolutionError
	if errors.As(err, &re) {
		return err
	}
	return &ResolutionError{DID: did, Code: code, Err: err}
}

// keyCode chooses the resolution error code for bad key material.
func keyCode(err error) ErrorCode {
	switch {
	case errors.Is(err, errBadLength):
		return CodeInvalidPublicKeyLength
	case errors.Is(err, ErrUnsupportedKey):
		return CodeUnsupportedPublicKey
	default:
		return CodeInvalidPublicKey
	}
}

// multiError is an error that wraps several causes under one message.
type multiError struct {
	msg  string
	errs []error
}

func (e *multiError) Error() string   { return e.msg }
func (e *multiError) Unwrap() []error { return e.errs }

// joinSentinel wraps inner under outer, so that both match [errors.Is].
func joinSentinel(outer, inner error) error {
	return &multiError{
		msg:  outer.Error() + ": " + strings.TrimPrefix(inner.Error(), "did: "),
		errs: []error{outer, inner},
	}
}
