package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/openbadges-go/openbadges/store"
)

// DBStore is the [Store] on the issuer store ([store.DB], SQLite or
// PostgreSQL): exchanges and nonces outlive the process, and several
// processes sharing the database serve the same exchanges (an exchange
// created by one can be collected through another). Update locks the
// exchange's row for its transaction, so an exchange is claimed once
// across processes. Exchanges are kept as JSON.
type DBStore struct {
	db *store.DB
	// Retain is how long an exchange is kept after it expired (0: an
	// hour), so that a late request is told it expired, not unknown.
	Retain time.Duration
	// Now is the clock of the clean-up (nil = time.Now); give it the
	// clock the Service has.
	Now func() time.Time
	// MaxNonces bounds the unexpired nonces kept, shared by all the
	// processes (0: [MaxNonces]).
	MaxNonces int

	creates atomic.Int64 // since this process started, for the sweep
}

// NewDBStore returns the store of exchanges in db. db stays the caller's
// to close.
func NewDBStore(db *store.DB) *DBStore { return &DBStore{db: db} }

func (d *DBStore) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *DBStore) retain() time.Duration {
	if d.Retain > 0 {
		return d.Retain
	}
	return time.Hour
}

// dbErr maps the issuer store's errors to this package's.
func dbErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%w (%w)", ErrNotFound, err)
	case errors.Is(err, store.ErrExists):
		return fmt.Errorf("%w (%w)", ErrExists, err)
	case errors.Is(err, store.ErrFull):
		return fmt.Errorf("%w (%w)", ErrFull, err)
	}
	return err
}

func toDoc(e *Exchange) (store.ExchangeDoc, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return store.ExchangeDoc{}, err
	}
	return store.ExchangeDoc{ID: e.ID, Code: e.PreAuthorizedCode, Token: e.AccessToken, Expires: e.Expires, Doc: b}, nil
}

func fromDoc(d store.ExchangeDoc) (*Exchange, error) {
	var e Exchange
	if err := json.Unmarshal(d.Doc, &e); err != nil {
		return nil, fmt.Errorf("delivery: exchange %q in the store: %w", d.ID, err)
	}
	e.ID = d.ID
	return &e, nil
}

// Create implements [Store]. Every so many creations, exchanges expired
// for longer than Retain are removed.
func (d *DBStore) Create(ctx context.Context, e *Exchange) error {
	if d.creates.Add(1)%sweepEvery == 1 {
		if _, err := d.db.ExchangeSweep(ctx, d.now().Add(-d.retain())); err != nil {
			return dbErr(err)
		}
	}
	doc, err := toDoc(e)
	if err != nil {
		return err
	}
	return dbErr(d.db.ExchangeCreate(ctx, doc))
}

// Get implements [Store].
func (d *DBStore) Get(ctx context.Context, id string) (*Exchange, error) {
	doc, err := d.db.ExchangeGet(ctx, id)
	if err != nil {
		return nil, dbErr(err)
	}
	return fromDoc(doc)
}

// Find implements [Store].
func (d *DBStore) Find(ctx context.Context, by Lookup, value string) (*Exchange, error) {
	var key string
	switch by {
	case ByPreAuthorizedCode:
		key = store.ExchangeByCode
	case ByAccessToken:
		key = store.ExchangeByToken
	default:
		return nil, ErrNotFound
	}
	doc, err := d.db.ExchangeFind(ctx, key, value)
	if err != nil {
		return nil, dbErr(err)
	}
	return fromDoc(doc)
}

// Update implements [Store]: f runs in the transaction that holds the
// exchange's row (it may run again if the database aborts the
// transaction, always on the stored value).
func (d *DBStore) Update(ctx context.Context, id string, f func(e *Exchange) error) (*Exchange, error) {
	var out *Exchange
	_, err := d.db.ExchangeUpdate(ctx, id, func(cur store.ExchangeDoc) (store.ExchangeDoc, error) {
		e, err := fromDoc(cur)
		if err != nil {
			return store.ExchangeDoc{}, err
		}
		if err := f(e); err != nil {
			return store.ExchangeDoc{}, err
		}
		e.ID = cur.ID
		out = e
		return toDoc(e)
	})
	if err != nil {
		return nil, dbErr(err)
	}
	return copyExchange(out), nil
}

// AddNonce implements [Store].
func (d *DBStore) AddNonce(ctx context.Context, nonce string, expires time.Time) error {
	limit := d.MaxNonces
	if limit <= 0 {
		limit = MaxNonces
	}
	return dbErr(d.db.NonceAdd(ctx, nonce, expires, d.now(), limit))
}

// UseNonce implements [Store].
func (d *DBStore) UseNonce(ctx context.Context, nonce string, now time.Time) error {
	return dbErr(d.db.NonceUse(ctx, nonce, now))
}
