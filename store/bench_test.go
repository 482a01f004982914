package store

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

// Benchmarks (figures in the commit messages and the report of issue #19):
//
//	go test -run '^$' -bench . -benchtime 3s ./store/
//
// with OPENBADGES_POSTGRES_DSN set for the PostgreSQL rows. Each reports
// credentials (or revocations) per second as creds/s (revs/s).

func benchStore(b *testing.B, bk backend) *DB {
	b.Helper()
	s := openT(b, bk.fresh(b))
	withPools(b, s, Pool{Name: "rev", BaseURL: "https://example.edu/status/rev-"},
		Pool{Name: "sus", BaseURL: "https://example.edu/status/sus-", Purpose: status.PurposeSuspension})
	return s
}

func perSecond(b *testing.B, n int64, unit string) {
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), unit)
}

// BenchmarkReserve is allocation throughput: a reservation with one
// revocation index per credential, from 16 goroutines, one reservation
// per call (a server) or 64 per call (a batch).
func BenchmarkReserve(b *testing.B) {
	for _, bk := range backends() {
		for _, batch := range []int{1, 64} {
			b.Run(fmt.Sprintf("%s/batch=%d", bk.name, batch), func(b *testing.B) {
				s := benchStore(b, bk)
				ctx := context.Background()
				var n atomic.Int64
				b.SetParallelism(8) // 16 goroutines on 2 cores
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					rs := make([]Reservation, batch)
					for pb.Next() {
						for i := range rs {
							rs[i] = Reservation{Recipient: "r", Achievement: "a", Format: "ldp_vc", Pools: []string{"rev"}}
						}
						if _, err := s.Reserve(ctx, rs...); err != nil {
							b.Error(err)
							return
						}
						n.Add(int64(batch))
					}
				})
				perSecond(b, n.Load(), "creds/s")
			})
		}
	}
}

// BenchmarkRevoke is revocation throughput: SetStatus on distinct
// credentials from 16 goroutines.
func BenchmarkRevoke(b *testing.B) {
	for _, bk := range backends() {
		b.Run(bk.name, func(b *testing.B) {
			s := benchStore(b, bk)
			ctx := context.Background()
			// Enough credentials for the run, reserved in batches.
			var ids []string
			var mu sync.Mutex
			next := 0
			take := func() string {
				mu.Lock()
				defer mu.Unlock()
				for next >= len(ids) {
					rs := make([]Reservation, 512)
					for i := range rs {
						rs[i] = Reservation{Recipient: "r", Pools: []string{"rev"}}
					}
					cs, err := s.Reserve(ctx, rs...)
					if err != nil {
						b.Fatal(err)
					}
					for _, c := range cs {
						ids = append(ids, c.ID)
					}
				}
				next++
				return ids[next-1]
			}
			for range 1024 {
				take()
			}
			next = 0
			var n atomic.Int64
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := s.SetStatus(ctx, take(), status.PurposeRevocation, true); err != nil {
						b.Error(err)
						return
					}
					n.Add(1)
				}
			})
			perSecond(b, n.Load(), "revs/s")
		})
	}
}

