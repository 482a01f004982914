// Package learner is a learner's profile and the credentials they hold:
// a [Wallet].
//
// [Wallet.Import] takes a credential as JSON, a compact VC-JWT, or a baked
// PNG or SVG badge, verifies it through the Open Badges pipeline and keeps
// it with its [badge.VerificationResult], whether or not it verified. A
// wallet holds only credentials about its learner: every subject must have
// the learner's id, or an identifier (hashed or not) that matches the
// learner's e-mail address or one of their other identifiers; any other
// credential is refused with a [*NotHolderError] ([ErrNotHolder]).
// [Wallet.Summary] describes the verified credentials: by issuer, by
// achievement type, by alignment (the skills and competencies the
// achievements align to) and the credits earned and available, each
// credit counted once (a stacked credential adds only what it carries
// beyond the components it names as evidence).
//
// A wallet exports its verified credentials, each exactly as its issuer
// signed it, in two ways: [Wallet.ExportCLR], a Comprehensive Learner
// Record signed by a publisher (see package clr), and [Wallet.Present], a
// VerifiablePresentation signed by the learner for authentication, with a
// verifier's challenge and domain (see package presentation, whose
// VerifyPresentation checks it).
//
//	w, _ := learner.NewWallet(badge.NewProfile(learnerDID, "Ada"), &learner.Options{Verifier: v}) // Email, OtherIdentifier too
//	for _, b := range badges {
//		if _, err := w.Import(ctx, b); err != nil { ... } // kept, with its result, unless nothing parsed
//	}
//	vp, err := w.Present(ctx, learnerKey, &presentation.SignOptions{Challenge: c, Domain: d})
//
// What is not checked: a verification result is as of the import; re-import
// (or verify the exports) to see a later revocation.
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
package learner
