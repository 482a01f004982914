package delivery_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/delivery"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// The real wallet clients of js/ (package-lock.json) against the handlers:
// @sphereon/oid4vci-client claims badges over OpenID4VCI 1.0 (pre-authorized
// code, ldp_vc and jwt_vc_json), and js/lcw.mjs, which makes the Learner
// Credential Wallet's requests, over the VC-API exchange (one-step deep
// link and interaction URL); each received credential verifies with
// badge.Verifier and is about the client's own did:key, and verifies in
// the JavaScript reference too (js/verify.mjs, run by the client script on
// what it received): a Data Integrity credential with @digitalbazaar/vc's
// verifyCredential and the eddsa-rdfc-2022 and ecdsa-rdfc-2019
// cryptosuites of @digitalbazaar/data-integrity, offline on the contexts
// embedded in package vc; a jwt_vc_json credential's JWS signature with
// jose and the issuer's did:key.
// @digitalbazaar/oid4-client 5.10.0 claims too, with the relaxations of
// Config.AllowDigitalBazaarOID4Client, and is refused without them:
// TestWalletDigitalBazaarOID4Client pins both and says why.
//
// The test is skipped when Node.js or js/node_modules is missing, unless
// OPENBADGES_INTEROP=require (set by .ci/run after `npm ci` in js/), in
// which case it fails.

// walletNodeTimeout bounds one client run.
const walletNodeTimeout = 2 * time.Minute

type walletNode struct {
	node string
	dir  string
}

func requireWalletNode(t *testing.T) *walletNode {
	t.Helper()
	required := os.Getenv("OPENBADGES_INTEROP") == "require"
	missing := func(format string, args ...any) {
		t.Helper()
		if required {
			t.Fatalf(format+" (OPENBADGES_INTEROP=require: the wallet client test must run)", args...)
		}
		t.Skipf(format+"; skipping the wallet client test (install Node.js >= 18 and run `npm ci` in delivery/js, or set OPENBADGES_INTEROP=require to fail instead)", args...)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node not found in PATH")
	}
	dir, err := filepath.Abs("js")
	require.NoError(t, err)
	for _, pkg := range []string{"@sphereon/oid4vci-client", "@digitalbazaar/oid4-client", "@digitalbazaar/vc",
		"@digitalbazaar/ed25519-signature-2020", "@digitalbazaar/ed25519-verification-key-2020", "ed25519-signature-2020-context",
		"@digitalbazaar/data-integrity", "@digitalbazaar/eddsa-rdfc-2022-cryptosuite", "@digitalbazaar/ecdsa-rdfc-2019-cryptosuite",
		"@digitalbazaar/ed25519-multikey", "@digitalbazaar/ecdsa-multikey", "jose"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json")); err != nil {
			missing("delivery/js/node_modules is not installed or out of date (%v)", err)
		}
	}
	return &walletNode{node: node, dir: dir}
}

// claimed is what a client script prints: its holder DID, the
// credential it received (a JSON object, or a JWT string) and the
// JavaScript reference's verification of it (js/verify.mjs).
type claimed struct {
	Holder         string          `json:"holder"`
	Credential     json.RawMessage `json:"credential"`
	JSVerification *jsVerification `json:"jsVerification"`
}

// jsVerification is js/verify.mjs's result: format "data-integrity" with
// the proofs it verified, or "jws" with the JWS header's alg and kid and
// the payload's iss.
type jsVerification struct {
	Verified bool   `json:"verified"`
	Format   string `json:"format"`
	Error    string `json:"error"`
	Proofs   []struct {
		Type               string `json:"type"`
		Cryptosuite        string `json:"cryptosuite"`
		VerificationMethod string `json:"verificationMethod"`
	} `json:"proofs"`
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Iss string `json:"iss"`
}

// contextsFile writes every context embedded in package vc, byte for
// byte, as one JSON object (URL -> document) for js/verify.mjs's offline
// document loader, as interop/interop_test.go passes them.
func contextsFile(t *testing.T) string {
	t.Helper()
	m := map[string]json.RawMessage{}
	for _, u := range vc.EmbeddedContexts() {
		b, ok := vc.EmbeddedContext(u)
		require.True(t, ok, u)
		m[u] = b
	}
	require.NotEmpty(t, m)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "contexts.json")
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p
}

