// Package server is the HTTP face of the library: net/http handlers that an
// issuer or a verifier mounts in its own mux, each usable alone.
//
// Publishing (what verifiers fetch), all with ETag, Cache-Control and CORS:
//   - [NewProfileHandler]: the issuer Profile, application/ld+json;
//   - [MinimalProfile]: the smallest issuer Profile (id, type, name) for an
//     issuer with no profile of its own; "openbadges serve" publishes it at
//     /issuer when given no --issuer-profile;
//   - [NewDIDDocumentHandler]: /.well-known/did.json for a did:web issuer;
//   - [NewJWKSHandler]: /.well-known/jwks.json for VC-JWT keys;
//   - [StatusLists]: signed status list credentials.
//
// The W3C VC-API (request and response shapes of the VC-API specification;
// errors are RFC 9457 problem details):
//   - [NewIssueHandler]: POST /credentials/issue, which checks the VC data
//     model 2.0 rules before signing and always issues as the configured
//     issuer;
//   - [NewVerifyCredentialHandler]: POST /credentials/verify;
//   - [NewVerifyPresentationHandler]: POST /presentations/verify.
//
// Verify endpoints answer 200 only for a verified credential or
// presentation, and 422 with the same result body otherwise.
//
// Open Badges: [NewBadgeVerifyHandler] accepts JSON, a compact VC-JWT or a
// baked PNG or SVG (raw body or multipart upload) and returns the full
// [badge.VerificationResult]; [NewPageHandler] serves a self-contained
// browser page (no network, no build step) that uses it.
//
// [New] puts everything together behind one handler, as "openbadges
// serve" does.
//
// Every API handler bounds the request body ([Options.MaxBodyBytes]) and
// its work ([Options.Timeout]), answers bad input with a 4xx problem, and
// is safe for concurrent use. Handlers do not log. CORS headers are sent
// only on the published documents: the API and the page are same-origin.
// The handlers do not authenticate callers: put the issue endpoint behind
// your own authentication before exposing it.
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
package server
