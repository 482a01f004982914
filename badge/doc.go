// Package badge is Open Badges 3.0 (1EdTech): the data model, issuing,
// the verification pipeline, and baking credentials into badge images.
//
// # Issuing
//
// Build a credential with [NewCredential] (or a struct literal of
// [AchievementCredential]) and sign it with an [Issuer], which holds a
// [proof.Key] (any [crypto.Signer], so HSM and KMS keys work):
//
//	iss := &badge.Issuer{Key: proof.Key{Signer: key.Signer, VerificationMethod: key.ID}}
//	cred, _ := badge.NewCredential(iss.Profile("Example College"), achievement, badge.RecipientEmail("ada@example.org"), nil)
//	signed, err := iss.Issue(ctx, cred) // Data Integrity (eddsa-rdfc-2022) by default; Format: badge.JWT for VC-JWT
//
// Issue refuses, before signing and listing every problem with its JSON
// path, a credential that breaks the Open Badges or VC data model, uses a
// term its contexts do not define, or names an issuer that does not
// control the key.
//
// # Verifying
//
// A [Verifier] runs the Open Badges 3.0 verification algorithm on a
// credential given as JSON, a compact VC-JWT, or a baked PNG or SVG:
//
//	v, _ := badge.NewVerifier(badge.VerifierOptions{Status: &status.Checker{}})
//	res, err := v.Verify(ctx, data)
//	if err != nil { // nil only when every check passed
//		for _, c := range res.Failed() { fmt.Println(c.ID, c.Err) }
//	}
//
// The result lists every check in order (parse, context, type, schema,
// subject, proof, issuer binding, refresh, validity period, status,
// endorsements, recipient), each passed, failed, warning or skipped, with
// a typed error; errors.Is on the returned error reaches the cause of every
// failed check (vc.ErrExpired, proof.ErrSignatureInvalid, vc.ErrRevoked ...).
//
// Defaults are offline and fail closed: keys from did:key and did:jwk only
// (configure a resolver for did:web and HTTPS keys), embedded contexts and
// schemas only, and a credential with a credentialStatus fails the status
// check until a status checker is configured or the caller sets
// InsecureSkipStatus (reported as skipped). Two 1EdTech validator
// behaviours are opt-ins because they let anyone forge a badge:
// InsecureFragmentKeys (a key read from an https URL fragment) and
// InsecureEmbeddedJWK (a JWT's own jwk header key).
//
// # Profiles
//
// VerifierOptions.Policy picks a named profile: [PolicyStrict] (the
// default rules), [PolicyInterop] (Open Badges conformance failures, short,
// foreign-signed or mirrored status lists and broken endorsements become
// warnings; never the signature, issuer binding, validity or a revocation)
// or [Policy1EdTechValidator] (the 1EdTech validator's verdicts, with its
// insecure key rules). Every relaxation applied is a Warning on the check
// it relaxed, whose error is a [*RelaxedError]; [Policy.Rules] lists them;
// NewVerifier refuses contradictory options ([ErrConflictingOptions]).
//
// # What is checked is what was signed
//
// The JSON members the checks read are the statements the proof signs:
// every document is processed in the strict compact form of package vc (no
// member under an IRI, an alias, an inline context or @nest; the security
// members read back from the signed graph). Every verification runs within
// a [Budget] of fetches, bytes, time and credentials, and nothing is
// fetched for status, refresh or endorsements unless the credential's own
// proof verified.
//
// # What is not checked
//
// Verification says who issued a credential and that it is unchanged,
// current and not revoked. It does not say whether the issuer is one you
// should trust: set TrustedIssuers, or decide from VerificationResult.Issuer.
//
// # Baking
//
// [Bake] embeds a credential in a PNG (an iTXt chunk "openbadgecredential")
// or an SVG (an openbadges:credential element); [Unbake] reads it back
// within size limits. Verify unbakes images itself.
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
package badge
