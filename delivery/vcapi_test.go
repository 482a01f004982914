package delivery_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/delivery"
)

// credentialOf returns the one credential of a presentation.
func credentialOf(t *testing.T, vp map[string]any) []byte {
	t.Helper()
	require.Contains(t, vp["type"], "VerifiablePresentation")
	list, ok := vp["verifiableCredential"].([]any)
	require.True(t, ok)
	require.Len(t, list, 1)
	b, err := json.Marshal(list[0])
	require.NoError(t, err)
	return b
}

// The Learner Credential Wallet's one-step link: the wallet reads
// vc_request_url and challenge from the deep link, POSTs a bare DID
// Authentication presentation (challenge, no domain) and reads a
// credential or a presentation from the response.
func TestVCAPIOneStep(t *testing.T) {
	e := newEnv(t)
	_, links := e.exchange(delivery.ExchangeRequest{Learner: delivery.Learner{ID: "lms-42"}})
	for _, link := range []string{links.WalletRequest, links.WalletRequestScheme} {
		assert.Equal(t, links.ExchangeURL, queryParam(t, link, "vc_request_url"))
		assert.Equal(t, links.Challenge, queryParam(t, link, "challenge"))
		assert.Equal(t, "bearer", queryParam(t, link, "auth_type"))
		assert.Equal(t, "127.0.0.1", queryParam(t, link, "issuer"))
	}
	assert.True(t, strings.HasPrefix(links.WalletRequestScheme, "dccrequest://request?"))

	w := newWallet(t)
	vp := w.didAuth(t, queryParam(t, links.WalletRequest, "challenge"), "")
	resp := postJSON(t, queryParam(t, links.WalletRequest, "vc_request_url"), vp)
	require.Equal(t, http.StatusOK, resp.status, string(resp.body))
	e.verifyBadge(t, credentialOf(t, resp.json(t)), w.did())
	require.Len(t, e.collected, 1)
	assert.Equal(t, w.did(), e.collected[0].Holder)
	assert.Equal(t, "vcapi", e.collected[0].Protocol)
	assert.Equal(t, "lms-42", e.collected[0].Learner.ID)

	// Replayed: the same request again is refused, nothing issued.
	resp = postJSON(t, links.ExchangeURL, vp)
	assert.Equal(t, http.StatusConflict, resp.status)
	assert.Equal(t, delivery.ProblemComplete, resp.json(t)["type"])
	assert.Equal(t, delivery.ProblemMediaType, resp.header.Get("Content-Type"))
	assert.Len(t, e.collected, 1)
}

// The two-step flow (and the protocols invitation / interaction URL that
// lead to it): POST {} gives a presentation request; the wallet answers
// with {"verifiablePresentation": ...} carrying challenge and domain.
func TestVCAPITwoStep(t *testing.T) {
	e := newEnv(t)
	_, links := e.exchange(delivery.ExchangeRequest{})

	var inv struct {
		CredentialRequestOrigin string            `json:"credentialRequestOrigin"`
		Protocols               map[string]string `json:"protocols"`
	}
	require.NoError(t, json.Unmarshal([]byte(queryParam(t, links.WalletProtocols, "request")), &inv))
	assert.Equal(t, links.ExchangeURL, inv.Protocols["vcapi"])
	assert.Equal(t, e.srv.URL, inv.CredentialRequestOrigin)

	resp := do(t, http.MethodGet, links.InteractionURL, "", nil, map[string]string{"Accept": "application/json"})
	require.Equal(t, http.StatusOK, resp.status)
	protocols := resp.json(t)["protocols"].(map[string]any)
	assert.Equal(t, links.ExchangeURL, protocols["vcapi"])
	assert.Equal(t, links.CredentialOfferByReference, protocols["OID4VCI"])
	page := do(t, http.MethodGet, links.InteractionURL, "", nil, map[string]string{"Accept": "text/html"})
	assert.Contains(t, page.header.Get("Content-Type"), "text/html")
	assert.Contains(t, string(page.body), "Teamwork")

	resp = postJSON(t, inv.Protocols["vcapi"], []byte(`{}`))
	require.Equal(t, http.StatusOK, resp.status, string(resp.body))
	vpr := resp.json(t)["verifiablePresentationRequest"].(map[string]any)
	query := vpr["query"].([]any)[0].(map[string]any)
	assert.Equal(t, "DIDAuthentication", query["type"])
	challenge, domain := vpr["challenge"].(string), vpr["domain"].(string)
	assert.Equal(t, links.Challenge, challenge)
	service := vpr["interact"].(map[string]any)["service"].([]any)
	endpoint := service[0].(map[string]any)["serviceEndpoint"].(string)
	assert.Equal(t, links.ExchangeURL, endpoint)

	w := newWallet(t)
	body, err := json.Marshal(map[string]json.RawMessage{"verifiablePresentation": w.didAuth(t, challenge, domain)})
	require.NoError(t, err)
	resp = postJSON(t, endpoint, body)
	require.Equal(t, http.StatusOK, resp.status, string(resp.body))
	vp := resp.json(t)["verifiablePresentation"].(map[string]any)
	e.verifyBadge(t, credentialOf(t, vp), w.did())

	// The interaction URL of a collected exchange says so.
	resp = do(t, http.MethodGet, links.InteractionURL, "", nil, nil)
	assert.Equal(t, http.StatusConflict, resp.status)
}

