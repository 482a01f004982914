package status_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

func TestRevocationListDocument(t *testing.T) {
	l := &status.RevocationList{ID: "https://example.edu/revocations", Issuer: "did:example:issuer"}
	l.Revoke("urn:uuid:1")
	l.Revoke("urn:uuid:2")
	l.Revoke("urn:uuid:1")
	l.Unrevoke("urn:uuid:2")
	b, err := json.Marshal(l)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"https://example.edu/revocations","issuer":"did:example:issuer",
		"revokedCredentials":[{"id":"urn:uuid:1","revoked":true}],
		"revokedCredential":[{"id":"urn:uuid:1","revoked":true}]}`, string(b))
	back, err := status.ParseRevocationList(b)
	require.NoError(t, err)
	assert.True(t, back.IsRevoked("urn:uuid:1"))
	assert.False(t, back.IsRevoked("urn:uuid:2"))
	assert.Len(t, back.Revoked, 1)

	for _, tc := range []struct {
		name    string
		doc     string
		revoked []string
		err     error
	}{
		{"plural key", `{"revokedCredentials":[{"id":"a"},{"id":"b","revoked":false},{"id":"c","revoked":true}]}`, []string{"a", "c"}, nil},
		{"validator's singular key", `{"revokedCredential":[{"id":"a"}]}`, []string{"a"}, nil},
		{"both keys merged", `{"revokedCredentials":[{"id":"a","revoked":false}],"revokedCredential":[{"id":"a"},{"id":"b"}]}`, []string{"a", "b"}, nil},
		{"empty", `{"revokedCredentials":[]}`, nil, nil},
		{"neither key", `{"id":"x"}`, nil, status.ErrMalformed},
		{"not an array", `{"revokedCredentials":{"id":"a"}}`, nil, status.ErrMalformed},
		{"entry without id", `{"revokedCredentials":[{"revoked":true}]}`, nil, status.ErrMalformed},
		{"string revoked", `{"revokedCredentials":[{"id":"a","revoked":"yes"}]}`, nil, status.ErrMalformed},
		{"duplicate keys", `{"revokedCredentials":[],"revokedCredentials":[{"id":"a"}]}`, nil, status.ErrMalformed},
		{"not JSON", `<html>`, nil, status.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := status.ParseRevocationList([]byte(tc.doc))
			if tc.err != nil {
				assert.ErrorIs(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			for _, id := range []string{"a", "b", "c"} {
				assert.Equal(t, contains(tc.revoked, id), l.IsRevoked(id), id)
			}
		})
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestRevocationListChecker(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	srv := newListServer(t)
	rl := &status.RevocationList{ID: srv.URL + "/revocations", Issuer: controller(k)}
	cred := issue(t, k, rl.Entry())
	publish := func() {
		b, err := json.Marshal(rl)
		require.NoError(t, err)
		srv.set("/revocations", b)
	}
	check := func(f status.Fetcher) (*vc.StatusResult, error) {
		ch := &status.Checker{Fetcher: f, Now: clock}
		return ch.CheckStatus(ctx, cred, entryMap(t, cred))
	}
	publish()
	res, err := check(srv.fetcher())
	require.NoError(t, err)
	assert.Equal(t, vc.StatusValid, res.Outcome)
	assert.Equal(t, int64(-1), res.Index)

	rl.Revoke(cred.ID())
	publish()
	res, err = check(srv.fetcher())
	assert.ErrorIs(t, err, vc.ErrRevoked)
	assert.Equal(t, vc.StatusRevoked, res.Outcome)

	// Unreachable: the validator warns; we fail closed.
	down := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", 503) }))
	defer down.Close()
	f := &status.HTTPFetcher{Client: rewriteClient(down, true), AllowPrivateAddresses: true, Timeout: time.Second}
	res, err = check(f)
	assert.ErrorIs(t, err, vc.ErrStatusUnknown)
	assert.ErrorIs(t, err, status.ErrRetrieval)
	assert.Equal(t, vc.StatusUnknownOutcome, res.Outcome)

	// The validator's VC 1.1 sample, against a served list naming it.
	sample, err := vc.Parse(readFile(t, "testdata/credential-status-revocationlist.json"))
	require.NoError(t, err)
	e := sample.Statuses()[0]
	listURL := e["id"].(string)
	ch := status.NewLocalChecker(map[string][]byte{listURL: []byte(`{"id":"` + listURL + `","revokedCredential":[{"id":"` + sample.ID() + `","revoked":true}]}`)}, nil)
	res, err = ch.CheckStatus(ctx, sample, e)
	assert.ErrorIs(t, err, vc.ErrRevoked)
	assert.Equal(t, status.TypeRevocationList, res.Type)
}
