package clr_test

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

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// didWebHosts serves a did:web document for every host name, listing the
// key webKey derives from the name, and counts the requests.
func didWebHosts(t *testing.T) (*http.Client, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if r.URL.Path != "/.well-known/did.json" {
			http.NotFound(w, r)
			return
		}
		id := "did:web:" + r.Host
		mb, err := did.EncodeMultikey(webKey(t, r.Host).Signer.Public())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
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

func webKey(t testing.TB, host string) *did.Key {
	seed := sha256.Sum256([]byte("clr budget " + host))
	k, err := did.NewEd25519KeyFromSeed(seed[:])
	require.NoError(t, err)
	return k
}

// webParty issues as did:web:host.
func webParty(t testing.TB, host, name string) party {
	k := webKey(t, host)
	pk := proof.Key{Signer: k.Signer, VerificationMethod: "did:web:" + host + "#key-1"}
	return party{key: k, profile: badge.NewProfile("did:web:"+host, name), issuer: &badge.Issuer{Key: pk, Now: fixedNow}}
}

// webRecord is a CLR signed by a did:key university, holding one badge
// from each did:web host.
func webRecord(t *testing.T, hosts ...string) []byte {
	t.Helper()
	uni := newParty(t, 1, "Example University", badge.DataIntegrity)
	rec, err := clr.New(uni.profile, learnerDID, &clr.Options{ID: "urn:uuid:7f3a0a7c-2b7e-4b8c-9a53-0b1f3c1d2e01", Now: fixedNow})
	require.NoError(t, err)
	for _, h := range hosts {
		require.NoError(t, rec.AddCredential(issueBadge(t, webParty(t, h, h), "https://"+h+"/achievements/1", "Badge of "+h).Bytes()))
	}
	s, err := uni.clrIssuer(badge.DataIntegrity).Issue(context.Background(), rec)
	require.NoError(t, err)
	return s.Bytes()
}

func webVerifier(t *testing.T, client *http.Client, b badge.Budget) *clr.Verifier {
	t.Helper()
	bv, err := badge.NewVerifier(badge.VerifierOptions{
		Resolver: did.Methods{"key": did.KeyResolver{}, "web": &did.WebResolver{Client: client, AllowPrivateAddresses: true}},
		Budget:   b, Now: fixedNow,
	})
	require.NoError(t, err)
	return verifier(t, clr.VerifierOptions{Badges: bv})
}

func TestNestedCredentialsOfARecordWhoseProofFailsAreVerifiedWithoutFetching(t *testing.T) {
	client, requests := didWebHosts(t)
	data := webRecord(t, "college.example")

	res, err := webVerifier(t, client, badge.Budget{}).Verify(context.Background(), data)
	require.NoError(t, err)
	assert.True(t, res.Verified)
	assert.Equal(t, int64(1), requests.Load(), "the nested credential's did:web key")

	// The record changed after signing: its proof fails, and nothing is
	// fetched for what it holds.
	requests.Store(0)
	forged := bytes.Replace(data, []byte("7f3a0a7c-2b7e-4b8c-9a53-0b1f3c1d2e01"), []byte("7f3a0a7c-2b7e-4b8c-9a53-0b1f3c1d2e02"), 1)
	res, err = webVerifier(t, client, badge.Budget{}).Verify(context.Background(), forged)
	require.Error(t, err)
	assert.Equal(t, badge.Failed, res.Check(badge.CheckProof).Status)
	assert.Zero(t, requests.Load())
	c := res.Check(clr.CheckCredentials)
	require.NotNil(t, c)
	assert.Equal(t, badge.Failed, c.Status)
	assert.Contains(t, c.Detail, "without fetching")
	require.Len(t, res.NestedResults(), 1)
	assert.ErrorIs(t, res.NestedResults()[0].Check(badge.CheckProof).Err, badge.ErrBudgetExceeded)
}

func TestNestedCredentialsShareTheRecordsBudget(t *testing.T) {
	tests := []struct {
		name     string
		budget   badge.Budget
		requests int64
	}{
		{name: "fetches", budget: badge.Budget{MaxFetches: 1}, requests: 1},
		{name: "credentials: the record and one nested credential", budget: badge.Budget{MaxCredentials: 2}, requests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, requests := didWebHosts(t)
			data := webRecord(t, "a.example", "b.example")
			res, err := webVerifier(t, client, tt.budget).Verify(context.Background(), data)
			require.Error(t, err)
			assert.ErrorIs(t, err, badge.ErrBudgetExceeded)
			assert.Equal(t, badge.Failed, res.Check(clr.CheckCredentials).Status)
			assert.Equal(t, tt.requests, requests.Load())
		})
	}

	// The default budget holds them all.
	client, requests := didWebHosts(t)
	data := webRecord(t, "a.example", "b.example", "c.example")
	res, err := webVerifier(t, client, badge.Budget{}).Verify(context.Background(), data)
	require.NoError(t, err)
	assert.True(t, res.Verified)
	assert.Equal(t, int64(3), requests.Load())
}
