package presentation_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/presentation"
	"github.com/openbadges-go/openbadges/proof"
)

// A holder presents a badge to a verifier, who checks the presentation
// with the challenge and domain it gave out.
func ExampleVerifyPresentation() {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) }
	key := func(seed byte) proof.Key { // fixed keys: for examples only
		k, _ := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{seed}, 32))
		return proof.Key{Signer: k.Signer, VerificationMethod: k.ID}
	}
	issuerKey, holderKey := key(1), key(9)
	holderDID, _, _ := strings.Cut(holderKey.VerificationMethod, "#") // the key's controller

	// The issuer's badge about the holder.
	iss := &badge.Issuer{Key: issuerKey, Now: now}
	c, _ := badge.NewCredential(iss.Profile("Example University"),
		badge.NewAchievement("https://example.edu/a/go", "Go", "Writes Go.", "Pass the project."),
		badge.RecipientDID(holderDID), &badge.CredentialOptions{Now: now})
	signed, err := iss.Issue(ctx, c)
	if err != nil {
		fmt.Println(err)
		return
	}

	// The holder's presentation for this verifier.
	vp, err := presentation.Sign(ctx, holderKey, [][]byte{signed.Bytes()}, &presentation.SignOptions{
		Challenge: "1f2d0c9e", Domain: "jobs.example", Now: now,
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	v, _ := badge.NewVerifier(badge.VerifierOptions{Now: now})
	opts := presentation.Options{Challenge: "1f2d0c9e", Domain: "jobs.example", Verifier: v}
	res, err := presentation.VerifyPresentation(ctx, vp, opts)
	fmt.Println(res.Verified, err)
	for _, ch := range res.Checks {
		fmt.Println(ch.ID, ch.Status)
	}

	// Replayed to another verifier, with its own challenge:
	opts.Challenge = "77aa41b0"
	_, err = presentation.VerifyPresentation(ctx, vp, opts)
	fmt.Println(errors.Is(err, presentation.ErrChallengeMismatch))
	// Output:
	// true <nil>
	// parse passed
	// structure passed
	// holder_proof passed
	// challenge passed
	// domain passed
	// credentials passed
	// holder_binding passed
	// recipient skipped
	// true
}
