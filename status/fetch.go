package status

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/openbadges-go/openbadges/did"
)

// Defaults of [HTTPFetcher].
const (
	DefaultMaxBytes     = 4 << 20
	DefaultTimeout      = 10 * time.Second
	DefaultMaxRedirects = 3
)

// Fetcher fetches the document at a URL: a status list credential (JSON
// or a compact VC-JWT), a 1EdTech revocation list, or a refreshed
// credential. Implementations must bound what they read, honour ctx and be
// safe for concurrent use. The checker and refresher treat every error as
// a failed retrieval.
type Fetcher interface {
	Fetch(ctx context.Context, url string) ([]byte, error)
}

// ConditionalFetcher is a [Fetcher] that can ask the publisher whether a
// document changed since it was fetched: an HTTP GET with If-None-Match.
// The [Checker] uses it, when its Fetcher implements it, to revalidate
// cached lists (see [Checker.RevalidateAfter]). [HTTPFetcher] implements
// it.
type ConditionalFetcher interface {
	Fetcher
	// FetchConditional fetches the document at url. With etag "" it is
	// an ordinary fetch; otherwise it may answer NotModified (the
	// publisher says the document still has that entity tag) instead of
	// a body. It never answers NotModified for etag "".
	FetchConditional(ctx context.Context, url, etag string) (*Fetched, error)
}

// Fetched is the answer of a [ConditionalFetcher].
type Fetched struct {
	// Body is the document (nil when NotModified).
	Body []byte
	// ETag is the publisher's entity tag of Body, exactly as sent ("" =
	// none), or the tag that was confirmed when NotModified.
	ETag string
	// NotModified: the document is unchanged since the fetch that gave
	// the etag asked about.
	NotModified bool
}

// maxETagLen bounds the entity tags kept and sent back.
const maxETagLen = 256

// validETag reports whether t can be kept and sent in If-None-Match: a
// short run of visible ASCII (an entity tag, weak or strong).
func validETag(t string) bool {
	if t == "" || len(t) > maxETagLen {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] <= ' ' || t[i] >= 0x7f {
			return false
		}
	}
	return true
}

// FetcherFunc adapts a function to [Fetcher].
type FetcherFunc func(ctx context.Context, url string) ([]byte, error)

// Fetch calls f.
func (f FetcherFunc) Fetch(ctx context.Context, url string) ([]byte, error) { return f(ctx, url) }

// ErrNotFound is returned by [StaticFetcher] for a URL it does not hold.
var ErrNotFound = errors.New("status: no document for URL")

// StaticFetcher serves the given documents (URL to bytes) and nothing
// else: local status list files, tests. It never touches the network. The
// map is copied.
func StaticFetcher(docs map[string][]byte) Fetcher {
	m := make(map[string][]byte, len(docs))
	for k, v := range docs {
		m[k] = v
	}
	return FetcherFunc(func(ctx context.Context, u string) ([]byte, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, ok := m[u]
		if !ok {
			return nil, fmt.Errorf("%w %q", ErrNotFound, u)
		}
		return b, nil
	})
}

// HTTPFetcher is the network [Fetcher]. It follows the rules of the did
// package's fetcher (did:web, HTTPS key documents): https only, no
// credentials in the URL, a bounded body (MaxBytes), a timeout, at most
// MaxRedirects redirects and only to https, never http.DefaultClient, and
// by default an address guard that refuses loopback, private, link-local,
// multicast and reserved addresses, checked on the address actually dialled
// so DNS rebinding cannot bypass it. It does not restrict the content type
// (status lists are served as application/vc, application/vc+jwt,
// application/json and more); callers parse the body strictly. It does no
// caching: the [Checker] caches, and revalidates its cached lists through
// [HTTPFetcher.FetchConditional] (If-None-Match). It is safe for
// concurrent use once configured; do not copy or change it after first use.
type HTTPFetcher struct {
	// Client makes the requests (nil = a private client).
	Client *http.Client
	// MaxBytes bounds the response body (0 = DefaultMaxBytes).
	MaxBytes int64
	// Timeout bounds each fetch, redirects included (0 = DefaultTimeout).
	Timeout time.Duration
	// MaxRedirects (0 = DefaultMaxRedirects; negative = none).
	MaxRedirects int
	// Accept is the Accept header ("" = VC, JWT and JSON types).
	Accept string
	// AllowPrivateAddresses turns the address guard off (tests that serve
	// from httptest; never in production).
	AllowPrivateAddresses bool

	once   sync.Once
	client *http.Client
}

const defaultAccept = "application/vc, application/vc+ld+json, application/vc+jwt, application/jwt, application/ld+json;q=0.9, application/json;q=0.9, text/plain;q=0.5"

func (h *HTTPFetcher) init() {
	h.client = did.GuardedClient(h.Client, h.MaxRedirects, h.AllowPrivateAddresses)
}

// Fetch implements [Fetcher].
func (h *HTTPFetcher) Fetch(ctx context.Context, rawURL string) ([]byte, error) {
	d, err := h.FetchConditional(ctx, rawURL, "")
	if err != nil {
		return nil, err
	}
	return d.Body, nil
}

// FetchConditional implements [ConditionalFetcher]: with a non-empty etag
// it sends If-None-Match and answers NotModified on HTTP 304. An etag
// that is not a short run of visible ASCII is not sent (the fetch is then
// unconditional). A 304 is one request like any other: it is charged to
// the verification's budget as a fetch.
func (h *HTTPFetcher) FetchConditional(ctx context.Context, rawURL, etag string) (*Fetched, error) {
	h.once.Do(h.init)
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("only https URLs without credentials are fetched, not %q", rawURL)
	}
	if !h.AllowPrivateAddresses {
		if err := did.CheckPublicHost(u.Hostname()); err != nil {
			return nil, err
		}
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	maxBytes := h.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	u.Fragment = ""
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	accept := h.Accept
	if accept == "" {
		accept = defaultAccept
	}
	req.Header.Set("Accept", accept)
	conditional := validETag(etag)
	if conditional {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified && conditional {
		return &Fetched{ETag: etag, NotModified: true}, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	if resp.ContentLength > maxBytes {
		return nil, fmt.Errorf("%w: body of %d bytes, limit %d", ErrTooLarge, resp.ContentLength, maxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading body: %w", err)
	}
	if int64(len(body)) > maxBytes {
		return nil, fmt.Errorf("%w: body exceeds %d bytes", ErrTooLarge, maxBytes)
	}
	d := &Fetched{Body: body}
	if t := resp.Header.Get("ETag"); validETag(t) {
		d.ETag = t
	}
	return d, nil
}

// ErrAddressNotAllowed: the address guard refused a destination. It is
// the did package's error: one guard ([did.GuardedClient]) serves every
// fetch of the module.
var ErrAddressNotAllowed = did.ErrAddressNotAllowed
