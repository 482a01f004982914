package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/pathway"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPathwayCommand(t *testing.T) {
	dir := t.TempDir()
	k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{5}, 32))
	require.NoError(t, err)
	keyJSON, err := k.MarshalJWK()
	require.NoError(t, err)
	keyFile := filepath.Join(dir, "key.jwk")
	require.NoError(t, os.WriteFile(keyFile, keyJSON, 0o600))
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return at }
	achs := []badge.Achievement{
		badge.NewAchievement("https://example.edu/a/1", "One", "One", "One"),
		badge.NewAchievement("https://example.edu/a/2", "Two", "Two", "Two"),
	}
	p := &pathway.Pathway{ID: "https://example.edu/pathways/p", Name: "Two steps",
		Goal:         badge.NewAchievement("https://example.edu/a/goal", "Goal", "Goal", "Goal"),
		Achievements: achs,
		Requirement: pathway.Node{Type: pathway.Sequence, Requirements: []pathway.Node{
			{Type: pathway.Requirement, Achievement: achs[0].ID}, {Type: pathway.Requirement, Achievement: achs[1].ID}}}}
	def, err := p.MarshalIndent()
	require.NoError(t, err)
	pf := filepath.Join(dir, "p.json")
	require.NoError(t, os.WriteFile(pf, def, 0o600))

	code, out, _ := runCLI(t, "", "pathway", "check", "--pathway", pf)
	assert.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "valid")

	p.Requirement.Requirements[1].Achievement = p.Goal.ID
	bad, _ := p.MarshalIndent()
	bf := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bf, bad, 0o600))
	code, out, _ = runCLI(t, "", "pathway", "check", "--pathway", bf)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, out, "cycle")
	assert.Contains(t, out, "$.requirement.requirements[1]")

	iss := &badge.Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, Now: now}
	var files []string
	for i, a := range achs {
		c, err := badge.NewCredential(iss.Profile("Example"), a, badge.RecipientDID("did:example:l"), &badge.CredentialOptions{Now: now, ValidFrom: at.Add(time.Duration(i-5) * time.Hour)})
		require.NoError(t, err)
		s, err := iss.Issue(context.Background(), c)
		require.NoError(t, err)
		f := filepath.Join(dir, a.Name+".json")
		require.NoError(t, os.WriteFile(f, s.Bytes(), 0o600))
		files = append(files, f)
	}
	code, out, _ = runCLI(t, "", "pathway", "eval", "--pathway", pf, "--now", "2026-03-01T00:00:00Z", files[0])
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, out, "in progress, 50%")
	assert.Contains(t, out, "next: https://example.edu/a/2")

	code, out, _ = runCLI(t, "", append([]string{"pathway", "eval", "--json", "--pathway", pf, "--now", "2026-03-01T00:00:00Z"}, files...)...)
	assert.Equal(t, exitOK, code)
	var prog pathway.Progress
	require.NoError(t, json.Unmarshal([]byte(out), &prog))
	assert.True(t, prog.Complete)

	outFile := filepath.Join(dir, "goal.json")
	code, _, errOut := runCLI(t, "", append([]string{"pathway", "eval", "--pathway", pf, "--now", "2026-03-01T00:00:00Z", "--issue", "--key", keyFile, "--out", outFile}, files...)...)
	require.Equal(t, exitOK, code, errOut)
	goal, err := os.ReadFile(outFile)
	require.NoError(t, err)
	v, err := badge.NewVerifier(badge.VerifierOptions{Now: now})
	require.NoError(t, err)
	res, err := v.Verify(context.Background(), goal)
	require.NoError(t, err)
	assert.Equal(t, p.Goal.ID, res.Badge.CredentialSubject.Achievement.ID)
	assert.Equal(t, 2, res.Badge.Evidence.Len())

	code, _, _ = runCLI(t, "", "pathway", "eval", "--pathway", pf)
	assert.Equal(t, exitUsage, code)
}
