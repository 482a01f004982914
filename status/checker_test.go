package status_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

// TestValidatorRevokedSamples: the 1EdTech validator's revoked samples
// verify as revoked, index 23, with the testlist served by URL. The
// testlist's id (https://example.com/credentials/status/3) is not the URL
// the samples name, so by default the status is unknown (the list is not
// bound to its URL); with AllowListIDMismatch it is read, and the result
// says so.
func TestValidatorRevokedSamples(t *testing.T) {
	ctx := context.Background()
	fragmentKeys := &proof.Verifier{InsecureFragmentKeys: true}
	for _, file := range []string{"credential-status-revoked.json", "credential-status-revoked-blank-nodes.json"} {
		t.Run(file, func(t *testing.T) {
			c, err := vc.Parse(readFile(t, "testdata/"+file))
			require.NoError(t, err)
			_, err = fragmentKeys.VerifyProofs(ctx, c)
			require.NoError(t, err, "the credential's own proof verifies")

			strict := status.NewLocalChecker(map[string][]byte{sampleListURL: readFile(t, "testdata/testlist.json")}, fragmentKeys)
			strict.Now = clock
			res, err := strict.CheckStatus(ctx, c, entryMap(t, c))
			assert.ErrorIs(t, err, vc.ErrStatusUnknown)
			assert.ErrorIs(t, err, status.ErrListIDMismatch)
			assert.ErrorIs(t, err, status.ErrVerification)
			assert.NotErrorIs(t, err, vc.ErrRevoked)
			assert.Equal(t, vc.StatusUnknownOutcome, res.Outcome)

			ch := status.NewLocalChecker(map[string][]byte{sampleListURL: readFile(t, "testdata/testlist.json")}, fragmentKeys)
			ch.Now = clock
			ch.AllowListIDMismatch = true
			res, err = ch.CheckStatus(ctx, c, entryMap(t, c))
			require.Error(t, err)
			assert.Contains(t, res.Message, "AllowListIDMismatch", "the opt-in is reported")
			assert.Contains(t, res.Message, "https://example.com/credentials/status/3")
			assert.ErrorIs(t, err, vc.ErrRevoked)
			assert.ErrorIs(t, err, vc.ErrStatus)
			assert.NotErrorIs(t, err, vc.ErrStatusUnknown)
			assert.Equal(t, vc.StatusRevoked, res.Outcome)
			assert.Equal(t, int64(23), res.Index)
			assert.Equal(t, uint64(1), res.Value)
			assert.Equal(t, status.TypeBitstringEntry, res.Type)
			assert.Equal(t, sampleListURL, res.ListURL)

			// The same list read for another index says valid.
			e := map[string]any{}
			for k, v := range entryMap(t, c) {
				e[k] = v
			}
			e["statusListIndex"] = "22"
			res, err = ch.CheckStatus(ctx, c, e)
			require.NoError(t, err)
			assert.Equal(t, vc.StatusValid, res.Outcome)

			// Without the 1EdTech key rule the list cannot be verified:
			// unknown, not valid.
			plain := status.NewLocalChecker(map[string][]byte{sampleListURL: readFile(t, "testdata/testlist.json")}, nil)
			plain.AllowListIDMismatch = true
			res, err = plain.CheckStatus(ctx, c, e)
			assert.ErrorIs(t, err, vc.ErrStatusUnknown)
			assert.ErrorIs(t, err, status.ErrVerification)
			assert.Equal(t, vc.StatusUnknownOutcome, res.Outcome)
		})
	}
}

// listServer publishes documents over TLS; set replaces one.
type listServer struct {
	*httptest.Server
	mu      sync.Mutex
	docs    map[string][]byte
	fetches atomic.Int32
}

func newListServer(t *testing.T) *listServer {
	s := &listServer{docs: map[string][]byte{}}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		b, ok := s.docs[r.URL.Path]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/vc")
		w.Write(b)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *listServer) set(path string, b []byte) {
	s.mu.Lock()
	s.docs[path] = b
	s.mu.Unlock()
}

func (s *listServer) fetcher() *status.HTTPFetcher {
	return &status.HTTPFetcher{Client: s.Client(), AllowPrivateAddresses: true, Timeout: 2 * time.Second}
}

