package presentation

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/vc"
)

// Defaults of [Limits].
const (
	DefaultMaxInputBytes  = 16 << 20
	DefaultMaxCredentials = 100
)

// Type names of VC 2.0.
const (
	TypeVerifiablePresentation          = "VerifiablePresentation"
	TypeEnvelopedVerifiableCredential   = "EnvelopedVerifiableCredential"
	TypeEnvelopedVerifiablePresentation = "EnvelopedVerifiablePresentation"
)

// MediaTypeVCJWT is the media type of the data: URL of an enveloped VC-JWT
// that [Envelope] writes; MediaTypeVPJWT that of an enveloped presentation
// JWT ([EnvelopePresentation], VC-JOSE-COSE).
const (
	MediaTypeVCJWT = "application/vc+jwt"
	MediaTypeVPJWT = "application/vp+jwt"
)

// envelopeMediaTypes are the media types accepted in the data: URL of an
// EnvelopedVerifiableCredential; presentationMediaTypes those of an
// EnvelopedVerifiablePresentation.
var (
	envelopeMediaTypes     = []string{MediaTypeVCJWT, "application/jwt", "application/vc-ld+jwt"}
	presentationMediaTypes = []string{MediaTypeVPJWT, "application/jwt", "application/vp-ld+jwt"}
)

// Limits bounds the work of [Parse]. A zero field takes its default.
type Limits struct {
	MaxInputBytes  int64 // default DefaultMaxInputBytes
	MaxCredentials int   // default DefaultMaxCredentials
}

func (l Limits) withDefaults() Limits {
	if l.MaxInputBytes <= 0 {
		l.MaxInputBytes = DefaultMaxInputBytes
	}
	if l.MaxCredentials <= 0 {
		l.MaxCredentials = DefaultMaxCredentials
	}
	return l
}

// Format is how a credential is embedded in a presentation.
type Format string

const (
	// FormatJSON is a JSON-LD credential with an embedded proof.
	FormatJSON Format = "json"
	// FormatEnveloped is an EnvelopedVerifiableCredential whose id is a
	// data: URL holding a compact VC-JWT (VC 2.0).
	FormatEnveloped Format = "enveloped"
	// FormatJWTString is a compact VC-JWT given as a JSON string, as VC 1.1
	// presentations carry them.
	FormatJWTString Format = "jwt"
)

// Credential is one entry of a presentation's verifiableCredential.
type Credential struct {
	Index  int
	Format Format
	// Raw is what a credential verifier takes: the exact JSON bytes of the
	// entry for FormatJSON, the compact JWT for the other formats.
	Raw []byte
	// Value is the entry as parsed (a JSON object, or the string).
	Value any
}

// Presentation is a parsed VerifiablePresentation: the strict parse of its
// bytes, and its credentials, each with its own bytes.
type Presentation struct {
	// Doc is the strict parse of the presentation (its Raw is the input).
	Doc *vc.Credential
	// Holder is the holder's id ("" when absent).
	Holder string
	// Credentials are the verifiableCredential entries in order.
	Credentials []Credential
	// JWT is set when the presentation came as a JWT (VC-JOSE-COSE: a
	// compact JWS whose payload is the presentation, given as it is or in
	// an EnvelopedVerifiablePresentation); Doc is then its payload
	// without the JWT claims.
	JWT *JWT
}

// Parse reads a VerifiablePresentation strictly (duplicate keys and
// invalid UTF-8 refused), within the limits (nil: the defaults): a JSON-LD
// presentation, an EnvelopedVerifiablePresentation (its data: URL holding
// a presentation JWT), or a presentation JWT itself ([ParseJWT]). It
// checks the shape only: VC 2.0 structure rules are in
// [StructureProblems], and no proof or signature is verified. An
// envelope that breaks the VC 2.0 rules is refused with an
// [*EnvelopeError], and so is an EnvelopedVerifiableCredential among the
// credentials.
func Parse(data []byte, lim *Limits) (*Presentation, error) {
	var l Limits
	if lim != nil {
		l = *lim
	}
	l = l.withDefaults()
	if int64(len(data)) > l.MaxInputBytes {
		return nil, &LimitError{What: "input bytes", Got: int64(len(data)), Limit: l.MaxInputBytes}
	}
	if t := strings.TrimSpace(string(data)); isCompactJWS(t) {
		return parseJWT(t, l)
	}
	v, err := jsonx.Parse(data, &jsonx.Limits{MaxBytes: int(l.MaxInputBytes)})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	doc, err := vc.FromValue(data, v)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return fromDocOrEnvelope(doc, l)
}

// fromDocOrEnvelope reads a presentation from its strict parse, or from
// the JWT of the EnvelopedVerifiablePresentation it is.
func fromDocOrEnvelope(doc *vc.Credential, l Limits) (*Presentation, error) {
	if !doc.HasType(TypeEnvelopedVerifiablePresentation) {
		return fromDoc(doc, l)
	}
	token, err := EnvelopedPresentationToken(doc.Document())
	if err != nil {
		return nil, err
	}
	p, err := parseJWT(token, l)
	if err != nil {
		return nil, err
	}
	p.JWT.Enveloped = true
	return p, nil
}

