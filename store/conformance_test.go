package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

// conformance is the suite every implementation passes: each case gets a
// fresh, empty store and its DSN.
var conformance = []struct {
	name string
	run  func(t *testing.T, s *DB, dsn string)
}{
	{"ReserveComplete", testReserveComplete},
	{"Idempotency", testIdempotency},
	{"IdempotencyConcurrent", testIdempotencyConcurrent},
	{"CompleteFirstWins", testCompleteFirstWins},
	{"Errors", testErrors},
	{"PoolMismatch", testPoolMismatch},
	{"AllocationRandomAndNewList", testAllocationNewList},
	{"AllocateThenBind", testAllocateThenBind},
	{"RevokeSuspend", testRevokeSuspend},
	{"PublishLease", testPublishLease},
	{"PublisherOncePerBurst", testPublisherOncePerBurst},
	{"PublisherRun", testPublisherRun},
	{"ConcurrentGoroutines", testConcurrentGoroutines},
	{"GroupCommitIsolation", testGroupCommitIsolation},
	{"ReopenKeepsState", testReopen},
	{"SchemaTooNew", testSchemaTooNew},
}

func TestConformance(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			for _, tc := range conformance {
				t.Run(tc.name, func(t *testing.T) {
					dsn := b.fresh(t)
					tc.run(t, openT(t, dsn), dsn)
				})
			}
		})
	}
}

func testReserveComplete(t *testing.T, s *DB, _ string) {
	ctx := context.Background()
	withPools(t, s, revPool, susPool)
	cs, err := s.Reserve(ctx, Reservation{Recipient: "did:example:ada", Achievement: "https://example.edu/a/1",
		Format: "ldp_vc", Pools: []string{"rev", "sus"}})
	require.NoError(t, err)
	require.Len(t, cs, 1)
	c := cs[0]
	assert.Regexp(t, `^urn:uuid:[0-9a-f-]{36}$`, c.ID)
	assert.False(t, c.Completed())
	require.Len(t, c.Status, 2)
	assert.Equal(t, "https://example.edu/status/rev-1", c.Status[0].List)
	assert.Equal(t, status.PurposeRevocation, c.Status[0].Purpose)
	assert.Equal(t, status.PurposeSuspension, c.Status[1].Purpose)
	e := c.Status[0].Status()
	assert.Equal(t, status.TypeBitstringEntry, e.Type)
	assert.Equal(t, fmt.Sprint(c.Status[0].Index), e.StatusListIndex)
	assert.Equal(t, e.StatusListCredential+"#"+e.StatusListIndex, e.ID)

	done, err := s.Complete(ctx, Completion{ID: c.ID, Signed: []byte(`{"signed":1}`)})
	require.NoError(t, err)
	assert.False(t, done[0].Replayed)
	got, err := s.Credential(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, `{"signed":1}`, string(got.Signed))
	assert.Equal(t, c.Status, got.Status)
	assert.Equal(t, "did:example:ada", got.Recipient)
	assert.Equal(t, "https://example.edu/a/1", got.Achievement)
	assert.Equal(t, "ldp_vc", got.Format)
	assert.False(t, got.Issued.Before(got.Reserved))
	assert.WithinDuration(t, time.Now(), got.Reserved, time.Minute)

	// A caller's own id.
	cs, err = s.Reserve(ctx, Reservation{ID: "https://example.edu/c/2", Recipient: "r", Pools: []string{"rev"}})
	require.NoError(t, err)
	assert.Equal(t, "https://example.edu/c/2", cs[0].ID)
}