// TestRoundTrip: create, sign, publish, issue, check valid; revoke,
// re-sign, republish, check revoked — over HTTPS from httptest.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	srv := newListServer(t)
	k := testKey(t, 1)
	for _, tc := range []struct {
		name   string
		format status.Format
		jwt    bool
	}{
		{"bitstring", status.FormatBitstring, false},
		{"bitstring jwt", status.FormatBitstring, true},
		{"statuslist2021", status.FormatStatusList2021, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := "/status/" + strings.ReplaceAll(tc.name, " ", "-")
			l, err := status.NewList(status.ListOptions{ID: srv.URL + path, Format: tc.format})
			require.NoError(t, err)
			assert.Equal(t, 131072, l.Options().Entries)
			idx, err := l.Allocate(nil)
			require.NoError(t, err)
			e, err := l.Entry(idx)
			require.NoError(t, err)
			sign := func() {
				b, err := l.Sign(ctx, k, &status.SignOptions{Now: clock, ValidFor: 30 * 24 * time.Hour, JWT: tc.jwt})
				require.NoError(t, err)
				srv.set(path, b)
			}
			sign()
			cred := issue(t, k, e)
			check := func() (*vc.StatusResult, error) {
				ch := &status.Checker{Fetcher: srv.fetcher(), Now: clock}
				return ch.CheckStatus(ctx, cred, entryMap(t, cred))
			}
			res, err := check()
			require.NoError(t, err)
			assert.Equal(t, vc.StatusValid, res.Outcome)
			assert.Equal(t, int64(idx), res.Index)

			require.NoError(t, l.Set(idx, 1))
			sign()
			res, err = check()
			assert.ErrorIs(t, err, vc.ErrRevoked)
			assert.Equal(t, vc.StatusRevoked, res.Outcome)
			var se *vc.StatusError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, int64(idx), se.Index)
		})
	}
}

func TestSuspensionAndMessages(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	const url = "https://example.edu/status/s"
	msgs := []status.StatusMessage{{Status: "0x0", Message: "in good standing"}, {Status: "0x1", Message: "suspended pending review"}}
	l, err := status.NewList(status.ListOptions{ID: url, Purpose: status.PurposeSuspension, StatusMessages: msgs})
	require.NoError(t, err)
	idx, err := l.Allocate(nil)
	require.NoError(t, err)
	e, err := l.Entry(idx)
	require.NoError(t, err)
	cred := issue(t, k, e)
	publish := func() *status.Checker {
		b, err := l.Sign(ctx, k, &status.SignOptions{Now: clock})
		require.NoError(t, err)
		ch := status.NewLocalChecker(map[string][]byte{url: b}, nil)
		ch.Now = clock
		return ch
	}
	require.NoError(t, l.Set(idx, 1))
	res, err := publish().CheckStatus(ctx, cred, entryMap(t, cred))
	assert.ErrorIs(t, err, vc.ErrSuspended)
	assert.NotErrorIs(t, err, vc.ErrRevoked)
	assert.Equal(t, vc.StatusSuspended, res.Outcome)
	assert.Equal(t, "suspended pending review", res.Message)
	assert.Contains(t, err.Error(), "suspended pending review")

	require.NoError(t, l.Clear(idx)) // suspension is reversible
	res, err = publish().CheckStatus(ctx, cred, entryMap(t, cred))
	require.NoError(t, err)
	assert.Equal(t, vc.StatusValid, res.Outcome)
	assert.Equal(t, "in good standing", res.Message)

	// A message list with two bits per entry.
	const murl = "https://example.edu/status/m"
	four := []status.StatusMessage{{Status: "0x0", Message: "pending"}, {Status: "0x1", Message: "accepted"}, {Status: "0x2", Message: "rejected"}, {Status: "0x3", Message: "withdrawn"}}
	ml, err := status.NewList(status.ListOptions{ID: murl, Purpose: status.PurposeMessage, StatusSize: 2, StatusMessages: four})
	require.NoError(t, err)
	me, err := ml.Entry(77)
	require.NoError(t, err)
	assert.Equal(t, 2, me.StatusSize)
	require.NoError(t, ml.Set(77, 2))
	mb, err := ml.Sign(ctx, k, &status.SignOptions{Now: clock})
	require.NoError(t, err)
	mcred := issue(t, k, me)
	mch := status.NewLocalChecker(map[string][]byte{murl: mb}, nil)
	mch.Now = clock
	res, err = mch.CheckStatus(ctx, mcred, entryMap(t, mcred))
	require.NoError(t, err)
	assert.Equal(t, vc.StatusMessage, res.Outcome)
	assert.Equal(t, uint64(2), res.Value)
	assert.Equal(t, "rejected", res.Message)
}

