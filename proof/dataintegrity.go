package proof

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/json"
	"hash"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/multiformats/go-multibase"
	"github.com/openbadges-go/openbadges/internal/jsonld"
	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/vc"
)

// Cryptosuite names, as they appear in allow-lists and results. For
// DataIntegrityProof they are the proof's "cryptosuite" value; for the
// older suite they are the proof "type".
const (
	// EdDSARDFC2022 is Ed25519 over RDFC-1.0 canonical N-Quads
	// (vc-di-eddsa), the suite Open Badges 3.0 conformance requires.
	EdDSARDFC2022 = "eddsa-rdfc-2022"
	// ECDSARDFC2019 is ECDSA P-256 (SHA-256) or P-384 (SHA-384, also as
	// RDFC-1.0's own hash) over RDFC-1.0 canonical N-Quads (vc-di-ecdsa).
	ECDSARDFC2019 = "ecdsa-rdfc-2019"
	// Ed25519Signature2020 is the proof type of the 2020 suite, still
	// accepted by Open Badges displayers.
	Ed25519Signature2020 = "Ed25519Signature2020"
	// EdDSA2022 is the legacy name of eddsa-rdfc-2022, accepted on verify
	// only, and only when an allow-list names it.
	EdDSA2022 = "eddsa-2022"
	// EdDSAJCS2022 is Ed25519 over the RFC 8785 (JCS) canonical JSON of the
	// document and the proof configuration (vc-di-eddsa): no JSON-LD
	// processing; the JSON itself is signed.
	EdDSAJCS2022 = "eddsa-jcs-2022"
	// ECDSAJCS2019 is ECDSA P-256 (SHA-256) or P-384 (SHA-384) over JCS
	// canonical JSON (vc-di-ecdsa).
	ECDSAJCS2019 = "ecdsa-jcs-2019"
)

// Proof types.
const (
	TypeDataIntegrityProof = "DataIntegrityProof"
	// ContextEd25519Signature2020 must be in the @context of a document
	// signed with Ed25519Signature2020.
	ContextEd25519Signature2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
)

// Proof purposes.
const (
	PurposeAssertionMethod = "assertionMethod"
	PurposeAuthentication  = "authentication"
)

// DefaultCryptosuites is the allow-list of a [Verifier] whose
// AllowedCryptosuites is nil: the suites this package implements under
// their current names (the RDFC suites, Ed25519Signature2020 and the JCS
// suites of the W3C Data Integrity recommendations). The legacy name
// eddsa-2022 must be listed explicitly.
func DefaultCryptosuites() []string {
	return []string{EdDSARDFC2022, ECDSARDFC2019, Ed25519Signature2020, EdDSAJCS2022, ECDSAJCS2019, ECDSASD2023}
}

// suite describes one implemented cryptosuite.
type suite struct {
	name        string
	proofType   string
	cryptosuite string // "" for Ed25519Signature2020
	kinds       []keyKind
	jcs         bool // JCS canonical JSON instead of RDFC-1.0
}

var suites = [...]suite{
	{EdDSARDFC2022, TypeDataIntegrityProof, EdDSARDFC2022, []keyKind{kindEd25519}, false},
	{ECDSARDFC2019, TypeDataIntegrityProof, ECDSARDFC2019, []keyKind{kindP256, kindP384}, false},
	{Ed25519Signature2020, Ed25519Signature2020, "", []keyKind{kindEd25519}, false},
	{ECDSASD2023, TypeDataIntegrityProof, ECDSASD2023, []keyKind{kindP256, kindP384}, false},
	{EdDSA2022, TypeDataIntegrityProof, EdDSA2022, []keyKind{kindEd25519}, false},
	{Ed25519Signature2018, Ed25519Signature2018, "", []keyKind{kindEd25519}, false}, // verify only (ed25519sig2018.go)
	{EdDSAJCS2022, TypeDataIntegrityProof, EdDSAJCS2022, []keyKind{kindEd25519}, true},
	{ECDSAJCS2019, TypeDataIntegrityProof, ECDSAJCS2019, []keyKind{kindP256, kindP384}, true},
}

