package badge

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Recipient identities (OB 3.0 IdentityObject and the IdentityHash derived
// type): identityHash is either the plain identifier or
// "<alg>$<hex>", the hex digest of UTF-8(identifier ‖ salt), alg being
// "sha256" or "md5" (hex in either case).
//
// Normalization: e-mail addresses are compared case-insensitively, so
// identifiers of type emailAddress are trimmed of surrounding white space
// and lower-cased before hashing ([NormalizeIdentifier]); other types are
// hashed exactly as given. The OB 3.0 text itself only requires UTF-8; the
// lower-casing follows Open Badges 2.0 practice and the spec's own example
// (sha256$b5809d8a… = SHA-256("a@example.com" + "Kosher")). Matches also
// accepts a hash over the value exactly as given, for issuers that did not
// normalize.

// ErrInvalidIdentityHash means an identityHash marked hashed is not of the
// form "sha256$<64 hex>" or "md5$<32 hex>".
var ErrInvalidIdentityHash = errors.New("badge: invalid identity hash")

// saltBytes is the number of random bytes in a generated salt (hex encoded).
const saltBytes = 16

// NormalizeIdentifier returns the form of value that is hashed for
// identityType: e-mail addresses trimmed and lower-cased, anything else
// unchanged.
func NormalizeIdentifier(identityType IdentifierType, value string) string {
	if identityType == IdentifierTypeEmailAddress {
		return strings.ToLower(strings.TrimSpace(value))
	}
	return value
}

// NewHashedIdentity returns an IdentityObject holding the salted SHA-256
// hash of value ("sha256$<hex>") with a fresh salt of 16 random bytes read
// from random (crypto/rand when nil).
func NewHashedIdentity(identityType IdentifierType, value string, random io.Reader) (IdentityObject, error) {
	if random == nil {
		random = rand.Reader
	}
	b := make([]byte, saltBytes)
	if _, err := io.ReadFull(random, b); err != nil {
		return IdentityObject{}, fmt.Errorf("badge: reading salt: %w", err)
	}
	return NewHashedIdentityWithSalt(identityType, value, hex.EncodeToString(b)), nil
}

// NewHashedIdentityWithSalt is NewHashedIdentity with a given salt. Use it
// to reproduce a known hash; new credentials should get a fresh salt.
func NewHashedIdentityWithSalt(identityType IdentifierType, value, salt string) IdentityObject {
	sum := sha256.Sum256([]byte(NormalizeIdentifier(identityType, value) + salt))
	return IdentityObject{
		Type:         One("IdentityObject"),
		Hashed:       true,
		IdentityHash: "sha256$" + hex.EncodeToString(sum[:]),
		IdentityType: identityType,
		Salt:         salt,
	}
}

// NewPlainIdentity returns an unhashed IdentityObject. Prefer
// [NewHashedIdentity] for anything that identifies a person.
func NewPlainIdentity(identityType IdentifierType, value string) IdentityObject {
	return IdentityObject{Type: One("IdentityObject"), IdentityHash: value, IdentityType: identityType}
}

// parseIdentityHash splits "<alg>$<hex>" and checks the digest length.
func parseIdentityHash(s string) (alg string, digest []byte, err error) {
	alg, h, ok := strings.Cut(s, "$")
	if !ok {
		return "", nil, fmt.Errorf("%w: %q has no algorithm prefix", ErrInvalidIdentityHash, s)
	}
	var size int
	switch alg {
	case "sha256":
		size = sha256.Size
	case "md5":
		size = md5.Size
	default:
		return "", nil, fmt.Errorf("%w: unsupported algorithm %q", ErrInvalidIdentityHash, alg)
	}
	digest, err = hex.DecodeString(h)
	if err != nil || len(digest) != size {
		return "", nil, fmt.Errorf("%w: %s digest must be %d hex digits", ErrInvalidIdentityHash, alg, 2*size)
	}
	return alg, digest, nil
}

func identityDigest(alg, value, salt string) []byte {
	if alg == "md5" {
		s := md5.Sum([]byte(value + salt))
		return s[:]
	}
	s := sha256.Sum256([]byte(value + salt))
	return s[:]
}

// Matches reports whether the identity object identifies value of the given
// type: false when the types differ; for a hashed object, whether the
// salted hash of value (normalized, or exactly as given) equals
// identityHash, compared in constant time; for a plain object, whether the
// values are equal (e-mail addresses case-insensitively). It fails only
// when a hashed object's identityHash is malformed
// ([ErrInvalidIdentityHash]).
func (o IdentityObject) Matches(identityType IdentifierType, value string) (bool, error) {
	if o.IdentityType != identityType {
		return false, nil
	}
	norm := NormalizeIdentifier(identityType, value)
	if !o.Hashed {
		stored := NormalizeIdentifier(identityType, o.IdentityHash)
		return subtle.ConstantTimeCompare([]byte(stored), []byte(norm)) == 1, nil
	}
	alg, digest, err := parseIdentityHash(o.IdentityHash)
	if err != nil {
		return false, err
	}
	match := subtle.ConstantTimeCompare(identityDigest(alg, norm, o.Salt), digest)
	if norm != value {
		match |= subtle.ConstantTimeCompare(identityDigest(alg, value, o.Salt), digest)
	}
	return match == 1, nil
}
