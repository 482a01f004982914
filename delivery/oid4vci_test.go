package delivery_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/delivery"
)

// oidClient is a minimal OpenID4VCI wallet: it follows an offer through
// the issuer's metadata, the token, nonce and credential endpoints.
type oidClient struct {
	t      *testing.T
	w      *wallet
	issuer string
	meta   map[string]any
}

// readOffer resolves an offer link (by value or by reference).
func readOffer(t *testing.T, link string) map[string]any {
	t.Helper()
	require.True(t, strings.HasPrefix(link, "openid-credential-offer://?"), link)
	var offer map[string]any
	if v := queryParam(t, link, "credential_offer"); v != "" {
		require.NoError(t, json.Unmarshal([]byte(v), &offer))
		return offer
	}
	resp := do(t, http.MethodGet, queryParam(t, link, "credential_offer_uri"), "", nil, nil)
	require.Equal(t, http.StatusOK, resp.status, string(resp.body))
	assert.Equal(t, "application/json", resp.header.Get("Content-Type"))
	return resp.json(t)
}

func wellKnown(t *testing.T, issuer, name string) map[string]any {
	t.Helper()
	u, err := url.Parse(issuer)
	require.NoError(t, err)
	resp := do(t, http.MethodGet, u.Scheme+"://"+u.Host+"/.well-known/"+name+u.Path, "", nil, nil)
	require.Equal(t, http.StatusOK, resp.status, string(resp.body))
	return resp.json(t)
}

func (c *oidClient) token(code, txCode string) response {
	c.t.Helper()
	as := wellKnown(c.t, c.issuer, "oauth-authorization-server")
	require.Equal(c.t, true, as["pre-authorized_grant_anonymous_access_supported"])
	v := url.Values{"grant_type": {delivery.GrantPreAuthorizedCode}, "pre-authorized_code": {code}}
	if txCode != "" {
		v.Set("tx_code", txCode)
	}
	return postForm(c.t, as["token_endpoint"].(string), v)
}

func (c *oidClient) nonce() string {
	c.t.Helper()
	resp := postJSON(c.t, c.meta["nonce_endpoint"].(string), nil)
	require.Equal(c.t, http.StatusOK, resp.status)
	assert.Contains(c.t, resp.header.Get("Cache-Control"), "no-store")
	return resp.json(c.t)["c_nonce"].(string)
}

func (c *oidClient) credential(token string, body map[string]any) response {
	c.t.Helper()
	b, err := json.Marshal(body)
	require.NoError(c.t, err)
	h := map[string]string{}
	if token != "" {
		h["Authorization"] = "Bearer " + token
	}
	return do(c.t, http.MethodPost, c.meta["credential_endpoint"].(string), "application/json", b, h)
}

func (c *oidClient) proof(nonce string) string {
	return c.w.keyProof(c.t, nil, map[string]any{"aud": c.issuer, "iat": time.Now().Unix(), "nonce": nonce})
}

func newClient(t *testing.T, offer map[string]any) *oidClient {
	issuer := offer["credential_issuer"].(string)
	meta := wellKnown(t, issuer, "openid-credential-issuer")
	require.Equal(t, issuer, meta["credential_issuer"])
	return &oidClient{t: t, w: newWallet(t), issuer: issuer, meta: meta}
}

func grant(offer map[string]any) map[string]any {
	return offer["grants"].(map[string]any)[delivery.GrantPreAuthorizedCode].(map[string]any)
}

