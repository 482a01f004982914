package clr_test

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

// A university bundles a learner's badges into a Comprehensive Learner
// Record, signs it, and a verifier checks the record and every credential
// inside it.
func Example() {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) }
	k, _ := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{7}, 32))
	key := proof.Key{Signer: k.Signer, VerificationMethod: k.ID}
	uni := badge.NewProfile(k.Controller, "Example University")
	const learner = "did:example:learner"

	// One badge for the learner.
	a := badge.NewAchievement("https://example.edu/achievements/sql", "SQL", "Writes SQL.", "Passed the exam.")
	cred, _ := badge.NewCredential(uni, a, badge.RecipientDID(learner), &badge.CredentialOptions{Now: now})
	signed, err := (&badge.Issuer{Key: key, Now: now}).Issue(ctx, cred)
	if err != nil {
		fmt.Println(err)
		return
	}

	// The record holds it, and says what it is part of.
	rec, _ := clr.New(uni, learner, &clr.Options{Now: now})
	if err := rec.AddCredential(signed.Bytes()); err != nil {
		fmt.Println(err)
		return
	}
	rec.CredentialSubject.AddAchievement(badge.NewAchievement("https://example.edu/achievements/data", "Data Certificate", "A certificate.", "Earn SQL."))
	rec.CredentialSubject.Association = []clr.Association{
		clr.NewAssociation(clr.IsPartOf, "https://example.edu/achievements/sql", "https://example.edu/achievements/data"),
	}
	srec, err := (&clr.Issuer{Key: key, Now: now}).Issue(ctx, rec)
	if err != nil {
		fmt.Println(err)
		return
	}

	bv, _ := badge.NewVerifier(badge.VerifierOptions{Now: now})
	v, _ := clr.NewVerifier(clr.VerifierOptions{Badges: bv})
	res, err := v.Verify(ctx, srec.Bytes())
	fmt.Println("verified:", err == nil, "credentials:", len(res.NestedResults()))
	fmt.Println(res.Check(clr.CheckAssociations).Status)
	// Output:
	// verified: true credentials: 1
	// passed
}

func ExampleIsRecord() {
	fmt.Println(clr.IsRecord([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","ClrCredential"]}`)))
	fmt.Println(clr.IsRecord([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","ClrCredential","OpenBadgeCredential"]}`)))
	fmt.Println(clr.IsRecord([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","OpenBadgeCredential"]}`)))
	// Output:
	// true
	// false
	// false
}
