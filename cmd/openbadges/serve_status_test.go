package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

// TestServeReloadMakesItsCheckerSeeARevocation: serve's status lists,
// reloaded from --status-dir, make its checker drop the list that changed.
func TestServeReloadMakesItsCheckerSeeARevocation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{9}, 32))
	require.NoError(t, err)
	key := proof.Key{Signer: k.Signer, VerificationMethod: k.ID}

	ch := &status.Checker{Now: clock, RevalidateAfter: -1}
	lists := newServeStatusLists(ch)
	ts := httptest.NewTLSServer(http.StripPrefix("/status", lists))
	defer ts.Close()
	ch.Fetcher = &status.HTTPFetcher{Client: ts.Client(), AllowPrivateAddresses: true, Timeout: 2 * time.Second}

	dir := t.TempDir()
	l, err := status.NewList(status.ListOptions{ID: ts.URL + "/status/1"})
	require.NoError(t, err)
	e, err := l.Entry(5)
	require.NoError(t, err)
	write := func() {
		b, err := l.Sign(ctx, key, &status.SignOptions{Now: clock})
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "1.json"), b, 0o600))
	}
	write()
	require.NoError(t, lists.LoadDir(dir))
	doc, err := status.AddStatus([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:5f0c2d4e-8a7b-4c3d-9e1f-2a3b4c5d6e7f",`+
		`"type":["VerifiableCredential"],"issuer":"`+k.Controller+`","validFrom":"2026-01-01T00:00:00Z","credentialSubject":{"id":"did:example:carol"}}`), e)
	require.NoError(t, err)
	signed, err := proof.AddDataIntegrityProof(ctx, doc, key, &proof.DataIntegrityOptions{Now: clock})
	require.NoError(t, err)
	cred, err := vc.Parse(signed)
	require.NoError(t, err)
	check := func() vc.StatusOutcome {
		res, _ := ch.CheckStatus(ctx, cred, cred.Statuses()[0])
		return res.Outcome
	}
	require.Equal(t, vc.StatusValid, check())

	hup := make(chan os.Signal)
	stderr := &lockedBuffer{}
	go reloadStatusDir(ctx, hup, lists, dir, stderr)
	require.NoError(t, l.Set(5, 1))
	write()
	hup <- nil
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "reloaded") }, 5*time.Second, 10*time.Millisecond)
	assert.Equal(t, vc.StatusRevoked, check(), "seen at the next check")

	// A bad file publishes nothing and is reported.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "2.json"), []byte("{"), 0o600))
	hup <- nil
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "reloading --status-dir") }, 5*time.Second, 10*time.Millisecond)
	assert.Equal(t, []string{"1"}, lists.Names())
}
