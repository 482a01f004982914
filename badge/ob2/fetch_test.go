package ob2_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge/ob2"
	"github.com/openbadges-go/openbadges/did"
)

// jsonServer serves a small JSON document at /doc and a larger one at /big.
func jsonServer(t *testing.T) *httptest.Server {
	t.Helper()
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/ld+json")
		if r.URL.Path == "/big" {
			_, _ = w.Write([]byte(`{"pad":"` + strings.Repeat("x", 2048) + `"}`))
			return
		}
		_, _ = w.Write([]byte(`{"id":"https://example.org/doc"}`))
	}))
	t.Cleanup(ts.Close)
	return ts
}

// The address guard is on unless AllowPrivateAddresses (the name the
// module's other fetchers use) turns it off; a literal HTTPFetcher and
// NewHTTPFetcher's behave alike, limits included.
func TestHTTPFetcherGuardsAddressesUnlessAllowPrivateAddresses(t *testing.T) {
	ts := jsonServer(t)
	for _, tt := range []struct {
		name    string
		fetcher func() ob2.Fetcher
		path    string
		err     error // nil: fetched
	}{
		{"a literal refuses a loopback address", func() ob2.Fetcher { return &ob2.HTTPFetcher{Client: ts.Client()} }, "/doc", did.ErrAddressNotAllowed},
		{"NewHTTPFetcher's refuses a loopback address", func() ob2.Fetcher { return ob2.NewHTTPFetcher(ob2.HTTPFetcher{Client: ts.Client()}) }, "/doc", did.ErrAddressNotAllowed},
		{"a literal with AllowPrivateAddresses fetches", func() ob2.Fetcher {
			return &ob2.HTTPFetcher{Client: ts.Client(), AllowPrivateAddresses: true}
		}, "/doc", nil},
		{"NewHTTPFetcher's with AllowPrivateAddresses fetches", func() ob2.Fetcher {
			return ob2.NewHTTPFetcher(ob2.HTTPFetcher{Client: ts.Client(), AllowPrivateAddresses: true})
		}, "/doc", nil},
		{"a literal applies its MaxBytes", func() ob2.Fetcher {
			return &ob2.HTTPFetcher{Client: ts.Client(), AllowPrivateAddresses: true, MaxBytes: 1024}
		}, "/big", ob2.ErrFetch},
		{"a literal with no MaxBytes applies the default", func() ob2.Fetcher {
			return &ob2.HTTPFetcher{Client: ts.Client(), AllowPrivateAddresses: true}
		}, "/big", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.fetcher().Fetch(context.Background(), ts.URL+tt.path)
			if tt.err != nil {
				require.Error(t, err)
				assert.True(t, errors.Is(err, tt.err), "%v", err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, r.Status)
		})
	}
}
