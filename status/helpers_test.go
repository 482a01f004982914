package status_test

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

// Test fixtures: the 1EdTech validator's samples (testdata/PROVENANCE.md).
const (
	sampleListURL = "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist"
	sampleIssuer  = "https://1edtech.edu/issuers/565049"
)

// fixedNow is the clock of every test.
var fixedNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return fixedNow }

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return b
}

func testKey(t testing.TB, seed byte) proof.Key {
	t.Helper()
	k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	require.NoError(t, err)
	return proof.Key{Signer: k.Signer, VerificationMethod: k.ID}
}

func controller(k proof.Key) string {
	c, _, _ := bytes.Cut([]byte(k.VerificationMethod), []byte("#"))
	return string(c)
}

// issue returns a signed credential of k's controller carrying entries.
func issue(t testing.TB, k proof.Key, entries ...status.Entry) *vc.Credential {
	t.Helper()
	ctxs := `"https://www.w3.org/ns/credentials/v2"`
	for _, e := range entries {
		switch e.Type {
		case status.TypeStatusList2021Entry:
			ctxs += `,"` + status.ContextStatusList2021 + `"`
		case status.TypeRevocationList:
			ctxs += `,"https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"`
		}
	}
	doc := []byte(`{"@context":[` + ctxs + `],"id":"urn:uuid:6a1e0b8c-0d57-4a36-9a1a-7f1c2a0c1d11",` +
		`"type":["VerifiableCredential"],"issuer":"` + controller(k) + `","validFrom":"2026-01-01T00:00:00Z",` +
		`"credentialSubject":{"id":"did:example:alice"}}`)
	var err error
	if len(entries) > 0 {
		doc, err = status.AddStatus(doc, entries...)
		require.NoError(t, err)
	}
	signed, err := proof.AddDataIntegrityProof(context.Background(), doc, k, &proof.DataIntegrityOptions{Now: clock})
	require.NoError(t, err)
	c, err := vc.Parse(signed)
	require.NoError(t, err)
	return c
}

func entryMap(t testing.TB, c *vc.Credential) map[string]any {
	t.Helper()
	st := c.Statuses()
	require.Len(t, st, 1)
	return st[0]
}
