package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clrRecordFixture issues the sample badge (about did:example:learner-8f2b)
// with the fixture's key and returns a function writing a ClrCredential of
// that issuer holding it, edited by edit.
func clrRecordFixture(t *testing.T) (keyPath string, write func(name string, edit func(string) string) string) {
	t.Helper()
	keyPath, controller, writeBadge := sampleIssueFixture(t)
	code, signedBadge, errOut := runCLI(t, "", "issue", "--key", keyPath, writeBadge("badge.json", same))
	require.Equal(t, exitOK, code, errOut)
	record := `{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],` +
		`"id":"urn:uuid:5f0c2d4e-8a7b-4c3d-9e1f-2a3b4c5d6e71","type":["VerifiableCredential","ClrCredential"],"name":"My CLR",` +
		`"issuer":{"id":"` + controller + `","type":["Profile"],"name":"Example Community College"},"validFrom":"2024-01-01T00:00:00Z",` +
		`"credentialSubject":{"id":"did:example:learner-8f2b","type":["ClrSubject"],"verifiableCredential":[` + strings.TrimSpace(signedBadge) + `]}}`
	dir := t.TempDir()
	write = func(name string, edit func(string) string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(edit(record)), 0o600))
		return p
	}
	return keyPath, write
}

// A ClrCredential that passes the record checks is signed, and verify
// accepts it.
func TestIssueSignsAClrRecordVerifyAccepts(t *testing.T) {
	keyPath, write := clrRecordFixture(t)
	code, out, errOut := runCLI(t, "", "issue", "--key", keyPath, write("clr.json", same))
	require.Equal(t, exitOK, code, errOut)
	signed := filepath.Join(t.TempDir(), "clr.signed.json")
	require.NoError(t, os.WriteFile(signed, []byte(out), 0o600))
	code, report, _ := runCLI(t, "", "verify", "--offline", signed)
	assert.Equal(t, exitOK, code, report)
}

// issue refuses, before signing and with exit 1, a ClrCredential that CLR
// verification would refuse for its own content (the record checks of
// package clr), and lists each problem with its JSON path, beside those of
// badge.Issuer.
func TestIssueRefusesAClrRecordVerifyWouldRefuse(t *testing.T) {
	keyPath, write := clrRecordFixture(t)
	empty := func(s string) string {
		i := strings.Index(s, `"verifiableCredential":[`) + len(`"verifiableCredential":[`)
		return s[:i] + `]}}`
	}
	someoneElse := func(s string) string {
		return strings.Replace(s, `"credentialSubject":{"id":"did:example:learner-8f2b"`, `"credentialSubject":{"id":"did:example:ada"`, 1)
	}
	noCLRContext := func(s string) string {
		return strings.Replace(s, `"https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",`, "", 1)
	}
	foreignIssuer := func(s string) string {
		i := strings.Index(s, `"issuer":{"id":"`) + len(`"issuer":{"id":"`)
		j := strings.Index(s[i:], `"`) + i
		return s[:i] + "https://evil.example/issuer" + s[j:]
	}
	for _, tt := range []struct {
		name  string
		edit  func(string) string
		flags []string
		lines []string // each problem, by JSON path
	}{
		{"no nested credential", empty, nil, []string{"$.credentialSubject.verifiableCredential: required", "refused before signing, 1 problem;"}},
		{"no nested credential as a JWT", empty, []string{"--format", "jwt"}, []string{"$.credentialSubject.verifiableCredential: required"}},
		{"a nested credential about someone else", someoneElse, nil,
			[]string{`$.credentialSubject.verifiableCredential[0]: clr: a nested credential is not about the record's subject: it is about "did:example:learner-8f2b", the record about "did:example:ada"`}},
		{"no CLR context second", noCLRContext, nil, []string{"$.@context: ", "CLR 2.0 context"}},
		{"every problem at once", func(s string) string { return foreignIssuer(empty(s)) }, nil,
			[]string{"$.issuer.id: ", "$.credentialSubject.verifiableCredential: required", "refused before signing, 2 problems; nothing was signed"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cred := write(strings.ReplaceAll(tt.name, " ", "-")+".json", tt.edit)
			code, out, errOut := runCLI(t, "", append(append([]string{"issue", "--key", keyPath}, tt.flags...), cred)...)
			assert.Equal(t, exitInvalid, code, errOut)
			assert.Empty(t, out, "nothing signed")
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			for _, want := range tt.lines {
				found := false
				for _, l := range lines {
					found = found || strings.HasPrefix(l, "openbadges issue: ") && strings.Contains(l, want)
				}
				assert.True(t, found, "no line with %q in\n%s", want, errOut)
			}
		})
	}
}
