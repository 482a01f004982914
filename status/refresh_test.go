package status_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

func TestRefresher(t *testing.T) {
	ctx := context.Background()
	c, err := vc.Parse(readFile(t, "testdata/credential-status-revocationlist.json"))
	require.NoError(t, err)
	svc, ok := c.Document()["refreshService"].(map[string]any)
	require.True(t, ok)
	refreshed := []byte(`{"refreshed":true}`)

	var _ vc.Refresher = (*status.Refresher)(nil)
	r := &status.Refresher{Fetcher: status.StaticFetcher(map[string][]byte{svc["id"].(string): refreshed})}
	got, err := r.Refresh(ctx, c, svc)
	require.NoError(t, err)
	assert.Equal(t, refreshed, got)

	for _, tc := range []struct {
		name    string
		service map[string]any
		handler http.HandlerFunc
		max     int64
		reason  string
	}{
		{name: "other type", service: map[string]any{"type": "ManualRefreshService2018", "id": "https://example.edu/r"}, reason: "type"},
		{name: "http URL", service: map[string]any{"type": status.TypeCredentialRefresh, "id": "http://example.edu/r"}, reason: "https"},
		{name: "HTTP 500", handler: func(w http.ResponseWriter, r *http.Request) { http.Error(w, "x", 500) }, reason: "HTTP 500"},
		{name: "empty body", handler: func(w http.ResponseWriter, r *http.Request) {}, reason: "empty"},
		{name: "oversized", handler: serve([]byte(strings.Repeat("x", 4096))), max: 1024, reason: "size limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.service
			if s == nil {
				s = map[string]any{"type": status.TypeCredentialRefresh, "id": "https://example.edu/refresh/1"}
			}
			var f status.Fetcher = status.StaticFetcher(nil)
			if tc.handler != nil {
				ts := httptest.NewTLSServer(tc.handler)
				defer ts.Close()
				f = &status.HTTPFetcher{Client: rewriteClient(ts, true), AllowPrivateAddresses: true, MaxBytes: tc.max}
			}
			_, err := (&status.Refresher{Fetcher: f}).Refresh(ctx, c, s)
			assert.ErrorIs(t, err, vc.ErrRefresh)
			assert.Contains(t, err.Error(), tc.reason)
		})
	}

	// The default fetcher refuses loopback addresses.
	_, err = (&status.Refresher{}).Refresh(ctx, c, map[string]any{"type": status.TypeCredentialRefresh, "id": "https://127.0.0.1:1/r"})
	assert.ErrorIs(t, err, vc.ErrRefresh)
	assert.ErrorIs(t, err, status.ErrAddressNotAllowed)
}
