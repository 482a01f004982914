package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCanonPrintsPublishedCanonicalForms(t *testing.T) {
	doc, err := os.ReadFile("testdata/signed-eddsa.canon-doc.nq")
	require.NoError(t, err)
	prf, err := os.ReadFile("testdata/signed-eddsa.canon-proof.nq")
	require.NoError(t, err)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"document without proof", []string{"canon", "--no-proof", "testdata/signed-eddsa.json"}, string(doc)},
		{"proof configuration", []string{"canon", "--proof-config", "testdata/signed-eddsa.json"}, string(prf)},
		{"n-quads input", []string{"canon", "--nquads", "testdata/signed-eddsa.canon-doc.nq"}, string(doc)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			require.Equal(t, exitOK, code, errOut)
			assert.Equal(t, tt.want, out)
		})
	}
}

func TestCanonReadsStdin(t *testing.T) {
	in, err := os.ReadFile("testdata/signed-eddsa.canon-doc.nq")
	require.NoError(t, err)
	code, out, _ := runCLI(t, string(in), "canon", "--nquads", "-")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, string(in), out)
}

func TestCanonRefusesBadInput(t *testing.T) {
	tests := []struct {
		name, stdin string
		args        []string
		code        int
		errContains string
	}{
		{"no file", "", []string{"canon"}, exitUsage, "expected one FILE"},
		{"two exclusive flags", "", []string{"canon", "--no-proof", "--proof-config", "-"}, exitUsage, "exclude"},
		{"unknown flag", "", []string{"canon", "--bogus", "-"}, exitUsage, "bogus"},
		{"missing file", "", []string{"canon", "testdata/does-not-exist.json"}, exitInvalid, "does-not-exist"},
		{"malformed JSON", `{"a":`, []string{"canon", "-"}, exitInvalid, "invalid JSON"},
		{"duplicate key", `{"@context":"https://www.w3.org/ns/credentials/v2","id":"urn:a","id":"urn:b"}`, []string{"canon", "-"}, exitInvalid, "duplicate"},
		{"unknown context", `{"@context":"https://example.com/unknown","name":"x"}`, []string{"canon", "-"}, exitInvalid, "https://example.com/unknown"},
		{"undefined term", `{"@context":"https://www.w3.org/ns/credentials/v2","type":"VerifiableCredential","fooBar":1}`, []string{"canon", "-"}, exitInvalid, "safe mode"},
		{"no proof for --proof-config", `{"@context":"https://www.w3.org/ns/credentials/v2"}`, []string{"canon", "--proof-config", "-"}, exitInvalid, "no proof"},
		{"bad n-quads", "<a> <b> .\n", []string{"canon", "--nquads", "-"}, exitInvalid, "line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.stdin, tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, tt.errContains)
		})
	}
}
