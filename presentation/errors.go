package presentation

import (
	"errors"
	"fmt"
	"strings"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/proof"
)

// Sentinel errors. Every failed check of a [Result] carries an error that
// matches one of them with [errors.Is]; the typed errors below carry the
// data of a failure and match their sentinel too.
var (
	// ErrMalformed: the input is not a JSON-LD VerifiablePresentation (bad
	// JSON, duplicate keys, no VerifiablePresentation type, a holder or an
	// embedded credential of the wrong shape).
	ErrMalformed = errors.New("presentation: malformed presentation")
	// ErrLimit: the input is larger than MaxInputBytes or carries more than
	// MaxCredentials credentials.
	ErrLimit = errors.New("presentation: limit exceeded")
	// ErrNoProof: the presentation carries no proof, so nothing binds it
	// to a holder.
	ErrNoProof = errors.New("presentation: no proof")
	// ErrHolderProof: the holder's proof did not verify (its signature, key,
	// purpose or times). The proof package's error is wrapped, so
	// errors.Is(err, proof.ErrSignatureInvalid) works as well.
	ErrHolderProof = errors.New("presentation: holder proof not verified")
	// ErrPurposeMismatch: a presentation proof whose proofPurpose is not
	// "authentication" (an assertionMethod proof is an issuer's, not a
	// holder's). Also matches proof.ErrPurposeMismatch.
	ErrPurposeMismatch = errors.New("presentation: proof purpose is not authentication")
	// ErrHolderMismatch: the proof was made by a key that the holder does
	// not control.
	ErrHolderMismatch = errors.New("presentation: proof not made by the holder")
	// ErrChallengeRequired and ErrDomainRequired: the verifier was given no
	// challenge (or domain) and did not opt out with InsecureSkipChallenge
	// (or InsecureSkipDomain). Without one, a recorded presentation can be
	// replayed.
	ErrChallengeRequired = errors.New("presentation: no challenge given to the verifier")
	ErrDomainRequired    = errors.New("presentation: no domain given to the verifier")
	// ErrChallengeMismatch and ErrDomainMismatch: a proof whose challenge
	// or domain is missing or not the expected one. They also match
	// proof.ErrChallengeMismatch and proof.ErrDomainMismatch.
	ErrChallengeMismatch = errors.New("presentation: challenge mismatch")
	ErrDomainMismatch    = errors.New("presentation: domain mismatch")
	// ErrCredential: an embedded credential did not verify. Its own
	// badge.VerificationError is wrapped.
	ErrCredential = errors.New("presentation: an embedded credential did not verify")
	// ErrNoCredentials: the presentation carries no credential.
	ErrNoCredentials = errors.New("presentation: no credential")
	// ErrHolderNotSubject: the holder is not the subject of a credential.
	ErrHolderNotSubject = errors.New("presentation: holder is not the credential subject")
	// ErrSubjectNotBindable: a credential whose subject has no id (it is
	// identified by identifier entries such as a hashed email): nothing in
	// it can be compared with the holder's DID.
	ErrSubjectNotBindable = errors.New("presentation: credential subject has no id to bind to the holder")
	// ErrNotVerified is matched by every [*VerificationError] (the
	// kernel's badge.ErrNotVerified).
	ErrNotVerified = badge.ErrNotVerified
	// ErrInvalidArgument: a misuse of [Sign] (no key, no holder, no
	// challenge or domain, a key the holder does not control).
	ErrInvalidArgument = errors.New("presentation: invalid argument")
	// ErrEnvelope: an EnvelopedVerifiableCredential or
	// EnvelopedVerifiablePresentation that breaks the VC 2.0 rules (the
	// base context first, the type, a data: URL id with a JWT media type).
	// Every [*EnvelopeError] matches it and ErrMalformed.
	ErrEnvelope = errors.New("presentation: invalid envelope")
	// ErrJWT: a presentation as a JWT (VC-JOSE-COSE, typ vp+jwt) whose
	// header or claims are refused: another typ, a jwk header instead of a
	// kid, the VC 1.1 "vp" or "vc" claims (which VC-JOSE-COSE forbids), a
	// claim of the wrong type. Every [*JWTError] matches it and
	// ErrMalformed.
	ErrJWT = errors.New("presentation: invalid presentation JWT")
)