func lookupSuite(name string) (suite, bool) {
	for _, s := range suites {
		if s.name == name {
			return s, true
		}
	}
	return suite{}, false
}

// suiteName returns the allow-list name of a proof: its cryptosuite for a
// DataIntegrityProof, else its type.
func suiteName(p map[string]any) (name, typ string) {
	typ, _ = p["type"].(string)
	if typ == TypeDataIntegrityProof {
		cs, _ := p["cryptosuite"].(string)
		return cs, typ
	}
	return typ, typ
}

// sigSize is the decoded proofValue length for a key kind.
func sigSize(k keyKind) int {
	if k == kindP384 {
		return 96
	}
	return 64
}

// hashFn returns the hash the suite applies to the canonical forms:
// SHA-384 for ecdsa-rdfc-2019 with P-384, SHA-256 otherwise.
func hashFn(k keyKind) func([]byte) []byte {
	if k == kindP384 {
		return func(b []byte) []byte { h := sha512.Sum384(b); return h[:] }
	}
	return func(b []byte) []byte { h := sha256.Sum256(b); return h[:] }
}

// rdfcOptions returns the RDFC-1.0 options for a key kind. vc-di-ecdsa
// (Algorithms): "For P-384 keys, SHA-2 with 384-bits of output MUST be
// used, specified via the RDFC-1.0 implementation-specific parameter", so
// ecdsa-rdfc-2019 with P-384 canonicalizes with SHA-384 as RDFC-1.0's hash,
// which decides the canonical blank node labels of a dataset with two or
// more blank nodes; every other key kind keeps the default, SHA-256.
func rdfcOptions(k keyKind) *vc.CanonicalizeOptions {
	if k == kindP384 {
		return &vc.CanonicalizeOptions{Hash: crypto.SHA384}
	}
	return nil
}

// canonicalHash writes the canonical N-Quads of doc, with the RDFC-1.0
// options of the key kind, into w.
func canonicalHash(ctx context.Context, proc *vc.Processor, kind keyKind, doc map[string]any, w io.Writer) error {
	o := rdfcOptions(kind)
	if o == nil {
		return proc.CanonicalHash(ctx, doc, w)
	}
	c, err := proc.Canonicalize(ctx, doc, o)
	if err != nil {
		return err
	}
	_, err = w.Write(c.NQuads)
	return err
}

// canonicalUnsecured returns the canonical N-Quads of the credential's
// document without its proofs, with the RDFC-1.0 options of the key kind.
// [vc.Processor.CanonicalUnsecured] gives the SHA-256 form; for P-384 that
// dataset is canonicalized again with SHA-384 (its N-Quads are parsed, the
// JSON-LD document is not converted a second time).
func canonicalUnsecured(ctx context.Context, proc *vc.Processor, kind keyKind, cred *vc.Credential) ([]byte, error) {
	nq, err := proc.CanonicalUnsecured(ctx, cred)
	if err != nil {
		return nil, err
	}
	o := rdfcOptions(kind)
	if o == nil {
		return nq, nil
	}
	c, err := proc.CanonicalizeNQuads(ctx, nq, o)
	if err != nil {
		return nil, err
	}
	return c.NQuads, nil
}

// Diagnostics shows what a Data Integrity proof hashed: the canonical
// N-Quads of the document (without the proof, or with the previous proofs
// of a chain) and of the proof configuration, and their hashes. The signed
// message is ProofConfigHash || DocumentHash. Compare them with the
// issuer's to see which side differs.
type Diagnostics struct {
	CanonicalDocument    []byte
	CanonicalProofConfig []byte
	DocumentHash         []byte
	ProofConfigHash      []byte
}

// Message returns the bytes that were signed or verified.
func (d *Diagnostics) Message() []byte {
	return append(slices.Clone(d.ProofConfigHash), d.DocumentHash...)
}

