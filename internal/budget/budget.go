// Package budget bounds the work of one verification: outbound fetches,
// bytes fetched, total time and credentials verified.
//
// A [Budget] travels in a [context.Context]. The top-level verification
// installs one with [Start]; every verification it starts in turn
// (endorsements, refreshed credentials, the credentials of a CLR or a
// presentation) finds it there and draws from it, so nothing below the top
// can reset it. The module's one HTTP path (did.GuardedClient) charges every
// request and every body byte to the budget of the request's context; the
// pipelines charge every credential they verify. The first limit reached
// is remembered, and every charge after it fails too.
//
// The package imports only the standard library, so package did, which
// imports nothing else of the module, can use it.
package budget

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of [Limits]. A verification of one badge with a handful of
// did:web or https keys, a status list, a refresh and a few endorsements
// stays well inside them; the forged credential of the security review
// (16 proofs, 32x32 endorsements) does not.
const (
	DefaultFetches     = 32
	DefaultBytes       = 4 << 20
	DefaultTime        = 30 * time.Second
	DefaultCredentials = 64
)

// Limits are the bounds of one verification. A zero field takes its
// default; a negative Fetches allows no fetch at all.
type Limits struct {
	// Fetches bounds the outbound HTTP requests (each redirect is one).
	Fetches int
	// Bytes bounds the bytes of the responses read (headers and bodies),
	// all fetches together.
	Bytes int64
	// Time bounds the whole verification.
	Time time.Duration
	// Credentials bounds the credentials verified: the top-level one,
	// endorsements at every depth, refreshed credentials, the credentials
	// inside a CLR or a presentation.
	Credentials int
}

// WithDefaults returns l with every zero field set to its default.
func (l Limits) WithDefaults() Limits {
	if l.Fetches == 0 {
		l.Fetches = DefaultFetches
	}
	if l.Bytes <= 0 {
		l.Bytes = DefaultBytes
	}
	if l.Time <= 0 {
		l.Time = DefaultTime
	}
	if l.Credentials <= 0 {
		l.Credentials = DefaultCredentials
	}
	return l
}

// ErrExceeded is matched by every [*Error].
var ErrExceeded = errors.New("openbadges: verification budget exceeded")

// Limit names the bound an [*Error] reports.
type Limit string

// The limits.
const (
	LimitFetches     Limit = "fetches"
	LimitBytes       Limit = "bytes"
	LimitTime        Limit = "time"
	LimitCredentials Limit = "credentials"
)

// Error reports a verification that reached one of its limits.
type Error struct {
	Limit Limit
	// Max is the limit (a count, bytes, or nanoseconds for LimitTime).
	Max int64
	// URL is the fetch that was refused, if any.
	URL string
	// Reason, when set, says why no fetch was allowed at all.
	Reason string
}

func (e *Error) Error() string {
	var s string
	switch e.Limit {
	case LimitFetches:
		if e.Reason != "" {
			s = "no fetch allowed: " + e.Reason
		} else {
			s = fmt.Sprintf("more than %d fetches", e.Max)
		}
	case LimitBytes:
		s = fmt.Sprintf("more than %d bytes fetched", e.Max)
	case LimitTime:
		s = fmt.Sprintf("time limit of %v reached", time.Duration(e.Max))
	case LimitCredentials:
		s = fmt.Sprintf("more than %d credentials to verify", e.Max)
	default:
		s = string(e.Limit)
	}
	if e.URL != "" {
		s += fmt.Sprintf(" (refused %q)", e.URL)
	}
	return ErrExceeded.Error() + ": " + s
}

// Is matches [ErrExceeded].
func (e *Error) Is(target error) bool { return target == ErrExceeded }

// state is what every view of one budget shares.
type state struct {
	limits   Limits
	deadline time.Time

	fetches     atomic.Int64
	bytes       atomic.Int64
	credentials atomic.Int64

	mu       sync.Mutex
	exceeded error
	memo     map[string]*Response
}

// Budget is the running account of one verification. It is safe for
// concurrent use. A nil *Budget allows everything and records nothing.
type Budget struct {
	s *state
	// noFetch, when set, refuses every outbound fetch (memoized responses
	// are still served): see [Budget.WithoutFetches].
	noFetch string
}

// New returns a budget with the limits l (zero fields take the defaults)
// whose time starts now.
func New(l Limits, now time.Time) *Budget {
	l = l.WithDefaults()
	return &Budget{s: &state{limits: l, deadline: now.Add(l.Time)}}
}

type ctxKey struct{}

// With returns ctx carrying b.
func With(ctx context.Context, b *Budget) context.Context {
	return context.WithValue(ctx, ctxKey{}, b)
}

// From returns the budget ctx carries, or nil.
func From(ctx context.Context) *Budget {
	b, _ := ctx.Value(ctxKey{}).(*Budget)
	return b
}

// Start returns ctx with a budget: the one ctx already carries (shared,
// never reset; owner false), or a new one with the limits l whose deadline
// bounds the returned context (owner true). Call cancel when the
// verification ends.
func Start(ctx context.Context, l Limits) (_ context.Context, b *Budget, owner bool, cancel context.CancelFunc) {
	if b := From(ctx); b != nil {
		return ctx, b, false, func() {}
	}
	b = New(l, time.Now())
	ctx = With(ctx, b)
	ctx, cancel = context.WithDeadlineCause(ctx, b.s.deadline, &Error{Limit: LimitTime, Max: int64(b.s.limits.Time)})
	return ctx, b, true, cancel
}

