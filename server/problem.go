package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// Problem types. The VC data model 2.0 (§7.1) names four families of
// verification problems; the others are ours, for errors of the request
// itself.
const (
	ProblemParsing        = "https://www.w3.org/TR/vc-data-model#PARSING_ERROR"
	ProblemCryptographic  = "https://www.w3.org/TR/vc-data-model#CRYPTOGRAPHIC_SECURITY_ERROR"
	ProblemMalformedValue = "https://www.w3.org/TR/vc-data-model#MALFORMED_VALUE_ERROR"
	ProblemRange          = "https://www.w3.org/TR/vc-data-model#RANGE_ERROR"

	ProblemBadRequest       = "https://github.com/openbadges-go/openbadges/problems#bad-request"
	ProblemUnsupportedMedia = "https://github.com/openbadges-go/openbadges/problems#unsupported-media-type"
	ProblemTooLarge         = "https://github.com/openbadges-go/openbadges/problems#too-large"
	ProblemUnknownOption    = "https://github.com/openbadges-go/openbadges/problems#unknown-option"
	ProblemMethod           = "https://github.com/openbadges-go/openbadges/problems#method-not-allowed"
	ProblemNotFound         = "https://github.com/openbadges-go/openbadges/problems#not-found"
	ProblemTimeout          = "https://github.com/openbadges-go/openbadges/problems#timeout"
	ProblemInternal         = "https://github.com/openbadges-go/openbadges/problems#internal"
	ProblemNotVerified      = "https://github.com/openbadges-go/openbadges/problems#not-verified"
)

// ProblemMediaType is the content type of problem responses (RFC 9457).
const ProblemMediaType = "application/problem+json"

// Problem is an RFC 9457 problem details object, the error shape of every
// handler in this package and of the errors and warnings of VC-API
// verification results.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status,omitempty"`
	Detail string `json:"detail,omitempty"`
	// Errors lists individual findings (a JSON path and what is wrong),
	// for a credential refused for several reasons at once.
	Errors []FieldProblem `json:"errors,omitempty"`
}

// FieldProblem is one finding at a JSON path of the request.
type FieldProblem struct {
	Path   string `json:"path,omitempty"`
	Detail string `json:"detail"`
}

// Error makes a *Problem an error, so handlers can return one.
func (p *Problem) Error() string {
	if p.Detail != "" {
		return fmt.Sprintf("server: %s: %s", p.Title, p.Detail)
	}
	return "server: " + p.Title
}

func newProblem(status int, typ, title, format string, args ...any) *Problem {
	return &Problem{Type: typ, Title: title, Status: status, Detail: fmt.Sprintf(format, args...)}
}

// badRequest is the common 400.
func badRequest(format string, args ...any) *Problem {
	return newProblem(http.StatusBadRequest, ProblemBadRequest, "Bad request", format, args...)
}

// writeJSON writes v as JSON with the given status and content type.
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, contentType = http.StatusInternalServerError, ProblemMediaType
		b, _ = json.Marshal(&Problem{Type: ProblemInternal, Title: "Internal error", Status: status, Detail: "the response could not be encoded"})
	}
	writeBytes(w, status, contentType, b)
}

func writeBytes(w http.ResponseWriter, status int, contentType string, b []byte) {
	writeParts(w, status, contentType, b)
}

// writeParts writes the concatenation of parts as the body. The
// Content-Length it declares spares the connection a chunked encoding and
// a write.
func writeParts(w http.ResponseWriter, status int, contentType string, parts ...[]byte) {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(status)
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			return
		}
	}
}

// writeProblem writes err as a problem response: a *Problem as it is,
// anything else as a 500 that does not leak the error text.
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
