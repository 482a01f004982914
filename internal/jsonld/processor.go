package jsonld

import (
	"context"
	"hash/maphash"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
)

// Loader fetches remote context documents. LoadContext returns the parsed
// JSON document found at url (a map with an "@context" entry), in the same
// generic form as documents (map[string]any, []any, string, json.Number,
// float64, bool, nil). Implementations must be safe for concurrent use and
// must not modify a returned document later: the Processor caches it.
type Loader interface {
	LoadContext(ctx context.Context, url string) (any, error)
}

// LoaderFunc adapts a function to the [Loader] interface.
type LoaderFunc func(ctx context.Context, url string) (any, error)

// LoadContext calls f.
func (f LoaderFunc) LoadContext(ctx context.Context, url string) (any, error) { return f(ctx, url) }

// Default limits used when an [Options] field is zero.
const (
	DefaultMaxDepth        = 64
	DefaultMaxQuads        = 100_000
	DefaultMaxContexts     = 32
	DefaultMaxContextChain = 16
	DefaultCacheSize       = 512
)

// Options configures a [Processor]. The zero value is ready to use.
type Options struct {
	// Base is the document base IRI against which relative IRIs are
	// resolved. Empty means no base: every relative IRI is a safe-mode
	// problem.
	Base string
	// MaxDepth bounds the nesting of JSON objects and arrays in a document.
	MaxDepth int
	// MaxQuads bounds the number of quads produced for one document.
	MaxQuads int
	// MaxContexts bounds the number of remote context references processed
	// for one document (including cache hits).
	MaxContexts int
	// MaxContextChain bounds the nesting of context processing: remote
	// contexts referencing remote contexts, and scoped contexts.
	MaxContextChain int
	// CacheSize bounds the number of entries in each of the two caches
	// (loaded context documents by URL, and compiled context transitions).
	CacheSize int
	// Strict, when not nil, turns on strict mode (see [Strict]).
	Strict *Strict
}

func orDefault(v, d int) int {
	if v <= 0 {
		return d
	}
	return v
}

// Processor converts JSON-LD documents to RDF. It compiles each context it
// meets once and caches the result; it is safe for concurrent use.
type Processor struct {
	loader Loader
	opts   Options
	root   *activeCtx
	docs   *lru[string, any]
	trans  *lru[transKey, *activeCtx]
	// scratch recycles the output buffers of ToRDFFunc.
	scratch sync.Pool
	// seed keys the quad hashes that find duplicate statements.
	seed maphash.Seed
	// strict is nil unless strict mode is on.
	strict *strictRules
}

// transKey names a cacheable context transition: applying a remote context
// (key is its URL) or a scoped context (key is its term definition, with a
// mode) to the shared active context from.
type transKey struct {
	from *activeCtx
	url  string
	def  *termDef
	mode uint8
}

const (
	modeURL uint8 = iota
	modeTypeScoped
	modePropertyScoped
	modeNull
)

// NewProcessor returns a Processor that loads remote contexts through
// loader (nil means no remote contexts can be loaded) with the given
// options (nil means defaults).
func NewProcessor(loader Loader, opts *Options) *Processor {
	var o Options
	if opts != nil {
		o = *opts
	}
	o.MaxDepth = orDefault(o.MaxDepth, DefaultMaxDepth)
	o.MaxQuads = orDefault(o.MaxQuads, DefaultMaxQuads)
	o.MaxContexts = orDefault(o.MaxContexts, DefaultMaxContexts)
	o.MaxContextChain = orDefault(o.MaxContextChain, DefaultMaxContextChain)
	o.CacheSize = orDefault(o.CacheSize, DefaultCacheSize)
	root := &activeCtx{terms: map[string]*termDef{}, base: o.Base, origBase: o.Base, shared: true}
	return &Processor{
		seed:   maphash.MakeSeed(),
		loader: loader,
		opts:   o,
		root:   root,
		docs:   newLRU[string, any](o.CacheSize),
		trans:  newLRU[transKey, *activeCtx](o.CacheSize),
		strict: compileStrict(o.Strict),
	}
}

// docState is the per-document state shared by context processing and the
// RDF walk.
type docState struct {
	p      *Processor
	ctx    context.Context
	loaded int
	chain  int
	fatal  error
}

// isFatal reports whether err must abort the whole conversion (rather than
// being reported as a problem at a path).
func isFatal(err error) bool {
	switch err.(type) {
	case *LimitError, *UnsupportedError, *LoadError:
		return true
	}
	return err == context.Canceled || err == context.DeadlineExceeded
}

// applyScoped applies the scoped context of def to a, using the transition
// cache when a is shared.
func (st *docState) applyScoped(a *activeCtx, def *termDef, mode uint8) (*activeCtx, error) {
	key := transKey{from: a, def: def, mode: mode}
	if a.shared {
		if r, ok := st.p.trans.get(key); ok {
			return r, nil
		}
	}
	r, err := st.process(a, def.ctx, def.baseURL, nil, mode == modePropertyScoped, mode != modeTypeScoped, true)
	if err != nil {
		return nil, err
	}
	if a.shared {
		r = st.share(r)
		st.p.trans.put(key, r)
	}
	return r, nil
}

