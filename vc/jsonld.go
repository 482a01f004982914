package vc

import (
	"context"
	"crypto"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/openbadges-go/openbadges/internal/jsonld"
	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/internal/rdf"
	"github.com/openbadges-go/openbadges/internal/rdfc"
)

// Default limits of a [Processor].
const (
	DefaultMaxContextLoads = 32
	DefaultMaxQuads        = 100_000
)

// ProcessorOptions configures a [Processor]. The zero value is safe: the
// embedded contexts only, and the default limits.
type ProcessorOptions struct {
	// Loader resolves context URLs. Nil means [EmbeddedLoader].
	Loader DocumentLoader
	// MaxContextLoads bounds the context documents one document may load.
	MaxContextLoads int
	// MaxQuads bounds the RDF statements one document may produce.
	MaxQuads int
	// CanonicalizationWork bounds the RDFC-1.0 work per document (see
	// internal/rdfc); zero means its default, generous for real credentials
	// and fatal to poison graphs.
	CanonicalizationWork int
	// AllowInlineContexts admits context objects in @context (the other
	// rules of the strict compact form stay on, see [Processor]).
	AllowInlineContexts bool
}

// Processor turns JSON-LD documents into RDF and canonical N-Quads, offline,
// always in safe mode and in the strict compact form. It is safe for
// concurrent use.
//
// The strict compact form makes the JSON members a program reads the same
// as the graph a Data Integrity proof signs. JSON-LD has many spellings of
// one graph; a verifier that reads "validUntil" or "credentialStatus" from
// the JSON would miss the same statement written under its IRI, through an
// alias of an inline context or inside an @nest wrapper, while the
// signature still verifies. So every key must be a term that the
// (embedded) contexts define: no absolute or compact IRI as a key, no
// keyword other than @context as a key, no alias other than id and type,
// no @nest; @context holds context URLs only (inline context objects only
// with [ProcessorOptions.AllowInlineContexts]) and appears below the top
// level only in embedded credentials and proofs; ids and IRI values are
// written as the IRI they mean (no compact IRIs, no blank node ids); types
// are terms where a term exists; the security members (issuer, validity
// dates, status, subject, schema, refresh, endorsements, proof options,
// status entry members, recipient identifiers) are pinned to their IRIs and
// single-valued ones take no arrays (and no value objects); status
// entries, schemas, refresh services and proofs are not described a second
// time by another object with the same id; and the graph that is produced
// is read back for the top-level security members, which must agree with
// the JSON (so a second description of the credential itself cannot hide
// a statement either). Each violation is a problem of kind [ErrStrictForm]
// with its JSON path.
type Processor struct {
	loader   DocumentLoader
	maxLoads int
	maxQuads int
	work     int
	native   *jsonld.Processor
	// goldOnly routes every document through json-gold (tests and the
	// differential oracle).
	goldOnly bool
	// keptQuads recycles the datasets CheckUnsecured keeps for
	// CanonicalUnsecured (*[]rdf.Quad).
	keptQuads sync.Pool
}

// maxKeptQuads keeps unusually large datasets out of keptQuads.
const maxKeptQuads = 4096

// keepQuads copies q into a recycled buffer.
func (p *Processor) keepQuads(q []rdf.Quad) []rdf.Quad {
	if bp, ok := p.keptQuads.Get().(*[]rdf.Quad); ok {
		return append((*bp)[:0], q...)
	}
	return slices.Clone(q)
}

// recycleQuads returns a buffer of keepQuads that nothing refers to any
// more.
func (p *Processor) recycleQuads(q []rdf.Quad) {
	if cap(q) > maxKeptQuads {
		return
	}
	clear(q)
	q = q[:0]
	p.keptQuads.Put(&q)
}

// NewProcessor returns a Processor with the given options (nil: defaults).
func NewProcessor(o *ProcessorOptions) *Processor {
	var opt ProcessorOptions
	if o != nil {
		opt = *o
	}
	p := &Processor{loader: opt.Loader, maxLoads: opt.MaxContextLoads, maxQuads: opt.MaxQuads, work: opt.CanonicalizationWork}
	if p.loader == nil {
		p.loader = EmbeddedLoader()
	}
	if p.maxLoads <= 0 {
		p.maxLoads = DefaultMaxContextLoads
	}
	if p.maxQuads <= 0 {
		p.maxQuads = DefaultMaxQuads
	}
	loader := p.loader
	strict := strictRules(opt.AllowInlineContexts)
	p.native = jsonld.NewProcessor(jsonld.LoaderFunc(func(ctx context.Context, u string) (any, error) {
		d, err := loader.LoadDocument(ctx, u)
		if err != nil {
			return nil, err
		}
		return d.Document, nil
	}), &jsonld.Options{MaxQuads: p.maxQuads, MaxContexts: p.maxLoads, Strict: strict})
	return p
}

