package delivery

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// Problem types of the VC-API exchange endpoints (RFC 9457). The
// verification failures use the VC data model's (as package server does);
// the others are ours.
const (
	ProblemBadRequest     = "https://github.com/openbadges-go/openbadges/problems#bad-request"
	ProblemNotFound       = "https://github.com/openbadges-go/openbadges/problems#not-found"
	ProblemMethod         = "https://github.com/openbadges-go/openbadges/problems#method-not-allowed"
	ProblemTooLarge       = "https://github.com/openbadges-go/openbadges/problems#too-large"
	ProblemInternal       = "https://github.com/openbadges-go/openbadges/problems#internal"
	ProblemNotVerified    = "https://github.com/openbadges-go/openbadges/problems#not-verified"
	ProblemExpired        = "https://github.com/openbadges-go/openbadges/problems#exchange-expired"
	ProblemComplete       = "https://github.com/openbadges-go/openbadges/problems#exchange-complete"
	ProblemInProgress     = "https://github.com/openbadges-go/openbadges/problems#exchange-in-progress"
	ProblemWrongHolder    = "https://github.com/openbadges-go/openbadges/problems#wrong-holder"
	ProblemIssueFailed    = "https://github.com/openbadges-go/openbadges/problems#issue-failed"
	ProblemCryptographic  = "https://www.w3.org/TR/vc-data-model#CRYPTOGRAPHIC_SECURITY_ERROR"
	ProblemMalformedValue = "https://www.w3.org/TR/vc-data-model#MALFORMED_VALUE_ERROR"
)

// ProblemMediaType is the content type of problem responses.
const ProblemMediaType = "application/problem+json"

// Problem is an RFC 9457 problem details object, the error shape of the
// VC-API exchange endpoints (the OpenID4VCI endpoints answer with the
// OAuth error shape their specification names instead, [OAuthError]).
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status,omitempty"`
	Detail string `json:"detail,omitempty"`
	// Errors lists the failed checks of a presentation that did not
	// verify: the check id and what is wrong.
	Errors []FieldProblem `json:"errors,omitempty"`
	err    error
}

// FieldProblem is one finding.
type FieldProblem struct {
	Path   string `json:"path,omitempty"`
	Detail string `json:"detail"`
}

func (p *Problem) Error() string {
	if p.Detail != "" {
		return fmt.Sprintf("delivery: %s: %s", p.Title, p.Detail)
	}
	return "delivery: " + p.Title
}

// Unwrap returns the cause (a sentinel of this package, or the
// verification error), so errors.Is works on a refused request.
func (p *Problem) Unwrap() error { return p.err }

func problem(status int, typ, title string, cause error, format string, args ...any) *Problem {
	return &Problem{Type: typ, Title: title, Status: status, Detail: fmt.Sprintf(format, args...), err: cause}
}

// OAuthError is the error response of the OpenID4VCI endpoints: RFC 6749
// §5.2 at the token endpoint, OpenID4VCI §8.3.1 at the credential
// endpoint ("invalid_proof", "invalid_nonce", ...).
type OAuthError struct {
	Status      int    `json:"-"`
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
	// Bearer, when set, is sent as a WWW-Authenticate challenge (RFC 6750
	// §3: a missing or invalid access token).
	Bearer bool `json:"-"`
	err    error
}

func (e *OAuthError) Error() string {
	if e.Description != "" {
		return "delivery: " + e.Code + ": " + e.Description
	}
	return "delivery: " + e.Code
}

// Unwrap returns the cause.
func (e *OAuthError) Unwrap() error { return e.err }

func oauthError(status int, code string, cause error, format string, args ...any) *OAuthError {
	return &OAuthError{Status: status, Code: code, Description: asciiDescription(fmt.Sprintf(format, args...)), err: cause}
}

// asciiDescription keeps error_description within the characters RFC 6749
// allows (%x20-21 / %x23-5B / %x5D-7E).
func asciiDescription(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			c = '\''
			if s[i] < 0x20 || s[i] > 0x7e {
				c = '?'
			}
		}
		b = append(b, c)
	}
	return string(b)
}

// writeJSON writes v with the status, no-store and nosniff.
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, contentType = http.StatusInternalServerError, ProblemMediaType
		b, _ = json.Marshal(&Problem{Type: ProblemInternal, Title: "Internal error", Status: status})
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeProblem writes err as a problem: a *Problem as it is, anything
// else as a 500 that does not leak its text.
func writeProblem(w http.ResponseWriter, err error) {
	var p *Problem
	if !errors.As(err, &p) {
		p = &Problem{Type: ProblemInternal, Title: "Internal error", Status: http.StatusInternalServerError}
	}
	if p.Status == 0 {
		p.Status = http.StatusBadRequest
	}
	writeJSON(w, p.Status, ProblemMediaType, p)
}

// writeOAuthError writes err as an OAuth error: an *OAuthError as it is,
// anything else as server_error.
func writeOAuthError(w http.ResponseWriter, err error) {
	var e *OAuthError
	if !errors.As(err, &e) {
		e = &OAuthError{Status: http.StatusInternalServerError, Code: "server_error"}
	}
	if e.Bearer {
		v := `Bearer error="` + e.Code + `"`
		if e.Description != "" {
			v += `, error_description="` + e.Description + `"`
		}
		w.Header().Set("WWW-Authenticate", v)
	}
	writeJSON(w, e.Status, "application/json", e)
}