// Both formats, by value and by reference, end to end; the credential
// verifies and is about the wallet's DID.
func TestOpenID4VCIEndToEnd(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		cfg      string
		byRef    bool
		isString bool
	}{
		{delivery.ConfigurationLDP, false, false},
		{delivery.ConfigurationJWT, true, true},
	} {
		t.Run(tc.cfg, func(t *testing.T) {
			_, links := e.exchange(delivery.ExchangeRequest{Configurations: []string{tc.cfg}})
			link := links.CredentialOffer
			if tc.byRef {
				link = links.CredentialOfferByReference
			}
			offer := readOffer(t, link)
			assert.Equal(t, []any{tc.cfg}, offer["credential_configuration_ids"])
			c := newClient(t, offer)
			cfg := c.meta["credential_configurations_supported"].(map[string]any)[tc.cfg].(map[string]any)
			assert.Equal(t, map[string]any{"jwt": map[string]any{"proof_signing_alg_values_supported": []any{"EdDSA", "ES256", "ES384"}}}, cfg["proof_types_supported"])

			resp := c.token(grant(offer)["pre-authorized_code"].(string), "")
			require.Equal(t, http.StatusOK, resp.status, string(resp.body))
			tok := resp.json(t)
			assert.Equal(t, "bearer", tok["token_type"])
			assert.Contains(t, resp.header.Get("Cache-Control"), "no-store")

			resp = c.credential(tok["access_token"].(string), map[string]any{
				"credential_configuration_id": tc.cfg,
				"proofs":                      map[string]any{"jwt": []string{c.proof(c.nonce())}},
			})
			require.Equal(t, http.StatusOK, resp.status, string(resp.body))
			var out struct {
				Credentials []struct {
					Credential json.RawMessage `json:"credential"`
				} `json:"credentials"`
			}
			require.NoError(t, json.Unmarshal(resp.body, &out))
			require.Len(t, out.Credentials, 1)
			cred := []byte(out.Credentials[0].Credential)
			if tc.isString {
				var s string
				require.NoError(t, json.Unmarshal(cred, &s))
				cred = []byte(s)
			} else {
				require.Equal(t, byte('{'), cred[0])
			}
			e.verifyBadge(t, cred, c.w.did())
		})
	}
}

// errorCode asserts an OAuth error response.
func errorCode(t *testing.T, resp response, status int, code string) {
	t.Helper()
	require.Equal(t, status, resp.status, string(resp.body))
	assert.Equal(t, code, resp.json(t)["error"], string(resp.body))
	assert.Equal(t, "application/json", resp.header.Get("Content-Type"))
}

// Token endpoint: single-use codes, expiry, the transaction code and its
// attempt limit, the grant type.
func TestOpenID4VCIToken(t *testing.T) {
	e := newEnv(t)
	_, links := e.exchange(delivery.ExchangeRequest{TxCode: "493536"})
	assert.True(t, links.TxCodeRequired)
	offer := readOffer(t, links.CredentialOffer)
	tx := grant(offer)["tx_code"].(map[string]any)
	assert.Equal(t, "numeric", tx["input_mode"])
	assert.EqualValues(t, 6, tx["length"])
	c := newClient(t, offer)
	code := grant(offer)["pre-authorized_code"].(string)

	errorCode(t, c.token(code, ""), http.StatusBadRequest, "invalid_request")
	errorCode(t, c.token(code, "000000"), http.StatusBadRequest, "invalid_grant")
	errorCode(t, c.token("nope", "493536"), http.StatusBadRequest, "invalid_grant")
	errorCode(t, postForm(t, e.svc.BaseURL()+"/token", url.Values{"grant_type": {"authorization_code"}, "code": {"x"}}), http.StatusBadRequest, "unsupported_grant_type")
	errorCode(t, do(t, http.MethodPost, e.svc.BaseURL()+"/token", "application/json", []byte(`{}`), nil), http.StatusBadRequest, "invalid_request")
	resp := c.token(code, "493536")
	require.Equal(t, http.StatusOK, resp.status, string(resp.body))
	// A second claim of the single-use code.
	errorCode(t, c.token(code, "493536"), http.StatusBadRequest, "invalid_grant")
	// The offer by reference is gone once its code is used.
	assert.Equal(t, http.StatusConflict, do(t, http.MethodGet, links.CredentialOfferURI, "", nil, nil).status)

	// A code without tx_code refuses one.
	_, links = e.exchange(delivery.ExchangeRequest{})
	offer = readOffer(t, links.CredentialOffer)
	errorCode(t, c.token(grant(offer)["pre-authorized_code"].(string), "1234"), http.StatusBadRequest, "invalid_request")

	// Guessing the transaction code locks the exchange.
	_, links = e.exchange(delivery.ExchangeRequest{TxCode: "4321"})
	code = grant(readOffer(t, links.CredentialOffer))["pre-authorized_code"].(string)
	for range delivery.MaxTxCodeFailures {
		errorCode(t, c.token(code, "0000"), http.StatusBadRequest, "invalid_grant")
	}
	errorCode(t, c.token(code, "4321"), http.StatusBadRequest, "invalid_grant")

	// An expired offer.
	_, links = e.exchange(delivery.ExchangeRequest{TTL: time.Minute})
	code = grant(readOffer(t, links.CredentialOffer))["pre-authorized_code"].(string)
	e.advance(2 * time.Minute)
	errorCode(t, c.token(code, ""), http.StatusBadRequest, "invalid_grant")
}

