package proof

import (
	"context"
	"crypto"
	"slices"

	"github.com/openbadges-go/openbadges/vc"
)

// sdVerifyInput is what the verifier hands an ecdsa-sd-2023 proof: the
// issuer's key, the credential, the unsecured document (nil: the
// credential's document without its proofs, whose canonical form the
// proofs of the set share) and the proof configuration.
type sdVerifyInput struct {
	pub                crypto.PublicKey
	kind               keyKind
	verificationMethod string
	cred               *vc.Credential
	unsecured          map[string]any
	config             map[string]any
	proofValue         any
}

// verifySD verifies an ecdsa-sd-2023 proof, derived or base: every
// disclosed statement that is not mandatory has a valid signature by the
// proof-scoped key, and the base signature by the issuer's key covers the
// proof configuration, that key and the mandatory statements.
func verifySD(ctx context.Context, proc *vc.Processor, in *sdVerifyInput) (*Disclosure, error) {
	payload, base, err := decodeSDValue(in.proofValue)
	if err != nil {
		return nil, err
	}
	if base {
		return verifySDBase(ctx, proc, in)
	}
	p, err := parseSDDerivedPayload(payload)
	if err != nil {
		return nil, err
	}
	if want, _ := sdSizes(in.kind); len(p.BaseSignature) != want {
		return nil, errorf(ErrMalformedProofValue, nil, "base signature is %d bytes, want %d for %s", len(p.BaseSignature), want, in.kind)
	}
	var canonical []byte
	if in.unsecured == nil {
		canonical, err = proc.CanonicalUnsecured(ctx, in.cred)
	} else {
		var c *vc.Canonical
		if c, err = proc.Canonicalize(ctx, in.unsecured, nil); err == nil {
			canonical = c.NQuads
		}
	}
	if err != nil {
		return nil, errorf(ErrMalformedProof, err, "canonicalization")
	}
	nquads, err := relabelCanonical(canonical, decompressLabelMap(p.LabelMap))
	if err != nil {
		return nil, err
	}
	mandatory := make([]string, 0, len(p.MandatoryIndexes))
	isMandatory := make(map[int]bool, len(p.MandatoryIndexes))
	for _, i := range p.MandatoryIndexes {
		if i >= uint64(len(nquads)) {
			return nil, errorf(ErrMalformedProofValue, nil, "mandatory index %d, but %d statements are disclosed", i, len(nquads))
		}
		isMandatory[int(i)] = true
		mandatory = append(mandatory, nquads[i])
	}
	nonMandatory := make([]string, 0, len(nquads)-len(mandatory))
	for i, nq := range nquads {
		if !isMandatory[i] {
			nonMandatory = append(nonMandatory, nq)
		}
	}
	if err := sdCheckSignatures(ctx, proc, in, p.BaseSignature, p.PublicKey, p.Signatures, mandatory, nonMandatory); err != nil {
		return nil, err
	}
	return &Disclosure{Mandatory: len(mandatory), Selective: len(nonMandatory)}, nil
}

// verifySDBase verifies a base proof, as the holder does before deriving
// from it: the document is canonicalized with the proof's HMAC key and the
// mandatory statements are selected again with the proof's pointers.
func verifySDBase(ctx context.Context, proc *vc.Processor, in *sdVerifyInput) (*Disclosure, error) {
	p, err := parseSDBase(in.proofValue)
	if err != nil {
		return nil, err
	}
	if want, _ := sdSizes(in.kind); len(p.BaseSignature) != want {
		return nil, errorf(ErrMalformedProofValue, nil, "base signature is %d bytes, want %d for %s", len(p.BaseSignature), want, in.kind)
	}
	for _, ptr := range p.MandatoryPointers {
		if err := checkPointers("mandatory", []string{ptr}); err != nil {
			return nil, errorf(ErrMalformedProofValue, err, "")
		}
	}
	unsecured := in.unsecured
	if unsecured == nil {
		unsecured = withoutProof(in.cred.Document())
	}
	canon, err := sdCanonicalize(ctx, proc, unsecured, p.HMACKey, sdHash(in.kind))
	if err != nil {
		return nil, errorf(ErrMalformedProof, err, "canonicalization")
	}
	g, err := canon.group(ctx, proc, p.MandatoryPointers)
	if err != nil {
		return nil, errorf(ErrMalformedProof, err, "mandatory pointers")
	}
	var mandatory, nonMandatory []string
	for i, nq := range canon.nquads {
		if g.matching[i] {
			mandatory = append(mandatory, nq)
		} else {
			nonMandatory = append(nonMandatory, nq)
		}
	}
	if err := sdCheckSignatures(ctx, proc, in, p.BaseSignature, p.PublicKey, p.Signatures, mandatory, nonMandatory); err != nil {
		return nil, err
	}
	return &Disclosure{Base: true, Mandatory: len(mandatory), Selective: len(nonMandatory),
		MandatoryPointers: slices.Clone(p.MandatoryPointers)}, nil
}

// sdCheckSignatures checks the base signature and the signature of every
// non-mandatory statement.
func sdCheckSignatures(ctx context.Context, proc *vc.Processor, in *sdVerifyInput, baseSig, publicKey []byte, sigs [][]byte, mandatory, nonMandatory []string) error {
	if len(sigs) != len(nonMandatory) {
		return errorf(ErrMalformedProofValue, nil, "%d signatures for %d non-mandatory statements", len(sigs), len(nonMandatory))
	}
	proofKey, err := parseSDPublicKey(publicKey)
	if err != nil {
		return err
	}
	newHash := sdHash(in.kind)
	h := newHash()
	if err := proc.CanonicalHash(ctx, in.config, h); err != nil {
		return errorf(ErrMalformedProof, err, "canonicalization")
	}
	proofHash := h.Sum(nil)
	toVerify := slices.Concat(proofHash, publicKey, hashJoined(newHash, mandatory))
	if !verifySignature(in.pub, toVerify, baseSig) {
		return &SignatureError{Cryptosuite: ECDSASD2023, VerificationMethod: in.verificationMethod}
	}
	for i, nq := range nonMandatory {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if !verifyStatement(proofKey, nq, sigs[i]) {
			return &SignatureError{Cryptosuite: ECDSASD2023, VerificationMethod: in.verificationMethod}
		}
	}
	return nil
}
