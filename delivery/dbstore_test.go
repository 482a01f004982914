package delivery_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/delivery"
	"github.com/openbadges-go/openbadges/store"
)

// storeBackend makes a fresh store, and a second handle on the same data
// (another process's view; the memory store returns itself).
type storeBackend struct {
	name  string
	fresh func(t *testing.T) (delivery.Store, func() delivery.Store)
}

func storeBackends() []storeBackend {
	db := func(dsn func(t *testing.T) string) func(t *testing.T) (delivery.Store, func() delivery.Store) {
		return func(t *testing.T) (delivery.Store, func() delivery.Store) {
			d := dsn(t)
			open := func() delivery.Store {
				s, err := store.Open(context.Background(), d)
				require.NoError(t, err)
				t.Cleanup(func() { s.Close() })
				ds := delivery.NewDBStore(s)
				ds.MaxNonces = 5
				return ds
			}
			return open(), open
		}
	}
	return []storeBackend{
		{"memory", func(t *testing.T) (delivery.Store, func() delivery.Store) {
			m := delivery.NewMemoryStore()
			return m, func() delivery.Store { return m }
		}},
		{"sqlite", db(func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "store.db") })},
		{"postgres", db(freshPostgres)},
	}
}

// freshPostgres returns the DSN of a new schema of the test database
// (OPENBADGES_POSTGRES_DSN; the test skips without it, unless
// OPENBADGES_POSTGRES=require), dropped at the end of the test.
func freshPostgres(t *testing.T) string {
	t.Helper()
	base := os.Getenv("OPENBADGES_POSTGRES_DSN")
	if base == "" {
		if os.Getenv("OPENBADGES_POSTGRES") == "require" {
			t.Fatal("OPENBADGES_POSTGRES=require but OPENBADGES_POSTGRES_DSN is unset")
		}
		t.Skip("PostgreSQL tests skipped: OPENBADGES_POSTGRES_DSN is unset (. .ci/postgres.sh sets it)")
	}
	cfg, err := pgx.ParseConfig(base)
	require.NoError(t, err)
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "obdeliv_" + hex.EncodeToString(b[:])
	_, err = db.ExecContext(context.Background(), "CREATE SCHEMA "+schema)
	require.NoError(t, err)
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

func testExchange(id, code string) *delivery.Exchange {
	now := time.Now().Truncate(time.Second).UTC()
	return &delivery.Exchange{
		ID: id, Learner: delivery.Learner{ID: "u1", Name: "Ada"},
		Achievement: badge.Achievement{ID: "https://example.edu/a/1", Name: "Badge"},
		Data:        map[string]string{"course": "c1"}, Created: now, Expires: now.Add(time.Hour),
		State: delivery.StatePending, Challenge: "ch-" + id, PreAuthorizedCode: code,
		Configurations: []string{"OpenBadgeCredential_ldp_vc"},
	}
}

func TestStoreConformance(t *testing.T) {
	for _, b := range storeBackends() {
		t.Run(b.name, func(t *testing.T) {
			t.Run("CreateGetFind", func(t *testing.T) {
				s, _ := b.fresh(t)
				ctx := t.Context()
				x := testExchange("x1", "code1")
				require.NoError(t, s.Create(ctx, x))
				got, err := s.Get(ctx, "x1")
				require.NoError(t, err)
				assert.Equal(t, x.Learner, got.Learner)
				assert.Equal(t, x.Data, got.Data)
				assert.Equal(t, x.Configurations, got.Configurations)
				assert.True(t, x.Expires.Equal(got.Expires))
				assert.Equal(t, delivery.StatePending, got.State)
				got, err = s.Find(ctx, delivery.ByPreAuthorizedCode, "code1")
				require.NoError(t, err)
				assert.Equal(t, "x1", got.ID)

				assert.ErrorIs(t, s.Create(ctx, testExchange("x1", "other")), delivery.ErrExists)
				assert.ErrorIs(t, s.Create(ctx, testExchange("x2", "code1")), delivery.ErrExists)
				require.NoError(t, s.Create(ctx, testExchange("x3", "")))
				require.NoError(t, s.Create(ctx, testExchange("x4", "")))
				_, err = s.Get(ctx, "nope")
				assert.ErrorIs(t, err, delivery.ErrNotFound)
				_, err = s.Find(ctx, delivery.ByPreAuthorizedCode, "nope")
				assert.ErrorIs(t, err, delivery.ErrNotFound)
				_, err = s.Find(ctx, delivery.ByAccessToken, "")
				assert.ErrorIs(t, err, delivery.ErrNotFound)
				_, err = s.Update(ctx, "nope", func(*delivery.Exchange) error { return nil })
				assert.ErrorIs(t, err, delivery.ErrNotFound)
			})
			t.Run("Update", func(t *testing.T) {
				s, other := b.fresh(t)
				ctx := t.Context()
				require.NoError(t, s.Create(ctx, testExchange("x1", "code1")))
				require.NoError(t, s.Create(ctx, testExchange("x2", "code2")))
				up, err := s.Update(ctx, "x1", func(e *delivery.Exchange) error {
					e.State, e.CodeUsed, e.AccessToken = delivery.StateActive, true, "tok1"
					e.ID = "renamed" // ignored
					return nil
				})
				require.NoError(t, err)
				assert.Equal(t, "x1", up.ID)
				assert.Equal(t, "tok1", up.AccessToken)
				got, err := other().Find(ctx, delivery.ByAccessToken, "tok1")
				require.NoError(t, err)
				assert.Equal(t, "x1", got.ID)
				assert.Equal(t, delivery.StateActive, got.State)

				boom := errors.New("boom")
				_, err = s.Update(ctx, "x1", func(e *delivery.Exchange) error {
					e.State = delivery.StateInvalid
					return boom
				})
				assert.Equal(t, boom, err, "f's error is returned as it is")
				got, err = s.Get(ctx, "x1")
				require.NoError(t, err)
				assert.Equal(t, delivery.StateActive, got.State, "a failed update changes nothing")

				_, err = s.Update(ctx, "x2", func(e *delivery.Exchange) error { e.AccessToken = "tok1"; return nil })
				assert.ErrorIs(t, err, delivery.ErrExists)
				_, err = s.Update(ctx, "x1", func(e *delivery.Exchange) error { e.AccessToken = "tok2"; return nil })
				require.NoError(t, err)
				_, err = s.Find(ctx, delivery.ByAccessToken, "tok1")
				assert.ErrorIs(t, err, delivery.ErrNotFound)
				_, err = s.Find(ctx, delivery.ByAccessToken, "tok2")
				require.NoError(t, err)
			})
			t.Run("ConcurrentClaimOnce", func(t *testing.T) {
				s, other := b.fresh(t)
				ctx := t.Context()
				require.NoError(t, s.Create(ctx, testExchange("x1", "")))
				stores := []delivery.Store{s, other()}
				errClaimed := errors.New("claimed")
				var wg sync.WaitGroup
				var mu sync.Mutex
				wins := 0
				for i := range 8 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						_, err := stores[i%2].Update(ctx, "x1", func(e *delivery.Exchange) error {
							if e.Issuing {
								return errClaimed
							}
							e.Issuing = true
							return nil
						})
						if err == nil {
							mu.Lock()
							wins++
							mu.Unlock()
						} else {
							assert.ErrorIs(t, err, errClaimed)
						}
					}()
				}
				wg.Wait()
				assert.Equal(t, 1, wins)
			})
			t.Run("Nonces", func(t *testing.T) {
				s, other := b.fresh(t)
				ctx := t.Context()
				now := time.Now()
				require.NoError(t, s.AddNonce(ctx, "n1", now.Add(time.Minute)))
				assert.ErrorIs(t, s.AddNonce(ctx, "n1", now.Add(time.Minute)), delivery.ErrExists)
				require.NoError(t, s.AddNonce(ctx, "n2", now.Add(time.Minute)))
				require.NoError(t, other().UseNonce(ctx, "n1", now))
				assert.ErrorIs(t, s.UseNonce(ctx, "n1", now), delivery.ErrNotFound, "single use")
				assert.ErrorIs(t, s.UseNonce(ctx, "n2", now.Add(2*time.Minute)), delivery.ErrNotFound, "expired")
				assert.ErrorIs(t, s.UseNonce(ctx, "n2", now), delivery.ErrNotFound, "an expired nonce is gone")
				assert.ErrorIs(t, s.UseNonce(ctx, "never", now), delivery.ErrNotFound)
			})
		})
	}
}

