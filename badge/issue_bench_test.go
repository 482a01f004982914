package badge_test

import (
	"context"
	"testing"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/vc"
)

// benchIssue issues a realistic badge (embedded issuer profile, achievement
// with type, image, alignment and tags, hashed e-mail recipient) with one
// shared Processor, as a server would.
func benchIssue(b *testing.B, f badge.Format) {
	iss := testIssuer(b, f)
	iss.Processor = vc.NewProcessor(nil)
	iss.Rand = nil // crypto/rand: ids differ per credential, as in production
	c := testCredential(b, iss)
	c.ID = ""
	ctx := context.Background()
	s, err := iss.Issue(ctx, c)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(s.Bytes())))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := iss.Issue(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIssueDataIntegrity(b *testing.B) { benchIssue(b, badge.DataIntegrity) }

func BenchmarkIssueJWT(b *testing.B) { benchIssue(b, badge.JWT) }

// BenchmarkNewCredential is the builder alone (one hashed identity, one id).
func BenchmarkNewCredential(b *testing.B) {
	iss := testIssuer(b, badge.DataIntegrity)
	p, a := iss.Profile("Example University"), testAchievement()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := badge.NewCredential(p, a, badge.RecipientEmail("learner@example.com"), nil); err != nil {
			b.Fatal(err)
		}
	}
}