// Limits returns the budget's limits (the defaults for a nil budget).
func (b *Budget) Limits() Limits {
	if b == nil {
		return Limits{}.WithDefaults()
	}
	return b.s.limits
}

// WithoutFetches returns a view of b that shares its account but refuses
// every outbound fetch, for the reason given: the work below a credential
// whose own proof did not verify. A nil budget gives a new default one.
func (b *Budget) WithoutFetches(reason string) *Budget {
	if b == nil {
		b = New(Limits{}, time.Now())
	}
	return &Budget{s: b.s, noFetch: reason}
}

// exceed records err as the first exceedance (if it is) and returns it.
func (b *Budget) exceed(err *Error) error {
	b.s.mu.Lock()
	if b.s.exceeded == nil {
		b.s.exceeded = err
	}
	b.s.mu.Unlock()
	return err
}

// Fetch charges one outbound request to u.
func (b *Budget) Fetch(u string) error {
	if b == nil {
		return nil
	}
	if b.noFetch != "" {
		// A policy for one part of the verification, not the budget
		// running out: not recorded, the rest goes on.
		return &Error{Limit: LimitFetches, URL: u, Reason: b.noFetch}
	}
	max := int64(b.s.limits.Fetches)
	if max < 0 {
		return b.exceed(&Error{Limit: LimitFetches, URL: u, Reason: "the verifier's budget allows none"})
	}
	if b.s.fetches.Add(1) > max {
		return b.exceed(&Error{Limit: LimitFetches, Max: max, URL: u})
	}
	return nil
}

// Bytes charges n bytes read from a response (its status line and
// headers, and its body).
func (b *Budget) Bytes(n int64) error {
	if b == nil || n <= 0 {
		return nil
	}
	if b.s.bytes.Add(n) > b.s.limits.Bytes {
		return b.exceed(&Error{Limit: LimitBytes, Max: b.s.limits.Bytes})
	}
	return nil
}

// RemainingBytes is what may still be read.
func (b *Budget) RemainingBytes() int64 {
	if b == nil {
		return 1<<63 - 1
	}
	return max(0, b.s.limits.Bytes-b.s.bytes.Load())
}

// ExceedBytes reports (and records) a body of n bytes announced that would
// not fit.
func (b *Budget) ExceedBytes(u string) error {
	return b.exceed(&Error{Limit: LimitBytes, Max: b.s.limits.Bytes, URL: u})
}

// Credential charges one credential to verify.
func (b *Budget) Credential() error {
	if b == nil {
		return nil
	}
	max := int64(b.s.limits.Credentials)
	if b.s.credentials.Add(1) > max {
		return b.exceed(&Error{Limit: LimitCredentials, Max: max})
	}
	return nil
}

// Err returns the first limit reached: a count or size recorded by a
// charge, or the deadline. Nil while the budget holds.
func (b *Budget) Err() error {
	if b == nil {
		return nil
	}
	b.s.mu.Lock()
	err := b.s.exceeded
	b.s.mu.Unlock()
	if err != nil {
		return err
	}
	if !time.Now().Before(b.s.deadline) {
		return b.exceed(&Error{Limit: LimitTime, Max: int64(b.s.limits.Time)})
	}
	return nil
}

// Usage is what a budget has spent.
type Usage struct {
	Fetches     int
	Bytes       int64
	Credentials int
}

// Usage returns what b has spent so far (refused charges included).
func (b *Budget) Usage() Usage {
	if b == nil {
		return Usage{}
	}
	return Usage{Fetches: int(b.s.fetches.Load()), Bytes: b.s.bytes.Load(), Credentials: int(b.s.credentials.Load())}
}

// Cause returns the budget error that ended ctx (its time limit), or nil
// when ctx is live or ended for another reason.
func Cause(ctx context.Context) error {
	if ctx.Err() == nil {
		return nil
	}
	if c := context.Cause(ctx); errors.Is(c, ErrExceeded) {
		return c
	}
	return nil
}

// Wrap returns err with the budget error that ended ctx, when err is a
// context error caused by the budget's deadline; else err unchanged. An
// err already matching [ErrExceeded] is returned as it is.
func Wrap(ctx context.Context, err error) error {
	if err == nil || errors.Is(err, ErrExceeded) {
		return err
	}
	if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
		return err
	}
	if c := Cause(ctx); c != nil {
		return fmt.Errorf("%w: %w", c, err)
	}
	return err
}

// Response is a memoized HTTP response: a GET of the same URL with the
// same Accept header within one verification is answered from it, without
// a fetch and without charging its bytes again (they were charged once).
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Memo returns the response remembered under key.
func (b *Budget) Memo(key string) (*Response, bool) {
	if b == nil {
		return nil, false
	}
	b.s.mu.Lock()
	defer b.s.mu.Unlock()
	r, ok := b.s.memo[key]
	return r, ok
}

// Remember keeps r under key. The memo is bounded by the byte budget:
// every body in it was charged.
func (b *Budget) Remember(key string, r *Response) {
	if b == nil {
		return
	}
	b.s.mu.Lock()
	defer b.s.mu.Unlock()
	if b.s.memo == nil {
		b.s.memo = map[string]*Response{}
	}
	b.s.memo[key] = r
}
