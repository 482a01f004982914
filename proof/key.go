package proof

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"fmt"
	"math/big"
)

// Key is a signing key and the verification method URL that names its
// public half (what verifiers dereference), for example
// "did:key:z6Mk…#z6Mk…" or "https://example.edu/issuers/565049#key-1".
//
// Signer may be an [ed25519.PrivateKey], an *[ecdsa.PrivateKey], an
// *[rsa.PrivateKey] or any [crypto.Signer] whose Public() is one of their
// public keys, such as an HSM or KMS handle. When the signer also
// implements [crypto.MessageSigner], it is given the unhashed message
// ([crypto.SignMessage]). A KMS signer should capture its context when it
// is constructed, since crypto.Signer takes none.
type Key struct {
	Signer             crypto.Signer
	VerificationMethod string
}

// Algorithm is a JWS algorithm name (RFC 7518), our own type so that no
// dependency's types appear in this package's API.
type Algorithm string

// The JWS algorithms this package signs and verifies.
const (
	EdDSA Algorithm = "EdDSA" // Ed25519
	ES256 Algorithm = "ES256" // ECDSA P-256 with SHA-256
	ES384 Algorithm = "ES384" // ECDSA P-384 with SHA-384
	RS256 Algorithm = "RS256" // RSASSA-PKCS1-v1_5 with SHA-256
)

// DefaultAlgorithms is the algorithm allow-list of a [Verifier] whose
// AllowedAlgorithms is nil.
func DefaultAlgorithms() []Algorithm { return []Algorithm{EdDSA, ES256, ES384, RS256} }

// minRSABits is the smallest RSA modulus accepted for signing or
// verification.
const minRSABits = 2048

// keyKind classifies a public key.
type keyKind int

const (
	kindUnknown keyKind = iota
	kindEd25519
	kindP256
	kindP384
	kindRSA
)

func (k keyKind) String() string {
	switch k {
	case kindEd25519:
		return "Ed25519"
	case kindP256:
		return "P-256"
	case kindP384:
		return "P-384"
	case kindRSA:
		return "RSA"
	}
	return "unknown"
}

func kindOf(pub crypto.PublicKey) keyKind {
	switch p := pub.(type) {
	case ed25519.PublicKey:
		if len(p) == ed25519.PublicKeySize {
			return kindEd25519
		}
	case *ecdsa.PublicKey:
		if p == nil || p.Curve == nil {
			return kindUnknown
		}
		switch p.Curve {
		case elliptic.P256():
			return kindP256
		case elliptic.P384():
			return kindP384
		}
	case *rsa.PublicKey:
		if p != nil && p.N != nil && p.N.BitLen() >= minRSABits {
			return kindRSA
		}
	}
	return kindUnknown
}

// hashFor returns the hash used with a key kind: none for Ed25519.
func hashFor(k keyKind) crypto.Hash {
	switch k {
	case kindP384:
		return crypto.SHA384
	case kindP256, kindRSA:
		return crypto.SHA256
	}
	return 0
}

func digest(h crypto.Hash, msg []byte) []byte {
	switch h {
	case crypto.SHA256:
		d := sha256.Sum256(msg)
		return d[:]
	case crypto.SHA384:
		d := sha512.Sum384(msg)
		return d[:]
	}
	return msg
}

// signMessage signs msg with s: Ed25519 over the message itself, ECDSA and
// RSA PKCS#1 v1.5 over its hash. ECDSA signatures are returned as fixed
// size r||s (JOSE and Data Integrity form), whatever the signer returns.
func signMessage(ctx context.Context, s crypto.Signer, msg []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s == nil {
		return nil, errorf(ErrInvalidKey, nil, "no signer")
	}
	kind := kindOf(s.Public())
	if kind == kindUnknown {
		return nil, errorf(ErrInvalidKey, nil, "unsupported public key %T", s.Public())
	}
	h := hashFor(kind)
	var sig []byte
	var err error
	if ms, ok := s.(crypto.MessageSigner); ok {
		sig, err = ms.SignMessage(rand.Reader, msg, h)
	} else {
		sig, err = s.Sign(rand.Reader, digest(h, msg), h)
	}
	if err != nil {
		return nil, errorf(ErrInvalidKey, err, "signing with %s key", kind)
	}
	switch kind {
	case kindEd25519:
		if len(sig) != ed25519.SignatureSize {
			return nil, errorf(ErrInvalidKey, nil, "signer returned a %d-byte Ed25519 signature", len(sig))
		}
	case kindP256, kindP384:
		sig, err = ecdsaRawSignature(sig, kind)
		if err != nil {
			return nil, err
		}
	}
	if !verifySignature(s.Public(), msg, sig) {
		// A faulty signer (or a key whose public half lies) must not
		// produce a credential nobody can verify.
		return nil, errorf(ErrInvalidKey, nil, "signer produced a signature that does not verify with its public key")
	}
	return sig, nil
}

