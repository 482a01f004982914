package server_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/server"
	"github.com/openbadges-go/openbadges/status"
)

// TestVCAPIVerifyDoesNotFanOut pins a finding of the second review: a
// presentation of many forged credentials, each with a proof naming a
// did:web key and several status entries, made one key lookup per
// credential and fetched every status list although nothing verified.
// Now no status list is fetched for a credential whose proof failed, and
// the request's budget bounds the credentials it verifies.
func TestVCAPIVerifyDoesNotFanOut(t *testing.T) {
	var lookups, fetches atomic.Int64
	resolver := did.ResolverFunc(func(ctx context.Context, id string) (*did.Document, error) {
		lookups.Add(1)
		return nil, &did.ResolutionError{DID: id, Code: did.CodeNotFound, Err: did.ErrNotFound}
	})
	checker := &status.Checker{Fetcher: status.FetcherFunc(func(ctx context.Context, u string) ([]byte, error) {
		fetches.Add(1)
		return nil, fmt.Errorf("no list")
	})}
	f := newFixture(t, func(c *server.Config) {
		c.Options.Proofs = &proof.Verifier{Resolver: resolver}
		c.Options.Status = checker
	})
	forged := func(i int) map[string]any {
		c := exampleCredential()
		c["id"] = fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", i)
		c["issuer"] = fmt.Sprintf("did:web:host%d.example", i)
		var st []any
		for j := range 4 {
			st = append(st, map[string]any{"id": fmt.Sprintf("https://host%d.example/status/%d#1", i, j), "type": "BitstringStatusListEntry",
				"statusPurpose": "revocation", "statusListIndex": "1", "statusListCredential": fmt.Sprintf("https://host%d.example/status/%d", i, j)})
		}
		c["credentialStatus"] = st
		c["proof"] = map[string]any{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod",
			"verificationMethod": fmt.Sprintf("did:web:host%d.example#key-1", i), "proofValue": "z" + string(make([]byte, 0))}
		return c
	}

	r := postJSON(t, f.h, server.PathVerifyCredential, map[string]any{"verifiableCredential": forged(0)})
	require.Equal(t, http.StatusUnprocessableEntity, r.status, "%s", r.body)
	assert.Zero(t, fetches.Load(), "no status list is fetched for a credential whose proof failed")

	var creds []any
	for i := range 200 {
		creds = append(creds, forged(i))
	}
	vp := map[string]any{"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "type": []any{"VerifiablePresentation"}, "verifiableCredential": creds}
	lookups.Store(0)
	r = postJSON(t, f.h, server.PathVerifyPresentation, map[string]any{"verifiablePresentation": vp})
	require.Equal(t, http.StatusUnprocessableEntity, r.status)
	assert.Zero(t, fetches.Load())
	assert.LessOrEqual(t, lookups.Load(), int64(64), "the request's budget bounds the credentials verified")
	assert.Positive(t, lookups.Load(), "the forged proofs do reach key resolution")
}
