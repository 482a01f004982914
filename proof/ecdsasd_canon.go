package proof

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"hash"
	"slices"

	"github.com/openbadges-go/openbadges/internal/rdf"
	"github.com/openbadges-go/openbadges/internal/rdfc"
	"github.com/openbadges-go/openbadges/internal/sd"
	"github.com/openbadges-go/openbadges/vc"
)

// sdHash returns the hash constructor of ecdsa-sd-2023 for a base key
// kind: SHA-384 for P-384, SHA-256 otherwise. It hashes the proof
// configuration and the mandatory statements, and keys the HMAC.
func sdHash(k keyKind) func() hash.Hash {
	if k == kindP384 {
		return sha512.New384
	}
	return sha256.New
}

// sdCanon is a document canonicalized for ecdsa-sd-2023 with HMAC blank
// node labels ("canonicalizeAndGroup" without the groups).
type sdCanon struct {
	// nquads are the canonical statements with their blank nodes
	// relabelled by the HMAC, sorted: what the per-statement signatures
	// sign, in the order of the signatures.
	nquads []string
	// labelMap maps the labels of the deskolemized document (skolem
	// labels, and canonical labels of blank nodes the skolemization could
	// not name) to the HMAC labels.
	labelMap map[string]string
	// skolem is the skolemized compact document and n the number of skolem
	// ids issued.
	skolem map[string]any
	n      int
}

// sdQuads converts doc to RDF in safe mode and the strict compact form
// (through the processor's canonical form, whose blank node labels are
// canonical) and returns the statements.
func sdQuads(ctx context.Context, proc *vc.Processor, doc map[string]any) ([]rdf.Quad, error) {
	if doc == nil {
		return nil, nil
	}
	c, err := proc.Canonicalize(ctx, doc, nil)
	if err != nil {
		return nil, err
	}
	return rdf.ParseNQuads(c.NQuads)
}

// sdCanonicalize skolemizes doc (an unsecured compact document), converts
// it to RDF, canonicalizes the deskolemized statements and relabels their
// blank nodes with the HMAC of their canonical labels. It checks that the
// skolemized document means what doc means (the same canonical form), so
// a document the skolemization cannot express faithfully is refused
// rather than signed wrongly.
func sdCanonicalize(ctx context.Context, proc *vc.Processor, doc map[string]any, hmacKey []byte, newHash func() hash.Hash) (*sdCanon, error) {
	skol, n, err := sd.Skolemize(doc, nil)
	if err != nil {
		return nil, err
	}
	quads, err := sdQuads(ctx, proc, skol)
	if err != nil {
		return nil, err
	}
	seen, err := sd.Deskolemize(quads, n)
	if err != nil {
		return nil, err
	}
	if len(seen) < n {
		// Some objects are not RDF nodes (the content of @json literals):
		// number them the same, but give them no id.
		skip := map[int]bool{}
		for i := range n {
			if !seen[i] {
				skip[i] = true
			}
		}
		if skol, _, err = sd.Skolemize(doc, skip); err != nil {
			return nil, err
		}
		if quads, err = sdQuads(ctx, proc, skol); err != nil {
			return nil, err
		}
		if _, err = sd.Deskolemize(quads, n); err != nil {
			return nil, err
		}
	}
	if len(quads) > MaxSDStatements {
		return nil, errorf(ErrInvalidDocument, nil, "%d statements, more than the ecdsa-sd-2023 limit of %d", len(quads), MaxSDStatements)
	}
	res, err := rdfc.Canonicalize(ctx, quads, nil)
	if err != nil {
		return nil, err
	}
	plain, err := proc.Canonicalize(ctx, doc, nil)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(plain.NQuads, res.NQuads) {
		return nil, errorf(ErrInvalidDocument, nil, "ecdsa-sd-2023 cannot name the blank nodes of this document (a @graph or @list value?)")
	}
	hmacLabels := make(map[string]string, len(res.IssuedIdentifiers))
	mac := hmac.New(newHash, hmacKey)
	labelMap := make(map[string]string, len(res.IssuedIdentifiers))
	for in, c14n := range res.IssuedIdentifiers {
		l, ok := hmacLabels[c14n]
		if !ok {
			mac.Reset()
			mac.Write([]byte(c14n))
			l = "u" + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
			hmacLabels[c14n] = l
		}
		labelMap[in] = l
	}
	nquads := relabelNQuads(res.Quads, hmacLabels)
	slices.Sort(nquads)
	return &sdCanon{nquads: nquads, labelMap: labelMap, skolem: skol, n: n}, nil
}

// relabelNQuads serializes quads with their blank nodes relabelled, one
// string per statement; a label not in labels is kept.
func relabelNQuads(quads []rdf.Quad, labels map[string]string) []string {
	out := make([]string, 0, len(quads))
	var buf []byte
	for _, q := range quads {
		for _, t := range []*rdf.Term{&q.Subject, &q.Object, &q.Graph} {
			if t.Kind == rdf.BlankNode {
				if l, ok := labels[t.Value]; ok {
					t.Value = l
				}
			}
		}
		buf = rdf.AppendQuad(buf[:0], q)
		out = append(out, string(buf))
	}
	return out
}

// sdGroup is the outcome of selecting a group of pointers in a canonical
// document: the indexes of c.nquads the selection holds, and the
// selection's own statements (deskolemized, with their input labels).
type sdGroup struct {
	matching map[int]bool
	quads    []rdf.Quad
}

// group selects pointers in the skolemized document and matches the
// statements of the selection with c.nquads ("selectCanonicalNQuads").
// Statements with a blank node the skolemization could not name never
// match.
func (c *sdCanon) group(ctx context.Context, proc *vc.Processor, pointers []string) (*sdGroup, error) {
	sel, err := sd.Select(c.skolem, pointers)
	if err != nil {
		return nil, err
	}
	quads, err := sdQuads(ctx, proc, sel)
	if err != nil {
		return nil, err
	}
	if _, err := sd.Deskolemize(quads, c.n); err != nil {
		return nil, err
	}
	selected := make(map[string]bool, len(quads))
	var buf []byte
next:
	for _, q := range quads {
		for _, t := range []*rdf.Term{&q.Subject, &q.Object, &q.Graph} {
			if t.Kind != rdf.BlankNode {
				continue
			}
			l, ok := c.labelMap[t.Value]
			if !ok || !sd.IsSkolemLabel(t.Value) {
				continue next
			}
			t.Value = l
		}
		buf = rdf.AppendQuad(buf[:0], q)
		selected[string(buf)] = true
	}
	g := &sdGroup{matching: make(map[int]bool, len(selected)), quads: quads}
	for i, nq := range c.nquads {
		if selected[nq] {
			g.matching[i] = true
		}
	}
	return g, nil
}

// hashJoined hashes the concatenation of statements.
func hashJoined(newHash func() hash.Hash, nquads []string) []byte {
	h := newHash()
	for _, nq := range nquads {
		h.Write([]byte(nq))
	}
	return h.Sum(nil)
}
