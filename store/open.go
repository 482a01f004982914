package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver (pure Go)
)

// SQLiteBusyTimeout is how long, in milliseconds, a SQLite write waits for
// another process's transaction before it fails with [ErrUnavailable].
const SQLiteBusyTimeout = 10000

// Open opens the store named by dsn, creating or migrating its schema:
//
//   - "postgres://..." or "postgresql://...": a PostgreSQL database (a
//     pgx connection URL; e.g. postgres://user@host/db?sslmode=verify-full,
//     or ?host=/run/postgresql for a unix socket);
//   - "sqlite:PATH", or any other string, taken as a file path: a SQLite
//     database file, created if missing, in WAL mode with
//     synchronous=FULL (a committed transaction survives a crash of the
//     process and of the machine) and a busy timeout of
//     [SQLiteBusyTimeout] for other processes' writes.
//
// A schema newer than this program's is refused ([ErrSchemaTooNew]) and
// left as it is. A database that cannot be reached gives an error matching
// [ErrUnavailable].
func Open(ctx context.Context, dsn string) (*DB, error) {
	var s *DB
	var err error
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s, err = openPostgres(dsn)
	default:
		s, err = openSQLite(strings.TrimPrefix(dsn, "sqlite:"))
	}
	if err != nil {
		return nil, err
	}
	s.reserves.run, s.completes.run, s.statuses.run = s.reserveTx, s.completeTx, s.setStatusTx
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fail(err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

func openSQLite(path string) (*DB, error) {
	path = strings.TrimPrefix(path, "//")
	if path == "" || path == ":memory:" || strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("%w: SQLite store %q: want a file path (no URI, no query, not in memory)", ErrInvalid, path)
	}
	dsn := fmt.Sprintf("%s?_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate",
		path, SQLiteBusyTimeout)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fail(err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	return &DB{db: db, d: &dialect{
		name:         "sqlite",
		blob:         "BLOB",
		bigint:       "INTEGER",
		serialWrites: true,
		readOpts:     &sql.TxOptions{ReadOnly: true}, // a deferred BEGIN: a WAL snapshot, no write lock
	}}, nil
}

func openPostgres(dsn string) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: PostgreSQL DSN: %v", ErrInvalid, err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	return &DB{db: db, d: &dialect{
		name:       "postgres",
		dollar:     true,
		forUpdate:  " FOR UPDATE",
		blob:       "BYTEA",
		castText:   "::text",
		castBlob:   "::bytea",
		bigint:     "BIGINT",
		readOpts:   &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead},
		lockSchema: `SELECT pg_advisory_xact_lock(4735061181190512497)`, // one migrator at a time
		retryable: func(err error) bool {
			var pe *pgconn.PgError
			return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001") // deadlock, serialization failure
		},
	}}, nil
}
