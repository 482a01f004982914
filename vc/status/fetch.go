package status

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"
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
// caching: the [Checker] caches. It is safe for concurrent use once
// configured; do not copy or change it after first use.
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
	maxRedirects := h.MaxRedirects
	if maxRedirects == 0 {
		maxRedirects = DefaultMaxRedirects
	} else if maxRedirects < 0 {
		maxRedirects = 0
	}
	var c http.Client
	if h.Client != nil {
		c = *h.Client
	}
	if !h.AllowPrivateAddresses {
		c.Transport = guardTransport(c.Transport)
	}
	inner := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects {
			return fmt.Errorf("more than %d redirects", maxRedirects)
		}
		if req.URL.Scheme != "https" {
			return fmt.Errorf("redirect to non-https URL %q", req.URL.String())
		}
		if !h.AllowPrivateAddresses {
			if err := checkLiteralHost(req.URL.Hostname()); err != nil {
				return err
			}
		}
		if inner != nil {
			return inner(req, via)
		}
		return nil
	}
	h.client = &c
}

// Fetch implements [Fetcher].
func (h *HTTPFetcher) Fetch(ctx context.Context, rawURL string) ([]byte, error) {
	h.once.Do(h.init)
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("only https URLs without credentials are fetched, not %q", rawURL)
	}
	if !h.AllowPrivateAddresses {
		if err := checkLiteralHost(u.Hostname()); err != nil {
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
	resp, err := h.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, err
	}
	defer resp.Body.Close()
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
	return body, nil
}

// ErrAddressNotAllowed: the address guard refused a destination.
var ErrAddressNotAllowed = errors.New("status: address not allowed")

// guardTransport returns a transport that refuses non-public addresses:
// on the dialled address for a plain *http.Transport (proxies disabled, as
// a proxy would hide the destination), else by a weaker pre-flight DNS
// check.
func guardTransport(rt http.RoundTripper) http.RoundTripper {
	var t *http.Transport
	switch x := rt.(type) {
	case nil:
		if dt, ok := http.DefaultTransport.(*http.Transport); ok {
			t = dt.Clone()
		}
	case *http.Transport:
		if x.DialContext == nil && x.DialTLSContext == nil && x.Dial == nil && x.DialTLS == nil { //nolint:staticcheck // the deprecated hooks must be checked too
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

func dialControl(_, address string, _ syscall.RawConn) error {
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

func checkLiteralHost(host string) error {
	if ip, err := netip.ParseAddr(host); err == nil && !publicAddr(ip) {
		return fmt.Errorf("%w: %s", ErrAddressNotAllowed, host)
	}
	if h := strings.ToLower(host); h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return fmt.Errorf("%w: %s", ErrAddressNotAllowed, host)
	}
	return nil
}

// nonPublic lists special-purpose ranges that netip's predicates do not
// cover (RFC 6890 and its updates).
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("fec0::/10"),
}

var nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")

func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.Zone() != "" {
		return false
	}
	if nat64Prefix.Contains(ip) {
		b := ip.As16()
		return publicAddr(netip.AddrFrom4([4]byte(b[12:16])))
	}
	if !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}