// share marks r as shared. r is freshly built (or already shared), so no
// other goroutine can observe the write.
func (st *docState) share(r *activeCtx) *activeCtx {
	if !r.shared {
		r.shared = true
	}
	return r
}

// process implements Context Processing (JSON-LD 1.1 API §4.1.2).
func (st *docState) process(active *activeCtx, local any, baseURL string, remote []string,
	override, propagate, validate bool) (*activeCtx, error) {
	if err := st.ctx.Err(); err != nil {
		return nil, err
	}
	st.chain++
	defer func() { st.chain-- }()
	if st.chain > st.p.opts.MaxContextChain {
		return nil, &LimitError{Limit: "MaxContextChain", Max: st.p.opts.MaxContextChain}
	}
	// Like the reference implementation, an array of contexts takes its
	// @propagate from its first element.
	first := local
	if arr, ok := local.([]any); ok && len(arr) > 0 {
		first = arr[0]
	}
	if m, ok := first.(map[string]any); ok {
		if pv, has := m["@propagate"]; has {
			b, isBool := pv.(bool)
			if !isBool {
				return nil, &ContextError{Reason: ErrInvalidContext, Detail: "invalid @propagate value"}
			}
			propagate = b
		}
	}
	result := active
	if !propagate && result.previous == nil {
		result = result.clone()
		result.previous = active
	}
	items, isArr := local.([]any)
	if !isArr {
		items = []any{local}
	}
	for _, item := range items {
		var err error
		switch c := item.(type) {
		case nil:
			if !override && result.protected {
				return nil, &ContextError{Reason: ErrInvalidContextNullification}
			}
			n := &activeCtx{terms: map[string]*termDef{}, base: result.origBase, origBase: result.origBase}
			if !propagate {
				n.previous = result
			}
			// The root is shared; a null context from a shared context
			// with no previous context is the root itself.
			if n.previous == nil && n.base == st.p.root.base {
				n = st.p.root
			}
			result = n
		case string:
			result, err = st.processURL(result, c, baseURL, remote, validate)
		case map[string]any:
			result, err = st.processMap(result, c, baseURL, remote, override, validate)
		default:
			return nil, &ContextError{Reason: ErrInvalidContext, Detail: "local context is not a map, string, array or null"}
		}
		if err != nil {
			return nil, err
		}
	}
	return result, nil
}

// processURL dereferences and applies a remote context.
func (st *docState) processURL(active *activeCtx, ref, baseURL string, remote []string, validate bool) (*activeCtx, error) {
	u := ref
	if !hasScheme(u) {
		if baseURL == "" {
			return nil, &ContextError{Reason: ErrInvalidContext, Detail: "relative context reference " + ref + " with no base"}
		}
		u = resolveIRI(baseURL, ref)
	}
	st.loaded++
	if st.loaded > st.p.opts.MaxContexts {
		return nil, &LimitError{Limit: "MaxContexts", Max: st.p.opts.MaxContexts}
	}
	for _, r := range remote {
		if r == u {
			if !validate {
				return active, nil
			}
			return nil, &ContextError{URL: u, Reason: ErrRecursiveContext}
		}
	}
	if len(remote) >= st.p.opts.MaxContextChain {
		return nil, &LimitError{Limit: "MaxContextChain", Max: st.p.opts.MaxContextChain}
	}
	key := transKey{from: active, url: u, mode: modeURL}
	if active.shared && validate {
		if r, ok := st.p.trans.get(key); ok {
			return r, nil
		}
	}
	doc, ok := st.p.docs.get(u)
	if !ok {
		if st.p.loader == nil {
			return nil, &LoadError{URL: u, Err: errString("no loader configured")}
		}
		if err := st.ctx.Err(); err != nil {
			return nil, err
		}
		d, err := st.p.loader.LoadContext(st.ctx, u)
		if err != nil {
			return nil, &LoadError{URL: u, Err: err}
		}
		dm, isMap := d.(map[string]any)
		if !isMap {
			return nil, &ContextError{URL: u, Reason: ErrInvalidContext, Detail: "remote context document is not a map"}
		}
		c, has := dm["@context"]
		if !has {
			return nil, &ContextError{URL: u, Reason: ErrInvalidContext, Detail: "remote document has no @context"}
		}
		doc = c
		st.p.docs.put(u, doc)
	}
	nr := make([]string, len(remote), len(remote)+1)
	copy(nr, remote)
	nr = append(nr, u)
	r, err := st.process(active, doc, u, nr, false, true, validate)
	if err != nil {
		if ce, ok := err.(*ContextError); ok && ce.URL == "" {
			ce.URL = u
		}
		return nil, err
	}
	if active.shared && validate {
		r = st.share(r)
		st.p.trans.put(key, r)
	}
	return r, nil
}