func testIdempotency(t *testing.T, s *DB, _ string) {
	ctx := context.Background()
	withPools(t, s, revPool)
	r := Reservation{Key: "req-1", Fingerprint: []byte{1, 2, 3}, Recipient: "ada", Pools: []string{"rev"}}
	first, err := s.Reserve(ctx, r)
	require.NoError(t, err)
	assert.False(t, first[0].Replayed)
	again, err := s.Reserve(ctx, r)
	require.NoError(t, err)
	assert.True(t, again[0].Replayed)
	assert.Equal(t, first[0].ID, again[0].ID)
	assert.Equal(t, first[0].Status, again[0].Status, "the retry gets the first allocation, not a new one")
	l, err := s.List(ctx, first[0].Status[0].List)
	require.NoError(t, err)
	assert.Equal(t, 1, l.Allocated)

	_, err = s.Complete(ctx, Completion{ID: first[0].ID, Signed: []byte("cred")})
	require.NoError(t, err)
	again, err = s.Reserve(ctx, r)
	require.NoError(t, err)
	assert.Equal(t, "cred", string(again[0].Signed), "a retry after completion returns the first credential")
	byKey, err := s.CredentialByKey(ctx, "req-1")
	require.NoError(t, err)
	assert.Equal(t, first[0].ID, byKey.ID)

	other := r
	other.Fingerprint = []byte{9}
	_, err = s.Reserve(ctx, other)
	assert.ErrorIs(t, err, ErrKeyConflict)

	// Within one call: the second reservation with the key is the first's.
	cs, err := s.Reserve(ctx, Reservation{Key: "k2", Recipient: "x", Pools: []string{"rev"}},
		Reservation{Key: "k2", Recipient: "x", Pools: []string{"rev"}})
	require.NoError(t, err)
	assert.Equal(t, cs[0].ID, cs[1].ID)
	assert.True(t, cs[1].Replayed)
}

func testIdempotencyConcurrent(t *testing.T, s *DB, dsn string) {
	ctx := context.Background()
	withPools(t, s, revPool)
	// Several handles, as several processes would have.
	stores := []*DB{s, openT(t, dsn), openT(t, dsn)}
	var wg sync.WaitGroup
	ids := make([]string, 12)
	var fresh atomic.Int32
	for i := range ids {
		wg.Go(func() {
			cs, err := stores[i%len(stores)].Reserve(ctx, Reservation{Key: "same", Recipient: "ada", Pools: []string{"rev"}})
			if !assert.NoError(t, err) {
				return
			}
			ids[i] = cs[0].ID
			if !cs[0].Replayed {
				fresh.Add(1)
			}
		})
	}
	wg.Wait()
	assert.EqualValues(t, 1, fresh.Load(), "exactly one reservation is new")
	for _, id := range ids {
		assert.Equal(t, ids[0], id)
	}
}

func testCompleteFirstWins(t *testing.T, s *DB, _ string) {
	ctx := context.Background()
	cs, err := s.Reserve(ctx, Reservation{Recipient: "ada"})
	require.NoError(t, err)
	id := cs[0].ID
	a, err := s.Complete(ctx, Completion{ID: id, Signed: []byte("first")})
	require.NoError(t, err)
	assert.False(t, a[0].Replayed)
	b, err := s.Complete(ctx, Completion{ID: id, Signed: []byte("second")})
	require.NoError(t, err)
	assert.True(t, b[0].Replayed)
	assert.Equal(t, "first", string(b[0].Signed))
}

func testErrors(t *testing.T, s *DB, _ string) {
	ctx := context.Background()
	withPools(t, s, revPool)
	_, err := s.Reserve(ctx, Reservation{Recipient: "x", Pools: []string{"nope"}})
	assert.ErrorIs(t, err, ErrUnknownPool)
	cs, err := s.Reserve(ctx, Reservation{ID: "urn:x:1", Recipient: "x", Pools: []string{"rev"}})
	require.NoError(t, err)
	// All or none: the second reservation fails, so the first is not kept.
	_, err = s.Reserve(ctx, Reservation{ID: "urn:x:2", Recipient: "x", Pools: []string{"rev"}},
		Reservation{ID: "urn:x:1", Recipient: "y"})
	assert.ErrorIs(t, err, ErrExists)
	_, err = s.Credential(ctx, "urn:x:2")
	assert.ErrorIs(t, err, ErrNotFound)
	l, err := s.List(ctx, cs[0].Status[0].List)
	require.NoError(t, err)
	assert.Equal(t, 1, l.Allocated, "the rolled-back allocation is not counted")

	_, err = s.Complete(ctx, Completion{ID: "urn:x:nope", Signed: []byte("x")})
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = s.Complete(ctx, Completion{ID: "urn:x:1"})
	assert.ErrorIs(t, err, ErrInvalid)
	_, err = s.CredentialByKey(ctx, "nope")
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = s.List(ctx, "https://nope")
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = s.SetStatus(ctx, "urn:x:nope", status.PurposeRevocation, true)
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = s.SetStatus(ctx, "urn:x:1", "refresh", true)
	assert.ErrorIs(t, err, ErrInvalid)
	_, err = s.Allocate(ctx, "rev", 0)
	assert.ErrorIs(t, err, ErrInvalid)
	for _, p := range []Pool{{}, {Name: "a", BaseURL: "ftp://x/"}, {Name: "a", BaseURL: "https://x/", Purpose: "message"},
		{Name: "a", BaseURL: "https://x/", Entries: -1}} {
		assert.ErrorIs(t, s.EnsurePool(ctx, p), ErrInvalid, "%+v", p)
	}
}

