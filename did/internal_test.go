package did

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRedirectRules(t *testing.T) {
	f := newFetcher(netSettings{})
	check := f.client.CheckRedirect
	req := func(s string) *http.Request {
		u, _ := url.Parse(s)
		return &http.Request{URL: u}
	}
	a, b := req("https://a.example/x"), req("https://b.example/y")
	assert.NoError(t, check(b, []*http.Request{a}))
	assert.ErrorContains(t, check(a, []*http.Request{a, b}), "redirect loop")
	assert.ErrorContains(t, check(req("https://c.example/"), []*http.Request{a, b, req("https://d.example/"), req("https://e.example/")}), "more than 3 redirects")
	assert.ErrorContains(t, check(req("http://b.example/"), []*http.Request{a}), "non-https")
	assert.ErrorIs(t, check(req("https://127.0.0.1/"), []*http.Request{a}), ErrAddressNotAllowed)
	assert.ErrorIs(t, check(req("https://169.254.169.254/"), []*http.Request{a}), ErrAddressNotAllowed)

	open := newFetcher(netSettings{allowPrivate: true, maxRedirects: -1})
	assert.NoError(t, open.client.CheckRedirect(req("https://127.0.0.1/"), nil))
	assert.Error(t, open.client.CheckRedirect(req("https://127.0.0.1/"), []*http.Request{a}), "negative MaxRedirects: none")
}

// TestFetcherNeverDefaultClient checks that the fetcher owns its client.
func TestFetcherNeverDefaultClient(t *testing.T) {
	f := newFetcher(netSettings{})
	assert.NotSame(t, http.DefaultClient, f.client)
	c := &http.Client{}
	f = newFetcher(netSettings{client: c, allowPrivate: true})
	assert.NotSame(t, c, f.client, "the caller's client is copied, not modified")
	assert.Nil(t, c.CheckRedirect)
	assert.Equal(t, int64(DefaultMaxBytes), f.maxBytes)
	assert.Equal(t, DefaultTimeout, f.timeout)
}

func TestCachingResolver(t *testing.T) {
	ctx := context.Background()
	var calls atomic.Int64
	next := ResolverFunc(func(ctx context.Context, id string) (*Document, error) {
		calls.Add(1)
		if id == "did:example:fail" {
			return nil, newError(id, CodeNotFound, ErrNotFound, "")
		}
		return &Document{ID: id, AlsoKnownAs: []string{"x"}}, nil
	})
	c := NewCachingResolver(next, 2, time.Minute)
	now := time.Unix(1000, 0)
	c.now = func() time.Time { return now }

	d1, err := c.Resolve(ctx, "did:example:1")
	require.NoError(t, err)
	d1.AlsoKnownAs[0] = "mutated"
	d1b, err := c.Resolve(ctx, "did:example:1")
	require.NoError(t, err)
	assert.Equal(t, "x", d1b.AlsoKnownAs[0], "callers get copies")
	assert.EqualValues(t, 1, calls.Load())

	// LRU: 1 is most recent, so adding 2 and 3 evicts 2... after touching 1.
	_, _ = c.Resolve(ctx, "did:example:2")
	_, _ = c.Resolve(ctx, "did:example:1")
	_, _ = c.Resolve(ctx, "did:example:3")
	assert.Equal(t, 2, c.Len())
	calls.Store(0)
	_, _ = c.Resolve(ctx, "did:example:1")
	assert.EqualValues(t, 0, calls.Load(), "1 was recently used and kept")
	_, _ = c.Resolve(ctx, "did:example:2")
	assert.EqualValues(t, 1, calls.Load(), "2 was evicted")

	// TTL.
	calls.Store(0)
	now = now.Add(2 * time.Minute)
	_, _ = c.Resolve(ctx, "did:example:2")
	assert.EqualValues(t, 1, calls.Load(), "expired entries are fetched again")

	// Errors are not cached.
	calls.Store(0)
	_, err = c.Resolve(ctx, "did:example:fail")
	assert.ErrorIs(t, err, ErrNotFound)
	_, _ = c.Resolve(ctx, "did:example:fail")
	assert.EqualValues(t, 2, calls.Load())
}

// TestConcurrentResolution is meant for -race: a shared cache in front of
// the default resolver and a shared HTTPS resolver, used from many
// goroutines.
func TestConcurrentResolution(t *testing.T) {
	ctx := context.Background()
	c := NewCachingResolver(DefaultResolver(), 8, time.Minute)
	web := &WebResolver{}
	var keys []string
	for i := 0; i < 16; i++ {
		seed := make([]byte, 32)
		seed[0] = byte(i)
		k, err := NewEd25519KeyFromSeed(seed)
		require.NoError(t, err)
		keys = append(keys, k.ID)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 256)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 32; i++ {
				id := keys[(g+i)%len(keys)]
				vm, err := Dereference(ctx, c, id, AssertionMethod)
				if err != nil || vm.ID != id {
					errs <- fmt.Errorf("%s: %v", id, err)
				}
				// The lazily built fetcher is shared; the guard refuses at once.
				if _, err := web.Resolve(ctx, "did:web:localhost"); !errors.Is(err, ErrAddressNotAllowed) {
					errs <- fmt.Errorf("web: %v", err)
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.LessOrEqual(t, c.Len(), 8)
}
