package delivery

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

// OpenID4VCI 1.0 identifiers.
const (
	// ConfigurationLDP is the credential configuration of an Open Badge
	// secured with Data Integrity (format ldp_vc), ConfigurationJWT of an
	// Open Badge as a VC-JWT (format jwt_vc_json, walt.id's name).
	ConfigurationLDP = "OpenBadgeCredential_ldp_vc"
	ConfigurationJWT = "OpenBadgeCredential_jwt_vc_json"

	// GrantPreAuthorizedCode is the pre-authorized code grant type.
	GrantPreAuthorizedCode = "urn:ietf:params:oauth:grant-type:pre-authorized_code"

	// WellKnownCredentialIssuer and WellKnownAuthorizationServer are the
	// well-known prefixes: the metadata of the issuer
	// https://host/path is at https://host/.well-known/...-issuer/path.
	WellKnownCredentialIssuer    = "/.well-known/openid-credential-issuer"
	WellKnownAuthorizationServer = "/.well-known/oauth-authorization-server"
	wellKnownOpenIDConfiguration = "/.well-known/openid-configuration"
)

// formatOf returns the format of a configuration id ("" when unknown).
func formatOf(cfg string) string {
	switch cfg {
	case ConfigurationLDP:
		return "ldp_vc"
	case ConfigurationJWT:
		return "jwt_vc_json"
	}
	return ""
}

// offer is the Credential Offer of e (§4.1.1).
func (s *Service) offer(e *Exchange) map[string]any {
	grant := map[string]any{"pre-authorized_code": e.PreAuthorizedCode}
	if e.TxCode != "" {
		mode := "numeric"
		for _, r := range e.TxCode {
			if r < '0' || r > '9' {
				mode = "text"
			}
		}
		grant["tx_code"] = map[string]any{"length": len(e.TxCode), "input_mode": mode,
			"description": "The code your institution sent you with this offer"}
	}
	return map[string]any{
		"credential_issuer":            s.c.BaseURL,
		"credential_configuration_ids": e.Configurations,
		"grants":                       map[string]any{GrantPreAuthorizedCode: grant},
	}
}

// signingAlgorithms returns the issuer's Data Integrity suite and JWT
// algorithm ("" when the key cannot make one).
func (s *Service) signingAlgorithms() (suite, alg string) {
	iss := s.c.Issuer
	suite, alg = iss.Cryptosuite, string(iss.Algorithm)
	var pub any
	if iss.Key.Signer != nil {
		pub = iss.Key.Signer.Public()
	}
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if suite == "" {
			suite = proof.EdDSARDFC2022
		}
		if alg == "" {
			alg = "EdDSA"
		}
	case *ecdsa.PublicKey:
		if suite == "" {
			suite = proof.ECDSARDFC2019
		}
		if alg == "" {
			alg = map[elliptic.Curve]string{elliptic.P256(): "ES256", elliptic.P384(): "ES384"}[k.Curve]
		}
	case *rsa.PublicKey:
		if alg == "" {
			alg = "RS256"
		}
	}
	return suite, alg
}

// IssuerMetadata returns the Credential Issuer Metadata (§12.2): the two
// Open Badge configurations, each bound to a did:key, did:jwk or jwk
// with a jwt key proof.
func (s *Service) IssuerMetadata() map[string]any {
	suite, alg := s.signingAlgorithms()
	binding := []string{"did:key", "did:jwk", "jwk"}
	proofs := map[string]any{"jwt": map[string]any{"proof_signing_alg_values_supported": proofAlgorithms()}}
	types := []string{"VerifiableCredential", "OpenBadgeCredential"}
	display := map[string]any{"display": []any{map[string]any{"name": "Open Badge", "locale": "en-US"}}}
	cfgs := map[string]any{}
	if suite != "" {
		cfgs[ConfigurationLDP] = map[string]any{
			"format": "ldp_vc",
			"scope":  ConfigurationLDP,
			"cryptographic_binding_methods_supported": binding,
			"credential_signing_alg_values_supported": []string{suite},
			"proof_types_supported":                   proofs,
			"credential_definition": map[string]any{
				"@context": []string{"https://www.w3.org/ns/credentials/v2", badge.ContextOB303},
				"type":     types,
			},
			"credential_metadata": display,
		}
	}
	if alg != "" {
		cfgs[ConfigurationJWT] = map[string]any{
			"format": "jwt_vc_json",
			"scope":  ConfigurationJWT,
			"cryptographic_binding_methods_supported": binding,
			"credential_signing_alg_values_supported": []string{alg},
			"proof_types_supported":                   proofs,
			"credential_definition":                   map[string]any{"type": types},
			"credential_metadata":                     display,
		}
	}
	m := map[string]any{
		"credential_issuer":                   s.c.BaseURL,
		"credential_endpoint":                 s.c.BaseURL + PathCredential,
		"nonce_endpoint":                      s.c.BaseURL + PathNonce,
		"display":                             []any{map[string]any{"name": s.c.IssuerName}},
		"credential_configurations_supported": cfgs,
	}
	if s.c.AllowMetadataInIssuerMetadata {
		for k, v := range s.AuthorizationServerMetadata() {
			m[k] = v
		}
	}
	return m
}

