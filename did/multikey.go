package did

import (
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"

	"github.com/multiformats/go-multibase"
)

// Multicodec codes (https://github.com/multiformats/multicodec) for the
// keys this package handles.
const (
	codecEd25519Pub    = 0xed
	codecX25519Pub     = 0xec
	codecSecp256k1Pub  = 0xe7
	codecP256Pub       = 0x1200
	codecP384Pub       = 0x1201
	codecP521Pub       = 0x1202
	codecRSAPub        = 0x1205
	codecEd25519Priv   = 0x1300
	codecSecp256k1Priv = 0x1301
	codecP256Priv      = 0x1306
	codecP384Priv      = 0x1307
	codecP521Priv      = 0x1308
	codecBLS12381G2Pub = 0xeb
	codecBLS12381G1Pub = 0xea
)

// maxMultibaseLength bounds a multibase key string before decoding
// (base58 decoding is quadratic). A 4096-bit RSA did:key is about 740
// characters.
const maxMultibaseLength = 2048

// RSA key sizes accepted from untrusted input.
const (
	minRSABits = 2048
	maxRSABits = 8192
)

var errBadLength = errors.New("wrong key length")

// decodeMulticodec decodes a base58btc multibase string into its
// multicodec code and key bytes. The varint must be minimally encoded.
func decodeMulticodec(s string) (uint64, []byte, error) {
	if len(s) > maxMultibaseLength {
		return 0, nil, fmt.Errorf("%w: multibase value longer than %d characters", ErrInvalidKey, maxMultibaseLength)
	}
	if s == "" || s[0] != 'z' {
		return 0, nil, fmt.Errorf("%w: multibase value must be base58btc (prefix 'z')", ErrInvalidKey)
	}
	enc, data, err := multibase.Decode(s)
	if err != nil || enc != multibase.Base58BTC {
		return 0, nil, fmt.Errorf("%w: bad base58btc encoding", ErrInvalidKey)
	}
	code, n := binary.Uvarint(data)
	if n <= 0 {
		return 0, nil, fmt.Errorf("%w: bad multicodec varint", ErrInvalidKey)
	}
	if n != len(binary.AppendUvarint(nil, code)) {
		return 0, nil, fmt.Errorf("%w: multicodec varint not minimally encoded", ErrInvalidKey)
	}
	return code, data[n:], nil
}

// encodeMulticodec returns the base58btc multibase form of code||key.
func encodeMulticodec(code uint64, key []byte) string {
	data := binary.AppendUvarint(nil, code)
	data = append(data, key...)
	s, err := multibase.Encode(multibase.Base58BTC, data)
	if err != nil {
		// Base58BTC is always supported.
		return ""
	}
	return s
}

// DecodeMultikey decodes a publicKeyMultibase value (base58btc multibase
// of a multicodec-prefixed key, as used by Multikey and did:key) into an
// [ed25519.PublicKey], *[ecdsa.PublicKey] (P-256, P-384, P-521; compressed
// points), *[Secp256k1PublicKey], *[rsa.PublicKey] (PKCS #1) or
// *[ecdh.PublicKey] (X25519, key agreement only). It checks the codec, the
// length and that points lie on their curve, and never panics.
func DecodeMultikey(s string) (crypto.PublicKey, error) {
	code, key, err := decodeMulticodec(s)
	if err != nil {
		return nil, err
	}
	return publicKeyFromCodec(code, key)
}

