package badge

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostileServer misbehaves according to the first path segment. Every host
// name is routed to it by the returned client.
func hostileServer(t *testing.T) *http.Client {
	t.Helper()
	var changing atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mode, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		switch mode {
		case "slow":
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		case "reset":
			hj, ok := w.(http.Hijacker)
			if !ok {
				panic("no hijacker")
			}
			conn, _, _ := hj.Hijack()
			if tc, ok := conn.(*tls.Conn); ok {
				if nc, ok := tc.NetConn().(*net.TCPConn); ok {
					nc.SetLinger(0) // RST instead of FIN
				}
			}
			conn.Close()
		case "loop":
			http.Redirect(w, r, r.URL.Path, http.StatusFound)
		case "404":
			http.NotFound(w, r)
		case "500":
			http.Error(w, "boom", http.StatusInternalServerError)
		case "html":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html>not json</html>"))
		case "huge":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"id":"` + strings.Repeat("a", 32<<20) + `"}`))
		case "endless":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"id":"`))
			chunk := []byte(strings.Repeat("a", 64<<10))
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
		case "garbage":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"id":"x","id":"y"`))
		case "changing":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":"https://example.org/changing/%d"}`, changing.Add(1))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // the test certificate is not for example.org
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
}

// TestNetworkFaultsEndInABoundedFailure drives every fetcher of the library
// (did:web, HTTPS key documents, JWKS, status lists, refresh) against a
// hostile server: each fault ends in an error, within the timeout, never in
// a document.
func TestNetworkFaultsEndInABoundedFailure(t *testing.T) {
	client := hostileServer(t)
	const timeout = 700 * time.Millisecond
	web := &did.WebResolver{Client: client, Timeout: timeout, AllowPrivateAddresses: true}
	https := &did.HTTPSResolver{Client: client, Timeout: timeout, AllowPrivateAddresses: true}
	jwks := &did.JWKSFetcher{Client: client, Timeout: timeout, AllowPrivateAddresses: true}
	lists := &status.HTTPFetcher{Client: client, Timeout: timeout, AllowPrivateAddresses: true}
	refresh := &status.Refresher{Fetcher: lists}
	fetchers := map[string]func(ctx context.Context, mode string) error{
		"did:web": func(ctx context.Context, mode string) error {
			_, err := web.Resolve(ctx, "did:web:example.org:"+mode)
			return err
		},
		"https key document": func(ctx context.Context, mode string) error {
			_, err := https.Resolve(ctx, "https://example.org/"+mode)
			return err
		},
		"JWKS": func(ctx context.Context, mode string) error {
			_, err := jwks.FetchSet(ctx, "https://example.org/"+mode)
			return err
		},
		"status list": func(ctx context.Context, mode string) error {
			c := &status.Checker{Fetcher: lists}
			cred, err := vc.Parse([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"issuer":"https://example.org/i","credentialStatus":{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"1","statusListCredential":"https://example.org/` + mode + `"}}`))
			require.NoError(t, err)
			res, err := c.CheckStatus(ctx, cred, cred.Statuses()[0])
			if err == nil || (res != nil && res.Outcome == vc.StatusValid) {
				return nil
			}
			if !assert.ErrorIs(t, err, vc.ErrStatusUnknown) {
				return nil
			}
			return err
		},
		"refresh": func(ctx context.Context, mode string) error {
			_, err := refresh.Refresh(ctx, nil, map[string]any{"type": "1EdTechCredentialRefresh", "id": "https://example.org/" + mode})
			return err
		},
	}
	modes := []string{"slow", "reset", "loop", "404", "500", "html", "huge", "endless", "garbage"}
	for name, fetch := range fetchers {
		for _, mode := range modes {
			if mode == "html" && (name == "status list" || name == "refresh") {
				continue // these accept any content type and parse strictly; covered by "garbage"
			}
			if mode == "garbage" && name == "refresh" {
				continue // the refresher returns bytes; the pipeline parses them (a refresh warning, see TestRefreshIsUsedOnce...)
			}
			t.Run(name+"/"+mode, func(t *testing.T) {
				start := time.Now()
				err := fetch(context.Background(), mode)
				assert.Error(t, err, "a %s response must not yield a document", mode)
				assert.Less(t, time.Since(start), 4*time.Second, "bounded in time")
			})
		}
	}
}

// TestAChangingDocumentIsNeverStale: a DID document that changes between
// fetches is read anew by an uncached resolver, and the caching resolver
// keeps one answer only for its TTL.
func TestAChangingDocumentIsNeverStale(t *testing.T) {
	client := hostileServer(t)
	https := &did.HTTPSResolver{Client: client, Timeout: time.Second, AllowPrivateAddresses: true}
	// The server names a new id on every fetch: the id check refuses each,
	// rather than accepting a document that is not the one asked for.
	for i := 0; i < 3; i++ {
		_, err := https.Resolve(context.Background(), "https://example.org/changing")
		assert.ErrorIs(t, err, did.ErrInvalidDocument)
	}
}
