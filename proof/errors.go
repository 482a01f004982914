package proof

import (
	"errors"
	"fmt"
	"strings"

	"github.com/openbadges-go/openbadges/did"
)

// Sentinel errors. Every error this package returns matches one of them
// with [errors.Is]; the typed errors below carry the data of a failure and
// match their sentinel too.
var (
	// ErrUnsupportedCryptosuite: a proof type or cryptosuite that is unknown
	// to this package or not in the verifier's allow-list.
	ErrUnsupportedCryptosuite = errors.New("proof: unsupported cryptosuite")
	// ErrMalformedProof: a proof object with missing or mistyped members,
	// or a proof chain that names a proof that is not there.
	ErrMalformedProof = errors.New("proof: malformed proof")
	// ErrMalformedProofValue: a proofValue that is not multibase base58btc,
	// or whose decoded length is wrong for the suite.
	ErrMalformedProofValue = errors.New("proof: malformed proofValue")
	// ErrSignatureInvalid: the signature does not verify with the key.
	ErrSignatureInvalid = errors.New("proof: signature invalid")
	// ErrPurposeMismatch: proofPurpose is not the expected one.
	ErrPurposeMismatch = errors.New("proof: proof purpose mismatch")
	// ErrKeyNotFound: the verification method (or JWT key) could not be
	// found or resolved.
	// It is did.ErrKeyNotFound: errors.Is finds it whichever package
	// raised it.
	ErrKeyNotFound = did.ErrKeyNotFound
	// ErrKeyMismatch: the key exists but its type does not suit the
	// cryptosuite or algorithm, or an embedded key contradicts it.
	ErrKeyMismatch = errors.New("proof: key does not match the suite")
	// ErrNotAuthorized: the verification method is not listed under the
	// required relationship (assertionMethod) of its controller, or an
	// embedded JWT key is not trusted.
	// It is did.ErrNotAuthorized.
	ErrNotAuthorized = did.ErrNotAuthorized
	// ErrIssuerMismatch: the key's controller is not the credential's issuer.
	ErrIssuerMismatch = errors.New("proof: key controller is not the issuer")
	// ErrProofNotYetValid and ErrProofExpired: the proof's created or
	// expires time (or a JWT's nbf or exp) is outside the allowed window.
	ErrProofNotYetValid = errors.New("proof: proof not yet valid")
	ErrProofExpired     = errors.New("proof: proof expired")
	// ErrChallengeMismatch and ErrDomainMismatch: a presentation proof whose
	// challenge or domain is not the expected one.
	ErrChallengeMismatch = errors.New("proof: challenge mismatch")
	ErrDomainMismatch    = errors.New("proof: domain mismatch")
	// ErrAlgorithmNotAllowed: a JWS alg that is "none", an HMAC, unknown or
	// not in the verifier's allow-list.
	ErrAlgorithmNotAllowed = errors.New("proof: algorithm not allowed")
	// ErrInvalidHeader: a JOSE header with members other than alg, kid, jwk
	// and typ, a wrong typ, a missing key reference, or bad encoding.
	ErrInvalidHeader = errors.New("proof: invalid JOSE header")
	// ErrMalformedToken: a token that is not a compact JWS with a JSON
	// object payload.
	ErrMalformedToken = errors.New("proof: malformed token")
	// ErrClaimMismatch: a JWT claim that disagrees with the credential.
	ErrClaimMismatch = errors.New("proof: JWT claim does not match the credential")
	// ErrInvalidDocument: the document to sign is not valid JSON, not an
	// object, or fails JSON-LD safe-mode processing (undefined terms,
	// unknown contexts). The cause is wrapped.
	ErrInvalidDocument = errors.New("proof: invalid document")
	// ErrInvalidKey: the signing key is missing, of an unsupported type, or
	// does not suit the requested suite or algorithm.
	ErrInvalidKey = errors.New("proof: invalid signing key")
	// ErrNoProof: the credential carries no proof.
	ErrNoProof = errors.New("proof: no proof")
)

