package pathway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/pathway"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)

func now() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) }

const learner = "did:example:learner-42"

type party struct {
	id     string
	prof   badge.Profile
	issuer *badge.Issuer
	key    *did.Key
}

func newParty(t testing.TB, seed byte, name string) party {
	t.Helper()
	k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	require.NoError(t, err)
	return party{id: k.Controller, prof: badge.NewProfile(k.Controller, name), key: k,
		// AllowExpired: the fixture includes an expired credential (which
		// evaluation must not count).
		issuer: &badge.Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, Now: now, AllowExpired: true}}
}

type fixture struct {
	uni, corp, other party
	p                *pathway.Pathway
	raw              []byte
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{uni: newParty(t, 1, "Example University"), corp: newParty(t, 2, "Example Corp"), other: newParty(t, 3, "Diploma Mill")}
	b, err := os.ReadFile("testdata/data-cert.json")
	require.NoError(t, err)
	b = bytes.ReplaceAll(b, []byte("ISSUER_UNI"), []byte(f.uni.id))
	b = bytes.ReplaceAll(b, []byte("ISSUER_CORP"), []byte(f.corp.id))
	f.raw = b
	f.p, err = pathway.Parse(b)
	require.NoError(t, err)
	require.NoError(t, f.p.Validate())
	return f
}

type issueOpt struct {
	at         time.Time
	validUntil time.Time
	status     bool
	subject    string
}

func (f *fixture) issue(t testing.TB, by party, achID string, o issueOpt) []byte {
	t.Helper()
	var ach badge.Achievement
	for _, a := range f.p.Achievements {
		if a.ID == achID {
			ach = a
		}
	}
	if ach.ID == "" {
		ach = badge.NewAchievement(achID, "X", "X", "X")
	}
	if o.subject == "" {
		o.subject = learner
	}
	c, err := badge.NewCredential(by.prof, ach, badge.RecipientDID(o.subject), &badge.CredentialOptions{
		Now: now, ValidFrom: o.at, ValidUntil: o.validUntil, ID: fmt.Sprintf("urn:uuid:%08x-0000-4000-8000-%012x", o.at.Unix()%1e8, len(achID)+int(by.id[len(by.id)-1]))})
	require.NoError(t, err)
	if o.status {
		c.CredentialStatus = badge.One(badge.CredentialStatus{ID: "https://status.example/list#7", Type: "BitstringStatusListEntry", Extra: map[string]json.RawMessage{
			"statusPurpose": json.RawMessage(`"revocation"`), "statusListIndex": json.RawMessage(`"7"`), "statusListCredential": json.RawMessage(`"https://status.example/list"`)}})
	}
	s, err := by.issuer.Issue(context.Background(), c)
	require.NoError(t, err)
	return s.Bytes()
}

// revoker says every status entry is revoked.
var revoker = vc.StatusCheckerFunc(func(ctx context.Context, c *vc.Credential, e map[string]any) (*vc.StatusResult, error) {
	return &vc.StatusResult{Type: "BitstringStatusListEntry", Purpose: "revocation", Index: 7, Value: 1, Outcome: vc.StatusRevoked}, vc.ErrRevoked
})

func verifyAll(t testing.TB, creds ...[]byte) []*badge.VerificationResult {
	t.Helper()
	v, err := badge.NewVerifier(badge.VerifierOptions{Now: now, Status: revoker})
	require.NoError(t, err)
	var out []*badge.VerificationResult
	for _, c := range creds {
		r, _ := v.Verify(context.Background(), c)
		out = append(out, r)
	}
	return out
}

const (
	sql    = "https://example.edu/achievements/sql"
	stats  = "https://example.edu/achievements/stats"
	python = "https://example.com/achievements/python"
	viz    = "https://example.com/achievements/viz"
)

func node(p *pathway.Progress, id string) pathway.NodeProgress {
	for _, n := range p.Nodes {
		if n.Key == id {
			return n
		}
	}
	return pathway.NodeProgress{}
}

