// Package presentation signs and verifies W3C Verifiable Presentations
// (VC Data Model 2.0) that carry Open Badges and other credentials.
//
// # Presenting
//
// [Sign] wraps signed credentials in a VerifiablePresentation and adds the
// holder's Data Integrity proof with proofPurpose "authentication" and the
// verifier's challenge and domain. JSON credentials are embedded byte for
// byte; VC-JWTs become EnvelopedVerifiableCredential entries with a data:
// URL.
//
//	vp, err := presentation.Sign(ctx, holderKey, [][]byte{badge1, jwt2}, &presentation.SignOptions{
//		Challenge: challenge, Domain: "verifier.example",
//	})
//
// # Verifying
//
// [VerifyPresentation] runs every check and returns a [Result] listing
// them (parse, structure, holder_proof, challenge, domain, credentials,
// holder_binding), with each embedded credential's own
// badge.VerificationResult:
//
//	res, err := presentation.VerifyPresentation(ctx, vp, presentation.Options{
//		Challenge: challenge, Domain: "verifier.example", Verifier: badgeVerifier,
//	})
//	if errors.Is(err, presentation.ErrChallengeMismatch) { ... }
//
// The defaults fail closed: a challenge and a domain are required (opting
// out is InsecureSkipChallenge / InsecureSkipDomain, reported as skipped),
// the holder's key must be listed under the authentication relationship
// of the holder's DID document (an assertionMethod proof is refused), and
// the holder must be the subject of every credential
// (AllowHolderNotSubject turns that into a warning). A credential whose
// subject is identified only by a hashed identifier cannot be bound to a
// DID and is reported as such ([ErrSubjectNotBindable]). Inputs are
// bounded ([Limits]: 16 MiB, 100 credentials by default).
//
// # What is not checked
//
// Whether a challenge is fresh and used once is the caller's to track: a
// verifier issues a random challenge per request and retires it after one
// use.
//
// # Presentations as JWTs
//
// [SignJWT] secures the same presentation as a VC-JOSE-COSE presentation
// JWT (typ vp+jwt, the holder's key in kid, the challenge in nonce, the
// domain in aud); [EnvelopePresentation] wraps it in an
// EnvelopedVerifiablePresentation. The presentation family verifies both
// forms: the signature with the key kid names (resolved as every key is,
// listed under the holder's authentication relationship), nonce and aud
// against the challenge and domain, and each credential inside through
// the same kernel. The VC 1.1 "vp" and "vc" claims, which VC-JOSE-COSE
// forbids, are refused ([ErrJWT]), and so is an envelope that breaks the
// VC 2.0 rules ([ErrEnvelope]).
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
package presentation
