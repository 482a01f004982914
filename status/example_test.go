package status_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

// Example issues a credential with a Bitstring Status List entry,
// publishes the list, revokes the credential, re-signs the list, and
// checks the status before and after.
func Example() {
	ctx := context.Background()
	k, _ := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{1}, 32))
	key := proof.Key{Signer: k.Signer, VerificationMethod: k.ID}
	now := func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }
	const listURL = "https://example.edu/status/1"

	// Issuer: a list, a random index, the entry in the credential.
	list, _ := status.NewList(status.ListOptions{ID: listURL, TTL: time.Hour})
	index, _ := list.Allocate(nil)
	entry, _ := list.Entry(index)
	unsigned := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:1","type":["VerifiableCredential"],` +
		`"issuer":"` + k.Controller + `","credentialSubject":{"id":"did:example:alice"}}`)
	withStatus, _ := status.AddStatus(unsigned, entry)
	signed, _ := proof.AddDataIntegrityProof(ctx, withStatus, key, &proof.DataIntegrityOptions{Now: now})
	cred, _ := vc.Parse(signed)

	check := func() {
		published, _ := list.Sign(ctx, key, &status.SignOptions{Now: now})
		// Verifier: here the published list is served from memory.
		checker := status.NewLocalChecker(map[string][]byte{listURL: published}, nil)
		checker.Now = now
		res, err := checker.CheckStatus(ctx, cred, cred.Statuses()[0])
		fmt.Println(res.Outcome, errors.Is(err, vc.ErrRevoked))
	}
	check()
	_ = list.Set(index, 1) // revoke, then re-sign and republish
	check()
	// Output:
	// valid false
	// revoked true
}

// ExampleChecker_unknown shows that a list that cannot be fetched gives
// "status unknown", which fails closed, with the reason.
func ExampleChecker_unknown() {
	ctx := context.Background()
	cred, _ := vc.Parse([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:example:issuer",` +
		`"credentialSubject":{},"credentialStatus":{"type":"BitstringStatusListEntry","statusPurpose":"revocation",` +
		`"statusListIndex":"7","statusListCredential":"https://example.edu/status/gone"}}`))
	checker := status.NewLocalChecker(nil, nil)
	res, err := checker.CheckStatus(ctx, cred, cred.Statuses()[0])
	var se *status.Error
	errors.As(err, &se)
	fmt.Println(res.Outcome, errors.Is(err, vc.ErrStatusUnknown), se.Code())
	// Output: unknown true STATUS_RETRIEVAL_ERROR
}

// ExampleRevocationList publishes a 1EdTech Revocation List under both
// array names.
func ExampleRevocationList() {
	l := &status.RevocationList{ID: "https://example.edu/revocations", Issuer: "https://example.edu/issuer"}
	l.Revoke("urn:uuid:1")
	b, _ := json.Marshal(l)
	fmt.Println(string(b))
	// Output: {"id":"https://example.edu/revocations","issuer":"https://example.edu/issuer","revokedCredentials":[{"id":"urn:uuid:1","revoked":true}],"revokedCredential":[{"id":"urn:uuid:1","revoked":true}]}
}

// ExampleDecode reads the spec's example encodedList.
func ExampleDecode() {
	b, err := status.Decode("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", status.FormatBitstring, 1, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	v, _ := b.Get(42)
	fmt.Println(b.Len(), v)
	// Output: 131072 0
}

// ExampleChecker_rollback shows that a Checker that has seen a list
// revoking a credential refuses an older copy of that list, which does
// not: the status is unknown, never valid.
func ExampleChecker_rollback() {
	ctx := context.Background()
	k, _ := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{1}, 32))
	key := proof.Key{Signer: k.Signer, VerificationMethod: k.ID}
	at := func(h int) *status.SignOptions {
		return &status.SignOptions{Now: func() time.Time { return time.Date(2026, 3, 1, h, 0, 0, 0, time.UTC) }}
	}
	const listURL = "https://example.edu/status/1"
	list, _ := status.NewList(status.ListOptions{ID: listURL})
	entry, _ := list.Entry(42)
	unsigned := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:1","type":["VerifiableCredential"],` +
		`"issuer":"` + k.Controller + `","credentialSubject":{"id":"did:example:alice"}}`)
	withStatus, _ := status.AddStatus(unsigned, entry)
	signed, _ := proof.AddDataIntegrityProof(ctx, withStatus, key, &proof.DataIntegrityOptions{Created: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)})
	cred, _ := vc.Parse(signed)

	before, _ := list.Sign(ctx, key, at(10)) // 10:00, index 42 clear
	_ = list.Set(42, 1)
	after, _ := list.Sign(ctx, key, at(11)) // 11:00, index 42 set

	served := after
	checker := &status.Checker{
		Fetcher:  status.FetcherFunc(func(context.Context, string) ([]byte, error) { return served, nil }),
		Now:      func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) },
		CacheTTL: -1, // fetch every time
	}
	res, _ := checker.CheckStatus(ctx, cred, cred.Statuses()[0])
	fmt.Println(res.Outcome)
	served = before // someone serves the older list
	res, err := checker.CheckStatus(ctx, cred, cred.Statuses()[0])
	fmt.Println(res.Outcome, errors.Is(err, status.ErrStatusListRollback))
	// Output:
	// revoked
	// unknown true
}

// A publisher that revokes a credential makes its own verifier see it at
// the next check; other verifiers see it after RevalidateAfter (ETag
// revalidation), and MaxValidAge bounds how old a valid answer may be.
func ExampleChecker_Forget() {
	checker := &status.Checker{
		RevalidateAfter: 10 * time.Second, // ask the publisher (If-None-Match) after 10 s
		MaxValidAge:     time.Minute,      // a valid answer from a list confirmed at most a minute ago
	}
	// ... after re-signing and republishing https://example.edu/status/1:
	checker.Forget("https://example.edu/status/1")
	fmt.Println(status.DefaultRevalidateAfter)
	// Output: 30s
}
