package did

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/multiformats/go-multibase"
)

// PublicKey decodes the method's key material and returns an
// [ed25519.PublicKey], *[ecdsa.PublicKey], *[rsa.PublicKey],
// *[Secp256k1PublicKey] or, for key-agreement methods, an X25519
// *[ecdh.PublicKey]. The type of the method decides which member is read
// and which keys it may hold:
//
//   - Multikey: publicKeyMultibase, any supported multicodec;
//   - Ed25519VerificationKey2020: publicKeyMultibase, Ed25519 only;
//   - Ed25519VerificationKey2018: publicKeyBase58 (32 raw bytes);
//   - JsonWebKey, JsonWebKey2020: publicKeyJwk, which must not hold "d";
//   - EcdsaSecp256k1VerificationKey2019: publicKeyBase58 or publicKeyJwk;
//   - X25519KeyAgreementKey2019/2020: publicKeyBase58 or publicKeyMultibase.
//
// Other types are refused with [ErrUnsupportedKey]. It never panics.
func (vm *VerificationMethod) PublicKey() (crypto.PublicKey, error) {
	pub, err := vm.publicKey()
	if err != nil {
		return nil, wrapError(vm.ID, keyCode(err), err)
	}
	return pub, nil
}

func (vm *VerificationMethod) publicKey() (crypto.PublicKey, error) {
	switch vm.Type {
	case TypeMultikey:
		if vm.PublicKeyMultibase == "" {
			return nil, fmt.Errorf("%w: Multikey without publicKeyMultibase", ErrInvalidKey)
		}
		return DecodeMultikey(vm.PublicKeyMultibase)
	case TypeEd25519VerificationKey2020:
		code, key, err := decodeMulticodec(vm.PublicKeyMultibase)
		if err != nil {
			return nil, err
		}
		if code != codecEd25519Pub {
			return nil, fmt.Errorf("%w: %s holds multicodec 0x%x, want Ed25519", ErrInvalidKey, vm.Type, code)
		}
		return publicKeyFromCodec(code, key)
	case TypeEd25519VerificationKey2018:
		raw, err := decodeBase58(vm.PublicKeyBase58)
		if err != nil {
			return nil, err
		}
		return publicKeyFromCodec(codecEd25519Pub, raw)
	case TypeJsonWebKey, TypeJsonWebKey2020:
		return vm.jwkKey()
	case TypeEcdsaSecp256k1Key2019:
		if vm.PublicKeyJWK != nil {
			return vm.jwkKey()
		}
		raw, err := decodeBase58(vm.PublicKeyBase58)
		if err != nil {
			return nil, err
		}
		return ParseSecp256k1PublicKey(raw)
	case TypeX25519KeyAgreementKey2019, TypeX25519KeyAgreementKey2020:
		if vm.PublicKeyMultibase != "" {
			code, key, err := decodeMulticodec(vm.PublicKeyMultibase)
			if err != nil {
				return nil, err
			}
			if code != codecX25519Pub {
				return nil, fmt.Errorf("%w: %s holds multicodec 0x%x, want X25519", ErrInvalidKey, vm.Type, code)
			}
			return publicKeyFromCodec(code, key)
		}
		raw, err := decodeBase58(vm.PublicKeyBase58)
		if err != nil {
			return nil, err
		}
		return publicKeyFromCodec(codecX25519Pub, raw)
	case "":
		return nil, fmt.Errorf("%w: verification method has no type", ErrInvalidKey)
	}
	return nil, fmt.Errorf("%w: verification method type %q", ErrUnsupportedKey, vm.Type)
}

func (vm *VerificationMethod) jwkKey() (crypto.PublicKey, error) {
	if vm.PublicKeyJWK == nil {
		return nil, fmt.Errorf("%w: %s without publicKeyJwk", ErrInvalidKey, vm.Type)
	}
	if vm.PublicKeyJWK.IsPrivate() {
		return nil, fmt.Errorf("%w: publicKeyJwk contains private key members", ErrInvalidKey)
	}
	return vm.PublicKeyJWK.PublicKey()
}

func decodeBase58(s string) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("%w: missing publicKeyBase58", ErrInvalidKey)
	}
	if len(s) > maxMultibaseLength {
		return nil, fmt.Errorf("%w: publicKeyBase58 too long", ErrInvalidKey)
	}
	enc, b, err := multibase.Decode("z" + s)
	if err != nil || enc != multibase.Base58BTC {
		return nil, fmt.Errorf("%w: bad base58 encoding", ErrInvalidKey)
	}
	return b, nil
}

