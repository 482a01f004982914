package vc

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/did"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEmbeddedLoaderRefusesUnknownURLAndNamesIt(t *testing.T) {
	for _, u := range []string{"https://example.com/ctx", "file:///etc/passwd", "/etc/passwd", "", "https://www.w3.org/ns/credentials/v2/"} {
		_, err := EmbeddedLoader().LoadDocument(context.Background(), u)
		require.Error(t, err, u)
		assert.ErrorIs(t, err, ErrUnknownContext)
		var uce *UnknownContextError
		require.True(t, errors.As(err, &uce))
		assert.Equal(t, u, uce.URL)
	}
}

func TestStaticAndChainLoadersAddContexts(t *testing.T) {
	own, err := StaticLoader(map[string][]byte{"https://example.com/mine": []byte(`{"@context":{"x":"https://example.com/x"}}`)})
	require.NoError(t, err)
	l := ChainLoader(EmbeddedLoader(), own)
	_, err = l.LoadDocument(context.Background(), ContextV2)
	assert.NoError(t, err)
	d, err := l.LoadDocument(context.Background(), "https://example.com/mine")
	require.NoError(t, err)
	assert.Equal(t, "https://example.com/mine", d.DocumentURL)
	_, err = l.LoadDocument(context.Background(), "https://example.com/other")
	assert.ErrorIs(t, err, ErrUnknownContext)

	_, err = StaticLoader(map[string][]byte{"https://example.com/bad": []byte(`{"a":1,"a":2}`)})
	assert.Error(t, err)
}

func TestChainLoaderStopsOnRealErrors(t *testing.T) {
	boom := errors.New("boom")
	failing := DocumentLoaderFunc(func(context.Context, string) (*RemoteDocument, error) { return nil, boom })
	_, err := ChainLoader(failing, EmbeddedLoader()).LoadDocument(context.Background(), ContextV2)
	assert.ErrorIs(t, err, boom)
}

func newContextServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *RemoteLoader) {
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return srv, &RemoteLoader{AllowedHosts: []string{u.Hostname()}, Client: srv.Client(), Timeout: 2 * time.Second, MaxBytes: 1024, AllowPrivateAddresses: true}
}

func TestRemoteLoader(t *testing.T) {
	var hits atomic.Int32
	srv, l := newContextServer(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/ok":
			w.Header().Set("Content-Type", "application/ld+json")
			w.Write([]byte(`{"@context":{"a":"https://example.com/a"}}`))
		case "/html":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(`{"@context":{}}`))
		case "/big":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"@context":{"a":"` + strings.Repeat("x", 2000) + `"}}`))
		case "/dup":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"@context":{},"@context":{}}`))
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		case "/500":
			http.Error(w, "no", http.StatusInternalServerError)
		}
	})
	ctx := context.Background()

	d, err := l.LoadDocument(ctx, srv.URL+"/ok")
	require.NoError(t, err)
	assert.NotNil(t, d.Document)
	_, err = l.LoadDocument(ctx, srv.URL+"/ok")
	require.NoError(t, err)
	assert.Equal(t, int32(1), hits.Load(), "second load must come from the cache")

	for _, path := range []string{"/html", "/big", "/dup", "/500"} {
		_, err := l.LoadDocument(ctx, srv.URL+path)
		assert.ErrorIs(t, err, ErrLoad, path)
	}

	l.Timeout = 200 * time.Millisecond
	start := time.Now()
	_, err = l.LoadDocument(ctx, srv.URL+"/slow")
	assert.ErrorIs(t, err, ErrLoad)
	assert.Less(t, time.Since(start), 2*time.Second)

	_, err = l.LoadDocument(ctx, strings.Replace(srv.URL, "https://", "http://", 1)+"/ok")
	assert.ErrorIs(t, err, ErrLoad, "plain http is refused")
	_, err = l.LoadDocument(ctx, "https://not-allowed.example/ctx")
	assert.ErrorIs(t, err, ErrUnknownContext, "hosts outside the allow-list are refused")
}

func TestRemoteLoaderGuardsAddresses(t *testing.T) {
	srv, l := newContextServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/ld+json")
		w.Write([]byte(`{"@context":{}}`))
	})
	l.AllowPrivateAddresses = false
	_, err := l.LoadDocument(context.Background(), srv.URL+"/ok")
	assert.ErrorIs(t, err, ErrLoad)
	assert.ErrorIs(t, err, did.ErrAddressNotAllowed, "an allow-listed host on a loopback address is still refused")
}

func TestRemoteLoaderRedirectsStayOnAllowedHosts(t *testing.T) {
	srv, l := newContextServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://elsewhere.example/ctx", http.StatusFound)
	})
	_, err := l.LoadDocument(context.Background(), srv.URL+"/ok")
	assert.ErrorIs(t, err, ErrLoad)
	assert.Contains(t, err.Error(), "allow-list")
}

func TestRemoteLoaderWithoutAllowListRefusesEverything(t *testing.T) {
	_, err := (&RemoteLoader{}).LoadDocument(context.Background(), "https://www.w3.org/ns/credentials/v2")
	assert.ErrorIs(t, err, ErrUnknownContext)
}

func TestCachingLoaderIsBoundedAndConcurrencySafe(t *testing.T) {
	var calls atomic.Int32
	next := DocumentLoaderFunc(func(_ context.Context, u string) (*RemoteDocument, error) {
		calls.Add(1)
		return &RemoteDocument{DocumentURL: u, Document: map[string]any{}}, nil
	})
	l := NewCachingLoader(next, 4)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				_, err := l.LoadDocument(context.Background(), "https://example.com/"+string(rune('a'+(i+g)%8)))
				assert.NoError(t, err)
			}
		}(g)
	}
	wg.Wait()
	c := newLRU(2)
	c.put("a", nil)
	c.put("b", nil)
	c.get("a")
	c.put("c", nil)
	_, hasB := c.get("b")
	_, hasA := c.get("a")
	assert.False(t, hasB, "least recently used entry evicted")
	assert.True(t, hasA)
	assert.Equal(t, 2, c.len())
}
