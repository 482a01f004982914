package status_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/internal/budget"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

// etagServer publishes one list over TLS with a strong ETag (a digest of
// the body) and answers If-None-Match with 304. It counts requests and
// 304s; down makes it answer 503.
type etagServer struct {
	*httptest.Server
	mu          sync.Mutex
	doc         []byte
	requests    atomic.Int32
	notModified atomic.Int32
	down        atomic.Bool
	lastINM     atomic.Value // string: the last If-None-Match received
}

func newETagServer(t *testing.T) *etagServer {
	s := &etagServer{}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		s.lastINM.Store(r.Header.Get("If-None-Match"))
		if s.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		s.mu.Lock()
		b := s.doc
		s.mu.Unlock()
		sum := sha256.Sum256(b)
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			s.notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/vc")
		w.Write(b)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *etagServer) set(b []byte) {
	s.mu.Lock()
	s.doc = b
	s.mu.Unlock()
}

// revocationFixture is a published list, a credential at one of its
// indexes, and a way to revoke it and republish.
type revocationFixture struct {
	srv    *etagServer
	url    string
	cred   *vc.Credential
	revoke func(signedAt time.Time)
	now    time.Time
}

func newRevocationFixture(t *testing.T) *revocationFixture {
	t.Helper()
	ctx := context.Background()
	f := &revocationFixture{srv: newETagServer(t), now: fixedNow}
	f.url = f.srv.URL + "/status/1"
	k := testKey(t, 1)
	l, err := status.NewList(status.ListOptions{ID: f.url})
	require.NoError(t, err)
	idx, err := l.Allocate(nil)
	require.NoError(t, err)
	e, err := l.Entry(idx)
	require.NoError(t, err)
	f.cred = issue(t, k, e)
	publish := func(at time.Time) {
		b, err := l.Sign(ctx, k, &status.SignOptions{Now: func() time.Time { return at }, ValidFor: 30 * 24 * time.Hour})
		require.NoError(t, err)
		f.srv.set(b)
	}
	publish(fixedNow)
	f.revoke = func(at time.Time) {
		require.NoError(t, l.Set(idx, 1))
		publish(at)
	}
	return f
}

func (f *revocationFixture) checker(mod func(*status.Checker)) *status.Checker {
	ch := &status.Checker{
		Fetcher: &status.HTTPFetcher{Client: f.srv.Client(), AllowPrivateAddresses: true, Timeout: 2 * time.Second},
		Now:     func() time.Time { return f.now },
	}
	if mod != nil {
		mod(ch)
	}
	return ch
}

func (f *revocationFixture) check(t *testing.T, ch *status.Checker) (vc.StatusOutcome, error) {
	t.Helper()
	res, err := ch.CheckStatus(context.Background(), f.cred, entryMap(t, f.cred))
	require.NotNil(t, res)
	return res.Outcome, err
}

