package did

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/openbadges-go/openbadges/internal/budget"
)

// Defaults for the network settings of [WebResolver], [HTTPSResolver] and
// [JWKSFetcher].
const (
	DefaultMaxBytes     = 256 << 10
	DefaultTimeout      = 10 * time.Second
	DefaultMaxRedirects = 3
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
// reserved addresses. For a client whose transport is the default or a
// plain *http.Transport without a custom dialer, the address is checked
// on the connection actually dialled, so DNS rebinding cannot bypass it,
// and environment proxies are disabled; any other transport gets a weaker
// DNS check before each request. Refusals match [ErrAddressNotAllowed].
//
// Every request is also charged to the verification budget its context
// carries, if any (badge.Budget: fetches, bytes, time), whatever
// allowPrivate says; a request beyond the budget is refused with
// [ErrBudgetExceeded], and a GET repeated within one verification (same
// URL, same Accept header) is answered from the budget's memo without a
// second fetch.
func GuardedClient(base *http.Client, maxRedirects int, allowPrivate bool) *http.Client {
	if maxRedirects == 0 {
		maxRedirects = DefaultMaxRedirects
	} else if maxRedirects < 0 {
		maxRedirects = 0
	}
	var c http.Client // never http.DefaultClient
	if base != nil {
		c = *base
	}
	if !allowPrivate {
		c.Transport = guardTransport(c.Transport)
	}
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c.Transport = &budgetTransport{next: next}
	inner := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects {
			return fmt.Errorf("%w: more than %d redirects", ErrFetch, maxRedirects)
		}
		for _, v := range via {
			if v.URL.String() == req.URL.String() {
				return fmt.Errorf("%w: redirect loop at %q", ErrFetch, req.URL.String())
			}
		}
		if req.URL.Scheme != "https" {
			return fmt.Errorf("%w: redirect to non-https URL %q", ErrFetch, req.URL.String())
		}
		if !allowPrivate {
			if err := CheckPublicHost(req.URL.Hostname()); err != nil {
				return err
			}
		}
		if inner != nil {
			return inner(req, via)
		}
		return nil
	}
	return &c
}

// guardTransport returns a transport that refuses non-public addresses.
// For the default transport or a plain *http.Transport without a custom
// dialer, the check runs on the address actually dialled (so DNS
// rebinding cannot bypass it) and environment proxies are disabled (a
// proxy would hide the destination). Any other RoundTripper is wrapped in
// a pre-flight DNS check, which is weaker (time-of-check/time-of-use).
func guardTransport(rt http.RoundTripper) http.RoundTripper {
	var t *http.Transport
	switch x := rt.(type) {
	case nil:
		if dt, ok := http.DefaultTransport.(*http.Transport); ok {
			t = dt.Clone()
		}
	case *http.Transport:
		if x.DialContext == nil && x.DialTLSContext == nil && x.Dial == nil && x.DialTLS == nil { //nolint:staticcheck // checking the deprecated hooks is the point
			t = x.Clone()
		}
	}
	if t == nil {
		if rt == nil {
			rt = http.DefaultTransport
		}
		return &preflightTransport{next: rt}
	}
	d := &net.Dialer{Timeout: DefaultTimeout, KeepAlive: 30 * time.Second, Control: dialControl}
	t.DialContext = d.DialContext
	t.Proxy = nil
	return t
}

// dialControl refuses connections to non-public addresses.
func dialControl(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%w: %q", ErrAddressNotAllowed, address)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !publicAddr(ip) {
		return fmt.Errorf("%w: %s", ErrAddressNotAllowed, host)
	}
	return nil
}

// preflightTransport resolves the request host and refuses it if any of
// its addresses is not public, then delegates.
type preflightTransport struct{ next http.RoundTripper }

func (p *preflightTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.URL.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if !publicAddr(ip) {
			return nil, fmt.Errorf("%w: %s", ErrAddressNotAllowed, host)
		}
		return p.next.RoundTrip(req)
	}
	ips, err := net.DefaultResolver.LookupNetIP(req.Context(), "ip", host)
	if err != nil {
		return nil, err
	}
	for _, ip := range ips {
		if !publicAddr(ip) {
			return nil, fmt.Errorf("%w: %s resolves to %s", ErrAddressNotAllowed, host, ip)
		}
	}
	return p.next.RoundTrip(req)
}

// CheckPublicHost refuses (with [ErrAddressNotAllowed]) an IP-literal host
// that is not a public address, and localhost names; other names are
// checked when dialled by a [GuardedClient].
func CheckPublicHost(host string) error {
	if ip, err := netip.ParseAddr(host); err == nil && !publicAddr(ip) {
		return fmt.Errorf("%w: %w: %s", ErrFetch, ErrAddressNotAllowed, host)
	}
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return fmt.Errorf("%w: %w: %s", ErrFetch, ErrAddressNotAllowed, host)
	}
	return nil
}

var nonPublicPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, broadcast
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("100::/64"),        // discard-only
	netip.MustParsePrefix("fec0::/10"),       // deprecated site-local
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
}

var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// publicAddr reports whether ip is a global unicast address that is not
// loopback, private, link-local, multicast, unspecified or reserved.
func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.Zone() != "" {
		return false
	}
	if nat64.Contains(ip) {
		b := ip.As16()
		return publicAddr(netip.AddrFrom4([4]byte(b[12:16])))
	}
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() || !ip.IsGlobalUnicast() {
		return false
	}
	for _, p := range nonPublicPrefixes {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

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
