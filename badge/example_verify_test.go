package badge_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

func ExampleVerifier_Verify() {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC) }

	// An issuer with a deterministic did:key (a real one uses did.GenerateKey).
	seed := sha256.Sum256([]byte("example issuer"))
	key, _ := did.NewEd25519KeyFromSeed(seed[:])
	iss := &badge.Issuer{Key: proof.Key{Signer: key.Signer, VerificationMethod: key.ID}, Now: now}
	achievement := badge.NewAchievement("https://example.edu/achievements/teamwork", "Teamwork",
		"Works well in a team.", "Nominated by peers and confirmed by staff.")
	cred, _ := badge.NewCredential(iss.Profile("Example University"), achievement,
		badge.RecipientDID("did:example:learner"), &badge.CredentialOptions{Now: now})
	signed, err := iss.Issue(ctx, cred)
	if err != nil {
		fmt.Println(err)
		return
	}

	v, _ := badge.NewVerifier(badge.VerifierOptions{Now: now})
	res, err := v.Verify(ctx, signed.JSON)
	fmt.Println("verified:", err == nil)
	for _, c := range res.Checks {
		fmt.Printf("%-15s %s\n", c.ID, c.Status)
	}
	// Output:
	// verified: true
	// parse           passed
	// context         passed
	// type            passed
	// schema          passed
	// subject         passed
	// proof           passed
	// issuer_binding  passed
	// refresh         skipped
	// validity_period passed
	// related_resource skipped
	// status          skipped
	// endorsements    skipped
	// recipient       skipped
}