// TestDBStoreNonceBound checks the nonces are bounded across processes,
// and that expired ones make room.
func TestDBStoreNonceBound(t *testing.T) {
	for _, b := range storeBackends()[1:] {
		t.Run(b.name, func(t *testing.T) {
			s, other := b.fresh(t)
			o := other()
			ctx := t.Context()
			now := time.Now()
			s.(*delivery.DBStore).Now = func() time.Time { return now }
			o.(*delivery.DBStore).Now = func() time.Time { return now }
			for i := range 5 {
				st := []delivery.Store{s, o}[i%2]
				require.NoError(t, st.AddNonce(ctx, "n"+string(rune('a'+i)), now.Add(time.Duration(i+1)*time.Minute)))
			}
			assert.ErrorIs(t, s.AddNonce(ctx, "more", now.Add(time.Hour)), delivery.ErrFull)
			assert.ErrorIs(t, o.AddNonce(ctx, "more", now.Add(time.Hour)), delivery.ErrFull)
			now = now.Add(90 * time.Second) // "na" expired
			require.NoError(t, s.AddNonce(ctx, "more", now.Add(time.Hour)))
			assert.ErrorIs(t, o.AddNonce(ctx, "again", now.Add(time.Hour)), delivery.ErrFull)
			require.NoError(t, o.UseNonce(ctx, "more", now))
			require.NoError(t, o.AddNonce(ctx, "again", now.Add(time.Hour)))
		})
	}
}

// TestDBStoreSharedService: two services (two processes) on one database
// serve the same exchanges: one creates, the other finds and claims it.
func TestDBStoreSharedService(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "store.db")
	open := func() *delivery.DBStore {
		s, err := store.Open(t.Context(), dsn)
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return delivery.NewDBStore(s)
	}
	a, b := open(), open()
	x := testExchange("shared", "c-shared")
	require.NoError(t, a.Create(t.Context(), x))
	got, err := b.Find(t.Context(), delivery.ByPreAuthorizedCode, "c-shared")
	require.NoError(t, err)
	assert.Equal(t, "shared", got.ID)
	_, err = b.Update(t.Context(), "shared", func(e *delivery.Exchange) error { e.State = delivery.StateComplete; return nil })
	require.NoError(t, err)
	got, err = a.Get(t.Context(), "shared")
	require.NoError(t, err)
	assert.Equal(t, delivery.StateComplete, got.State)
}
