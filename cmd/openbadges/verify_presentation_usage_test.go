package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The usage line of verify-presentation names every flag the command
// accepts (--resource among them), as verify's does.
func TestVerifyPresentationUsageNamesEveryFlag(t *testing.T) {
	code, out, _ := runCLI(t, "", "verify-presentation", "--help")
	require.Equal(t, exitOK, code)
	synopsis, flags, ok := strings.Cut(out, "\nFlags:\n")
	require.True(t, ok, out)
	synopsis, _, _ = strings.Cut(synopsis, "\n\n") // the usage lines, not the description
	names := regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`).FindAllStringSubmatch(flags, -1)
	require.NotEmpty(t, names)
	for _, m := range names {
		assert.Contains(t, synopsis, "--"+m[1], "the usage line leaves out --%s", m[1])
	}
	assert.Contains(t, synopsis, "[--resource URL=FILE]...")
}