// AuthorizationServerMetadata returns the RFC 8414 metadata of the
// built-in authorization server (the Credential Issuer itself): the
// pre-authorized code grant only, anonymous access.
func (s *Service) AuthorizationServerMetadata() map[string]any {
	return map[string]any{
		"issuer":                                s.c.BaseURL,
		"token_endpoint":                        s.c.BaseURL + PathToken,
		"grant_types_supported":                 []string{GrantPreAuthorizedCode},
		"token_endpoint_auth_methods_supported": []string{"none"},
		"pre-authorized_grant_anonymous_access_supported": true,
		// RFC 9396: the token request may carry authorization_details
		// of type openid_credential (§5.1.1).
		"authorization_details_types_supported": []string{"openid_credential"},
	}
}

// WellKnownPaths are the paths (at the host's root) where the metadata is
// served: mount the OpenID4VCI handler on each, beside BaseURL's path.
func (s *Service) WellKnownPaths() []string {
	p := strings.TrimSuffix(s.base.EscapedPath(), "/")
	return []string{WellKnownCredentialIssuer + p, WellKnownAuthorizationServer + p, wellKnownOpenIDConfiguration + p}
}

// NewOpenID4VCIHandler returns the OpenID4VCI 1.0 endpoints of s (the
// pre-authorized code flow), at their full paths: the metadata at the
// WellKnownPaths, and under BaseURL's path GET offers/{id} (the
// credential_offer_uri), POST token, POST nonce and POST credential.
// Errors are the specification's: RFC 6749 §5.2 at the token endpoint,
// RFC 6750 and §8.3.1 at the credential endpoint.
func NewOpenID4VCIHandler(s *Service) (http.Handler, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: nil Service", ErrConfig)
	}
	mux := http.NewServeMux()
	bp := strings.TrimSuffix(s.base.EscapedPath(), "/")
	wk := s.WellKnownPaths()
	mux.HandleFunc("GET "+wk[0], func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, "application/json", s.IssuerMetadata())
	})
	for _, p := range wk[1:] {
		mux.HandleFunc("GET "+p, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, "application/json", s.AuthorizationServerMetadata())
		})
	}
	if bp != "" {
		// Clients that append the well-known path to the issuer
		// (pre-1.0 drafts: Sphereon's client) find the metadata too.
		mux.HandleFunc("GET "+bp+WellKnownCredentialIssuer, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, "application/json", s.IssuerMetadata())
		})
	}
	mux.HandleFunc("GET "+bp+pathOffers+"{id}", s.serveOffer)
	mux.HandleFunc("POST "+bp+PathToken, s.serveToken)
	mux.HandleFunc("POST "+bp+PathNonce, s.serveNonce)
	mux.HandleFunc("POST "+bp+PathCredential, s.serveCredential)
	return mux, nil
}

// serveOffer answers the credential_offer_uri with the offer, while its
// code has not been used.
func (s *Service) serveOffer(w http.ResponseWriter, r *http.Request) {
	e, err := s.c.Store.Get(r.Context(), r.PathValue("id"))
	if err == nil && !e.CodeUsed {
		err = s.open(e)
	} else if err == nil {
		err = ErrComplete
	}
	if err != nil {
		writeProblem(w, exchangeProblem(err))
		return
	}
	writeJSON(w, http.StatusOK, "application/json", s.offer(e))
}