// Loader returns the processor's document loader.
func (p *Processor) Loader() DocumentLoader { return p.loader }

// Canonical is the RDFC-1.0 canonical form of a document.
type Canonical struct {
	// NQuads is the canonical N-Quads document: the bytes Data Integrity
	// proofs hash.
	NQuads []byte
	// IssuedIdentifiers maps the blank node labels of the input (for JSON-LD
	// input: the labels the processor generated) to their canonical labels.
	IssuedIdentifiers map[string]string
}

// CanonicalizeOptions selects the hash RDFC-1.0 uses internally: SHA-256 (the
// default) or SHA-384.
type CanonicalizeOptions struct {
	Hash crypto.Hash
}

// Canonicalize expands doc (parsed JSON, as from the strict reader) in safe
// mode, converts it to RDF and returns its RDFC-1.0 canonical N-Quads.
func (p *Processor) Canonicalize(ctx context.Context, doc any, o *CanonicalizeOptions) (*Canonical, error) {
	var out *Canonical
	err := p.withRDF(ctx, doc, func(quads []rdf.Quad, valid bool) error {
		var err error
		out, err = p.canonicalizeWith(ctx, quads, o, nil, false, valid)
		return err
	})
	return out, err
}

// CanonicalHash is Canonicalize that writes the canonical N-Quads into h
// (a hash, typically) instead of returning them: the hash input of a Data
// Integrity proof, without a copy of the document.
func (p *Processor) CanonicalHash(ctx context.Context, doc any, h io.Writer) error {
	return p.withRDF(ctx, doc, func(quads []rdf.Quad, valid bool) error {
		_, err := p.canonicalizeWith(ctx, quads, nil, h, true, valid)
		return err
	})
}