func testPoolMismatch(t *testing.T, s *DB, _ string) {
	ctx := context.Background()
	withPools(t, s, revPool)
	require.NoError(t, s.EnsurePool(ctx, revPool), "the same pool again")
	changed := revPool
	changed.Entries = 128
	assert.ErrorIs(t, s.EnsurePool(ctx, changed), ErrPoolMismatch)
	taken := Pool{Name: "other", BaseURL: revPool.BaseURL}
	assert.ErrorIs(t, s.EnsurePool(ctx, taken), ErrPoolMismatch, "two pools cannot share a base URL")
}

func testAllocationNewList(t *testing.T, s *DB, _ string) {
	ctx := context.Background()
	small := Pool{Name: "small", BaseURL: "https://example.edu/s/", Entries: 16}
	withPools(t, s, small)
	byList := map[string][]int{}
	for range 5 {
		es, err := s.Allocate(ctx, "small", 8)
		require.NoError(t, err)
		for _, e := range es {
			byList[e.List] = append(byList[e.List], e.Index)
		}
	}
	require.Len(t, byList, 3, "40 indexes from lists of 16: three lists")
	for _, id := range []string{"https://example.edu/s/1", "https://example.edu/s/2"} {
		got := byList[id]
		require.Len(t, got, 16)
		assert.False(t, slices.IsSorted(got), "allocation order is random: %v", got)
		sorted := slices.Sorted(slices.Values(got))
		for i, v := range sorted {
			assert.Equal(t, i, v, "every index of a full list used once")
		}
		l, err := s.List(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, 16, l.Allocated)
	}
	assert.Len(t, byList["https://example.edu/s/3"], 8)

	// The order differs between lists (each has its own key).
	a, b := byList["https://example.edu/s/1"], byList["https://example.edu/s/2"]
	assert.NotEqual(t, a, b)
}

func testAllocateThenBind(t *testing.T, s *DB, _ string) {
	ctx := context.Background()
	withPools(t, s, revPool)
	es, err := s.Allocate(ctx, "rev", 2)
	require.NoError(t, err)
	cs, err := s.Reserve(ctx, Reservation{Recipient: "a", Entries: es[:1]})
	require.NoError(t, err)
	assert.Equal(t, es[:1], cs[0].Status)
	_, err = s.Reserve(ctx, Reservation{Recipient: "b", Entries: es[:1]})
	assert.ErrorIs(t, err, ErrConflict, "an entry is bound once")
	never := es[1]
	never.Index = (never.Index + 1) % 64
	if never.Index == es[0].Index {
		never.Index = (never.Index + 1) % 64
	}
	_, err = s.Reserve(ctx, Reservation{Recipient: "c", Entries: []Entry{never}})
	assert.ErrorIs(t, err, ErrConflict, "an index never allocated cannot be bound")
	ch, err := s.SetStatus(ctx, cs[0].ID, status.PurposeRevocation, true)
	require.NoError(t, err)
	assert.Equal(t, es[0].Index, ch.Index)
}