// serveNonce is the Nonce Endpoint (§7): a fresh single-use c_nonce.
func (s *Service) serveNonce(w http.ResponseWriter, r *http.Request) {
	n, err := s.random(32)
	if err == nil {
		err = s.c.Store.AddNonce(r.Context(), n, s.c.Now().Add(s.c.NonceTTL))
	}
	if errors.Is(err, ErrFull) {
		w.Header().Set("Retry-After", "60")
		writeOAuthError(w, &OAuthError{Status: http.StatusServiceUnavailable, Code: "temporarily_unavailable", Description: "too many outstanding nonces"})
		return
	}
	if err != nil {
		writeOAuthError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, "application/json", map[string]string{"c_nonce": n})
}

// serveToken is the Token Endpoint (§6) for the pre-authorized code
// grant: the code is single use, expires with its exchange, and needs the
// transaction code when the offer asked for one (MaxTxCodeFailures wrong
// ones lock the exchange).
func (s *Service) serveToken(w http.ResponseWriter, r *http.Request) {
	if err := s.token(w, r); err != nil {
		writeOAuthError(w, err)
	}
}

func (s *Service) token(w http.ResponseWriter, r *http.Request) error {
	invalid := func(code, format string, args ...any) *OAuthError {
		return oauthError(http.StatusBadRequest, code, nil, format, args...)
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		return invalid("invalid_request", "the token request must be application/x-www-form-urlencoded")
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.c.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		return invalid("invalid_request", "unreadable form")
	}
	f := r.PostForm
	for _, k := range []string{"grant_type", "pre-authorized_code", "tx_code", "authorization_details"} {
		if len(f[k]) > 1 {
			return invalid("invalid_request", "%s is repeated", k)
		}
	}
	switch gt := f.Get("grant_type"); gt {
	case GrantPreAuthorizedCode:
	case "":
		return invalid("invalid_request", "grant_type is missing")
	default:
		return invalid("unsupported_grant_type", "only %s is supported", GrantPreAuthorizedCode)
	}
	code := f.Get("pre-authorized_code")
	if code == "" {
		return invalid("invalid_request", "pre-authorized_code is missing")
	}
	e, err := s.c.Store.Find(r.Context(), ByPreAuthorizedCode, code)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return invalid("invalid_grant", "unknown pre-authorized_code")
		}
		return err
	}
	var details []map[string]any
	if ad := f.Get("authorization_details"); ad != "" {
		if err := json.Unmarshal([]byte(ad), &details); err != nil || len(details) == 0 {
			return invalid("invalid_request", "authorization_details must be a non-empty JSON array")
		}
		for _, d := range details {
			id, _ := d["credential_configuration_id"].(string)
			if d["type"] != "openid_credential" || !contains(e.Configurations, id) {
				return invalid("invalid_request", "authorization_details may only name the offered credential configurations")
			}
		}
	}
	txCode, hasTx := f["tx_code"]
	var out *OAuthError
	token, err := s.random(32)
	if err != nil {
		return err
	}
	now := s.c.Now()
	_, err = s.c.Store.Update(r.Context(), e.ID, func(x *Exchange) error {
		out = nil
		switch {
		case x.CodeUsed:
			return invalid("invalid_grant", "the pre-authorized_code was already used")
		case x.PreAuthorizedCode != code:
			return invalid("invalid_grant", "unknown pre-authorized_code")
		}
		if err := s.open(x); err != nil {
			return invalid("invalid_grant", "the pre-authorized_code has expired or its exchange is closed")
		}
		switch {
		case x.TxCode == "" && hasTx:
			return invalid("invalid_request", "this offer takes no tx_code")
		case x.TxCode != "" && !hasTx:
			return invalid("invalid_request", "tx_code is missing")
		case x.TxCode != "" && txCode[0] != x.TxCode:
			x.TxCodeFailures++
			if x.TxCodeFailures >= MaxTxCodeFailures {
				x.State = StateInvalid
			}
			// Stored (the count must stick), then refused.
			out = invalid("invalid_grant", "wrong tx_code")
			return nil
		}
		x.CodeUsed, x.AccessToken, x.TokenExpires, x.State = true, token, now.Add(s.c.TokenTTL), StateActive
		return nil
	})
	if err != nil {
		return err
	}
	if out != nil {
		return out
	}
	resp := map[string]any{"access_token": token, "token_type": "bearer", "expires_in": int(s.c.TokenTTL / time.Second)}
	if details != nil {
		var ad []any
		for _, d := range details {
			id := d["credential_configuration_id"].(string)
			ad = append(ad, map[string]any{"type": "openid_credential", "credential_configuration_id": id, "credential_identifiers": []string{id}})
		}
		resp["authorization_details"] = ad
	}
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, "application/json", resp)
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// credentialRequest is the body of a Credential Request (§8.2); proof
// (singular) is the draft form some wallets still send.
type credentialRequest struct {
	ConfigurationID    string                     `json:"credential_configuration_id"`
	Identifier         string                     `json:"credential_identifier"`
	Proofs             map[string]json.RawMessage `json:"proofs"`
	Proof              *legacyProof               `json:"proof"`
	ResponseEncryption json.RawMessage            `json:"credential_response_encryption"`
	// Format and CredentialDefinition are how draft 13 named what was
	// requested (before credential_configuration_id).
	Format               string `json:"format"`
	CredentialDefinition *struct {
		Type []string `json:"type"`
	} `json:"credential_definition"`
}