// ecdsaRawSignature converts a signer's output to r||s, with s in its low
// form (s <= n/2: the signature (r, n-s) is as valid, and verifiers that
// insist on low s, such as JavaScript's noble-curves by default, refuse
// the other half of Go's signatures). Signers return ASN.1 DER
// (crypto.Signer's contract); a signer that already returns r||s of the
// right size is accepted too.
func ecdsaRawSignature(sig []byte, kind keyKind) ([]byte, error) {
	size, curve := 32, elliptic.P256()
	if kind == kindP384 {
		size, curve = 48, elliptic.P384()
	}
	if len(sig) == 2*size && (len(sig) == 0 || sig[0] != 0x30) {
		// Already r||s (a DER sequence starts 0x30): read it to normalize s.
		rs := struct{ R, S *big.Int }{new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])}
		sig, _ = asn1.Marshal(rs)
	}
	var rs struct{ R, S *big.Int }
	rest, err := asn1.Unmarshal(sig, &rs)
	if err != nil || len(rest) != 0 || rs.R == nil || rs.S == nil || rs.R.Sign() <= 0 || rs.S.Sign() <= 0 ||
		rs.R.BitLen() > 8*size || rs.S.BitLen() > 8*size {
		if len(sig) == 2*size {
			return sig, nil // already r||s; checked by the caller's verification
		}
		return nil, errorf(ErrInvalidKey, err, "signer returned an invalid ECDSA signature")
	}
	n := curve.Params().N
	if rs.S.Cmp(new(big.Int).Rsh(n, 1)) > 0 {
		rs.S = new(big.Int).Sub(n, rs.S)
	}
	out := make([]byte, 2*size)
	rs.R.FillBytes(out[:size])
	rs.S.FillBytes(out[size:])
	return out, nil
}

// verifySignature checks sig over msg with pub; it never panics on bad
// lengths. ECDSA signatures are r||s.
func verifySignature(pub crypto.PublicKey, msg, sig []byte) bool {
	switch kind := kindOf(pub); kind {
	case kindEd25519:
		if len(sig) != ed25519.SignatureSize {
			return false
		}
		return ed25519.Verify(pub.(ed25519.PublicKey), msg, sig)
	case kindP256, kindP384:
		size := 32
		if kind == kindP384 {
			size = 48
		}
		if len(sig) != 2*size {
			return false
		}
		r := new(big.Int).SetBytes(sig[:size])
		s := new(big.Int).SetBytes(sig[size:])
		return ecdsa.Verify(pub.(*ecdsa.PublicKey), digest(hashFor(kind), msg), r, s)
	case kindRSA:
		return rsa.VerifyPKCS1v15(pub.(*rsa.PublicKey), crypto.SHA256, digest(crypto.SHA256, msg), sig) == nil
	}
	return false
}

// algorithmFor returns the JWS algorithm of a key kind.
func algorithmFor(k keyKind) Algorithm {
	switch k {
	case kindEd25519:
		return EdDSA
	case kindP256:
		return ES256
	case kindP384:
		return ES384
	case kindRSA:
		return RS256
	}
	return ""
}

func describeKey(pub crypto.PublicKey) string {
	if k := kindOf(pub); k != kindUnknown {
		return k.String()
	}
	return fmt.Sprintf("%T", pub)
}
