package did

import (
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
)

// maxJWKBytes bounds a JWK or JWK Set accepted by the parsers here.
const maxJWKBytes = 64 << 10

// JWK is a JSON Web Key (RFC 7517) for the key types of RFC 7518 and
// RFC 8037: "OKP" (Ed25519, X25519), "EC" (P-256, P-384, P-521, and
// secp256k1 for public keys) and "RSA". Binary members hold the unpadded
// base64url text exactly as on the wire. Members not modelled here (for
// example "iss", "x5c") are kept in Extra.
type JWK struct {
	Kty    string
	Crv    string
	X      string
	Y      string
	N      string
	E      string
	D      string // private
	P      string // private (RSA)
	Q      string // private (RSA)
	DP     string // private (RSA)
	DQ     string // private (RSA)
	QI     string // private (RSA)
	Kid    string
	Alg    string
	Use    string
	KeyOps []string
	Extra  map[string]json.RawMessage
}

// ParseJWK decodes a JWK strictly (duplicate or case-variant member names
// are rejected). It does not validate the key itself; call
// [JWK.PublicKey] or [JWK.PrivateKey].
func ParseJWK(data []byte) (*JWK, error) {
	if len(data) > maxJWKBytes {
		return nil, fmt.Errorf("%w: JWK larger than %d bytes", ErrInvalidKey, maxJWKBytes)
	}
	var j JWK
	if err := j.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	return &j, nil
}

// ParsePublicJWK decodes a public JWK and returns its key. A JWK holding
// private members is rejected, as did:jwk and the OB 3.0 JWT "jwk" header
// require.
func ParsePublicJWK(data []byte) (crypto.PublicKey, error) {
	j, err := ParseJWK(data)
	if err != nil {
		return nil, err
	}
	if j.IsPrivate() {
		return nil, fmt.Errorf("%w: JWK contains private key members", ErrInvalidKey)
	}
	return j.PublicKey()
}

// UnmarshalJSON implements [json.Unmarshaler].
func (j *JWK) UnmarshalJSON(data []byte) error {
	var x JWK
	extra, err := decodeFields(data, map[string]any{
		"kty": &x.Kty, "crv": &x.Crv, "x": &x.X, "y": &x.Y, "n": &x.N, "e": &x.E,
		"d": &x.D, "p": &x.P, "q": &x.Q, "dp": &x.DP, "dq": &x.DQ, "qi": &x.QI,
		"kid": &x.Kid, "alg": &x.Alg, "use": &x.Use, "key_ops": &x.KeyOps,
	})
	if err != nil {
		return fmt.Errorf("%w: JWK: %v", ErrInvalidKey, err)
	}
	if x.Kty == "" {
		return fmt.Errorf("%w: JWK: missing \"kty\"", ErrInvalidKey)
	}
	x.Extra = extra
	*j = x
	return nil
}

// MarshalJSON implements [json.Marshaler].
func (j JWK) MarshalJSON() ([]byte, error) {
	return encodeFields([]field{
		{"kty", j.Kty, false},
		{"crv", j.Crv, j.Crv == ""},
		{"x", j.X, j.X == ""},
		{"y", j.Y, j.Y == ""},
		{"n", j.N, j.N == ""},
		{"e", j.E, j.E == ""},
		{"d", j.D, j.D == ""},
		{"p", j.P, j.P == ""},
		{"q", j.Q, j.Q == ""},
		{"dp", j.DP, j.DP == ""},
		{"dq", j.DQ, j.DQ == ""},
		{"qi", j.QI, j.QI == ""},
		{"kid", j.Kid, j.Kid == ""},
		{"alg", j.Alg, j.Alg == ""},
		{"use", j.Use, j.Use == ""},
		{"key_ops", j.KeyOps, j.KeyOps == nil},
	}, j.Extra)
}

// IsPrivate reports whether the JWK holds private key members.
func (j *JWK) IsPrivate() bool {
	return j.D != "" || j.P != "" || j.Q != "" || j.DP != "" || j.DQ != "" || j.QI != ""
}

// Public returns a copy of j without its private members.
func (j *JWK) Public() *JWK {
	c := *j
	c.D, c.P, c.Q, c.DP, c.DQ, c.QI = "", "", "", "", "", ""
	c.KeyOps = nil
	return &c
}

func b64(name, s string) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("%w: JWK: missing %q", ErrInvalidKey, name)
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: JWK: %q is not unpadded base64url", ErrInvalidKey, name)
	}
	return b, nil
}

// b64Private decodes a private member. Unlike public members (which are
// strict), trailing '=' padding is tolerated: private keys come from the
// operator's own files, and some generators (including the 2022 did:key
// RSA vectors) pad them.
func b64Private(name, s string) ([]byte, error) {
	return b64(name, strings.TrimRight(s, "="))
}

