package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestVerifyRecognisesOpenBadges2: openbadges verify takes an Open Badges
// 2.0 assertion (hosted, signed, baked) through the same front door,
// reports it as 2.0 (never as "invalid @context"), and reads the
// documents it links from --resource files offline.
func TestVerifyRecognisesOpenBadges2(t *testing.T) {
	const dir = "../../badge/ob2/testdata/validator/"
	assets := []string{
		"--resource", "https://example.org/=" + dir + "assets/",
		"--resource", "https://www.example.org/=" + dir + "assets/",
		"--resource", "http://example.org/=" + dir + "assets/",
	}
	run := func(extra ...string) (int, string) {
		args := append([]string{"verify", "--offline", "--now", "2024-06-01T00:00:00Z"}, assets...)
		code, out, errOut := runCLI(t, "", append(args, extra...)...)
		return code, out + errOut
	}
	code, out := run("--resource", "https://example.org/beths-robotics-badge.json="+dir+"basic-assertion.json", dir+"basic-assertion.json")
	assert.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "OpenBadges2Assertion")

	code, out = run(dir + "simple.jwt")
	assert.Equal(t, exitOK, code, out)

	code, out = run("--resource", "https://example.org/beths-robotics-badge.json="+dir+"basic-assertion.json", dir+"simple-badge.png")
	assert.Equal(t, exitOK, code, out)

	code, out = run(dir + "simple-revoked.jwt")
	assert.Equal(t, exitInvalid, code, out)
	assert.Contains(t, out, "[FAIL] status")
	assert.NotContains(t, out, "the first context must be")
}
