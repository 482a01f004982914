package status_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

// countingFetcher serves one document and counts fetches.
type countingFetcher struct {
	mu  sync.Mutex
	doc []byte
	n   atomic.Int32
}

func (f *countingFetcher) Fetch(ctx context.Context, url string) ([]byte, error) {
	f.n.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.doc, nil
}

func TestCacheHonoursTTLAndValidUntil(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	const url = "https://example.edu/status/c"
	for _, tc := range []struct {
		name     string
		ttl      time.Duration
		validFor time.Duration
		cacheTTL time.Duration
		fresh    time.Duration // still cached after this
		stale    time.Duration // refetched after this
	}{
		{name: "default cache time", fresh: 4 * time.Minute, stale: 6 * time.Minute},
		{name: "ttl", ttl: time.Hour, fresh: 59 * time.Minute, stale: 61 * time.Minute},
		{name: "validUntil before ttl", ttl: time.Hour, validFor: 10 * time.Minute, fresh: 9 * time.Minute, stale: 11 * time.Minute},
		{name: "ttl capped at MaxCacheTTL", ttl: 72 * time.Hour, fresh: 23 * time.Hour, stale: 25 * time.Hour},
		{name: "caching off", cacheTTL: -1, fresh: -1, stale: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := status.NewList(status.ListOptions{ID: url, TTL: tc.ttl})
			require.NoError(t, err)
			e, err := l.Entry(1)
			require.NoError(t, err)
			cred := issue(t, k, e)
			b, err := l.Sign(ctx, k, &status.SignOptions{Now: clock, ValidFor: tc.validFor})
			require.NoError(t, err)
			f := &countingFetcher{doc: b}
			now := fixedNow
			ch := &status.Checker{Fetcher: f, Now: func() time.Time { return now }, CacheTTL: tc.cacheTTL, ClockSkew: -1}
			_, err = ch.CheckStatus(ctx, cred, entryMap(t, cred))
			require.NoError(t, err)
			require.EqualValues(t, 1, f.n.Load())
			if tc.fresh >= 0 {
				now = fixedNow.Add(tc.fresh)
				_, err = ch.CheckStatus(ctx, cred, entryMap(t, cred))
				require.NoError(t, err)
				assert.EqualValues(t, 1, f.n.Load(), "served from the cache")
			}
			now = fixedNow.Add(tc.stale)
			_, _ = ch.CheckStatus(ctx, cred, entryMap(t, cred))
			assert.EqualValues(t, 2, f.n.Load(), "fetched again")
		})
	}
}

func TestCacheBoundedAndConcurrent(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	docs := map[string][]byte{}
	var creds []*vc.Credential
	for i := range 4 {
		url := "https://example.edu/status/" + string(rune('a'+i))
		l, err := status.NewList(status.ListOptions{ID: url})
		require.NoError(t, err)
		e, err := l.Entry(i)
		require.NoError(t, err)
		docs[url], err = l.Sign(ctx, k, &status.SignOptions{Now: clock})
		require.NoError(t, err)
		creds = append(creds, issue(t, k, e))
	}
	var fetches atomic.Int32
	static := status.StaticFetcher(docs)
	f := status.FetcherFunc(func(ctx context.Context, u string) ([]byte, error) {
		fetches.Add(1)
		return static.Fetch(ctx, u)
	})
	ch := &status.Checker{Fetcher: f, Now: clock, MaxCacheEntries: 2}
	var wg sync.WaitGroup
	for range 8 {
		for _, c := range creds {
			wg.Go(func() {
				res, err := ch.CheckStatus(ctx, c, c.Statuses()[0])
				assert.NoError(t, err)
				assert.Equal(t, vc.StatusValid, res.Outcome)
			})
		}
	}
	wg.Wait()
	assert.GreaterOrEqual(t, fetches.Load(), int32(4))
	assert.Less(t, fetches.Load(), int32(32), "concurrent checks share fetches")
}
