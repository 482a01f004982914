// Package netguard is the module's one network path: the guarded HTTP
// client that every fetch uses (did:web, HTTPS key documents, JWK Sets,
// status lists, refresh, remote JSON-LD contexts). It follows redirects only
// to https URLs, never in a loop and within a limit; refuses loopback,
// private, link-local, multicast and reserved addresses on the connection
// actually dialled; and charges every request and body byte to the
// verification budget of the request's context ([budget]). Package did
// exports it as did.GuardedClient.
package netguard

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"

	"github.com/openbadges-go/openbadges/internal/budget"
)

// Sentinel errors; package did exports them as did.ErrFetch and
// did.ErrAddressNotAllowed.
var (
	// ErrFetch reports a failed network retrieval: transport error,
	// timeout, bad status, wrong content type, oversized body, too many
	// redirects or a refused address.
	ErrFetch = errors.New("did: fetch failed")
	// ErrAddressNotAllowed reports a fetch refused because the host
	// resolves to a loopback, private, link-local, multicast or
	// unspecified address. It is always wrapped together with ErrFetch.
	ErrAddressNotAllowed = errors.New("did: address not allowed")
)

// Client returns the HTTP client every fetch of this module uses
// (did:web, HTTPS key documents, JWK Sets, status lists, refresh): a copy
// of base (nil: a new client; http.DefaultClient is never used or changed)
// that follows at most maxRedirects redirects (negative: none), only to https URLs and never in a loop, and, unless
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
func Client(base *http.Client, maxRedirects int, allowPrivate bool, dialTimeout time.Duration) *http.Client {
	if maxRedirects < 0 {
		maxRedirects = 0
	}
	var c http.Client // never http.DefaultClient
	if base != nil {
		c = *base
	}
	// The header bound is set on the caller's transport before the guard
	// (which may wrap it in a pre-flight check, behind which it could not
	// be set), and on the guard's own (nil: a clone of the default
	// transport, whose dialer the guard replaces).
	if c.Transport != nil {
		c.Transport = limitHeaders(c.Transport)
	}
	if !allowPrivate {
		c.Transport = guardTransport(c.Transport, dialTimeout)
	}
	c.Transport = &budgetTransport{next: limitHeaders(c.Transport)}
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

// MaxResponseHeaderBytes bounds the response headers of every fetch
// (net/http's default is 10 MB): no document this module fetches needs
// more, and the headers are charged to the verification budget's bytes.
const MaxResponseHeaderBytes = 64 << 10

// limitHeaders returns rt (nil: the default transport) with its response
// headers bounded by MaxResponseHeaderBytes, when rt is an
// *http.Transport whose bound is larger (a copy: rt is not changed).
// Other RoundTrippers are left as they are; the budget still charges
// their headers.
func limitHeaders(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	t, ok := rt.(*http.Transport)
	if !ok || (t.MaxResponseHeaderBytes > 0 && t.MaxResponseHeaderBytes <= MaxResponseHeaderBytes) {
		return rt
	}
	t = t.Clone()
	t.MaxResponseHeaderBytes = MaxResponseHeaderBytes
	return t
}

// guardTransport returns a transport that refuses non-public addresses.
// For the default transport or a plain *http.Transport without a custom
// dialer, the check runs on the address actually dialled (so DNS
// rebinding cannot bypass it) and environment proxies are disabled (a
// proxy would hide the destination). Any other RoundTripper is wrapped in
// a pre-flight DNS check, which is weaker (time-of-check/time-of-use).
func guardTransport(rt http.RoundTripper, dialTimeout time.Duration) http.RoundTripper {
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
	d := &net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second, Control: dialControl}
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
// checked when dialled by a [Client].
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

// budgetTransport charges every request and every body byte to the budget
// of the request's context (none: nothing is counted), and answers a GET
// of a URL already fetched in the same verification, with the same Accept
// header, from the budget's memo.
type budgetTransport struct{ next http.RoundTripper }

func (t *budgetTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	b := budget.From(ctx)
	if b == nil {
		return t.next.RoundTrip(req)
	}
	if err := budget.Cause(ctx); err != nil {
		closeBody(req)
		return nil, err
	}
	u := req.URL.Redacted()
	var key string
	if req.Method == http.MethodGet && (req.Body == nil || req.Body == http.NoBody) {
		key = u + "\x00" + req.Header.Get("Accept")
		if m, ok := b.Memo(key); ok {
			return memoResponse(req, m), nil
		}
	}
	if err := b.Fetch(u); err != nil {
		closeBody(req)
		return nil, err
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, budget.Wrap(ctx, err)
	}
	if err := budget.Cause(ctx); err != nil {
		// An answer that raced the deadline is not taken.
		resp.Body.Close()
		return nil, err
	}
	// The status line and headers were read from the network too: they
	// count, so that a server cannot send its payload there.
	if err := b.Bytes(headerBytes(resp)); err != nil {
		resp.Body.Close()
		return nil, err
	}
	if resp.ContentLength > b.RemainingBytes() {
		resp.Body.Close()
		return nil, b.ExceedBytes(u)
	}
	body := &budgetBody{rc: resp.Body, b: b, ctx: ctx}
	if key != "" && resp.StatusCode == http.StatusOK {
		body.key, body.resp = key, resp
		body.buf = &bytes.Buffer{}
	}
	resp.Body = body
	return resp, nil
}

// headerBytes is about the size of resp's status line and headers on the
// wire.
func headerBytes(resp *http.Response) int64 {
	n := int64(len(resp.Status)) + 16
	for k, vs := range resp.Header {
		for _, v := range vs {
			n += int64(len(k) + len(v) + 4)
		}
	}
	for k, vs := range resp.Trailer {
		for _, v := range vs {
			n += int64(len(k) + len(v) + 4)
		}
	}
	return n
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

func memoResponse(req *http.Request, m *budget.Response) *http.Response {
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", m.Status, http.StatusText(m.Status)),
		StatusCode:    m.Status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        m.Header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(m.Body)),
		ContentLength: int64(len(m.Body)),
		Request:       req,
	}
}

// budgetBody charges the bytes read to the budget and, for a memoizable
// response, keeps them; at the end of the body the response is
// remembered.
type budgetBody struct {
	rc   io.ReadCloser
	b    *budget.Budget
	ctx  context.Context
	key  string
	resp *http.Response
	buf  *bytes.Buffer
	err  error
}

func (r *budgetBody) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	n, err := r.rc.Read(p)
	if n > 0 {
		if berr := r.b.Bytes(int64(n)); berr != nil {
			r.err, r.buf = berr, nil
			return n, berr
		}
		if r.buf != nil {
			r.buf.Write(p[:n])
		}
	}
	if err != nil {
		if cause := budget.Cause(r.ctx); cause != nil {
			// A body that raced the deadline is not taken either.
			r.err, r.buf = cause, nil
			return n, cause
		}
	}
	switch {
	case errors.Is(err, io.EOF):
		if r.buf != nil {
			r.b.Remember(r.key, &budget.Response{Status: r.resp.StatusCode, Header: r.resp.Header.Clone(), Body: r.buf.Bytes()})
			r.buf = nil
		}
	case err != nil:
		r.buf = nil
		err = budget.Wrap(r.ctx, err)
	}
	return n, err
}

func (r *budgetBody) Close() error { return r.rc.Close() }

// Defaults of a [Client] (package did exports them as
// did.DefaultMaxRedirects and did.DefaultTimeout).
const (
	DefaultMaxRedirects = 3
	DefaultDialTimeout  = 10 * time.Second
)