// exec runs `node js/script args...` against srv (its TLS certificate
// trusted through NODE_EXTRA_CA_CERTS) and returns its stdout, its stderr
// and whether it exited with 0.
func (n *walletNode) exec(t *testing.T, srv *httptest.Server, script string, args ...string) (stdout, stderr []byte, ok bool) {
	t.Helper()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	ctx, cancel := context.WithTimeout(t.Context(), walletNodeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, n.node, append([]string{filepath.Join(n.dir, script)}, args...)...)
	cmd.Dir = n.dir
	cmd.Env = append(os.Environ(), "NODE_EXTRA_CA_CERTS="+ca, "OPENBADGES_CONTEXTS="+contextsFile(t))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	t.Logf("node %s: %v", script, time.Since(start).Round(time.Millisecond))
	if ctx.Err() != nil {
		t.Fatalf("node %s timed out after %v: %s", script, walletNodeTimeout, errOut.String())
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		require.NoError(t, err, "node %s", script)
	}
	return out.Bytes(), errOut.Bytes(), err == nil
}

// run runs a client script that must succeed and decodes its output.
func (n *walletNode) run(t *testing.T, srv *httptest.Server, script string, args ...string) claimed {
	t.Helper()
	stdout, stderr, ok := n.exec(t, srv, script, args...)
	require.True(t, ok, "node %s failed: %s", script, stderr)
	var out claimed
	require.NoError(t, json.Unmarshal(stdout, &out), "node %s output: %.1000s", script, stdout)
	require.Regexp(t, `^did:key:z6Mk`, out.Holder)
	return out
}

// refusesTampered checks that the JavaScript verification is not vacuous:
// js/verify.mjs, run on its own, accepts the claimed credential and
// refuses it with its name changed (in the JWT's payload for a
// jwt_vc_json credential).
func (n *walletNode) refusesTampered(t *testing.T, c claimed, jwt bool) {
	t.Helper()
	run := func(cred []byte) jsVerification {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), walletNodeTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, n.node, filepath.Join(n.dir, "verify.mjs"))
		cmd.Dir = n.dir
		cmd.Env = append(os.Environ(), "OPENBADGES_CONTEXTS="+contextsFile(t))
		cmd.Stdin = bytes.NewReader(cred)
		var errOut bytes.Buffer
		cmd.Stderr = &errOut
		out, err := cmd.Output()
		require.NoError(t, err, "node verify.mjs: %s", errOut.String())
		var v jsVerification
		require.NoError(t, json.Unmarshal(out, &v), "node verify.mjs output: %.500s", out)
		return v
	}
	rename := func(doc map[string]any) {
		name, ok := doc["name"].(string)
		require.True(t, ok, "the credential has a name: %v", doc["name"])
		doc["name"] = name + " (tampered)"
	}
	tampered := func() []byte {
		if !jwt {
			var doc map[string]any
			require.NoError(t, json.Unmarshal(c.Credential, &doc))
			rename(doc)
			b, err := json.Marshal(doc)
			require.NoError(t, err)
			return b
		}
		var s string
		require.NoError(t, json.Unmarshal(c.Credential, &s))
		parts := strings.Split(s, ".")
		require.Len(t, parts, 3)
		payload, err := base64.RawURLEncoding.DecodeString(parts[1])
		require.NoError(t, err)
		var claims map[string]any
		require.NoError(t, json.Unmarshal(payload, &claims))
		doc := claims
		if v, ok := claims["vc"].(map[string]any); ok {
			doc = v
		}
		rename(doc)
		payload, err = json.Marshal(claims)
		require.NoError(t, err)
		parts[1] = base64.RawURLEncoding.EncodeToString(payload)
		b, err := json.Marshal(strings.Join(parts, "."))
		require.NoError(t, err)
		return b
	}
	ok := run(c.Credential)
	require.True(t, ok.Verified, "node verify.mjs refused the claimed credential: %s", ok.Error)
	bad := run(tampered())
	assert.False(t, bad.Verified, "node verify.mjs accepted a tampered credential")
	assert.NotEmpty(t, bad.Error)
	t.Logf("tampered credential refused by the JavaScript reference: %s", bad.Error)
}

// walletEnv is a delivery service on an HTTPS test server (the
// @digitalbazaar client refuses http).
type walletEnv struct {
	srv       *httptest.Server
	svc       *delivery.Service
	issuerKey string // the issuer's verification method
	collected []*delivery.Exchange
}