// canonicalCache memoizes, within one call, the hashes of the canonical
// form of the credential's document without any proof, which the proofs
// of a set share; the canonical form itself is remembered on the
// credential ([vc.Processor.CanonicalUnsecured]), which converts the
// document to RDF only if the verifier's context check did not already.
type canonicalCache struct {
	cred    *vc.Credential
	docHash map[keyKind][]byte
	// jcsChecked: the shared unsecured document passed the JSON-LD check
	// of the JCS suites.
	jcsChecked bool
}

// newHash returns the hash of the suite for a key kind.
func newHash(k keyKind) hash.Hash {
	if k == kindP384 {
		return sha512.New384()
	}
	return sha256.New()
}

// hashMessage computes ProofConfigHash || DocumentHash for an RDFC suite
// by streaming the canonical N-Quads into the hash (no copy of them is
// kept; [hashInputs] builds the full diagnostics when they are needed).
// A nil doc is the credential's document without its proofs, shared
// through cache.
func hashMessage(ctx context.Context, proc *vc.Processor, kind keyKind, doc, config map[string]any, cache *canonicalCache) ([]byte, error) {
	var docHash []byte
	if doc == nil {
		docHash = cache.docHash[kind]
		if docHash == nil && rdfcOptions(kind) == nil {
			// SHA-256: the canonical N-Quads stream into the hash.
			var err error
			if docHash, err = proc.CanonicalUnsecuredHash(ctx, cache.cred); err != nil {
				return nil, err
			}
			if cache.docHash == nil {
				cache.docHash = make(map[keyKind][]byte, 1)
			}
			cache.docHash[kind] = docHash
		}
		if docHash == nil {
			nq, err := canonicalUnsecured(ctx, proc, kind, cache.cred)
			if err != nil {
				return nil, err
			}
			h := newHash(kind)
			h.Write(nq)
			docHash = h.Sum(nil)
			if cache.docHash == nil {
				cache.docHash = make(map[keyKind][]byte, 1)
			}
			cache.docHash[kind] = docHash
		}
	} else {
		h := newHash(kind)
		if err := canonicalHash(ctx, proc, kind, doc, h); err != nil {
			return nil, err
		}
		docHash = h.Sum(nil)
	}
	h := newHash(kind)
	if err := canonicalHash(ctx, proc, kind, config, h); err != nil {
		return nil, err
	}
	msg := h.Sum(make([]byte, 0, h.Size()+len(docHash)))
	return append(msg, docHash...), nil
}

// hashInputs canonicalizes the unsecured document (nil: the credential's
// document without its proofs, shared through cache) and the proof
// configuration and hashes them.
func hashInputs(ctx context.Context, proc *vc.Processor, kind keyKind, doc, config map[string]any, cache *canonicalCache) (*Diagnostics, error) {
	var docCanon []byte
	if doc == nil {
		var err error
		if docCanon, err = canonicalUnsecured(ctx, proc, kind, cache.cred); err != nil {
			return nil, err
		}
		docCanon = slices.Clone(docCanon)
	} else {
		c, err := proc.Canonicalize(ctx, doc, rdfcOptions(kind))
		if err != nil {
			return nil, err
		}
		docCanon = c.NQuads
	}
	cc, err := proc.Canonicalize(ctx, config, rdfcOptions(kind))
	if err != nil {
		return nil, err
	}
	h := hashFn(kind)
	return &Diagnostics{
		CanonicalDocument:    docCanon,
		CanonicalProofConfig: cc.NQuads,
		DocumentHash:         h(docCanon),
		ProofConfigHash:      h(cc.NQuads),
	}, nil
}

