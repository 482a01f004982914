// Package did finds the public key behind a verification method and checks
// that the key's controller authorizes it, for Open Badges 3.0 and W3C
// Verifiable Credentials verifiers.
//
// A Data Integrity proof names its key with "verificationMethod", a JWT
// with "kid" or "jwk". Open Badges credentials use did:key, did:jwk,
// did:web and plain HTTPS URLs; OB 3.0 requires only HTTPS support. The
// package provides:
//
//   - the data model: [Document], [VerificationMethod], [MethodRef],
//     [Service], and DID / DID URL parsing ([Parse], [ParseURL]);
//   - resolvers behind one interface, [Resolver], multiplexed by
//     [Methods]: [KeyResolver] (did:key), [JWKResolver] (did:jwk),
//     [WebResolver] (did:web), [HTTPSResolver] (controller and key
//     documents at https URLs), plus [JWKSFetcher] for JWT keys and
//     [CachingResolver];
//   - [Dereference], which turns a verification method URL into a key and
//     checks it is listed under the required [Relationship];
//   - keys: [VerificationMethod.PublicKey], [DecodeMultikey],
//     [EncodeMultikey], [JWK], [Key], [GenerateKey], [ParsePrivateKey] and
//     [DIDKeyFromPublicKey];
//   - did:web publishing: [WebDID], [NewWebKey], [GenerateWebKey],
//     [NewWebDocument], [Key.DIDDocument].
//
// # Verifying a proof's key
//
//	r := did.DefaultResolver() // did:key and did:jwk, offline
//	vm, err := did.Dereference(ctx, r, proof.VerificationMethod, did.AssertionMethod)
//	if err != nil { ... }
//	pub, err := vm.PublicKey()
//	// the caller must still check vm.Controller against the credential's issuer
//
// # Network
//
// [DefaultResolver] never touches the network. did:web and HTTPS documents
// are added explicitly, and every fetch is https only, bounded in size
// (256 KiB), time (10 s) and redirects (3), requires a JSON media type,
// and by default refuses loopback, private, link-local, multicast and
// other non-public addresses (SSRF protection; AllowPrivateAddresses turns
// that off for tests). No type uses [net/http.DefaultClient].
//
// # What is not checked
//
// Dereference checks that a key is authorized by its controller's
// document; it does not check that the controller is the credential's
// issuer (that is the caller's policy), and it does not verify any
// signature. did:web relies on TLS and DNS alone, as its specification
// does. secp256k1 keys are decoded and validated but the standard library
// cannot verify their signatures. BLS12-381 keys are not supported.
//
// Errors are *[ResolutionError] values naming the DID or URL, with a
// DID-Resolution-style [ErrorCode], wrapping the sentinel errors of this
// package (test with [errors.Is]).
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
package did
