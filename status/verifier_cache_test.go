package status_test

import (
	"context"
	"crypto/ed25519"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
)

// TestAListVerifiedByOneVerifierIsNeverAnothers pins a finding of the
// second review: lists were cached per verifier by its address only, so
// after garbage collection a new strict verifier at the address of a
// lenient one inherited the lists it had accepted. A list signed with a
// key only InsecureFragmentKeys accepts is accepted for the lenient
// verifier and refused for every new strict one, GC or not.
func TestAListVerifiedByOneVerifierIsNeverAnothers(t *testing.T) {
	ctx := context.Background()
	base := testKey(t, 9)
	pub := base.Signer.Public().(ed25519.PublicKey)
	mb, err := did.EncodeMultikey(pub)
	require.NoError(t, err)
	const issuer = "https://example.edu/issuers/1"
	k := proof.Key{Signer: base.Signer, VerificationMethod: issuer + "#" + mb}

	const url = "https://example.edu/status/1"
	list, err := status.NewList(status.ListOptions{ID: url, Issuer: issuer})
	require.NoError(t, err)
	entry, err := list.Entry(3)
	require.NoError(t, err)
	signed, err := list.Sign(ctx, k, &status.SignOptions{Now: clock})
	require.NoError(t, err)
	cred := issue(t, k, entry)
	ch := &status.Checker{Fetcher: status.StaticFetcher(map[string][]byte{url: signed}), Now: clock}

	_, err = ch.CheckStatusWith(ctx, cred, entryMap(t, cred), &proof.Verifier{InsecureFragmentKeys: true, Now: clock})
	require.NoError(t, err, "the lenient verifier accepts the list")
	runtime.GC()
	for range 500 {
		_, err = ch.CheckStatusWith(ctx, cred, entryMap(t, cred), &proof.Verifier{Now: clock})
		if !assert.Error(t, err, "a strict verifier never gets the lenient one's list") {
			return
		}
	}
}