// processMap applies one context map.
func (st *docState) processMap(active *activeCtx, m map[string]any, baseURL string, remote []string, override, validate bool) (*activeCtx, error) {
	result := active.clone()
	if v, ok := m["@version"]; ok {
		if numberText(v) != "1.1" && v != 1.1 {
			return nil, &ContextError{Reason: ErrInvalidContext, Detail: "invalid @version value"}
		}
	}
	if _, ok := m["@import"]; ok {
		return nil, &UnsupportedError{Feature: "@import"}
	}
	if v, ok := m["@base"]; ok && len(remote) == 0 {
		switch b := v.(type) {
		case nil:
			result.base = ""
		case string:
			switch {
			case hasScheme(b):
				result.base = b
			case result.base != "":
				result.base = resolveIRI(result.base, b)
			default:
				return nil, &ContextError{Reason: ErrInvalidContext, Detail: "invalid base IRI"}
			}
		default:
			return nil, &ContextError{Reason: ErrInvalidContext, Detail: "invalid base IRI"}
		}
	}
	if v, ok := m["@vocab"]; ok {
		switch vv := v.(type) {
		case nil:
			result.vocab = ""
		case string:
			if !strings.Contains(vv, ":") {
				return nil, &UnsupportedError{Feature: "relative @vocab " + vv}
			}
			b := &builder{st: st, result: result, local: map[string]any{}, defined: map[string]bool{}}
			iri, err := b.expandIRI(vv, true, true)
			if err != nil {
				return nil, err
			}
			if !strings.Contains(iri, ":") {
				return nil, &ContextError{Reason: ErrInvalidContext, Detail: "invalid vocab mapping"}
			}
			result.vocab = iri
		default:
			return nil, &ContextError{Reason: ErrInvalidContext, Detail: "invalid vocab mapping"}
		}
	}
	if v, ok := m["@language"]; ok {
		switch l := v.(type) {
		case nil:
			result.lang = ""
		case string:
			result.lang = strings.ToLower(l)
		default:
			return nil, &ContextError{Reason: ErrInvalidContext, Detail: "invalid default language"}
		}
	}
	if v, ok := m["@direction"]; ok && v != nil {
		return nil, &UnsupportedError{Feature: "@direction"}
	}
	protected := false
	if v, ok := m["@protected"]; ok {
		p, isBool := v.(bool)
		if !isBool {
			return nil, &ContextError{Reason: ErrInvalidContext, Detail: "invalid @protected value"}
		}
		protected = p
	}
	b := &builder{
		st: st, result: result, local: m, defined: make(map[string]bool, len(m)),
		baseURL: baseURL, protected: protected, override: override, remote: remote,
	}
	if len(remote) > 0 {
		b.url = remote[len(remote)-1]
	}
	for k := range m {
		switch k {
		case "@base", "@direction", "@import", "@language", "@propagate", "@protected", "@version", "@vocab":
			continue
		}
		if err := b.define(k); err != nil {
			return nil, err
		}
	}
	return result, nil
}

// resolveIRI resolves ref against base (RFC 3986 §5.2).
func resolveIRI(base, ref string) string {
	bu, err := url.Parse(base)
	if err != nil {
		return ref
	}
	ru, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return bu.ResolveReference(ru).String()
}

// lru is a small bounded, concurrency-safe cache that evicts the least
// recently used entry. Reads are lock-free (sync.Map) and, once an entry
// has been touched in the current epoch, write nothing: verification on
// several cores looks up the same compiled contexts thousands of times per
// second, and a mutex or a recency list on that path would make the cores
// queue behind each other. The epoch advances on every insertion, so
// recency is tracked at the granularity of insertions, which is what
// eviction needs.
type lru[K comparable, V any] struct {
	mu    sync.Mutex // serializes put and eviction
	max   int
	items sync.Map // K -> *lruNode[V]
	n     atomic.Int64
	epoch atomic.Uint64
}

type lruNode[V any] struct {
	val  V // immutable once stored
	used atomic.Uint64
}

func newLRU[K comparable, V any](max int) *lru[K, V] {
	return &lru[K, V]{max: max}
}

func (c *lru[K, V]) get(k K) (V, bool) {
	x, ok := c.items.Load(k)
	if !ok {
		var zero V
		return zero, false
	}
	n := x.(*lruNode[V])
	if e := c.epoch.Load(); n.used.Load() != e {
		n.used.Store(e)
	}
	return n.val, true
}

func (c *lru[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.epoch.Add(1)
	n := &lruNode[V]{val: v}
	n.used.Store(e)
	if _, loaded := c.items.Swap(k, n); loaded {
		return
	}
	if c.n.Add(1) <= int64(c.max) {
		return
	}
	// Evict the entry used longest ago (never the one just stored).
	var oldK K
	oldE, found := ^uint64(0), false
	c.items.Range(func(key, x any) bool {
		if u := x.(*lruNode[V]).used.Load(); u < oldE && key.(K) != k {
			oldK, oldE, found = key.(K), u, true
		}
		return true
	})
	if found {
		c.items.Delete(oldK)
		c.n.Add(-1)
	}
}

func (c *lru[K, V]) len() int { return int(c.n.Load()) }