// BenchmarkIssueWithStore issues real badges (eddsa-rdfc-2022, hashed
// e-mail recipient) with a revocation entry from each store, against the
// storeless library path in the same run: "none" builds and signs only;
// "server" reserves (with an idempotency key), signs and completes each
// credential on its own (one request each, 64 at once, merged by the
// store's group commit); "batch"
// reserves and completes 64 at a time around parallel signing. x-none is
// the throughput as a fraction of the storeless path's, measured in the
// same process just before.
func BenchmarkIssueWithStore(b *testing.B) {
	key, err := did.GenerateKey(did.AlgEd25519, rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	iss := &badge.Issuer{Key: proof.Key{Signer: key.Signer, VerificationMethod: key.ID}, Processor: vc.NewProcessor(nil)}
	profile := iss.Profile("Example University")
	ach := badge.NewAchievement("https://example.edu/achievements/teamwork", "Teamwork", "Works well in a team.", "Peers and staff.")
	ctx := context.Background()
	issueOne := func(recipient, id string, e *Entry) ([]byte, error) {
		c, err := badge.NewCredential(profile, ach, badge.RecipientEmail(recipient), nil)
		if err != nil {
			return nil, err
		}
		if id != "" {
			c.ID = id
		}
		if e != nil {
			raw, _ := json.Marshal(e.Status())
			var cs badge.CredentialStatus
			if err := json.Unmarshal(raw, &cs); err != nil {
				return nil, err
			}
			c.CredentialStatus = badge.One(cs)
		}
		s, err := iss.Issue(ctx, c)
		if err != nil {
			return nil, err
		}
		return s.Bytes(), nil
	}
	if _, err := issueOne("a@example.org", "", &Entry{List: "https://example.edu/status/rev-1", Index: 5, Purpose: "revocation"}); err != nil {
		b.Fatal(err)
	}
	var base float64 // storeless creds/s of the last "none" run
	parallelism := 4 // goroutines per CPU
	run := func(b *testing.B, work func(worker int, k *int) error, per int) {
		var n atomic.Int64
		var w atomic.Int32
		b.SetParallelism(parallelism)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			id := int(w.Add(1))
			k := 0
			for pb.Next() {
				if err := work(id, &k); err != nil {
					b.Error(err)
					return
				}
				n.Add(int64(per))
			}
		})
		rate := float64(n.Load()) / b.Elapsed().Seconds()
		b.ReportMetric(rate, "creds/s")
		if base > 0 && per > 0 && !strings.HasPrefix(b.Name(), "BenchmarkIssueWithStore/none") {
			b.ReportMetric(rate/base, "x-none")
		}
	}
	b.Run(fmt.Sprintf("none/cpus=%d", runtime.GOMAXPROCS(0)), func(b *testing.B) {
		run(b, func(_ int, _ *int) error {
			_, err := issueOne("ada@example.org", "", nil)
			return err
		}, 1)
		base = float64(b.N) / b.Elapsed().Seconds()
	})
	for _, bk := range backends() {
		b.Run(bk.name+"/server/clients=64", func(b *testing.B) {
			parallelism = 64 / runtime.GOMAXPROCS(0)
			defer func() { parallelism = 4 }()
			s := benchStore(b, bk)
			prefix := fmt.Sprint(time.Now().UnixNano())
			run(b, func(worker int, k *int) error {
				*k++
				key := fmt.Sprintf("%s-%d-%d", prefix, worker, *k)
				cs, err := s.Reserve(ctx, Reservation{Key: key, Recipient: "ada", Achievement: ach.ID, Format: "ldp_vc", Pools: []string{"rev"}})
				if err != nil {
					return err
				}
				signed, err := issueOne("ada@example.org", cs[0].ID, &cs[0].Status[0])
				if err != nil {
					return err
				}
				_, err = s.Complete(ctx, Completion{ID: cs[0].ID, Signed: signed})
				return err
			}, 1)
		})
		b.Run(bk.name+"/batch=64", func(b *testing.B) {
			s := benchStore(b, bk)
			const group = 64
			workers := runtime.GOMAXPROCS(0)
			run(b, func(_ int, _ *int) error {
				rs := make([]Reservation, group)
				for i := range rs {
					rs[i] = Reservation{Recipient: "ada", Achievement: ach.ID, Format: "ldp_vc", Pools: []string{"rev"}}
				}
				cs, err := s.Reserve(ctx, rs...)
				if err != nil {
					return err
				}
				comps := make([]Completion, group)
				var wg sync.WaitGroup
				errs := make([]error, workers)
				for w := range workers {
					wg.Go(func() {
						for i := w; i < group; i += workers {
							signed, err := issueOne("ada@example.org", cs[i].ID, &cs[i].Status[0])
							if err != nil {
								errs[w] = err
								return
							}
							comps[i] = Completion{ID: cs[i].ID, Signed: signed}
						}
					})
				}
				wg.Wait()
				for _, err := range errs {
					if err != nil {
						return err
					}
				}
				_, err = s.Complete(ctx, comps...)
				return err
			}, group)
		})
	}
}
