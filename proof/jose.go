package proof

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/openbadges-go/openbadges/vc"
)

// JOSE header typ values of the two JWT forms of a credential.
const (
	// TypJWT is the typ of an Open Badges 3.0 VC-JWT (1EdTech: "JWT"), which
	// [SignJWT] writes.
	TypJWT = "JWT"
	// TypVCJWT is the typ of a W3C VC-JOSE-COSE credential (media type
	// application/vc+jwt), which [SignVCJOSE] writes: the payload is the
	// credential itself.
	TypVCJWT = "vc+jwt"
)

// jwtForm is how a token carries its credential, told by its typ header.
type jwtForm int

const (
	formVCJWT  jwtForm = iota // OB 3.0 VC-JWT: typ "JWT" or none; claims beside a VC 2.0 credential, or a VC 1.1 one in "vc"
	formVCJOSE                // VC-JOSE-COSE: typ "vc+jwt"; the payload is the VC 2.0 credential
)

// jwtFormOf reads the typ header: absent or "JWT" is the Open Badges
// VC-JWT, "vc+jwt" (or its full media type application/vc+jwt, RFC 7515
// section 4.1.9) VC-JOSE-COSE; anything else is refused.
func jwtFormOf(h map[string]any) (jwtForm, error) {
	t, ok := h["typ"]
	if !ok {
		return formVCJWT, nil
	}
	switch t {
	case TypJWT:
		return formVCJWT, nil
	case TypVCJWT, "application/" + TypVCJWT:
		return formVCJOSE, nil
	}
	return 0, &HeaderError{Member: "typ", Detail: fmt.Sprintf("%v, want \"JWT\" (Open Badges VC-JWT) or \"vc+jwt\" (VC-JOSE-COSE)", t)}
}

// checkJOSEHeader checks the members only VC-JOSE-COSE allows: cty, when
// present, is "vc" (VC-JOSE-COSE section 3.1.1).
func checkJOSEHeader(h map[string]any, form jwtForm) error {
	cty, ok := h["cty"]
	switch {
	case !ok:
		return nil
	case form != formVCJOSE:
		return &HeaderError{Member: "cty", Detail: "not allowed in an Open Badges VC-JWT (only alg, kid, jwk, typ)"}
	case cty != "vc":
		return &HeaderError{Member: "cty", Detail: fmt.Sprintf("%v, want \"vc\"", cty)}
	}
	return nil
}

// joseCredential returns the credential of a VC-JOSE-COSE payload: the
// payload itself, its bytes unchanged. A vc or vp claim is refused
// (VC-JOSE-COSE secures the credential as the payload; those claims belong
// to the older VC-JWT form).
func joseCredential(pb []byte, claims map[string]any) (*vc.Credential, error) {
	for _, name := range []string{"vc", "vp"} {
		if _, ok := claims[name]; ok {
			return nil, errorf(ErrMalformedToken, nil, "a vc+jwt payload is the credential itself and has no %q claim", name)
		}
	}
	c, err := vc.FromValue(pb, claims)
	if err != nil {
		return nil, errorf(ErrMalformedToken, err, "credential")
	}
	if c.Version() != vc.Version2_0 {
		return nil, errorf(ErrMalformedToken, nil, "a vc+jwt payload must be a VC 2.0 credential (first @context %q)", firstContext(c))
	}
	return c, nil
}

// SignVCJOSE secures a VC 2.0 credential as W3C VC-JOSE-COSE
// (application/vc+jwt): a compact JWS whose header holds "alg", "kid" (the
// key's VerificationMethod) or "jwk", and "typ":"vc+jwt", and whose payload
// is the credential itself, compacted, with no claim added (a JWT claim
// the credential has itself, such as iss, is checked against it by
// [Verifier.VerifyJWT]). alg "" chooses the algorithm of the key. The
// credential is checked in JSON-LD safe mode first. Open Badges keep the
// VC-JWT form of [SignJWT] (typ "JWT"), as OB 3.0 requires.
func SignVCJOSE(ctx context.Context, credential []byte, k Key, alg Algorithm, o *JWTOptions) (string, error) {
	var opt JWTOptions
	if o != nil {
		opt = *o
	}
	pub, alg, err := jwtKey(k, alg)
	if err != nil {
		return "", err
	}
	c, err := vc.Parse(credential)
	if err != nil {
		return "", errorf(ErrInvalidDocument, err, "")
	}
	if c.Version() != vc.Version2_0 {
		return "", errorf(ErrInvalidDocument, nil, "VC-JOSE-COSE secures VC 2.0 credentials (first @context %q)", firstContext(c))
	}
	for _, name := range []string{"vc", "vp"} {
		if _, ok := c.Document()[name]; ok {
			return "", errorf(ErrInvalidDocument, nil, "a credential secured as vc+jwt cannot have a top-level %q member", name)
		}
	}
	if c.Issuer() == "" {
		return "", errorf(ErrInvalidDocument, nil, "credential has no issuer id")
	}
	if err := processorOr(opt.Processor).Check(ctx, c.Document()); err != nil {
		return "", errorf(ErrInvalidDocument, err, "")
	}
	var payload bytes.Buffer
	if err := json.Compact(&payload, credential); err != nil {
		return "", errorf(ErrInvalidDocument, err, "")
	}
	return signCompact(ctx, k, pub, alg, opt.EmbedJWK, TypVCJWT, payload.Bytes())
}
