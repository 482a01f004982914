// Package vc is the W3C Verifiable Credentials layer: a read-only view of a
// credential that keeps the exact bytes it was parsed from, the validity
// window check, and the offline JSON-LD processing every Data Integrity
// proof rests on.
//
// # Reading a credential
//
// [Parse] reads JSON strictly: duplicate object keys, invalid UTF-8, unpaired
// surrogate escapes and trailing data are refused ([ErrMalformed]), numbers
// are kept exact, and member names match exactly, so the view can never
// disagree with the signed bytes. [Credential.Raw] returns those bytes.
//
// # JSON-LD, offline and in safe mode
//
// A [Processor] expands documents with JSON-LD contexts from a
// [DocumentLoader]. The default, [EmbeddedLoader], serves only the contexts
// built into the library (each pinned by its SHA-256 in the tests) and
// refuses every other URL with an error naming it ([ErrUnknownContext]); it
// never touches the network or the file system. [RemoteLoader] is the opt-in
// for fetching over HTTPS from an allow-list of hosts.
//
// Processing is always in safe mode: a property or type that the active
// contexts do not define, or a value JSON-LD would silently drop, fails with
// a [*SafeModeError] ([ErrSafeMode]) instead of vanishing from what is signed.
//
// [Processor.Canonicalize] produces RDFC-1.0 canonical N-Quads (the W3C RDF
// Dataset Canonicalization), byte-identical to the published W3C and 1EdTech
// vectors. Canonicalization has a work limit: a "poison" graph built to make
// it run for hours fails fast with [ErrCanonicalizationLimit]. Every
// operation honours its context.
//
// # What this package does not do
//
// It does not verify proofs (see package proof) or check credential status;
// [CheckValidity] checks only the validity window.
//
// # Conventions
//
// The module has one convention per kind of constructor and options:
//   - A configuration struct whose zero value works and that needs no
//     set-up (a Verifier of package proof, a status.Checker, an Issuer) is
//     used as a literal; its nil or zero fields say "the safe default".
//   - A type that validates its configuration or builds state has a NewX
//     constructor; it returns an error exactly when its input can be wrong
//     (badge.NewVerifier, did.NewWebDocument), and the value alone when it
//     cannot fail (vc.NewProcessor, badge.NewAchievement).
//   - Options that are all optional are passed as the last argument by
//     pointer, nil meaning every default (NewCredential, NewProcessor, the
//     server handlers). Options that carry required members or are the
//     whole configuration validated at construction are passed by value
//     (badge.NewVerifier, status.NewList, presentation.VerifyPresentation).
//   - Every http.Handler constructor returns (http.Handler, error).
//   - Functions that do I/O take a context.Context first.
package vc