// fromDoc reads a presentation from its strict parse (doc.Raw() is the
// input), within l.
func fromDoc(doc *vc.Credential, l Limits) (*Presentation, error) {
	l = l.withDefaults()
	data := doc.Raw()
	if int64(len(data)) > l.MaxInputBytes {
		return nil, &LimitError{What: "input bytes", Got: int64(len(data)), Limit: l.MaxInputBytes}
	}
	if doc.HasType(TypeEnvelopedVerifiablePresentation) {
		return nil, &EnvelopeError{Type: TypeEnvelopedVerifiablePresentation, Member: "type",
			Detail: "must be " + TypeEnvelopedVerifiablePresentation + " alone: an enveloped presentation's own members are its JWT's"}
	}
	if !doc.HasType(TypeVerifiablePresentation) {
		return nil, fmt.Errorf("%w: type does not include %s", ErrMalformed, TypeVerifiablePresentation)
	}
	p := &Presentation{Doc: doc}
	m := doc.Document()
	if id, _ := m["id"].(string); len(id) >= 5 && strings.EqualFold(id[:5], "data:") {
		// The shape of an envelope with another type: nothing of what
		// the data holds would be verified.
		return nil, &EnvelopeError{Type: TypeEnvelopedVerifiablePresentation, Member: "type",
			Detail: "must be " + TypeEnvelopedVerifiablePresentation + " for a presentation whose id is a data: URL"}
	}
	switch h := m["holder"].(type) {
	case nil:
		if _, has := m["holder"]; has {
			return nil, fmt.Errorf("%w: holder must be a URL or an object with an id", ErrMalformed)
		}
	case string:
		p.Holder = h
	case map[string]any:
		s, ok := h["id"].(string)
		if !ok {
			return nil, fmt.Errorf("%w: holder.id is required and must be a string", ErrMalformed)
		}
		p.Holder = s
	default:
		return nil, fmt.Errorf("%w: holder must be a URL or an object with an id", ErrMalformed)
	}

	val, has := m["verifiableCredential"]
	if !has {
		return p, nil
	}
	// The exact bytes of each entry: keys are matched exactly here (the
	// strict parse above already refused duplicates).
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	rawVC := members["verifiableCredential"]
	var raws []json.RawMessage
	vals, isArray := val.([]any)
	if isArray {
		if len(vals) > l.MaxCredentials {
			return nil, &LimitError{What: "credentials", Got: int64(len(vals)), Limit: int64(l.MaxCredentials)}
		}
		if err := json.Unmarshal(rawVC, &raws); err != nil || len(raws) != len(vals) {
			return nil, fmt.Errorf("%w: verifiableCredential: %v", ErrMalformed, err)
		}
	} else {
		vals, raws = []any{val}, []json.RawMessage{rawVC}
	}
	for i, e := range vals {
		c := Credential{Index: i, Value: e}
		switch x := e.(type) {
		case map[string]any:
			if hasType(x["type"], TypeEnvelopedVerifiableCredential) {
				tok, err := EnvelopedToken(x)
				if err != nil {
					return nil, fmt.Errorf("%w: verifiableCredential[%d]: %w", ErrMalformed, i, err)
				}
				c.Format, c.Raw = FormatEnveloped, []byte(tok)
			} else {
				c.Format, c.Raw = FormatJSON, []byte(raws[i])
			}
		case string:
			if !isCompactJWS(x) {
				return nil, fmt.Errorf("%w: verifiableCredential[%d] is a string but not a compact JWT", ErrMalformed, i)
			}
			c.Format, c.Raw = FormatJWTString, []byte(x)
		default:
			return nil, fmt.Errorf("%w: verifiableCredential[%d] must be an object", ErrMalformed, i)
		}
		p.Credentials = append(p.Credentials, c)
	}
	return p, nil
}

// Envelope returns the EnvelopedVerifiableCredential that carries a compact
// VC-JWT in a data: URL (VC 2.0 §4.13).
func Envelope(token string) map[string]any {
	return map[string]any{
		"@context": vc.ContextV2,
		"id":       "data:" + MediaTypeVCJWT + "," + token,
		"type":     TypeEnvelopedVerifiableCredential,
	}
}

// EnvelopePresentation returns the EnvelopedVerifiablePresentation that
// carries a presentation JWT ([SignJWT]) in a data: URL (VC 2.0 §4.13.2).
func EnvelopePresentation(token string) map[string]any {
	return map[string]any{
		"@context": vc.ContextV2,
		"id":       "data:" + MediaTypeVPJWT + "," + token,
		"type":     TypeEnvelopedVerifiablePresentation,
	}
}