// Key is a key pair (or a public key alone) with the verification method
// URL that names it. Signer is nil for a public-only key. For keys made by
// [GenerateKey], [NewEd25519KeyFromSeed] and [NewKey], ID is the did:key
// verification method ("did:key:z…#z…") and Controller the did:key; for
// RSA, which has no did:key form here, ID is the RFC 7638 thumbprint and
// Controller is empty.
type Key struct {
	ID         string
	Controller string
	Signer     crypto.Signer
	Public     crypto.PublicKey
}

// Algorithm names accepted by [GenerateKey].
const (
	AlgEd25519 = "Ed25519"
	AlgP256    = "P-256"
	AlgP384    = "P-384"
	AlgRS256   = "RS256"
)

// GenerateKey generates a key for alg: "Ed25519" (or "EdDSA"), "P-256"
// (or "ES256"), "P-384" (or "ES384"), or "RS256" (or "RSA", 2048 bits).
// random is the entropy source for Ed25519; since Go 1.26 the ECDSA and RSA
// generators ignore it and always use the system source. Use
// [NewEd25519KeyFromSeed] for deterministic keys.
func GenerateKey(alg string, random io.Reader) (*Key, error) {
	var signer crypto.Signer
	var err error
	switch alg {
	case AlgEd25519, "EdDSA":
		_, signer, err = ed25519.GenerateKey(random)
	case AlgP256, "ES256":
		signer, err = ecdsa.GenerateKey(elliptic.P256(), random)
	case AlgP384, "ES384":
		signer, err = ecdsa.GenerateKey(elliptic.P384(), random)
	case AlgRS256, "RSA":
		signer, err = rsa.GenerateKey(random, 2048)
	default:
		return nil, fmt.Errorf("%w: algorithm %q (want Ed25519, P-256, P-384 or RS256)", ErrUnsupportedKey, alg)
	}
	if err != nil {
		return nil, fmt.Errorf("did: generate %s key: %w", alg, err)
	}
	return NewKey(signer)
}

// NewWebKey wraps signer (as [NewKey] does) and names it as a
// verification method of the did:web DID webDID: ID is webDID#fragment and
// Controller is webDID. An empty fragment means the RFC 7638 thumbprint of
// the public key, so two keys of one DID never share an id. webDID must
// map to a URL ([WebURL]); build it with [WebDID]. Publish the key with
// [NewWebDocument].
func NewWebKey(signer crypto.Signer, webDID, fragment string) (*Key, error) {
	if _, err := WebURL(webDID); err != nil {
		return nil, err
	}
	k, err := NewKey(signer)
	if err != nil {
		return nil, err
	}
	if fragment == "" {
		j, err := NewJWK(k.Public)
		if err != nil {
			return nil, err
		}
		if fragment, err = j.Thumbprint(); err != nil {
			return nil, err
		}
	}
	id := webDID + "#" + fragment
	u, err := ParseURL(id)
	if err != nil {
		return nil, err
	}
	if u.Path != "" || u.HasQuery || strings.ContainsRune(fragment, '#') {
		return nil, newError(id, CodeInvalidDIDURL, ErrInvalidDIDURL, "fragment %q is not a plain fragment", fragment)
	}
	k.ID, k.Controller = id, webDID
	return k, nil
}

// GenerateWebKey generates a key for alg as [GenerateKey] does and names it
// as [NewWebKey] does: a verification method of the did:web DID webDID
// (fragment "" means the key's JWK thumbprint).
func GenerateWebKey(alg string, random io.Reader, webDID, fragment string) (*Key, error) {
	if _, err := WebURL(webDID); err != nil {
		return nil, err
	}
	k, err := GenerateKey(alg, random)
	if err != nil {
		return nil, err
	}
	return NewWebKey(k.Signer, webDID, fragment)
}

// NewEd25519KeyFromSeed returns the Ed25519 key for a 32-byte seed (RFC
// 8032 private key), named by its did:key.
func NewEd25519KeyFromSeed(seed []byte) (*Key, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("%w: %w: Ed25519 seed is %d bytes, want %d", ErrInvalidKey, errBadLength, len(seed), ed25519.SeedSize)
	}
	return NewKey(ed25519.NewKeyFromSeed(seed))
}

// NewKey wraps a signer, which may be a hardware or KMS handle whose
// Public() is a supported key type, and names it: by its did:key
// verification method, or for RSA by its JWK thumbprint.
func NewKey(signer crypto.Signer) (*Key, error) {
	if signer == nil {
		return nil, fmt.Errorf("%w: nil signer", ErrInvalidKey)
	}
	k, err := NewPublicKey(signer.Public())
	if err != nil {
		return nil, err
	}
	k.Signer = signer
	return k, nil
}

