package ob2

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"

	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/proof"
)

// compactJWS is a parsed compact JWS (a signed 2.0 assertion).
type compactJWS struct {
	alg          string
	signingInput []byte
	payload      []byte
	sig          []byte
}

// allowedAlgs are the JWS algorithms accepted for signed assertions.
var allowedAlgs = map[string]bool{"RS256": true, "RS384": true, "RS512": true, "PS256": true, "ES256": true, "ES384": true}

func parseJWS(b []byte, max int) (*compactJWS, error) {
	b = bytes.TrimSpace(b)
	if !proof.IsCompactJWS(b) {
		return nil, errors.New("not a compact JWS")
	}
	parts := bytes.Split(b, []byte("."))
	if len(parts) != 3 {
		return nil, errors.New("a compact JWS has three parts")
	}
	dec := base64.RawURLEncoding
	hb, err := dec.DecodeString(string(parts[0]))
	if err != nil {
		return nil, fmt.Errorf("JWS header: %w", err)
	}
	hv, err := jsonx.Parse(hb, &jsonx.Limits{MaxBytes: 4096, MaxDepth: 4})
	if err != nil {
		return nil, fmt.Errorf("JWS header: %w", err)
	}
	h, ok := hv.(map[string]any)
	if !ok {
		return nil, errors.New("JWS header is not an object")
	}
	if _, ok := h["crit"]; ok {
		return nil, errors.New("JWS header has crit extensions")
	}
	alg, _ := h["alg"].(string)
	if !allowedAlgs[alg] {
		return nil, fmt.Errorf("JWS algorithm %q is not accepted", alg)
	}
	if b64, ok := h["b64"]; ok && b64 != true {
		return nil, errors.New("unencoded JWS payloads are not accepted")
	}
	payload, err := dec.DecodeString(string(parts[1]))
	if err != nil {
		return nil, fmt.Errorf("JWS payload: %w", err)
	}
	if len(payload) > max {
		return nil, fmt.Errorf("JWS payload larger than %d bytes", max)
	}
	sig, err := dec.DecodeString(string(parts[2]))
	if err != nil {
		return nil, fmt.Errorf("JWS signature: %w", err)
	}
	si := make([]byte, 0, len(parts[0])+1+len(parts[1]))
	si = append(append(append(si, parts[0]...), '.'), parts[1]...)
	return &compactJWS{alg: alg, signingInput: si, payload: payload, sig: sig}, nil
}

// parsePublicKeyPEM reads a CryptographicKey's publicKeyPem: an RSA key
// of at least 2048 bits or an ECDSA P-256 / P-384 key.
func parsePublicKeyPEM(s string) (crypto.PublicKey, error) {
	blk, rest := pem.Decode([]byte(s))
	if blk == nil || len(bytes.TrimSpace(rest)) != 0 {
		return nil, errors.New("publicKeyPem is not one PEM block")
	}
	var pub crypto.PublicKey
	var err error
	switch blk.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(blk.Bytes)
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(blk.Bytes)
	default:
		return nil, fmt.Errorf("PEM block %q is not a public key", blk.Type)
	}
	if err != nil {
		return nil, err
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("RSA key of %d bits is too small", k.N.BitLen())
		}
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() && k.Curve != elliptic.P384() {
			return nil, errors.New("only P-256 and P-384 ECDSA keys are accepted")
		}
	default:
		return nil, fmt.Errorf("unsupported key type %T", pub)
	}
	return pub, nil
}

func (j *compactJWS) verify(pub crypto.PublicKey) error {
	var h crypto.Hash
	switch j.alg {
	case "RS256", "PS256", "ES256":
		h = crypto.SHA256
	case "RS384", "ES384":
		h = crypto.SHA384
	case "RS512":
		h = crypto.SHA512
	}
	var digest []byte
	switch h {
	case crypto.SHA256:
		d := sha256.Sum256(j.signingInput)
		digest = d[:]
	case crypto.SHA384:
		d := sha512.Sum384(j.signingInput)
		digest = d[:]
	default:
		d := sha512.Sum512(j.signingInput)
		digest = d[:]
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		var err error
		switch j.alg[:2] {
		case "RS":
			err = rsa.VerifyPKCS1v15(k, h, digest, j.sig)
		case "PS":
			err = rsa.VerifyPSS(k, h, digest, j.sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		default:
			return fmt.Errorf("%w: %s with an RSA key", ErrSignatureInvalid, j.alg)
		}
		if err != nil {
			return fmt.Errorf("%w: %v", ErrSignatureInvalid, err)
		}
		return nil
	case *ecdsa.PublicKey:
		size := (k.Curve.Params().BitSize + 7) / 8
		if j.alg[:2] != "ES" || len(j.sig) != 2*size || (j.alg == "ES256") != (k.Curve == elliptic.P256()) {
			return fmt.Errorf("%w: %s signature does not fit the key", ErrSignatureInvalid, j.alg)
		}
		r := new(big.Int).SetBytes(j.sig[:size])
		s := new(big.Int).SetBytes(j.sig[size:])
		if !ecdsa.Verify(k, digest, r, s) {
			return ErrSignatureInvalid
		}
		return nil
	}
	return fmt.Errorf("%w: unsupported key", ErrSignatureInvalid)
}
