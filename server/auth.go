package server

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
)

// Scopes a bearer token may carry.
const (
	// ScopeIssue allows issuing (POST /credentials/issue) and creating
	// wallet exchanges (POST /wallet/exchanges).
	ScopeIssue = "issue"
	// ScopeStatus allows status changes (POST /credentials/status).
	ScopeStatus = "status"
)

// Problem types of authentication and of the issuer store.
const (
	ProblemUnauthorized = "https://github.com/openbadges-go/openbadges/problems#unauthorized"
	ProblemForbidden    = "https://github.com/openbadges-go/openbadges/problems#forbidden"
	ProblemConflict     = "https://github.com/openbadges-go/openbadges/problems#conflict"
	ProblemUnavailable  = "https://github.com/openbadges-go/openbadges/problems#unavailable"
)

// knownScopes are the scopes a token file may name.
var knownScopes = []string{ScopeIssue, ScopeStatus}

// TokenPrefix starts every token [NewToken] makes, so that a leaked one is
// easy to recognise (secret scanners, logs).
const TokenPrefix = "obt_"

// ErrInvalidTokens is the error of [ParseTokens] for a token file it
// refuses.
var ErrInvalidTokens = errors.New("server: invalid token file")

// Tokens authenticates API callers with bearer tokens (RFC 6750). It holds
// only SHA-256 digests of the tokens, each with its scopes; a request's
// token is hashed and compared with every digest in constant time. The
// zero value knows no token: every request is refused. Tokens is read
// only after it is built and safe for concurrent use.
type Tokens struct {
	entries []tokenEntry
}

type tokenEntry struct {
	sum    [sha256.Size]byte
	scopes []string
	name   string
}

// NewToken returns a new random token (256 bits, base64url, after
// [TokenPrefix]) and the line of a token file that grants it scopes:
//
//	sha256:HEX issue,status NAME
//
// The token itself is not in the line: print it once, keep the line.
func NewToken(random io.Reader, scopes []string, name string) (token, line string, err error) {
	if err := checkScopes(scopes); err != nil {
		return "", "", err
	}
	if strings.ContainsAny(name, "\r\n#") {
		return "", "", fmt.Errorf("%w: a token name must be one line without #", ErrInvalidTokens)
	}
	if random == nil {
		random = rand.Reader
	}
	var b [32]byte
	if _, err := io.ReadFull(random, b[:]); err != nil {
		return "", "", err
	}
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	sum := sha256.Sum256([]byte(token))
	line = "sha256:" + hex.EncodeToString(sum[:]) + " " + strings.Join(scopes, ",")
	if name = strings.TrimSpace(name); name != "" {
		line += " " + name
	}
	return token, line, nil
}

func checkScopes(scopes []string) error {
	if len(scopes) == 0 {
		return fmt.Errorf("%w: a token needs at least one scope (%s)", ErrInvalidTokens, strings.Join(knownScopes, ", "))
	}
	for _, s := range scopes {
		if !slices.Contains(knownScopes, s) {
			return fmt.Errorf("%w: unknown scope %q (known: %s)", ErrInvalidTokens, s, strings.Join(knownScopes, ", "))
		}
	}
	return nil
}

// ParseTokens reads a token file: one token per line,
//
//	sha256:HEX SCOPE[,SCOPE...] [NAME]
//
// where HEX is the SHA-256 of the token (64 hex digits), the scopes are
// [ScopeIssue] and [ScopeStatus], and NAME, free text, says whose token it
// is. Blank lines and lines starting with # are ignored. Anything else,
// an unknown scope or a digest listed twice is an error naming the line.
func ParseTokens(data []byte) (*Tokens, error) {
	t := &Tokens{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			return nil, fmt.Errorf("%w: line %d: want \"sha256:HEX SCOPES [NAME]\"", ErrInvalidTokens, n)
		}
		digest, ok := strings.CutPrefix(fields[0], "sha256:")
		raw, err := hex.DecodeString(digest)
		if !ok || err != nil || len(raw) != sha256.Size {
			return nil, fmt.Errorf("%w: line %d: the first field must be sha256: and 64 hex digits", ErrInvalidTokens, n)
		}
		scopes := strings.Split(fields[1], ",")
		if err := checkScopes(scopes); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		e := tokenEntry{scopes: scopes, name: strings.Join(fields[2:], " ")}
		copy(e.sum[:], raw)
		for _, o := range t.entries {
			if o.sum == e.sum {
				return nil, fmt.Errorf("%w: line %d: the token is listed twice", ErrInvalidTokens, n)
			}
		}
		t.entries = append(t.entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidTokens, err)
	}
	return t, nil
}

// LoadTokens reads and parses a token file ([ParseTokens]).
func LoadTokens(path string) (*Tokens, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := ParseTokens(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// Len returns the number of tokens.
func (t *Tokens) Len() int { return len(t.entries) }

// lookup returns the scopes of token; ok is false for an unknown token.
// Every digest is compared, in constant time, whatever matches.
func (t *Tokens) lookup(token string) (scopes []string, ok bool) {
	sum := sha256.Sum256([]byte(token))
	for i := range t.entries {
		if subtle.ConstantTimeCompare(sum[:], t.entries[i].sum[:]) == 1 {
			scopes, ok = t.entries[i].scopes, true
		}
	}
	return scopes, ok
}

// Require wraps h so that it runs only for a request with a bearer token
// of t that has scope: a request without a token, or with a token t does
// not know, gets 401 with a WWW-Authenticate challenge (RFC 6750); a
// known token without the scope gets 403 (error="insufficient_scope").
// A nil t lets every request through (no authentication).
func (t *Tokens) Require(scope string, h http.Handler) http.Handler {
	if t == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, found := bearer(r)
		if !found {
			w.Header().Set("WWW-Authenticate", `Bearer realm="openbadges", scope="`+scope+`"`)
			writeProblem(w, newProblem(http.StatusUnauthorized, ProblemUnauthorized, "Unauthorized", "send a bearer token with scope %q (Authorization: Bearer TOKEN)", scope))
			return
		}
		scopes, ok := t.lookup(token)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="openbadges", error="invalid_token", scope="`+scope+`"`)
			writeProblem(w, newProblem(http.StatusUnauthorized, ProblemUnauthorized, "Unauthorized", "the bearer token is not valid"))
			return
		}
		if !slices.Contains(scopes, scope) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="openbadges", error="insufficient_scope", scope="`+scope+`"`)
			writeProblem(w, newProblem(http.StatusForbidden, ProblemForbidden, "Forbidden", "the token does not have scope %q", scope))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// bearer returns the request's bearer token (Authorization: Bearer ...,
// the scheme case-insensitive); found is false when there is none.
func bearer(r *http.Request) (token string, found bool) {
	h := r.Header.Get("Authorization")
	scheme, rest, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(rest)
	return token, token != ""
}
