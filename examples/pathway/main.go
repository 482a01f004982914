// Command pathway shows a stackable pathway end to end: two issuers award
// three micro-credentials (one of them an elective), the learner's progress
// is evaluated after each one, and when the pathway is complete the
// certificate is issued, bundled with its components in a CLR, and both
// are verified. Everything runs offline with did:key issuers.
package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/pathway"
	"github.com/openbadges-go/openbadges/proof"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pathway:", err)
		os.Exit(1)
	}
}

const learner = "did:example:learner-42"

func issuer(seed byte, name string, now func() time.Time) (*badge.Issuer, badge.Profile, error) {
	k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	if err != nil {
		return nil, badge.Profile{}, err
	}
	iss := &badge.Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, Now: now}
	return iss, iss.Profile(name), nil
}

func run(ctx context.Context, w io.Writer) error {
	clock := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	uni, uniProf, err := issuer(11, "Example University", now)
	if err != nil {
		return err
	}
	corp, corpProf, err := issuer(12, "Example Corp", now)
	if err != nil {
		return err
	}
	sql := badge.NewAchievement("https://example.edu/achievements/sql", "SQL Fundamentals", "Querying relational data.", "Pass the SQL assessment.")
	stats := badge.NewAchievement("https://example.edu/achievements/stats", "Applied Statistics", "Statistics for analysts.", "Pass the statistics assessment.")
	python := badge.NewAchievement("https://example.com/achievements/python", "Python for Data", "Python for data work.", "Complete the Python project.")
	viz := badge.NewAchievement("https://example.com/achievements/viz", "Data Visualization", "Charts that inform.", "Complete the visualization project.")
	goal := badge.NewAchievement("https://example.edu/achievements/data-analyst", "Data Analyst Certificate", "Stacked certificate.", "SQL, then Statistics, and one elective.")
	goal.AchievementType = badge.AchievementType("Certificate")
	p := &pathway.Pathway{
		ID: "https://example.edu/pathways/data-analyst", Type: pathway.TypePathway, Name: "Data Analyst",
		Goal: goal, Achievements: []badge.Achievement{sql, stats, python, viz},
		Requirement: pathway.Node{Type: pathway.AllOf, Requirements: []pathway.Node{
			{Key: "core", Type: pathway.Sequence, Requirements: []pathway.Node{
				{Type: pathway.Requirement, Achievement: sql.ID, Issuers: []string{uniProf.ID}},
				{Type: pathway.Requirement, Achievement: stats.ID, Issuers: []string{uniProf.ID}},
			}},
			{Key: "elective", Type: pathway.AtLeast, Min: 1, Requirements: []pathway.Node{
				{Type: pathway.Requirement, Achievement: python.ID, Issuers: []string{corpProf.ID}},
				{Type: pathway.Requirement, Achievement: viz.ID, Issuers: []string{corpProf.ID}},
			}},
		}},
	}
	if err := p.Validate(); err != nil {
		return err
	}
	verifier, err := badge.NewVerifier(badge.VerifierOptions{Now: now})
	if err != nil {
		return err
	}
	steps := []struct {
		iss  *badge.Issuer
		prof badge.Profile
		ach  badge.Achievement
	}{{uni, uniProf, sql}, {corp, corpProf, python}, {uni, uniProf, stats}}
	var creds [][]byte
	var results []*badge.VerificationResult
	var prog *pathway.Progress
	for i, s := range steps {
		clock = clock.Add(7 * 24 * time.Hour)
		c, err := badge.NewCredential(s.prof, s.ach, badge.RecipientDID(learner), &badge.CredentialOptions{Now: now, ID: fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-00000000000%d", i+1)})
		if err != nil {
			return err
		}
		signed, err := s.iss.Issue(ctx, c)
		if err != nil {
			return err
		}
		res, err := verifier.Verify(ctx, signed.Bytes())
		if err != nil {
			return fmt.Errorf("badge %s: %w", s.ach.Name, err)
		}
		creds = append(creds, signed.Bytes())
		results = append(results, res)
		prog, err = pathway.Evaluate(p, results, &pathway.Options{Subject: learner})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "after %-18s (%s): %3.0f%% complete=%v next=%v\n", s.ach.Name, s.prof.Name, prog.Fraction*100, prog.Complete, prog.Next)
	}
	cert, err := pathway.Complete(ctx, uni, p, prog, badge.RecipientDID(learner), &pathway.CompleteOptions{
		IssuerName: "Example University", Credential: &badge.CredentialOptions{Now: now, ID: "urn:uuid:00000000-0000-4000-8000-0000000000c1"}})
	if err != nil {
		return err
	}
	res, err := verifier.Verify(ctx, cert.Bytes())
	if err != nil {
		return fmt.Errorf("certificate: %w", err)
	}
	fmt.Fprintf(w, "certificate %s verified=%v evidence=%d\n", res.Badge.CredentialSubject.Achievement.Name, res.Verified, res.Badge.Evidence.Len())
	rec, err := pathway.Bundle(p, uniProf, learner, append([][]byte{cert.Bytes()}, creds...), &clr.Options{Now: now, ID: "urn:uuid:00000000-0000-4000-8000-0000000000d1"})
	if err != nil {
		return err
	}
	signedCLR, err := (&clr.Issuer{Key: uni.Key, Now: now}).Issue(ctx, rec)
	if err != nil {
		return err
	}
	bv, err := badge.NewVerifier(badge.VerifierOptions{Now: now})
	if err != nil {
		return err
	}
	cv, err := clr.NewVerifier(clr.VerifierOptions{Badges: bv})
	if err != nil {
		return err
	}
	cres, err := cv.Verify(ctx, signedCLR.JSON)
	if err != nil {
		return fmt.Errorf("CLR: %w", err)
	}
	fmt.Fprintf(w, "CLR verified=%v credentials=%d associations=%d\n", cres.Verified, len(cres.Nested), len(rec.CredentialSubject.Association))
	return nil
}