// legacyProof is the draft 13 "proof" parameter.
type legacyProof struct {
	ProofType string `json:"proof_type"`
	JWT       string `json:"jwt"`
}

// serveCredential is the Credential Endpoint (§8): the access token, the
// requested configuration, one jwt key proof with a fresh c_nonce; the
// credential is bound to the proof's holder and returned as
// {"credentials": [{"credential": ...}]}.
func (s *Service) serveCredential(w http.ResponseWriter, r *http.Request) {
	resp, err := s.credential(w, r)
	if err != nil {
		writeOAuthError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, "application/json", resp)
}

func (s *Service) credential(w http.ResponseWriter, r *http.Request) (any, error) {
	ctx := r.Context()
	denied := func(code, format string, args ...any) *OAuthError {
		return oauthError(http.StatusBadRequest, code, nil, format, args...)
	}
	unauthorized := func(format string, args ...any) *OAuthError {
		e := oauthError(http.StatusUnauthorized, "invalid_token", nil, format, args...)
		e.Bearer = true
		return e
	}
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return nil, unauthorized("a Bearer access token is required")
	}
	e, err := s.c.Store.Find(ctx, ByAccessToken, token)
	if errors.Is(err, ErrNotFound) {
		return nil, unauthorized("unknown or expired access token")
	} else if err != nil {
		return nil, err
	}
	if !s.c.Now().Before(e.TokenExpires) || e.AccessToken != token {
		return nil, unauthorized("the access token has expired")
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return nil, denied("invalid_credential_request", "the credential request must be application/json")
	}
	var req credentialRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, s.c.MaxBodyBytes))
	if err := dec.Decode(&req); err != nil || dec.More() {
		return nil, denied("invalid_credential_request", "the body is not one JSON object")
	}
	if req.ResponseEncryption != nil {
		return nil, denied("invalid_encryption_parameters", "credential response encryption is not supported")
	}
	cfg := req.ConfigurationID
	if cfg == "" && req.Identifier == "" && req.Format != "" {
		// A draft 13 request names a format (and a credential
		// definition) instead of a configuration: the offered
		// configuration of that format, if its types fit.
		for _, c := range e.Configurations {
			if formatOf(c) == req.Format {
				cfg = c
			}
		}
		if cfg == "" {
			return nil, denied("unsupported_credential_format", "format %q is not offered to this access token", req.Format)
		}
		if d := req.CredentialDefinition; d != nil {
			for _, t := range d.Type {
				if t != "VerifiableCredential" && t != "OpenBadgeCredential" {
					return nil, denied("unsupported_credential_type", "credential type %q is not offered", t)
				}
			}
		}
	} else if req.Format != "" && req.Format != formatOf(cfg) && req.Format != formatOf(req.Identifier) {
		return nil, denied("invalid_credential_request", "format %q contradicts the configuration requested", req.Format)
	}
	switch {
	case (cfg == "") == (req.Identifier == ""):
		return nil, denied("invalid_credential_request", "give exactly one of credential_configuration_id and credential_identifier")
	case req.Identifier != "":
		if !contains(e.Configurations, req.Identifier) {
			return nil, denied("unknown_credential_identifier", "unknown credential_identifier")
		}
		cfg = req.Identifier
	case formatOf(cfg) == "":
		return nil, denied("unknown_credential_configuration", "unknown credential configuration %q", cfg)
	case !contains(e.Configurations, cfg):
		return nil, denied("credential_request_denied", "this access token does not cover %q", cfg)
	}
	var relaxed []string
	if pt, ok := req.Proofs["proof_type"]; ok && s.c.AllowProofTypeMember && len(req.Proofs) == 2 {
		var name string
		if json.Unmarshal(pt, &name) != nil || name != "jwt" || req.Proofs["jwt"] == nil {
			return nil, denied("invalid_proof", "proofs.proof_type must name its one proof type: jwt")
		}
		delete(req.Proofs, "proof_type")
		relaxed = append(relaxed, "proofs has a proof_type member (AllowProofTypeMember)")
	}
	var jwts []json.RawMessage
	switch {
	case req.Proofs != nil && req.Proof != nil:
		return nil, denied("invalid_credential_request", "give proofs or proof, not both")
	case req.Proof != nil && req.Proof.ProofType == "jwt":
		b, _ := json.Marshal(req.Proof.JWT)
		jwts = []json.RawMessage{b}
	case req.Proof != nil:
		return nil, denied("invalid_proof", "unsupported proof type %q", req.Proof.ProofType)
	case len(req.Proofs) == 0:
		return nil, denied("invalid_proof", "proofs is missing")
	case len(req.Proofs) > 1 || req.Proofs["jwt"] == nil:
		return nil, denied("invalid_proof", "proofs must hold exactly one proof type: jwt")
	default:
		if err := json.Unmarshal(req.Proofs["jwt"], &jwts); err != nil {
			return nil, denied("invalid_proof", "proofs.jwt must be an array of JWTs")
		}
	}
	if len(jwts) != 1 {
		return nil, denied("invalid_proof", "exactly one jwt key proof is needed (no batch issuance)")
	}
	var jwt string
	if err := json.Unmarshal(jwts[0], &jwt); err != nil {
		return nil, denied("invalid_proof", "a jwt key proof must be a string")
	}
	kp, err := verifyKeyProof(ctx, jwt, keyProofChecks{audience: s.c.BaseURL, now: s.c.Now(), window: s.c.NonceTTL,
		skew: s.c.ClockSkew, resolver: did.DefaultResolver(), allowUntyped: s.c.AllowUntypedKeyProofs})
	if err != nil {
		return nil, &OAuthError{Status: http.StatusBadRequest, Code: "invalid_proof", Description: asciiDescription(err.Error()), err: err}
	}
	if err := s.c.Store.UseNonce(ctx, kp.Nonce, s.c.Now()); err != nil {
		return nil, &OAuthError{Status: http.StatusBadRequest, Code: "invalid_nonce",
			Description: "the nonce is unknown, used or expired: get a fresh c_nonce", err: ErrInvalidNonce}
	}
	claimed, err := s.claim(ctx, e.ID, kp.Holder, func(x *Exchange) error {
		if x.AccessToken != token {
			return ErrComplete
		}
		return nil
	})
	if err != nil {
		switch {
		case errors.Is(err, ErrExpired):
			return nil, unauthorized("the exchange has expired")
		case errors.Is(err, ErrComplete), errors.Is(err, ErrInProgress), errors.Is(err, ErrWrongHolder):
			return nil, &OAuthError{Status: http.StatusBadRequest, Code: "credential_request_denied", Description: asciiDescription(err.Error()), err: err}
		}
		return nil, err
	}
	signed, err := s.issue(ctx, claimed, kp.Holder, "openid4vci", formatOf(cfg) == "jwt_vc_json", append(relaxed, kp.Relaxed...))
	if err != nil {
		return nil, fmt.Errorf("delivery: issuing: %w", err)
	}
	var cred any = json.RawMessage(signed.JSON)
	if signed.Format == badge.JWT {
		cred = signed.JWT
	}
	return map[string]any{"credentials": []any{map[string]any{"credential": cred}}}, nil
}

// exchangeProblem maps a store or state error to a problem.
func exchangeProblem(err error) error {
	switch {
	case errors.Is(err, ErrNotFound):
		return problem(http.StatusNotFound, ProblemNotFound, "Not found", err, "no such exchange")
	case errors.Is(err, ErrExpired):
		return problem(http.StatusGone, ProblemExpired, "Exchange expired", err, "this exchange has expired: ask for a new one")
	case errors.Is(err, ErrComplete):
		return problem(http.StatusConflict, ProblemComplete, "Exchange complete", err, "this exchange was already used")
	case errors.Is(err, ErrInProgress):
		return problem(http.StatusConflict, ProblemInProgress, "Exchange in progress", err, "a credential is being issued for this exchange")
	case errors.Is(err, ErrWrongHolder):
		return problem(http.StatusForbidden, ProblemWrongHolder, "Wrong holder", err, "%v", err)
	}
	return err
}
