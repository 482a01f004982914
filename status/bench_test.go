package status_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/status"
)

// BenchmarkCheckCached checks one index of a cached, verified list of
// 131,072 entries: the cost of a status check once the list is fetched.
func BenchmarkCheckCached(b *testing.B) {
	ctx := context.Background()
	k := testKey(b, 1)
	const url = "https://example.edu/status/bench"
	l, err := status.NewList(status.ListOptions{ID: url})
	require.NoError(b, err)
	for range 1000 {
		i, err := l.Allocate(nil)
		require.NoError(b, err)
		require.NoError(b, l.Set(i, 1))
	}
	e, err := l.Entry(77)
	require.NoError(b, err)
	signed, err := l.Sign(ctx, k, &status.SignOptions{Now: clock})
	require.NoError(b, err)
	cred := issue(b, k, e)
	entry := cred.Statuses()[0]
	ch := status.NewLocalChecker(map[string][]byte{url: signed}, nil)
	ch.Now = clock
	_, err = ch.CheckStatus(ctx, cred, entry) // fetch, verify, cache
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ch.CheckStatus(ctx, cred, entry); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckUncached includes fetching (in memory), verifying the
// list's eddsa-rdfc-2022 proof and decoding it on every check.
func BenchmarkCheckUncached(b *testing.B) {
	ctx := context.Background()
	k := testKey(b, 1)
	const url = "https://example.edu/status/bench"
	l, err := status.NewList(status.ListOptions{ID: url})
	require.NoError(b, err)
	e, err := l.Entry(77)
	require.NoError(b, err)
	signed, err := l.Sign(ctx, k, &status.SignOptions{Now: clock})
	require.NoError(b, err)
	cred := issue(b, k, e)
	entry := cred.Statuses()[0]
	ch := status.NewLocalChecker(map[string][]byte{url: signed}, nil)
	ch.Now = clock
	ch.CacheTTL = -1
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ch.CheckStatus(ctx, cred, entry); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode decodes a 131,072-entry list.
func BenchmarkDecode(b *testing.B) {
	bits, err := status.NewBitstring(0, 1)
	require.NoError(b, err)
	for i := 0; i < bits.Len(); i += 97 {
		require.NoError(b, bits.Set(i, 1))
	}
	enc, err := bits.Encode(status.FormatBitstring)
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := status.Decode(enc, status.FormatBitstring, 1, nil); err != nil {
			b.Fatal(err)
		}
	}
}
