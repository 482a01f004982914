package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

func TestPresentAndVerifyPresentation(t *testing.T) {
	dir := t.TempDir()
	now := func() time.Time { return time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) }
	holder, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{9}, 32))
	require.NoError(t, err)
	kb, err := holder.MarshalJWK()
	require.NoError(t, err)
	keyFile := filepath.Join(dir, "holder.json")
	require.NoError(t, os.WriteFile(keyFile, kb, 0o600))

	uni, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{1}, 32))
	require.NoError(t, err)
	iss := &badge.Issuer{Key: proof.Key{Signer: uni.Signer, VerificationMethod: uni.ID}, Now: now}
	var files []string
	for i, f := range []badge.Format{badge.DataIntegrity, badge.JWT} {
		iss.Format = f
		c, err := badge.NewCredential(iss.Profile("Example University"),
			badge.NewAchievement("https://example.edu/a/"+f.String(), "Go", "Writes Go.", "Pass."),
			badge.RecipientDID(holder.Controller), &badge.CredentialOptions{Now: now})
		require.NoError(t, err)
		s, err := iss.Issue(context.Background(), c)
		require.NoError(t, err)
		p := filepath.Join(dir, "cred"+string(rune('0'+i)))
		require.NoError(t, os.WriteFile(p, s.Bytes(), 0o600))
		files = append(files, p)
	}

	args := append([]string{"present", "--key", keyFile, "--challenge", "abc", "--domain", "jobs.example", "--now", "2025-03-01T12:00:00Z"}, files...)
	code, vp, errOut := runCLI(t, "", args...)
	require.Equal(t, exitOK, code, errOut)
	vpFile := filepath.Join(dir, "vp.json")
	require.NoError(t, os.WriteFile(vpFile, []byte(vp), 0o600))

	base := []string{"verify-presentation", "--now", "2025-03-01T12:00:00Z"}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"verified", []string{"--challenge", "abc", "--domain", "jobs.example", vpFile}, exitOK, "VERIFIED"},
		{"wrong challenge", []string{"--challenge", "xyz", "--domain", "jobs.example", vpFile}, exitInvalid, "challenge mismatch"},
		{"wrong domain", []string{"--challenge", "abc", "--domain", "evil.example", vpFile}, exitInvalid, "domain"},
		{"no challenge given", []string{"--domain", "jobs.example", vpFile}, exitUsage, ""},
		{"no file", []string{"--challenge", "abc", "--domain", "jobs.example"}, exitUsage, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", append(base, tc.args...)...)
			assert.Equal(t, tc.code, code, "%s%s", out, errOut)
			assert.Contains(t, out, tc.want)
		})
	}

	code, out, errOut := runCLI(t, "", append(base, "--json", "--challenge", "abc", "--domain", "jobs.example", vpFile)...)
	require.Equal(t, exitOK, code, errOut)
	var res map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	assert.Equal(t, true, res["verified"])
	assert.Len(t, res["credentials"], 2)

	code, _, _ = runCLI(t, "", "present", "--key", keyFile, "--domain", "d", files[0])
	assert.Equal(t, exitUsage, code)
}
