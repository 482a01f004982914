package learner_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/learner"
	"github.com/openbadges-go/openbadges/proof"
)

// A learner imports a badge and summarizes what they hold.
func ExampleWallet_Summary() {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) }
	uni, _ := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{1}, 32)) // fixed keys: for examples only
	ada, _ := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{9}, 32))
	iss := &badge.Issuer{Key: proof.Key{Signer: uni.Signer, VerificationMethod: uni.ID}, Now: now}

	a := badge.NewAchievement("https://example.edu/a/sql", "SQL", "Writes SQL.", "Pass the exam.")
	a.AchievementType = badge.AchievementTypeCourse
	a.Alignment = badge.Many(badge.NewAlignment("SQL", "https://esco.example/skill/sql"))
	a.CreditsAvailable = "3"
	c, _ := badge.NewCredential(iss.Profile("Example University"), a, badge.RecipientDID(ada.Controller), &badge.CredentialOptions{Now: now})
	c.CredentialSubject.CreditsEarned = "3"
	signed, err := iss.Issue(ctx, c)
	if err != nil {
		fmt.Println(err)
		return
	}

	v, _ := badge.NewVerifier(badge.VerifierOptions{Now: now})
	w, _ := learner.NewWallet(badge.NewProfile(ada.Controller, "Ada"), &learner.Options{Verifier: v})
	e, err := w.Import(ctx, signed.Bytes())
	fmt.Println(e.Format, e.Verified(), err)

	s := w.Summary()
	fmt.Println(s.Verified, s.Issuers[0].Name, s.AchievementTypes[0].Type, s.Alignments[0].TargetName, s.Credits.Earned)
	fmt.Println(strings.HasPrefix(s.Issuers[0].ID, "did:key:"))
	// Output:
	// json true <nil>
	// 1 Example University Course SQL 3
	// true
}
