package netguard

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/internal/budget"
)

func TestPublicAddr(t *testing.T) {
	public := []string{"93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946", "64:ff9b::5db8:d822"}
	private := []string{
		"127.0.0.1", "127.1.2.3", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "fc00::1", "fd12::1",
		"169.254.169.254", "fe80::1", "224.0.0.1", "ff02::1", "0.0.0.0", "::", "100.64.0.1",
		"255.255.255.255", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::7f00:1", "198.18.0.1", "2001:db8::1",
	}
	for _, s := range public {
		assert.True(t, publicAddr(netip.MustParseAddr(s)), s)
	}
	for _, s := range private {
		assert.False(t, publicAddr(netip.MustParseAddr(s)), s)
	}
}

// TestDialGuard checks the guard on the address actually dialled, which
// is what stops DNS names that resolve (or rebind) to private addresses.
func TestDialGuard(t *testing.T) {
	assert.ErrorIs(t, dialControl("tcp", "127.0.0.1:443", nil), ErrAddressNotAllowed)
	assert.ErrorIs(t, dialControl("tcp6", "[fe80::1]:443", nil), ErrAddressNotAllowed)
	assert.ErrorIs(t, dialControl("tcp", "garbage", nil), ErrAddressNotAllowed)
	assert.NoError(t, dialControl("tcp", "93.184.216.34:443", nil))

	// The guarded transport replaces the dialer of a plain transport and
	// drops environment proxies; a custom transport gets the pre-flight check.
	tr := guardTransport(&http.Transport{Proxy: http.ProxyFromEnvironment}, time.Second)
	ht, ok := tr.(*http.Transport)
	require.True(t, ok)
	assert.Nil(t, ht.Proxy)
	assert.NotNil(t, ht.DialContext)
	_, ok = guardTransport(roundTripFunc(nil), time.Second).(*preflightTransport)
	assert.True(t, ok)
	_, ok = guardTransport(nil, time.Second).(*http.Transport)
	assert.True(t, ok)

	// The pre-flight check refuses IP literals without calling the wrapped transport.
	var called bool
	p := &preflightTransport{next: roundTripFunc(func(*http.Request) (*http.Response, error) { called = true; return nil, errors.New("x") })}
	req, _ := http.NewRequest(http.MethodGet, "https://10.0.0.1/x", nil)
	_, err := p.RoundTrip(req)
	assert.ErrorIs(t, err, ErrAddressNotAllowed)
	assert.False(t, called)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestHeadersChargedToTheBudget: the headers of a response count against
// the budget's bytes, whatever the transport (one that is not an
// *http.Transport cannot be given MaxResponseHeaderBytes).
func TestHeadersChargedToTheBudget(t *testing.T) {
	big := strings.Repeat("h", 3000)
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusNotFound, Status: "404 Not Found", Header: http.Header{"X-Pad": {big}},
			Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
	})
	c := Client(&http.Client{Transport: rt}, 0, true, time.Second)
	ctx, _, _, cancel := budget.Start(context.Background(), budget.Limits{Fetches: 10, Bytes: 5000, Time: time.Minute, Credentials: 1})
	defer cancel()
	get := func(u string) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		require.NoError(t, err)
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	require.NoError(t, get("https://a.example/1"), "3 KB of headers fit in 5 KB")
	err := get("https://b.example/2")
	require.ErrorIs(t, err, budget.ErrExceeded, "6 KB of headers do not")
}

// TestHeaderBoundOnTransports: an *http.Transport (nil: the default) gets
// MaxResponseHeaderBytes; a tighter bound is kept, and the caller's
// transport is not changed.
func TestHeaderBoundOnTransports(t *testing.T) {
	own := &http.Transport{}
	got := limitHeaders(own).(*http.Transport)
	assert.EqualValues(t, MaxResponseHeaderBytes, got.MaxResponseHeaderBytes)
	assert.Zero(t, own.MaxResponseHeaderBytes)
	tight := &http.Transport{MaxResponseHeaderBytes: 1024}
	assert.Same(t, tight, limitHeaders(tight))
	assert.EqualValues(t, MaxResponseHeaderBytes, limitHeaders(nil).(*http.Transport).MaxResponseHeaderBytes)
}
