package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/server"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/store"
)

const statusBase = "https://issuer.example/status/"

// storeDSNs returns a fresh SQLite file, and a fresh PostgreSQL schema
// when OPENBADGES_POSTGRES_DSN is set.
func storeDSNs(t *testing.T) map[string]string {
	dsns := map[string]string{"sqlite": filepath.Join(t.TempDir(), "issuer.db")}
	base := os.Getenv("OPENBADGES_POSTGRES_DSN")
	if base == "" {
		return dsns
	}
	cfg, err := pgx.ParseConfig(base)
	require.NoError(t, err)
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "observer_" + hex.EncodeToString(b[:])
	_, err = db.Exec("CREATE SCHEMA " + schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		db := stdlib.OpenDB(*cfg)
		defer db.Close()
		_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	dsns["postgres"] = base + sep + "search_path=" + schema
	return dsns
}

// storeFixture is a fixture whose issue endpoint records in a store with
// a revocation and a suspension pool.
type storeFixture struct {
	*fixture
	db  *store.DB
	pub *store.Publisher
}

func newStoreFixture(t *testing.T, dsn string, mod func(*server.Config)) *storeFixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	for _, p := range []store.Pool{
		{Name: "revocation", BaseURL: statusBase + "revocation-", Entries: 64},
		{Name: "suspension", BaseURL: statusBase + "suspension-", Purpose: status.PurposeSuspension, Entries: 64},
	} {
		require.NoError(t, db.EnsurePool(ctx, p))
	}
	sf := &storeFixture{db: db}
	sf.fixture = newFixture(t, func(c *server.Config) {
		key := c.Issuer.Key
		sf.pub = &store.Publisher{Store: db, Sign: func(ctx context.Context, l *status.List) ([]byte, error) {
			return l.Sign(ctx, key, nil)
		}}
		c.Store = &server.StoreIssuing{Store: db, Pools: []string{"revocation", "suspension"}, Publisher: sf.pub}
		c.StoreStatusBaseURL = statusBase
		if mod != nil {
			mod(c)
		}
	})
	return sf
}

func eachStore(t *testing.T, f func(t *testing.T, dsn string)) {
	for name, dsn := range storeDSNs(t) {
		t.Run(name, func(t *testing.T) { f(t, dsn) })
	}
}

// entries returns the credentialStatus entries of an issued credential.
func entries(t testing.TB, vc map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	switch v := vc["credentialStatus"].(type) {
	case map[string]any:
		out[v["statusPurpose"].(string)] = v
	case []any:
		for _, e := range v {
			m := e.(map[string]any)
			out[m["statusPurpose"].(string)] = m
		}
	default:
		t.Fatalf("no credentialStatus: %v", vc)
	}
	return out
}