// Credential endpoint: the access token, the configuration, the key
// proof (typ, key, aud, nonce), single issuance.
func TestOpenID4VCICredentialRefused(t *testing.T) {
	e := newEnv(t)
	_, links := e.exchange(delivery.ExchangeRequest{})
	offer := readOffer(t, links.CredentialOffer)
	c := newClient(t, offer)
	resp := c.token(grant(offer)["pre-authorized_code"].(string), "")
	require.Equal(t, http.StatusOK, resp.status)
	token := resp.json(t)["access_token"].(string)
	req := func(proofs any) map[string]any {
		return map[string]any{"credential_configuration_id": delivery.ConfigurationLDP, "proofs": proofs}
	}
	jwt := func(header, claims map[string]any) map[string]any {
		cl := map[string]any{"aud": c.issuer, "iat": time.Now().Unix(), "nonce": c.nonce()}
		for k, v := range claims {
			cl[k] = v
		}
		return map[string]any{"jwt": []string{c.w.keyProof(t, header, cl)}}
	}

	resp = c.credential("", req(jwt(nil, nil)))
	errorCode(t, resp, http.StatusUnauthorized, "invalid_token")
	assert.Contains(t, resp.header.Get("WWW-Authenticate"), "Bearer")
	errorCode(t, c.credential("wrong", req(jwt(nil, nil))), http.StatusUnauthorized, "invalid_token")
	errorCode(t, c.credential(token, map[string]any{"credential_configuration_id": "Diploma", "proofs": jwt(nil, nil)}), http.StatusBadRequest, "unknown_credential_configuration")
	errorCode(t, c.credential(token, map[string]any{"proofs": jwt(nil, nil)}), http.StatusBadRequest, "invalid_credential_request")
	errorCode(t, c.credential(token, req(nil)), http.StatusBadRequest, "invalid_proof")
	errorCode(t, c.credential(token, req(jwt(map[string]any{"typ": "JWT"}, nil))), http.StatusBadRequest, "invalid_proof")
	errorCode(t, c.credential(token, req(jwt(nil, map[string]any{"aud": "https://elsewhere.example"}))), http.StatusBadRequest, "invalid_proof")
	errorCode(t, c.credential(token, req(jwt(nil, map[string]any{"nonce": nil}))), http.StatusBadRequest, "invalid_proof")
	errorCode(t, c.credential(token, req(jwt(nil, map[string]any{"iat": time.Now().Add(-time.Hour).Unix()}))), http.StatusBadRequest, "invalid_proof")
	errorCode(t, c.credential(token, req(jwt(nil, map[string]any{"nonce": "made-up"}))), http.StatusBadRequest, "invalid_nonce")
	// A proof by another key than the one kid names.
	other := newWallet(t)
	errorCode(t, c.credential(token, req(jwt(map[string]any{"kid": other.key.ID}, nil))), http.StatusBadRequest, "invalid_proof")
	errorCode(t, c.credential(token, req(map[string]any{"di_vp": []any{map[string]any{}}})), http.StatusBadRequest, "invalid_proof")
	errorCode(t, c.credential(token, map[string]any{"credential_configuration_id": delivery.ConfigurationLDP, "proofs": jwt(nil, nil),
		"credential_response_encryption": map[string]any{"enc": "A256GCM"}}), http.StatusBadRequest, "invalid_encryption_parameters")

	// A nonce is single use.
	n := c.nonce()
	p := map[string]any{"jwt": []string{c.w.keyProof(t, nil, map[string]any{"aud": c.issuer, "iat": time.Now().Unix(), "nonce": n})}}
	resp = c.credential(token, req(p))
	require.Equal(t, http.StatusOK, resp.status, string(resp.body))
	// Replayed: the same request, and a fresh one, after the credential
	// was issued.
	resp = c.credential(token, req(p))
	assert.Equal(t, http.StatusUnauthorized, resp.status, string(resp.body))
	resp = c.credential(token, req(jwt(nil, nil)))
	assert.Equal(t, http.StatusUnauthorized, resp.status, string(resp.body))
	require.Len(t, e.collected, 1)
	assert.Equal(t, "openid4vci", e.collected[0].Protocol)
}