func publicKeyFromCodec(code uint64, key []byte) (crypto.PublicKey, error) {
	switch code {
	case codecEd25519Pub:
		if len(key) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: %w: Ed25519 public key is %d bytes, want %d", ErrInvalidKey, errBadLength, len(key), ed25519.PublicKeySize)
		}
		return ed25519.PublicKey(bytes.Clone(key)), nil
	case codecX25519Pub:
		if len(key) != 32 {
			return nil, fmt.Errorf("%w: %w: X25519 public key is %d bytes, want 32", ErrInvalidKey, errBadLength, len(key))
		}
		pub, err := ecdh.X25519().NewPublicKey(key)
		if err != nil {
			return nil, fmt.Errorf("%w: X25519: %v", ErrInvalidKey, err)
		}
		return pub, nil
	case codecP256Pub:
		return decompressNIST(elliptic.P256(), "P-256", key)
	case codecP384Pub:
		return decompressNIST(elliptic.P384(), "P-384", key)
	case codecP521Pub:
		return decompressNIST(elliptic.P521(), "P-521", key)
	case codecSecp256k1Pub:
		return ParseSecp256k1PublicKey(key)
	case codecRSAPub:
		pub, err := x509.ParsePKCS1PublicKey(key)
		if err != nil {
			return nil, fmt.Errorf("%w: RSA: %v", ErrInvalidKey, err)
		}
		if err := checkRSA(pub); err != nil {
			return nil, err
		}
		return pub, nil
	case codecBLS12381G1Pub, codecBLS12381G2Pub:
		return nil, fmt.Errorf("%w: BLS12-381 (multicodec 0x%x)", ErrUnsupportedKey, code)
	}
	return nil, fmt.Errorf("%w: multicodec 0x%x", ErrUnsupportedKey, code)
}

func checkRSA(pub *rsa.PublicKey) error {
	if pub.N == nil || pub.N.Sign() <= 0 {
		return fmt.Errorf("%w: RSA modulus missing", ErrInvalidKey)
	}
	if bits := pub.N.BitLen(); bits < minRSABits || bits > maxRSABits {
		return fmt.Errorf("%w: %w: RSA modulus is %d bits, want %d to %d", ErrInvalidKey, errBadLength, bits, minRSABits, maxRSABits)
	}
	if pub.E < 3 || pub.E%2 == 0 {
		return fmt.Errorf("%w: RSA exponent %d", ErrInvalidKey, pub.E)
	}
	return nil
}

// decompressNIST decodes a SEC 1 compressed point.
func decompressNIST(curve elliptic.Curve, name string, key []byte) (*ecdsa.PublicKey, error) {
	size := (curve.Params().BitSize + 7) / 8
	if len(key) != 1+size {
		return nil, fmt.Errorf("%w: %w: %s compressed public key is %d bytes, want %d", ErrInvalidKey, errBadLength, name, len(key), 1+size)
	}
	x, y := elliptic.UnmarshalCompressed(curve, key)
	if x == nil {
		return nil, fmt.Errorf("%w: %s point is not on the curve", ErrInvalidKey, name)
	}
	return ecdsaFromXY(curve, name, x.FillBytes(make([]byte, size)), y.FillBytes(make([]byte, size)))
}

// ecdsaFromXY builds a validated public key from fixed-size coordinates.
func ecdsaFromXY(curve elliptic.Curve, name string, x, y []byte) (*ecdsa.PublicKey, error) {
	size := (curve.Params().BitSize + 7) / 8
	if len(x) != size || len(y) != size {
		return nil, fmt.Errorf("%w: %w: %s coordinates must be %d bytes", ErrInvalidKey, errBadLength, name, size)
	}
	buf := make([]byte, 0, 1+2*size)
	buf = append(buf, 4)
	buf = append(buf, x...)
	buf = append(buf, y...)
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, buf)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalidKey, name, err)
	}
	return pub, nil
}

// curveInfo describes a NIST curve this package handles.
type curveInfo struct {
	name     string // JWK crv
	alg      string // JWS alg
	size     int
	pubCodec uint64
	prvCodec uint64
}

func nistCurve(c elliptic.Curve) (curveInfo, bool) {
	switch c {
	case elliptic.P256():
		return curveInfo{"P-256", "ES256", 32, codecP256Pub, codecP256Priv}, true
	case elliptic.P384():
		return curveInfo{"P-384", "ES384", 48, codecP384Pub, codecP384Priv}, true
	case elliptic.P521():
		return curveInfo{"P-521", "ES512", 66, codecP521Pub, codecP521Priv}, true
	}
	return curveInfo{}, false
}

func curveByName(name string) (elliptic.Curve, bool) {
	switch name {
	case "P-256":
		return elliptic.P256(), true
	case "P-384":
		return elliptic.P384(), true
	case "P-521":
		return elliptic.P521(), true
	}
	return nil, false
}

