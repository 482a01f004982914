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
package badge
