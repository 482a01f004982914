package badge_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

// benchBatch issues b.N credentials in one batch (DIDs and hashed e-mail
// addresses, a status index each, one worker per CPU: run with -cpu 2 for
// the two-core figure) and reports credentials per second.
func benchBatch(b *testing.B, f badge.Format) {
	bt := testBatch(b, f)
	bt.Issuer.Processor = vc.NewProcessor(nil)
	list, err := status.NewList(status.ListOptions{ID: batchListURL, Entries: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	bt.Status = list
	b.ReportAllocs()
	b.ResetTimer()
	p, err := bt.Run(context.Background(), items(b.N), func(r *badge.BatchResult) error { return r.Err })
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(p.Done)/b.Elapsed().Seconds(), "credentials/s")
}

func BenchmarkBatchDataIntegrity(b *testing.B) { benchBatch(b, badge.DataIntegrity) }

func BenchmarkBatchJWT(b *testing.B) { benchBatch(b, badge.JWT) }

// BenchmarkBatchDataIntegrityJournal is BenchmarkBatchDataIntegrity with
// a Reserve that appends each group of reservations to a file and fsyncs
// it, as issue --batch does: the cost of never signing an unrecorded
// credential. It reports fsyncs per credential too (groups form while an
// fsync runs, so fewer than one).
func BenchmarkBatchDataIntegrityJournal(b *testing.B) {
	bt := testBatch(b, badge.DataIntegrity)
	bt.Issuer.Processor = vc.NewProcessor(nil)
	list, err := status.NewList(status.ListOptions{ID: batchListURL, Entries: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	bt.Status = list
	f, err := os.Create(filepath.Join(b.TempDir(), "journal"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	syncs := 0
	var line []byte
	bt.Reserve = func(_ context.Context, rs []*badge.BatchResult) error {
		line = line[:0]
		for _, r := range rs {
			line = fmt.Appendf(line, "{\"row\":%d,\"id\":%q,\"statusIndex\":%d}\n", r.Item.Row, r.Reservation.ID, r.Reservation.StatusIndex)
		}
		if _, err := f.Write(line); err != nil {
			return err
		}
		syncs++
		return f.Sync()
	}
	b.ReportAllocs()
	b.ResetTimer()
	p, err := bt.Run(context.Background(), items(b.N), func(r *badge.BatchResult) error { return r.Err })
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(p.Done)/b.Elapsed().Seconds(), "credentials/s")
	b.ReportMetric(float64(syncs)/float64(max(p.Done, 1)), "fsyncs/credential")
}
