package badge

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/vc"
)

// parse is the kernel's one parse of the input: it detects the format
// (JSON, compact JWT, baked PNG or SVG), unbakes, and decodes a VC-JWT's
// payload, keeping the bytes the signature covers. It fetches nothing.
func (v *Verifier) parse(data []byte) parsed {
	var p parsed
	if int64(len(data)) > v.o.MaxInputBytes {
		p.err = fmt.Errorf("%w: input larger than %d bytes", vc.ErrMalformed, v.o.MaxInputBytes)
		return p
	}
	trimmed := bytes.TrimSpace(data)
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG")):
		p.input = InputPNG
	case looksLikeSVG(trimmed):
		p.input = InputSVG
	case bytes.HasPrefix(trimmed, []byte("{")):
		p.input = InputJSON
	case isCompactJWS(trimmed):
		p.input = InputJWT
	default:
		p.err = ErrUnrecognizedInput
		return p
	}
	if p.input == InputPNG || p.input == InputSVG {
		b, err := Unbake(bytes.NewReader(data), &UnbakeOptions{MaxImageBytes: v.o.MaxInputBytes})
		if err != nil {
			p.err = err
			return p
		}
		trimmed = bytes.TrimSpace(b.Credential)
		if b.Encoding != EncodingJWT {
			p.cred, p.err = vc.Parse(trimmed)
			return p
		}
	} else if p.input == InputJSON {
		p.cred, p.err = vc.Parse(data)
		return p
	}
	p.token = string(trimmed)
	p.cred, p.err = UnverifiedJWTCredential(p.token)
	return p
}

func looksLikeSVG(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !bytes.HasPrefix(b, []byte("<")) {
		return false
	}
	head := b[:min(len(b), 4096)]
	return bytes.Contains(head, []byte("<svg"))
}

// UnverifiedJWTCredential decodes the credential of a compact VC-JWT
// without checking its signature or anything else: a VC 2.0 payload is
// the credential, a VC 1.1 one carries it in the "vc" claim. It is the
// reading the verifier's checks start from ([Verifier.Verify] checks the
// signature); use it only to look at a credential before verifying it
// (an issuer checking what it bundles, say). Errors match vc.ErrMalformed.
func UnverifiedJWTCredential(token string) (*vc.Credential, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: not a compact JWS", vc.ErrMalformed)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("%w: JWT payload is not base64url", vc.ErrMalformed)
	}
	pv, err := jsonx.Parse(payload, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: JWT payload: %w", vc.ErrMalformed, err)
	}
	pm, ok := pv.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: JWT payload is not an object", vc.ErrMalformed)
	}
	if inner, ok := pm["vc"].(map[string]any); ok {
		raw, err := json.Marshal(inner)
		if err != nil {
			return nil, fmt.Errorf("%w: JWT vc claim: %w", vc.ErrMalformed, err)
		}
		return vc.FromValue(raw, inner)
	}
	// Raw is the signed payload, claims included (the model keeps them as
	// extra members); the document the checks read is the credential
	// without the registered claims.
	return vc.FromValue(payload, withoutMember(pm, jwtClaims...))
}

// jwtClaims are the registered JWT claims (RFC 7519 §4.1) a VC 2.0 JWT may
// carry beside the credential's members; they are the token's, checked by
// the proof step against the credential, and not part of its JSON-LD.
var jwtClaims = []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti"}

// withoutMember returns m without the given keys (m itself when it has
// none of them).
func withoutMember(m map[string]any, keys ...string) map[string]any {
	found := false
	for _, k := range keys {
		if _, ok := m[k]; ok {
			found = true
		}
	}
	if !found {
		return m
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if !slices.Contains(keys, k) {
			out[k] = v
		}
	}
	return out
}
