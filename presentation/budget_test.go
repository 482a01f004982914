package presentation_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/presentation"
	"github.com/openbadges-go/openbadges/proof"
)

// webIssuers serves a did:web document for every host name and counts
// the requests; webIssuer issues as did:web:host.
func webIssuers(t *testing.T) (*http.Client, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		id := "did:web:" + r.Host
		mb, err := did.EncodeMultikey(hostKey(t, r.Host).Signer.Public())
		if err != nil || r.URL.Path != "/.well-known/did.json" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/did+json")
		json.NewEncoder(w).Encode(map[string]any{
			"@context":           []any{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"},
			"id":                 id,
			"verificationMethod": []any{map[string]any{"id": id + "#key-1", "type": "Multikey", "controller": id, "publicKeyMultibase": mb}},
			"assertionMethod":    []any{id + "#key-1"},
		})
	}))
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // the test certificate names no host
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}, &n
}

func hostKey(t testing.TB, host string) *did.Key {
	seed := sha256.Sum256([]byte("presentation budget " + host))
	k, err := did.NewEd25519KeyFromSeed(seed[:])
	require.NoError(t, err)
	return k
}

func webIssuer(t testing.TB, host string) party {
	k := hostKey(t, host)
	pk := proof.Key{Signer: k.Signer, VerificationMethod: "did:web:" + host + "#key-1"}
	return party{key: k, pk: pk, issuer: &badge.Issuer{Key: pk, Now: fixedNow}}
}

func webOptions(t *testing.T, client *http.Client, b badge.Budget) presentation.Options {
	t.Helper()
	r := did.Methods{"key": did.KeyResolver{}, "web": &did.WebResolver{Client: client, AllowPrivateAddresses: true}}
	bv, err := badge.NewVerifier(badge.VerifierOptions{Now: fixedNow, Resolver: r, Budget: b})
	require.NoError(t, err)
	return options(t, bv)
}

func TestCredentialsOfAnUnauthenticatedPresentationAreVerifiedWithoutFetching(t *testing.T) {
	client, requests := webIssuers(t)
	holder := newParty(t, 9, badge.DataIntegrity)
	cred := issueTo(t, webIssuer(t, "college.example"), badge.RecipientDID(holder.key.Controller), "https://college.example/a/1")
	vp, err := presentation.Sign(context.Background(), holder.pk, [][]byte{cred}, signOpts())
	require.NoError(t, err)

	res, err := presentation.VerifyPresentation(context.Background(), vp, webOptions(t, client, badge.Budget{}))
	require.NoError(t, err)
	assert.True(t, res.Verified)
	assert.Equal(t, int64(1), requests.Load(), "the credential issuer's did:web document")

	// The holder proof breaks (its challenge changed): the presentation
	// fails, and nothing is fetched for the credentials it carries.
	requests.Store(0)
	forged := bytes.Replace(vp, []byte(`"challenge":"`+testChallenge+`"`), []byte(`"challenge":"forged"`), 1)
	require.NotEqual(t, vp, forged)
	o := webOptions(t, client, badge.Budget{})
	o.Challenge = "forged"
	res, err = presentation.VerifyPresentation(context.Background(), forged, o)
	require.Error(t, err)
	assert.Equal(t, badge.Failed, res.Check(presentation.CheckHolderProof).Status)
	assert.Zero(t, requests.Load())
	c := res.Check(presentation.CheckCredentials)
	require.NotNil(t, c)
	assert.Contains(t, c.Detail, "without fetching")
	require.Len(t, res.Nested, 1)
	assert.ErrorIs(t, res.Nested[0].Err, badge.ErrBudgetExceeded)
}

func TestThePresentationsCredentialsShareOneBudget(t *testing.T) {
	client, requests := webIssuers(t)
	holder := newParty(t, 9, badge.DataIntegrity)
	var creds [][]byte
	for _, h := range []string{"a.example", "b.example"} {
		creds = append(creds, issueTo(t, webIssuer(t, h), badge.RecipientDID(holder.key.Controller), "https://"+h+"/a/1"))
	}
	vp, err := presentation.Sign(context.Background(), holder.pk, creds, signOpts())
	require.NoError(t, err)
	res, err := presentation.VerifyPresentation(context.Background(), vp, webOptions(t, client, badge.Budget{MaxFetches: 1}))
	require.Error(t, err)
	assert.ErrorIs(t, err, badge.ErrBudgetExceeded)
	assert.Equal(t, badge.Failed, res.Check(presentation.CheckCredentials).Status)
	assert.Equal(t, int64(1), requests.Load())

	requests.Store(0)
	res, err = presentation.VerifyPresentation(context.Background(), vp, webOptions(t, client, badge.Budget{}))
	require.NoError(t, err)
	assert.True(t, res.Verified)
	assert.Equal(t, int64(2), requests.Load())
}
