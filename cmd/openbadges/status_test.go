package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatusCreateSetCheck(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key.json")
	code, out, errOut := runCLI(t, "", "keygen", "--seed", zeroSeed)
	require.Equal(t, exitOK, code, errOut)
	require.NoError(t, os.WriteFile(keyFile, []byte(out), 0o600))
	list := filepath.Join(dir, "list.json")

	code, _, errOut = runCLI(t, "", "status", "create", "--key", keyFile, "--url", "https://example.edu/status/1", "-o", list)
	require.Equal(t, exitOK, code, errOut)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(readFileT(t, list), &doc))
	assert.Equal(t, "https://example.edu/status/1", doc["id"])
	assert.NotNil(t, doc["proof"])

	code, out, errOut = runCLI(t, "", "status", "check", "--list", list, "--index", "42")
	assert.Equal(t, exitOK, code, errOut)
	assert.Equal(t, "index 42: valid (value 0)\n", out)

	code, _, errOut = runCLI(t, "", "status", "set", "--key", keyFile, "--list", list, "--index", "42")
	require.Equal(t, exitOK, code, errOut)
	code, out, _ = runCLI(t, "", "status", "check", "--list", list, "--index", "42")
	assert.Equal(t, exitInvalid, code)
	assert.Equal(t, "index 42: revoked (value 1)\n", out)

	code, _, errOut = runCLI(t, "", "status", "set", "--key", keyFile, "--list", list, "--index", "42", "--clear")
	require.Equal(t, exitOK, code, errOut)
	code, out, _ = runCLI(t, "", "status", "check", "--list", list, "--index", "42", "--json")
	assert.Equal(t, exitOK, code)
	assert.JSONEq(t, `{"type":"BitstringStatusListEntry","purpose":"revocation","list":"https://example.edu/status/1","index":42,"value":0,"outcome":"valid"}`, out)

	// Past the end: unknown, exit 1, with the reason.
	code, out, errOut = runCLI(t, "", "status", "check", "--list", list, "--index", "131072")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, out, "unknown")
	assert.Contains(t, errOut, "out of range")

	// A tampered list does not verify.
	b := readFileT(t, list)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	m["validFrom"] = "2020-01-01T00:00:00Z"
	tb, err := json.Marshal(m)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(list, tb, 0o644))
	code, _, errOut = runCLI(t, "", "status", "check", "--list", list, "--index", "1")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errOut, "could not be verified")

	// The validator's sample list, with its 1EdTech key.
	sample := filepath.Join("..", "..", "status", "testdata", "testlist.json")
	code, out, errOut = runCLI(t, "", "status", "check", "--list", sample, "--index", "23", "--insecure-fragment-keys")
	assert.Equal(t, exitInvalid, code, errOut)
	assert.Equal(t, "index 23: revoked (value 1)\n", out)
}

func TestStatusUsage(t *testing.T) {
	for _, args := range [][]string{
		{"status"},
		{"status", "frob"},
		{"status", "create", "--url", "https://x/1", "-o", "-"},
		{"status", "create", "--key", "k", "--url", "http://x/1", "-o", "-"},
		{"status", "create", "--key", "k", "--url", "https://x/1", "-o", "-", "--size", "10"},
		{"status", "create", "--key", "k", "--url", "https://x/1", "-o", "-", "--purpose", "message"},
		{"status", "set", "--list", "l"},
		{"status", "check", "--list", "l"},
	} {
		code, _, _ := runCLI(t, "", args...)
		assert.Equal(t, exitUsage, code, "%v", args)
	}
	code, out, _ := runCLI(t, "", "status", "create", "--help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "--purpose")
}

func readFileT(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}