func testRevokeSuspend(t *testing.T, s *DB, _ string) {
	ctx := context.Background()
	withPools(t, s, revPool, susPool)
	cs, err := s.Reserve(ctx, Reservation{Recipient: "a", Pools: []string{"rev", "sus"}},
		Reservation{Recipient: "b", Pools: []string{"rev"}})
	require.NoError(t, err)
	a, b := cs[0], cs[1]
	rev := a.Status[0]
	l0, err := s.List(ctx, rev.List)
	require.NoError(t, err)

	ch, err := s.SetStatus(ctx, a.ID, status.PurposeRevocation, true)
	require.NoError(t, err)
	assert.True(t, ch.Changed)
	assert.Equal(t, rev.List, ch.List)
	assert.Equal(t, rev.Index, ch.Index)
	assert.Equal(t, l0.Version+1, ch.Version)
	ch, err = s.SetStatus(ctx, a.ID, status.PurposeRevocation, true)
	require.NoError(t, err)
	assert.False(t, ch.Changed, "revoking twice changes nothing")
	assert.Equal(t, l0.Version+1, ch.Version)
	_, err = s.SetStatus(ctx, a.ID, status.PurposeRevocation, false)
	assert.ErrorIs(t, err, ErrIrreversible)
	_, err = s.SetStatus(ctx, b.ID, status.PurposeRevocation, false)
	require.NoError(t, err, "clearing an entry that is not set changes nothing")

	ch, err = s.SetStatus(ctx, a.ID, status.PurposeSuspension, true)
	require.NoError(t, err)
	assert.True(t, ch.Changed)
	ch, err = s.SetStatus(ctx, a.ID, status.PurposeSuspension, false)
	require.NoError(t, err)
	assert.True(t, ch.Changed, "a suspension is lifted")
	_, err = s.SetStatus(ctx, b.ID, status.PurposeSuspension, true)
	assert.ErrorIs(t, err, ErrNoEntry)

	snap, err := s.Snapshot(ctx, rev.List)
	require.NoError(t, err)
	assert.Equal(t, []int{rev.Index}, snap.Set)
	sus, err := s.Snapshot(ctx, a.Status[1].List)
	require.NoError(t, err)
	assert.Empty(t, sus.Set)
	assert.Equal(t, int64(3), sus.Version, "set and cleared: two changes")
}

func testPublishLease(t *testing.T, s *DB, _ string) {
	ctx := context.Background()
	withPools(t, s, revPool)
	cs, err := s.Reserve(ctx, Reservation{Recipient: "a", Pools: []string{"rev"}})
	require.NoError(t, err)
	id := cs[0].Status[0].List
	stale, err := s.Stale(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{id}, stale, "a new list must be published")

	ok, err := s.Acquire(ctx, LeaseName(id), "A", time.Minute)
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = s.Acquire(ctx, LeaseName(id), "B", time.Minute)
	require.NoError(t, err)
	assert.False(t, ok, "one holder at a time")
	ok, err = s.Acquire(ctx, LeaseName(id), "A", time.Minute)
	require.NoError(t, err)
	assert.True(t, ok, "the holder renews")

	snap, err := s.Snapshot(ctx, id)
	require.NoError(t, err)
	_, err = s.Publish(ctx, id, "B", snap.Version, []byte("by B"))
	assert.ErrorIs(t, err, ErrLeaseLost)
	etag, err := s.Publish(ctx, id, "A", snap.Version, []byte("signed v1"))
	require.NoError(t, err)
	assert.Equal(t, ETag([]byte("signed v1")), etag)
	l, err := s.List(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "signed v1", string(l.Signed))
	assert.Equal(t, etag, l.ETag)
	assert.Equal(t, snap.Version, l.SignedVersion)
	stale, err = s.Stale(ctx)
	require.NoError(t, err)
	assert.Empty(t, stale)
	_, err = s.Publish(ctx, id, "A", snap.Version, []byte("again"))
	assert.ErrorIs(t, err, ErrStale, "never replaced by a list of the same or an older version")
	_, err = s.Publish(ctx, id, "A", snap.Version+5, []byte("future"))
	assert.ErrorIs(t, err, ErrInvalid)

	require.NoError(t, s.Release(ctx, LeaseName(id), "A"))
	ok, err = s.Acquire(ctx, LeaseName(id), "B", 10*time.Millisecond)
	require.NoError(t, err)
	assert.True(t, ok)
	time.Sleep(20 * time.Millisecond)
	ok, err = s.Acquire(ctx, LeaseName(id), "C", time.Minute)
	require.NoError(t, err)
	assert.True(t, ok, "an expired lease is free")
	_, err = s.Publish(ctx, id, "B", snap.Version, []byte("late"))
	assert.ErrorIs(t, err, ErrLeaseLost)
}

