package pathway_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/pathway"
	"github.com/openbadges-go/openbadges/vc"
)

// bigPathway has 50 nodes: an all-of over 7 groups (sequences and
// at-least-3-of-6 electives) of 6 achievement requirements each.
func bigPathway() *pathway.Pathway {
	p := &pathway.Pathway{ID: "https://x.example/big", Type: pathway.TypePathway, Goal: badge.NewAchievement("https://x.example/goal", "Goal", "Goal", "Goal")}
	root := pathway.Node{Type: pathway.AllOf}
	for g := range 7 {
		grp := pathway.Node{Type: pathway.Sequence}
		if g%2 == 1 {
			grp = pathway.Node{Type: pathway.AtLeast, Min: 3}
		}
		for i := range 6 {
			id := fmt.Sprintf("https://x.example/a/%d/%d", g, i)
			p.Achievements = append(p.Achievements, badge.NewAchievement(id, id, id, id))
			grp.Requirements = append(grp.Requirements, pathway.Node{Type: pathway.Requirement, Achievement: id, Issuers: []string{"did:example:i1", "did:example:i2"}})
		}
		root.Requirements = append(root.Requirements, grp)
	}
	p.Requirement = root
	return p
}

// results builds n verified results (evaluation only; no signatures).
func results(b *testing.B, n int) []*badge.VerificationResult {
	out := make([]*badge.VerificationResult, 0, n)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		id := fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", i)
		c, err := vc.Parse([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"` + id + `"}`))
		if err != nil {
			b.Fatal(err)
		}
		ach := badge.NewAchievement(fmt.Sprintf("https://x.example/a/%d/%d", i%7, (i/7)%7), "A", "A", "A")
		out = append(out, &badge.VerificationResult{Verified: true, Credential: c, Issuer: fmt.Sprintf("did:example:i%d", 1+i%3),
			Badge: &badge.AchievementCredential{ID: id, ValidFrom: badge.NewDateTime(base.Add(time.Duration(i) * time.Hour)),
				CredentialSubject: badge.AchievementSubject{ID: "did:example:l", Achievement: &ach}}})
	}
	return out
}

// BenchmarkEvaluate50x200 evaluates a 50-node pathway against 200
// verified credentials (validation included; verification is not).
func BenchmarkEvaluate50x200(b *testing.B) {
	p := bigPathway()
	rs := results(b, 200)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pathway.Evaluate(p, rs, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate50 validates the 50-node definition alone.
func BenchmarkValidate50(b *testing.B) {
	p := bigPathway()
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}