// A jwk key proof binds the credential to the did:key of that key; a
// holder other than the learner's DID is refused.
func TestOpenID4VCIJWKAndWrongHolder(t *testing.T) {
	e := newEnv(t)
	learner := newWallet(t)
	_, links := e.exchange(delivery.ExchangeRequest{Learner: delivery.Learner{DID: learner.did()}, Configurations: []string{delivery.ConfigurationJWT}})
	offer := readOffer(t, links.CredentialOffer)
	c := newClient(t, offer)
	resp := c.token(grant(offer)["pre-authorized_code"].(string), "")
	require.Equal(t, http.StatusOK, resp.status)
	token := resp.json(t)["access_token"].(string)
	body := func(w *wallet, header map[string]any) map[string]any {
		return map[string]any{"credential_configuration_id": delivery.ConfigurationJWT,
			"proofs": map[string]any{"jwt": []string{w.keyProof(t, header, map[string]any{"aud": c.issuer, "iat": time.Now().Unix(), "nonce": c.nonce()})}}}
	}
	errorCode(t, c.credential(token, body(c.w, nil)), http.StatusBadRequest, "credential_request_denied")
	pub := learner.key.Public
	jwk := map[string]any{"kty": "OKP", "crv": "Ed25519", "x": b64(pub)}
	resp = c.credential(token, body(learner, map[string]any{"kid": nil, "jwk": jwk}))
	require.Equal(t, http.StatusOK, resp.status, string(resp.body))
	var out struct {
		Credentials []struct {
			Credential string `json:"credential"`
		} `json:"credentials"`
	}
	require.NoError(t, json.Unmarshal(resp.body, &out))
	e.verifyBadge(t, []byte(out.Credentials[0].Credential), learner.did())
}

