// Package delivery hands Open Badges to learners' wallets over the two
// protocols wallets speak:
//
//   - the VC-API exchange of the Digital Credentials Consortium's Learner
//     Credential Wallet: the one-step deep link (vc_request_url +
//     challenge: the wallet POSTs a DID Authentication presentation and
//     gets the badge back), the `protocols` invitation and the
//     interaction URL (?iuv=1), and the two-step flow (POST {} gives a
//     DIDAuthentication presentation request);
//   - OpenID for Verifiable Credential Issuance 1.0 with a pre-authorized
//     code: issuer and authorization server metadata, credential offers
//     by value and by reference, the token endpoint (single-use codes,
//     optional transaction code), the nonce endpoint and the credential
//     endpoint with jwt key proofs, for the configurations
//     OpenBadgeCredential_ldp_vc and OpenBadgeCredential_jwt_vc_json.
//
// An LMS creates an [Exchange] for a learner and an achievement with
// [Service.CreateExchange], shows its [Links] (deep links, offers), and
// mounts [NewHandler]. The first wallet that proves control of a DID
// (a DID Authentication presentation verified through the verification
// kernel, or an OpenID4VCI key proof) receives the badge, issued by the
// configured badge.Issuer with credentialSubject.id set to that DID;
// the exchange is then complete, and Config.Collected is called.
//
//	svc, err := delivery.NewService(delivery.Config{Issuer: iss, BaseURL: "https://lms.example/wallet"})
//	h, err := delivery.NewHandler(svc)
//	mux.Handle("/wallet/", h)
//	for _, p := range svc.WellKnownPaths() {
//		mux.Handle(p, h)
//	}
//	x, err := svc.CreateExchange(ctx, delivery.ExchangeRequest{Learner: learner, Achievement: a})
//	links, err := svc.Links(x) // links.WalletRequest, links.CredentialOffer, ...
//
// Exchanges are single use and expire (Config.TTL). A request that is
// refused (a wrong challenge or nonce, a tampered presentation or proof,
// another site's domain, a holder other than Learner.DID) leaves the
// exchange open; a replay after collection, an expired exchange and a
// second use of a pre-authorized code are refused. VC-API refusals are
// RFC 9457 problems; OpenID4VCI refusals are the OAuth errors the
// specification names (invalid_grant, invalid_proof, invalid_nonce,
// credential_request_denied, ...).
//
// # Clients that depart from the specification
//
// The handlers follow OpenID4VCI 1.0 final, and also take a Credential
// Request in the draft 13 form that older wallets send (format and
// credential_definition instead of a configuration id, a singular proof):
// it names no more than the 1.0 form can. Sphereon's client and the
// Learner Credential Wallet need nothing more; @digitalbazaar/oid4-client
// 5.x needs [Config.AllowDigitalBazaarOID4Client], which sets
// AllowUntypedKeyProofs (its key proof has no typ and no iat),
// AllowProofTypeMember and AllowMetadataInIssuerMetadata. Each is off by
// default, and an exchange collected under a relaxation names it in
// [Exchange.Relaxed].
//
// # What is not done
//
// Anyone holding an exchange's link (or a pre-authorized code without a
// transaction code) can collect it: deliver links to the learner only,
// and use Learner.DID or a transaction code when that is not enough. The
// one-step link gives the wallet no domain, so a presentation without a
// domain is accepted (the exchange's single-use challenge binds it); a
// presentation that names a domain must name one of Config.Domains. Key
// proofs: jwt only (no di_vp, attestation or x5c), kid a did:key or
// did:jwk URL, or a jwk; no batch issuance, deferred issuance,
// notification endpoint, encryption, DPoP or authorization code flow.
// [NewCreateExchangeHandler] and the handlers do not authenticate the
// LMS: keep the create endpoint behind your own authentication.
package delivery
