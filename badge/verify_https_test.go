package badge

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// issuerHost serves https://1edtech.edu/issuers/565049 from an httptest
// server: a controller document that lists the 1EdTech test-vector key
// under assertionMethod, both as key-1 and under its multibase fragment.
// Every request for any host is routed to the test server.
func issuerHost(t *testing.T) *http.Client {
	t.Helper()
	const (
		issuer = "https://1edtech.edu/issuers/565049"
		key    = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
	)
	doc := `{
	  "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
	  "id": "` + issuer + `",
	  "verificationMethod": [
	    {"id": "` + issuer + `#key-1", "type": "Ed25519VerificationKey2020", "controller": "` + issuer + `", "publicKeyMultibase": "` + key + `"},
	    {"id": "` + issuer + `#` + key + `", "type": "Multikey", "controller": "` + issuer + `", "publicKeyMultibase": "` + key + `"}
	  ],
	  "assertionMethod": ["` + issuer + `#key-1", "` + issuer + `#` + key + `"]
	}`
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host != "1edtech.edu" || r.URL.Path != "/issuers/565049" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(doc))
	}))
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	tr := &http.Transport{
		// The test server's certificate is not for 1edtech.edu.
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}
	return &http.Client{Transport: tr}
}

// TestValidatorSamplesVerifyWhenTheIssuerPublishesItsKey verifies the
// 1EdTech samples with the default, secure key rule: the key is accepted
// because the issuer's own document (served over HTTPS) lists it, not
// because the URL fragment names it.
func TestValidatorSamplesVerifyWhenTheIssuerPublishesItsKey(t *testing.T) {
	resolver := did.Methods{
		"key":   did.KeyResolver{},
		"https": &did.HTTPSResolver{Client: issuerHost(t), AllowPrivateAddresses: true},
	}
	v, err := NewVerifier(VerifierOptions{
		Proofs:             &proof.Verifier{Resolver: resolver, Now: validatorNow, AllowedCryptosuites: append(proof.DefaultCryptosuites(), proof.EdDSA2022)},
		Now:                validatorNow,
		InsecureSkipStatus: true,
	})
	require.NoError(t, err)
	// simple-did-web-method names its key https://1edtech.edu/issuers/565049#z6Mk...
	data, err := os.ReadFile("testdata/examples/validator/ob30/simple-did-web-method.json")
	require.NoError(t, err)
	res, err := v.Verify(context.Background(), data)
	require.NoError(t, err, report(res))
	assert.Equal(t, "https://1edtech.edu/issuers/565049", res.Proofs[0].Controller)

	// Without the issuer's document the same key is refused by default.
	strict, err := NewVerifier(VerifierOptions{Now: validatorNow, InsecureSkipStatus: true})
	require.NoError(t, err)
	res, err = strict.Verify(context.Background(), data)
	require.Error(t, err)
	assert.Equal(t, Failed, res.Check(CheckProof).Status)
}

// complete_v1.json is refused in the validator table (unknown schema URL,
// as the validator refuses it); it is also expired (2020), and it uses
// 1EdTechJsonSchemaValidator2019, 1EdTechRevocationList and
// 1EdTechCredentialRefresh without the extensions context that defines
// them, so JSON-LD safe mode refuses to canonicalize it.