// Error is the typed error of one failed check: Kind is the sentinel it
// matches, Detail says what was wrong, Err is an optional cause.
type Error struct {
	Kind   error
	Detail string
	Err    error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.Error())
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Is reports whether target is the error's kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func errorf(kind error, cause error, format string, args ...any) *Error {
	return &Error{Kind: kind, Detail: fmt.Sprintf(format, args...), Err: cause}
}

// PurposeMismatchError reports a proofPurpose other than the expected one.
type PurposeMismatchError struct{ Want, Got string }

func (e *PurposeMismatchError) Error() string {
	return fmt.Sprintf("proof: proof purpose %q, want %q", e.Got, e.Want)
}

// Is matches [ErrPurposeMismatch].
func (e *PurposeMismatchError) Is(target error) bool { return target == ErrPurposeMismatch }

// IssuerMismatchError reports a verification method whose controller is not
// the credential's issuer.
type IssuerMismatchError struct{ Issuer, Controller, VerificationMethod string }

func (e *IssuerMismatchError) Error() string {
	return fmt.Sprintf("proof: verification method %q is controlled by %q, not by the issuer %q", e.VerificationMethod, e.Controller, e.Issuer)
}

// Is matches [ErrIssuerMismatch].
func (e *IssuerMismatchError) Is(target error) bool { return target == ErrIssuerMismatch }

// ClaimMismatchError reports a JWT claim that does not match the credential
// field it mirrors. Token or Credential is "" when that side is absent.
type ClaimMismatchError struct{ Claim, Field, Token, Credential string }

func (e *ClaimMismatchError) Error() string {
	return fmt.Sprintf("proof: JWT claim %q is %q but credential %s is %q", e.Claim, e.Token, e.Field, e.Credential)
}

// Is matches [ErrClaimMismatch].
func (e *ClaimMismatchError) Is(target error) bool { return target == ErrClaimMismatch }

// HeaderError reports a JOSE header problem; Member names the offending
// header member, if any.
type HeaderError struct{ Member, Detail string }

func (e *HeaderError) Error() string {
	if e.Member != "" {
		return fmt.Sprintf("proof: invalid JOSE header: member %q: %s", e.Member, e.Detail)
	}
	return "proof: invalid JOSE header: " + e.Detail
}

// Is matches [ErrInvalidHeader].
func (e *HeaderError) Is(target error) bool { return target == ErrInvalidHeader }

// SignatureError reports a Data Integrity signature that does not verify.
// Diagnostics holds the canonical forms and hashes that were verified, so
// a caller can compare them with the issuer's.
type SignatureError struct {
	Cryptosuite        string
	VerificationMethod string
	Diagnostics        *Diagnostics
}

func (e *SignatureError) Error() string {
	return fmt.Sprintf("proof: %s signature does not verify with %q", e.Cryptosuite, e.VerificationMethod)
}

// Is matches [ErrSignatureInvalid].
func (e *SignatureError) Is(target error) bool { return target == ErrSignatureInvalid }

// VerificationError is returned by the Verifier when the proof policy is not
// met. Results holds every proof's outcome; Unwrap gives the errors of the
// proofs that failed, so errors.Is(err, ErrSignatureInvalid) works.
type VerificationError struct {
	Results []ProofResult
	Reason  string // why the policy failed, when no single proof explains it
}

func (e *VerificationError) Error() string {
	var first error
	n := 0
	for _, r := range e.Results {
		if r.Err != nil {
			n++
			if first == nil {
				first = r.Err
			}
		}
	}
	switch {
	case first == nil && e.Reason != "":
		return "proof: verification failed: " + e.Reason
	case first == nil:
		return "proof: verification failed"
	case n == 1:
		return first.Error()
	}
	return fmt.Sprintf("%v (and %d more failed proofs)", first, n-1)
}

// Unwrap returns the errors of the proofs that did not verify.
func (e *VerificationError) Unwrap() []error {
	var errs []error
	for _, r := range e.Results {
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	return errs
}
