// Package proof signs and verifies Verifiable Credential proofs as Open
// Badges 3.0 uses them: embedded Data Integrity proofs (eddsa-rdfc-2022,
// ecdsa-rdfc-2019, Ed25519Signature2020; eddsa-2022 on verify when
// allowed) and VC-JWT (RS256, ES256, ES384, EdDSA).
//
// Issuing:
//
//	out, err := proof.AddDataIntegrityProof(ctx, credentialJSON, proof.Key{
//		Signer:             priv, // any crypto.Signer: ed25519, ECDSA, HSM/KMS handle
//		VerificationMethod: "did:key:z6Mk…#z6Mk…",
//	}, nil)
//	token, err := proof.SignJWT(ctx, credentialJSON, key, proof.RS256, nil)
//
// Signing reads the document strictly and canonicalizes it in JSON-LD safe
// mode, so undefined terms and unknown contexts are refused before
// anything is signed; the output is the input bytes plus a proof.
//
// Verifying:
//
//	c, _ := vc.Parse(data)
//	results, err := (&proof.Verifier{}).VerifyProofs(ctx, c)
//	cred, result, err := (&proof.Verifier{}).VerifyJWT(ctx, token)
//
// Proofs are checked over the document parsed from the original bytes,
// never a re-marshalled value. Each proof gets a [ProofResult]; err is nil
// only when the policy holds. A Data Integrity proof must be of an allowed
// suite, carry the expected proofPurpose, name a verification method that
// its controller lists under that relationship, whose controller is the
// credential's issuer, with sane created/expires times, and a signature
// that verifies. When it does not, the result carries the canonical forms
// and hashes ([Diagnostics]).
//
// What is not checked here: the credential's own validity period
// (validFrom/validUntil) other than a JWT's nbf/exp, its status, its schema,
// and whether the issuer is trusted. Those belong to the badge verification
// pipeline.
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
package proof
