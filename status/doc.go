// Package status implements credential status for Open Badges 3.0 and
// W3C Verifiable Credentials, on both sides, for every status method an
// Open Badge may carry: W3C Bitstring Status List v1.0
// (BitstringStatusListEntry), StatusList2021 (StatusList2021Entry) and the
// 1EdTech Revocation List (1EdTechRevocationList); and the fetch side of
// 1EdTech Credential Refresh.
//
// Issuing: create a list, allocate a random index per credential, write
// the entry into the credential before signing it, publish the signed list
// at its URL, and re-sign after every change.
//
//	l, _ := status.NewList(status.ListOptions{ID: "https://example.edu/status/1"})
//	i, _ := l.Allocate(nil)           // uniformly random free index
//	e, _ := l.Entry(i)
//	cred, _ = status.AddStatus(cred, e) // then sign cred
//	signed, _ := l.Sign(ctx, key, nil)  // publish at the list URL
//	_ = l.Set(i, 1)                     // revoke; then Sign again and republish
//
// Verifying: a [Checker] implements [vc.StatusChecker]. It fetches the
// list (through an injectable [Fetcher]; the default [HTTPFetcher] is
// https only, size- and time-bounded, with an address guard), verifies the
// list credential's proofs with an injectable [proof.Verifier], requires
// the list's id to be the URL the entry names and the list's issuer to be
// the credential's, checks the list's validity window, refuses a list
// older than one already accepted for its URL (rollback), checks the
// list's own credentialStatus one level deep, decodes it within [Limits]
// (a gzip bomb is refused) and reads the entry; verified lists are cached,
// honouring ttl and validUntil. Indexes are read strictly: base-10 digits,
// no sign, blanks or leading zeros. The outcome is valid, revoked,
// suspended (with the statusMessage when there is one), message, or
// unknown. Unknown fails closed: its error matches [vc.ErrStatusUnknown]
// and carries an [*Error] whose Kind says why ([ErrRetrieval],
// [ErrVerification], [ErrListLength], [ErrRange], [ErrMalformed]) and
// whose chain may name the rule ([ErrIssuerMismatch], [ErrListIDMismatch],
// [ErrStatusListRollback], [ErrListStatus], [ErrListStatusDepth]).
//
// Deliberate differences from the 1EdTech validator: it only warns when a
// 1EdTech revocation list cannot be fetched, and ignores suspension and
// StatusList2021 entries; this package reports status unknown for an
// unreachable list and checks every method and purpose. A credential
// using a 1EdTechRevocationList must have an id; without one its status
// is unknown.
//
// Not checked: whether the list's issuer is trusted beyond being the
// credential's issuer (or one of [Checker.TrustedListIssuers]); the list
// credential's JSON Schema. Rollback protection lasts as long as the
// Checker (marks are in memory, bounded by
// [Checker.MaxHighWaterMarks]); the first list a Checker sees for a URL is
// accepted if it verifies. The 1EdTech revocation list is unsigned JSON:
// whoever controls its URL or the connection decides what it says, and it
// has no date to guard against rollback. The checker does not hide who fetches lists
// (the specification suggests proxies or OHTTP): give it a Fetcher that
// does, if that matters.
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
package status
