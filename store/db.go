package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openbadges-go/openbadges/status"
)

// DB is a store in a SQL database: SQLite ([Open] with a file name) or
// PostgreSQL ([Open] with a postgres:// URL). It implements [Store] and is
// safe for concurrent use by many goroutines, and by many processes
// sharing the database.
type DB struct {
	db *sql.DB
	d  *dialect
	// wmu serializes this process's write transactions on SQLite, which
	// has one writer at a time anyway: goroutines queue here instead of
	// polling SQLite's lock. Other processes are waited for through
	// SQLite's busy timeout.
	wmu sync.Mutex
	// reserves and completes merge concurrent calls into one transaction.
	reserves  group[Reservation, *Credential]
	completes group[Completion, Completed]
	statuses  group[statusChange, Change]
}

// dialect is what differs between the databases.
type dialect struct {
	name         string
	dollar       bool   // placeholders $1, $2, ... instead of ?
	forUpdate    string // row lock suffix of a SELECT in a write transaction
	blob, bigint string // column types
	castText     string // casts of parameters in a VALUES list
	castBlob     string
	serialWrites bool // serialize write transactions in the process
	readOpts     *sql.TxOptions
	lockSchema   string // statement that serializes migrations, if needed
	retryable    func(error) bool
}

// Close closes the database.
func (s *DB) Close() error { return s.db.Close() }

// Kind returns "sqlite" or "postgres".
func (s *DB) Kind() string { return s.d.name }

// q rewrites a statement's ? placeholders for the dialect.
func (s *DB) q(query string) string {
	if !s.d.dollar {
		return query
	}
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// fail classifies an error: the store's own errors and ctx's pass as they
// are; any other is the database's, wrapped in ErrUnavailable.
func fail(err error) error {
	switch {
	case err == nil:
		return nil
	case isStoreError(err), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

func isStoreError(err error) bool {
	for _, e := range []error{ErrNotFound, ErrExists, ErrKeyConflict, ErrConflict, ErrNoEntry, ErrIrreversible,
		ErrUnknownPool, ErrPoolMismatch, ErrStale, ErrLeaseLost, ErrInvalid, ErrSchemaTooNew, ErrUnavailable} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// write runs fn in a write transaction and commits it; a transaction the
// database aborted to break a deadlock is run again.
func (s *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if s.d.serialWrites {
		s.wmu.Lock()
		defer s.wmu.Unlock()
	}
	for attempt := 0; ; attempt++ {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return fail(err)
		}
		if err = fn(tx); err == nil {
			err = tx.Commit()
		} else {
			_ = tx.Rollback()
		}
		if err != nil && attempt < 5 && s.d.retryable != nil && s.d.retryable(err) && ctx.Err() == nil {
			continue
		}
		return fail(err)
	}
}

// read runs fn in a read-only transaction.
func (s *DB) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, s.d.readOpts)
	if err != nil {
		return fail(err)
	}
	defer func() { _ = tx.Rollback() }()
	return fail(fn(tx))
}

func nanos(t time.Time) int64 { return t.UnixNano() }

func fromNanos(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// newUUIDURN returns a fresh random "urn:uuid:" (version 4).
func newUUIDURN() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return "urn:uuid:" + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// ---- pools and allocation ----

// checkPool fills in a pool's defaults and checks it.
func checkPool(p *Pool) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: pool %q: "+format, append([]any{ErrInvalid, p.Name}, args...)...)
	}
	if p.Name == "" {
		return bad("no name")
	}
	if !strings.HasPrefix(p.BaseURL, "https://") && !strings.HasPrefix(p.BaseURL, "http://") {
		return bad("base URL %q is not http(s)", p.BaseURL)
	}
	if p.Purpose == "" {
		p.Purpose = status.PurposeRevocation
	}
	if p.Purpose != status.PurposeRevocation && p.Purpose != status.PurposeSuspension {
		return bad("purpose %q: only revocation and suspension", p.Purpose)
	}
	if p.Format != status.FormatBitstring && p.Format != status.FormatStatusList2021 {
		return bad("unknown format %d", int(p.Format))
	}
	if p.Entries == 0 {
		p.Entries = status.MinEntries
	}
	if p.Entries < 1 || p.Entries > 1<<26 {
		return bad("%d entries", p.Entries)
	}
	return nil
}

