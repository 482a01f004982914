package proof

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/fxamacker/cbor/v2"
)

// Limits of ecdsa-sd-2023 proofs. Each non-mandatory statement costs one
// ECDSA verification (tens of microseconds), so the bound on statements
// is what a forged proof can make a verifier spend.
const (
	// MaxSDStatements bounds the statements of a document secured or
	// verified with ecdsa-sd-2023, and so the signatures of a proof value.
	MaxSDStatements = 1024
	// MaxSDPointers bounds the mandatory or selective JSON pointers.
	MaxSDPointers = 256
	// maxSDProofValue bounds the proofValue string of ecdsa-sd-2023.
	maxSDProofValue = 1 << 19
)

// The CBOR headers of ecdsa-sd-2023 proof values: tag 0x5d00 (base) and
// 0x5d01 (derived), written as the three bytes of a 16-bit tag head.
var (
	sdBaseHeader    = []byte{0xd9, 0x5d, 0x00}
	sdDerivedHeader = []byte{0xd9, 0x5d, 0x01}
)

// multikeyP256Prefix is the varint of the p256-pub multicodec (0x1200).
var multikeyP256Prefix = []byte{0x80, 0x24}

// sdBaseValue is a parsed base proof value.
type sdBaseValue struct {
	_                 struct{} `cbor:",toarray"`
	BaseSignature     []byte
	PublicKey         []byte // Multikey P-256, 35 bytes
	HMACKey           []byte
	Signatures        [][]byte
	MandatoryPointers []string
}

// sdDerivedValue is a parsed derived (disclosure) proof value. LabelMap
// maps the canonical label number (c14nN) to the HMAC digest.
type sdDerivedValue struct {
	_                struct{} `cbor:",toarray"`
	BaseSignature    []byte
	PublicKey        []byte
	Signatures       [][]byte
	LabelMap         map[uint64][]byte
	MandatoryIndexes []uint64
}

var (
	sdEncMode = func() cbor.EncMode {
		em, err := cbor.EncOptions{Sort: cbor.SortCoreDeterministic, NilContainers: cbor.NilContainerAsEmpty}.EncMode()
		if err != nil {
			panic(err)
		}
		return em
	}()
	sdDecMode = func() cbor.DecMode {
		dm, err := cbor.DecOptions{
			DupMapKey:        cbor.DupMapKeyEnforcedAPF,
			IndefLength:      cbor.IndefLengthForbidden,
			TagsMd:           cbor.TagsForbidden,
			MaxNestedLevels:  4,
			MaxArrayElements: max(MaxSDStatements, MaxSDPointers),
			MaxMapPairs:      MaxSDStatements,
		}.DecMode()
		if err != nil {
			panic(err)
		}
		return dm
	}()
)

// encodeSDValue writes header || CBOR(v) as multibase base64url-no-pad.
func encodeSDValue(header []byte, v any) (string, error) {
	b, err := sdEncMode.Marshal(v)
	if err != nil {
		return "", errorf(ErrMalformedProofValue, err, "encoding the ecdsa-sd-2023 proof value")
	}
	return "u" + base64.RawURLEncoding.EncodeToString(append(slices.Clone(header), b...)), nil
}

// decodeSDValue decodes a multibase base64url-no-pad proofValue and
// reports whether it is a base proof (header 0xd95d00) or a derived one
// (0xd95d01); the CBOR payload follows.
func decodeSDValue(v any) (payload []byte, base bool, err error) {
	s, ok := v.(string)
	switch {
	case !ok:
		return nil, false, errorf(ErrMalformedProofValue, nil, "proofValue is missing or not a string")
	case s == "":
		return nil, false, errorf(ErrMalformedProofValue, nil, "proofValue is empty")
	case len(s) > maxSDProofValue:
		return nil, false, errorf(ErrMalformedProofValue, nil, "proofValue is %d characters, limit %d", len(s), maxSDProofValue)
	case s[0] != 'u':
		return nil, false, errorf(ErrMalformedProofValue, nil, "multibase prefix %q, want 'u' (base64url, no padding)", s[:1])
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s[1:])
	if err != nil {
		return nil, false, errorf(ErrMalformedProofValue, nil, "invalid base64url encoding")
	}
	switch {
	case bytes.HasPrefix(b, sdBaseHeader):
		return b[len(sdBaseHeader):], true, nil
	case bytes.HasPrefix(b, sdDerivedHeader):
		return b[len(sdDerivedHeader):], false, nil
	}
	return nil, false, errorf(ErrMalformedProofValue, nil, "no ecdsa-sd-2023 header (0xd95d00 or 0xd95d01)")
}

// sdSizes returns the base signature and HMAC (digest) sizes of a base
// key kind: P-256 with SHA-256, P-384 with SHA-384.
func sdSizes(k keyKind) (sig, digest int) {
	if k == kindP384 {
		return 96, 48
	}
	return 64, 32
}

// sdKindOfSig returns the base key kind a base signature length implies.
func sdKindOfSig(n int) (keyKind, bool) {
	switch n {
	case 64:
		return kindP256, true
	case 96:
		return kindP384, true
	}
	return kindUnknown, false
}

