package did

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// Defaults for [NewCachingResolver].
const (
	DefaultCacheEntries = 1024
	DefaultCacheTTL     = 5 * time.Minute
)

// CachingResolver wraps a Resolver with a bounded, least-recently-used
// cache whose entries expire after a TTL. Only successful resolutions are
// cached. Each call returns its own copy of the document, so callers may
// modify it. It is safe for concurrent use; concurrent misses for the same
// DID may each call the wrapped resolver.
type CachingResolver struct {
	next Resolver
	max  int
	ttl  time.Duration
	now  func() time.Time

	mu    sync.Mutex
	order *list.List // front = most recently used; values are *cacheEntry
	items map[string]*list.Element
}

type cacheEntry struct {
	key     string
	doc     *Document
	expires time.Time
}

// NewCachingResolver returns a cache of at most maxEntries documents (0
// means DefaultCacheEntries) kept for ttl (0 means DefaultCacheTTL) in
// front of next.
func NewCachingResolver(next Resolver, maxEntries int, ttl time.Duration) *CachingResolver {
	if maxEntries <= 0 {
		maxEntries = DefaultCacheEntries
	}
	if ttl <= 0 {
		ttl = DefaultCacheTTL
	}
	return &CachingResolver{next: next, max: maxEntries, ttl: ttl, now: time.Now, order: list.New(), items: make(map[string]*list.Element)}
}

// Resolve implements [Resolver].
func (c *CachingResolver) Resolve(ctx context.Context, did string) (*Document, error) {
	now := c.now()
	c.mu.Lock()
	if el, ok := c.items[did]; ok {
		e := el.Value.(*cacheEntry)
		if now.Before(e.expires) {
			c.order.MoveToFront(el)
			doc := e.doc
			c.mu.Unlock()
			return doc.Clone(), nil
		}
		c.order.Remove(el)
		delete(c.items, did)
	}
	c.mu.Unlock()

	doc, err := c.next.Resolve(ctx, did)
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, wrapError(did, CodeInternal, errNilDocument)
	}
	stored := doc.Clone()
	c.mu.Lock()
	if el, ok := c.items[did]; ok {
		c.order.Remove(el)
	}
	c.items[did] = c.order.PushFront(&cacheEntry{key: did, doc: stored, expires: now.Add(c.ttl)})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).key)
	}
	c.mu.Unlock()
	return doc, nil
}

// Len returns the number of cached documents, expired ones included until
// they are next looked up or evicted.
func (c *CachingResolver) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
