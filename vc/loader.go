package vc

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/internal/netguard"
)

// RemoteDocument is a loaded JSON-LD document, usually a context.
//
// Document is the parsed JSON (map[string]any, []any, string, json.Number,
// bool or nil). Loaders may share one Document between callers, so it must
// be treated as read-only.
type RemoteDocument struct {
	DocumentURL string
	Document    any
}

// DocumentLoader loads JSON-LD documents (contexts) by URL. Implementations
// must be safe for concurrent use and must honour ctx.
type DocumentLoader interface {
	LoadDocument(ctx context.Context, url string) (*RemoteDocument, error)
}

// DocumentLoaderFunc adapts a function to the DocumentLoader interface.
type DocumentLoaderFunc func(ctx context.Context, url string) (*RemoteDocument, error)

// LoadDocument calls f.
func (f DocumentLoaderFunc) LoadDocument(ctx context.Context, url string) (*RemoteDocument, error) {
	return f(ctx, url)
}

//go:embed contexts/*.json contexts/*.jsonld
var contextFS embed.FS

type embeddedSet struct {
	docs map[string]*RemoteDocument
	urls []string
}

// embedded parses the embedded contexts once. The result is immutable.
var embedded = sync.OnceValues(func() (*embeddedSet, error) {
	idx, err := contextFS.ReadFile("contexts/index.json")
	if err != nil {
		return nil, err
	}
	var index map[string]string
	if err := json.Unmarshal(idx, &index); err != nil {
		return nil, err
	}
	s := &embeddedSet{docs: make(map[string]*RemoteDocument, len(index))}
	for u, file := range index {
		b, err := contextFS.ReadFile("contexts/" + file)
		if err != nil {
			return nil, err
		}
		v, err := jsonx.Parse(b, nil)
		if err != nil {
			return nil, fmt.Errorf("vc: embedded context %s: %w", file, err)
		}
		s.docs[u] = &RemoteDocument{DocumentURL: u, Document: v}
		s.urls = append(s.urls, u)
	}
	slices.Sort(s.urls)
	return s, nil
})

// EmbeddedContexts lists the URLs of the contexts built into the library.
func EmbeddedContexts() []string {
	s, err := embedded()
	if err != nil {
		return nil
	}
	return slices.Clone(s.urls)
}

// EmbeddedContext returns the exact bytes of an embedded context.
func EmbeddedContext(url string) ([]byte, bool) {
	idx, err := contextFS.ReadFile("contexts/index.json")
	if err != nil {
		return nil, false
	}
	var index map[string]string
	if json.Unmarshal(idx, &index) != nil {
		return nil, false
	}
	f, ok := index[url]
	if !ok {
		return nil, false
	}
	b, err := contextFS.ReadFile("contexts/" + f)
	return b, err == nil
}

// EmbeddedLoader returns the default loader: it serves the contexts built
// into the library (the W3C VC 1.1 and 2.0 contexts, Data Integrity, the
// security suites, DID, status lists, Open Badges 3.0 and CLR 2.0; see
// [EmbeddedContexts]) and fails with an error matching [ErrUnknownContext]
// for any other URL. It never touches the network or the file system.
func EmbeddedLoader() DocumentLoader { return embeddedLoader{} }

type embeddedLoader struct{}

func (embeddedLoader) LoadDocument(ctx context.Context, u string) (*RemoteDocument, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s, err := embedded()
	if err != nil {
		return nil, fmt.Errorf("vc: embedded contexts unreadable: %w", err)
	}
	if d, ok := s.docs[u]; ok {
		return d, nil
	}
	return nil, &UnknownContextError{URL: u}
}

// StaticLoader serves the given documents (URL to JSON bytes), parsed once
// with the strict JSON reader, and refuses every other URL with
// [ErrUnknownContext]. Combine it with [EmbeddedLoader] through
// [ChainLoader] to add contexts of your own.
func StaticLoader(docs map[string][]byte) (DocumentLoader, error) {
	m := make(map[string]*RemoteDocument, len(docs))
	for u, b := range docs {
		v, err := jsonx.Parse(b, nil)
		if err != nil {
			return nil, fmt.Errorf("vc: context %q: %w", u, err)
		}
		m[u] = &RemoteDocument{DocumentURL: u, Document: v}
	}
	return DocumentLoaderFunc(func(ctx context.Context, u string) (*RemoteDocument, error) {
		if d, ok := m[u]; ok {
			return d, nil
		}
		return nil, &UnknownContextError{URL: u}
	}), nil
}

// ChainLoader asks each loader in turn and returns the first document found.
// A loader's error other than [ErrUnknownContext] stops the chain.
func ChainLoader(loaders ...DocumentLoader) DocumentLoader {
	ls := slices.Clone(loaders)
	return DocumentLoaderFunc(func(ctx context.Context, u string) (*RemoteDocument, error) {
		for _, l := range ls {
			d, err := l.LoadDocument(ctx, u)
			if err == nil {
				return d, nil
			}
			if !errors.Is(err, ErrUnknownContext) {
				return nil, err
			}
		}
		return nil, &UnknownContextError{URL: u}
	})
}