// Refused requests leave the exchange open: a wrong challenge, a tampered
// presentation, another site's domain, a holder other than the learner;
// an expired exchange is gone.
func TestVCAPIRefused(t *testing.T) {
	e := newEnv(t)
	w := newWallet(t)
	x, links := e.exchange(delivery.ExchangeRequest{})

	fail := func(name string, body []byte, status int, typ string) {
		t.Helper()
		resp := postJSON(t, links.ExchangeURL, body)
		require.Equal(t, status, resp.status, "%s: %s", name, resp.body)
		assert.Equal(t, typ, resp.json(t)["type"], name)
		got, err := e.svc.Store().Get(t.Context(), x.ID)
		require.NoError(t, err)
		assert.NotEqual(t, delivery.StateComplete, got.State, name)
		assert.False(t, got.Issuing, name)
	}
	fail("wrong challenge", w.didAuth(t, "not-the-challenge", ""), http.StatusUnprocessableEntity, delivery.ProblemNotVerified)
	fail("other domain", w.didAuth(t, links.Challenge, "evil.example"), http.StatusUnprocessableEntity, delivery.ProblemNotVerified)
	tampered := strings.Replace(string(w.didAuth(t, links.Challenge, "")), w.did(), newWallet(t).did(), 1)
	fail("tampered holder", []byte(tampered), http.StatusUnprocessableEntity, delivery.ProblemNotVerified)
	fail("not a presentation", []byte(`{"hello":1}`), http.StatusBadRequest, delivery.ProblemBadRequest)
	fail("not JSON", []byte(`[1,2]`), http.StatusBadRequest, delivery.ProblemBadRequest)
	resp := postJSON(t, e.svc.BaseURL()+"/exchanges/unknown", []byte(`{}`))
	assert.Equal(t, http.StatusNotFound, resp.status)

	// The problem lists the failed checks.
	resp = postJSON(t, links.ExchangeURL, w.didAuth(t, "not-the-challenge", ""))
	var p delivery.Problem
	require.NoError(t, json.Unmarshal(resp.body, &p))
	var failed []string
	for _, f := range p.Errors {
		failed = append(failed, f.Path)
	}
	assert.Contains(t, failed, "challenge")

	// Still open: the right presentation collects it.
	resp = postJSON(t, links.ExchangeURL, w.didAuth(t, links.Challenge, ""))
	require.Equal(t, http.StatusOK, resp.status, string(resp.body))

	// Bound to a learner's DID: anyone else is refused.
	learner := newWallet(t)
	x, links = e.exchange(delivery.ExchangeRequest{Learner: delivery.Learner{DID: learner.did()}})
	fail("wrong holder", w.didAuth(t, links.Challenge, ""), http.StatusForbidden, delivery.ProblemWrongHolder)
	resp = postJSON(t, links.ExchangeURL, learner.didAuth(t, links.Challenge, ""))
	require.Equal(t, http.StatusOK, resp.status, string(resp.body))

	// Expired.
	x, links = e.exchange(delivery.ExchangeRequest{TTL: time.Minute})
	e.advance(2 * time.Minute)
	fail("expired", w.didAuth(t, links.Challenge, ""), http.StatusGone, delivery.ProblemExpired)
}

// The LMS creates an exchange over HTTP.
func TestCreateExchangeHandler(t *testing.T) {
	e := newEnv(t)
	a, err := json.Marshal(achievement())
	require.NoError(t, err)
	resp := postJSON(t, e.svc.BaseURL()+"/exchanges", []byte(`{"learner":{"id":"u1"},"ttl":"10m","achievement":`+string(a)+`}`))
	require.Equal(t, http.StatusCreated, resp.status, string(resp.body))
	links := resp.json(t)["links"].(map[string]any)
	assert.Equal(t, links["exchangeUrl"], resp.header.Get("Location"))

	resp = postJSON(t, e.svc.BaseURL()+"/exchanges", []byte(`{"learner":{}}`))
	assert.Equal(t, http.StatusBadRequest, resp.status)
	resp = postJSON(t, e.svc.BaseURL()+"/exchanges", []byte(`{"achievement":`+string(a)+`,"extra":1}`))
	assert.Equal(t, http.StatusBadRequest, resp.status)
}
