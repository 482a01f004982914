package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// runCLI runs the command in-process and returns exit code, stdout, stderr.
func runCLI(t testing.TB, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func TestHelpListsEveryCommand(t *testing.T) {
	code, out, _ := runCLI(t, "", "--help")
	assert.Equal(t, exitOK, code)
	for _, c := range commands() {
		assert.Contains(t, out, c.name)
	}
}

func TestNoArgumentsIsAUsageError(t *testing.T) {
	code, _, errOut := runCLI(t, "")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "Usage")
}

func TestUnknownCommandIsAUsageError(t *testing.T) {
	code, _, errOut := runCLI(t, "", "frobnicate")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `"frobnicate"`)
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			code, out, _ := runCLI(t, "", c.name, "--help")
			assert.Equal(t, exitOK, code)
			assert.Contains(t, out, "Usage: openbadges "+c.name)
		})
	}
}

func TestDemoRunsOnEmbeddedDefaults(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "", "demo", "--out", dir)
	assert.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "badge.png          verified")
	assert.Contains(t, out, "tampered copy      refused")
	for _, f := range []string{"badge.json", "badge-signed.json", "badge.jwt", "badge.png", "badge.svg"} {
		assert.FileExists(t, dir+"/"+f)
	}
}

// The summaries of the top-level help start in one column, whatever the
// length of the longest command name (verify-presentation).
func TestHelpAlignsEverySummary(t *testing.T) {
	_, out, _ := runCLI(t, "", "--help")
	col := -1
	for _, c := range commands() {
		var line string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "  "+c.name+" ") {
				line = l
			}
		}
		if !assert.NotEmpty(t, line, c.name) {
			continue
		}
		at := strings.Index(line, c.summary)
		assert.Greater(t, at, len("  "+c.name), "%q: no space between name and summary", line)
		if col < 0 {
			col = at
		}
		assert.Equal(t, col, at, "%q", line)
	}
}

// A subcommand's usage line names it once: "status create --key ...", not
// "status create create --key ...".
func TestSubcommandUsageNamesTheSubcommandOnce(t *testing.T) {
	for _, sub := range []string{"create", "set", "check"} {
		t.Run(sub, func(t *testing.T) {
			code, out, _ := runCLI(t, "", "status", sub, "--help")
			assert.Equal(t, exitOK, code)
			assert.Contains(t, out, "Usage: openbadges status "+sub+" --")
			assert.NotContains(t, out, sub+" "+sub)
		})
	}
}