// NewPublicKey returns a public-only Key named as [NewKey] names it.
func NewPublicKey(pub crypto.PublicKey) (*Key, error) {
	k := &Key{Public: pub}
	if rpub, ok := pub.(*rsa.PublicKey); ok {
		j, err := NewJWK(rpub)
		if err != nil {
			return nil, err
		}
		k.ID, err = j.Thumbprint()
		return k, err
	}
	d, err := DIDKeyFromPublicKey(pub)
	if err != nil {
		return nil, err
	}
	k.Controller = d
	k.ID = d + "#" + strings.TrimPrefix(d, "did:key:")
	return k, nil
}

// Algorithm returns the JWS algorithm of the key: "EdDSA", "ES256",
// "ES384", "ES512" or "RS256"; "" when unknown.
func (k *Key) Algorithm() string {
	switch p := k.Public.(type) {
	case ed25519.PublicKey:
		return "EdDSA"
	case *ecdsa.PublicKey:
		info, _ := nistCurve(p.Curve)
		return info.alg
	case *rsa.PublicKey:
		return "RS256"
	}
	return ""
}

// JWK returns the key as a JWK with kid = ID and alg set; private members
// are included when the key has a Signer of a type this package can
// export (an opaque KMS signer gives the public JWK only).
func (k *Key) JWK() (*JWK, error) {
	var j *JWK
	var err error
	if k.Signer != nil {
		j, err = NewJWK(k.Signer)
	}
	if k.Signer == nil || err != nil {
		j, err = NewJWK(k.Public)
	}
	if err != nil {
		return nil, err
	}
	j.Kid = k.ID
	j.Alg = k.Algorithm()
	return j, nil
}

// MarshalJWK returns the private key as JWK JSON (RFC 7517), with "d"
// present and "kid" set to the verification method URL.
func (k *Key) MarshalJWK() ([]byte, error) {
	if k.Signer == nil {
		return nil, fmt.Errorf("%w: key has no private part", ErrInvalidKey)
	}
	j, err := k.JWK()
	if err != nil {
		return nil, err
	}
	if !j.IsPrivate() {
		return nil, fmt.Errorf("%w: private key of type %T cannot be exported", ErrUnsupportedKey, k.Signer)
	}
	return json.MarshalIndent(j, "", "  ")
}

// multikeyJSON is the Multikey key pair serialization (Controlled
// Identifiers §2.2.2).
type multikeyJSON struct {
	Context            string `json:"@context,omitempty"`
	ID                 string `json:"id,omitempty"`
	Type               string `json:"type"`
	Controller         string `json:"controller,omitempty"`
	PublicKeyMultibase string `json:"publicKeyMultibase"`
	SecretKeyMultibase string `json:"secretKeyMultibase,omitempty"`
}

// MarshalMultikey returns the key pair in Multikey form:
// {"@context", "id", "type": "Multikey", "controller",
// "publicKeyMultibase", "secretKeyMultibase"}. Ed25519 (0x1300), P-256
// (0x1306) and P-384 (0x1307) private keys are supported.
func (k *Key) MarshalMultikey() ([]byte, error) {
	if k.Signer == nil {
		return nil, fmt.Errorf("%w: key has no private part", ErrInvalidKey)
	}
	pub, err := EncodeMultikey(k.Public)
	if err != nil {
		return nil, err
	}
	var code uint64
	var secret []byte
	switch s := k.Signer.(type) {
	case ed25519.PrivateKey:
		if len(s) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("%w: %w: Ed25519 private key", ErrInvalidKey, errBadLength)
		}
		code, secret = codecEd25519Priv, s.Seed()
	case *ecdsa.PrivateKey:
		info, ok := nistCurve(s.Curve)
		if !ok {
			return nil, fmt.Errorf("%w: ECDSA curve", ErrUnsupportedKey)
		}
		code = info.prvCodec
		if secret, err = s.Bytes(); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
		}
	default:
		return nil, fmt.Errorf("%w: Multikey secret for %T", ErrUnsupportedKey, k.Signer)
	}
	return json.MarshalIndent(multikeyJSON{
		Context:            ContextMultikeyV1,
		ID:                 k.ID,
		Type:               TypeMultikey,
		Controller:         k.Controller,
		PublicKeyMultibase: pub,
		SecretKeyMultibase: encodeMulticodec(code, secret),
	}, "", "  ")
}

