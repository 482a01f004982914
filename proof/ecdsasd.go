package proof

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/json"
	"maps"
	"math/big"
	"slices"

	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/internal/rdf"
	"github.com/openbadges-go/openbadges/internal/rdfc"
	"github.com/openbadges-go/openbadges/internal/sd"
	"github.com/openbadges-go/openbadges/vc"
)

// ECDSASD2023 is the selective disclosure suite of vc-di-ecdsa: the issuer
// signs every statement of the canonical document separately (with a key
// made for the proof) and a base signature over the mandatory statements;
// the holder derives a proof that discloses the mandatory statements and
// those it selects, and nothing else. Base keys are P-256 (SHA-256) or
// P-384 (SHA-384); the proof-scoped key is always P-256.
const ECDSASD2023 = "ecdsa-sd-2023"

// sdIssue holds what a base proof is made with besides the document and
// the issuer's key. The zero value draws a fresh HMAC key and a fresh
// proof-scoped key; tests give the specification's.
type sdIssue struct {
	hmacKey  []byte
	proofKey *ecdsa.PrivateKey
	rawS     bool // statement signatures keep RFC 6979's s (the W3C vectors)
}

// Disclosure says what an ecdsa-sd-2023 proof covered once verified.
type Disclosure struct {
	// Base is true for a base proof (from the issuer to the holder, every
	// statement disclosed), false for a derived proof.
	Base bool
	// Mandatory is the number of statements the issuer made mandatory;
	// Selective the number of the other statements disclosed.
	Mandatory, Selective int
	// MandatoryPointers are the issuer's mandatory JSON pointers (base
	// proofs only: a derived proof does not carry them).
	MandatoryPointers []string
}

// checkPointers bounds a list of JSON pointers and checks their syntax.
func checkPointers(what string, ps []string) error {
	if len(ps) > MaxSDPointers {
		return errorf(ErrInvalidDocument, nil, "%d %s pointers, limit %d", len(ps), what, MaxSDPointers)
	}
	for _, p := range ps {
		if _, err := sd.ParsePointer(p); err != nil {
			return errorf(ErrInvalidDocument, err, "%s pointer", what)
		}
	}
	return nil
}