// The relaxations of Config.AllowDigitalBazaarOID4Client, one by one:
// off by default; on, each admits only the departure it names (an
// untyped proof, a proof without iat whose nbf is fresh, a proofs object
// with proof_type "jwt") and records it on the exchange, while every
// other rule of the key proof holds.
func TestOpenID4VCIRelaxations(t *testing.T) {
	now := time.Now().Unix()
	noTyp := map[string]any{"typ": nil}
	for _, tc := range []struct {
		name    string
		allow   bool
		header  map[string]any
		claims  map[string]any // merged over {aud, iat: now, nonce}; nil values delete
		typeMem any            // proofs.proof_type, when not nil
		code    string         // "" = issued
		relaxed []string       // substrings of Exchange.Relaxed, when issued
	}{
		{name: "conformant, relaxations off", claims: nil},
		{name: "conformant, relaxations on: nothing recorded", allow: true},
		{name: "no typ refused by default", header: noTyp, code: "invalid_proof"},
		{name: "no iat refused by default", claims: map[string]any{"iat": nil, "nbf": now}, code: "invalid_proof"},
		{name: "proof_type member refused by default", typeMem: "jwt", code: "invalid_proof"},
		{name: "nbf in the future refused", claims: map[string]any{"nbf": now + 3600}, code: "invalid_proof"},
		{name: "no typ accepted and recorded", allow: true, header: noTyp, relaxed: []string{"no typ"}},
		{name: "another typ still refused", allow: true, header: map[string]any{"typ": "JWT"}, code: "invalid_proof"},
		{name: "no iat: nbf read instead, recorded", allow: true, header: noTyp, claims: map[string]any{"iat": nil, "nbf": now, "exp": now + 300},
			relaxed: []string{"no typ", "no iat"}},
		{name: "no iat and no nbf refused", allow: true, header: noTyp, claims: map[string]any{"iat": nil, "exp": now + 300}, code: "invalid_proof"},
		{name: "no iat, stale nbf refused", allow: true, claims: map[string]any{"iat": nil, "nbf": now - 3600}, code: "invalid_proof"},
		{name: "no iat, nbf in the future refused", allow: true, claims: map[string]any{"iat": nil, "nbf": now + 3600}, code: "invalid_proof"},
		{name: "untyped, expired refused", allow: true, header: noTyp, claims: map[string]any{"exp": now - 3600}, code: "invalid_proof"},
		{name: "untyped, wrong aud refused", allow: true, header: noTyp, claims: map[string]any{"aud": "https://elsewhere.example"}, code: "invalid_proof"},
		{name: "untyped, no nonce refused", allow: true, header: noTyp, claims: map[string]any{"nonce": nil}, code: "invalid_proof"},
		{name: "untyped, unknown nonce refused", allow: true, header: noTyp, claims: map[string]any{"nonce": "made-up"}, code: "invalid_nonce"},
		{name: "proof_type jwt accepted and recorded", allow: true, typeMem: "jwt", relaxed: []string{"proof_type"}},
		{name: "proof_type naming another type refused", allow: true, typeMem: "di_vp", code: "invalid_proof"},
		{name: "proof_type not a string refused", allow: true, typeMem: []string{"jwt"}, code: "invalid_proof"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e *env
			if tc.allow {
				e = newEnv(t, delivery.Config.AllowDigitalBazaarOID4Client)
			} else {
				e = newEnv(t)
			}
			x, links := e.exchange(delivery.ExchangeRequest{})
			offer := readOffer(t, links.CredentialOffer)
			c := newClient(t, offer)
			resp := c.token(grant(offer)["pre-authorized_code"].(string), "")
			require.Equal(t, http.StatusOK, resp.status)
			token := resp.json(t)["access_token"].(string)
			claims := map[string]any{"aud": c.issuer, "iat": now, "nonce": c.nonce()}
			for k, v := range tc.claims {
				if v == nil {
					delete(claims, k)
				} else {
					claims[k] = v
				}
			}
			proofs := map[string]any{"jwt": []string{c.w.keyProof(t, tc.header, claims)}}
			if tc.typeMem != nil {
				proofs["proof_type"] = tc.typeMem
			}
			resp = c.credential(token, map[string]any{"credential_configuration_id": delivery.ConfigurationLDP, "proofs": proofs})
			got, err := e.svc.Store().Get(t.Context(), x.ID)
			require.NoError(t, err)
			if tc.code != "" {
				errorCode(t, resp, http.StatusBadRequest, tc.code)
				assert.NotEqual(t, delivery.StateComplete, got.State, "a refused request leaves the exchange open")
				return
			}
			require.Equal(t, http.StatusOK, resp.status, string(resp.body))
			assert.Equal(t, delivery.StateComplete, got.State)
			assert.Len(t, got.Relaxed, len(tc.relaxed), "%q", got.Relaxed)
			for _, want := range tc.relaxed {
				assert.Contains(t, strings.Join(got.Relaxed, "\n"), want)
			}
		})
	}
}

