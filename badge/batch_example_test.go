package badge_test

import (
	"bytes"
	"context"
	"fmt"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

// ExampleBatch_Run awards one achievement to a stream of recipients. The
// results come back in input order; a bad row is reported and the others
// are issued.
func ExampleBatch_Run() {
	k, _ := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{1}, 32))
	iss := &badge.Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}}
	b := &badge.Batch{
		Issuer:  iss,
		Profile: iss.Profile("Example University"),
		Achievement: badge.NewAchievement("https://example.edu/achievements/go-101", "Go 101",
			"Writes, tests and benchmarks Go.", "Passed the final project."),
	}
	rows := []badge.BatchItem{
		{Row: 1, Recipient: badge.RecipientDID("did:example:ann")},
		{Row: 2, Recipient: badge.RecipientEmail("bob@example.edu")},
		{Row: 3, Recipient: badge.RecipientEmail("Bob@Example.edu")},
		{Row: 4, Recipient: badge.RecipientEmail("carl.example.edu")},
	}
	items := func(yield func(badge.BatchItem) bool) {
		for _, it := range rows {
			if !yield(it) {
				return
			}
		}
	}
	p, err := b.Run(context.Background(), items, func(r *badge.BatchResult) error {
		if r.Err != nil {
			fmt.Println(r.Err)
		} else {
			fmt.Printf("row %d: issued %s\n", r.Item.Row, r.Signed.Format)
		}
		return nil // store r.Signed here, or in Batch.Save
	})
	fmt.Println(p.Done, "issued,", p.Failed, "failed,", err)
	// Output:
	// row 1: issued DataIntegrity
	// row 2: issued DataIntegrity
	// badge: batch row 3: duplicate recipient in batch (first in row 2)
	// badge: batch row 4: invalid e-mail address "carl.example.edu": missing '@' or angle-addr
	// 2 issued, 2 failed, <nil>
}
