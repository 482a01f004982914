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
package clr
