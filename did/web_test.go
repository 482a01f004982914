package did_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
)

func TestWebURL(t *testing.T) {
	tests := []struct {
		did, want string
	}{
		{"did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"},
		{"did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"},
		{"did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"},
		{"did:web:example.com%3a8443", "https://example.com:8443/.well-known/did.json"},
		{"did:web:Example.COM", "https://example.com/.well-known/did.json"},
		{"did:web:dc.1edtech.org:wellspring2022:wellspring-portal:org:da1e96e9-1234", "https://dc.1edtech.org/wellspring2022/wellspring-portal/org/da1e96e9-1234/did.json"},
		{"did:web:example.com:a%20b", "https://example.com/a%20b/did.json"},
	}
	for _, tt := range tests {
		t.Run(tt.did, func(t *testing.T) {
			got, err := did.WebURL(tt.did)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	bad := []struct{ did, reason string }{
		{"did:key:z6Mk", "not a did:web"},
		{"did:web:127.0.0.1", "IP address"},
		{"did:web:10.0.0.1%3A443", "IP address"},
		{"did:web:1.2.3", "IP address"},
		{"did:web:example.com%3A0", "bad port"},
		{"did:web:example.com%3A99999", "bad port"},
		{"did:web:example.com%3Aabc", "bad port"},
		{"did:web:example.com::x", "bad path segment"},
		{"did:web:example.com:..", "bad path segment"},
		{"did:web:example.com:%2E%2E", "bad path segment"},
		{"did:web:example.com:a%2Fb", "bad path segment"},
		{"did:web:exa_mple.com", "bad host name"},
		{"did:web:-example.com", "bad host name"},
		{"did:web:example..com", "bad host name"},
		{"did:web:example.com%40evil.com", "percent-encoding in host"},
		{"did:web:", "empty method-specific id"},
	}
	for _, tt := range bad {
		t.Run("bad/"+tt.did, func(t *testing.T) {
			_, err := did.WebURL(tt.did)
			require.Error(t, err)
			var re *did.ResolutionError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.did, re.DID)
			assert.Contains(t, err.Error(), tt.reason)
			assert.Contains(t, err.Error(), fmt.Sprintf("%q", tt.did))
		})
	}
}

func TestWebResolver(t *testing.T) {
	ctx := context.Background()
	k := seedKey(t, 1)
	good := controllerDoc(t, "did:web:example.com", "key-1", k, did.AssertionMethod)
	pathDoc := controllerDoc(t, "did:web:example.com:issuers:42", "key-1", k, did.AssertionMethod)
	wrongID := controllerDoc(t, "did:web:evil.example", "key-1", k, did.AssertionMethod)
	big := `{"id":"did:web:example.com","pad":"` + strings.Repeat("x", 4096) + `"}`

	mux := http.NewServeMux()
	mux.Handle("/.well-known/did.json", jsonHandler(t, "application/did+json", good))
	mux.Handle("/issuers/42/did.json", jsonHandler(t, "application/json; charset=utf-8", pathDoc))
	mux.Handle("/wrong-id/did.json", jsonHandler(t, "application/json", wrongID))
	mux.Handle("/html/did.json", jsonHandler(t, "text/html", good))
	mux.HandleFunc("/big/did.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(big))
	})
	mux.HandleFunc("/bigchunked/did.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		for i := 0; i < 8; i++ { // flushing forces chunked encoding: no Content-Length
			_, _ = w.Write([]byte(big[i*512 : (i+1)*512]))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/notjson/did.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id": "did:web:example.com:notjson",`))
	})
	mux.HandleFunc("/dup/did.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"did:web:example.com:dup","id":"did:web:example.com:dup"}`))
	})
	mux.HandleFunc("/loop-a/did.json", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop-b/did.json", http.StatusFound)
	})
	mux.HandleFunc("/loop-b/did.json", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop-a/did.json", http.StatusFound)
	})
	for i := 1; i <= 5; i++ {
		next := fmt.Sprintf("/chain%d/did.json", i+1)
		mux.HandleFunc(fmt.Sprintf("/chain%d/did.json", i), func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, next, http.StatusFound)
		})
	}
	mux.HandleFunc("/tohttp/did.json", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://example.com/.well-known/did.json", http.StatusFound)
	})
	mux.HandleFunc("/slow/did.json", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/gone/did.json", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "deactivated", http.StatusGone)
	})
	mux.HandleFunc("/boom/did.json", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	_, client := tlsServer(t, mux)

	newResolver := func() *did.WebResolver {
		return &did.WebResolver{Client: client, MaxBytes: 1024, Timeout: 300 * time.Millisecond, AllowPrivateAddresses: true}
	}

	t.Run("ok", func(t *testing.T) {
		doc, err := newResolver().Resolve(ctx, "did:web:example.com")
		require.NoError(t, err)
		assert.Equal(t, "did:web:example.com", doc.ID)
		vm, err := did.Dereference(ctx, did.Methods{"web": newResolver()}, "did:web:example.com#key-1", did.AssertionMethod)
		require.NoError(t, err)
		assert.Equal(t, multikeyOf(t, k), vm.PublicKeyMultibase)
	})
	t.Run("ok with path", func(t *testing.T) {
		doc, err := newResolver().Resolve(ctx, "did:web:example.com:issuers:42")
		require.NoError(t, err)
		assert.Equal(t, "did:web:example.com:issuers:42", doc.ID)
	})

	fails := []struct {
		name, did string
		is        []error
		contains  string
	}{
		{"document id does not match", "did:web:example.com:wrong-id", []error{did.ErrInvalidDocument}, "does not match"},
		{"wrong content type", "did:web:example.com:html", []error{did.ErrFetch}, "text/html"},
		{"oversized body", "did:web:example.com:big", []error{did.ErrFetch}, "exceeds the limit"},
		{"oversized chunked body", "did:web:example.com:bigchunked", []error{did.ErrFetch}, "exceeds the limit"},
		{"malformed JSON", "did:web:example.com:notjson", []error{did.ErrInvalidDocument}, "not valid JSON"},
		{"duplicate member", "did:web:example.com:dup", []error{did.ErrInvalidDocument}, "duplicate member"},
		{"redirect loop", "did:web:example.com:loop-a", []error{did.ErrFetch}, "redirect loop"},
		{"too many redirects", "did:web:example.com:chain1", []error{did.ErrFetch}, "more than 3 redirects"},
		{"redirect to http", "did:web:example.com:tohttp", []error{did.ErrFetch}, "non-https"},
		{"slow server hits the timeout", "did:web:example.com:slow", []error{did.ErrFetch, context.DeadlineExceeded}, "deadline"},
		{"gone", "did:web:example.com:gone", []error{did.ErrNotFound}, "410"},
		{"not found", "did:web:example.com:nothing", []error{did.ErrNotFound}, "404"},
		{"server error", "did:web:example.com:boom", []error{did.ErrFetch}, "500"},
	}
	for _, tt := range fails {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := newResolver().Resolve(ctx, tt.did)
			require.Error(t, err)
			for _, target := range tt.is {
				assert.ErrorIs(t, err, target)
			}
			var re *did.ResolutionError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.did, re.DID)
			assert.Contains(t, err.Error(), tt.contains)
			assert.Less(t, time.Since(start), 3*time.Second)
		})
	}

	t.Run("caller deadline applies", func(t *testing.T) {
		r := &did.WebResolver{Client: client, Timeout: time.Minute, AllowPrivateAddresses: true}
		cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_, err := r.Resolve(cctx, "did:web:example.com:slow")
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
}

// TestAddressGuard proves that the default (no AllowPrivateAddresses)
// refuses loopback servers, even with a client that trusts them.
func TestAddressGuard(t *testing.T) {
	ctx := context.Background()
	k := seedKey(t, 2)
	srv := newPlainTLSServer(t, k)

	// By IP literal: refused before connecting.
	url := srv.URL + "/issuers/1"
	_, err := (&did.HTTPSResolver{Client: srv.Client()}).Resolve(ctx, url)
	require.Error(t, err)
	assert.ErrorIs(t, err, did.ErrAddressNotAllowed)
	assert.ErrorIs(t, err, did.ErrFetch)

	// The same server with the explicit opt-out works.
	doc, err := (&did.HTTPSResolver{Client: srv.Client(), AllowPrivateAddresses: true}).Resolve(ctx, url)
	require.NoError(t, err)
	assert.Equal(t, url, doc.ID)

	// did:web on localhost: refused by name, without a DNS lookup.
	_, err = (&did.WebResolver{Client: srv.Client()}).Resolve(ctx, "did:web:localhost%3A8443")
	assert.ErrorIs(t, err, did.ErrAddressNotAllowed)

	// A nil client gets a private guarded client, never http.DefaultClient.
	_, err = (&did.HTTPSResolver{}).Resolve(ctx, "https://127.0.0.1:1/x")
	assert.ErrorIs(t, err, did.ErrAddressNotAllowed)
	_, err = (&did.HTTPSResolver{}).Resolve(ctx, "https://[::1]:1/x")
	assert.ErrorIs(t, err, did.ErrAddressNotAllowed)
	_, err = (&did.HTTPSResolver{}).Resolve(ctx, "https://169.254.169.254/latest")
	assert.ErrorIs(t, err, did.ErrAddressNotAllowed)
	assert.False(t, errors.Is(err, did.ErrNotFound))
}