// addSDBaseProof adds an ecdsa-sd-2023 base proof to doc: the work of
// [AddDataIntegrityProof] for this suite, with the mandatory pointers of
// opt.
func addSDBaseProof(ctx context.Context, doc []byte, k Key, opt *DataIntegrityOptions, mandatory []string, iss sdIssue) ([]byte, error) {
	if k.Signer == nil {
		return nil, errorf(ErrInvalidKey, nil, "no signer")
	}
	if k.VerificationMethod == "" {
		return nil, errorf(ErrInvalidKey, nil, "no verification method")
	}
	kind := kindOf(k.Signer.Public())
	if kind != kindP256 && kind != kindP384 {
		return nil, errorf(ErrInvalidKey, nil, "%s cannot sign with a %s key", ECDSASD2023, describeKey(k.Signer.Public()))
	}
	if len(opt.PreviousProof) > 0 {
		return nil, errorf(ErrUnsupportedCryptosuite, nil, "%s proofs cannot chain to previous proofs", ECDSASD2023)
	}
	if err := checkPointers("mandatory", mandatory); err != nil {
		return nil, err
	}
	v, err := jsonx.Parse(doc, nil)
	if err != nil {
		return nil, errorf(ErrInvalidDocument, err, "")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errorf(ErrInvalidDocument, nil, "not a JSON object")
	}
	ctxv, ok := m["@context"]
	if !ok {
		return nil, errorf(ErrInvalidDocument, nil, "no @context")
	}
	p, err := newProofOptions(k, opt, TypeDataIntegrityProof, ECDSASD2023)
	if err != nil {
		return nil, err
	}
	unsecured := maps.Clone(m)
	delete(unsecured, "proof")
	config := p.configMap()
	config["@context"] = ctxv
	proc := processorOr(opt.Processor)
	newHash := sdHash(kind)

	// Transformation: HMAC-labelled canonical statements, grouped by the
	// mandatory pointers.
	_, digestSize := sdSizes(kind)
	hmacKey := iss.hmacKey
	if hmacKey == nil {
		hmacKey = make([]byte, digestSize)
		if _, err := rand.Read(hmacKey); err != nil {
			return nil, errorf(ErrInvalidKey, err, "HMAC key")
		}
	}
	if len(hmacKey) != digestSize {
		return nil, errorf(ErrInvalidKey, nil, "HMAC key is %d bytes, want %d", len(hmacKey), digestSize)
	}
	canon, err := sdCanonicalize(ctx, proc, unsecured, hmacKey, newHash)
	if err != nil {
		return nil, errorf(ErrInvalidDocument, err, "")
	}
	g, err := canon.group(ctx, proc, mandatory)
	if err != nil {
		return nil, errorf(ErrInvalidDocument, err, "mandatory pointers")
	}
	var mandatoryNQ, nonMandatory []string
	for i, nq := range canon.nquads {
		if g.matching[i] {
			mandatoryNQ = append(mandatoryNQ, nq)
		} else {
			nonMandatory = append(nonMandatory, nq)
		}
	}

	// Hashing.
	h := newHash()
	if err := proc.CanonicalHash(ctx, config, h); err != nil {
		return nil, errorf(ErrInvalidDocument, err, "proof configuration")
	}
	proofHash := h.Sum(nil)
	mandatoryHash := hashJoined(newHash, mandatoryNQ)

	// Serialization: per-statement signatures with the proof-scoped key,
	// the base signature over proofHash || publicKey || mandatoryHash.
	proofKey := iss.proofKey
	if proofKey == nil {
		if proofKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			return nil, errorf(ErrInvalidKey, err, "proof-scoped key")
		}
	}
	sigs := make([][]byte, len(nonMandatory))
	for i, nq := range nonMandatory {
		if sigs[i], err = signStatement(proofKey, nq, iss.rawS); err != nil {
			return nil, err
		}
	}
	publicKey := sdMultikey(&proofKey.PublicKey)
	toSign := slices.Concat(proofHash, publicKey, mandatoryHash)
	baseSig, err := signMessage(ctx, k.Signer, toSign)
	if err != nil {
		return nil, err
	}
	if mandatory == nil {
		mandatory = []string{}
	}
	if p.ProofValue, err = encodeSDValue(sdBaseHeader, &sdBaseValue{
		BaseSignature: baseSig, PublicKey: publicKey, HMACKey: hmacKey,
		Signatures: sigs, MandatoryPointers: mandatory,
	}); err != nil {
		return nil, err
	}
	out, err := appendProof(doc, p)
	if err != nil {
		return nil, errorf(ErrInvalidDocument, err, "")
	}
	return out, nil
}

// signStatement signs one statement with the proof-scoped key:
// deterministic ECDSA (RFC 6979) P-256 over its SHA-256, as r||s. Unless
// rawS, s is the low one of (s, n-s), which JavaScript verifiers
// (noble-curves) insist on; the W3C vectors were made with the raw s.
func signStatement(key *ecdsa.PrivateKey, nq string, rawS bool) ([]byte, error) {
	d := sha256.Sum256([]byte(nq))
	der, err := key.Sign(nil, d[:], crypto.SHA256)
	if err != nil {
		return nil, errorf(ErrInvalidKey, err, "signing a statement")
	}
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(der, &rs); err != nil || len(rest) != 0 {
		return nil, errorf(ErrInvalidKey, err, "signing a statement")
	}
	n := elliptic.P256().Params().N
	if !rawS && rs.S.Cmp(new(big.Int).Rsh(n, 1)) > 0 {
		rs.S.Sub(n, rs.S)
	}
	sig := make([]byte, 64)
	rs.R.FillBytes(sig[:32])
	rs.S.FillBytes(sig[32:])
	return sig, nil
}

// verifyStatement checks the signature of one statement.
func verifyStatement(pub *ecdsa.PublicKey, nq string, sig []byte) bool {
	return verifySignature(pub, []byte(nq), sig)
}

