package ob2

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/internal/budget"
)

// Default network limits.
const (
	DefaultMaxDocumentBytes = 256 << 10 // one linked JSON document
	DefaultFetchTimeout     = 10 * time.Second
)

// Response is one fetched document.
type Response struct {
	// URL is the final URL, after redirects (the requested URL when there
	// were none).
	URL string
	// Status is the HTTP status: 200, or 410 (Gone: a revoked hosted
	// assertion). Fetchers return an error for every other status.
	Status int
	// Body is the document (empty for 410).
	Body []byte
}

// Fetcher fetches a linked document (a hosted assertion, BadgeClass,
// Profile, CryptographicKey, RevocationList, endorsement) by URL.
// Implementations must honour ctx, bound the size of what they read, and
// return a *FetchError (or an error matching ErrFetch) when the document
// cannot be had.
type Fetcher interface {
	Fetch(ctx context.Context, url string) (*Response, error)
}

// FetcherFunc adapts a function to Fetcher.
type FetcherFunc func(ctx context.Context, url string) (*Response, error)

// Fetch calls f.
func (f FetcherFunc) Fetch(ctx context.Context, url string) (*Response, error) { return f(ctx, url) }

// HTTPFetcher is the default Fetcher: GETs through [did.GuardedClient] (the
// module's address guard, redirect limit and verification budget), with
// Accept: application/ld+json, application/json; the answer must be 200 (or
// 410) with a JSON media type, at most MaxBytes.
//
// A literal works as well as [NewHTTPFetcher]'s: the guarded client is
// built once, on first use, and reused by every fetch (so connections are
// kept alive across fetches). It is safe for concurrent use; do not copy
// or change it after first use.
type HTTPFetcher struct {
	// Client is the base client (nil: a new one; never http.DefaultClient).
	Client *http.Client
	// MaxBytes bounds one document (0: DefaultMaxDocumentBytes).
	MaxBytes int64
	// Timeout bounds one fetch (0: DefaultFetchTimeout).
	Timeout time.Duration
	// InsecureAllowHTTP admits http:// URLs (Open Badges 2.0 documents
	// often link them); redirects still go to https only.
	InsecureAllowHTTP bool
	// AllowPrivateAddresses turns the address guard off: loopback and
	// private addresses are fetched too (tests that serve from httptest;
	// never in production). The name is that of status.HTTPFetcher,
	// did.WebResolver and the module's other fetchers.
	AllowPrivateAddresses bool

	// client holds the guarded *http.Client once built. An atomic.Value,
	// not a sync.Once: NewHTTPFetcher takes the struct by value, which a
	// lock inside would forbid (go vet copylocks).
	client atomic.Value
}

// NewHTTPFetcher returns an HTTPFetcher with its guarded client built and
// its zero limits set to the defaults.
func NewHTTPFetcher(f HTTPFetcher) *HTTPFetcher {
	f.client.Store(did.GuardedClient(f.Client, 0, f.AllowPrivateAddresses))
	if f.MaxBytes <= 0 {
		f.MaxBytes = DefaultMaxDocumentBytes
	}
	if f.Timeout <= 0 {
		f.Timeout = DefaultFetchTimeout
	}
	return &f
}

// guarded returns the guarded client, building it on first use. Callers
// racing on the first use may each build one; one is kept, and all use it.
func (f *HTTPFetcher) guarded() *http.Client {
	if c, ok := f.client.Load().(*http.Client); ok {
		return c
	}
	if c := did.GuardedClient(f.Client, 0, f.AllowPrivateAddresses); f.client.CompareAndSwap(nil, c) {
		return c
	}
	return f.client.Load().(*http.Client)
}

// Fetch implements Fetcher.
func (f *HTTPFetcher) Fetch(ctx context.Context, rawURL string) (*Response, error) {
	client := f.guarded()
	maxBytes, timeout := f.MaxBytes, f.Timeout
	if maxBytes <= 0 {
		maxBytes = DefaultMaxDocumentBytes
	}
	if timeout <= 0 {
		timeout = DefaultFetchTimeout
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || u.User != nil || !(u.Scheme == "https" || u.Scheme == "http" && f.InsecureAllowHTTP) {
		return nil, &FetchError{URL: rawURL, Err: errors.New("only https URLs without credentials are fetched")}
	}
	if !f.AllowPrivateAddresses {
		if err := did.CheckPublicHost(u.Hostname()); err != nil {
			return nil, &FetchError{URL: rawURL, Err: err}
		}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, &FetchError{URL: rawURL, Err: err}
	}
	req.Header.Set("Accept", "application/ld+json, application/json")
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, &FetchError{URL: rawURL, Err: budget.Wrap(ctx, err)}
	}
	defer resp.Body.Close()
	final := rawURL
	if resp.Request != nil && resp.Request.URL != nil {
		final = resp.Request.URL.String()
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusGone:
		return &Response{URL: final, Status: http.StatusGone}, nil
	default:
		return nil, &FetchError{URL: rawURL, Status: resp.StatusCode}
	}
	ct := resp.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || !jsonMediaType(mt) {
		return nil, &FetchError{URL: rawURL, Err: fmt.Errorf("content type %q is not JSON", ct)}
	}
	if resp.ContentLength > maxBytes {
		return nil, &FetchError{URL: rawURL, Err: fmt.Errorf("body of %d bytes exceeds the limit of %d", resp.ContentLength, maxBytes)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, &FetchError{URL: rawURL, Err: budget.Wrap(ctx, err)}
	}
	if int64(len(body)) > maxBytes {
		return nil, &FetchError{URL: rawURL, Err: fmt.Errorf("body exceeds the limit of %d bytes", maxBytes)}
	}
	return &Response{URL: final, Status: http.StatusOK, Body: body}, nil
}

func jsonMediaType(mt string) bool {
	return mt == "application/json" || mt == "application/ld+json" ||
		strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}

// fetch gets a document: from the resource map first, then (unless
// offline) from the fetcher, charging the verification budget for a
// resource as for a fetch of its size (the network charges itself).
func (v *Verifier) fetch(ctx context.Context, rawURL string) (*Response, error) {
	if b, ok := v.o.Resources[rawURL]; ok {
		if int64(len(b)) > v.maxBytes {
			return nil, &FetchError{URL: rawURL, Err: fmt.Errorf("resource of %d bytes exceeds the limit of %d", len(b), v.maxBytes)}
		}
		return &Response{URL: rawURL, Status: http.StatusOK, Body: b}, nil
	}
	if v.o.Offline || v.fetcher == nil {
		return nil, &FetchError{URL: rawURL, Err: errors.New("offline, and not among the given resources")}
	}
	if err := ctx.Err(); err != nil {
		return nil, &FetchError{URL: rawURL, Err: budget.Wrap(ctx, err)}
	}
	r, err := v.fetcher.Fetch(ctx, rawURL)
	if err != nil {
		if !errors.Is(err, ErrFetch) {
			err = &FetchError{URL: rawURL, Err: err}
		}
		return nil, err
	}
	if r == nil {
		return nil, &FetchError{URL: rawURL, Err: errors.New("fetcher returned nothing")}
	}
	if int64(len(r.Body)) > v.maxBytes {
		return nil, &FetchError{URL: rawURL, Err: fmt.Errorf("body exceeds the limit of %d bytes", v.maxBytes)}
	}
	if r.URL == "" {
		r.URL = rawURL
	}
	return r, nil
}
