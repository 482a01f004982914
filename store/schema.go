package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// migrations are the schema versions, in order: migrations[i] takes the
// schema from version i to i+1. Statements are separated by ";" and
// written once for both databases: {blob} and {bigint} are the column
// types of the dialect. A released migration is never edited: a change is
// a new one at the end.
var migrations = []string{
	// 1: pools, lists, credentials, allocations, leases.
	`CREATE TABLE ob_pools (
		name TEXT PRIMARY KEY,
		base_url TEXT NOT NULL UNIQUE,
		purpose TEXT NOT NULL,
		format INTEGER NOT NULL,
		entries INTEGER NOT NULL,
		issuer TEXT NOT NULL,
		lists INTEGER NOT NULL,
		current_list TEXT
	);
	CREATE TABLE ob_lists (
		id TEXT PRIMARY KEY,
		pool TEXT NOT NULL REFERENCES ob_pools(name),
		seq INTEGER NOT NULL,
		purpose TEXT NOT NULL,
		format INTEGER NOT NULL,
		entries INTEGER NOT NULL,
		issuer TEXT NOT NULL,
		perm_key {blob} NOT NULL,
		next INTEGER NOT NULL,
		version {bigint} NOT NULL,
		signed_version {bigint} NOT NULL,
		signed {blob},
		etag TEXT,
		signed_at {bigint},
		created {bigint} NOT NULL,
		UNIQUE (pool, seq)
	);
	CREATE INDEX ob_lists_stale ON ob_lists (signed_version, version);
	CREATE TABLE ob_credentials (
		id TEXT PRIMARY KEY,
		idem_key TEXT UNIQUE,
		fingerprint {blob},
		recipient TEXT NOT NULL,
		achievement TEXT NOT NULL,
		format TEXT NOT NULL,
		reserved_at {bigint} NOT NULL,
		issued_at {bigint},
		signed {blob}
	);
	CREATE TABLE ob_allocations (
		list_id TEXT NOT NULL REFERENCES ob_lists(id),
		idx INTEGER NOT NULL,
		credential_id TEXT REFERENCES ob_credentials(id),
		value INTEGER NOT NULL,
		PRIMARY KEY (list_id, idx)
	);
	CREATE INDEX ob_allocations_credential ON ob_allocations (credential_id);
	CREATE TABLE ob_leases (
		name TEXT PRIMARY KEY,
		holder TEXT NOT NULL,
		expires {bigint} NOT NULL
	)`,
	// 2: wallet delivery exchanges and OpenID4VCI nonces (exchange.go).
	`CREATE TABLE ob_exchanges (
		id TEXT PRIMARY KEY,
		code TEXT UNIQUE,
		token TEXT UNIQUE,
		expires {bigint} NOT NULL,
		doc {blob} NOT NULL
	);
	CREATE INDEX ob_exchanges_expires ON ob_exchanges (expires);
	CREATE TABLE ob_nonces (
		nonce TEXT PRIMARY KEY,
		expires {bigint} NOT NULL
	);
	CREATE INDEX ob_nonces_expires ON ob_nonces (expires)`,
}

// SchemaVersion is the schema version this program writes and reads.
func SchemaVersion() int { return len(migrations) }

// migrate brings the schema up to date in one transaction, or refuses a
// schema newer than this program's.
func (s *DB) migrate(ctx context.Context) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if s.d.lockSchema != "" {
			if _, err := tx.ExecContext(ctx, s.d.lockSchema); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS ob_schema (version INTEGER NOT NULL)`); err != nil {
			return err
		}
		var v int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM ob_schema`).Scan(&v); err != nil {
			return err
		}
		if v > len(migrations) {
			return fmt.Errorf("%w: version %d, this program knows up to %d", ErrSchemaTooNew, v, len(migrations))
		}
		for ; v < len(migrations); v++ {
			ddl := strings.NewReplacer("{blob}", s.d.blob, "{bigint}", s.d.bigint).Replace(migrations[v])
			for stmt := range strings.SplitSeq(ddl, ";") {
				if strings.TrimSpace(stmt) == "" {
					continue
				}
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("migration %d: %w", v+1, err)
				}
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO ob_schema (version) VALUES (?)`), v+1); err != nil {
				return err
			}
		}
		return nil
	})
}