func TestEvaluate(t *testing.T) {
	f := newFixture(t)
	day := 24 * time.Hour
	cSQL := f.issue(t, f.uni, sql, issueOpt{at: t0})
	cStats := f.issue(t, f.uni, stats, issueOpt{at: t0.Add(10 * day)})
	cPy := f.issue(t, f.corp, python, issueOpt{at: t0.Add(20 * day)})
	tests := []struct {
		name     string
		creds    [][]byte
		complete bool
		fraction float64
		next     []string
		check    func(t *testing.T, p *pathway.Progress)
	}{
		{name: "nothing", fraction: 0, check: func(t *testing.T, p *pathway.Progress) {
			assert.Equal(t, []string{python, viz, sql}, p.Next, "stats waits for sql")
		}},
		{name: "sql", creds: [][]byte{cSQL}, fraction: 0.2778, check: func(t *testing.T, p *pathway.Progress) {
			assert.Equal(t, []string{python, viz, stats}, p.Next)
			assert.True(t, node(p, "sql").Satisfied)
			assert.False(t, node(p, "core").Satisfied)
		}},
		{name: "sql+stats", creds: [][]byte{cSQL, cStats}, fraction: 0.5556},
		{name: "complete", creds: [][]byte{cSQL, cStats, cPy}, complete: true, fraction: 1, check: func(t *testing.T, p *pathway.Progress) {
			assert.Empty(t, p.Next)
			assert.Len(t, p.Used, 3)
			assert.Equal(t, 9.0, sumCredits(p))
		}},
		{name: "revoked component does not count", creds: [][]byte{cSQL, f.issue(t, f.uni, stats, issueOpt{at: t0.Add(10 * day), status: true}), cPy}, fraction: 0.7222, check: func(t *testing.T, p *pathway.Progress) {
			assert.False(t, node(p, "stats").Satisfied)
			assert.Contains(t, excluded(p), "status check failed")
		}},
		{name: "expired component does not count", creds: [][]byte{cSQL, f.issue(t, f.uni, stats, issueOpt{at: t0.Add(10 * day), validUntil: t0.Add(30 * day)}), cPy}, fraction: 0.7222, check: func(t *testing.T, p *pathway.Progress) {
			assert.Contains(t, excluded(p), "validity_period check failed")
		}},
		{name: "issuer not accepted", creds: [][]byte{cSQL, f.issue(t, f.other, stats, issueOpt{at: t0.Add(10 * day)}), cPy}, fraction: 0.8333, check: func(t *testing.T, p *pathway.Progress) {
			st := node(p, "stats")
			assert.False(t, st.Satisfied)
			assert.Contains(t, strings.Join(st.Missing, "\n"), "is not accepted")
			assert.True(t, node(p, "credits").Satisfied, "the credits node accepts any issuer")
		}},
		{name: "sequence order enforced", creds: [][]byte{f.issue(t, f.uni, sql, issueOpt{at: t0.Add(15 * day)}), cStats, cPy}, fraction: 0.8333, check: func(t *testing.T, p *pathway.Progress) {
			st := node(p, "stats")
			assert.False(t, st.Satisfied)
			assert.Contains(t, strings.Join(st.Missing, "\n"), "before its predecessor")
			assert.Equal(t, []string{stats}, p.Next)
		}},
		{name: "another learner's badge", creds: [][]byte{cSQL, cStats, f.issue(t, f.corp, python, issueOpt{at: t0.Add(20 * day), subject: "did:example:someone-else"})}, fraction: 0.5556, check: func(t *testing.T, p *pathway.Progress) {
			assert.Contains(t, excluded(p), "is not the learner")
		}},
		{name: "elective alternative", creds: [][]byte{cSQL, cStats, f.issue(t, f.corp, viz, issueOpt{at: t0.Add(3 * day)})}, complete: true, fraction: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := pathway.Evaluate(f.p, verifyAll(t, tt.creds...), &pathway.Options{Subject: learner})
			require.NoError(t, err)
			assert.Equal(t, tt.complete, p.Complete)
			assert.InDelta(t, tt.fraction, p.Fraction, 0.0001)
			if tt.check != nil {
				tt.check(t, p)
			}
			// Deterministic: the same input in reverse order gives the same JSON.
			rev := make([][]byte, len(tt.creds))
			for i := range tt.creds {
				rev[i] = tt.creds[len(tt.creds)-1-i]
			}
			p2, err := pathway.Evaluate(f.p, verifyAll(t, rev...), &pathway.Options{Subject: learner})
			require.NoError(t, err)
			a, _ := json.Marshal(p)
			b, _ := json.Marshal(p2)
			assert.JSONEq(t, string(a), string(b))
		})
	}
}

func sumCredits(p *pathway.Progress) float64 {
	s := 0.0
	for _, c := range p.Credentials {
		if c.Excluded == "" {
			s += c.Credits
		}
	}
	return s
}

func excluded(p *pathway.Progress) string {
	var s []string
	for _, c := range p.Credentials {
		s = append(s, c.Excluded)
	}
	return strings.Join(s, "\n")
}

