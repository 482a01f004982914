package status

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"time"

	"github.com/openbadges-go/openbadges/proof"
)

// DefaultRevalidateAfter is how long a [Checker] uses a cached list before
// it asks the publisher whether it changed (see [Checker.RevalidateAfter]).
const DefaultRevalidateAfter = 30 * time.Second

// Forget drops every cached copy of the list fetched from url (a status
// list or a 1EdTech revocation list, whatever verifier or relaxation it
// was accepted with), and every cached list whose own status was read
// from it. The next check that needs it fetches it again. A fetch already
// under way when Forget is called still answers the checks waiting for it,
// but its list is not cached; a check that starts after Forget returns
// never uses a copy fetched before.
//
// Forget keeps the rollback marks (see [Checker]): a list older than one
// already accepted for url is still refused. It is safe for concurrent use.
// A publisher that changes a list it serves calls it so that its own
// verifiers see the change at once ("openbadges serve" does).
func (ch *Checker) Forget(url string) {
	ch.once.Do(ch.init)
	ch.mu.Lock()
	defer ch.mu.Unlock()
	ch.gen++
	for k, l := range ch.cache {
		if l.url == url || slices.Contains(l.deps, url) {
			ch.dropLocked(k)
		}
	}
	for k, call := range ch.inflight {
		if call.url == url {
			delete(ch.inflight, k)
		}
	}
}

// ForgetAll drops every cached list, as [Checker.Forget] does for one. The
// rollback marks are kept.
func (ch *Checker) ForgetAll() {
	ch.once.Do(ch.init)
	ch.mu.Lock()
	defer ch.mu.Unlock()
	ch.gen++
	clear(ch.cache)
	clear(ch.inflight)
	ch.bytes = 0
}

// cacheKey is the cache key of the list at url for a check with ctx.
func (ch *Checker) cacheKey(ctx context.Context, typ, url string) string {
	key := typ + " " + url
	if pv, ok := ctx.Value(proofsKey{}).(*proof.Verifier); ok {
		// A list verified by another verifier (other keys, other
		// allow-lists) is not this one's.
		key += fmt.Sprintf(" %p", pv)
	}
	if r := ch.relax(ctx); r != (relaxations{}) {
		// A list accepted with a relaxation is not one accepted without.
		key += " relax=" + r.String()
	}
	return key
}

func (ch *Checker) revalidateAfter() time.Duration {
	if ch.RevalidateAfter == 0 {
		return DefaultRevalidateAfter
	}
	return ch.RevalidateAfter
}

// revalidates reports whether cached lists are revalidated after
// RevalidateAfter.
func (ch *Checker) revalidates() bool {
	_, ok := ch.fetcher.(ConditionalFetcher)
	return ok && ch.RevalidateAfter >= 0
}

// tooOld reports whether a valid answer read from l needs l to be asked
// about again first (MaxValidAge). fresh: this check fetched or
// revalidated l.
func (ch *Checker) tooOld(l *cachedList, fresh bool) bool {
	switch {
	case ch.MaxValidAge == 0 || fresh:
		return false
	case ch.MaxValidAge < 0:
		return true
	}
	return ch.now().Sub(l.validated) > ch.MaxValidAge
}

// list returns the verified list at url, from the cache or fetched, and
// whether this call fetched it or had it confirmed by the publisher. A
// cached list is revalidated when maxAge says it must be (nonzero: it was
// validated longer than maxAge ago, or always when negative), and then a
// failure is the answer; or when RevalidateAfter has passed since it was
// last asked about, and then a failure leaves the cached list in use.
//
// Only one fetch per key runs at a time; others wait for it. While
// checking a list's own status (n set) nothing waits for another fetch, so
// two lists that name each other cannot deadlock.
func (ch *Checker) list(ctx context.Context, typ, url string, n *nesting, maxAge time.Duration) (*cachedList, bool, error) {
	key := ch.cacheKey(ctx, typ, url)
	depth := 0
	if n != nil {
		depth = n.depth
	}
	ch.mu.Lock()
	var old *cachedList
	must := false
	pv, _ := ctx.Value(proofsKey{}).(*proof.Verifier)
	if l, ok := ch.cache[key]; ok {
		now := ch.now()
		switch {
		case l.revoked == nil && l.verifiedBy != pv:
			// Another verifier's list (never the case while the entry
			// holds its verifier: a second guard on the key).
			ch.dropLocked(key)
		case !now.Before(l.expires) || ch.rollbackLocked(url, l) != nil:
			ch.dropLocked(key)
		case maxAge < 0 || maxAge > 0 && now.Sub(l.validated) > maxAge:
			old, must = l, true
		case ch.revalidates() && now.Sub(l.checked) >= ch.revalidateAfter():
			// Other checks keep using the cached list meanwhile, and do
			// not ask again before RevalidateAfter, whatever the answer.
			old = l
			c := *l
			c.checked = now
			ch.cache[key] = &c
		default:
			ch.mu.Unlock()
			return l, false, nil
		}
	}
	gen := ch.gen
	if depth > 0 {
		ch.mu.Unlock()
		l, err := ch.load(ctx, typ, url, depth, old)
		if err == nil {
			ch.mu.Lock()
			ch.storeLocked(key, l, gen)
			ch.mu.Unlock()
		}
		return settle(l, old, must, err)
	}
	if call, ok := ch.inflight[key]; ok {
		ch.mu.Unlock()
		select {
		case <-call.done:
			return settle(call.list, old, must, call.err)
		case <-ctx.Done():
			return nil, false, newError(ErrRetrieval, url, ctx.Err(), "waiting for the list")
		}
	}
	call := &loadCall{url: url, done: make(chan struct{})}
	ch.inflight[key] = call
	ch.mu.Unlock()

	call.list, call.err = ch.load(ctx, typ, url, depth, old)

	ch.mu.Lock()
	if ch.inflight[key] == call {
		delete(ch.inflight, key)
	}
	if call.err == nil {
		ch.storeLocked(key, call.list, gen)
	}
	ch.mu.Unlock()
	close(call.done)
	return settle(call.list, old, must, call.err)
}