// signer returns a Sign function that counts its calls per list.
func signer(t testing.TB, counts *sync.Map) func(ctx context.Context, l *status.List) ([]byte, error) {
	key := testKey(t)
	return func(ctx context.Context, l *status.List) ([]byte, error) {
		n, _ := counts.LoadOrStore(l.Options().ID, new(atomic.Int32))
		n.(*atomic.Int32).Add(1)
		return l.Sign(ctx, key, nil)
	}
}

func testPublisherOncePerBurst(t *testing.T, s *DB, dsn string) {
	ctx := context.Background()
	withPools(t, s, revPool, susPool)
	var rs []Reservation
	for i := range 100 {
		rs = append(rs, Reservation{Recipient: fmt.Sprint(i), Pools: []string{"rev", "sus"}})
	}
	cs, err := s.Reserve(ctx, rs...)
	require.NoError(t, err)
	revoked := map[string]bool{}
	for i, c := range cs {
		if i%3 == 0 {
			_, err := s.SetStatus(ctx, c.ID, status.PurposeRevocation, true)
			require.NoError(t, err)
			revoked[c.ID] = true
		}
		if i%7 == 0 {
			_, err := s.SetStatus(ctx, c.ID, status.PurposeSuspension, true)
			require.NoError(t, err)
		}
	}
	stale, err := s.Stale(ctx)
	require.NoError(t, err)
	require.Len(t, stale, 4, "two lists per pool (64 entries each)")

	// Three publishers (on three handles) at once: each list is signed once.
	var counts sync.Map
	var wg sync.WaitGroup
	var published atomic.Int32
	var hooked sync.Map // Publisher.Published: each list once, by whoever signed it
	for i := range 3 {
		h := s
		if i > 0 {
			h = openT(t, dsn)
		}
		p := &Publisher{Store: h, Sign: signer(t, &counts), Published: func(id string) {
			n, _ := hooked.LoadOrStore(id, new(atomic.Int32))
			n.(*atomic.Int32).Add(1)
		}}
		wg.Go(func() {
			done, err := p.PublishStale(ctx)
			assert.NoError(t, err)
			published.Add(int32(len(done)))
		})
	}
	wg.Wait()
	// A list that a publisher found leased is left to its holder; none is
	// signed twice.
	counts.Range(func(k, v any) bool {
		assert.EqualValues(t, 1, v.(*atomic.Int32).Load(), "list %s", k)
		return true
	})
	assert.EqualValues(t, 4, published.Load())
	nHooked := 0
	hooked.Range(func(k, v any) bool {
		nHooked++
		assert.EqualValues(t, 1, v.(*atomic.Int32).Load(), "Published called once for %s", k)
		return true
	})
	assert.Equal(t, 4, nHooked, "Published is called for every list stored")
	stale, err = s.Stale(ctx)
	require.NoError(t, err)
	assert.Empty(t, stale)

	// Every list verifies and shows exactly the revoked set.
	key := testKey(t)
	lists := map[string][]byte{}
	for _, id := range []string{"https://example.edu/status/rev-1", "https://example.edu/status/rev-2",
		"https://example.edu/status/sus-1", "https://example.edu/status/sus-2"} {
		l, err := s.List(ctx, id)
		require.NoError(t, err)
		lists[id] = l.Signed
	}
	checker := status.NewLocalChecker(lists, nil)
	for i, c := range cs {
		cred := credentialWith(t, controller(key), c.ID, c.Status)
		res, err := checker.CheckStatus(ctx, cred, cred.Statuses()[0])
		if revoked[c.ID] {
			assert.ErrorIs(t, err, vc.ErrRevoked)
			assert.Equal(t, "revoked", res.Outcome.String(), "credential %d", i)
		} else {
			assert.NoError(t, err, "credential %d", i)
		}
	}
}