func TestValidateRejects(t *testing.T) {
	base := func() *pathway.Pathway {
		return &pathway.Pathway{ID: "https://x.example/p", Type: pathway.TypePathway,
			Goal:         badge.NewAchievement("https://x.example/goal", "Goal", "Goal", "Goal"),
			Achievements: []badge.Achievement{badge.NewAchievement("https://x.example/a", "A", "A", "A"), badge.NewAchievement("https://x.example/b", "B", "B", "B")},
		}
	}
	req := func(id string) pathway.Node { return pathway.Node{Type: pathway.Requirement, Achievement: id} }
	tests := []struct {
		name string
		edit func(p *pathway.Pathway)
		is   error
		path string
	}{
		{"unknown achievement", func(p *pathway.Pathway) {
			p.Requirement = pathway.Node{Type: pathway.AllOf, Requirements: []pathway.Node{req("https://x.example/a"), req("https://x.example/nope")}}
		}, pathway.ErrUnknownAchievement, "$.requirement.requirements[1].achievement"},
		{"at least more than options", func(p *pathway.Pathway) {
			p.Requirement = pathway.Node{Type: pathway.AtLeast, Min: 3, Requirements: []pathway.Node{req("https://x.example/a"), req("https://x.example/b")}}
		}, pathway.ErrUnsatisfiable, "$.requirement"},
		{"empty all-of", func(p *pathway.Pathway) { p.Requirement = pathway.Node{Type: pathway.AllOf} }, pathway.ErrUnsatisfiable, "$.requirement"},
		{"too many credits", func(p *pathway.Pathway) {
			p.Achievements[0].CreditsAvailable = "2"
			p.Achievements[1].CreditsAvailable = "3"
			p.Requirement = pathway.Node{Type: pathway.MinCredits, MinCredits: "6", Requirements: []pathway.Node{req("https://x.example/a"), req("https://x.example/b")}}
		}, pathway.ErrUnsatisfiable, "$.requirement"},
		{"goal requires itself", func(p *pathway.Pathway) {
			p.Requirement = pathway.Node{Type: pathway.AllOf, Requirements: []pathway.Node{req("https://x.example/a"), req("https://x.example/goal")}}
		}, pathway.ErrCycle, "pathway https://x.example/p at $.requirement.requirements[1]"},
		{"cycle through sub-pathways", func(p *pathway.Pathway) {
			p.Requirement = pathway.Node{Type: pathway.SubPathway, Pathway: "https://x.example/q"}
			p.Pathways = []pathway.Pathway{
				{ID: "https://x.example/q", Goal: badge.NewAchievement("https://x.example/qg", "Q", "Q", "Q"), Requirement: pathway.Node{Type: pathway.SubPathway, Pathway: "https://x.example/r"}},
				{ID: "https://x.example/r", Goal: badge.NewAchievement("https://x.example/rg", "R", "R", "R"), Requirement: pathway.Node{Type: pathway.SubPathway, Pathway: "https://x.example/q"}},
			}
		}, pathway.ErrCycle, "pathway https://x.example/q -> https://x.example/r -> https://x.example/q"},
		{"unknown pathway", func(p *pathway.Pathway) {
			p.Requirement = pathway.Node{Type: pathway.SubPathway, Pathway: "https://x.example/none"}
		}, pathway.ErrUnknownPathway, "$.requirement.pathway"},
		{"unknown node type", func(p *pathway.Pathway) { p.Requirement = pathway.Node{Type: "AnyOf"} }, pathway.ErrInvalid, "$.requirement.type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base()
			tt.edit(p)
			err := p.Validate()
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.is)
			assert.ErrorIs(t, err, pathway.ErrInvalid)
			var de *pathway.DefinitionError
			require.ErrorAs(t, err, &de)
			var paths []string
			for _, pr := range de.Problems {
				paths = append(paths, pr.Path)
			}
			assert.Contains(t, paths, tt.path)
			_, err = pathway.Evaluate(p, nil, nil)
			assert.ErrorIs(t, err, tt.is, "Evaluate validates first")
		})
	}
}

func TestDefinitionFormats(t *testing.T) {
	f := newFixture(t)
	require.NoError(t, pathway.CheckSchema(f.raw))
	require.NoError(t, pathway.CheckJSONLD(context.Background(), nil, f.p))
	assert.ErrorIs(t, pathway.CheckSchema([]byte(`{"id":"x","type":"Pathway","goal":{"id":"g"},"requirement":{"type":"AtLeast"}}`)), pathway.ErrInvalid)
	// Round trip.
	out, err := f.p.MarshalIndent()
	require.NoError(t, err)
	p2, err := pathway.Parse(out)
	require.NoError(t, err)
	out2, err := p2.MarshalIndent()
	require.NoError(t, err)
	assert.Equal(t, string(out), string(out2))
	for name, in := range map[string]string{
		"duplicate key":  `{"id":"a","id":"b"}`,
		"unknown member": `{"id":"a","requirement":{"type":"AllOf","bogus":1}}`,
		"trailing":       `{"id":"a"} {}`,
	} {
		_, err := pathway.Parse([]byte(in))
		assert.ErrorIs(t, err, pathway.ErrMalformed, name)
	}
	deep := strings.Repeat(`{"type":"AllOf","requirements":[`, 40) + `{"type":"AllOf"}` + strings.Repeat(`]}`, 40)
	_, err = pathway.Parse([]byte(`{"id":"a","type":"Pathway","goal":{"id":"g"},"requirement":` + deep + `}`))
	assert.ErrorIs(t, err, pathway.ErrLimit)
}