// listBit fetches a list through the handler and returns the entry at
// index.
func listBit(t testing.TB, h http.Handler, listURL, index string) uint64 {
	t.Helper()
	r := do(h, http.MethodGet, "/status/"+strings.TrimPrefix(listURL, statusBase), "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	l, err := status.ParseList(r.body, 1, nil)
	require.NoError(t, err)
	var i int
	require.NoError(t, json.Unmarshal([]byte(index), &i))
	v, err := l.Get(i)
	require.NoError(t, err)
	return v
}

func TestStoreIssueRecordsAndPublishes(t *testing.T) {
	eachStore(t, func(t *testing.T, dsn string) {
		f := newStoreFixture(t, dsn, nil)
		vc := f.issue(t, exampleCredential(), nil)
		id, _ := vc["id"].(string)
		require.True(t, strings.HasPrefix(id, "urn:uuid:"), "a fresh id: %v", vc["id"])
		es := entries(t, vc)
		require.Contains(t, es, "revocation")
		require.Contains(t, es, "suspension")
		assert.Equal(t, "BitstringStatusListEntry", es["revocation"]["type"])
		assert.Equal(t, statusBase+"revocation-1", es["revocation"]["statusListCredential"])

		// Recorded, with the signed bytes.
		rec, err := f.db.Credential(context.Background(), id)
		require.NoError(t, err)
		assert.True(t, rec.Completed())
		assert.Equal(t, "did:example:ebfeb1f712ebc6f1c276e12ec21", rec.Recipient)
		assert.Len(t, rec.Status, 2)

		// The list was published before the answer: served with the
		// store's ETag, and If-None-Match answers 304.
		r := do(f.h, http.MethodGet, "/status/revocation-1", "", nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		etag := r.header.Get("ETag")
		l, err := f.db.List(context.Background(), statusBase+"revocation-1")
		require.NoError(t, err)
		assert.Equal(t, l.ETag, etag)
		assert.Equal(t, server.MediaTypeVC, r.header.Get("Content-Type"))
		req := mustRequest(t, http.MethodGet, "/status/revocation-1")
		req.Header.Set("If-None-Match", etag)
		assert.Equal(t, http.StatusNotModified, serve(f.h, req).status)
		assert.Equal(t, uint64(0), listBit(t, f.h, statusBase+"revocation-1", es["revocation"]["statusListIndex"].(string)))
		assertProblem(t, do(f.h, http.MethodGet, "/status/revocation-9", "", nil), http.StatusNotFound)

		// The credential verifies (proof) through the VC-API.
		r2, _ := f.verify(t, vc)
		assert.Equal(t, http.StatusOK, r2.status, "%s", r2.body)
	})
}

func TestStoreIssueJWTIsRecorded(t *testing.T) {
	f := newStoreFixture(t, filepath.Join(t.TempDir(), "issuer.db"), nil)
	c := exampleCredential()
	c["id"] = "urn:uuid:2b0f6c1e-7d0e-4f3c-9a55-3d7c1f0e9a01"
	vc := f.issue(t, c, map[string]any{"format": "jwt"})
	id, _ := vc["id"].(string)
	require.True(t, strings.HasPrefix(id, "data:application/vc+jwt,"), "%v", vc)
	rec, err := f.db.Credential(context.Background(), c["id"].(string))
	require.NoError(t, err)
	assert.Equal(t, strings.TrimPrefix(id, "data:application/vc+jwt,"), string(rec.Signed), "the JWT is recorded")
	assert.Equal(t, "jwt", rec.Format)
	assert.Len(t, rec.Status, 2)
}

func TestStoreIdempotencyKey(t *testing.T) {
	eachStore(t, func(t *testing.T, dsn string) {
		f := newStoreFixture(t, dsn, nil)
		post := func(key string, c map[string]any) *response {
			b, err := json.Marshal(map[string]any{"credential": c})
			require.NoError(t, err)
			req := httptest.NewRequest(http.MethodPost, server.PathIssue, bytes.NewReader(b))
			req.Header.Set("Content-Type", "application/json")
			if key != "" {
				req.Header.Set(server.HeaderIdempotencyKey, key)
			}
			return serve(f.h, req)
		}
		first := post("order-42", exampleCredential())
		require.Equal(t, http.StatusCreated, first.status, "%s", first.body)
		// Concurrent and later retries get the first credential back.
		var wg sync.WaitGroup
		rs := make([]*response, 4)
		for i := range rs {
			wg.Go(func() { rs[i] = post("order-42", exampleCredential()) })
		}
		wg.Wait()
		for _, r := range rs {
			assert.Equal(t, http.StatusCreated, r.status)
			assert.JSONEq(t, string(first.body), string(r.body), "the same credential")
			assert.Equal(t, "true", r.header.Get("Idempotent-Replayed"))
		}
		// Another request under the same key: 422, nothing issued.
		other := exampleCredential()
		other["credentialSubject"].(map[string]any)["id"] = "did:example:someone-else"
		assertProblem(t, post("order-42", other), http.StatusUnprocessableEntity)
		// Another key issues another credential.
		second := post("order-43", exampleCredential())
		require.Equal(t, http.StatusCreated, second.status)
		assert.NotEqual(t, first.json(t)["verifiableCredential"].(map[string]any)["id"], second.json(t)["verifiableCredential"].(map[string]any)["id"])
		// A bad key is a 400.
		assertProblem(t, post(strings.Repeat("k", 300), exampleCredential()), http.StatusBadRequest)
		// A credential id issued already is a 409.
		withID := exampleCredential()
		withID["id"] = "urn:uuid:9f2c6b36-1f6b-4a39-8a7e-0c7f1e0b7d11"
		require.Equal(t, http.StatusCreated, post("", withID).status)
		assertProblem(t, post("", withID), http.StatusConflict)
	})
}

func TestStoreStatusUpdate(t *testing.T) {
	eachStore(t, func(t *testing.T, dsn string) {
		f := newStoreFixture(t, dsn, nil)
		ctx := context.Background()
		vc := f.issue(t, exampleCredential(), nil)
		id := vc["id"].(string)
		es := entries(t, vc)
		update := func(purpose string, set bool, extra map[string]any) *response {
			cs := map[string]any{"type": "BitstringStatusListEntry", "statusPurpose": purpose}
			for k, v := range extra {
				cs[k] = v
			}
			return postJSON(t, f.h, server.PathCredentialStatus, map[string]any{"credentialId": id, "credentialStatus": cs, "status": set})
		}
		// Suspend, then unsuspend.
		r := update("suspension", true, nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		assert.Equal(t, true, r.json(t)["changed"])
		_, err := f.pub.PublishStale(ctx)
		require.NoError(t, err)
		sus := es["suspension"]
		assert.Equal(t, uint64(1), listBit(t, f.h, sus["statusListCredential"].(string), sus["statusListIndex"].(string)))
		require.Equal(t, http.StatusOK, update("suspension", false, map[string]any{"statusListIndex": sus["statusListIndex"]}).status)
		_, err = f.pub.PublishStale(ctx)
		require.NoError(t, err)
		assert.Equal(t, uint64(0), listBit(t, f.h, sus["statusListCredential"].(string), sus["statusListIndex"].(string)))

		// Revoke: the list is re-signed (new ETag) and says revoked.
		rev := es["revocation"]
		before := do(f.h, http.MethodGet, "/status/revocation-1", "", nil).header.Get("ETag")
		r = update("revocation", true, map[string]any{"statusListCredential": rev["statusListCredential"]})
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		_, err = f.pub.PublishStale(ctx)
		require.NoError(t, err)
		assert.NotEqual(t, before, do(f.h, http.MethodGet, "/status/revocation-1", "", nil).header.Get("ETag"))
		assert.Equal(t, uint64(1), listBit(t, f.h, rev["statusListCredential"].(string), rev["statusListIndex"].(string)))
		// Again: 200, unchanged. Undoing it: 409.
		r = update("revocation", true, nil)
		require.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, false, r.json(t)["changed"])
		assertProblem(t, update("revocation", false, nil), http.StatusConflict)

		// Refusals.
		assertProblem(t, update("revocation", true, map[string]any{"statusListIndex": "99999"}), http.StatusConflict)
		assertProblem(t, update("revocation", true, map[string]any{"type": "SomethingElse"}), http.StatusBadRequest)
		assertProblem(t, update("refresh", true, nil), http.StatusBadRequest)
		assertProblem(t, postJSON(t, f.h, server.PathCredentialStatus, map[string]any{"credentialId": "urn:uuid:nobody",
			"credentialStatus": map[string]any{"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}, "status": true}), http.StatusNotFound)
		assertProblem(t, postJSON(t, f.h, server.PathCredentialStatus, map[string]any{"credentialId": id,
			"credentialStatus": map[string]any{"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}, "status": "revoked"}), http.StatusBadRequest)
		assertProblem(t, postJSON(t, f.h, server.PathCredentialStatus, map[string]any{"credentialId": id, "status": true, "extra": 1}), http.StatusBadRequest)
	})
}

func TestStoreNoStatusPools(t *testing.T) {
	f := newStoreFixture(t, filepath.Join(t.TempDir(), "issuer.db"), func(c *server.Config) { c.Store.Pools = nil })
	vc := f.issue(t, exampleCredential(), nil)
	assert.NotContains(t, vc, "credentialStatus")
	rec, err := f.db.Credential(context.Background(), vc["id"].(string))
	require.NoError(t, err)
	assert.True(t, rec.Completed())
	r := postJSON(t, f.h, server.PathCredentialStatus, map[string]any{"credentialId": vc["id"],
		"credentialStatus": map[string]any{"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}, "status": true})
	assertProblem(t, r, http.StatusConflict)
}

func TestStoreUnavailableIs503(t *testing.T) {
	f := newStoreFixture(t, filepath.Join(t.TempDir(), "issuer.db"), nil)
	require.NoError(t, f.db.Close())
	r := postJSON(t, f.h, server.PathIssue, map[string]any{"credential": exampleCredential()})
	assertProblem(t, r, http.StatusServiceUnavailable)
	assert.NotContains(t, string(r.body), "verifiableCredential")
	r = postJSON(t, f.h, server.PathCredentialStatus, map[string]any{"credentialId": "urn:uuid:x",
		"credentialStatus": map[string]any{"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}, "status": true})
	assertProblem(t, r, http.StatusServiceUnavailable)
	assertProblem(t, do(f.h, http.MethodGet, "/status/revocation-1", "", nil), http.StatusServiceUnavailable)
}

func TestStoreListsFallBackToFiles(t *testing.T) {
	files := &server.StatusLists{}
	l, err := status.NewList(status.ListOptions{ID: "https://issuer.example/status/legacy", Entries: status.MinEntries})
	require.NoError(t, err)
	f := newStoreFixture(t, filepath.Join(t.TempDir(), "issuer.db"), func(c *server.Config) { c.StatusLists = files })
	signed, err := l.Sign(context.Background(), f.pk, &status.SignOptions{})
	if err != nil {
		// A list needs an issuer: the fixture's.
		l, err = status.NewList(status.ListOptions{ID: "https://issuer.example/status/legacy", Issuer: f.issuer, Entries: status.MinEntries})
		require.NoError(t, err)
		signed, err = l.Sign(context.Background(), f.pk, nil)
	}
	require.NoError(t, err)
	require.NoError(t, files.Put("legacy", signed))
	assert.Equal(t, http.StatusOK, do(f.h, http.MethodGet, "/status/legacy", "", nil).status)
}
