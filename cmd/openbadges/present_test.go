package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
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

	base := []string{"verify-presentation", "--offline", "--now", "2025-03-01T12:00:00Z"}
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

// presentStatusFixture issues, with the CLI, a badge to a holder with a
// credentialStatus entry (index 7 of a new revocation list, which it
// writes), and presents it; it returns the files and the list URL.
func presentStatusFixture(t *testing.T) (issuerKey, list, listURL, vp string) {
	t.Helper()
	dir := t.TempDir()
	writeKey := func(name string, seed byte) (string, *did.Key) {
		k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{seed}, 32))
		require.NoError(t, err)
		kb, err := k.MarshalJWK()
		require.NoError(t, err)
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, kb, 0o600))
		return p, k
	}
	issuerKey, issuer := writeKey("issuer.json", 1)
	holderKey, holder := writeKey("holder.json", 9)
	listURL = "https://example.edu/status/1"
	list = filepath.Join(dir, "list.json")
	code, _, errOut := runCLI(t, "", "status", "create", "--key", issuerKey, "--url", listURL, "-o", list)
	require.Equal(t, exitOK, code, errOut)

	sample, err := os.ReadFile("sample/badge.json")
	require.NoError(t, err)
	cred := strings.NewReplacer(
		`"ISSUER"`, `"`+issuer.Controller+`"`,
		`"VALID_FROM"`, `"`+time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)+`", "credentialStatus": {"id": "`+listURL+`#7", "type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "7", "statusListCredential": "`+listURL+`"}`,
		`"did:example:learner-8f2b"`, `"`+holder.Controller+`"`,
	).Replace(string(sample))
	credFile := filepath.Join(dir, "cred.json")
	require.NoError(t, os.WriteFile(credFile, []byte(cred), 0o600))
	code, signed, errOut := runCLI(t, "", "issue", "--key", issuerKey, credFile)
	require.Equal(t, exitOK, code, errOut)
	require.NoError(t, os.WriteFile(credFile, []byte(signed), 0o600))

	code, out, errOut := runCLI(t, "", "present", "--key", holderKey, "--challenge", "abc", "--domain", "jobs.example", credFile)
	require.Equal(t, exitOK, code, errOut)
	vp = filepath.Join(dir, "vp.json")
	require.NoError(t, os.WriteFile(vp, []byte(out), 0o600))
	return issuerKey, list, listURL, vp
}

// verify-presentation checks the status of the credentials it carries:
// from --status-list files (with or without --offline; no network here,
// the file serves its URL), failing closed without one offline, and
// finding a revoked credential.
func TestVerifyPresentationChecksStatusLists(t *testing.T) {
	issuerKey, list, listURL, vp := presentStatusFixture(t)
	base := []string{"verify-presentation", "--challenge", "abc", "--domain", "jobs.example"}
	for _, tt := range []struct {
		name  string
		args  []string
		code  int
		lines []string
	}{
		{"offline, the list from a file", []string{"--offline", "--status-list", listURL + "=" + list}, exitOK,
			[]string{": VERIFIED", "  [ok  ] credentials"}},
		{"online, the file serves the list's URL", []string{"--status-list", listURL + "=" + list}, exitOK,
			[]string{": VERIFIED", "  [ok  ] credentials"}},
		{"offline without the list: status unknown", []string{"--offline"}, exitInvalid,
			[]string{": NOT VERIFIED", "  [FAIL] credentials", ": NOT VERIFIED", "    [FAIL] status"}},
		{"status skipped", []string{"--offline", "--skip-status"}, exitOK,
			[]string{": VERIFIED"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", append(append(base, tt.args...), vp)...)
			assert.Equal(t, tt.code, code, "%s%s", out, errOut)
			for _, want := range tt.lines {
				assert.Contains(t, out, want)
			}
		})
	}

	code, _, errOut := runCLI(t, "", "status", "set", "--key", issuerKey, "--list", list, "--index", "7")
	require.Equal(t, exitOK, code, errOut)
	code, out, _ := runCLI(t, "", append(base, "--offline", "--status-list", listURL+"="+list, vp)...)
	assert.Equal(t, exitInvalid, code, out)
	assert.Contains(t, out, "    [FAIL] status")
	assert.Contains(t, out, "revoked")

	code, _, errOut = runCLI(t, "", append(base, "--status-list", listURL+"="+list+".missing", vp)...)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errOut, "--status-list")
	code, _, _ = runCLI(t, "", append(base, "--status-list", "nofile", vp)...)
	assert.Equal(t, exitUsage, code)
}

// verify and verify-presentation print their checks in one style: a
// status mark in brackets, the check id in a column, then the detail.
func TestVerifyPresentationPrintsChecksAsVerifyDoes(t *testing.T) {
	_, list, listURL, vp := presentStatusFixture(t)
	code, out, errOut := runCLI(t, "", "verify-presentation", "--offline", "--challenge", "abc", "--domain", "jobs.example",
		"--status-list", listURL+"="+list, vp)
	require.Equal(t, exitOK, code, out+errOut)
	lines := strings.Split(out, "\n")
	assert.Equal(t, vp+": VERIFIED", lines[0])
	for _, id := range []string{"parse", "structure", "holder_proof", "challenge", "domain", "credentials", "holder_binding"} {
		// "  [ok  ] id", then the detail, if any, in the column verify uses.
		mark := "  [ok  ] " + id
		found := false
		for _, l := range lines {
			if l == mark || strings.HasPrefix(l, mark+strings.Repeat(" ", 17-len(id))) && l[len(mark)+17-len(id)] != ' ' {
				found = true
			}
		}
		assert.True(t, found, "no check line for %s in\n%s", id, out)
	}
}