// parseSDBase parses a base proof value.
func parseSDBase(v any) (*sdBaseValue, error) {
	payload, base, err := decodeSDValue(v)
	if err != nil {
		return nil, err
	}
	if !base {
		return nil, errorf(ErrMalformedProofValue, nil, "a derived ecdsa-sd-2023 proof value, want a base proof")
	}
	var p sdBaseValue
	if err := sdDecMode.Unmarshal(payload, &p); err != nil {
		return nil, errorf(ErrMalformedProofValue, err, "ecdsa-sd-2023 base proof CBOR")
	}
	kind, ok := sdKindOfSig(len(p.BaseSignature))
	if !ok {
		return nil, errorf(ErrMalformedProofValue, nil, "base signature is %d bytes, want 64 or 96", len(p.BaseSignature))
	}
	if _, digest := sdSizes(kind); len(p.HMACKey) != digest {
		return nil, errorf(ErrMalformedProofValue, nil, "HMAC key is %d bytes, want %d", len(p.HMACKey), digest)
	}
	if _, err := parseSDPublicKey(p.PublicKey); err != nil {
		return nil, err
	}
	if err := checkSDSignatures(p.Signatures); err != nil {
		return nil, err
	}
	if len(p.MandatoryPointers) > MaxSDPointers {
		return nil, errorf(ErrMalformedProofValue, nil, "%d mandatory pointers, limit %d", len(p.MandatoryPointers), MaxSDPointers)
	}
	return &p, nil
}

// parseSDDerived parses a derived proof value.
func parseSDDerived(v any) (*sdDerivedValue, error) {
	payload, base, err := decodeSDValue(v)
	if err != nil {
		return nil, err
	}
	if base {
		return nil, errorf(ErrMalformedProofValue, nil, "a base ecdsa-sd-2023 proof value, want a derived proof")
	}
	return parseSDDerivedPayload(payload)
}

func parseSDDerivedPayload(payload []byte) (*sdDerivedValue, error) {
	var p sdDerivedValue
	if err := sdDecMode.Unmarshal(payload, &p); err != nil {
		return nil, errorf(ErrMalformedProofValue, err, "ecdsa-sd-2023 derived proof CBOR")
	}
	kind, ok := sdKindOfSig(len(p.BaseSignature))
	if !ok {
		return nil, errorf(ErrMalformedProofValue, nil, "base signature is %d bytes, want 64 or 96", len(p.BaseSignature))
	}
	if _, err := parseSDPublicKey(p.PublicKey); err != nil {
		return nil, err
	}
	if err := checkSDSignatures(p.Signatures); err != nil {
		return nil, err
	}
	_, digest := sdSizes(kind)
	seen := make(map[string]bool, len(p.LabelMap))
	for k, l := range p.LabelMap {
		if k >= MaxSDStatements*4 {
			return nil, errorf(ErrMalformedProofValue, nil, "label map key c14n%d is out of range", k)
		}
		if len(l) != digest {
			return nil, errorf(ErrMalformedProofValue, nil, "label map value for c14n%d is %d bytes, want %d", k, len(l), digest)
		}
		if seen[string(l)] {
			return nil, errorf(ErrMalformedProofValue, nil, "label map gives two blank nodes the same label")
		}
		seen[string(l)] = true
	}
	if len(p.MandatoryIndexes) > MaxSDStatements {
		return nil, errorf(ErrMalformedProofValue, nil, "%d mandatory indexes, limit %d", len(p.MandatoryIndexes), MaxSDStatements)
	}
	for i, x := range p.MandatoryIndexes {
		if i > 0 && x <= p.MandatoryIndexes[i-1] {
			return nil, errorf(ErrMalformedProofValue, nil, "mandatory indexes are not strictly increasing")
		}
	}
	return &p, nil
}

func checkSDSignatures(sigs [][]byte) error {
	if len(sigs) > MaxSDStatements {
		return errorf(ErrMalformedProofValue, nil, "%d signatures, limit %d", len(sigs), MaxSDStatements)
	}
	for i, s := range sigs {
		if len(s) != 64 {
			return errorf(ErrMalformedProofValue, nil, "signature %d is %d bytes, want 64", i, len(s))
		}
	}
	return nil
}

// parseSDPublicKey decodes the proof-scoped Multikey P-256 public key.
func parseSDPublicKey(b []byte) (*ecdsa.PublicKey, error) {
	if len(b) != 35 || !bytes.HasPrefix(b, multikeyP256Prefix) {
		return nil, errorf(ErrMalformedProofValue, nil, "proof-scoped public key is not a 35-byte Multikey P-256 key")
	}
	x, y := elliptic.UnmarshalCompressed(elliptic.P256(), b[2:])
	if x == nil {
		return nil, errorf(ErrMalformedProofValue, nil, "proof-scoped public key is not a point of P-256")
	}
	return &ecdsa.PublicKey{Curve: elliptic.P256(), X: x, Y: y}, nil
}

// sdMultikey encodes a P-256 public key as the 35-byte Multikey value.
func sdMultikey(pub *ecdsa.PublicKey) []byte {
	return append(slices.Clone(multikeyP256Prefix), elliptic.MarshalCompressed(elliptic.P256(), pub.X, pub.Y)...)
}

// compressLabelMap turns {"c14nN": "u<base64url>"} into {N: bytes}.
func compressLabelMap(m map[string]string) (map[uint64][]byte, error) {
	out := make(map[uint64][]byte, len(m))
	for k, v := range m {
		n, err := strconv.ParseUint(strings.TrimPrefix(k, "c14n"), 10, 32)
		if err != nil || !strings.HasPrefix(k, "c14n") {
			return nil, fmt.Errorf("label %q is not canonical", k)
		}
		b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(v, "u"))
		if err != nil || !strings.HasPrefix(v, "u") {
			return nil, fmt.Errorf("label %q is not multibase base64url", v)
		}
		out[n] = b
	}
	return out, nil
}

// decompressLabelMap is the inverse of compressLabelMap.
func decompressLabelMap(m map[uint64][]byte) map[string]string {
	out := make(map[string]string, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out["c14n"+strconv.FormatUint(k, 10)] = "u" + base64.RawURLEncoding.EncodeToString(m[k])
	}
	return out
}
