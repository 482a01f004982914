package presentation_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/presentation"
)

// BenchmarkVerifyPresentation verifies a presentation of 10 credentials
// (the holder proof over all of them, then each credential's pipeline).
func BenchmarkVerifyPresentation(b *testing.B) {
	ctx := context.Background()
	holder := newParty(b, 9, badge.DataIntegrity)
	uni := newParty(b, 1, badge.DataIntegrity)
	var creds [][]byte
	for i := range 10 {
		creds = append(creds, issueTo(b, uni, badge.RecipientDID(holder.key.Controller), fmt.Sprintf("https://example.edu/a/%d", i)))
	}
	vp, err := presentation.Sign(ctx, holder.pk, creds, signOpts())
	if err != nil {
		b.Fatal(err)
	}
	o := options(b, badgeVerifier(b))
	b.SetBytes(int64(len(vp)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := presentation.VerifyPresentation(ctx, vp, o); err != nil {
			b.Fatal(err)
		}
	}
}
