package main

import (
	"context"
	"errors"
	"maps"

	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/vc"
)

func runCanon(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "canon", "[--no-proof | --proof-config [--proof N]] [--nquads] FILE|-\n\n"+
		"Prints the RDFC-1.0 canonical N-Quads of a JSON-LD document (offline: embedded contexts\n"+
		"only, JSON-LD safe mode) or, with --nquads, of an N-Quads dataset.")
	noProof := fs.Bool("no-proof", false, "canonicalize the document without its proof member (the document hash input of eddsa-rdfc-2022)")
	proofConfig := fs.Bool("proof-config", false, "canonicalize the proof options instead: the proof without proofValue, with the document's @context")
	proofIndex := fs.Int("proof", 0, "with --proof-config, which proof to use when there are several (0-based)")
	nquads := fs.Bool("nquads", false, "the input is an N-Quads dataset rather than JSON-LD")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	if fs.NArg() != 1 {
		return usageErrorf(e, "canon", "expected one FILE (or - for stdin)")
	}
	if *noProof && *proofConfig {
		return usageErrorf(e, "canon", "--no-proof and --proof-config exclude each other")
	}
	if *nquads && (*noProof || *proofConfig) {
		return usageErrorf(e, "canon", "--nquads does not combine with --no-proof or --proof-config")
	}
	in, err := readInput(e, fs.Arg(0))
	if err != nil {
		return failf(e, "canon", "%v", err)
	}
	p := vc.NewProcessor(nil)
	if *nquads {
		c, err := p.CanonicalizeNQuads(ctx, in, nil)
		if err != nil {
			return failf(e, "canon", "%s: %v", fs.Arg(0), err)
		}
		e.stdout.Write(c.NQuads)
		return exitOK
	}
	v, err := jsonx.Parse(in, nil)
	if err != nil {
		return failf(e, "canon", "%s: %v", fs.Arg(0), err)
	}
	doc, ok := v.(map[string]any)
	if !ok && (*noProof || *proofConfig) {
		return failf(e, "canon", "%s: the document is not a JSON object", fs.Arg(0))
	}
	switch {
	case *noProof:
		d := maps.Clone(doc)
		delete(d, "proof")
		v = d
	case *proofConfig:
		pc, err := proofConfiguration(doc, *proofIndex)
		if err != nil {
			return failf(e, "canon", "%s: %v", fs.Arg(0), err)
		}
		v = pc
	}
	c, err := p.Canonicalize(ctx, v, nil)
	if err != nil {
		return failf(e, "canon", "%s: %v", fs.Arg(0), err)
	}
	e.stdout.Write(c.NQuads)
	return exitOK
}

// proofConfiguration builds the proof options document of Data Integrity:
// the proof without proofValue, carrying the document's @context.
func proofConfiguration(doc map[string]any, i int) (map[string]any, error) {
	var proofs []map[string]any
	switch p := doc["proof"].(type) {
	case map[string]any:
		proofs = []map[string]any{p}
	case []any:
		for _, x := range p {
			if m, ok := x.(map[string]any); ok {
				proofs = append(proofs, m)
			}
		}
	}
	if len(proofs) == 0 {
		return nil, errors.New("the document has no proof object")
	}
	if i < 0 || i >= len(proofs) {
		return nil, errors.New("--proof is out of range")
	}
	pc := maps.Clone(proofs[i])
	delete(pc, "proofValue")
	if _, has := pc["@context"]; !has {
		if c, ok := doc["@context"]; ok {
			pc["@context"] = c
		}
	}
	return pc, nil
}