// CanonicalizeJSON is Canonicalize for JSON bytes, read with the strict
// reader.
func (p *Processor) CanonicalizeJSON(ctx context.Context, data []byte, o *CanonicalizeOptions) (*Canonical, error) {
	v, err := jsonx.Parse(data, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return p.Canonicalize(ctx, v, o)
}

// CanonicalizeNQuads parses an N-Quads dataset and returns its canonical form.
func (p *Processor) CanonicalizeNQuads(ctx context.Context, data []byte, o *CanonicalizeOptions) (*Canonical, error) {
	quads, err := rdf.ParseNQuads(data)
	if err != nil {
		return nil, err
	}
	return p.canonicalizeWith(ctx, quads, o, nil, false, false)
}

// Check runs safe-mode expansion of doc and reports every problem: an
// undefined property or type, a relative IRI, an invalid value, an unknown
// context. It returns nil when the document is clean.
func (p *Processor) Check(ctx context.Context, doc any) error {
	return p.withRDF(ctx, doc, func([]rdf.Quad, bool) error { return nil })
}

// CheckUnsecured is [Processor.Check] of c's document without its proof
// member (what a Data Integrity proof signs, and the document a verifier
// checks: each proof is checked by its own suite), with the same rules:
// safe mode, the strict compact form and the read-back of the pinned
// members. When the credential carries a proof and the check passes, it
// keeps the RDF dataset on c, so that [Processor.CanonicalUnsecured] (the
// Data Integrity suites of package proof) canonicalizes it without
// converting the document again: one JSON-LD conversion per verification.
//
// The dataset is kept for p only; c stays safe for concurrent use.
// [Processor.CheckedUnsecured] reports afterwards that the check passed.
func (p *Processor) CheckUnsecured(ctx context.Context, c *Credential) error {
	if c == nil {
		return fmt.Errorf("%w: nil credential", ErrMalformed)
	}
	_, hasProof := c.doc["proof"]
	return p.withRDF(ctx, c.unsecuredDoc(), func(q []rdf.Quad, valid bool) error {
		m := &unsecuredRDF{proc: p, valid: valid}
		if hasProof {
			m.quads = p.keepQuads(q)
		}
		c.unsecuredRDF.Store(m)
		return nil
	})
}

// CheckedUnsecured reports whether [Processor.CheckUnsecured] with p
// passed on c: its document without its proof member is in JSON-LD safe
// mode and the strict compact form for p.
func (p *Processor) CheckedUnsecured(c *Credential) bool {
	if c == nil {
		return false
	}
	m := c.unsecuredRDF.Load()
	return m != nil && m.proc == p
}

// CanonicalUnsecured returns the RDFC-1.0 canonical N-Quads (SHA-256
// RDFC hash, as [Processor.Canonicalize] with nil options) of c's document
// without its proof member: the document the Data Integrity proofs of a
// credential sign, unless a proof has its own @context or chains to
// earlier proofs. It canonicalizes the dataset [Processor.CheckUnsecured]
// kept when it ran with p, else converts the document now, with the rules
// of [Processor.Check] (a document that breaks them is an error). The
// result is remembered on c for p; the bytes are shared, read-only.
func (p *Processor) CanonicalUnsecured(ctx context.Context, c *Credential) ([]byte, error) {
	if c == nil {
		return nil, fmt.Errorf("%w: nil credential", ErrMalformed)
	}
	if m := c.unsecuredCanon.Load(); m != nil && m.proc == p && m.nquads != nil {
		return m.nquads, nil
	}
	if canon, ok, err := p.canonicalizeKept(ctx, c, nil); ok {
		if err != nil {
			return nil, err
		}
		c.unsecuredCanon.Store(&unsecuredCanon{proc: p, nquads: canon.NQuads})
		return canon.NQuads, nil
	}
	var canon *Canonical
	err := p.withRDF(ctx, c.unsecuredDoc(), func(q []rdf.Quad, valid bool) error {
		var err error
		canon, err = p.canonicalizeWith(ctx, q, nil, nil, true, valid)
		return err
	})
	if err != nil {
		return nil, err
	}
	c.unsecuredCanon.Store(&unsecuredCanon{proc: p, nquads: canon.NQuads})
	return canon.NQuads, nil
}

// unsecuredRDF is the dataset of a credential's document without its
// proof, as processor proc produced it (nil quads: the document passed
// the check, and had no proof to keep them for).
type unsecuredRDF struct {
	proc  *Processor
	quads []rdf.Quad
	valid bool // quads came from the native engine
}

// unsecuredCanon is its canonical N-Quads.
type unsecuredCanon struct {
	proc   *Processor
	nquads []byte // nil when only the digest was asked for
	sha256 []byte // the SHA-256 digest of the canonical N-Quads, when known
}

// CanonicalUnsecuredHash returns the SHA-256 digest of what
// [Processor.CanonicalUnsecured] returns (the hash an RDFC Data Integrity
// suite signs), remembered on c for p. When the dataset that
// [Processor.CheckUnsecured] kept is there, the canonical N-Quads stream
// into the hash and are not kept: a later CanonicalUnsecured converts the
// document again. The digest is shared, read-only.
func (p *Processor) CanonicalUnsecuredHash(ctx context.Context, c *Credential) ([]byte, error) {
	if c == nil {
		return nil, fmt.Errorf("%w: nil credential", ErrMalformed)
	}
	if m := c.unsecuredCanon.Load(); m != nil && m.proc == p {
		if m.sha256 != nil {
			return m.sha256, nil
		}
		sum := sha256.Sum256(m.nquads)
		return sum[:], nil
	}
	h := sha256.New()
	if _, ok, err := p.canonicalizeKept(ctx, c, h); ok {
		if err != nil {
			return nil, err
		}
		sum := h.Sum(nil)
		c.unsecuredCanon.Store(&unsecuredCanon{proc: p, sha256: sum})
		return sum, nil
	}
	nq, err := p.CanonicalUnsecured(ctx, c)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(nq)
	return sum[:], nil
}

// canonicalizeKept canonicalizes, into sink (nil: the result's NQuads),
// the dataset CheckUnsecured kept on c for p, and reports whether it was
// there to take. The caller that takes it (a compare-and-swap: the
// canonical form replaces the dataset, and a result that keeps the
// credential does not keep both) recycles its buffer; a concurrent caller
// that lost gets ok false and converts the document again.
func (p *Processor) canonicalizeKept(ctx context.Context, c *Credential, sink io.Writer) (canon *Canonical, ok bool, err error) {
	m := c.unsecuredRDF.Load()
	if m == nil || m.proc != p || m.quads == nil {
		return nil, false, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, true, err
	}
	if !c.unsecuredRDF.CompareAndSwap(m, &unsecuredRDF{proc: p}) {
		return nil, false, nil
	}
	canon, err = p.canonicalizeWith(ctx, m.quads, nil, sink, true, m.valid)
	p.recycleQuads(m.quads)
	return canon, true, err
}

// withRDF converts doc to RDF and hands the quads to fn, which must not
// keep them: the native engine reuses its buffers after fn returns. valid
// says they came from the native engine, whose quads are known valid
// (rdfc.Options.Valid).
func (p *Processor) withRDF(ctx context.Context, doc any, fn func(quads []rdf.Quad, valid bool) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !p.goldOnly {
		var fnErr error
		err := p.native.ToRDFFunc(ctx, doc, func(q []rdf.Quad, root rdf.Term) error {
			if m, ok := doc.(map[string]any); ok {
				if fnErr = readBack(m, q, root); fnErr != nil {
					return fnErr
				}
			}
			fnErr = fn(q, true)
			return fnErr
		})
		switch {
		case err == nil:
			return nil
		case fnErr != nil:
			return fnErr
		case errors.Is(err, jsonld.ErrUnsupported):
			// No fallback to another processor: the strict compact form
			// is checked by this engine, and a document it cannot read is
			// not in that form.
			return &SafeModeError{Problems: []Problem{{Path: unsupportedPath(err), Kind: ErrStrictForm,
				Reason: strings.TrimPrefix(err.Error(), "jsonld: ")}}}
		}
		return nativeError(err)
	}
	quads, err := goldToRDF(ctx, p.loader, doc, p.maxLoads)
	if err != nil {
		return err
	}
	if len(quads) > p.maxQuads {
		return fmt.Errorf("%w: %d RDF statements, limit %d", ErrJSONLD, len(quads), p.maxQuads)
	}
	return fn(quads, false)
}

// canonicalizeWith canonicalizes quads into sink (nil: the result's
// NQuads), without the identifier map when omitIDs; valid: the quads are
// the native engine's (rdfc.Options.Valid).
func (p *Processor) canonicalizeWith(ctx context.Context, quads []rdf.Quad, o *CanonicalizeOptions, sink io.Writer, omitIDs, valid bool) (*Canonical, error) {
	ro := &rdfc.Options{MaxWork: p.work, OmitQuads: true, Sink: sink, OmitIdentifiers: omitIDs, Valid: valid}
	if o != nil {
		ro.Hash = o.Hash
	}
	res, err := rdfc.Canonicalize(ctx, quads, ro)
	if err != nil {
		if errors.Is(err, rdfc.ErrLimitExceeded) {
			return nil, fmt.Errorf("%w: %w", ErrCanonicalizationLimit, err)
		}
		return nil, err
	}
	return &Canonical{NQuads: res.NQuads, IssuedIdentifiers: res.IssuedIdentifiers}, nil
}

// nativeError maps the native engine's errors onto this package's.
func nativeError(err error) error {
	var sm *jsonld.SafeModeError
	if errors.As(err, &sm) {
		out := &SafeModeError{Problems: make([]Problem, 0, len(sm.Problems))}
		for _, p := range sm.Problems {
			var le *jsonld.LoadError
			if errors.As(p.Reason, &le) {
				// A context that could not be loaded is not a safe-mode
				// finding: report the loader's own error (it names the URL).
				return le.Err
			}
			out.Problems = append(out.Problems, Problem{Path: p.Path, Term: p.Term, Kind: problemKind(p.Reason), Reason: reasonText(p)})
		}
		return out
	}
	var le *jsonld.LoadError
	if errors.As(err, &le) {
		return le.Err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrJSONLD, err)
}

func problemKind(reason error) error {
	switch {
	case errors.Is(reason, jsonld.ErrStrictForm):
		return ErrStrictForm
	case errors.Is(reason, jsonld.ErrUndefinedTerm), errors.Is(reason, jsonld.ErrUndefinedType):
		return ErrUndefinedTerm
	case errors.Is(reason, jsonld.ErrRelativeIRI), errors.Is(reason, jsonld.ErrInvalidIRI):
		return ErrRelativeIRI
	case errors.Is(reason, jsonld.ErrInvalidContext), errors.Is(reason, jsonld.ErrProtectedTermRedefinition),
		errors.Is(reason, jsonld.ErrInvalidTermDefinition), errors.Is(reason, jsonld.ErrKeywordRedefinition),
		errors.Is(reason, jsonld.ErrCyclicIRIMapping), errors.Is(reason, jsonld.ErrRecursiveContext),
		errors.Is(reason, jsonld.ErrInvalidContextNullification), errors.Is(reason, jsonld.ErrLimit):
		return ErrJSONLD
	}
	return ErrInvalidValue
}

func reasonText(p jsonld.Problem) string {
	s := strings.TrimPrefix(p.Reason.Error(), "jsonld: ")
	switch {
	case errors.Is(p.Reason, jsonld.ErrUndefinedTerm):
		s = "property not defined by the active contexts"
	case errors.Is(p.Reason, jsonld.ErrUndefinedType):
		s = "type not defined by the active contexts"
	}
	if p.Detail != "" {
		s += " (" + p.Detail + ")"
	}
	return s
}
