package store_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/store"
)

// Example records a credential with a revocation entry, retries the same
// request (idempotency key), revokes the credential and publishes the
// re-signed list.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "store-example")
	defer os.RemoveAll(dir)
	s, err := store.Open(ctx, filepath.Join(dir, "issuer.db")) // or "postgres://..."
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	_ = s.EnsurePool(ctx, store.Pool{Name: "revocation", BaseURL: "https://example.edu/status/revocation-"})

	// 1. Reserve before signing: the id and the status entry are durable.
	req := store.Reservation{Key: "request-42", Recipient: "did:example:ada",
		Achievement: "https://example.edu/achievements/teamwork", Format: "ldp_vc", Pools: []string{"revocation"}}
	cs, _ := s.Reserve(ctx, req)
	c := cs[0]
	entry := c.Status[0].Status() // 2. written into the credential, then signed
	fmt.Println(entry.Type, entry.StatusPurpose, entry.StatusListCredential)
	// 3. Store what was signed.
	done, _ := s.Complete(ctx, store.Completion{ID: c.ID, Signed: []byte(`{"id":"` + c.ID + `"}`)})
	fmt.Println(done[0].Replayed)

	// A retried request gets the first credential back.
	again, _ := s.Reserve(ctx, req)
	fmt.Println(again[0].Replayed, again[0].ID == c.ID, string(again[0].Signed) == string(done[0].Signed))

	// Revoke, then re-sign the list once (a Publisher's Run does this after
	// each burst of changes, one signer per list across processes).
	ch, _ := s.SetStatus(ctx, c.ID, status.PurposeRevocation, true)
	fmt.Println(ch.Changed, ch.Version)
	k, _ := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{1}, 32))
	key := proof.Key{Signer: k.Signer, VerificationMethod: k.ID}
	p := &store.Publisher{Store: s, Sign: func(ctx context.Context, l *status.List) ([]byte, error) {
		return l.Sign(ctx, key, nil)
	}}
	published, _ := p.PublishStale(ctx)
	fmt.Println(published)
	l, _ := s.List(ctx, published[0])
	parsed, _ := status.ParseList(l.Signed, 1, nil)
	v, _ := parsed.Get(c.Status[0].Index)
	fmt.Println(v, l.ETag != "")
	// Output:
	// BitstringStatusListEntry revocation https://example.edu/status/revocation-1
	// false
	// true true true
	// true 2
	// [https://example.edu/status/revocation-1]
	// 1 true
}
