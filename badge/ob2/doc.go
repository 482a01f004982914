// Package ob2 verifies Open Badges 2.0 assertions (hosted, signed and
// baked into PNG or SVG) and upgrades them to unsigned Open Badges 3.0
// AchievementCredentials.
//
// It follows the 2.0 specification's verification rules and the 1EdTech
// validator's behaviour, on the result type of the 3.0 kernel
// ([badge.VerificationResult]) with the same check ids where they mean the
// same (parse, context, type, proof, issuer_binding, validity_period,
// status, endorsements, recipient) and its own for 2.0 only
// ([CheckHosted], [CheckBadgeClass], [CheckExtensions]). The result's
// Family is [Family] ("OpenBadges2Assertion"), its View an [*Assertion].
//
//	v, _ := ob2.NewVerifier(ob2.Options{})          // guarded HTTPS fetches
//	if ob2.Is(data) {
//		res, err := v.Verify(ctx, data)             // JSON, JWS, URL, PNG, SVG
//		cred, _ := ob2.Upgrade(res, nil)            // unsigned OB 3.0, err when res did not verify
//	}
//
// What is checked, in order:
//   - parse: JSON (strict), a compact JWS, a URL, or the "openbadges" PNG
//     chunk / SVG openbadges:assertion (through [badge.Unbake]);
//   - context: the 2.0 context (embedded, never fetched) and JSON-LD safe
//     mode with the module's engine; the members verification reads must
//     be what the graph says (no aliases, IRIs or redefined terms);
//   - type: the class and its required members (IdentityObject, dates,
//     VerificationObject, image rules);
//   - extensions: every extension node of a known 1EdTech extension
//     (ExampleExtension, ApplyLink) is valid, and no other is accepted;
//   - hosted_verification: a hosted assertion is fetched from its id (410
//     Gone is a revocation) and that copy is verified;
//   - proof: a signed assertion's JWS (RS256/384/512, PS256, ES256, ES384)
//     verifies with the CryptographicKey its verification.creator names;
//   - badge_class: the BadgeClass (fetched or embedded) is valid;
//   - issuer_binding: the issuer Profile is fetched and valid and may speak
//     for the id it declares (same site as where it was served, or a
//     warning for a non-http id); a hosted assertion (id and final URL)
//     lies in its verification scope (startsWith, allowedOrigins, else the
//     issuer's site); a signed assertion's key is listed in the Profile's
//     publicKey and owned by it;
//   - validity_period: issuedOn not in the future, expires not past nor
//     before issuedOn (with clock skew);
//   - status: revoked: true on the hosted copy, or the assertion's id or
//     uid in the issuer's revocationList;
//   - endorsements: hosted Endorsements, each claiming a document of the
//     badge, issued by a Profile whose scope holds it;
//   - recipient: the IdentityObject (plain, sha256$ or md5$, salted)
//     against [badge.VerifyOptions].Recipient.
//
// Every fetch goes through [Options.Resources] first, then (unless
// Offline) the [Fetcher]: by default [HTTPFetcher], over
// [did.GuardedClient] (address guard, redirects to https only, the
// verification budget of [badge.WithBudget]), bounded in size and time.
//
// Not checked: Open Badges 1.0 and 1.1 documents (recognised, then refused
// at the context check), signed endorsements, extensions other than the
// two embedded ones, and the JSON Schema of 2.0 classes beyond the
// members listed above. Image URLs, criteria and evidence are not fetched.
package ob2