func b64enc(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// PublicKey returns the public key: [ed25519.PublicKey],
// *[ecdsa.PublicKey], *[rsa.PublicKey], *[Secp256k1PublicKey] or X25519
// *[ecdh.PublicKey]. Lengths and curve membership are checked.
func (j *JWK) PublicKey() (crypto.PublicKey, error) {
	switch j.Kty {
	case "OKP":
		x, err := b64("x", j.X)
		if err != nil {
			return nil, err
		}
		switch j.Crv {
		case "Ed25519":
			if len(x) != ed25519.PublicKeySize {
				return nil, fmt.Errorf("%w: %w: JWK Ed25519 \"x\" is %d bytes, want 32", ErrInvalidKey, errBadLength, len(x))
			}
			return ed25519.PublicKey(x), nil
		case "X25519":
			pub, err := ecdh.X25519().NewPublicKey(x)
			if err != nil {
				return nil, fmt.Errorf("%w: %w: JWK X25519: %v", ErrInvalidKey, errBadLength, err)
			}
			return pub, nil
		}
		return nil, fmt.Errorf("%w: JWK OKP curve %q", ErrUnsupportedKey, j.Crv)
	case "EC":
		x, err := b64("x", j.X)
		if err != nil {
			return nil, err
		}
		y, err := b64("y", j.Y)
		if err != nil {
			return nil, err
		}
		if j.Crv == "secp256k1" {
			return secp256k1FromXY(x, y)
		}
		curve, ok := curveByName(j.Crv)
		if !ok {
			return nil, fmt.Errorf("%w: JWK EC curve %q", ErrUnsupportedKey, j.Crv)
		}
		return ecdsaFromXY(curve, j.Crv, x, y)
	case "RSA":
		n, err := b64("n", j.N)
		if err != nil {
			return nil, err
		}
		e, err := b64("e", j.E)
		if err != nil {
			return nil, err
		}
		if len(e) == 0 || len(e) > 4 {
			return nil, fmt.Errorf("%w: JWK RSA exponent", ErrInvalidKey)
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		if err := checkRSA(pub); err != nil {
			return nil, err
		}
		return pub, nil
	}
	return nil, fmt.Errorf("%w: JWK kty %q", ErrUnsupportedKey, j.Kty)
}

// PrivateKey returns the private key as a [crypto.Signer]:
// [ed25519.PrivateKey], *[ecdsa.PrivateKey] (P-256, P-384, P-521) or
// *[rsa.PrivateKey]. It checks that the private part matches the public
// members.
func (j *JWK) PrivateKey() (crypto.Signer, error) {
	if j.D == "" {
		return nil, fmt.Errorf("%w: JWK has no private key (\"d\")", ErrInvalidKey)
	}
	pub, err := j.PublicKey()
	if err != nil {
		return nil, err
	}
	d, err := b64Private("d", j.D)
	if err != nil {
		return nil, err
	}
	var signer crypto.Signer
	switch p := pub.(type) {
	case ed25519.PublicKey:
		if len(d) != ed25519.SeedSize {
			return nil, fmt.Errorf("%w: %w: JWK Ed25519 \"d\" is %d bytes, want 32", ErrInvalidKey, errBadLength, len(d))
		}
		signer = ed25519.NewKeyFromSeed(d)
	case *ecdsa.PublicKey:
		priv, err := ecdsa.ParseRawPrivateKey(p.Curve, d)
		if err != nil {
			return nil, fmt.Errorf("%w: JWK %s \"d\": %v", ErrInvalidKey, j.Crv, err)
		}
		signer = priv
	case *rsa.PublicKey:
		var primes []*big.Int
		for _, m := range []struct{ name, v string }{{"p", j.P}, {"q", j.Q}} {
			b, err := b64Private(m.name, m.v)
			if err != nil {
				return nil, err
			}
			primes = append(primes, new(big.Int).SetBytes(b))
		}
		priv := &rsa.PrivateKey{PublicKey: *p, D: new(big.Int).SetBytes(d), Primes: primes}
		if err := priv.Validate(); err != nil {
			return nil, fmt.Errorf("%w: JWK RSA private key: %v", ErrInvalidKey, err)
		}
		priv.Precompute()
		signer = priv
	default:
		return nil, fmt.Errorf("%w: private %T keys", ErrUnsupportedKey, pub)
	}
	if !publicEqual(signer.Public(), pub) {
		return nil, fmt.Errorf("%w: JWK private key does not match its public members", ErrInvalidKey)
	}
	return signer, nil
}

func publicEqual(a, b crypto.PublicKey) bool {
	eq, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(b)
}

// NewJWK returns the JWK of a public key or a private key (a
// [crypto.Signer] of a supported type; private members are included).
// Kid, Alg and Use are left empty.
func NewJWK(key any) (*JWK, error) {
	switch k := key.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: %w: Ed25519 public key is %d bytes", ErrInvalidKey, errBadLength, len(k))
		}
		return &JWK{Kty: "OKP", Crv: "Ed25519", X: b64enc(k)}, nil
	case ed25519.PrivateKey:
		if len(k) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("%w: %w: Ed25519 private key is %d bytes", ErrInvalidKey, errBadLength, len(k))
		}
		j, _ := NewJWK(k.Public())
		j.D = b64enc(k.Seed())
		return j, nil
	case *ecdh.PublicKey:
		if k.Curve() != ecdh.X25519() {
			return nil, fmt.Errorf("%w: ECDH curve", ErrUnsupportedKey)
		}
		return &JWK{Kty: "OKP", Crv: "X25519", X: b64enc(k.Bytes())}, nil
	case *ecdsa.PublicKey:
		info, ok := nistCurve(k.Curve)
		if !ok {
			return nil, fmt.Errorf("%w: ECDSA curve", ErrUnsupportedKey)
		}
		x, y, err := ecdsaXY(k)
		if err != nil {
			return nil, err
		}
		return &JWK{Kty: "EC", Crv: info.name, X: b64enc(x), Y: b64enc(y)}, nil
	case *ecdsa.PrivateKey:
		j, err := NewJWK(&k.PublicKey)
		if err != nil {
			return nil, err
		}
		d, err := k.Bytes()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
		}
		j.D = b64enc(d)
		return j, nil
	case *Secp256k1PublicKey:
		return &JWK{Kty: "EC", Crv: "secp256k1", X: b64enc(k.x[:]), Y: b64enc(k.y[:])}, nil
	case *rsa.PublicKey:
		if err := checkRSA(k); err != nil {
			return nil, err
		}
		return &JWK{Kty: "RSA", N: b64enc(k.N.Bytes()), E: b64enc(big.NewInt(int64(k.E)).Bytes())}, nil
	case *rsa.PrivateKey:
		if len(k.Primes) != 2 {
			return nil, fmt.Errorf("%w: multi-prime RSA keys", ErrUnsupportedKey)
		}
		j, err := NewJWK(&k.PublicKey)
		if err != nil {
			return nil, err
		}
		k.Precompute()
		j.D = b64enc(k.D.Bytes())
		j.P = b64enc(k.Primes[0].Bytes())
		j.Q = b64enc(k.Primes[1].Bytes())
		j.DP = b64enc(k.Precomputed.Dp.Bytes())
		j.DQ = b64enc(k.Precomputed.Dq.Bytes())
		j.QI = b64enc(k.Precomputed.Qinv.Bytes())
		return j, nil
	}
	return nil, fmt.Errorf("%w: %T", ErrUnsupportedKey, key)
}