// EnvelopeError is an enveloped credential or presentation refused for
// one of the VC 2.0 rules.
type EnvelopeError struct {
	Type   string // TypeEnvelopedVerifiableCredential or TypeEnvelopedVerifiablePresentation
	Member string // "@context", "type" or "id"
	Detail string
}

func (e *EnvelopeError) Error() string {
	return fmt.Sprintf("presentation: %s: %s %s", e.Type, e.Member, e.Detail)
}

// Is matches ErrEnvelope and ErrMalformed.
func (e *EnvelopeError) Is(target error) bool { return target == ErrEnvelope || target == ErrMalformed }

// JWTError is a presentation JWT refused for its header or claims.
type JWTError struct {
	Member string // the header member or claim, e.g. "typ", "vp"
	Detail string
}

func (e *JWTError) Error() string {
	if e.Member == "" {
		return "presentation: presentation JWT: " + e.Detail
	}
	return fmt.Sprintf("presentation: presentation JWT: %s %s", e.Member, e.Detail)
}

// Is matches ErrJWT and ErrMalformed.
func (e *JWTError) Is(target error) bool { return target == ErrJWT || target == ErrMalformed }

// LimitError reports an input over a bound.
type LimitError struct {
	What       string // "input bytes" or "credentials"
	Got, Limit int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("presentation: %d %s, more than the limit of %d", e.Got, e.What, e.Limit)
}

// Is matches ErrLimit.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// MismatchError is a challenge or domain that is not the expected one.
type MismatchError struct {
	Member string // "challenge" or "domain"
	Want   string
	Got    []string // the values found in the proof(s); empty when absent
}

func (e *MismatchError) Error() string {
	if len(e.Got) == 0 {
		return fmt.Sprintf("presentation: the proof has no %s (want %q): a presentation made for no %s can be replayed", e.Member, e.Want, e.Member)
	}
	return fmt.Sprintf("presentation: %s %q, want %q", e.Member, strings.Join(e.Got, ", "), e.Want)
}

// Is matches ErrChallengeMismatch or ErrDomainMismatch and the proof
// package's sentinel of the same name.
func (e *MismatchError) Is(target error) bool {
	if e.Member == "domain" {
		return target == ErrDomainMismatch || target == proof.ErrDomainMismatch
	}
	return target == ErrChallengeMismatch || target == proof.ErrChallengeMismatch
}

// HolderProofError is a holder proof that did not verify. Err is the
// proof package's error (a *proof.VerificationError or proof.ErrNoProof).
type HolderProofError struct {
	Err error
}

func (e *HolderProofError) Error() string { return "presentation: holder proof: " + e.Err.Error() }

// Is matches ErrHolderProof, and ErrPurposeMismatch when the cause is a
// wrong proof purpose.
func (e *HolderProofError) Is(target error) bool {
	return target == ErrHolderProof || (target == ErrPurposeMismatch && errors.Is(e.Err, proof.ErrPurposeMismatch))
}

// Unwrap returns the proof package's error.
func (e *HolderProofError) Unwrap() error { return e.Err }

// BindingError says how a credential's subject relates to the holder.
type BindingError struct {
	Index    int      // position in verifiableCredential
	Holder   string   // the holder id
	Subjects []string // the subject ids of the credential ("" for one without id)
	Unbound  bool     // true when no subject has an id (ErrSubjectNotBindable)
}

func (e *BindingError) Error() string {
	if e.Unbound {
		return fmt.Sprintf("presentation: verifiableCredential[%d]: the subject has no id (identified by identifier entries only) and cannot be bound to the holder %q", e.Index, e.Holder)
	}
	return fmt.Sprintf("presentation: verifiableCredential[%d]: the holder %q is not its subject (%s)", e.Index, e.Holder, strings.Join(quoteAll(e.Subjects), ", "))
}

// Is matches ErrSubjectNotBindable or ErrHolderNotSubject.
func (e *BindingError) Is(target error) bool {
	if e.Unbound {
		return target == ErrSubjectNotBindable
	}
	return target == ErrHolderNotSubject
}

// CredentialError is an embedded credential that did not verify.
type CredentialError struct {
	Index int
	Err   error // the badge verifier's error
}

func (e *CredentialError) Error() string {
	return fmt.Sprintf("presentation: verifiableCredential[%d]: %v", e.Index, e.Err)
}

// Is matches ErrCredential.
func (e *CredentialError) Is(target error) bool { return target == ErrCredential }

// Unwrap returns the badge verifier's error.
func (e *CredentialError) Unwrap() error { return e.Err }

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
