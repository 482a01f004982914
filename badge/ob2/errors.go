package ob2

import (
	"errors"
	"fmt"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// Errors. Where a 3.0 sentinel means the same thing it is reused, so that
// errors.Is finds it whichever version was verified.
var (
	// ErrNotOB2 means the input is not an Open Badges 2.0 document (nor a
	// baked image, JWS or URL holding one).
	ErrNotOB2 = errors.New("ob2: not an Open Badges 2.0 document")
	// ErrMalformed means a document breaks the Open Badges 2.0 data model:
	// a required property is missing or a value has the wrong form.
	ErrMalformed = errors.New("ob2: invalid Open Badges 2.0 document")
	// ErrUnknownContext means a @context is not one of the embedded ones.
	ErrUnknownContext = vc.ErrUnknownContext
	// ErrSafeMode means JSON-LD processing found an undefined term, a
	// relative IRI or an invalid value.
	ErrSafeMode = vc.ErrSafeMode
	// ErrFetch means a linked document could not be fetched: a network
	// error, a status other than 200, a body that is not JSON, too large,
	// or a URL the options do not allow (offline and not in Resources).
	ErrFetch = errors.New("ob2: fetching a linked document failed")
	// ErrScope means a hosted assertion lies outside its issuer's
	// verification scope (origin, allowedOrigins, startsWith).
	ErrScope = errors.New("ob2: hosted assertion outside the issuer's verification scope")
	// ErrHosted means the hosted copy of an assertion is missing or is not
	// the assertion.
	ErrHosted = errors.New("ob2: hosted verification failed")
	// ErrSignatureInvalid means a JWS signature does not verify.
	ErrSignatureInvalid = proof.ErrSignatureInvalid
	// ErrKeyNotLinked means the signing key is not one the issuer Profile
	// links through publicKey, or its owner is not the issuer.
	ErrKeyNotLinked = errors.New("ob2: signing key not linked from the issuer profile")
	// ErrIssuerMismatch means the BadgeClass's issuer is not the Profile
	// that verified, or a Profile claims an id on another origin.
	ErrIssuerMismatch = badge.ErrIssuerMismatch
	// ErrRevoked means the assertion is revoked (revoked: true, 410 Gone,
	// or listed in the issuer's revocationList).
	ErrRevoked = vc.ErrRevoked
	// ErrExpired means expires is past.
	ErrExpired = vc.ErrExpired
	// ErrNotYetValid means issuedOn is in the future.
	ErrNotYetValid = vc.ErrNotYetValid
	// ErrExtension means an extension node fails its validation (or no
	// validation is known for its type).
	ErrExtension = errors.New("ob2: invalid extension")
	// ErrEndorsement means an endorsement did not verify.
	ErrEndorsement = badge.ErrEndorsement
	// ErrRecipientMismatch means the recipient is not the expected one.
	ErrRecipientMismatch = badge.ErrRecipientMismatch
	// ErrNotVerified is returned by Upgrade for a result that did not
	// verify (or is not an Open Badges 2.0 result).
	ErrNotVerified = badge.ErrNotVerified
)

// FieldError names the JSON path of a data model problem.
type FieldError struct {
	Doc  string // the URL or id of the document, "" for the input
	Path string // e.g. "$.recipient.identity"
	Err  error
}

func (e *FieldError) Error() string {
	if e.Doc != "" {
		return fmt.Sprintf("ob2: %s in %q: %v", e.Path, e.Doc, e.Err)
	}
	return fmt.Sprintf("ob2: %s: %v", e.Path, e.Err)
}

// Unwrap returns the cause.
func (e *FieldError) Unwrap() error { return e.Err }

// Is matches ErrMalformed.
func (e *FieldError) Is(target error) bool { return target == ErrMalformed }

// FetchError reports a linked document that could not be fetched.
type FetchError struct {
	URL    string
	Status int // HTTP status, 0 when none was received
	Err    error
}

func (e *FetchError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("ob2: fetching %q: HTTP %d", e.URL, e.Status)
	}
	return fmt.Sprintf("ob2: fetching %q: %v", e.URL, e.Err)
}

// Unwrap returns the cause.
func (e *FetchError) Unwrap() error { return e.Err }

// Is matches ErrFetch.
func (e *FetchError) Is(target error) bool { return target == ErrFetch }

func malformed(doc, path, format string, args ...any) error {
	return &FieldError{Doc: doc, Path: path, Err: fmt.Errorf(format, args...)}
}
