package did_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/internal/budget"
)

// budgetServer answers /big with 64 KiB (with a Content-Length),
// /stream with 64 KiB streamed (no Content-Length), /slow after two
// seconds, /rN with a redirect to /r(N-1) (/r0: a document), and anything
// else with a small JSON document. It counts requests.
func budgetServer(t *testing.T) (*http.Client, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	_, client := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		switch p := r.URL.Path; {
		case p == "/big":
			body := `{"x":"` + strings.Repeat("a", 64<<10) + `"}`
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			io.WriteString(w, body)
		case p == "/stream":
			io.WriteString(w, `{"x":"`)
			for range 64 {
				io.WriteString(w, strings.Repeat("a", 1<<10))
				w.(http.Flusher).Flush()
			}
			io.WriteString(w, `"}`)
		case p == "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
		case strings.HasPrefix(p, "/r") && p != "/r0":
			n, _ := strconv.Atoi(p[2:])
			http.Redirect(w, r, "/r"+strconv.Itoa(n-1), http.StatusFound)
		default:
			io.WriteString(w, `{"ok":true}`)
		}
	}))
	return did.GuardedClient(client, 5, true), &n
}

func get(ctx context.Context, c *http.Client, path, accept string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://example.com"+path, nil)
	if err != nil {
		return err
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.ReadAll(resp.Body)
	return err
}

func TestGuardedClientChargesEveryRequestToTheBudgetInItsContext(t *testing.T) {
	tests := []struct {
		name     string
		limits   budget.Limits
		paths    []string
		accepts  []string
		wantErr  bool // the last GET fails with ErrBudgetExceeded
		requests int64
	}{
		{name: "requests within the limit pass", limits: budget.Limits{Fetches: 3}, paths: []string{"/a", "/b", "/c"}, requests: 3},
		{name: "a request beyond the fetch limit is refused", limits: budget.Limits{Fetches: 2}, paths: []string{"/a", "/b", "/c"}, wantErr: true, requests: 2},
		{name: "a negative fetch limit refuses every request", limits: budget.Limits{Fetches: -1}, paths: []string{"/a"}, wantErr: true, requests: 0},
		{name: "each redirect is one fetch", limits: budget.Limits{Fetches: 2}, paths: []string{"/r2"}, wantErr: true, requests: 2},
		{name: "a repeated GET is answered from the memo", limits: budget.Limits{Fetches: 1}, paths: []string{"/a", "/a", "/a"}, requests: 1},
		{name: "the memo is keyed by the Accept header too", limits: budget.Limits{Fetches: 1}, paths: []string{"/a", "/a"}, accepts: []string{"application/json", "application/did+json"}, wantErr: true, requests: 1},
		{name: "a body announced beyond the byte limit is refused unread", limits: budget.Limits{Bytes: 1 << 10}, paths: []string{"/big"}, wantErr: true, requests: 1},
		{name: "a streamed body stops at the byte limit", limits: budget.Limits{Bytes: 8 << 10}, paths: []string{"/stream"}, wantErr: true, requests: 1},
		{name: "the bytes of every fetch add up", limits: budget.Limits{Bytes: 100 << 10}, paths: []string{"/stream", "/big"}, wantErr: true, requests: 2},
		{name: "a slow answer ends at the time limit", limits: budget.Limits{Time: 200 * time.Millisecond}, paths: []string{"/slow"}, wantErr: true, requests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, requests := budgetServer(t)
			ctx, b, owner, cancel := budget.Start(context.Background(), tt.limits)
			defer cancel()
			require.True(t, owner)
			start := time.Now()
			var err error
			for i, p := range tt.paths {
				accept := ""
				if i < len(tt.accepts) {
					accept = tt.accepts[i]
				}
				err = get(ctx, client, p, accept)
				if i < len(tt.paths)-1 {
					require.NoError(t, err, p)
				}
			}
			if tt.wantErr {
				require.Error(t, err)
				assert.ErrorIs(t, err, did.ErrBudgetExceeded)
				assert.ErrorIs(t, b.Err(), did.ErrBudgetExceeded, "the first limit reached is remembered")
			} else {
				require.NoError(t, err)
				assert.NoError(t, b.Err())
			}
			assert.Equal(t, tt.requests, requests.Load())
			assert.Less(t, time.Since(start), time.Second)
		})
	}
}

func TestGuardedClientWithoutABudgetCountsNothing(t *testing.T) {
	client, requests := budgetServer(t)
	for range 40 {
		require.NoError(t, get(context.Background(), client, "/a", ""))
	}
	assert.Equal(t, int64(40), requests.Load(), "no budget, no memo")
}

func TestAFetchlessViewRefusesFetchesWithoutSpendingTheBudget(t *testing.T) {
	client, requests := budgetServer(t)
	ctx, b, _, cancel := budget.Start(context.Background(), budget.Limits{})
	defer cancel()
	require.NoError(t, get(ctx, client, "/a", ""))
	offline := budget.With(ctx, b.WithoutFetches("the enclosing credential's proof did not verify"))
	err := get(offline, client, "/b", "")
	assert.ErrorIs(t, err, did.ErrBudgetExceeded)
	assert.Contains(t, err.Error(), "proof did not verify")
	require.NoError(t, get(offline, client, "/a", ""), "what was fetched already is served from the memo")
	assert.NoError(t, b.Err(), "a policy for one part, not the budget running out")
	require.NoError(t, get(ctx, client, "/b", ""))
	assert.Equal(t, int64(2), requests.Load())
}

func TestResolversReportASpentBudgetAsAFetchError(t *testing.T) {
	_, client := tlsServer(t, jsonHandler(t, "application/did+json", map[string]any{"id": "did:web:example.com"}))
	ctx, _, _, cancel := budget.Start(context.Background(), budget.Limits{Fetches: -1})
	defer cancel()
	for name, resolve := range map[string]func() error{
		"did:web": func() error {
			_, err := (&did.WebResolver{Client: client, AllowPrivateAddresses: true}).Resolve(ctx, "did:web:example.com")
			return err
		},
		"https": func() error {
			_, err := (&did.HTTPSResolver{Client: client, AllowPrivateAddresses: true}).Resolve(ctx, "https://example.com/issuer")
			return err
		},
		"JWKS": func() error {
			_, err := (&did.JWKSFetcher{Client: client, AllowPrivateAddresses: true}).FetchSet(ctx, "https://example.com/jwks.json")
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			err := resolve()
			assert.ErrorIs(t, err, did.ErrFetch)
			assert.ErrorIs(t, err, did.ErrBudgetExceeded)
		})
	}
}
