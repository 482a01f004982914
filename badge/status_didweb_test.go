package badge_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
)

// TestADidWebIssuersStatusListVerifiesWithTheVerifiersResolver: a status
// list is verified with the same key resolution as the credential that led
// to it. A did:web issuer's badge with a status list, checked by a
// verifier given a did:web resolver and a status.Checker with no proof
// verifier of its own, passes its status check (the checker used to
// verify lists offline, did:key and did:jwk only, and failed every
// did:web list).
func TestADidWebIssuersStatusListVerifiesWithTheVerifiersResolver(t *testing.T) {
	ctx := context.Background()
	seed := sha256.Sum256([]byte("did:web issuer"))
	k, err := did.NewEd25519KeyFromSeed(seed[:])
	require.NoError(t, err)
	const id = "did:web:badges.example.edu"
	vm := id + "#key-1"
	mb, err := did.EncodeMultikey(k.Signer.Public())
	require.NoError(t, err)
	docJSON, err := json.Marshal(map[string]any{
		"@context":           []any{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"},
		"id":                 id,
		"verificationMethod": []any{map[string]any{"id": vm, "type": "Multikey", "controller": id, "publicKeyMultibase": mb}},
		"assertionMethod":    []any{vm},
	})
	require.NoError(t, err)
	doc, err := did.ParseDocument(docJSON)
	require.NoError(t, err)
	web := did.ResolverFunc(func(ctx context.Context, d string) (*did.Document, error) {
		if d != id {
			return nil, &did.ResolutionError{DID: d, Code: did.CodeNotFound, Err: did.ErrNotFound}
		}
		return doc, nil
	})
	key := proof.Key{Signer: k.Signer, VerificationMethod: vm}
	clock := func() time.Time { return fixedNow() }

	const listURL = "https://badges.example.edu/status/1"
	list, err := status.NewList(status.ListOptions{ID: listURL})
	require.NoError(t, err)
	entry, err := list.Entry(7)
	require.NoError(t, err)
	signedList, err := list.Sign(ctx, key, &status.SignOptions{Now: clock})
	require.NoError(t, err)

	iss := &badge.Issuer{Key: key, Now: clock, Rand: testRand(5)}
	cred := testCredential(t, iss)
	raw, err := cred.MarshalJSON()
	require.NoError(t, err)
	raw, err = status.AddStatus(raw, entry)
	require.NoError(t, err)
	signed, err := iss.IssueJSON(ctx, raw)
	require.NoError(t, err)

	v, err := badge.NewVerifier(badge.VerifierOptions{
		Resolver: did.Methods{"key": did.KeyResolver{}, "web": web},
		Status:   &status.Checker{Fetcher: status.StaticFetcher(map[string][]byte{listURL: signedList}), Now: clock},
		Now:      clock,
	})
	require.NoError(t, err)
	res, err := v.Verify(ctx, signed.JSON)
	require.NoError(t, err, "%v", res.Checks)
	assert.Equal(t, badge.Passed, res.Check(badge.CheckCredentialStatus).Status)

	// Revoked, the same path finds it.
	require.NoError(t, list.Set(7, 1))
	revoked, err := list.Sign(ctx, key, &status.SignOptions{Now: func() time.Time { return fixedNow().Add(time.Minute) }})
	require.NoError(t, err)
	v, err = badge.NewVerifier(badge.VerifierOptions{
		Resolver: did.Methods{"key": did.KeyResolver{}, "web": web},
		Status:   &status.Checker{Fetcher: status.StaticFetcher(map[string][]byte{listURL: revoked}), Now: clock},
		Now:      func() time.Time { return fixedNow().Add(time.Hour) },
	})
	require.NoError(t, err)
	res, err = v.Verify(ctx, signed.JSON)
	require.Error(t, err)
	assert.Equal(t, badge.Failed, res.Check(badge.CheckCredentialStatus).Status)
	assert.Contains(t, res.Check(badge.CheckCredentialStatus).Err.Error(), "revoked")
}