// TestToAssociations shows what the CLR mapping keeps and what it cannot
// carry.
func TestToAssociations(t *testing.T) {
	f := newFixture(t)
	m := pathway.ToAssociations(f.p)
	var got []string
	for _, a := range m.Associations {
		got = append(got, fmt.Sprintf("%s %s %s", a.SourceID, a.AssociationType, a.TargetID))
	}
	goal := "https://example.edu/achievements/data-analyst"
	assert.Equal(t, []string{
		sql + " precedes " + stats,
		sql + " isPartOf " + goal,
		stats + " isPartOf " + goal,
		python + " isPeerOf " + viz,
		python + " isPartOf " + goal,
		viz + " isPartOf " + goal,
	}, got)
	assert.Equal(t, []string{
		"$.requirement.requirements[0].requirements[0]: accepted issuers [" + f.uni.id + "]",
		"$.requirement.requirements[0].requirements[1]: accepted issuers [" + f.uni.id + "]",
		"$.requirement.requirements[1].requirements[0]: accepted issuers [" + f.corp.id + "]",
		"$.requirement.requirements[1].requirements[1]: accepted issuers [" + f.corp.id + "]",
		"$.requirement.requirements[1]: at least 1 of 2 (associations list the options, not how many)",
		"$.requirement.requirements[2]: minimum of 9 credits",
	}, m.Lost)
	assert.Len(t, m.Achievements, 5)
}

func TestCompleteAndBundle(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	creds := [][]byte{
		f.issue(t, f.uni, sql, issueOpt{at: t0}),
		f.issue(t, f.uni, stats, issueOpt{at: t0.Add(48 * time.Hour)}),
		f.issue(t, f.corp, viz, issueOpt{at: t0.Add(72 * time.Hour)}),
	}
	prog, err := pathway.Evaluate(f.p, verifyAll(t, creds[:2]...), nil)
	require.NoError(t, err)
	_, err = pathway.Complete(ctx, f.uni.issuer, f.p, prog, badge.RecipientDID(learner), nil)
	assert.ErrorIs(t, err, pathway.ErrNotComplete)

	prog, err = pathway.Evaluate(f.p, verifyAll(t, creds...), nil)
	require.NoError(t, err)
	require.True(t, prog.Complete)
	cert, err := pathway.Complete(ctx, f.uni.issuer, f.p, prog, badge.RecipientDID(learner), &pathway.CompleteOptions{IssuerName: "Example University", Credential: &badge.CredentialOptions{Now: now}})
	require.NoError(t, err)
	res := verifyAll(t, cert.Bytes())[0]
	require.True(t, res.Verified, "%v", res.Failed())
	assert.Equal(t, "https://example.edu/achievements/data-analyst", res.Badge.CredentialSubject.Achievement.ID)
	assert.Equal(t, 3, res.Badge.Evidence.Len())
	assert.Equal(t, "9", string(res.Badge.CredentialSubject.CreditsEarned))
	for _, ev := range res.Badge.Evidence.Values {
		assert.Contains(t, prog.Used, ev.ID)
	}

	rec, err := pathway.Bundle(f.p, f.uni.prof, learner, append([][]byte{cert.Bytes()}, creds...), &clr.Options{Now: now})
	require.NoError(t, err)
	s, err := (&clr.Issuer{Key: f.uni.issuer.Key, Now: now}).Issue(ctx, rec)
	require.NoError(t, err)
	bv, err := badge.NewVerifier(badge.VerifierOptions{Now: now})
	require.NoError(t, err)
	v, err := clr.NewVerifier(clr.VerifierOptions{Badges: bv})
	require.NoError(t, err)
	cr, err := v.Verify(ctx, s.JSON)
	require.NoError(t, err)
	assert.Len(t, cr.Nested, 4)
	assert.Equal(t, badge.Passed, cr.Check(clr.CheckAssociations).Status)
}
