package delivery

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/did"
)

// TypKeyProof is the typ of an OpenID4VCI key proof JWT (Appendix F.1).
const TypKeyProof = "openid4vci-proof+jwt"

// Key proof errors: ErrInvalidProof is answered "invalid_proof",
// ErrInvalidNonce "invalid_nonce".
var (
	ErrInvalidProof = errors.New("delivery: invalid key proof")
	ErrInvalidNonce = errors.New("delivery: invalid c_nonce")
)

// maxKeyProofBytes bounds a key proof JWT.
const maxKeyProofBytes = 16 << 10

// KeyProof is a verified key proof: the holder's DID (the credential's
// subject) and the key it proved possession of.
type KeyProof struct {
	Holder string
	Key    crypto.PublicKey
	Nonce  string
	// Relaxed names each rule of Appendix F.1 the proof was let off
	// (Config.AllowUntypedKeyProofs); empty for a conformant proof.
	Relaxed []string
}

// keyProofChecks are what verifyKeyProof needs besides the token.
type keyProofChecks struct {
	audience string
	now      time.Time
	window   time.Duration // how old iat may be
	skew     time.Duration // how far in the future iat may be
	resolver did.Resolver
	// allowUntyped accepts a proof without typ, and without iat when
	// nbf is there to take its place (Config.AllowUntypedKeyProofs).
	allowUntyped bool
}

// verifyKeyProof checks an OpenID4VCI jwt key proof (§F.1, §F.4): typ,
// an asymmetric alg, exactly one key (kid naming a DID URL, or jwk;
// x5c is not supported), no private key, the signature, aud, iat and a
// nonce (returned, to be consumed by the caller). The holder is the
// kid's DID, or for a jwk the did:key of the key (did:jwk for a key
// did:key cannot express).
func verifyKeyProof(ctx context.Context, token string, c keyProofChecks) (*KeyProof, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidProof}, args...)...)
	}
	if len(token) > maxKeyProofBytes {
		return nil, bad("larger than %d bytes", maxKeyProofBytes)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, bad("not a compact JWS")
	}
	var header struct {
		Typ  string          `json:"typ"`
		Alg  string          `json:"alg"`
		Kid  string          `json:"kid"`
		JWK  json.RawMessage `json:"jwk"`
		X5C  json.RawMessage `json:"x5c"`
		Crit json.RawMessage `json:"crit"`
	}
	if err := decodeSegment(parts[0], &header); err != nil {
		return nil, bad("header: %v", err)
	}
	var relaxed []string
	switch {
	case header.Typ == TypKeyProof:
	case header.Typ == "" && c.allowUntyped:
		relaxed = append(relaxed, "the key proof has no typ (AllowUntypedKeyProofs)")
	default:
		return nil, bad("typ is %q, want %q", header.Typ, TypKeyProof)
	}
	if header.Crit != nil {
		return nil, bad("crit header parameters are not supported")
	}
	n := 0
	for _, present := range []bool{header.Kid != "", header.JWK != nil, header.X5C != nil} {
		if present {
			n++
		}
	}
	if n != 1 {
		return nil, bad("the header must name the key with exactly one of kid, jwk and x5c")
	}
	var pub crypto.PublicKey
	var holder string
	switch {
	case header.X5C != nil:
		return nil, bad("x5c keys are not supported: use kid (a DID URL) or jwk")
	case header.JWK != nil:
		var err error
		if pub, err = did.ParsePublicJWK(header.JWK); err != nil {
			return nil, bad("jwk: %v", err)
		}
		if holder, err = did.DIDKeyFromPublicKey(pub); err != nil {
			if holder, err = did.DIDJWKFromPublicKey(pub); err != nil {
				return nil, bad("jwk: %v", err)
			}
		}
	default:
		u, err := did.ParseURL(header.Kid)
		if err != nil || !u.HasFragment {
			return nil, bad("kid %q is not a DID URL naming a key", header.Kid)
		}
		vm, err := did.Dereference(ctx, c.resolver, header.Kid, did.Authentication)
		if err != nil {
			return nil, bad("kid %q: %v", header.Kid, err)
		}
		if pub, err = vm.PublicKey(); err != nil {
			return nil, bad("kid %q: %v", header.Kid, err)
		}
		holder = u.DID.String()
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, bad("signature: %v", err)
	}
	if err := verifyJWS(header.Alg, pub, []byte(parts[0]+"."+parts[1]), sig); err != nil {
		return nil, bad("%v", err)
	}
	var claims struct {
		Aud   json.RawMessage `json:"aud"`
		Iat   *json.Number    `json:"iat"`
		Nbf   *json.Number    `json:"nbf"`
		Exp   *json.Number    `json:"exp"`
		Nonce *string         `json:"nonce"`
	}
	if err := decodeSegment(parts[1], &claims); err != nil {
		return nil, bad("payload: %v", err)
	}
	if !audienceIs(claims.Aud, c.audience) {
		return nil, bad("aud must be the Credential Issuer Identifier %q", c.audience)
	}
	issued, name := claims.Iat, "iat"
	if issued == nil && c.allowUntyped && claims.Nbf != nil {
		// The proof's age is read from nbf instead: the window and the
		// single-use c_nonce bound it as they bound iat.
		issued, name = claims.Nbf, "nbf"
		relaxed = append(relaxed, "the key proof has no iat: its nbf was read instead (AllowUntypedKeyProofs)")
	}
	if issued == nil {
		return nil, bad("iat is missing")
	}
	iat, err := numericDate(*issued)
	if err != nil {
		return nil, bad("%s: %v", name, err)
	}
	if iat.After(c.now.Add(c.skew)) {
		return nil, bad("%s %s is in the future", name, iat.UTC().Format(time.RFC3339))
	}
	if iat.Before(c.now.Add(-c.window - c.skew)) {
		return nil, bad("%s %s is too old", name, iat.UTC().Format(time.RFC3339))
	}
	if claims.Exp != nil {
		exp, err := numericDate(*claims.Exp)
		if err != nil || !c.now.Before(exp.Add(c.skew)) {
			return nil, bad("expired or invalid exp")
		}
	}
	if claims.Nbf != nil {
		nbf, err := numericDate(*claims.Nbf)
		if err != nil || nbf.After(c.now.Add(c.skew)) {
			return nil, bad("nbf is in the future or invalid")
		}
	}
	if claims.Nonce == nil || *claims.Nonce == "" {
		return nil, bad("nonce is missing: get a c_nonce from the nonce endpoint")
	}
	return &KeyProof{Holder: holder, Key: pub, Nonce: *claims.Nonce, Relaxed: relaxed}, nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("trailing data")
	}
	return nil
}

