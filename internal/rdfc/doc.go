// Package rdfc implements RDF Dataset Canonicalization, RDFC-1.0
// (W3C Recommendation, https://www.w3.org/TR/rdf-canon/), over datasets of
// [rdf.Quad]. It is the algorithm behind the canonical N-Quads that Data
// Integrity proofs (eddsa-rdfc-2022 and friends) sign.
//
// [Canonicalize] relabels every blank node with a canonical identifier
// (c14n0, c14n1, ...) and returns the canonical quads, the canonical N-Quads
// document (statements in code point order, one per line, in the form
// written by [rdf.AppendQuad]), and the issued identifiers map. The input is
// treated as a set: duplicate statements appear once in the output.
//
// # Guarantees
//
//   - Output is byte-for-byte what the RDFC-1.0 test suite expects, for both
//     SHA-256 (the default) and SHA-384.
//   - Work is bounded. The expensive part of RDFC-1.0, the Hash N-Degree
//     Quads algorithm and its permutations, is charged against
//     [Options.MaxWork]; when the budget runs out Canonicalize stops and
//     returns a *[LimitError] matching [ErrLimitExceeded], as the
//     specification requires for "poison" graphs (section 4.1 and 6.3 of the
//     spec). The rest of the algorithm is linear or n·log n in the size of
//     the input. The default budget, [DefaultMaxWork], is far above what
//     any realistic credential needs and refuses the suite's clique poison
//     graph (test074) in well under a tenth of a second. The recursion depth
//     is capped as well, so the stack stays small.
//   - The context is checked while working; a cancelled or expired ctx stops
//     the algorithm and its error is returned (wrapped, so errors.Is works).
//   - Malformed input quads are refused with a *[QuadError] rather than
//     producing output that could not be parsed back.
//   - No global state: Canonicalize is safe for concurrent use.
package rdfc