// EnsurePool records a pool, or checks the recorded one is the same.
func (s *DB) EnsurePool(ctx context.Context, p Pool) error {
	if err := checkPool(&p); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO ob_pools(name, base_url, purpose, format, entries, issuer, lists)
			VALUES (?, ?, ?, ?, ?, ?, 0) ON CONFLICT DO NOTHING`),
			p.Name, p.BaseURL, p.Purpose, int(p.Format), p.Entries, p.Issuer)
		if err != nil {
			return err
		}
		var got Pool
		var format int
		err = tx.QueryRowContext(ctx, s.q(`SELECT name, base_url, purpose, format, entries, issuer FROM ob_pools WHERE name = ?`), p.Name).
			Scan(&got.Name, &got.BaseURL, &got.Purpose, &format, &got.Entries, &got.Issuer)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: pool %q: base URL %q is another pool's", ErrPoolMismatch, p.Name, p.BaseURL)
		}
		if err != nil {
			return err
		}
		got.Format = status.Format(format)
		if got != p {
			return fmt.Errorf("%w: pool %q is recorded as %+v", ErrPoolMismatch, p.Name, got)
		}
		return nil
	})
}

// poolState is a pool locked for allocation in a write transaction.
type poolState struct {
	Pool
	lists   int    // lists made so far
	list    string // the current list ("" = none yet)
	key     []byte // its permutation key
	next    int    // its allocations so far
	dirty   bool   // next changed: write it back
	created []string
}

// lockPools locks the named pools (in name order, so that two transactions
// cannot deadlock) and reads their current lists.
func (s *DB) lockPools(ctx context.Context, tx *sql.Tx, names []string) (map[string]*poolState, error) {
	names = slices.Clone(names)
	slices.Sort(names)
	names = slices.Compact(names)
	out := make(map[string]*poolState, len(names))
	for _, name := range names {
		ps := &poolState{}
		var format int
		var cur sql.NullString
		err := tx.QueryRowContext(ctx, s.q(`SELECT name, base_url, purpose, format, entries, issuer, lists, current_list
			FROM ob_pools WHERE name = ?`+s.d.forUpdate), name).
			Scan(&ps.Name, &ps.BaseURL, &ps.Purpose, &format, &ps.Entries, &ps.Issuer, &ps.lists, &cur)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("%w: %q", ErrUnknownPool, name)
		}
		if err != nil {
			return nil, err
		}
		ps.Format = status.Format(format)
		if cur.Valid {
			ps.list = cur.String
			if err := tx.QueryRowContext(ctx, s.q(`SELECT next, perm_key FROM ob_lists WHERE id = ?`), ps.list).
				Scan(&ps.next, &ps.key); err != nil {
				return nil, err
			}
		}
		out[name] = ps
	}
	return out, nil
}

// allocate takes the next index of a locked pool and records it (bound to
// credential, if any).
func (s *DB) allocate(ctx context.Context, tx *sql.Tx, ps *poolState, credential sql.NullString, now time.Time) (Entry, error) {
	e, err := s.next(ctx, tx, ps, now)
	if err != nil {
		return Entry{}, err
	}
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO ob_allocations(list_id, idx, credential_id, value) VALUES (?, ?, ?, 0)`),
		e.List, e.Index, credential)
	return e, err
}

// next takes the next index of a locked pool, making a new list when the
// current one is full; the caller records it in ob_allocations.
func (s *DB) next(ctx context.Context, tx *sql.Tx, ps *poolState, now time.Time) (Entry, error) {
	if ps.list == "" || ps.next >= ps.Entries {
		if err := s.flushPool(ctx, tx, ps); err != nil {
			return Entry{}, err
		}
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return Entry{}, err
		}
		seq := ps.lists + 1
		id := ps.BaseURL + strconv.Itoa(seq)
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO ob_lists(id, pool, seq, purpose, format, entries, issuer, perm_key,
			next, version, signed_version, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 1, 0, ?)`),
			id, ps.Name, seq, ps.Purpose, int(ps.Format), ps.Entries, ps.Issuer, key, nanos(now))
		if err != nil {
			return Entry{}, err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE ob_pools SET lists = ?, current_list = ? WHERE name = ?`), seq, id, ps.Name); err != nil {
			return Entry{}, err
		}
		ps.lists, ps.list, ps.key, ps.next = seq, id, key, 0
	}
	idx := permute(ps.key, ps.Entries, ps.next)
	ps.next++
	ps.dirty = true
	return Entry{Pool: ps.Name, List: ps.list, Index: idx, Purpose: ps.Purpose, Format: ps.Format}, nil
}