func audienceIs(raw json.RawMessage, want string) bool {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s == want
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil && len(list) == 1 {
		return list[0] == want
	}
	return false
}

func numericDate(n json.Number) (time.Time, error) {
	f, err := n.Float64()
	if err != nil || f < 0 || f > 1<<40 {
		return time.Time{}, fmt.Errorf("not a NumericDate: %s", n)
	}
	return time.Unix(int64(f), 0), nil
}

// verifyJWS verifies sig over input with pub, for alg (EdDSA or Ed25519
// for an Ed25519 key, ES256 for P-256, ES384 for P-384).
func verifyJWS(alg string, pub crypto.PublicKey, input, sig []byte) error {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if alg != "EdDSA" && alg != "Ed25519" {
			return fmt.Errorf("alg %q does not match an Ed25519 key", alg)
		}
		if len(k) != ed25519.PublicKeySize || !ed25519.Verify(k, input, sig) {
			return errors.New("signature does not verify")
		}
		return nil
	case *ecdsa.PublicKey:
		var h []byte
		var size int
		switch {
		case alg == "ES256" && k.Curve == elliptic.P256():
			d := sha256.Sum256(input)
			h, size = d[:], 32
		case alg == "ES384" && k.Curve == elliptic.P384():
			d := sha512.Sum384(input)
			h, size = d[:], 48
		default:
			return fmt.Errorf("alg %q does not match the %s key", alg, k.Curve.Params().Name)
		}
		if len(sig) != 2*size {
			return errors.New("signature does not verify")
		}
		r, s := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
		if !ecdsa.Verify(k, h, r, s) {
			return errors.New("signature does not verify")
		}
		return nil
	}
	return fmt.Errorf("alg %q: unsupported key type %T", alg, pub)
}

// proofAlgorithms are the key proof algorithms the credential endpoint
// accepts (proof_signing_alg_values_supported).
func proofAlgorithms() []string { return []string{"EdDSA", "ES256", "ES384"} }
