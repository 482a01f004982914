package server_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/server"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

var hostNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// TestRepublishedListSeenAtOnce: a checker that forgets the lists a
// StatusLists republishes sees a revocation at the next check, and the
// hosted list's ETag changes with it.
func TestRepublishedListSeenAtOnce(t *testing.T) {
	ctx := context.Background()
	k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{7}, 32))
	require.NoError(t, err)
	key := proof.Key{Signer: k.Signer, VerificationMethod: k.ID}
	clock := func() time.Time { return hostNow }

	lists := &server.StatusLists{}
	ts := httptest.NewTLSServer(http.StripPrefix("/status", lists))
	defer ts.Close()
	url := ts.URL + "/status/1"
	ch := &status.Checker{
		Fetcher:         &status.HTTPFetcher{Client: ts.Client(), AllowPrivateAddresses: true, Timeout: 2 * time.Second},
		Now:             clock,
		RevalidateAfter: -1, // only Forget can make it see the change
	}
	var changed []string
	lists.OnChange = func(name string, urls []string) {
		changed = append(changed, name)
		for _, u := range urls {
			ch.Forget(u)
		}
	}

	l, err := status.NewList(status.ListOptions{ID: url})
	require.NoError(t, err)
	e, err := l.Entry(42)
	require.NoError(t, err)
	doc, err := status.AddStatus([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:0b7c8f3e-6a1d-4c55-9d0e-1f2a3b4c5d6e",`+
		`"type":["VerifiableCredential"],"issuer":"`+k.Controller+`","validFrom":"2026-01-01T00:00:00Z","credentialSubject":{"id":"did:example:bob"}}`), e)
	require.NoError(t, err)
	signed, err := proof.AddDataIntegrityProof(ctx, doc, key, &proof.DataIntegrityOptions{Now: clock})
	require.NoError(t, err)
	cred, err := vc.Parse(signed)
	require.NoError(t, err)
	publish := func() {
		b, err := l.Sign(ctx, key, &status.SignOptions{Now: clock})
		require.NoError(t, err)
		require.NoError(t, lists.Put("1", b))
	}
	etag := func() string {
		resp, err := ts.Client().Get(url)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.Header.Get("ETag")
	}
	check := func() vc.StatusOutcome {
		res, _ := ch.CheckStatus(ctx, cred, cred.Statuses()[0])
		return res.Outcome
	}

	publish()
	first := etag()
	assert.Equal(t, vc.StatusValid, check())

	publish() // the same bytes: no change, no notification
	assert.Equal(t, []string{"1"}, changed)
	assert.Equal(t, first, etag())

	require.NoError(t, l.Set(42, 1))
	publish()
	assert.Equal(t, []string{"1", "1"}, changed)
	assert.NotEqual(t, first, etag(), "the ETag changes with the list")
	assert.Equal(t, vc.StatusRevoked, check(), "seen at the next check")
}

// Make a verifier of the same process see a republished status list at
// once.
func ExampleStatusLists_OnChange() {
	checker := &status.Checker{}
	lists := &server.StatusLists{}
	lists.OnChange = func(name string, urls []string) {
		for _, u := range urls {
			checker.Forget(u)
		}
		fmt.Println("republished", name, urls)
	}
	_ = lists.Put("1", []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"https://example.edu/status/1","type":["VerifiableCredential","BitstringStatusListCredential"]}`))
	// Output: republished 1 [https://example.edu/status/1]
}
