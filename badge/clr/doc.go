// Package clr implements the 1EdTech Comprehensive Learner Record 2.0: the
// [ClrCredential] model (with [ClrSubject] and [Association] and all eight
// association types), issuing ([Issuer], Data Integrity or VC-JWT) and
// verification ([Verifier]).
//
// A ClrCredential bundles complete credentials that were signed on their
// own. [Verifier.Verify] checks the record like an Open Badges credential
// (context, type, schema, subject, proof, issuer binding, validity window,
// status), then verifies every nested credential on its own through the
// badge pipeline (its result is in [Result].Credentials), and requires
// every association's sourceId and targetId to name an achievement of the
// record: one of the subject's achievement definitions or the achievement
// of a nested credential.
//
// The 1EdTech validator's clr20 samples use verification methods of the
// form "https://issuer.example/id#z6Mk…"; VerifierOptions.InsecureFragmentKeys
// reproduces the validator's reading of them (the key is taken from the
// fragment, with nothing to show the issuer published it).
//
// Not checked: the CLR 2.0 JSON Schema for VC Data Model 2.0 was not
// available, so VC 2.0 records are checked by [ClrCredential.Validate] and
// the VC data model checks, and only VC 1.1 records by the embedded draft-04
// schema (schemas/PROVENANCE.md).
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
package clr
