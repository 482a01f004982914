package did

import (
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// JWKResolver resolves did:jwk DIDs offline: the method-specific id is the
// unpadded base64url encoding of a public JWK, and the document has one
// verification method, "#0", of type JsonWebKey2020. Its relationships
// follow the JWK's "use": "sig" gives every relationship but
// keyAgreement, "enc" only keyAgreement, and no "use" all five. A JWK with
// private members is rejected. A JWKResolver is safe for concurrent use.
type JWKResolver struct{}

// Resolve implements [Resolver].
func (JWKResolver) Resolve(ctx context.Context, did string) (*Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, wrapError(did, CodeInternal, err)
	}
	d, err := Parse(did)
	if err != nil {
		return nil, err
	}
	if d.Method != "jwk" {
		return nil, newError(did, CodeMethodNotSupported, ErrMethodNotSupported, "JWKResolver resolves did:jwk only, not did:%s", d.Method)
	}
	raw, err := base64.RawURLEncoding.DecodeString(d.ID)
	if err != nil {
		return nil, newError(did, CodeInvalidDID, ErrInvalidDID, "method-specific id is not unpadded base64url")
	}
	j, err := ParseJWK(raw)
	if err != nil {
		return nil, wrapError(did, CodeInvalidPublicKey, err)
	}
	if j.IsPrivate() {
		return nil, newError(did, CodeInvalidPublicKey, ErrInvalidKey, "did:jwk holds private key members")
	}
	if _, err := j.PublicKey(); err != nil {
		return nil, wrapError(did, keyCode(err), err)
	}
	id := did + "#0"
	ref := []MethodRef{{ID: id}}
	doc := &Document{
		ID:                 did,
		VerificationMethod: []VerificationMethod{{ID: id, Type: TypeJsonWebKey2020, Controller: did, PublicKeyJWK: j}},
	}
	doc.Context, _ = json.Marshal([]string{ContextDIDv1, ContextJWS2020})
	switch j.Use {
	case "sig":
		doc.AssertionMethod, doc.Authentication, doc.CapabilityInvocation, doc.CapabilityDelegation = ref, ref, ref, ref
	case "enc":
		doc.KeyAgreement = ref
	case "":
		doc.AssertionMethod, doc.Authentication, doc.CapabilityInvocation, doc.CapabilityDelegation = ref, ref, ref, ref
		doc.KeyAgreement = ref
	default:
		return nil, newError(did, CodeInvalidPublicKey, ErrInvalidKey, "JWK \"use\" %q", j.Use)
	}
	return doc, nil
}

// DIDJWKFromPublicKey returns the did:jwk of a public key. The JWK holds
// only the required public members, serialized with sorted member names
// and no whitespace (the JCS form the did:jwk spec recommends), so the
// result is deterministic.
func DIDJWKFromPublicKey(pub crypto.PublicKey) (string, error) {
	j, err := NewJWK(pub)
	if err != nil {
		return "", err
	}
	m := map[string]string{"kty": j.Kty}
	for k, v := range map[string]string{"crv": j.Crv, "x": j.X, "y": j.Y, "n": j.N, "e": j.E} {
		if v != "" {
			m[k] = v
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("did: encode JWK: %w", err)
	}
	return "did:jwk:" + base64.RawURLEncoding.EncodeToString(b), nil
}