// DeriveOptions configures [Derive]. The zero value is usable.
type DeriveOptions struct {
	// ProofID selects the base proof by its id when the document carries
	// more than one ecdsa-sd-2023 base proof.
	ProofID string
	// Processor canonicalizes (nil = the embedded contexts, safe mode).
	Processor *vc.Processor
}

// Derive is the holder's step of ecdsa-sd-2023: from doc, a document
// secured with an ecdsa-sd-2023 base proof, it returns the document
// reduced to what the issuer's mandatory pointers and selectivePointers
// select, secured with a derived proof that a verifier checks with the
// issuer's key. Nothing else of doc is disclosed: the other statements,
// their signatures and the HMAC key stay with the holder.
//
// The base proof is not verified (the issuer's key is not resolved);
// verify the credential before deriving from it. The derived document is
// checked to verify as a verifier will canonicalize it. Its members are
// written in code point order of their names.
func Derive(ctx context.Context, doc []byte, selectivePointers []string, o *DeriveOptions) ([]byte, error) {
	var opt DeriveOptions
	if o != nil {
		opt = *o
	}
	if err := checkPointers("selective", selectivePointers); err != nil {
		return nil, err
	}
	v, err := jsonx.Parse(doc, nil)
	if err != nil {
		return nil, errorf(ErrInvalidDocument, err, "")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errorf(ErrInvalidDocument, nil, "not a JSON object")
	}
	baseProof, err := findSDBaseProof(objects(m["proof"]), opt.ProofID)
	if err != nil {
		return nil, err
	}
	base, err := parseSDBase(baseProof["proofValue"])
	if err != nil {
		return nil, err
	}
	kind, _ := sdKindOfSig(len(base.BaseSignature))
	proc := processorOr(opt.Processor)
	unsecured := withoutProof(m)
	canon, err := sdCanonicalize(ctx, proc, unsecured, base.HMACKey, sdHash(kind))
	if err != nil {
		return nil, errorf(ErrInvalidDocument, err, "")
	}
	combinedPointers := slices.Concat(base.MandatoryPointers, selectivePointers)
	mand, err := canon.group(ctx, proc, base.MandatoryPointers)
	if err != nil {
		return nil, errorf(ErrInvalidDocument, err, "mandatory pointers")
	}
	combined, err := canon.group(ctx, proc, combinedPointers)
	if err != nil {
		return nil, errorf(ErrInvalidDocument, err, "selective pointers")
	}
	if len(base.Signatures) != len(canon.nquads)-len(mand.matching) {
		return nil, errorf(ErrMalformedProofValue, nil, "the base proof has %d signatures for %d non-mandatory statements: it was not made for this document",
			len(base.Signatures), len(canon.nquads)-len(mand.matching))
	}
	// Mandatory indexes relative to the disclosed statements, and the
	// signatures of the disclosed statements that are not mandatory.
	var mandatoryIndexes []uint64
	var sigs [][]byte
	var revealed []string
	rel, sig := 0, 0
	for i, nq := range canon.nquads {
		switch {
		case mand.matching[i]:
			// A mandatory statement is always disclosed.
			mandatoryIndexes = append(mandatoryIndexes, uint64(rel))
			revealed = append(revealed, nq)
			rel++
		case combined.matching[i]:
			sigs = append(sigs, base.Signatures[sig])
			revealed = append(revealed, nq)
			rel++
			sig++
		default:
			sig++
		}
	}
	reveal, err := sd.Select(unsecured, combinedPointers)
	if err != nil {
		return nil, errorf(ErrInvalidDocument, err, "")
	}
	if reveal == nil {
		return nil, errorf(ErrInvalidDocument, nil, "nothing to disclose: no mandatory and no selective pointers")
	}
	// The label map: the canonical labels a verifier gives the revealed
	// document's blank nodes, to their HMAC labels.
	res, err := rdfc.Canonicalize(ctx, combined.quads, nil)
	if err != nil {
		return nil, errorf(ErrInvalidDocument, err, "")
	}
	verifierLabels := make(map[string]string, len(res.IssuedIdentifiers))
	for in, c14n := range res.IssuedIdentifiers {
		l, ok := canon.labelMap[in]
		if !ok || !sd.IsSkolemLabel(in) {
			return nil, errorf(ErrInvalidDocument, nil, "ecdsa-sd-2023 cannot disclose a blank node it could not name (a @graph or @list value?)")
		}
		verifierLabels[c14n] = l
	}
	// Check the outcome as a verifier will see it.
	got, err := sdRevealedNQuads(ctx, proc, reveal, verifierLabels)
	if err != nil {
		return nil, errorf(ErrInvalidDocument, err, "the derived document")
	}
	if !slices.Equal(got, revealed) {
		return nil, errorf(ErrInvalidDocument, nil, "the derived document does not mean what the selection selected")
	}
	labelMap, err := compressLabelMap(verifierLabels)
	if err != nil {
		return nil, errorf(ErrMalformedProofValue, err, "label map")
	}
	if mandatoryIndexes == nil {
		mandatoryIndexes = []uint64{}
	}
	newProof := maps.Clone(baseProof)
	if newProof["proofValue"], err = encodeSDValue(sdDerivedHeader, &sdDerivedValue{
		BaseSignature: base.BaseSignature, PublicKey: base.PublicKey, Signatures: sigs,
		LabelMap: labelMap, MandatoryIndexes: mandatoryIndexes,
	}); err != nil {
		return nil, err
	}
	reveal["proof"] = newProof
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(reveal); err != nil {
		return nil, errorf(ErrInvalidDocument, err, "")
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// findSDBaseProof returns the ecdsa-sd-2023 base proof of a proof set: the
// one whose id is id, else the only one.
func findSDBaseProof(all []map[string]any, id string) (map[string]any, error) {
	var found map[string]any
	for _, p := range all {
		if n, _ := suiteName(p); n != ECDSASD2023 {
			continue
		}
		if _, base, err := decodeSDValue(p["proofValue"]); err != nil || !base {
			continue
		}
		if id != "" {
			if pid, _ := p["id"].(string); pid == id {
				return p, nil
			}
			continue
		}
		if found != nil {
			return nil, errorf(ErrMalformedProof, nil, "several ecdsa-sd-2023 base proofs: name one with DeriveOptions.ProofID")
		}
		found = p
	}
	if found == nil {
		if id != "" {
			return nil, errorf(ErrNoProof, nil, "no ecdsa-sd-2023 base proof with id %q", id)
		}
		return nil, errorf(ErrNoProof, nil, "no ecdsa-sd-2023 base proof")
	}
	return found, nil
}

// sdRevealedNQuads canonicalizes a disclosed document and relabels its
// blank nodes with labels (canonical label to HMAC label): the statements
// of a derived proof, sorted. Every blank node must have a label.
func sdRevealedNQuads(ctx context.Context, proc *vc.Processor, doc map[string]any, labels map[string]string) ([]string, error) {
	c, err := proc.Canonicalize(ctx, doc, nil)
	if err != nil {
		return nil, err
	}
	return relabelCanonical(c.NQuads, labels)
}

// relabelCanonical relabels canonical N-Quads with labels and sorts them.
func relabelCanonical(nquads []byte, labels map[string]string) ([]string, error) {
	quads, err := rdf.ParseNQuads(nquads)
	if err != nil {
		return nil, err
	}
	if len(quads) > MaxSDStatements {
		return nil, errorf(ErrMalformedProof, nil, "%d statements, more than the ecdsa-sd-2023 limit of %d", len(quads), MaxSDStatements)
	}
	for _, q := range quads {
		for _, t := range []rdf.Term{q.Subject, q.Object, q.Graph} {
			if t.Kind == rdf.BlankNode {
				if _, ok := labels[t.Value]; !ok {
					return nil, errorf(ErrMalformedProofValue, nil, "the label map has no label for blank node _:%s", t.Value)
				}
			}
		}
	}
	out := relabelNQuads(quads, labels)
	slices.Sort(out)
	return out, nil
}
