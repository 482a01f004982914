package ob2

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A literal HTTPFetcher builds its guarded client once, on first use, and
// every fetch after it (concurrent ones too) goes through that one client
// and its connection pool, instead of a new client per fetch.
func TestALiteralHTTPFetcherBuildsItsGuardedClientOnce(t *testing.T) {
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	defer ts.Close()
	f := &HTTPFetcher{Client: ts.Client(), AllowPrivateAddresses: true}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			_, err := f.Fetch(context.Background(), ts.URL)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	first, ok := f.client.Load().(*http.Client)
	require.True(t, ok, "the literal keeps the client it built")
	_, err := f.Fetch(context.Background(), ts.URL)
	require.NoError(t, err)
	assert.Same(t, first, f.guarded(), "the next fetch reuses it")

	n := NewHTTPFetcher(HTTPFetcher{Client: ts.Client(), AllowPrivateAddresses: true})
	built := n.guarded()
	_, err = n.Fetch(context.Background(), ts.URL)
	require.NoError(t, err)
	assert.Same(t, built, n.guarded(), "NewHTTPFetcher's is built once too")
}
