package vc

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/openbadges-go/openbadges/internal/jsonx"
)

// Context URLs of the VC data model versions.
const (
	ContextV1 = "https://www.w3.org/2018/credentials/v1"
	ContextV2 = "https://www.w3.org/ns/credentials/v2"
)

// Version is the VC data model version a credential follows, told by its
// first @context entry.
type Version int

const (
	VersionUnknown Version = iota
	Version1_1
	Version2_0
)

func (v Version) String() string {
	switch v {
	case Version1_1:
		return "1.1"
	case Version2_0:
		return "2.0"
	}
	return "unknown"
}

// Credential is a read-only view of a verifiable credential (VC Data Model
// 2.0; 1.1 is read too). It keeps the exact input bytes ([Credential.Raw]):
// proofs are verified over those, never over a re-marshalled value. Every
// accessor reads the same strict parse of those bytes (duplicate keys and
// invalid UTF-8 are refused by [Parse]), so the view cannot disagree with
// what was signed.
type Credential struct {
	raw  []byte
	doc  map[string]any
	vers Version
	// The RDF of the document without its proof, remembered for the rest
	// of the verification: the dataset [Processor.CheckUnsecured]
	// produced, and the canonical form [Processor.CanonicalUnsecured]
	// computed from it (each with the processor that made it).
	unsecuredRDF   atomic.Pointer[unsecuredRDF]
	unsecuredCanon atomic.Pointer[unsecuredCanon]
}

// Parse reads a credential from JSON bytes with the default limits.
func Parse(data []byte) (*Credential, error) { return ParseWithLimits(data, nil) }

// Default limits of [Parse], used for a zero field of [ParseLimits].
const (
	DefaultParseMaxBytes   = jsonx.DefaultMaxBytes   // 8 MiB
	DefaultParseMaxDepth   = jsonx.DefaultMaxDepth   // 64 nested objects and arrays
	DefaultParseMaxMembers = jsonx.DefaultMaxMembers // 200,000 members and elements
)

// ParseLimits bounds the work of [ParseWithLimits]. A zero (or negative)
// field means its default: [DefaultParseMaxBytes], [DefaultParseMaxDepth],
// [DefaultParseMaxMembers].
type ParseLimits struct {
	MaxBytes   int // input size in bytes
	MaxDepth   int // nesting depth of objects and arrays
	MaxMembers int // object members plus array elements, in all
}

// ParseWithLimits reads a credential as [Parse] does, with explicit JSON
// limits (nil means the defaults). Input over a limit is refused with an
// error matching [ErrMalformed] that says which limit.
func ParseWithLimits(data []byte, lim *ParseLimits) (*Credential, error) {
	var jl *jsonx.Limits
	if lim != nil {
		jl = &jsonx.Limits{MaxBytes: lim.MaxBytes, MaxDepth: lim.MaxDepth, MaxMembers: lim.MaxMembers}
	}
	v, err := jsonx.Parse(data, jl)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return FromValue(slices.Clone(data), v)
}

// FromValue wraps an already parsed JSON value (as produced by the strict
// reader) and the bytes it came from.
func FromValue(raw []byte, v any) (*Credential, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: a credential must be a JSON object", ErrMalformed)
	}
	c := &Credential{raw: raw, doc: m}
	ctxs := c.Contexts()
	if len(ctxs) == 0 {
		return nil, fmt.Errorf("%w: @context is missing", ErrMalformed)
	}
	switch ctxs[0] {
	case ContextV2:
		c.vers = Version2_0
	case ContextV1:
		c.vers = Version1_1
	}
	return c, nil
}

// unsecuredDoc returns the document without its proof member (the
// document itself when it has none).
func (c *Credential) unsecuredDoc() map[string]any {
	if _, ok := c.doc["proof"]; !ok {
		return c.doc
	}
	m := make(map[string]any, len(c.doc)-1)
	for k, v := range c.doc {
		if k != "proof" {
			m[k] = v
		}
	}
	return m
}

// Raw returns the exact bytes the credential was parsed from. The caller
// must not modify them.
func (c *Credential) Raw() []byte { return c.raw }

// Document returns the parsed JSON object. It is shared: treat it as
// read-only.
func (c *Credential) Document() map[string]any { return c.doc }

// Version reports the data model version from the first @context.
func (c *Credential) Version() Version { return c.vers }

