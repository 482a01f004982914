package delivery_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/delivery"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

// env is a running delivery service with an issuer and a clock the test
// moves.
type env struct {
	t         *testing.T
	srv       *httptest.Server
	svc       *delivery.Service
	issuerDID string
	mu        sync.Mutex
	now       time.Time
	collected []*delivery.Exchange
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(d)
}

func newEnv(t *testing.T, configure ...func(delivery.Config) delivery.Config) *env {
	t.Helper()
	key, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{7}, 32))
	require.NoError(t, err)
	e := &env{t: t, now: time.Now().Truncate(time.Second), issuerDID: key.Controller}
	mux := http.NewServeMux()
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	store := delivery.NewMemoryStore()
	store.Now = e.clock
	cfg := delivery.Config{
		Issuer:     &badge.Issuer{Key: proof.Key{Signer: key.Signer, VerificationMethod: key.ID}},
		IssuerName: "Example University",
		BaseURL:    e.srv.URL + "/wallet",
		Store:      store,
		Now:        e.clock,
		Collected: func(_ context.Context, x *delivery.Exchange, _ *badge.Signed) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.collected = append(e.collected, x)
		},
	}
	for _, c := range configure {
		cfg = c(cfg)
	}
	e.svc, err = delivery.NewService(cfg)
	require.NoError(t, err)
	h, err := delivery.NewHandler(e.svc)
	require.NoError(t, err)
	mux.Handle("/wallet/", h)
	for _, p := range e.svc.WellKnownPaths() {
		mux.Handle(p, h)
	}
	create, err := delivery.NewCreateExchangeHandler(e.svc)
	require.NoError(t, err)
	mux.Handle("POST /wallet/exchanges", create)
	return e
}

func achievement() badge.Achievement {
	return badge.NewAchievement("https://example.edu/achievements/teamwork", "Teamwork",
		"Works well in a team.", "Nominated by peers and confirmed by staff.")
}

func (e *env) exchange(r delivery.ExchangeRequest) (*delivery.Exchange, delivery.Links) {
	e.t.Helper()
	if r.Achievement.ID == "" {
		r.Achievement = achievement()
	}
	x, err := e.svc.CreateExchange(context.Background(), r)
	require.NoError(e.t, err)
	l, err := e.svc.Links(x)
	require.NoError(e.t, err)
	return x, l
}

// wallet is a holder with a did:key.
type wallet struct {
	key *did.Key
}

func newWallet(t *testing.T) *wallet {
	k, err := did.GenerateKey(did.AlgEd25519, rand.Reader)
	require.NoError(t, err)
	return &wallet{key: k}
}

func (w *wallet) did() string { return w.key.Controller }

// didAuth signs a DID Authentication presentation as the Learner
// Credential Wallet does (@digitalcredentials/vc createPresentation +
// signPresentation, Ed25519Signature2020, VC 1.1 context, holder set, no
// credentials).
func (w *wallet) didAuth(t *testing.T, challenge, domain string) []byte {
	t.Helper()
	vp := map[string]any{
		"@context": []string{"https://www.w3.org/2018/credentials/v1", proof.ContextEd25519Signature2020},
		"type":     []string{"VerifiablePresentation"},
		"holder":   w.did(),
	}
	b, err := json.Marshal(vp)
	require.NoError(t, err)
	signed, err := proof.AddDataIntegrityProof(context.Background(), b, proof.Key{Signer: w.key.Signer, VerificationMethod: w.key.ID},
		&proof.DataIntegrityOptions{Cryptosuite: proof.Ed25519Signature2020, Purpose: proof.PurposeAuthentication, Challenge: challenge, Domain: domain})
	require.NoError(t, err)
	return signed
}

// keyProof signs an OpenID4VCI jwt key proof.
func (w *wallet) keyProof(t *testing.T, header, claims map[string]any) string {
	t.Helper()
	h := map[string]any{"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": w.key.ID}
	for k, v := range header {
		if v == nil {
			delete(h, k)
		} else {
			h[k] = v
		}
	}
	hb, _ := json.Marshal(h)
	cb, _ := json.Marshal(claims)
	in := base64.RawURLEncoding.EncodeToString(hb) + "." + base64.RawURLEncoding.EncodeToString(cb)
	sig := ed25519.Sign(w.key.Signer.(ed25519.PrivateKey), []byte(in))
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), string(r.body))
	return m
}

func do(t *testing.T, method, u, contentType string, body []byte, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return response{resp.StatusCode, resp.Header, b}
}

func postJSON(t *testing.T, u string, body []byte) response {
	return do(t, http.MethodPost, u, "application/json", body, nil)
}

func postForm(t *testing.T, u string, v url.Values) response {
	return do(t, http.MethodPost, u, "application/x-www-form-urlencoded", []byte(v.Encode()), nil)
}

// queryParam returns a query parameter of a link.
func queryParam(t *testing.T, link, name string) string {
	t.Helper()
	i := strings.IndexByte(link, '?')
	require.Positive(t, i, link)
	q, err := url.ParseQuery(link[i+1:])
	require.NoError(t, err)
	return q.Get(name)
}

// verifyBadge verifies a received credential with the full Open Badges
// pipeline and checks it is about holder.
func (e *env) verifyBadge(t *testing.T, cred []byte, holder string) {
	t.Helper()
	v, err := badge.NewVerifier(badge.VerifierOptions{Now: e.clock})
	require.NoError(t, err)
	res, err := v.Verify(context.Background(), cred)
	if err != nil {
		for _, c := range res.Checks {
			t.Log(c.ID, c.Status, c.Err, c.Detail)
		}
	}
	require.NoError(t, err)
	subjects := res.Credential.Subjects()
	require.Len(t, subjects, 1)
	require.Equal(t, holder, subjects[0]["id"])
}

// b64 encodes an Ed25519 public key for a JWK.
func b64(pub any) string { return base64.RawURLEncoding.EncodeToString(pub.(ed25519.PublicKey)) }
