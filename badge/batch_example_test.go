package badge_test

import (
	"bytes"
	"context"
	"fmt"
	"iter"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
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

// ExampleBatch_Run_resume makes a batch crash-safe: Reserve stores each
// credential's id and status index before it is signed (here in a map; a
// real journal appends and fsyncs), and a run resumed after a crash passes
// the stored reservation back with the credential that was stored, if any:
// it is adopted, not signed again.
func ExampleBatch_Run_resume() {
	k, _ := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{1}, 32))
	iss := &badge.Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}}
	list, _ := status.NewList(status.ListOptions{ID: "https://example.edu/status/1"})
	b := &badge.Batch{
		Issuer:  iss,
		Profile: iss.Profile("Example University"),
		Achievement: badge.NewAchievement("https://example.edu/achievements/go-101", "Go 101",
			"Writes, tests and benchmarks Go.", "Passed the final project."),
		Status:  list,
		Workers: 1, // Save is called from one goroutine: the map needs no lock
	}
	journal := map[int]badge.BatchReservation{} // row -> reservation
	stored := map[int][]byte{}                  // row -> credential
	b.Reserve = func(_ context.Context, rs []*badge.BatchResult) error {
		for _, r := range rs {
			journal[r.Item.Row] = r.Reservation
		}
		return nil // durable here, before anything in rs is signed
	}
	b.Save = func(_ context.Context, r *badge.BatchResult) error {
		if !r.Adopted {
			stored[r.Item.Row] = r.Signed.Bytes()
		}
		return nil
	}
	// rows yields the learners, with what resumed (nil: a first run)
	// says of each.
	rows := func(resumed map[int]badge.BatchReservation) iter.Seq[badge.BatchItem] {
		return func(yield func(badge.BatchItem) bool) {
			for n, learner := range []string{"did:example:ann", "did:example:bob"} {
				it := badge.BatchItem{Row: n + 1, Recipient: badge.RecipientDID(learner)}
				if res, ok := resumed[it.Row]; ok {
					it.Reserved, it.Existing = &res, stored[it.Row]
				}
				if !yield(it) {
					return
				}
			}
		}
	}
	first := map[int]string{}
	_, err := b.Run(context.Background(), rows(nil), func(r *badge.BatchResult) error {
		first[r.Item.Row] = r.Signed.ID
		return nil
	})
	fmt.Println("first run:", err)

	// The crash: row 2's credential was signed, but never stored.
	delete(stored, 2)
	_, err = b.Run(context.Background(), rows(journal), func(r *badge.BatchResult) error {
		fmt.Printf("row %d: adopted %v, same id %v\n", r.Item.Row, r.Adopted, r.Signed.ID == first[r.Item.Row])
		return nil
	})
	fmt.Println("resumed:", err, "indexes allocated:", len(list.Allocated()))
	// Output:
	// first run: <nil>
	// row 1: adopted true, same id true
	// row 2: adopted false, same id true
	// resumed: <nil> indexes allocated: 2
}