// AllowMetadataInIssuerMetadata adds the authorization server's metadata
// to the Credential Issuer Metadata, and only then.
func TestOpenID4VCIMetadataInIssuerMetadata(t *testing.T) {
	for _, allow := range []bool{false, true} {
		var e *env
		if allow {
			e = newEnv(t, delivery.Config.AllowDigitalBazaarOID4Client)
		} else {
			e = newEnv(t)
		}
		meta := wellKnown(t, e.srv.URL+"/wallet", "openid-credential-issuer")
		as := wellKnown(t, e.srv.URL+"/wallet", "oauth-authorization-server")
		assert.Equal(t, []any{"openid_credential"}, as["authorization_details_types_supported"])
		if !allow {
			assert.NotContains(t, meta, "token_endpoint")
			assert.NotContains(t, meta, "issuer")
			continue
		}
		for k, v := range as {
			assert.Equal(t, v, meta[k], k)
		}
		assert.Equal(t, e.srv.URL+"/wallet", meta["credential_issuer"])
	}
}

// TestOpenID4VCIDraft13FormatRequest: a Credential Request in the draft 13
// form (format and credential_definition instead of a configuration id,
// as older wallets send it) gets the offered configuration of that
// format; a format or type not offered, or a format that contradicts the
// configuration named, is refused with the error the drafts name.
func TestOpenID4VCIDraft13FormatRequest(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  map[string]any
		code string // "" = issued
		jwt  bool
	}{
		{name: "jwt_vc_json with its definition", req: map[string]any{"format": "jwt_vc_json",
			"credential_definition": map[string]any{"type": []string{"VerifiableCredential", "OpenBadgeCredential"}}}, jwt: true},
		{name: "ldp_vc", req: map[string]any{"format": "ldp_vc"}},
		{name: "a format not offered", req: map[string]any{"format": "mso_mdoc"}, code: "unsupported_credential_format"},
		{name: "a type not offered", req: map[string]any{"format": "jwt_vc_json",
			"credential_definition": map[string]any{"type": []string{"VerifiableCredential", "UniversityDegreeCredential"}}}, code: "unsupported_credential_type"},
		{name: "a format contradicting the configuration", req: map[string]any{"format": "jwt_vc_json",
			"credential_configuration_id": delivery.ConfigurationLDP}, code: "invalid_credential_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			_, links := e.exchange(delivery.ExchangeRequest{Configurations: []string{delivery.ConfigurationLDP, delivery.ConfigurationJWT}})
			offer := readOffer(t, links.CredentialOffer)
			c := newClient(t, offer)
			resp := c.token(grant(offer)["pre-authorized_code"].(string), "")
			require.Equal(t, http.StatusOK, resp.status)
			token := resp.json(t)["access_token"].(string)
			body := map[string]any{"proof": map[string]any{"proof_type": "jwt", "jwt": c.proof(c.nonce())}}
			for k, v := range tc.req {
				body[k] = v
			}
			resp = c.credential(token, body)
			if tc.code != "" {
				errorCode(t, resp, http.StatusBadRequest, tc.code)
				return
			}
			require.Equal(t, http.StatusOK, resp.status, string(resp.body))
			cred := resp.json(t)["credentials"].([]any)[0].(map[string]any)["credential"]
			if tc.jwt {
				s, ok := cred.(string)
				require.True(t, ok, "a jwt_vc_json credential is a string")
				e.verifyBadge(t, []byte(s), c.w.did())
			} else {
				b, err := json.Marshal(cred)
				require.NoError(t, err)
				e.verifyBadge(t, b, c.w.did())
			}
		})
	}
}
