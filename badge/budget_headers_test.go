package badge

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/status"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countConn counts the bytes a client reads from the wire.
type countConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countConn) Read(p []byte) (int, error) {
	k, err := c.Conn.Read(p)
	c.n.Add(int64(k))
	return k, err
}

// TestResponseHeadersCountAgainstTheByteBudget: a server the credential
// names answers every fetch with a 404 carrying about 1 MiB of headers,
// through a transport that allows them (net/http accepts 10 MB). One
// verification of a self-signed credential with 40 status entries on 40
// hosts once read about 32 MiB, 8 times the byte budget (found by a
// review): headers are now charged, and the bytes read stay near the
// budget.
func TestResponseHeadersCountAgainstTheByteBudget(t *testing.T) {
	var wire, requests atomic.Int64
	pad := strings.Repeat("h", 1<<20-4096)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("X-Pad", pad)
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return countConn{c, &wire}, nil
		},
	}}
	o := VerifierOptions{}
	o.Resolver = did.Methods{"key": did.KeyResolver{}, "web": &did.WebResolver{Client: client, AllowPrivateAddresses: true}}
	fetch := &status.HTTPFetcher{Client: client, AllowPrivateAddresses: true}
	o.Status = &status.Checker{Fetcher: fetch, Now: func() time.Time { return rtNow }}
	o.Now = func() time.Time { return rtNow }
	v, err := NewVerifier(o)
	require.NoError(t, err)

	data := fanOutCredential(t, []int{1}, 40)
	_, err = v.Verify(context.Background(), data)
	require.Error(t, err)
	t.Logf("requests %d, wire bytes read %d (budget %d)", requests.Load(), wire.Load(), DefaultBudgetBytes)
	assert.LessOrEqual(t, wire.Load(), int64(2*DefaultBudgetBytes), "bytes received from the network within one verification should be bounded by the byte budget (headers included)")
}
