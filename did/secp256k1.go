package did

import (
	"bytes"
	"crypto"
	"fmt"
	"math/big"
)

// Secp256k1PublicKey is a validated secp256k1 public key. The standard
// library has no secp256k1 curve, so this package decodes and validates the
// point itself and returns this type; verifying secp256k1 signatures needs
// a third-party implementation, which can be fed the bytes from
// [Secp256k1PublicKey.Bytes] or [Secp256k1PublicKey.UncompressedBytes].
type Secp256k1PublicKey struct {
	x, y [32]byte
}

// secp256k1 field prime p = 2^256 - 2^32 - 977 and curve y^2 = x^3 + 7.
var secp256k1P, _ = new(big.Int).SetString("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", 16)

// ParseSecp256k1PublicKey parses a SEC 1 compressed (33-byte) or
// uncompressed (65-byte) secp256k1 point and checks that it is on the
// curve.
func ParseSecp256k1PublicKey(b []byte) (*Secp256k1PublicKey, error) {
	switch {
	case len(b) == 33 && (b[0] == 2 || b[0] == 3):
		x := new(big.Int).SetBytes(b[1:])
		if x.Cmp(secp256k1P) >= 0 {
			return nil, fmt.Errorf("%w: secp256k1 x coordinate out of range", ErrInvalidKey)
		}
		rhs := secp256k1RHS(x)
		// p ≡ 3 (mod 4), so a square root is rhs^((p+1)/4).
		e := new(big.Int).Add(secp256k1P, big.NewInt(1))
		e.Rsh(e, 2)
		y := new(big.Int).Exp(rhs, e, secp256k1P)
		if new(big.Int).Exp(y, big.NewInt(2), secp256k1P).Cmp(rhs) != 0 {
			return nil, fmt.Errorf("%w: secp256k1 point is not on the curve", ErrInvalidKey)
		}
		if y.Bit(0) != uint(b[0]&1) {
			y.Sub(secp256k1P, y)
		}
		k := &Secp256k1PublicKey{}
		x.FillBytes(k.x[:])
		y.FillBytes(k.y[:])
		return k, nil
	case len(b) == 65 && b[0] == 4:
		return secp256k1FromXY(b[1:33], b[33:])
	}
	return nil, fmt.Errorf("%w: %w: secp256k1 public key is %d bytes, want 33 (compressed) or 65", ErrInvalidKey, errBadLength, len(b))
}

func secp256k1FromXY(xb, yb []byte) (*Secp256k1PublicKey, error) {
	if len(xb) != 32 || len(yb) != 32 {
		return nil, fmt.Errorf("%w: %w: secp256k1 coordinates must be 32 bytes", ErrInvalidKey, errBadLength)
	}
	x, y := new(big.Int).SetBytes(xb), new(big.Int).SetBytes(yb)
	if x.Cmp(secp256k1P) >= 0 || y.Cmp(secp256k1P) >= 0 {
		return nil, fmt.Errorf("%w: secp256k1 coordinate out of range", ErrInvalidKey)
	}
	if new(big.Int).Exp(y, big.NewInt(2), secp256k1P).Cmp(secp256k1RHS(x)) != 0 {
		return nil, fmt.Errorf("%w: secp256k1 point is not on the curve", ErrInvalidKey)
	}
	k := &Secp256k1PublicKey{}
	copy(k.x[:], xb)
	copy(k.y[:], yb)
	return k, nil
}

func secp256k1RHS(x *big.Int) *big.Int {
	r := new(big.Int).Exp(x, big.NewInt(3), secp256k1P)
	r.Add(r, big.NewInt(7))
	return r.Mod(r, secp256k1P)
}

// Bytes returns the 33-byte SEC 1 compressed point.
func (k *Secp256k1PublicKey) Bytes() []byte {
	out := make([]byte, 0, 33)
	out = append(out, 2|k.y[31]&1)
	return append(out, k.x[:]...)
}

// UncompressedBytes returns the 65-byte SEC 1 uncompressed point.
func (k *Secp256k1PublicKey) UncompressedBytes() []byte {
	out := make([]byte, 0, 65)
	out = append(out, 4)
	out = append(out, k.x[:]...)
	return append(out, k.y[:]...)
}

// Equal reports whether x is the same secp256k1 key.
func (k *Secp256k1PublicKey) Equal(x crypto.PublicKey) bool {
	o, ok := x.(*Secp256k1PublicKey)
	return ok && bytes.Equal(k.x[:], o.x[:]) && bytes.Equal(k.y[:], o.y[:])
}