// basePath is BaseURL's path: "" puts the Credential Issuer at the host's
// root, where the metadata URL of OpenID4VCI 1.0 final (§12.2.2,
// /.well-known/openid-credential-issuer inserted before the issuer's path)
// and the draft form the JavaScript clients still request (appended after
// it) are the same URL.
func newWalletEnv(t *testing.T, basePath string, configure ...func(delivery.Config) delivery.Config) *walletEnv {
	t.Helper()
	key, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{9}, 32))
	require.NoError(t, err)
	e := &walletEnv{issuerKey: key.ID}
	mux := http.NewServeMux()
	e.srv = httptest.NewTLSServer(logRefusals(t, mux))
	t.Cleanup(e.srv.Close)
	cfg := delivery.Config{
		Issuer:     &badge.Issuer{Key: proof.Key{Signer: key.Signer, VerificationMethod: key.ID}},
		IssuerName: "Example University",
		BaseURL:    e.srv.URL + basePath,
		Collected: func(_ context.Context, x *delivery.Exchange, _ *badge.Signed) {
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
	mux.Handle(basePath+"/", h)
	if basePath != "" {
		for _, p := range e.svc.WellKnownPaths() {
			mux.Handle(p, h)
		}
	}
	return e
}

// logRefusals logs every response of status 400 or more, with its body,
// so that a client's failure shows what the server said.
func logRefusals(t *testing.T, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		if rec.Code >= 400 {
			t.Logf("server refused %s %s: %d %s", r.Method, r.URL.Path, rec.Code, bytes.TrimSpace(rec.Body.Bytes()))
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

func (e *walletEnv) exchange(t *testing.T, cfgs ...string) (*delivery.Exchange, delivery.Links) {
	t.Helper()
	x, err := e.svc.CreateExchange(t.Context(), delivery.ExchangeRequest{Achievement: achievement(), Configurations: cfgs})
	require.NoError(t, err)
	l, err := e.svc.Links(x)
	require.NoError(t, err)
	return x, l
}

// verify checks the claimed credential with the full Open Badges pipeline
// (a JWT when jwt), bound to the client's holder DID, and that the
// exchange was collected by that holder.
func (e *walletEnv) verify(t *testing.T, x *delivery.Exchange, c claimed, jwt bool, protocol string) {
	t.Helper()
	cred := []byte(c.Credential)
	if jwt {
		var s string
		require.NoError(t, json.Unmarshal(cred, &s), "a jwt_vc_json credential is a string: %.300s", cred)
		cred = []byte(s)
	} else {
		require.Equal(t, byte('{'), cred[0], "%.300s", cred)
	}
	v, err := badge.NewVerifier(badge.VerifierOptions{})
	require.NoError(t, err)
	res, err := v.Verify(context.Background(), cred)
	if err != nil {
		for _, ch := range res.Checks {
			t.Log(ch.ID, ch.Status, ch.Err, ch.Detail)
		}
	}
	require.NoError(t, err)
	subjects := res.Credential.Subjects()
	require.Len(t, subjects, 1)
	assert.Equal(t, c.Holder, subjects[0]["id"])
	got, err := e.svc.Store().Get(t.Context(), x.ID)
	require.NoError(t, err)
	assert.Equal(t, delivery.StateComplete, got.State)
	assert.Equal(t, c.Holder, got.Holder)
	assert.Equal(t, protocol, got.Protocol)

	js := c.JSVerification
	require.NotNil(t, js, "the client script reported no JavaScript verification")
	require.True(t, js.Verified, "the JavaScript reference refused the credential: %s", js.Error)
	if jwt {
		assert.Equal(t, "jws", js.Format)
		assert.Equal(t, "EdDSA", js.Alg)
		assert.Equal(t, e.issuerKey, js.Kid)
		assert.Equal(t, strings.SplitN(e.issuerKey, "#", 2)[0], js.Iss, "the JWT's iss is the issuer's DID")
	} else {
		assert.Equal(t, "data-integrity", js.Format)
		require.NotEmpty(t, js.Proofs)
		for _, p := range js.Proofs {
			assert.Equal(t, "DataIntegrityProof", p.Type)
			assert.Equal(t, "eddsa-rdfc-2022", p.Cryptosuite)
			assert.Equal(t, e.issuerKey, p.VerificationMethod)
		}
	}
}

func TestWalletSphereonOID4VCI(t *testing.T) {
	n := requireWalletNode(t)
	e := newWalletEnv(t, "")
	for _, tc := range []struct {
		cfg, format string
		byRef, jwt  bool
	}{
		{delivery.ConfigurationLDP, "ldp_vc", false, false},
		{delivery.ConfigurationLDP, "ldp_vc", true, false},
		{delivery.ConfigurationJWT, "jwt_vc_json", false, true},
		{delivery.ConfigurationJWT, "jwt_vc_json", true, true},
	} {
		name := tc.format + map[bool]string{false: "/by-value", true: "/by-reference"}[tc.byRef]
		t.Run(name, func(t *testing.T) {
			x, links := e.exchange(t, tc.cfg)
			link := links.CredentialOffer
			if tc.byRef {
				link = links.CredentialOfferByReference
			}
			c := n.run(t, e.srv, "sphereon.mjs", link, tc.format)
			e.verify(t, x, c, tc.jwt, "openid4vci")
			n.refusesTampered(t, c, tc.jwt)
		})
	}
}

func TestWalletLearnerCredentialWallet(t *testing.T) {
	n := requireWalletNode(t)
	e := newWalletEnv(t, "/wallet")
	for _, tc := range []struct {
		name string
		link func(delivery.Links) string
	}{
		{"one-step", func(l delivery.Links) string { return l.WalletRequest }},
		{"one-step-dccrequest", func(l delivery.Links) string { return l.WalletRequestScheme }},
		{"interaction-url", func(l delivery.Links) string { return l.InteractionURL }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, links := e.exchange(t)
			c := n.run(t, e.srv, "lcw.mjs", tc.link(links))
			e.verify(t, x, c, false, "vcapi")
			n.refusesTampered(t, c, false)
		})
	}
}

// @digitalbazaar/oid4-client 5.10.0 departs from OpenID4VCI 1.0 final:
//   - its discovery reads `issuer` and `token_endpoint` from the Credential
//     Issuer Metadata, not from the authorization server metadata that it
//     fetches (discovery.js: `const {data: asMetaData} = response` takes the
//     issuer metadata response again);
//   - its jwt key proof (proofs.js generateDIDProofJWT) has the header
//     {alg, kid} and the claims {nonce, iss, aud, exp, nbf}, without the typ
//     "openid4vci-proof+jwt" and the iat that Appendix F.1 requires;
//   - it sends `"proofs": {"proof_type": "jwt", "jwt": [...]}` (§8.2: one
//     member, named for the proof type).
//
// The test pins both sides: against the default handlers it is refused at
// discovery (and a conformant issuer would refuse its proof too);
// with Config.AllowDigitalBazaarOID4Client it claims a badge in both
// formats, verified here and in the JavaScript reference, bound to its
// key, and the exchange records each relaxation it needed.
func TestWalletDigitalBazaarOID4Client(t *testing.T) {
	n := requireWalletNode(t)
	for _, tc := range []struct {
		cfg, format string
		jwt         bool
	}{
		{delivery.ConfigurationLDP, "ldp_vc", false},
		{delivery.ConfigurationJWT, "jwt_vc_json", true},
	} {
		t.Run(tc.format+"/refused by default", func(t *testing.T) {
			e := newWalletEnv(t, "/wallet")
			x, links := e.exchange(t, tc.cfg)
			_, stderr, ok := n.exec(t, e.srv, "oid4-client.mjs", links.CredentialOffer, tc.format)
			require.False(t, ok, "the client claimed a badge from a conformant issuer: drop AllowDigitalBazaarOID4Client from the claim test")
			assert.Contains(t, string(stderr), `"issuer" is not an HTTPS URL`)
			got, err := e.svc.Store().Get(t.Context(), x.ID)
			require.NoError(t, err)
			assert.NotEqual(t, delivery.StateComplete, got.State)
			assert.Empty(t, e.collected)
		})
		t.Run(tc.format+"/claims with AllowDigitalBazaarOID4Client", func(t *testing.T) {
			e := newWalletEnv(t, "/wallet", delivery.Config.AllowDigitalBazaarOID4Client)
			x, links := e.exchange(t, tc.cfg)
			c := n.run(t, e.srv, "oid4-client.mjs", links.CredentialOffer, tc.format)
			e.verify(t, x, c, tc.jwt, "openid4vci")
			n.refusesTampered(t, c, tc.jwt)
			got, err := e.svc.Store().Get(t.Context(), x.ID)
			require.NoError(t, err)
			joined := strings.Join(got.Relaxed, "\n")
			for _, want := range []string{"no typ", "no iat", "proof_type"} {
				assert.Contains(t, joined, want, "the exchange records the relaxation")
			}
		})
	}
}
