package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The demo's last line tells a newcomer what to run next. It must work from
// the clone without an installed binary ("go run ./cmd/openbadges ..."),
// with the output path quoted for the shell, and the command must verify.
func TestDemoNextCommandWorksFromTheClone(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my badges") // a space the shell must not split
	code, out, errOut := runCLI(t, "", "demo", "--out", dir)
	require.Equal(t, exitOK, code, errOut)

	const prefix = "Next, from the clone: go run ./cmd/openbadges "
	var next string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			next = strings.TrimPrefix(l, prefix)
		}
	}
	require.NotEmpty(t, next, "no %q line in:\n%s", prefix, out)
	assert.NotContains(t, out, "\nNext: openbadges", "the first suggestion must not need an installed binary")
	assert.Contains(t, out, "(with the tool installed: openbadges "+next+")")

	// "./cmd/openbadges" is this package, seen from the module root.
	root := filepath.Join("..", "..")
	require.FileExists(t, filepath.Join(root, "go.mod"))
	wd, err := os.Getwd()
	require.NoError(t, err)
	absRoot, err := filepath.Abs(root)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(absRoot, "cmd", "openbadges"), wd)

	args := shellWords(t, next)
	assert.Equal(t, []string{"verify", "--offline", filepath.Join(dir, "badge.png")}, args)
	code, vout, verr := runCLI(t, "", args...)
	assert.Equal(t, exitOK, code, "%s\n%s", vout, verr)
}

func TestShellQuoteKeepsOneWord(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain path unchanged", "/tmp/openbadges-demo-1/badge.png", "/tmp/openbadges-demo-1/badge.png"},
		{"space is quoted", "/tmp/my badges/badge.png", "'/tmp/my badges/badge.png'"},
		{"single quote is escaped", "/tmp/ada's/badge.png", `'/tmp/ada'\''s/badge.png'`},
		{"dollar is quoted", "/tmp/$HOME/b.png", "'/tmp/$HOME/b.png'"},
		{"empty is quoted", "", "''"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := shellQuote(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, []string{tt.in}, shellWords(t, got))
		})
	}
}

// shellWords splits a command line as a POSIX shell does for the forms
// shellQuote writes: blanks separate words, single quotes quote, and a
// backslash outside quotes escapes the next character.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord, quoted, escaped := false, false, false
	for _, r := range s {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case quoted && r == '\'':
			quoted = false
		case quoted:
			cur.WriteRune(r)
		case r == '\'':
			quoted, inWord = true, true
		case r == '\\':
			escaped, inWord = true, true
		case r == ' ':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	require.False(t, quoted || escaped, "unterminated quote or escape in %q", s)
	if inWord {
		words = append(words, cur.String())
	}
	return words
}