func testPublisherRun(t *testing.T, s *DB, _ string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	withPools(t, s, revPool)
	cs, err := s.Reserve(ctx, Reservation{Recipient: "a", Pools: []string{"rev"}})
	require.NoError(t, err)
	id := cs[0].Status[0].List
	var counts sync.Map
	// The quiet period is long enough that no pause inside the burst
	// below (20 changes, each a round trip, under -race on a loaded
	// machine) is taken for its end.
	p := &Publisher{Store: s, Sign: signer(t, &counts), Quiet: 1500 * time.Millisecond, MaxDelay: time.Minute, Interval: time.Hour,
		Errors: func(err error) { t.Error(err) }}
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()
	waitSigned := func(version int64) *List {
		t.Helper()
		for range 1500 {
			l, err := s.List(ctx, id)
			require.NoError(t, err)
			if l.SignedVersion >= version {
				return l
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("list %s not signed at version %d", id, version)
		return nil
	}
	waitSigned(1) // the new list, at once
	// A burst of 20 changes, each notified: one signing after it.
	var rs []Reservation
	for i := range 20 {
		rs = append(rs, Reservation{Recipient: fmt.Sprint(i), Pools: []string{"rev"}})
	}
	more, err := s.Reserve(ctx, rs...)
	require.NoError(t, err)
	for _, c := range more {
		_, err := s.SetStatus(ctx, c.ID, status.PurposeRevocation, true)
		require.NoError(t, err)
		p.Notify()
	}
	l := waitSigned(21)
	time.Sleep(300 * time.Millisecond)
	n, _ := counts.Load(id)
	assert.EqualValues(t, 2, n.(*atomic.Int32).Load(), "signed once when new, once after the burst")
	parsed, err := status.ParseList(l.Signed, 1, nil)
	require.NoError(t, err)
	for _, c := range more {
		v, _ := parsed.Get(c.Status[0].Index)
		assert.EqualValues(t, 1, v)
	}
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
}

func testConcurrentGoroutines(t *testing.T, s *DB, dsn string) {
	ctx := context.Background()
	small := Pool{Name: "small", BaseURL: "https://example.edu/g/", Entries: 100}
	withPools(t, s, small)
	stores := []*DB{s, openT(t, dsn)}
	const goroutines, each = 16, 25
	var mu sync.Mutex
	seen := map[Entry]string{}
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			st := stores[g%len(stores)]
			for i := 0; i < each; {
				n := 1 + (g+i)%3
				var rs []Reservation
				for k := range n {
					rs = append(rs, Reservation{Key: fmt.Sprintf("g%d-%d", g, i+k), Recipient: "r", Pools: []string{"small"}})
				}
				cs, err := st.Reserve(ctx, rs...)
				if !assert.NoError(t, err) {
					return
				}
				mu.Lock()
				for _, c := range cs {
					if other, dup := seen[c.Status[0]]; dup {
						t.Errorf("%v handed out twice: %s and %s", c.Status[0], other, c.ID)
					}
					seen[c.Status[0]] = c.ID
				}
				mu.Unlock()
				i += n
			}
		})
	}
	wg.Wait()
	// Every goroutine reserved `each` or a little more (its last call may
	// pass the count).
	assert.GreaterOrEqual(t, len(seen), goroutines*each)
	var total int
	for i := 1; ; i++ {
		l, err := s.List(ctx, fmt.Sprintf("https://example.edu/g/%d", i))
		if errors.Is(err, ErrNotFound) {
			break
		}
		require.NoError(t, err)
		total += l.Allocated
	}
	assert.Equal(t, len(seen), total)
}

