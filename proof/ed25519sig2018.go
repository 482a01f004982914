package proof

import (
	"encoding/base64"
	"slices"
	"strings"

	"github.com/openbadges-go/openbadges/internal/jsonx"
)

// Ed25519Signature2018 is the proof type of the 2018 Linked Data Signatures
// suite (W3C CCG "Ed25519 Signature 2018"), used by badges from the
// 2022/2023 plugfests: Ed25519 over URDNA2015 (RDFC-1.0) canonical N-Quads,
// the signature carried as a detached JWS in the proof's "jws" member. It
// is verified only, never issued, and only when an allow-list names it.
//
// The signed bytes are those of RFC 7797 (unencoded payload): the JWS
// protected header {"alg":"EdDSA","b64":false,"crit":["b64"]} in base64url,
// ".", then SHA-256(canonical proof options) || SHA-256(canonical
// document), where the proof options are the proof without "jws", under
// the document's @context.
const Ed25519Signature2018 = "Ed25519Signature2018"

// ContextEd25519Signature2018 is the suite's context (the VC 1.1 context
// defines the proof type too).
const ContextEd25519Signature2018 = "https://w3id.org/security/suites/ed25519-2018/v1"

// maxJWS bounds the "jws" member accepted for decoding: a protected header
// of a few members and a 64-byte signature are under 200 characters.
const maxJWS = 1024

// detachedJWS is the parsed "jws" member of an Ed25519Signature2018 proof.
type detachedJWS struct {
	header []byte // the encoded protected header, as written (it is signed)
	sig    []byte
}

// signingInput returns what the JWS signs: the encoded header, '.', and
// the Data Integrity message (proof options hash || document hash).
func (j *detachedJWS) signingInput(msg []byte) []byte {
	b := make([]byte, 0, len(j.header)+1+len(msg))
	b = append(b, j.header...)
	b = append(b, '.')
	return append(b, msg...)
}

// parseDetachedJWS reads the "jws" member of an Ed25519Signature2018 proof:
// a compact JWS with an empty payload whose protected header is exactly
// {"alg":"EdDSA","b64":false,"crit":["b64"]} (members in any order, no
// others), and a 64-byte signature, both in unpadded canonical base64url.
func parseDetachedJWS(v any) (*detachedJWS, error) {
	s, ok := v.(string)
	if !ok {
		return nil, errorf(ErrMalformedProofValue, nil, "jws is missing or not a string")
	}
	if len(s) > maxJWS {
		return nil, errorf(ErrMalformedProofValue, nil, "jws is %d characters, limit %d", len(s), maxJWS)
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 || parts[1] != "" {
		return nil, errorf(ErrMalformedProofValue, nil, "jws is not a detached compact JWS (header..signature)")
	}
	hb, err := strictBase64URL(parts[0])
	if err != nil {
		return nil, errorf(ErrMalformedProofValue, err, "jws header")
	}
	if err := checkDetachedHeader(hb); err != nil {
		return nil, err
	}
	sig, err := strictBase64URL(parts[2])
	if err != nil {
		return nil, errorf(ErrMalformedProofValue, err, "jws signature")
	}
	if len(sig) != 64 {
		return nil, errorf(ErrMalformedProofValue, nil, "jws signature is %d bytes, want 64 for Ed25519", len(sig))
	}
	return &detachedJWS{header: []byte(parts[0]), sig: sig}, nil
}

// checkDetachedHeader checks the decoded protected header of the suite.
func checkDetachedHeader(b []byte) error {
	v, err := jsonx.Parse(b, nil)
	if err != nil {
		return &HeaderError{Detail: "not strict JSON: " + err.Error()}
	}
	h, ok := v.(map[string]any)
	if !ok {
		return &HeaderError{Detail: "not a JSON object"}
	}
	for k := range h {
		switch k {
		case "alg", "b64", "crit":
		default:
			return &HeaderError{Member: k, Detail: "not part of the Ed25519Signature2018 header"}
		}
	}
	if alg, _ := h["alg"].(string); alg != "EdDSA" {
		return &HeaderError{Member: "alg", Detail: "want EdDSA"}
	}
	if b64, ok := h["b64"].(bool); !ok || b64 {
		return &HeaderError{Member: "b64", Detail: "want false (RFC 7797 unencoded payload)"}
	}
	crit, ok := h["crit"].([]any)
	if !ok || len(crit) != 1 || crit[0] != "b64" {
		return &HeaderError{Member: "crit", Detail: `want ["b64"]`}
	}
	return nil
}

// strictBase64URL decodes unpadded base64url and refuses a non-canonical
// encoding (one value has one spelling).
func strictBase64URL(s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, err
	}
	if base64.RawURLEncoding.EncodeToString(b) != s {
		return nil, errorf(ErrMalformedProofValue, nil, "non-canonical base64url")
	}
	return b, nil
}

// ed2018Config returns the proof options an Ed25519Signature2018 proof
// signs: the proof without "jws". A proof that also carries proofValue or
// signatureValue is refused: the suite leaves them out of what is signed,
// so they would be unsigned statements in the proof's graph.
func ed2018Config(p map[string]any) error {
	for _, k := range []string{"proofValue", "signatureValue"} {
		if _, ok := p[k]; ok {
			return errorf(ErrMalformedProof, nil, "an Ed25519Signature2018 proof with %s (unsigned beside jws)", k)
		}
	}
	return nil
}

// isJWSSuite reports whether a suite carries its signature as a detached
// JWS in "jws" rather than as a multibase proofValue.
func isJWSSuite(name string) bool { return name == Ed25519Signature2018 }

// verifyOnlySuites are the suites that are verified and never signed.
var verifyOnlySuites = []string{EdDSA2022, Ed25519Signature2018}

// signable reports whether [AddDataIntegrityProof] may sign with a suite.
func signable(name string) bool { return !slices.Contains(verifyOnlySuites, name) }
