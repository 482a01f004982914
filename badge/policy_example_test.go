package badge_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

// A profile name from a flag or a configuration file.
func ExampleParsePolicy() {
	p, err := badge.ParsePolicy("interop")
	fmt.Println(p, err)
	_, err = badge.ParsePolicy("lenient")
	fmt.Println(err)
	// Output:
	// interop <nil>
	// badge: unknown verification policy "lenient" (valid: strict, interop, 1edtech-validator)
}

// What a profile changes, check by check.
func ExamplePolicy_Rules() {
	for _, r := range badge.Policy1EdTechValidator.Rules() {
		fmt.Printf("%s (%s)\n", r.Option, r.Check)
	}
	// Output:
	// AllowedCryptosuites+eddsa-2022 (proof)
	// RequireAllProofs (proof)
	// InsecureFragmentKeys (issuer_binding)
	// InsecureEmbeddedJWK (issuer_binding)
	// InsecureDIDKeyIssuer (issuer_binding)
	// AllowListIDMismatch (status)
	// LenientAssociations (associations)
}

// What the interop profile changes: Open Badges conformance, the legacy
// suites (eddsa-2022, Ed25519Signature2018: verified, never issued) and
// status lists from real ecosystems.
func ExamplePolicy_Rules_interop() {
	for _, r := range badge.PolicyInterop.Rules() {
		fmt.Printf("%s (%s)\n", r.Option, r.Check)
	}
	// Output:
	// AllowNonconforming (type)
	// AllowNonconforming (schema)
	// AllowUnknownSchemas (schema)
	// AllowNonconforming (subject)
	// AllowedCryptosuites+eddsa-2022 (proof)
	// AllowedCryptosuites+Ed25519Signature2018 (proof)
	// AllowShortLists (status)
	// AllowForeignListSigner (status)
	// AllowListIDMismatch (status)
	// AllowInvalidEndorsements (endorsements)
}

// A badge whose subject has no id fails strict verification; the interop
// profile accepts it and says why on the check it relaxed.
func ExampleVerifierOptions_policy() {
	ctx := context.Background()
	k, _ := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{1}, 32))
	now := func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }
	doc, _ := json.Marshal(map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        "urn:uuid:2b1e9c39-4f5e-4a57-9f6b-6a8f0b6d3c21",
		"type":      []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":    map[string]any{"id": k.Controller, "type": []any{"Profile"}, "name": "Example University"},
		"validFrom": "2026-01-01T00:00:00Z", "name": "Teamwork",
		"credentialSubject": map[string]any{"type": []any{"AchievementSubject"}, // no id, no identifier
			"achievement": map[string]any{"id": "https://example.edu/achievements/teamwork", "type": []any{"Achievement"},
				"name": "Teamwork", "description": "Works well in a team.", "criteria": map[string]any{"narrative": "Nominated by peers."}}},
	})
	signed, _ := proof.AddDataIntegrityProof(ctx, doc, proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, &proof.DataIntegrityOptions{Now: now})

	for _, p := range []badge.Policy{badge.PolicyStrict, badge.PolicyInterop} {
		v, err := badge.NewVerifier(badge.VerifierOptions{Policy: p, Now: now})
		if err != nil {
			fmt.Println(err)
			return
		}
		res, err := v.Verify(ctx, signed)
		c := res.Check(badge.CheckSubject)
		fmt.Printf("%s: verified %t, subject %s\n", p, err == nil, c.Status)
		var re *badge.RelaxedError
		if errors.As(c.Err, &re) {
			fmt.Printf("  relaxed by %s (policy %s): %s\n", re.Option, re.Policy, re.Detail)
		}
	}
	// Output:
	// strict: verified false, subject failed
	// interop: verified true, subject warning
	//   relaxed by AllowNonconforming (policy interop): the achievement subject has neither id nor identifier
}