func testReopen(t *testing.T, s *DB, dsn string) {
	ctx := context.Background()
	withPools(t, s, revPool)
	cs, err := s.Reserve(ctx, Reservation{Key: "k", Recipient: "a", Pools: []string{"rev"}})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	s2 := openT(t, dsn)
	got, err := s2.CredentialByKey(ctx, "k")
	require.NoError(t, err)
	assert.Equal(t, cs[0].ID, got.ID)
	assert.Equal(t, cs[0].Status, got.Status)
	more, err := s2.Reserve(ctx, Reservation{Recipient: "b", Pools: []string{"rev"}})
	require.NoError(t, err)
	assert.NotEqual(t, cs[0].Status[0].Index, more[0].Status[0].Index)
}

func testSchemaTooNew(t *testing.T, s *DB, dsn string) {
	ctx := context.Background()
	_, err := rawDB(t, s).ExecContext(ctx, s.q(`INSERT INTO ob_schema (version) VALUES (?)`), SchemaVersion()+1)
	require.NoError(t, err)
	_, err = Open(ctx, dsn)
	assert.ErrorIs(t, err, ErrSchemaTooNew)
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, dsn := range []string{"sqlite:", ":memory:", "file:x.db?mode=memory", "x.db?_pragma=foo"} {
		_, err := Open(ctx, dsn)
		assert.ErrorIs(t, err, ErrInvalid, dsn)
	}
	_, err := Open(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=2&sslmode=disable")
	assert.ErrorIs(t, err, ErrUnavailable)
	_, err = Open(ctx, "sqlite:"+t.TempDir()+"/no/such/dir/x.db")
	assert.ErrorIs(t, err, ErrUnavailable)
}

func TestPermute(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	for _, size := range []int{1, 2, 3, 16, 1000, 4097} {
		seen := make([]bool, size)
		for n := range size {
			i := permute(key, size, n)
			require.True(t, i >= 0 && i < size, "size %d: %d", size, i)
			require.False(t, seen[i], "size %d: %d twice", size, i)
			seen[i] = true
		}
	}
}

// testGroupCommitIsolation: concurrent calls are merged into one
// transaction, yet each gets its own outcome: a failing call does not fail
// the others, and concurrent completions of one id store the first.
func testGroupCommitIsolation(t *testing.T, s *DB, _ string) {
	ctx := context.Background()
	withPools(t, s, revPool)
	_, err := s.Reserve(ctx, Reservation{ID: "urn:x:taken", Recipient: "x"})
	require.NoError(t, err)
	for round := range 5 {
		var wg sync.WaitGroup
		errs := make([]error, 24)
		for i := range errs {
			wg.Go(func() {
				r := Reservation{ID: fmt.Sprintf("urn:x:%d-%d", round, i), Recipient: "x", Pools: []string{"rev"}}
				if i%4 == 0 {
					r.ID = "urn:x:taken"
				}
				_, errs[i] = s.Reserve(ctx, r)
			})
		}
		wg.Wait()
		for i, err := range errs {
			if i%4 == 0 {
				assert.ErrorIs(t, err, ErrExists, "call %d", i)
			} else {
				assert.NoError(t, err, "call %d", i)
			}
		}
	}
	cs, err := s.Reserve(ctx, Reservation{Recipient: "y"})
	require.NoError(t, err)
	var wg sync.WaitGroup
	res := make([]Completed, 16)
	for i := range res {
		wg.Go(func() {
			out, err := s.Complete(ctx, Completion{ID: cs[0].ID, Signed: []byte(fmt.Sprint("copy ", i))})
			if assert.NoError(t, err) {
				res[i] = out[0]
			}
		})
	}
	wg.Wait()
	var first int
	for _, r := range res {
		if !r.Replayed {
			first++
		}
		assert.Equal(t, res[0].Signed, r.Signed, "every caller gets the stored credential")
	}
	assert.Equal(t, 1, first)
	got, err := s.Credential(ctx, cs[0].ID)
	require.NoError(t, err)
	assert.Equal(t, res[0].Signed, got.Signed)
}
