package did

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/openbadges-go/openbadges/internal/netguard"

	"github.com/openbadges-go/openbadges/internal/budget"
)

// Defaults for the network settings of [WebResolver], [HTTPSResolver] and
// [JWKSFetcher].
const (
	DefaultMaxBytes     = 256 << 10
	DefaultTimeout      = netguard.DefaultDialTimeout
	DefaultMaxRedirects = netguard.DefaultMaxRedirects
)

// netSettings are the network settings shared by every type that fetches.
type netSettings struct {
	client       *http.Client
	maxBytes     int64
	timeout      time.Duration
	maxRedirects int
	allowPrivate bool
}

// lazyFetcher builds a fetcher once, on first use, from the exported
// fields of its owner.
type lazyFetcher struct {
	once sync.Once
	f    *fetcher
}

func (l *lazyFetcher) get(s netSettings) *fetcher {
	l.once.Do(func() { l.f = newFetcher(s) })
	return l.f
}

// fetcher performs bounded HTTPS GETs. It is the one network path of the
// package: did:web, HTTPS controller and key documents, and JWK Sets.
type fetcher struct {
	client       *http.Client
	maxBytes     int64
	timeout      time.Duration
	allowPrivate bool
}

func newFetcher(s netSettings) *fetcher {
	f := &fetcher{maxBytes: s.maxBytes, timeout: s.timeout, allowPrivate: s.allowPrivate}
	if f.maxBytes <= 0 {
		f.maxBytes = DefaultMaxBytes
	}
	if f.timeout <= 0 {
		f.timeout = DefaultTimeout
	}
	f.client = GuardedClient(s.client, s.maxRedirects, s.allowPrivate)
	return f
}

// GuardedClient returns the HTTP client every fetch of this module uses
// (did:web, HTTPS key documents, JWK Sets, status lists, refresh): a copy
// of base (nil: a new client; http.DefaultClient is never used or changed)
// that follows at most maxRedirects redirects (0: DefaultMaxRedirects;
// negative: none), only to https URLs and never in a loop, and, unless
// allowPrivate, refuses loopback, private, link-local, multicast and
// reserved addresses, checked on the connection actually dialled for a
// default or plain *http.Transport (DNS rebinding cannot bypass it).
// Refusals match [ErrAddressNotAllowed]. Every request is also charged to
// the verification budget its context carries, if any ([ErrBudgetExceeded]).
// The guard itself lives in an internal package shared by the module.
func GuardedClient(base *http.Client, maxRedirects int, allowPrivate bool) *http.Client {
	if maxRedirects == 0 {
		maxRedirects = DefaultMaxRedirects
	}
	return netguard.Client(base, maxRedirects, allowPrivate, DefaultTimeout)
}

// CheckPublicHost refuses (with [ErrAddressNotAllowed], wrapped with
// [ErrFetch]) an IP-literal host that is not a public address, and
// localhost names; other names are checked when dialled by a
// [GuardedClient].
func CheckPublicHost(host string) error { return netguard.CheckPublicHost(host) }

// get fetches an https URL and returns its body, which is a JSON object of
// at most maxBytes served with a JSON media type (application/json or
// application/*+json).
func (f *fetcher) get(ctx context.Context, rawURL, accept string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("%w: only https URLs without credentials can be fetched", ErrFetch)
	}
	if !f.allowPrivate {
		if err := CheckPublicHost(u.Hostname()); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFetch, err)
	}
	req.Header.Set("Accept", accept)
	resp, err := f.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is named by the caller's error
		}
		if errors.Is(err, ErrFetch) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", ErrFetch, err)
	}
	defer resp.Body.Close()
	if err := ctx.Err(); err != nil {
		// net/http may return an answer that raced the deadline; it is
		// not taken (a timeout is a timeout, whatever arrived with it).
		return nil, fmt.Errorf("%w: %w", ErrFetch, budget.Wrap(ctx, err))
	}
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil, fmt.Errorf("%w: HTTP %d", ErrNotFound, resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%w: HTTP %d", ErrFetch, resp.StatusCode)
	}
	ct := resp.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || !(mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
		return nil, fmt.Errorf("%w: content type %q is not JSON", ErrFetch, ct)
	}
	if resp.ContentLength > f.maxBytes {
		return nil, fmt.Errorf("%w: body of %d bytes exceeds the limit of %d", ErrFetch, resp.ContentLength, f.maxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: reading body: %w", ErrFetch, err)
	}
	if int64(len(body)) > f.maxBytes {
		return nil, fmt.Errorf("%w: body exceeds the limit of %d bytes", ErrFetch, f.maxBytes)
	}
	if !json.Valid(body) {
		return nil, fmt.Errorf("%w: body is not valid JSON", ErrInvalidDocument)
	}
	return body, nil
}

// fetchCode maps a fetch error to a resolution error code.
func fetchCode(err error) ErrorCode {
	switch {
	case errors.Is(err, ErrNotFound):
		return CodeNotFound
	case errors.Is(err, ErrInvalidDocument):
		return CodeInvalidDocument
	}
	return CodeFetch
}
