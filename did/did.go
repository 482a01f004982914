package did

import (
	"strings"
)

// MaxDIDLength bounds the length of a DID or DID URL accepted by [Parse]
// and [ParseURL]. It is large enough for a did:jwk holding a 4096-bit RSA
// key.
const MaxDIDLength = 8192

// DID is a parsed decentralized identifier, did:Method:ID (W3C DID Core
// §3.1). ID is the method-specific identifier, kept exactly as written
// (percent-encoding is not decoded).
type DID struct {
	Method string
	ID     string
}

// String returns the DID in its textual form.
func (d DID) String() string { return "did:" + d.Method + ":" + d.ID }

// Parse parses a DID (without path, query or fragment) following the DID
// Core ABNF. Errors are *ResolutionError wrapping [ErrInvalidDID].
func Parse(s string) (DID, error) {
	d, rest, err := parseDIDPrefix(s)
	if err != nil {
		return DID{}, err
	}
	if rest != "" {
		return DID{}, newError(s, CodeInvalidDID, ErrInvalidDID, "unexpected %q after the method-specific id (a DID URL is not a DID)", rest[:1])
	}
	return d, nil
}

// parseDIDPrefix parses the DID at the start of s and returns the
// remainder, which starts with '/', '?' or '#' or is empty.
func parseDIDPrefix(s string) (DID, string, error) {
	bad := func(format string, args ...any) (DID, string, error) {
		return DID{}, "", newError(s, CodeInvalidDID, ErrInvalidDID, format, args...)
	}
	if len(s) > MaxDIDLength {
		return bad("longer than %d bytes", MaxDIDLength)
	}
	rest, ok := strings.CutPrefix(s, "did:")
	if !ok {
		return bad("missing \"did:\" scheme")
	}
	i := strings.IndexByte(rest, ':')
	if i < 0 {
		return bad("missing method-specific id")
	}
	method := rest[:i]
	if method == "" {
		return bad("empty method name")
	}
	for j := 0; j < len(method); j++ {
		c := method[j]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return bad("method name must be lowercase letters and digits")
		}
	}
	rest = rest[i+1:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	id := rest[:end]
	if id == "" {
		return bad("empty method-specific id")
	}
	if strings.HasSuffix(id, ":") {
		return bad("method-specific id ends with ':'")
	}
	for j := 0; j < len(id); j++ {
		c := id[j]
		switch {
		case isAlnum(c) || c == '.' || c == '-' || c == '_' || c == ':':
		case c == '%':
			if j+2 >= len(id) || !isHex(id[j+1]) || !isHex(id[j+2]) {
				return bad("bad percent-encoding in method-specific id")
			}
			j += 2
		default:
			return bad("character %q not allowed in method-specific id", rune(c))
		}
	}
	return DID{Method: method, ID: id}, rest[end:], nil
}

// URL is a parsed DID URL (DID Core §3.2): a DID followed by an optional
// path, query and fragment. Path includes its leading '/'; Query and
// Fragment exclude their '?' and '#'. HasQuery and HasFragment tell an
// empty component from an absent one.
type URL struct {
	DID         DID
	Path        string
	Query       string
	Fragment    string
	HasQuery    bool
	HasFragment bool
}

// ParseURL parses a DID URL. Errors are *ResolutionError wrapping
// [ErrInvalidDIDURL] (and [ErrInvalidDID] when the DID part is bad).
func ParseURL(s string) (*URL, error) {
	d, rest, err := parseDIDPrefix(s)
	if err != nil {
		re := err.(*ResolutionError)
		re.Code = CodeInvalidDIDURL
		re.Err = joinSentinel(ErrInvalidDIDURL, re.Err)
		return nil, re
	}
	u := &URL{DID: d}
	bad := func(format string, args ...any) (*URL, error) {
		return nil, newError(s, CodeInvalidDIDURL, ErrInvalidDIDURL, format, args...)
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		u.Fragment, u.HasFragment = rest[i+1:], true
		rest = rest[:i]
		if !validURIChars(u.Fragment, "/?") {
			return bad("invalid character in fragment")
		}
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		u.Query, u.HasQuery = rest[i+1:], true
		rest = rest[:i]
		if !validURIChars(u.Query, "/?") {
			return bad("invalid character in query")
		}
	}
	u.Path = rest
	if !validURIChars(u.Path, "/") {
		return bad("invalid character in path")
	}
	return u, nil
}

// String returns the DID URL in its textual form.
func (u *URL) String() string {
	var b strings.Builder
	b.WriteString(u.DID.String())
	b.WriteString(u.Path)
	if u.HasQuery {
		b.WriteByte('?')
		b.WriteString(u.Query)
	}
	if u.HasFragment {
		b.WriteByte('#')
		b.WriteString(u.Fragment)
	}
	return b.String()
}

// IsDID reports whether the URL is a bare DID (no path, query or fragment).
func (u *URL) IsDID() bool { return u.Path == "" && !u.HasQuery && !u.HasFragment }

// validURIChars reports whether s consists of RFC 3986 pchar characters
// (unreserved, pct-encoded, sub-delims, ':' and '@') plus the extra bytes.
func validURIChars(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isAlnum(c) || strings.IndexByte("-._~!$&'()*+,;=:@", c) >= 0:
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			i += 2
		case strings.IndexByte(extra, c) >= 0:
		default:
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