// VerificationMethod returns the public key as a Multikey verification
// method (for RSA: a JsonWebKey method).
func (k *Key) VerificationMethod() (*VerificationMethod, error) {
	if _, ok := k.Public.(*rsa.PublicKey); ok {
		j, err := NewJWK(k.Public)
		if err != nil {
			return nil, err
		}
		return &VerificationMethod{ID: k.ID, Type: TypeJsonWebKey, Controller: k.Controller, PublicKeyJWK: j}, nil
	}
	mb, err := EncodeMultikey(k.Public)
	if err != nil {
		return nil, err
	}
	return &VerificationMethod{ID: k.ID, Type: TypeMultikey, Controller: k.Controller, PublicKeyMultibase: mb}, nil
}

// ParsePrivateKey parses a private key in either JWK form (a JSON object
// with "kty" and "d"; "kid" becomes ID) or Multikey form (a JSON object
// with "publicKeyMultibase" and "secretKeyMultibase"; "id" and
// "controller" are kept). It checks that the public and private parts
// match. Keys without an id are named as [NewKey] names them.
func ParsePrivateKey(data []byte) (*Key, error) {
	if len(data) > maxJWKBytes {
		return nil, fmt.Errorf("%w: key file larger than %d bytes", ErrInvalidKey, maxJWKBytes)
	}
	members, err := decodeObject(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	if _, ok := members["kty"]; ok {
		j, err := ParseJWK(data)
		if err != nil {
			return nil, err
		}
		signer, err := j.PrivateKey()
		if err != nil {
			return nil, err
		}
		k, err := NewKey(signer)
		if err != nil {
			return nil, err
		}
		if j.Kid != "" {
			k.ID = j.Kid
			if k.Controller != "" && !strings.HasPrefix(j.Kid, k.Controller+"#") {
				k.Controller = controllerOf(j.Kid)
			}
		}
		return k, nil
	}
	if _, ok := members["secretKeyMultibase"]; ok {
		return parseMultikeyPair(data)
	}
	return nil, fmt.Errorf("%w: neither a JWK (\"kty\") nor a Multikey (\"secretKeyMultibase\")", ErrInvalidKey)
}

// controllerOf returns the URL before '#', or "" when there is no fragment.
func controllerOf(id string) string {
	if i := strings.IndexByte(id, '#'); i > 0 {
		return id[:i]
	}
	return ""
}

func parseMultikeyPair(data []byte) (*Key, error) {
	var m struct {
		Context            json.RawMessage
		ID, Type           string
		Controller         string
		PublicKeyMultibase string
		SecretKeyMultibase string
	}
	if _, err := decodeFields(data, map[string]any{
		"@context":           &m.Context,
		"id":                 &m.ID,
		"type":               &m.Type,
		"controller":         &m.Controller,
		"publicKeyMultibase": &m.PublicKeyMultibase,
		"secretKeyMultibase": &m.SecretKeyMultibase,
	}); err != nil {
		return nil, fmt.Errorf("%w: Multikey: %v", ErrInvalidKey, err)
	}
	if m.Type != "" && m.Type != TypeMultikey {
		return nil, fmt.Errorf("%w: Multikey: type %q", ErrInvalidKey, m.Type)
	}
	code, secret, err := decodeMulticodec(m.SecretKeyMultibase)
	if err != nil {
		return nil, err
	}
	var signer crypto.Signer
	switch code {
	case codecEd25519Priv:
		if len(secret) != ed25519.SeedSize {
			return nil, fmt.Errorf("%w: %w: Ed25519 secret key is %d bytes, want 32", ErrInvalidKey, errBadLength, len(secret))
		}
		signer = ed25519.NewKeyFromSeed(secret)
	case codecP256Priv, codecP384Priv, codecP521Priv:
		curve := map[uint64]elliptic.Curve{codecP256Priv: elliptic.P256(), codecP384Priv: elliptic.P384(), codecP521Priv: elliptic.P521()}[code]
		priv, err := ecdsa.ParseRawPrivateKey(curve, secret)
		if err != nil {
			return nil, fmt.Errorf("%w: Multikey secret: %v", ErrInvalidKey, err)
		}
		signer = priv
	default:
		return nil, fmt.Errorf("%w: secretKeyMultibase multicodec 0x%x", ErrUnsupportedKey, code)
	}
	if m.PublicKeyMultibase != "" {
		pub, err := DecodeMultikey(m.PublicKeyMultibase)
		if err != nil {
			return nil, err
		}
		if !publicEqual(signer.Public(), pub) {
			return nil, fmt.Errorf("%w: publicKeyMultibase does not match secretKeyMultibase", ErrInvalidKey)
		}
	}
	k, err := NewKey(signer)
	if err != nil {
		return nil, err
	}
	if m.ID != "" {
		k.ID = m.ID
		k.Controller = m.Controller
		if k.Controller == "" {
			k.Controller = controllerOf(m.ID)
		}
	}
	return k, nil
}
