package vc

import (
	"context"
	"errors"
	"fmt"

	"github.com/openbadges-go/openbadges/internal/rdf"
	"github.com/piprate/json-gold/ld"
)

// goldLoader adapts a DocumentLoader to json-gold for one call: it carries
// the caller's ctx (json-gold's interface has none) and counts loads so that a
// document cannot make the processor load contexts without bound. json-gold's
// own default loader (network and file system) is never reachable: every
// json-gold call in this package passes a goldLoader.
type goldLoader struct {
	ctx    context.Context
	next   DocumentLoader
	loads  int
	max    int
	errSet error
}

func (g *goldLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	g.loads++
	if g.loads > g.max {
		g.errSet = fmt.Errorf("vc: more than %d context loads for one document", g.max)
		return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, g.errSet)
	}
	d, err := g.next.LoadDocument(g.ctx, u)
	if err != nil {
		if g.errSet == nil {
			g.errSet = err
		}
		return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, err)
	}
	return &ld.RemoteDocument{DocumentURL: d.DocumentURL, Document: d.Document}, nil
}

// goldToRDF converts doc to RDF quads with json-gold, in safe mode, with our
// loader. It is the fallback for documents the native engine does not handle
// and the oracle the differential tests compare against.
func goldToRDF(ctx context.Context, loader DocumentLoader, doc any, maxLoads int) ([]rdf.Quad, error) {
	gl := &goldLoader{ctx: ctx, next: loader, max: maxLoads}
	opts := ld.NewJsonLdOptions("")
	opts.DocumentLoader = gl
	opts.SafeMode = true
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.Algorithm = ld.AlgorithmURDNA2015
	proc := ld.NewJsonLdProcessor()
	var out any
	var err error
	func() {
		// json-gold is not hardened against hostile input; a panic inside it
		// must become an error, never crash the caller.
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%w: JSON-LD processor failed: %v", ErrJSONLD, r)
			}
		}()
		out, err = proc.ToRDF(doc, opts)
	}()
	if err != nil {
		if gl.errSet != nil {
			return nil, gl.errSet
		}
		return nil, goldError(err)
	}
	ds, ok := out.(*ld.RDFDataset)
	if !ok {
		return nil, fmt.Errorf("%w: unexpected JSON-LD processor output %T", ErrJSONLD, out)
	}
	var quads []rdf.Quad
	for g, qs := range ds.Graphs {
		for _, q := range qs {
			rq := rdf.Quad{Subject: goldTerm(q.Subject), Predicate: goldTerm(q.Predicate), Object: goldTerm(q.Object)}
			if g != "@default" {
				rq.Graph = goldTerm(q.Graph)
			}
			quads = append(quads, rq)
		}
	}
	return quads, nil
}

func goldTerm(n ld.Node) rdf.Term {
	switch v := n.(type) {
	case ld.IRI:
		return rdf.NewIRI(v.Value)
	case ld.BlankNode:
		id := v.Attribute
		if len(id) > 2 && id[:2] == "_:" {
			id = id[2:]
		}
		return rdf.NewBlank(id)
	case ld.Literal:
		return rdf.NewLiteral(v.Value, v.Datatype, v.Language)
	case nil:
		return rdf.Term{}
	}
	return rdf.Term{}
}

// goldError maps json-gold's errors onto ours.
func goldError(err error) error {
	var je *ld.JsonLdError
	if errors.As(err, &je) {
		switch je.Code {
		case ld.InvalidProperty:
			return &SafeModeError{Problems: []Problem{{Path: "$", Kind: ErrUndefinedTerm, Reason: "a property or type is not defined by the active contexts"}}}
		case ld.LoadingDocumentFailed, ld.LoadingRemoteContextFailed:
			return fmt.Errorf("%w: %v", ErrLoad, je)
		}
		return fmt.Errorf("%w: %s: %v", ErrJSONLD, je.Code, je.Details)
	}
	return fmt.Errorf("%w: %v", ErrJSONLD, err)
}
