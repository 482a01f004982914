package netguard

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHeaderBoundBehindPreflight: a caller's *http.Transport with its own
// dialer, address guard on, is wrapped in a pre-flight check; the header
// bound is set on it first (a review found it kept net/http's 10 MB).
func TestHeaderBoundBehindPreflight(t *testing.T) {
	big := strings.Repeat("h", 4000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := range 50 { // ~200 KB of headers
			w.Header().Add("X-Pad", big+string(rune('a'+i%26)))
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	own := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	}}
	c := Client(&http.Client{Transport: own}, 0, false, time.Second)
	// A public IP literal: the preflight check passes without DNS, the
	// caller's dialer reaches the test server.
	resp, err := c.Get("http://93.184.216.34/")
	if err == nil {
		resp.Body.Close()
	}
	require.Error(t, err, "200 KB of response headers were accepted (bound is %d)", MaxResponseHeaderBytes)
}

// TestDefaultClientKeepsTheDialGuard: the default transport (nil) gets the
// header bound and keeps the guard on the dialled address (not the weaker
// pre-flight check, which a clone of http.DefaultTransport with its own
// dialer would get).
func TestDefaultClientKeepsTheDialGuard(t *testing.T) {
	c := Client(nil, 0, false, time.Second)
	bt, ok := c.Transport.(*budgetTransport)
	require.True(t, ok)
	tr, ok := bt.next.(*http.Transport)
	require.True(t, ok, "the guarded default is an *http.Transport, not %T", bt.next)
	assert.EqualValues(t, MaxResponseHeaderBytes, tr.MaxResponseHeaderBytes)
	assert.Nil(t, tr.Proxy)
	_, err := tr.DialContext(context.Background(), "tcp", "127.0.0.1:9")
	require.ErrorIs(t, err, ErrAddressNotAllowed)
}