// suiteHashInputs canonicalizes and hashes with the suite's method: RDFC-1.0
// canonical N-Quads, or JCS canonical JSON for the -jcs- suites.
func suiteHashInputs(ctx context.Context, proc *vc.Processor, s suite, kind keyKind, doc, config map[string]any, cache *canonicalCache) (*Diagnostics, error) {
	if !s.jcs {
		return hashInputs(ctx, proc, kind, doc, config, cache)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	docCanon, err := jsonld.CanonicalJSON(doc)
	if err != nil {
		return nil, err
	}
	cfgCanon, err := jsonld.CanonicalJSON(config)
	if err != nil {
		return nil, err
	}
	h := hashFn(kind)
	return &Diagnostics{
		CanonicalDocument:    docCanon,
		CanonicalProofConfig: cfgCanon,
		DocumentHash:         h(docCanon),
		ProofConfigHash:      h(cfgCanon),
	}, nil
}

// DataIntegrityOptions configures [AddDataIntegrityProof]. The zero value
// makes an assertionMethod proof created now, with the suite chosen by the
// key: eddsa-rdfc-2022 for Ed25519, ecdsa-rdfc-2019 for P-256 and P-384.
type DataIntegrityOptions struct {
	// Cryptosuite is EdDSARDFC2022, ECDSARDFC2019 or Ed25519Signature2020
	// ("" chooses by key type). EdDSA2022 is refused: it is verify-only.
	Cryptosuite string
	// Purpose is the proofPurpose ("" = "assertionMethod").
	Purpose string
	// Created is the proof's creation time, written in UTC (zero = Now()
	// truncated to the second).
	Created time.Time
	// Now is the clock used when Created is zero (nil = time.Now).
	Now func() time.Time
	// Expires, when not zero, is written as the proof's expires.
	Expires time.Time
	// Challenge and Domain, when set, are written for presentation proofs.
	Challenge, Domain string
	// ID, when set, is the proof's id (needed for a proof that later
	// proofs chain to).
	ID string
	// PreviousProof lists the ids of existing proofs this proof chains to;
	// they are included in what is signed.
	PreviousProof []string
	// MandatoryPointers are the JSON pointers (RFC 6901) of what every
	// disclosure of an ECDSASD2023 proof must reveal (what the document
	// cannot be verified without); other suites refuse them.
	MandatoryPointers []string
	// Processor canonicalizes (nil = vc.NewProcessor(nil): embedded
	// contexts, safe mode).
	Processor *vc.Processor
}

// proofJSON is the proof object as written; member order follows the
// specification's examples.
type proofJSON struct {
	ID                 string `json:"id,omitempty"`
	Type               string `json:"type"`
	Cryptosuite        string `json:"cryptosuite,omitempty"`
	Created            string `json:"created,omitempty"`
	Expires            string `json:"expires,omitempty"`
	VerificationMethod string `json:"verificationMethod"`
	ProofPurpose       string `json:"proofPurpose"`
	Challenge          string `json:"challenge,omitempty"`
	Domain             string `json:"domain,omitempty"`
	PreviousProof      any    `json:"previousProof,omitempty"`
	ProofValue         string `json:"proofValue,omitempty"`
	// Context is the proof's own @context, written by the -jcs- suites
	// (compact JSON).
	Context json.RawMessage `json:"@context,omitempty"`
}

func (p *proofJSON) configMap() map[string]any {
	m := map[string]any{
		"type":               p.Type,
		"verificationMethod": p.VerificationMethod,
		"proofPurpose":       p.ProofPurpose,
	}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set("id", p.ID)
	set("cryptosuite", p.Cryptosuite)
	set("created", p.Created)
	set("expires", p.Expires)
	set("challenge", p.Challenge)
	set("domain", p.Domain)
	switch pp := p.PreviousProof.(type) {
	case string:
		m["previousProof"] = pp
	case []string:
		a := make([]any, len(pp))
		for i, s := range pp {
			a[i] = s
		}
		m["previousProof"] = a
	}
	return m
}

// AddDataIntegrityProof signs doc, a JSON-LD document such as a
// credential, and returns it with a Data Integrity proof added: doc's bytes
// are kept and the proof is appended as the last member (or to the existing
// proof set). The document is read strictly and canonicalized in JSON-LD
// safe mode, so undefined terms, unknown contexts and invalid values are
// refused before anything is signed ([ErrInvalidDocument]).
func AddDataIntegrityProof(ctx context.Context, doc []byte, k Key, o *DataIntegrityOptions) ([]byte, error) {
	var opt DataIntegrityOptions
	if o != nil {
		opt = *o
	}
	if k.Signer == nil {
		return nil, errorf(ErrInvalidKey, nil, "no signer")
	}
	if k.VerificationMethod == "" {
		return nil, errorf(ErrInvalidKey, nil, "no verification method")
	}
	kind := kindOf(k.Signer.Public())
	name := opt.Cryptosuite
	if name == "" {
		switch kind {
		case kindEd25519:
			name = EdDSARDFC2022
		case kindP256, kindP384:
			name = ECDSARDFC2019
		default:
			return nil, errorf(ErrInvalidKey, nil, "no Data Integrity suite for a %s key", describeKey(k.Signer.Public()))
		}
	}
	s, ok := lookupSuite(name)
	if !ok || !signable(s.name) {
		return nil, errorf(ErrUnsupportedCryptosuite, nil, "cannot sign with %q", name)
	}
	if !slices.Contains(s.kinds, kind) {
		return nil, errorf(ErrInvalidKey, nil, "%s cannot sign with a %s key", s.name, describeKey(k.Signer.Public()))
	}
	if s.name == ECDSASD2023 {
		return addSDBaseProof(ctx, doc, k, &opt, opt.MandatoryPointers, sdIssue{})
	}
	if len(opt.MandatoryPointers) > 0 {
		return nil, errorf(ErrUnsupportedCryptosuite, nil, "mandatory pointers are for %s, not %s", ECDSASD2023, s.name)
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
	if s.name == Ed25519Signature2020 && !slices.Contains(contextURLs(ctxv), ContextEd25519Signature2020) {
		return nil, errorf(ErrInvalidDocument, nil, "Ed25519Signature2020 needs %q in the document's @context", ContextEd25519Signature2020)
	}
	p, err := newProofOptions(k, &opt, s.proofType, s.cryptosuite)
	if err != nil {
		return nil, err
	}
	unsecured := maps.Clone(m)
	delete(unsecured, "proof")
	switch len(opt.PreviousProof) {
	case 0:
	case 1:
		p.PreviousProof = opt.PreviousProof[0]
	default:
		p.PreviousProof = slices.Clone(opt.PreviousProof)
	}
	if len(opt.PreviousProof) > 0 {
		prev, err := previousProofs(objects(m["proof"]), opt.PreviousProof)
		if err != nil {
			return nil, err
		}
		unsecured["proof"] = prev
	}
	config := p.configMap()
	config["@context"] = ctxv
	if s.jcs {
		// JCS signs the proof as written, so it carries the document's
		// @context itself (vc-di-eddsa, eddsa-jcs-2022 "Add Proof").
		if p.Context, err = json.Marshal(ctxv); err != nil {
			return nil, errorf(ErrInvalidDocument, err, "@context")
		}
	}
	proc := processorOr(opt.Processor)
	if s.jcs {
		// JCS signs the JSON as it is; safe mode still refuses a document
		// whose terms its contexts do not define.
		if err := proc.Check(ctx, unsecured); err != nil {
			return nil, errorf(ErrInvalidDocument, err, "")
		}
	}
	d, err := suiteHashInputs(ctx, proc, s, kind, unsecured, config, nil)
	if err != nil {
		return nil, errorf(ErrInvalidDocument, err, "")
	}
	sig, err := signMessage(ctx, k.Signer, d.Message())
	if err != nil {
		return nil, err
	}
	if p.ProofValue, err = encodeProofValue(sig); err != nil {
		return nil, err
	}
	out, err := appendProof(doc, p)
	if err != nil {
		return nil, errorf(ErrInvalidDocument, err, "")
	}
	return out, nil
}

// previousProofs returns, in the order of all, the proofs whose id is in
// ids; every id must be found.
func previousProofs(all []map[string]any, ids []string) ([]any, error) {
	var out []any
	found := make(map[string]bool, len(ids))
	for _, p := range all {
		id, _ := p["id"].(string)
		if id != "" && slices.Contains(ids, id) {
			out = append(out, p)
			found[id] = true
		}
	}
	for _, id := range ids {
		if !found[id] {
			return nil, errorf(ErrMalformedProof, nil, "previousProof %q is not in the proof set", id)
		}
	}
	return out, nil
}

// decodeProofValue decodes a multibase base58btc proofValue and checks its
// length for the key kind.
func decodeProofValue(v any, kind keyKind) ([]byte, error) {
	s, ok := v.(string)
	if !ok {
		return nil, errorf(ErrMalformedProofValue, nil, "proofValue is missing or not a string")
	}
	sig, err := decodeMultibase58(s)
	if err != nil {
		return nil, err
	}
	if want := sigSize(kind); len(sig) != want {
		return nil, errorf(ErrMalformedProofValue, nil, "decoded proofValue is %d bytes, want %d for %s", len(sig), want, kind)
	}
	return sig, nil
}

// encodeProofValue encodes a signature as multibase base58btc.
func encodeProofValue(sig []byte) (string, error) {
	s, err := multibase.Encode(multibase.Base58BTC, sig)
	if err != nil {
		return "", errorf(ErrInvalidKey, err, "encoding proofValue")
	}
	return s, nil
}

// maxProofValue bounds the proofValue string accepted for decoding.
const maxProofValue = 1024

func decodeMultibase58(s string) ([]byte, error) {
	if s == "" {
		return nil, errorf(ErrMalformedProofValue, nil, "proofValue is empty")
	}
	if len(s) > maxProofValue {
		return nil, errorf(ErrMalformedProofValue, nil, "proofValue is %d characters, limit %d", len(s), maxProofValue)
	}
	if s[0] != 'z' {
		return nil, errorf(ErrMalformedProofValue, nil, "multibase prefix %q, want 'z' (base58btc)", s[:1])
	}
	enc, b, err := multibase.Decode(s)
	if err != nil || enc != multibase.Base58BTC {
		return nil, errorf(ErrMalformedProofValue, nil, "invalid base58btc encoding")
	}
	// Reject non-canonical encodings, so one signature has one proofValue.
	if re, _ := multibase.Encode(multibase.Base58BTC, b); re != s {
		return nil, errorf(ErrMalformedProofValue, nil, "non-canonical base58btc encoding")
	}
	return b, nil
}

// contextURLs returns the string entries of an @context value.
func contextURLs(v any) []string {
	switch c := v.(type) {
	case string:
		return []string{c}
	case []any:
		var out []string
		for _, e := range c {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// objects returns the objects of a one-or-many value.
func objects(v any) []map[string]any {
	switch x := v.(type) {
	case map[string]any:
		return []map[string]any{x}
	case []any:
		var out []map[string]any
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

// strings1 returns the strings of a one-or-many value.
func strings1(v any) []string { return contextURLs(v) }

// newProofOptions builds the proof options a new proof signs: created
// (opt.Created, else the clock to the second), purpose (assertionMethod
// by default), challenge, domain and an expiry after created.
func newProofOptions(k Key, opt *DataIntegrityOptions, typ, cryptosuite string) (*proofJSON, error) {
	created := opt.Created
	if created.IsZero() {
		now := time.Now
		if opt.Now != nil {
			now = opt.Now
		}
		created = now().Truncate(time.Second)
	}
	p := &proofJSON{
		ID:                 opt.ID,
		Type:               typ,
		Cryptosuite:        cryptosuite,
		Created:            created.UTC().Format(time.RFC3339Nano),
		VerificationMethod: k.VerificationMethod,
		ProofPurpose:       opt.Purpose,
		Challenge:          opt.Challenge,
		Domain:             opt.Domain,
	}
	if p.ProofPurpose == "" {
		p.ProofPurpose = PurposeAssertionMethod
	}
	if !opt.Expires.IsZero() {
		if !opt.Expires.After(created) {
			return nil, errorf(ErrMalformedProof, nil, "expires %s is not after created %s", opt.Expires.UTC().Format(time.RFC3339), p.Created)
		}
		p.Expires = opt.Expires.UTC().Format(time.RFC3339Nano)
	}
	return p, nil
}
