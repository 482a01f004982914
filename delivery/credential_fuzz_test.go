package delivery_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/delivery"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

// FuzzCredentialRequest posts fuzzed Credential Requests (seeds: what
// conformant wallets and @digitalbazaar/oid4-client send) to the
// credential endpoint of a fresh exchange, holding a valid access token;
// "{{proof}}" in the body stands for a valid key proof with a fresh
// c_nonce. With and without the relaxations of
// AllowDigitalBazaarOID4Client, the endpoint never panics or fails with a
// 5xx, answers a JSON body, and issues a credential only for a request
// carrying that valid proof.
func FuzzCredentialRequest(f *testing.F) {
	for _, s := range []string{
		`{"credential_configuration_id":"OpenBadgeCredential_ldp_vc","proofs":{"jwt":["{{proof}}"]}}`,
		`{"credential_configuration_id":"OpenBadgeCredential_jwt_vc_json","proofs":{"proof_type":"jwt","jwt":["{{proof}}"]}}`,
		`{"credential_identifier":"OpenBadgeCredential_ldp_vc","proof":{"proof_type":"jwt","jwt":"{{proof}}"}}`,
		`{"format":"jwt_vc_json","credential_definition":{"type":["VerifiableCredential","OpenBadgeCredential"]},"proof":{"proof_type":"jwt","jwt":"{{proof}}"}}`,
		`{"credential_configuration_id":"OpenBadgeCredential_ldp_vc","proofs":{"jwt":[]}}`,
		`{"credential_configuration_id":"OpenBadgeCredential_ldp_vc","proofs":{"jwt":"{{proof}}"}}`,
		`{}`, `[]`, `null`, ``,
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	issuerKey, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		f.Fatal(err)
	}
	walletKey, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{8}, 32))
	if err != nil {
		f.Fatal(err)
	}
	const base = "https://issuer.example/wallet"
	handlers := map[bool]http.Handler{}
	services := map[bool]*delivery.Service{}
	for _, allow := range []bool{false, true} {
		cfg := delivery.Config{Issuer: &badge.Issuer{Key: proof.Key{Signer: issuerKey.Signer, VerificationMethod: issuerKey.ID}}, BaseURL: base}
		if allow {
			cfg = cfg.AllowDigitalBazaarOID4Client()
		}
		svc, err := delivery.NewService(cfg)
		if err != nil {
			f.Fatal(err)
		}
		h, err := delivery.NewHandler(svc)
		if err != nil {
			f.Fatal(err)
		}
		handlers[allow], services[allow] = h, svc
	}
	do := func(h http.Handler, method, path, ct, token string, body []byte) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, base+path, bytes.NewReader(body))
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	f.Fuzz(func(t *testing.T, body []byte, allow bool) {
		if len(body) > 8<<10 {
			return
		}
		h, svc := handlers[allow], services[allow]
		x, err := svc.CreateExchange(context.Background(), delivery.ExchangeRequest{Achievement: achievement(),
			Configurations: []string{delivery.ConfigurationLDP, delivery.ConfigurationJWT}})
		if err != nil {
			t.Fatal(err)
		}
		form := url.Values{"grant_type": {delivery.GrantPreAuthorizedCode}, "pre-authorized_code": {x.PreAuthorizedCode}}
		tr := do(h, http.MethodPost, delivery.PathToken, "application/x-www-form-urlencoded", "", []byte(form.Encode()))
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if tr.Code != http.StatusOK || json.Unmarshal(tr.Body.Bytes(), &tok) != nil {
			t.Fatalf("token: %d %s", tr.Code, tr.Body)
		}
		nr := do(h, http.MethodPost, delivery.PathNonce, "", "", nil)
		var n struct {
			CNonce string `json:"c_nonce"`
		}
		if json.Unmarshal(nr.Body.Bytes(), &n) != nil || n.CNonce == "" {
			t.Fatalf("nonce: %d %s", nr.Code, nr.Body)
		}
		hb, _ := json.Marshal(map[string]any{"typ": delivery.TypKeyProof, "alg": "EdDSA", "kid": walletKey.ID})
		cb, _ := json.Marshal(map[string]any{"aud": base, "iat": time.Now().Unix(), "nonce": n.CNonce})
		in := base64.RawURLEncoding.EncodeToString(hb) + "." + base64.RawURLEncoding.EncodeToString(cb)
		jwt := in + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(walletKey.Signer.(ed25519.PrivateKey), []byte(in)))
		req := bytes.ReplaceAll(body, []byte("{{proof}}"), []byte(jwt))

		w := do(h, http.MethodPost, delivery.PathCredential, "application/json", tok.AccessToken, req)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized:
		default:
			t.Fatalf("status %d for %q: %s", w.Code, req, w.Body)
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("not JSON: %q", w.Body)
		}
		if w.Code == http.StatusOK && !strings.Contains(string(req), jwt) {
			t.Fatalf("issued without the valid key proof: %q", req)
		}
	})
}