// Contexts returns the @context entries that are URLs, in order. Embedded
// context objects are skipped; use [Credential.Document] to see them.
func (c *Credential) Contexts() []string { return strings1(c.doc["@context"]) }

// ID returns the credential's id, or "".
func (c *Credential) ID() string { s, _ := c.doc["id"].(string); return s }

// Types returns the type entries (a single string is a one-element list).
func (c *Credential) Types() []string { return strings1(c.doc["type"]) }

// HasType reports whether t is among the types.
func (c *Credential) HasType(t string) bool { return slices.Contains(c.Types(), t) }

// Issuer returns the issuer's id, whether the issuer is an IRI string or an
// object with an id. It is "" when absent or malformed.
func (c *Credential) Issuer() string {
	switch v := c.doc["issuer"].(type) {
	case string:
		return v
	case map[string]any:
		s, _ := v["id"].(string)
		return s
	}
	return ""
}

// IssuerObject returns the issuer when it is an embedded object (a Profile in
// Open Badges), else nil.
func (c *Credential) IssuerObject() map[string]any {
	m, _ := c.doc["issuer"].(map[string]any)
	return m
}

// Subjects returns the credentialSubject objects (a single object is a
// one-element list). Entries that are not objects are skipped.
func (c *Credential) Subjects() []map[string]any { return objects(c.doc["credentialSubject"]) }

// Proofs returns the embedded proof objects. For a proof chain or set, every
// proof is listed in document order.
func (c *Credential) Proofs() []map[string]any { return objects(c.doc["proof"]) }

// Statuses returns the credentialStatus entries.
func (c *Credential) Statuses() []map[string]any { return objects(c.doc["credentialStatus"]) }

// Schemas returns the credentialSchema entries.
func (c *Credential) Schemas() []map[string]any { return objects(c.doc["credentialSchema"]) }

// ValidFrom returns validFrom (VC 2.0) or, for a 1.1 credential,
// issuanceDate. ok is false when the member is absent; err is set when it is
// present but not a valid date-time.
func (c *Credential) ValidFrom() (t time.Time, ok bool, err error) {
	key := "validFrom"
	if c.vers == Version1_1 {
		if _, has := c.doc[key]; !has {
			key = "issuanceDate"
		}
	}
	return c.dateTime(key)
}

// ValidUntil returns validUntil (VC 2.0) or, for a 1.1 credential,
// expirationDate.
func (c *Credential) ValidUntil() (t time.Time, ok bool, err error) {
	key := "validUntil"
	if c.vers == Version1_1 {
		if _, has := c.doc[key]; !has {
			key = "expirationDate"
		}
	}
	return c.dateTime(key)
}

func (c *Credential) dateTime(key string) (time.Time, bool, error) {
	v, has := c.doc[key]
	if !has {
		return time.Time{}, false, nil
	}
	s, isStr := v.(string)
	if !isStr {
		return time.Time{}, true, fmt.Errorf("%w: %s must be a date-time string", ErrMalformed, key)
	}
	t, err := ParseDateTime(s)
	if err != nil {
		return time.Time{}, true, fmt.Errorf("%w: %s: %w", ErrMalformed, key, err)
	}
	return t, true, nil
}

// ParseDateTime parses an XML Schema dateTimeStamp as the VC data model
// requires (RFC 3339 with a time zone; fractional seconds allowed). A
// date-time without a zone is refused: its instant would be ambiguous.
func ParseDateTime(s string) (time.Time, error) {
	if len(s) < 20 || len(s) > 64 {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 date-time", s)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		// Go refuses lower-case 't'/'z' which RFC 3339 allows.
		if t2, err2 := time.Parse(time.RFC3339Nano, strings.ToUpper(s)); err2 == nil {
			return t2, nil
		}
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 date-time", s)
	}
	return t, nil
}

// MarshalJSON returns the original bytes.
func (c *Credential) MarshalJSON() ([]byte, error) {
	if c == nil {
		return []byte("null"), nil
	}
	return json.RawMessage(c.raw), nil
}

// strings1 reads a string-or-array-of-strings member.
func strings1(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// objects reads an object-or-array-of-objects member.
func objects(v any) []map[string]any {
	switch x := v.(type) {
	case map[string]any:
		return []map[string]any{x}
	case []any:
		out := make([]map[string]any, 0, len(x))
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}