// TestRevocationSeenByARunningVerifier: a list is valid and cached, then
// its publisher revokes the credential; each way of learning it.
func TestRevocationSeenByARunningVerifier(t *testing.T) {
	for _, tc := range []struct {
		name  string
		mod   func(*status.Checker)
		after func(t *testing.T, f *revocationFixture, ch *status.Checker)
		want  vc.StatusOutcome
		// requests the publisher saw after the first fetch
		requests int32
	}{
		{
			name:     "without revalidation the cached valid list is served for its cache lifetime",
			mod:      func(ch *status.Checker) { ch.RevalidateAfter = -1 },
			after:    func(t *testing.T, f *revocationFixture, ch *status.Checker) { f.now = f.now.Add(4 * time.Minute) },
			want:     vc.StatusValid,
			requests: 0,
		},
		{
			name:     "Forget drops the cached list and the next check sees the revocation",
			mod:      func(ch *status.Checker) { ch.RevalidateAfter = -1 },
			after:    func(t *testing.T, f *revocationFixture, ch *status.Checker) { ch.Forget(f.url) },
			want:     vc.StatusRevoked,
			requests: 1,
		},
		{
			name:     "ForgetAll drops every cached list",
			mod:      func(ch *status.Checker) { ch.RevalidateAfter = -1 },
			after:    func(t *testing.T, f *revocationFixture, ch *status.Checker) { ch.ForgetAll() },
			want:     vc.StatusRevoked,
			requests: 1,
		},
		{
			name:     "before RevalidateAfter the cached list is served without asking",
			after:    func(t *testing.T, f *revocationFixture, ch *status.Checker) { f.now = f.now.Add(29 * time.Second) },
			want:     vc.StatusValid,
			requests: 0,
		},
		{
			name: "after the default RevalidateAfter the changed list replaces the cached one",
			after: func(t *testing.T, f *revocationFixture, ch *status.Checker) {
				f.now = f.now.Add(status.DefaultRevalidateAfter)
			},
			want:     vc.StatusRevoked,
			requests: 1,
		},
		{
			name:     "a caller-set RevalidateAfter",
			mod:      func(ch *status.Checker) { ch.RevalidateAfter = 5 * time.Second },
			after:    func(t *testing.T, f *revocationFixture, ch *status.Checker) { f.now = f.now.Add(6 * time.Second) },
			want:     vc.StatusRevoked,
			requests: 1,
		},
		{
			name: "MaxValidAge refetches a valid answer with a fetcher that cannot revalidate",
			mod: func(ch *status.Checker) {
				plain := ch.Fetcher
				ch.Fetcher = status.FetcherFunc(plain.Fetch) // not a ConditionalFetcher
				ch.MaxValidAge = time.Minute
			},
			after:    func(t *testing.T, f *revocationFixture, ch *status.Checker) { f.now = f.now.Add(61 * time.Second) },
			want:     vc.StatusRevoked,
			requests: 1,
		},
		{
			name:     "negative MaxValidAge asks the publisher at every valid answer",
			mod:      func(ch *status.Checker) { ch.MaxValidAge = -1 },
			want:     vc.StatusRevoked,
			requests: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newRevocationFixture(t)
			ch := f.checker(tc.mod)
			out, err := f.check(t, ch)
			require.NoError(t, err)
			require.Equal(t, vc.StatusValid, out)
			require.EqualValues(t, 1, f.srv.requests.Load())

			f.revoke(fixedNow) // same version: accepted
			if tc.after != nil {
				tc.after(t, f, ch)
			}
			out, err = f.check(t, ch)
			assert.Equal(t, tc.want, out, "%v", err)
			assert.Equal(t, tc.requests, f.srv.requests.Load()-1, "requests after the first fetch")
		})
	}
}

// TestNotModifiedKeepsTheCachedList: a 304 keeps the list, is one request
// (and one fetch of the verification's budget), and sends the ETag.
func TestNotModifiedKeepsTheCachedList(t *testing.T) {
	f := newRevocationFixture(t)
	ch := f.checker(nil)
	_, err := f.check(t, ch)
	require.NoError(t, err)
	assert.Empty(t, f.srv.lastINM.Load(), "the first fetch is unconditional")

	f.now = f.now.Add(31 * time.Second)
	ctx, b, _, cancel := budget.Start(context.Background(), budget.Limits{})
	defer cancel()
	res, err := ch.CheckStatus(ctx, f.cred, entryMap(t, f.cred))
	require.NoError(t, err)
	assert.Equal(t, vc.StatusValid, res.Outcome)
	assert.EqualValues(t, 2, f.srv.requests.Load())
	assert.EqualValues(t, 1, f.srv.notModified.Load())
	assert.NotEmpty(t, f.srv.lastINM.Load(), "If-None-Match sent")
	assert.Equal(t, 1, b.Usage().Fetches, "a 304 counts as a fetch")

	// Confirmed at +31 s: not asked again for RevalidateAfter.
	f.now = f.now.Add(29 * time.Second)
	_, err = f.check(t, ch)
	require.NoError(t, err)
	assert.EqualValues(t, 2, f.srv.requests.Load())
}

// TestFailedRevalidation: an unreachable publisher or a changed list that
// does not verify leaves the cached list in use, unless MaxValidAge
// forbids it (status unknown).
func TestFailedRevalidation(t *testing.T) {
	for _, tc := range []struct {
		name        string
		maxValidAge time.Duration
		break_      func(f *revocationFixture)
		want        vc.StatusOutcome
	}{
		{"unreachable publisher: cached list still served", 0, func(f *revocationFixture) { f.srv.down.Store(true) }, vc.StatusValid},
		{"unreachable publisher with MaxValidAge: status unknown", time.Minute, func(f *revocationFixture) { f.srv.down.Store(true) }, vc.StatusUnknownOutcome},
		{"tampered list: cached list still served", 0, func(f *revocationFixture) { f.srv.set([]byte(`{"tampered":true}`)) }, vc.StatusValid},
		{"tampered list with MaxValidAge: status unknown", time.Minute, func(f *revocationFixture) { f.srv.set([]byte(`{"tampered":true}`)) }, vc.StatusUnknownOutcome},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newRevocationFixture(t)
			ch := f.checker(func(ch *status.Checker) { ch.MaxValidAge = tc.maxValidAge })
			_, err := f.check(t, ch)
			require.NoError(t, err)
			tc.break_(f)
			f.now = f.now.Add(2 * time.Minute)
			out, err := f.check(t, ch)
			assert.Equal(t, tc.want, out)
			if tc.want == vc.StatusUnknownOutcome {
				assert.ErrorIs(t, err, vc.ErrStatusUnknown)
			} else {
				assert.NoError(t, err)
			}
			// Not asked again before RevalidateAfter.
			n := f.srv.requests.Load()
			f.now = f.now.Add(10 * time.Second)
			_, _ = f.check(t, ch)
			if tc.maxValidAge == 0 {
				assert.Equal(t, n, f.srv.requests.Load())
			}
		})
	}
}