// Thumbprint returns the RFC 7638 JWK thumbprint (SHA-256, unpadded
// base64url) computed over the required public members in lexicographic
// order.
func (j *JWK) Thumbprint() (string, error) {
	var members []string
	switch j.Kty {
	case "EC":
		members = []string{"crv", j.Crv, "kty", j.Kty, "x", j.X, "y", j.Y}
	case "OKP":
		members = []string{"crv", j.Crv, "kty", j.Kty, "x", j.X}
	case "RSA":
		members = []string{"e", j.E, "kty", j.Kty, "n", j.N}
	default:
		return "", fmt.Errorf("%w: JWK kty %q", ErrUnsupportedKey, j.Kty)
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i := 0; i < len(members); i += 2 {
		if members[i+1] == "" {
			return "", fmt.Errorf("%w: JWK: missing %q", ErrInvalidKey, members[i])
		}
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(members[i])
		v, _ := json.Marshal(members[i+1])
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	sum := sha256.Sum256(b.Bytes())
	return b64enc(sum[:]), nil
}

// JWKSet is a JSON Web Key Set (RFC 7517 §5).
type JWKSet struct {
	Keys  []JWK
	Extra map[string]json.RawMessage
}

// ParseJWKSet decodes a JWK Set strictly. Keys that fail to decode make
// the whole set invalid.
func ParseJWKSet(data []byte) (*JWKSet, error) {
	var s JWKSet
	extra, err := decodeFields(data, map[string]any{"keys": &s.Keys})
	if err != nil {
		return nil, fmt.Errorf("%w: JWK Set: %v", ErrInvalidKey, err)
	}
	if s.Keys == nil {
		return nil, fmt.Errorf("%w: JWK Set: missing \"keys\"", ErrInvalidKey)
	}
	s.Extra = extra
	return &s, nil
}

// MarshalJSON implements [json.Marshaler].
func (s JWKSet) MarshalJSON() ([]byte, error) {
	keys := s.Keys
	if keys == nil {
		keys = []JWK{}
	}
	return encodeFields([]field{{"keys", keys, false}}, s.Extra)
}

// Key returns the key whose "kid" equals kid.
func (s *JWKSet) Key(kid string) (*JWK, bool) {
	for i := range s.Keys {
		if s.Keys[i].Kid == kid {
			return &s.Keys[i], true
		}
	}
	return nil, false
}