// EnvelopedToken returns the compact JWT of an
// EnvelopedVerifiableCredential, after the VC 2.0 rules for it: an
// @context whose first URL is the VC 2.0 context, the type
// EnvelopedVerifiableCredential (alone), and an id that is a data: URL
// with a VC-JWT media type (application/vc+jwt, application/jwt,
// application/vc-ld+jwt), no parameters, and a compact JWS as its data.
// Anything else is an [*EnvelopeError].
func EnvelopedToken(m map[string]any) (string, error) {
	return envelopeToken(m, TypeEnvelopedVerifiableCredential, envelopeMediaTypes)
}

// EnvelopedPresentationToken is [EnvelopedToken] for an
// EnvelopedVerifiablePresentation: the type EnvelopedVerifiablePresentation
// and a media type application/vp+jwt (or application/jwt,
// application/vp-ld+jwt).
func EnvelopedPresentationToken(m map[string]any) (string, error) {
	return envelopeToken(m, TypeEnvelopedVerifiablePresentation, presentationMediaTypes)
}

func envelopeToken(m map[string]any, typ string, mediaTypes []string) (string, error) {
	bad := func(member, format string, args ...any) error {
		return &EnvelopeError{Type: typ, Member: member, Detail: fmt.Sprintf(format, args...)}
	}
	var first string
	switch c := m["@context"].(type) {
	case string:
		first = c
	case []any:
		if len(c) > 0 {
			first, _ = c[0].(string)
		}
	}
	if first != vc.ContextV2 {
		return "", bad("@context", "must be present with %s first", vc.ContextV2)
	}
	ok := false
	switch t := m["type"].(type) {
	case string:
		ok = t == typ
	case []any:
		ok = len(t) == 1 && t[0] == typ
	}
	if !ok {
		return "", bad("type", "must be %s", typ)
	}
	id, _ := m["id"].(string)
	if len(id) < 5 || !strings.EqualFold(id[:5], "data:") {
		return "", bad("id", "must be a data: URL holding the JWT")
	}
	mt, token, ok := strings.Cut(id[5:], ",")
	if !ok {
		return "", bad("id", "is not a data: URL (no comma before the data)")
	}
	if strings.Contains(mt, ";") {
		return "", bad("id", "the data: URL must hold the JWT as it is: no parameters (such as ;base64) after the media type %q", mt)
	}
	if !slices.Contains(mediaTypes, strings.ToLower(mt)) {
		return "", bad("id", "media type %q is not supported (want %s)", mt, mediaTypes[0])
	}
	if !isCompactJWS(token) {
		return "", bad("id", "the data is not a compact JWT")
	}
	return token, nil
}

// Problem is one finding of [StructureProblems]: a JSON path and what is
// wrong there.
type Problem struct {
	Path, Detail string
}

// StructureProblems checks the structural rules of a VC 2.0 presentation:
// the base context first, the VerifiablePresentation type, a URL id, and
// a holder that is a URL or an object with a URL id. It returns one
// problem per finding.
func StructureProblems(p *vc.Credential) []Problem {
	var ps []Problem
	add := func(path, detail string) { ps = append(ps, Problem{Path: path, Detail: detail}) }
	d := p.Document()
	if ctxs := p.Contexts(); len(ctxs) == 0 || (ctxs[0] != vc.ContextV2 && ctxs[0] != vc.ContextV1) {
		add("$.@context", "the first context must be "+vc.ContextV2)
	}
	if !hasType(d["type"], TypeVerifiablePresentation) {
		add("$.type", "must include "+TypeVerifiablePresentation)
	}
	if id, has := d["id"]; has {
		if s, ok := id.(string); !ok || !isURL(s) {
			add("$.id", "must be a URL")
		}
	}
	switch h := d["holder"].(type) {
	case nil:
		if _, has := d["holder"]; has {
			add("$.holder", "must be a URL or an object with an id")
		}
	case string:
		if !isURL(h) {
			add("$.holder", "must be a URL")
		}
	case map[string]any:
		if s, ok := h["id"].(string); !ok || !isURL(s) {
			add("$.holder.id", "is required and must be a URL")
		}
	default:
		add("$.holder", "must be a URL or an object with an id")
	}
	return ps
}

// isURL is the VC data model's URL test: a scheme, a colon, something
// after it, and none of the characters a URL may not hold unescaped.
func isURL(s string) bool {
	i := strings.IndexByte(s, ':')
	if i <= 0 || i == len(s)-1 || strings.ContainsAny(s, " \t\r\n<>\"{}|\\^`") {
		return false
	}
	for j := 0; j < i; j++ {
		c := s[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

func hasType(v any, t string) bool {
	switch x := v.(type) {
	case string:
		return x == t
	case []any:
		for _, e := range x {
			if e == t {
				return true
			}
		}
	}
	return false
}

// isCompactJWS reports whether s has the shape of a compact JWS: three
// non-empty base64url parts.
func isCompactJWS(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return false
	}
	for _, p := range parts {
		for _, r := range p {
			if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}