// flushPool writes the current list's allocation counter back.
func (s *DB) flushPool(ctx context.Context, tx *sql.Tx, ps *poolState) error {
	if !ps.dirty {
		return nil
	}
	ps.dirty = false
	_, err := tx.ExecContext(ctx, s.q(`UPDATE ob_lists SET next = ? WHERE id = ?`), ps.next, ps.list)
	return err
}

// Allocate allocates n indexes from pool, bound to no credential.
func (s *DB) Allocate(ctx context.Context, pool string, n int) ([]Entry, error) {
	if n < 1 {
		return nil, fmt.Errorf("%w: allocate %d indexes", ErrInvalid, n)
	}
	var out []Entry
	err := s.write(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		pools, err := s.lockPools(ctx, tx, []string{pool})
		if err != nil {
			return err
		}
		ps := pools[pool]
		now := time.Now()
		for range n {
			e, err := s.allocate(ctx, tx, ps, sql.NullString{}, now)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return s.flushPool(ctx, tx, ps)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ---- credentials ----

// Reserve records reservations (see [Credentials]). Concurrent calls are
// merged into one transaction (group commit).
func (s *DB) Reserve(ctx context.Context, rs ...Reservation) ([]*Credential, error) {
	if len(rs) == 0 {
		return nil, nil
	}
	rs = slices.Clone(rs)
	for i := range rs {
		for _, e := range rs[i].Entries {
			if e.List == "" {
				return nil, fmt.Errorf("%w: reservation %d: an entry without a list", ErrInvalid, i)
			}
		}
		if rs[i].ID == "" {
			id, err := newUUIDURN()
			if err != nil {
				return nil, err
			}
			rs[i].ID = id
		}
	}
	return s.reserves.do(ctx, rs)
}

// errSlowPath sends a transaction to the row-by-row path.
var errSlowPath = errors.New("store: take the slow path")

// reserveTx records reservations in one transaction: all rows at once
// when no reservation is a retry, else row by row.
func (s *DB) reserveTx(ctx context.Context, rs []Reservation) ([]*Credential, error) {
	var poolNames []string
	for i := range rs {
		poolNames = append(poolNames, rs[i].Pools...)
	}
	out := make([]*Credential, len(rs))
	slow := false
	keys := map[string]bool{}
	ids := map[string]bool{}
	for _, r := range rs {
		if len(r.Entries) > 0 || (r.Key != "" && keys[r.Key]) || ids[r.ID] {
			slow = true
		}
		keys[r.Key], ids[r.ID] = r.Key != "", true
	}
	body := func(tx *sql.Tx) error {
		pools, err := s.lockPools(ctx, tx, poolNames)
		if err != nil {
			return err
		}
		now := time.Now()
		if !slow {
			if err := s.reserveFast(ctx, tx, rs, pools, now, out); err != nil {
				return err
			}
		} else {
			for i, r := range rs {
				c, err := s.reserveOne(ctx, tx, r, r.ID, pools, now)
				if err != nil {
					return fmt.Errorf("reservation %d: %w", i, err)
				}
				out[i] = c
			}
		}
		for _, ps := range pools {
			if err := s.flushPool(ctx, tx, ps); err != nil {
				return err
			}
		}
		return nil
	}
	err := s.write(ctx, body)
	if errors.Is(err, errSlowPath) {
		slow = true
		err = s.write(ctx, body)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// maxRows is the number of rows a multi-row statement carries.
const maxRows = 256

// reserveFast records fresh reservations with a few multi-row statements;
// it returns errSlowPath when one is a retry or its id is taken.
func (s *DB) reserveFast(ctx context.Context, tx *sql.Tx, rs []Reservation, pools map[string]*poolState, now time.Time, out []*Credential) error {
	var keys []any
	for _, r := range rs {
		if r.Key != "" {
			keys = append(keys, r.Key)
		}
	}
	for chunk := range slices.Chunk(keys, maxRows) {
		var found int
		err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM ob_credentials WHERE idem_key IN (`+marks(len(chunk), 1)+`)`), chunk...).Scan(&found)
		if err != nil {
			return err
		}
		if found > 0 {
			return errSlowPath
		}
	}
	reserved := time.Unix(0, nanos(now)).UTC()
	for lo := 0; lo < len(rs); lo += maxRows {
		chunk := rs[lo:min(lo+maxRows, len(rs))]
		args := make([]any, 0, 7*len(chunk))
		for _, r := range chunk {
			args = append(args, r.ID, nullString(r.Key), r.Fingerprint, r.Recipient, r.Achievement, r.Format, nanos(now))
		}
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO ob_credentials(id, idem_key, fingerprint, recipient, achievement, format, reserved_at)
			VALUES `+tuples(len(chunk), 7)+` ON CONFLICT DO NOTHING`), args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != int64(len(chunk)) {
			return errSlowPath
		}
	}
	var alloc []any
	for i, r := range rs {
		c := &Credential{ID: r.ID, Key: r.Key, Fingerprint: r.Fingerprint, Recipient: r.Recipient,
			Achievement: r.Achievement, Format: r.Format, Reserved: reserved}
		for _, name := range r.Pools {
			e, err := s.next(ctx, tx, pools[name], now)
			if err != nil {
				return err
			}
			c.Status = append(c.Status, e)
			alloc = append(alloc, e.List, e.Index, r.ID)
		}
		out[i] = c
	}
	for chunk := range slices.Chunk(alloc, 3*maxRows) {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO ob_allocations(list_id, idx, credential_id, value) VALUES `+
			tuplesWith(len(chunk)/3, "(?, ?, ?, 0)")), chunk...); err != nil {
			return err
		}
	}
	return nil
}

// marks returns n groups of k placeholders separated by commas, e.g.
// "?, ?" for (2, 1).
func marks(n, k int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n*k), ", ")
}

// tuples returns n tuples of k placeholders: "(?, ?), (?, ?)".
func tuples(n, k int) string { return tuplesWith(n, "("+marks(1, k)+")") }

func tuplesWith(n int, tuple string) string {
	return strings.TrimSuffix(strings.Repeat(tuple+", ", n), ", ")
}

func (s *DB) reserveOne(ctx context.Context, tx *sql.Tx, r Reservation, id string, pools map[string]*poolState, now time.Time) (*Credential, error) {
	replay := func() (*Credential, error) {
		c, err := s.credential(ctx, tx, "idem_key", r.Key)
		if err != nil {
			return nil, err
		}
		if string(c.Fingerprint) != string(r.Fingerprint) {
			return nil, fmt.Errorf("%w: key %q", ErrKeyConflict, r.Key)
		}
		c.Replayed = true
		return c, nil
	}
	if r.Key != "" {
		c, err := replay()
		if !errors.Is(err, ErrNotFound) {
			return c, err
		}
	}
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO ob_credentials(id, idem_key, fingerprint, recipient, achievement, format, reserved_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
		id, nullString(r.Key), r.Fingerprint, r.Recipient, r.Achievement, r.Format, nanos(now))
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, err
	} else if n == 0 {
		if r.Key != "" {
			// Another transaction recorded the key first.
			if c, err := replay(); !errors.Is(err, ErrNotFound) {
				return c, err
			}
		}
		return nil, fmt.Errorf("%w: %q", ErrExists, id)
	}
	c := &Credential{ID: id, Key: r.Key, Fingerprint: r.Fingerprint, Recipient: r.Recipient,
		Achievement: r.Achievement, Format: r.Format, Reserved: time.Unix(0, nanos(now)).UTC()}
	cred := sql.NullString{String: id, Valid: true}
	for _, name := range r.Pools {
		e, err := s.allocate(ctx, tx, pools[name], cred, now)
		if err != nil {
			return nil, err
		}
		c.Status = append(c.Status, e)
	}
	for _, e := range r.Entries {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE ob_allocations SET credential_id = ? WHERE list_id = ? AND idx = ? AND credential_id IS NULL`),
			id, e.List, e.Index)
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n != 1 {
			return nil, fmt.Errorf("%w: %s index %d", ErrConflict, e.List, e.Index)
		}
		var got Entry
		var format int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT pool, purpose, format FROM ob_lists WHERE id = ?`), e.List).
			Scan(&got.Pool, &got.Purpose, &format); err != nil {
			return nil, err
		}
		got.List, got.Index, got.Format = e.List, e.Index, status.Format(format)
		c.Status = append(c.Status, got)
	}
	return c, nil
}

// Complete stores signed credentials (see [Credentials]). Concurrent calls
// are merged into one transaction (group commit).
func (s *DB) Complete(ctx context.Context, cs ...Completion) ([]Completed, error) {
	for i, c := range cs {
		if c.ID == "" || len(c.Signed) == 0 {
			return nil, fmt.Errorf("%w: completion %d has no id or no credential", ErrInvalid, i)
		}
	}
	if len(cs) == 0 {
		return nil, nil
	}
	return s.completes.do(ctx, slices.Clone(cs))
}

// completeTx stores completions in one transaction.
func (s *DB) completeTx(ctx context.Context, cs []Completion) ([]Completed, error) {
	out := make([]Completed, len(cs))
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := nanos(time.Now())
		stored := map[string]bool{}
		for i := 0; i < len(cs); {
			// A chunk of distinct ids, updated in one statement.
			seen := map[string]bool{}
			j := i
			for j < len(cs) && j-i < maxRows && !seen[cs[j].ID] {
				seen[cs[j].ID] = true
				j++
			}
			args := []any{now}
			for _, c := range cs[i:j] {
				args = append(args, c.ID, c.Signed)
			}
			rows, err := tx.QueryContext(ctx, s.q(`UPDATE ob_credentials AS c SET signed = v.column2, issued_at = ?
				FROM (VALUES `+tuplesWith(j-i, "(?"+s.d.castText+", ?"+s.d.castBlob+")")+`) AS v
				WHERE c.id = v.column1 AND c.signed IS NULL RETURNING id`), args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				stored[id] = true
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for k := i; k < j; k++ {
				c := cs[k]
				if stored[c.ID] {
					out[k] = Completed{ID: c.ID, Signed: c.Signed}
					delete(stored, c.ID) // a later completion of the id in this call is a replay
					continue
				}
				var signed []byte
				err := tx.QueryRowContext(ctx, s.q(`SELECT signed FROM ob_credentials WHERE id = ?`), c.ID).Scan(&signed)
				if errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("completion %d: %w: credential %q", k, ErrNotFound, c.ID)
				}
				if err != nil {
					return err
				}
				out[k] = Completed{ID: c.ID, Signed: signed, Replayed: true}
			}
			i = j
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Credential returns the credential recorded with id.
func (s *DB) Credential(ctx context.Context, id string) (*Credential, error) {
	var c *Credential
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		c, err = s.credential(ctx, tx, "id", id)
		return err
	})
	return c, err
}

// CredentialByKey returns the credential recorded with an idempotency key.
func (s *DB) CredentialByKey(ctx context.Context, key string) (*Credential, error) {
	if key == "" {
		return nil, fmt.Errorf("%w: empty key", ErrNotFound)
	}
	var c *Credential
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		c, err = s.credential(ctx, tx, "idem_key", key)
		return err
	})
	return c, err
}

// credential reads a credential and its entries; column is "id" or
// "idem_key".
func (s *DB) credential(ctx context.Context, tx *sql.Tx, column, value string) (*Credential, error) {
	c := &Credential{}
	var key sql.NullString
	var reserved, issued sql.NullInt64
	err := tx.QueryRowContext(ctx, s.q(`SELECT id, idem_key, fingerprint, recipient, achievement, format, reserved_at, issued_at, signed
		FROM ob_credentials WHERE `+column+` = ?`), value).
		Scan(&c.ID, &key, &c.Fingerprint, &c.Recipient, &c.Achievement, &c.Format, &reserved, &issued, &c.Signed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: credential %s %q", ErrNotFound, column, value)
	}
	if err != nil {
		return nil, err
	}
	c.Key, c.Reserved, c.Issued = key.String, fromNanos(reserved), fromNanos(issued)
	if len(c.Signed) == 0 {
		c.Signed = nil
	}
	if len(c.Fingerprint) == 0 {
		c.Fingerprint = nil
	}
	rows, err := tx.QueryContext(ctx, s.q(`SELECT l.pool, a.list_id, a.idx, l.purpose, l.format
		FROM ob_allocations a JOIN ob_lists l ON l.id = a.list_id WHERE a.credential_id = ? ORDER BY l.pool, a.list_id`), c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e Entry
		var format int
		if err := rows.Scan(&e.Pool, &e.List, &e.Index, &e.Purpose, &format); err != nil {
			return nil, err
		}
		e.Format = status.Format(format)
		c.Status = append(c.Status, e)
	}
	return c, rows.Err()
}

// ---- revocation ----

// SetStatus sets a credential's entry of purpose (see [Revocations]).
// Concurrent calls are merged into one transaction (group commit).
func (s *DB) SetStatus(ctx context.Context, credentialID, purpose string, set bool) (Change, error) {
	if purpose != status.PurposeRevocation && purpose != status.PurposeSuspension {
		return Change{}, fmt.Errorf("%w: purpose %q", ErrInvalid, purpose)
	}
	out, err := s.statuses.do(ctx, []statusChange{{credentialID, purpose, set}})
	if err != nil {
		return Change{}, err
	}
	return out[0], nil
}

// statusChange is one SetStatus call.
type statusChange struct {
	id, purpose string
	set         bool
}

// setStatusTx applies status changes in one transaction, in order.
func (s *DB) setStatusTx(ctx context.Context, in []statusChange) ([]Change, error) {
	out := make([]Change, len(in))
	err := s.write(ctx, func(tx *sql.Tx) error {
		for i, c := range in {
			ch, err := s.setStatusOne(ctx, tx, c.id, c.purpose, c.set)
			if err != nil {
				return err
			}
			out[i] = ch
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *DB) setStatusOne(ctx context.Context, tx *sql.Tx, credentialID, purpose string, set bool) (Change, error) {
	var ch Change
	var value int
	err := tx.QueryRowContext(ctx, s.q(`SELECT a.list_id, a.idx, a.value FROM ob_allocations a JOIN ob_lists l ON l.id = a.list_id
		WHERE a.credential_id = ? AND l.purpose = ? ORDER BY a.list_id`+s.d.forUpdate), credentialID, purpose).
		Scan(&ch.List, &ch.Index, &value)
	if errors.Is(err, sql.ErrNoRows) {
		var one int
		err := tx.QueryRowContext(ctx, s.q(`SELECT 1 FROM ob_credentials WHERE id = ?`), credentialID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return ch, fmt.Errorf("%w: credential %q", ErrNotFound, credentialID)
		}
		if err != nil {
			return ch, err
		}
		return ch, fmt.Errorf("%w: credential %q, purpose %s", ErrNoEntry, credentialID, purpose)
	}
	if err != nil {
		return ch, err
	}
	want := 0
	if set {
		want = 1
	}
	if value == want {
		return ch, tx.QueryRowContext(ctx, s.q(`SELECT version FROM ob_lists WHERE id = ?`), ch.List).Scan(&ch.Version)
	}
	if purpose == status.PurposeRevocation && !set {
		return ch, fmt.Errorf("%w: credential %q", ErrIrreversible, credentialID)
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE ob_allocations SET value = ? WHERE list_id = ? AND idx = ?`), want, ch.List, ch.Index); err != nil {
		return ch, err
	}
	ch.Changed = true
	return ch, tx.QueryRowContext(ctx, s.q(`UPDATE ob_lists SET version = version + 1 WHERE id = ? RETURNING version`), ch.List).Scan(&ch.Version)
}

// ---- lists ----

const listColumns = `id, pool, seq, purpose, format, entries, issuer, next, version, signed_version, signed, etag, signed_at`

func scanList(row interface{ Scan(...any) error }) (*List, error) {
	l := &List{}
	var format int
	var etag sql.NullString
	var signedAt sql.NullInt64
	if err := row.Scan(&l.ID, &l.Pool, &l.Seq, &l.Purpose, &format, &l.Entries, &l.Issuer, &l.Allocated,
		&l.Version, &l.SignedVersion, &l.Signed, &etag, &signedAt); err != nil {
		return nil, err
	}
	l.Format, l.ETag, l.SignedAt = status.Format(format), etag.String, fromNanos(signedAt)
	if len(l.Signed) == 0 {
		l.Signed = nil
	}
	return l, nil
}

// List returns a list as stored.
func (s *DB) List(ctx context.Context, id string) (*List, error) {
	l, err := scanList(s.db.QueryRowContext(ctx, s.q(`SELECT `+listColumns+` FROM ob_lists WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: list %q", ErrNotFound, id)
	}
	return l, fail(err)
}

// Stale returns the ids of the lists that need signing.
func (s *DB) Stale(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM ob_lists WHERE version > signed_version ORDER BY id`)
	if err != nil {
		return nil, fail(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fail(err)
		}
		ids = append(ids, id)
	}
	return ids, fail(rows.Err())
}

// Snapshot returns a list's set entries at its current version.
func (s *DB) Snapshot(ctx context.Context, id string) (*Snapshot, error) {
	snap := &Snapshot{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		// The version is read first: if a change lands between the two
		// reads (PostgreSQL), the entries are newer than the version, and
		// the list is signed again later; never the other way round.
		l, err := scanList(tx.QueryRowContext(ctx, s.q(`SELECT `+listColumns+` FROM ob_lists WHERE id = ?`), id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: list %q", ErrNotFound, id)
		}
		if err != nil {
			return err
		}
		snap.List = *l
		rows, err := tx.QueryContext(ctx, s.q(`SELECT idx FROM ob_allocations WHERE list_id = ? AND value <> 0 ORDER BY idx`), id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var i int
			if err := rows.Scan(&i); err != nil {
				return err
			}
			snap.Set = append(snap.Set, i)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return snap, nil
}

// ETag returns the entity tag of a signed list: a quoted SHA-256 prefix.
func ETag(signed []byte) string {
	sum := sha256.Sum256(signed)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// Publish stores a signed list credential (see [Lists]). A holder of ""
// skips the lease check (one process that signs alone).
func (s *DB) Publish(ctx context.Context, id, holder string, version int64, signed []byte) (string, error) {
	if len(signed) == 0 || version < 1 {
		return "", fmt.Errorf("%w: nothing to publish", ErrInvalid)
	}
	etag := ETag(signed)
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := time.Now()
		if holder != "" {
			var h string
			var exp int64
			err := tx.QueryRowContext(ctx, s.q(`SELECT holder, expires FROM ob_leases WHERE name = ?`+s.d.forUpdate), LeaseName(id)).Scan(&h, &exp)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && (h != holder || exp <= nanos(now))) {
				return fmt.Errorf("%w: %s", ErrLeaseLost, LeaseName(id))
			}
			if err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE ob_lists SET signed = ?, signed_version = ?, etag = ?, signed_at = ?
			WHERE id = ? AND signed_version < ? AND version >= ?`), signed, version, etag, nanos(now), id, version, version)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var v, sv int64
			err := tx.QueryRowContext(ctx, s.q(`SELECT version, signed_version FROM ob_lists WHERE id = ?`), id).Scan(&v, &sv)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("%w: list %q", ErrNotFound, id)
			}
			if err != nil {
				return err
			}
			if version > v {
				return fmt.Errorf("%w: list %q has no version %d (at %d)", ErrInvalid, id, version, v)
			}
			return fmt.Errorf("%w: list %q signed at version %d, not %d", ErrStale, id, sv, version)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return etag, nil
}

// ---- leases ----

// Acquire takes or renews a lease (see [Leases]).
func (s *DB) Acquire(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	if name == "" || holder == "" || ttl <= 0 {
		return false, fmt.Errorf("%w: lease %q for %q, ttl %v", ErrInvalid, name, holder, ttl)
	}
	var ok bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := time.Now()
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO ob_leases(name, holder, expires) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires = excluded.expires
			WHERE ob_leases.holder = excluded.holder OR ob_leases.expires <= ?`), name, holder, nanos(now.Add(ttl)), nanos(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		ok = n == 1
		return err
	})
	return ok, err
}

// Release gives a lease up, if holder has it.
func (s *DB) Release(ctx context.Context, name, holder string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`DELETE FROM ob_leases WHERE name = ? AND holder = ?`), name, holder)
		return err
	})
}