// RemoteLoader fetches contexts over HTTPS. It is an explicit opt-in: the
// library never uses it unless a caller configures it. Only hosts in
// AllowedHosts are contacted; responses are size-limited and cached.
//
// A RemoteLoader is safe for concurrent use once configured; do not change
// its fields after the first call.
type RemoteLoader struct {
	// AllowedHosts lists the host names (exact, case-insensitive) that may be
	// contacted. Empty means none: every URL is refused.
	AllowedHosts []string
	// Client performs the requests. Nil means a private client with Timeout;
	// http.DefaultClient is never used.
	Client *http.Client
	// Timeout bounds each fetch. Zero means 10 seconds.
	Timeout time.Duration
	// MaxBytes bounds each response body. Zero means 1 MiB.
	MaxBytes int64
	// MaxEntries bounds the cache. Zero means 64; negative disables caching.
	MaxEntries int
	// AllowPrivateAddresses turns off the address guard that refuses
	// loopback, private, link-local and multicast destinations (for tests
	// against local servers; never in production).
	AllowPrivateAddresses bool

	once   sync.Once
	client *http.Client
	cache  *lruCache
}

func (l *RemoteLoader) init() {
	l.once.Do(func() {
		base := &http.Client{Timeout: l.timeout()}
		if l.Client != nil {
			c := *l.Client
			base = &c
		}
		// Redirects stay on allow-listed hosts; the guard (https only,
		// public addresses, at most three redirects) is the module's one.
		inner := base.CheckRedirect
		base.CheckRedirect = func(req *http.Request, via []*http.Request) error {
			if !l.allowed(req.URL.Hostname()) {
				return fmt.Errorf("redirect to %q, which is not in the allow-list", req.URL.Hostname())
			}
			if inner != nil {
				return inner(req, via)
			}
			return nil
		}
		l.client = netguard.Client(base, netguard.DefaultMaxRedirects, l.AllowPrivateAddresses, netguard.DefaultDialTimeout)
		n := l.MaxEntries
		if n == 0 {
			n = 64
		}
		if n > 0 {
			l.cache = newLRU(n)
		}
	})
}

func (l *RemoteLoader) timeout() time.Duration {
	if l.Timeout > 0 {
		return l.Timeout
	}
	return 10 * time.Second
}

func (l *RemoteLoader) allowed(host string) bool {
	return slices.ContainsFunc(l.AllowedHosts, func(h string) bool { return strings.EqualFold(h, host) })
}

// LoadDocument fetches u if its host is allowed.
func (l *RemoteLoader) LoadDocument(ctx context.Context, u string) (*RemoteDocument, error) {
	l.init()
	if l.cache != nil {
		if d, ok := l.cache.get(u); ok {
			return d, nil
		}
	}
	pu, err := url.Parse(u)
	if err != nil || pu.Scheme != "https" || pu.Host == "" || pu.User != nil {
		return nil, &LoadError{URL: u, Err: errors.New("only absolute https URLs are fetched")}
	}
	if !l.allowed(pu.Hostname()) {
		return nil, &UnknownContextError{URL: u, Reason: "host not in the remote loader's allow-list"}
	}
	ctx, cancel := context.WithTimeout(ctx, l.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, &LoadError{URL: u, Err: err}
	}
	req.Header.Set("Accept", "application/ld+json, application/json;q=0.9")
	resp, err := l.client.Do(req)
	if err != nil {
		return nil, &LoadError{URL: u, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &LoadError{URL: u, Err: fmt.Errorf("HTTP status %d", resp.StatusCode)}
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil ||
		(mt != "application/ld+json" && mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return nil, &LoadError{URL: u, Err: fmt.Errorf("content type %q is not JSON", resp.Header.Get("Content-Type"))}
	}
	max := l.MaxBytes
	if max <= 0 {
		max = 1 << 20
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, &LoadError{URL: u, Err: err}
	}
	if int64(len(body)) > max {
		return nil, &LoadError{URL: u, Err: fmt.Errorf("response larger than %d bytes", max)}
	}
	v, err := jsonx.Parse(body, nil)
	if err != nil {
		return nil, &LoadError{URL: u, Err: err}
	}
	d := &RemoteDocument{DocumentURL: u, Document: v}
	if l.cache != nil {
		l.cache.put(u, d)
	}
	return d, nil
}

// NewCachingLoader wraps next with a bounded, concurrency-safe cache of at
// most maxEntries documents (least recently used evicted first). Errors are
// not cached.
func NewCachingLoader(next DocumentLoader, maxEntries int) DocumentLoader {
	if maxEntries <= 0 {
		maxEntries = 64
	}
	c := newLRU(maxEntries)
	return DocumentLoaderFunc(func(ctx context.Context, u string) (*RemoteDocument, error) {
		if d, ok := c.get(u); ok {
			return d, nil
		}
		d, err := next.LoadDocument(ctx, u)
		if err != nil {
			return nil, err
		}
		c.put(u, d)
		return d, nil
	})
}

// lruCache is a small mutex-guarded LRU keyed by URL.
type lruCache struct {
	mu    sync.Mutex
	max   int
	tick  uint64
	items map[string]*lruItem
}

type lruItem struct {
	doc  *RemoteDocument
	used uint64
}

func newLRU(max int) *lruCache { return &lruCache{max: max, items: make(map[string]*lruItem)} }

func (c *lruCache) get(k string) (*RemoteDocument, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	it, ok := c.items[k]
	if !ok {
		return nil, false
	}
	c.tick++
	it.used = c.tick
	return it.doc, true
}

func (c *lruCache) put(k string, d *RemoteDocument) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tick++
	if it, ok := c.items[k]; ok {
		it.doc, it.used = d, c.tick
		return
	}
	if len(c.items) >= c.max {
		var oldK string
		var oldT uint64 = ^uint64(0)
		for k2, it := range c.items {
			if it.used < oldT {
				oldK, oldT = k2, it.used
			}
		}
		delete(c.items, oldK)
	}
	c.items[k] = &lruItem{doc: d, used: c.tick}
}

func (c *lruCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}
