package badge_test

import (
	"context"
	"testing"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/vc"
	"github.com/openbadges-go/openbadges/vc/status"
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