// TestRevokedAnswerCachedBeyondMaxValidAge: MaxValidAge bounds valid
// answers only.
func TestRevokedAnswerCachedBeyondMaxValidAge(t *testing.T) {
	f := newRevocationFixture(t)
	f.revoke(fixedNow)
	ch := f.checker(func(ch *status.Checker) { ch.MaxValidAge = time.Second; ch.RevalidateAfter = -1 })
	out, _ := f.check(t, ch)
	require.Equal(t, vc.StatusRevoked, out)
	f.now = f.now.Add(time.Minute)
	out, _ = f.check(t, ch)
	assert.Equal(t, vc.StatusRevoked, out)
	assert.EqualValues(t, 1, f.srv.requests.Load())
}

// TestForgetKeepsRollbackMarks: forgetting a list does not let an older
// copy of it be accepted.
func TestForgetKeepsRollbackMarks(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	const url = "https://example.edu/status/r"
	l, err := status.NewList(status.ListOptions{ID: url})
	require.NoError(t, err)
	e, err := l.Entry(7)
	require.NoError(t, err)
	cred := issue(t, k, e)
	older, err := l.Sign(ctx, k, &status.SignOptions{Now: clock})
	require.NoError(t, err)
	newer, err := l.Sign(ctx, k, &status.SignOptions{Now: func() time.Time { return fixedNow.Add(time.Hour) }})
	require.NoError(t, err)
	f := &countingFetcher{doc: newer}
	ch := &status.Checker{Fetcher: f, Now: func() time.Time { return fixedNow.Add(2 * time.Hour) }}
	_, err = ch.CheckStatus(ctx, cred, entryMap(t, cred))
	require.NoError(t, err)

	f.mu.Lock()
	f.doc = older
	f.mu.Unlock()
	ch.Forget(url)
	_, err = ch.CheckStatus(ctx, cred, entryMap(t, cred))
	assert.ErrorIs(t, err, status.ErrStatusListRollback)
	assert.EqualValues(t, 2, f.n.Load())
}

// TestForgetDuringFetch: a list fetched while Forget is called answers
// the checks that waited for it but is not cached.
func TestForgetDuringFetch(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	const url = "https://example.edu/status/f"
	l, err := status.NewList(status.ListOptions{ID: url})
	require.NoError(t, err)
	e, err := l.Entry(3)
	require.NoError(t, err)
	cred := issue(t, k, e)
	doc, err := l.Sign(ctx, k, &status.SignOptions{Now: clock})
	require.NoError(t, err)
	started, release := make(chan struct{}), make(chan struct{})
	var fetches atomic.Int32
	fetcher := status.FetcherFunc(func(ctx context.Context, u string) ([]byte, error) {
		if fetches.Add(1) == 1 {
			close(started)
			<-release
		}
		return doc, nil
	})
	ch := &status.Checker{Fetcher: fetcher, Now: clock}
	done := make(chan error)
	go func() {
		_, err := ch.CheckStatus(ctx, cred, entryMap(t, cred))
		done <- err
	}()
	<-started
	ch.Forget(url)
	close(release)
	require.NoError(t, <-done)
	_, err = ch.CheckStatus(ctx, cred, entryMap(t, cred))
	require.NoError(t, err)
	assert.EqualValues(t, 2, fetches.Load(), "the list fetched across Forget was not cached")
}

// TestForgetConcurrentWithChecks runs checks, Forget and ForgetAll
// together (for -race).
func TestForgetConcurrentWithChecks(t *testing.T) {
	f := newRevocationFixture(t)
	ch := f.checker(func(ch *status.Checker) { ch.Now = clock })
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			switch i % 4 {
			case 0:
				ch.Forget(f.url)
			case 1:
				ch.ForgetAll()
			default:
				res, err := ch.CheckStatus(context.Background(), f.cred, f.cred.Statuses()[0])
				assert.NoError(t, err)
				assert.Equal(t, vc.StatusValid, res.Outcome)
			}
		})
	}
	wg.Wait()
}