// ecdsaXY returns the fixed-size coordinates of pub.
func ecdsaXY(pub *ecdsa.PublicKey) (x, y []byte, err error) {
	b, err := pub.Bytes()
	if err != nil || len(b) == 0 || b[0] != 4 || len(b)%2 != 1 {
		return nil, nil, fmt.Errorf("%w: bad ECDSA public key", ErrInvalidKey)
	}
	size := len(b) / 2
	return b[1 : 1+size], b[1+size:], nil
}

// compressECDSA returns the SEC 1 compressed form of pub.
func compressECDSA(pub *ecdsa.PublicKey) ([]byte, error) {
	x, y, err := ecdsaXY(pub)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, 1+len(x))
	out = append(out, 2|y[len(y)-1]&1)
	return append(out, x...), nil
}

// EncodeMultikey returns the publicKeyMultibase form (base58btc,
// multicodec prefix) of an [ed25519.PublicKey], *[ecdsa.PublicKey]
// (P-256, P-384, P-521, compressed), *[Secp256k1PublicKey],
// *[rsa.PublicKey] or X25519 *[ecdh.PublicKey].
func EncodeMultikey(pub crypto.PublicKey) (string, error) {
	code, key, err := multicodecOf(pub)
	if err != nil {
		return "", err
	}
	return encodeMulticodec(code, key), nil
}

func multicodecOf(pub crypto.PublicKey) (uint64, []byte, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return 0, nil, fmt.Errorf("%w: %w: Ed25519 public key is %d bytes", ErrInvalidKey, errBadLength, len(k))
		}
		return codecEd25519Pub, k, nil
	case *ecdsa.PublicKey:
		info, ok := nistCurve(k.Curve)
		if !ok {
			return 0, nil, fmt.Errorf("%w: ECDSA curve", ErrUnsupportedKey)
		}
		c, err := compressECDSA(k)
		if err != nil {
			return 0, nil, err
		}
		return info.pubCodec, c, nil
	case *Secp256k1PublicKey:
		return codecSecp256k1Pub, k.Bytes(), nil
	case *rsa.PublicKey:
		if err := checkRSA(k); err != nil {
			return 0, nil, err
		}
		return codecRSAPub, x509.MarshalPKCS1PublicKey(k), nil
	case *ecdh.PublicKey:
		if k.Curve() != ecdh.X25519() {
			return 0, nil, fmt.Errorf("%w: ECDH curve", ErrUnsupportedKey)
		}
		return codecX25519Pub, k.Bytes(), nil
	}
	return 0, nil, fmt.Errorf("%w: %T", ErrUnsupportedKey, pub)
}

// ed25519ToX25519 converts an Ed25519 public key to the X25519 public key
// of the same secret (RFC 7748 §4.1 birational map u = (1+y)/(1-y)), as
// the did:key spec does for its optional key-agreement method.
func ed25519ToX25519(pub ed25519.PublicKey) (*ecdh.PublicKey, error) {
	if len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: %w: Ed25519 public key is %d bytes", ErrInvalidKey, errBadLength, len(pub))
	}
	p := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	le := bytes.Clone(pub)
	le[31] &= 0x7f
	slicesReverse(le)
	y := new(big.Int).SetBytes(le)
	if y.Cmp(p) >= 0 {
		return nil, fmt.Errorf("%w: Ed25519 point not canonical", ErrInvalidKey)
	}
	num := new(big.Int).Add(big.NewInt(1), y)
	den := new(big.Int).Sub(big.NewInt(1), y)
	den.Mod(den, p)
	if den.Sign() == 0 {
		return nil, fmt.Errorf("%w: Ed25519 identity point", ErrInvalidKey)
	}
	u := num.Mul(num, den.ModInverse(den, p))
	u.Mod(u, p)
	out := u.FillBytes(make([]byte, 32))
	slicesReverse(out)
	return ecdh.X25519().NewPublicKey(out)
}

func slicesReverse(b []byte) {
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
}
