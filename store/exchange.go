package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrFull: [DB.NonceAdd] found as many unexpired nonces as it may keep.
var ErrFull = errors.New("store: too many outstanding nonces")

// ExchangeDoc is a wallet delivery exchange as the store keeps it: an
// opaque document (the delivery package's JSON) with the keys it is found
// by. The store never reads Doc.
type ExchangeDoc struct {
	// ID is the primary key.
	ID string
	// Code and Token are unique secondary keys ("" = none).
	Code, Token string
	// Expires is when the exchange expires; [DB.ExchangeSweep] removes
	// exchanges by it.
	Expires time.Time
	// Doc is the document.
	Doc []byte
}

// Secondary keys of [DB.ExchangeFind].
const (
	ExchangeByCode  = "code"
	ExchangeByToken = "token"
)

// ExchangeCreate records a new exchange ([ErrExists] if its id, code or
// token is taken).
func (s *DB) ExchangeCreate(ctx context.Context, d ExchangeDoc) error {
	if d.ID == "" {
		return fmt.Errorf("%w: exchange without id", ErrInvalid)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO ob_exchanges (id, code, token, expires, doc)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
			d.ID, nullString(d.Code), nullString(d.Token), nanos(d.Expires), d.Doc)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("%w: exchange %q (id, code or token taken)", ErrExists, d.ID)
		}
		return nil
	})
}

func scanExchange(row *sql.Row, d *ExchangeDoc) error {
	var code, token sql.NullString
	var exp sql.NullInt64
	if err := row.Scan(&d.ID, &code, &token, &exp, &d.Doc); err != nil {
		return err
	}
	d.Code, d.Token, d.Expires = code.String, token.String, fromNanos(exp)
	return nil
}

// ExchangeGet returns the exchange with id ([ErrNotFound]).
func (s *DB) ExchangeGet(ctx context.Context, id string) (ExchangeDoc, error) {
	return s.exchangeBy(ctx, "id", id)
}

// ExchangeFind returns the exchange whose [ExchangeByCode] or
// [ExchangeByToken] is value ([ErrNotFound]).
func (s *DB) ExchangeFind(ctx context.Context, by, value string) (ExchangeDoc, error) {
	if by != ExchangeByCode && by != ExchangeByToken {
		return ExchangeDoc{}, fmt.Errorf("%w: exchange key %q", ErrInvalid, by)
	}
	return s.exchangeBy(ctx, by, value)
}

func (s *DB) exchangeBy(ctx context.Context, column, value string) (ExchangeDoc, error) {
	var d ExchangeDoc
	if value == "" {
		return d, fmt.Errorf("%w: exchange with empty %s", ErrNotFound, column)
	}
	err := s.read(ctx, func(tx *sql.Tx) error {
		err := scanExchange(tx.QueryRowContext(ctx, s.q(`SELECT id, code, token, expires, doc
			FROM ob_exchanges WHERE `+column+` = ?`), value), &d)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: exchange %s %q", ErrNotFound, column, value)
		}
		return err
	})
	return d, err
}

// ExchangeUpdate applies f to the stored exchange with id in one write
// transaction with its row locked (FOR UPDATE on PostgreSQL; SQLite's
// write transactions are exclusive), so that concurrent updates, from
// this process or others sharing the database, see each other's result.
// What f returns is stored (its ID is kept) when f returns nil; f's error
// is returned as it is, and nothing is changed. A new code or token taken
// by another exchange gives [ErrExists]. f may run more than once (a
// transaction the database aborted is retried), always on the stored
// value.
func (s *DB) ExchangeUpdate(ctx context.Context, id string, f func(ExchangeDoc) (ExchangeDoc, error)) (ExchangeDoc, error) {
	var out ExchangeDoc
	var ferr error
	errAbort := errors.New("aborted by the update function")
	err := s.write(ctx, func(tx *sql.Tx) error {
		ferr = nil
		var cur ExchangeDoc
		err := scanExchange(tx.QueryRowContext(ctx, s.q(`SELECT id, code, token, expires, doc
			FROM ob_exchanges WHERE id = ?`+s.d.forUpdate), id), &cur)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: exchange %q", ErrNotFound, id)
		}
		if err != nil {
			return err
		}
		next, err := f(cur)
		if err != nil {
			ferr = err
			return errAbort
		}
		next.ID = cur.ID
		for _, k := range []struct{ column, old, new string }{
			{ExchangeByCode, cur.Code, next.Code}, {ExchangeByToken, cur.Token, next.Token},
		} {
			if k.new == k.old || k.new == "" {
				continue
			}
			var one int
			err := tx.QueryRowContext(ctx, s.q(`SELECT 1 FROM ob_exchanges WHERE `+k.column+` = ? AND id <> ?`), k.new, id).Scan(&one)
			if err == nil {
				return fmt.Errorf("%w: exchange %s", ErrExists, k.column)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE ob_exchanges SET code = ?, token = ?, expires = ?, doc = ? WHERE id = ?`),
			nullString(next.Code), nullString(next.Token), nanos(next.Expires), next.Doc, id); err != nil {
			return err
		}
		out = next
		return nil
	})
	if ferr != nil {
		return ExchangeDoc{}, ferr
	}
	if err != nil {
		return ExchangeDoc{}, err
	}
	return out, nil
}

// ExchangeSweep removes the exchanges that expired before t, and returns
// how many.
func (s *DB) ExchangeSweep(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM ob_exchanges WHERE expires < ?`), nanos(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// NonceAdd records nonce, valid until expires: [ErrExists] if it is
// recorded already, [ErrFull] if limit (> 0) unexpired nonces are recorded
// at now. Nonces expired at now are removed first.
func (s *DB) NonceAdd(ctx context.Context, nonce string, expires, now time.Time, limit int) error {
	var full, taken bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		full, taken = false, false
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM ob_nonces WHERE expires < ?`), nanos(now)); err != nil {
			return err
		}
		if limit > 0 {
			if s.d.name == "postgres" {
				// Serialize the count and the insert across processes (a
				// row lock cannot lock rows not yet inserted).
				if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(4735061181190512498)`); err != nil {
					return err
				}
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ob_nonces`).Scan(&n); err != nil {
				return err
			}
			if n >= limit {
				full = true
				return nil
			}
		}
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO ob_nonces (nonce, expires) VALUES (?, ?) ON CONFLICT DO NOTHING`),
			nonce, nanos(expires))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		taken = n == 0
		return err
	})
	switch {
	case err != nil:
		return err
	case full:
		return ErrFull
	case taken:
		return fmt.Errorf("%w: nonce", ErrExists)
	}
	return nil
}

// NonceUse consumes nonce: [ErrNotFound] if it is unknown, used already,
// or expired at now (an expired nonce is removed all the same).
func (s *DB) NonceUse(ctx context.Context, nonce string, now time.Time) error {
	var exp int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.q(`DELETE FROM ob_nonces WHERE nonce = ? RETURNING expires`), nonce).Scan(&exp)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: nonce", ErrNotFound)
		}
		return err
	})
	if err != nil {
		return err
	}
	if nanos(now) > exp {
		return fmt.Errorf("%w: nonce expired", ErrNotFound)
	}
	return nil
}
