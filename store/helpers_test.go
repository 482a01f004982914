package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

// The PostgreSQL tests run against OPENBADGES_POSTGRES_DSN (". .ci/postgres.sh"
// starts a throwaway server and sets it); without it they skip, unless
// OPENBADGES_POSTGRES=require, when they fail.
const (
	envPostgresDSN     = "OPENBADGES_POSTGRES_DSN"
	envPostgresRequire = "OPENBADGES_POSTGRES"
)

// backend makes fresh, empty stores of one kind: each call to fresh
// returns the DSN of a new database (SQLite: a new file; PostgreSQL: a new
// schema of the test database, dropped at the end of the test).
type backend struct {
	name  string
	fresh func(t testing.TB) string
}

func backends() []backend {
	return []backend{
		{"sqlite", func(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "store.db") }},
		{"postgres", freshPostgres},
	}
}

// freshPostgres creates a schema of its own in the test database and
// returns a DSN whose search_path is that schema.
func freshPostgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv(envPostgresDSN)
	if base == "" {
		if os.Getenv(envPostgresRequire) == "require" {
			t.Fatalf("%s=require but %s is unset", envPostgresRequire, envPostgresDSN)
		}
		t.Skipf("PostgreSQL store tests skipped: %s is unset (. .ci/postgres.sh starts a throwaway server and sets it; %s=require fails instead)",
			envPostgresDSN, envPostgresRequire)
	}
	cfg, err := pgx.ParseConfig(base)
	require.NoError(t, err)
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "obtest_" + hex.EncodeToString(b[:])
	_, err = db.ExecContext(context.Background(), "CREATE SCHEMA "+schema)
	require.NoError(t, err, "PostgreSQL at %s", base)
	t.Cleanup(func() {
		db := stdlib.OpenDB(*cfg)
		defer db.Close()
		_, _ = db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

func openT(t testing.TB, dsn string) *DB {
	t.Helper()
	s, err := Open(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// rawDB opens the database under a store without the store, for the
// tests that tamper with it.
func rawDB(t testing.TB, s *DB) *sql.DB { return s.db }

var (
	revPool = Pool{Name: "rev", BaseURL: "https://example.edu/status/rev-", Entries: 64}
	susPool = Pool{Name: "sus", BaseURL: "https://example.edu/status/sus-", Purpose: status.PurposeSuspension, Entries: 64}
)

func withPools(t testing.TB, s *DB, ps ...Pool) {
	t.Helper()
	for _, p := range ps {
		require.NoError(t, s.EnsurePool(context.Background(), p))
	}
}

func testKey(t testing.TB) proof.Key {
	t.Helper()
	k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{7}, 32))
	require.NoError(t, err)
	return proof.Key{Signer: k.Signer, VerificationMethod: k.ID}
}

func controller(k proof.Key) string {
	c, _, _ := strings.Cut(k.VerificationMethod, "#")
	return c
}

// credentialWith returns an unsigned credential of issuer carrying the
// status entries, as a verifier would parse it.
func credentialWith(t testing.TB, issuer, id string, entries []Entry) *vc.Credential {
	t.Helper()
	doc := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"` + id + `","type":["VerifiableCredential"],` +
		`"issuer":"` + issuer + `","credentialSubject":{"id":"did:example:learner"}}`)
	var ses []status.Entry
	for _, e := range entries {
		ses = append(ses, e.Status())
	}
	doc, err := status.AddStatus(doc, ses...)
	require.NoError(t, err)
	c, err := vc.Parse(doc)
	require.NoError(t, err)
	return c
}