// settle is the answer of list after a fetch: the new list (fresh), or on
// failure the cached one old when the revalidation was not a must.
func settle(l, old *cachedList, must bool, err error) (*cachedList, bool, error) {
	if err != nil {
		if old != nil && !must {
			return old, false, nil
		}
		return nil, false, err
	}
	return l, true, nil
}

// load fetches the list at url and verifies it. With old (the cached
// list) it revalidates: it asks with old's ETag, and keeps old (a copy
// marked validated now) when the publisher says it is unchanged or sends
// the same bytes. A list with its own credentialStatus is always loaded
// anew, so that status is checked again.
func (ch *Checker) load(ctx context.Context, typ, url string, depth int, old *cachedList) (*cachedList, error) {
	if old != nil && old.hasStatus {
		old = nil
	}
	etag := ""
	if old != nil {
		etag = old.etag
	}
	doc, err := ch.fetch(ctx, url, etag)
	if err != nil {
		return nil, err
	}
	now := ch.now()
	var sum [32]byte
	if !doc.NotModified {
		sum = sha256.Sum256(doc.Body)
	}
	if old != nil && (doc.NotModified || sum == old.digest) {
		l := *old
		l.validated, l.checked = now, now
		if doc.ETag != "" {
			l.etag = doc.ETag
		}
		return &l, nil
	}
	var l *cachedList
	if typ == TypeRevocationList {
		l, err = ch.loadRevocationList(ctx, url, doc.Body)
	} else {
		l, err = ch.loadStatusList(ctx, typ, url, depth, doc.Body)
	}
	if err != nil {
		return nil, err
	}
	l.url, l.etag, l.digest, l.validated, l.checked = url, doc.ETag, sum, now, now
	return l, nil
}

// fetch gets the document at url, conditionally on etag when the fetcher
// can, mapping failures to ErrRetrieval.
func (ch *Checker) fetch(ctx context.Context, url, etag string) (*Fetched, error) {
	var doc *Fetched
	if cf, ok := ch.fetcher.(ConditionalFetcher); ok {
		d, err := cf.FetchConditional(ctx, url, etag)
		if err != nil {
			return nil, newError(ErrRetrieval, url, err, "")
		}
		if d == nil {
			return nil, newError(ErrRetrieval, url, nil, "no response")
		}
		doc = d
	} else {
		body, err := ch.fetcher.Fetch(ctx, url)
		if err != nil {
			return nil, newError(ErrRetrieval, url, err, "")
		}
		doc = &Fetched{Body: body}
	}
	if doc.NotModified {
		if etag == "" {
			return nil, newError(ErrRetrieval, url, nil, "not modified, though nothing was asked")
		}
		return doc, nil
	}
	if len(bytes.TrimSpace(doc.Body)) == 0 {
		return nil, newError(ErrRetrieval, url, nil, "empty response")
	}
	return doc, nil
}

// storeLocked caches l under key, unless the cache was told to forget
// since gen (a list fetched before a Forget is not cached after it).
func (ch *Checker) storeLocked(key string, l *cachedList, gen uint64) {
	if ch.CacheTTL < 0 || gen != ch.gen {
		return
	}
	maxEntries, maxBytes := ch.MaxCacheEntries, ch.MaxCacheBytes
	if maxEntries <= 0 {
		maxEntries = DefaultMaxCacheEntries
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxCacheBytes
	}
	ch.dropLocked(key)
	if l.size > maxBytes {
		return
	}
	now := ch.now()
	for k, e := range ch.cache {
		if !now.Before(e.expires) {
			ch.dropLocked(k)
		}
	}
	for len(ch.cache) >= maxEntries || ch.bytes+l.size > maxBytes {
		// Evict the entry that would expire first.
		var victim string
		var first time.Time
		for k, e := range ch.cache {
			if victim == "" || e.expires.Before(first) {
				victim, first = k, e.expires
			}
		}
		if victim == "" {
			break
		}
		ch.dropLocked(victim)
	}
	ch.cache[key] = l
	ch.bytes += l.size
}

func (ch *Checker) dropLocked(key string) {
	if l, ok := ch.cache[key]; ok {
		ch.bytes -= l.size
		delete(ch.cache, key)
	}
}

// expiry is when a list fetched now stops being cached.
func (ch *Checker) expiry(now time.Time, ttl time.Duration, validUntil time.Time) time.Time {
	d := ch.CacheTTL
	if d == 0 {
		d = DefaultCacheTTL
	}
	if ttl > 0 {
		d = ttl
	}
	maxTTL := ch.MaxCacheTTL
	if maxTTL <= 0 {
		maxTTL = DefaultMaxCacheTTL
	}
	exp := now.Add(min(d, maxTTL))
	if !validUntil.IsZero() && validUntil.Before(exp) {
		exp = validUntil
	}
	return exp
}
