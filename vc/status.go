package vc

import (
	"context"
	"errors"
	"fmt"
)

// Status errors. Every error a [StatusChecker] returns matches ErrStatus;
// ErrRevoked and ErrSuspended say what the list says, ErrStatusUnknown that
// the status could not be established (list unreachable, unverifiable, too
// short, index out of range, unsupported type). Unknown fails closed: a
// verifier must not treat it as valid.
var (
	ErrStatus        = errors.New("vc: credential status check failed")
	ErrRevoked       = errors.New("vc: credential revoked")
	ErrSuspended     = errors.New("vc: credential suspended")
	ErrStatusUnknown = errors.New("vc: credential status unknown")
	// ErrUnsupportedStatusType matches ErrStatusUnknown too.
	ErrUnsupportedStatusType = errors.New("vc: unsupported credentialStatus type")
)

// StatusChecker checks one credentialStatus entry of a credential. It must
// be safe for concurrent use and honour ctx. It returns a result describing
// what it found, and an error that is nil only when the entry says the
// credential is in good standing (for a "message" purpose: when the message
// could be read).
type StatusChecker interface {
	CheckStatus(ctx context.Context, c *Credential, entry map[string]any) (*StatusResult, error)
}

// StatusCheckerFunc adapts a function to [StatusChecker].
type StatusCheckerFunc func(ctx context.Context, c *Credential, entry map[string]any) (*StatusResult, error)

// CheckStatus calls f.
func (f StatusCheckerFunc) CheckStatus(ctx context.Context, c *Credential, entry map[string]any) (*StatusResult, error) {
	return f(ctx, c, entry)
}

// StatusOutcome is what a status check established.
type StatusOutcome int

const (
	StatusUnknownOutcome StatusOutcome = iota // could not be established (fails closed)
	StatusValid                               // in good standing
	StatusRevoked
	StatusSuspended
	StatusMessage // a "message" purpose entry: see StatusResult.Message
)

func (o StatusOutcome) String() string {
	switch o {
	case StatusValid:
		return "valid"
	case StatusRevoked:
		return "revoked"
	case StatusSuspended:
		return "suspended"
	case StatusMessage:
		return "message"
	}
	return "unknown"
}

// MarshalText writes the outcome's name.
func (o StatusOutcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// StatusResult describes one checked credentialStatus entry.
type StatusResult struct {
	Type    string        `json:"type"`              // the entry's type, e.g. BitstringStatusListEntry
	Purpose string        `json:"purpose,omitempty"` // revocation, suspension, message, refresh
	ListURL string        `json:"list,omitempty"`    // statusListCredential or the revocation list URL
	Index   int64         `json:"index"`             // statusListIndex (-1 when the method has none)
	Value   uint64        `json:"value"`             // the raw status value read from the list
	Message string        `json:"message,omitempty"` // statusMessage text for Value, if given
	Outcome StatusOutcome `json:"outcome"`
}

// StatusError is a failed status check. errors.Is matches ErrStatus, its
// Kind (ErrRevoked, ErrSuspended, ErrStatusUnknown or
// ErrUnsupportedStatusType, which also matches ErrStatusUnknown), and the
// wrapped cause.
type StatusError struct {
	Kind    error
	Type    string
	ListURL string
	Index   int64
	Message string // statusMessage, when the list gives one
	Err     error  // the cause, for unknown outcomes
}

func (e *StatusError) Error() string {
	s := e.Kind.Error()
	if e.Type != "" {
		s += " (" + e.Type
		if e.ListURL != "" {
			s += fmt.Sprintf(" %q", e.ListURL)
			if e.Index >= 0 {
				s += fmt.Sprintf(" index %d", e.Index)
			}
		}
		s += ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is matches ErrStatus, the Kind, and ErrStatusUnknown for an unsupported
// type.
func (e *StatusError) Is(target error) bool {
	return target == ErrStatus || target == e.Kind || (target == ErrStatusUnknown && e.Kind == ErrUnsupportedStatusType)
}

// Unwrap returns the cause.
func (e *StatusError) Unwrap() error { return e.Err }

// ErrRefresh matches failures of a [Refresher].
var ErrRefresh = errors.New("vc: credential refresh failed")

// Refresher fetches the refreshed copy of a credential from its
// refreshService entry (for Open Badges, type 1EdTechCredentialRefresh). It
// returns the bytes served: a JSON credential, a compact JWT or a baked
// image; the caller verifies them as it would any credential. It must be
// safe for concurrent use and honour ctx.
type Refresher interface {
	Refresh(ctx context.Context, c *Credential, service map[string]any) ([]byte, error)
}