// TestUnknownFailsClosed: every way the status cannot be established
// gives "status unknown" with its reason, never valid.
func TestUnknownFailsClosed(t *testing.T) {
	ctx := context.Background()
	k, other := testKey(t, 1), testKey(t, 2)
	srv := newListServer(t)
	url := srv.URL + "/status/1"

	l, err := status.NewList(status.ListOptions{ID: url})
	require.NoError(t, err)
	good, err := l.Sign(ctx, k, &status.SignOptions{Now: clock})
	require.NoError(t, err)
	e, err := l.Entry(5)
	require.NoError(t, err)
	cred := issue(t, k, e)
	entry := entryMap(t, cred)

	// Tampered: four characters of the encoded list changed after signing.
	enc, err := l.Bitstring().Encode(status.FormatBitstring)
	require.NoError(t, err)
	zero := strings.Repeat("A", 4)
	tampered := []byte(strings.Replace(string(good), enc, enc[:len(enc)-8]+zero+enc[len(enc)-4:], 1))
	require.NotEqual(t, good, tampered)

	ol, err := status.NewList(status.ListOptions{ID: url})
	require.NoError(t, err)
	byOther, err := ol.Sign(ctx, other, &status.SignOptions{Now: clock})
	require.NoError(t, err)

	signRaw := func(encodedList, extra string) []byte {
		doc := `{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"` + url + `","type":["VerifiableCredential","BitstringStatusListCredential"],` +
			`"issuer":"` + controller(k) + `","validFrom":"2026-01-01T00:00:00Z"` + extra + `,"credentialSubject":{"id":"` + url + `#list","type":"BitstringStatusList",` +
			`"statusPurpose":"revocation","encodedList":"` + encodedList + `"}}`
		b, err := proof.AddDataIntegrityProof(ctx, []byte(doc), k, &proof.DataIntegrityOptions{Now: clock})
		require.NoError(t, err)
		return b
	}
	bomb := signRaw(encodeRaw(t, make([]byte, 64<<20), status.FormatBitstring), "")
	short := signRaw(encodeRaw(t, make([]byte, 1024), status.FormatBitstring), "")
	expired := signRaw(encodeRaw(t, make([]byte, 16384), status.FormatBitstring), `,"validUntil":"2026-02-01T00:00:00Z"`)
	suspension, err := status.NewList(status.ListOptions{ID: url, Purpose: status.PurposeSuspension})
	require.NoError(t, err)
	suspList, err := suspension.Sign(ctx, k, &status.SignOptions{Now: clock})
	require.NoError(t, err)

	withIndex := func(i string) map[string]any {
		m := map[string]any{}
		for k, v := range entry {
			m[k] = v
		}
		m["statusListIndex"] = i
		return m
	}

	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		fetcher func(*status.HTTPFetcher)
		entry   map[string]any
		want    error
		reason  string
	}{
		{name: "tampered list", handler: serve(tampered), want: status.ErrVerification, reason: "signature"},
		{name: "list signed by another issuer", handler: serve(byOther), want: status.ErrIssuerMismatch},
		{name: "index past the end", handler: serve(good), entry: withIndex("131072"), want: status.ErrRange, reason: "131072"},
		{name: "gzip bomb", handler: serve(bomb), want: status.ErrTooLarge, reason: "decompressed"},
		{name: "list too short", handler: serve(short), want: status.ErrListLength},
		{name: "expired list", handler: serve(expired), want: vc.ErrExpired},
		{name: "purpose not served", handler: serve(suspList), want: status.ErrVerification, reason: "serves"},
		{name: "HTTP 500", handler: func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) }, want: status.ErrRetrieval, reason: "HTTP 500"},
		{name: "HTTP 404", handler: http.NotFound, want: status.ErrRetrieval, reason: "HTTP 404"},
		{name: "timeout", handler: func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, fetcher: func(f *status.HTTPFetcher) { f.Timeout = 200 * time.Millisecond }, want: context.DeadlineExceeded},
		{name: "oversized body", handler: serve(good), fetcher: func(f *status.HTTPFetcher) { f.MaxBytes = 256 }, want: status.ErrTooLarge, reason: "limit"},
		{name: "oversized chunked body", handler: func(w http.ResponseWriter, r *http.Request) {
			for range 64 {
				w.Write(good[:64])
				w.(http.Flusher).Flush()
			}
		}, fetcher: func(f *status.HTTPFetcher) { f.MaxBytes = 1024 }, want: status.ErrTooLarge},
		{name: "not a credential", handler: serve([]byte("<html>hello</html>")), want: status.ErrMalformed},
		{name: "malformed index", handler: serve(good), entry: withIndex("-1"), want: status.ErrMalformed},
		{name: "address guard", handler: serve(good), fetcher: func(f *status.HTTPFetcher) { f.AllowPrivateAddresses = false }, want: status.ErrAddressNotAllowed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := httptest.NewTLSServer(tc.handler)
			defer ts.Close()
			f := &status.HTTPFetcher{Client: ts.Client(), AllowPrivateAddresses: true, Timeout: 2 * time.Second}
			if tc.fetcher != nil {
				tc.fetcher(f)
			}
			// Serve ts for the list URL: rewrite the host in the transport.
			f.Client = rewriteClient(ts, f.AllowPrivateAddresses)
			e := tc.entry
			if e == nil {
				e = entry
			}
			ch := &status.Checker{Fetcher: f, Now: clock}
			res, err := ch.CheckStatus(ctx, cred, e)
			require.Error(t, err)
			assert.ErrorIs(t, err, vc.ErrStatusUnknown)
			assert.ErrorIs(t, err, tc.want)
			assert.NotErrorIs(t, err, vc.ErrRevoked)
			require.NotNil(t, res)
			assert.Equal(t, vc.StatusUnknownOutcome, res.Outcome)
			if tc.reason != "" {
				assert.Contains(t, err.Error(), tc.reason)
			}
			var se *status.Error
			require.ErrorAs(t, err, &se)
			assert.NotEmpty(t, se.Code())
			t.Logf("%s: %v", se.Code(), err)
		})
	}

	// Other entries that fail closed without any fetch.
	ch := status.NewLocalChecker(map[string][]byte{url: good}, nil)
	ch.Now = clock
	for name, e := range map[string]map[string]any{
		"unsupported type":    {"type": "SomeNewStatus2030", "id": url},
		"missing type":        {"statusListCredential": url},
		"unknown purpose":     {"type": status.TypeBitstringEntry, "statusPurpose": "expiry", "statusListIndex": "1", "statusListCredential": url},
		"no list URL":         {"type": status.TypeBitstringEntry, "statusPurpose": "revocation", "statusListIndex": "1"},
		"size without msgs":   {"type": status.TypeBitstringEntry, "statusPurpose": "revocation", "statusListIndex": "1", "statusListCredential": url, "statusSize": "2"},
		"sl2021 message":      {"type": status.TypeStatusList2021Entry, "statusPurpose": "message", "statusListIndex": "1", "statusListCredential": url},
		"list of wrong kind":  {"type": status.TypeStatusList2021Entry, "statusPurpose": "revocation", "statusListIndex": "1", "statusListCredential": url},
		"unknown list URL":    {"type": status.TypeBitstringEntry, "statusPurpose": "revocation", "statusListIndex": "1", "statusListCredential": url + "x"},
		"revocation list, no": {"type": status.TypeRevocationList},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := ch.CheckStatus(ctx, cred, e)
			assert.ErrorIs(t, err, vc.ErrStatusUnknown)
			assert.Equal(t, vc.StatusUnknownOutcome, res.Outcome)
		})
	}
	_, err = ch.CheckStatus(ctx, cred, map[string]any{"type": "SomeNewStatus2030"})
	assert.ErrorIs(t, err, vc.ErrUnsupportedStatusType)

	// A trusted list issuer other than the credential's is accepted when
	// configured.
	trusting := status.NewLocalChecker(map[string][]byte{url: byOther}, nil)
	trusting.Now = clock
	trusting.TrustedListIssuers = []string{controller(other)}
	_, err = trusting.CheckStatus(ctx, cred, entry)
	assert.NoError(t, err)
}

func serve(b []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { w.Write(b) }
}

// rewriteClient returns a client that sends every request to ts, whatever
// the URL's host, so lists named by a fixed URL can be served. With the
// guard on, the request still goes to a loopback address and is refused.
func rewriteClient(ts *httptest.Server, _ bool) *http.Client {
	base := ts.Client().Transport.(*http.Transport).Clone()
	base.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // test server
	return &http.Client{Transport: rewriteTransport{next: base, host: ts.Listener.Addr().String()}}
}

type rewriteTransport struct {
	next http.RoundTripper
	host string
}

func (r rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Host = r.host
	return r.next.RoundTrip(req)
}
