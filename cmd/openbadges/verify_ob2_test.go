package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/ob2"
	"github.com/openbadges-go/openbadges/internal/jsonx"
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

	t.Run("validator", testVerifyOB2ValidatorInputs)
}

// ob2ValidatorNow is the clock of badge/ob2's TestValidatorExpected.
const ob2ValidatorNow = "2026-01-01T00:00:00Z"

// ob2ValidatorPrefixes are the URLs the validator's tests (OB20Tests)
// serve validator/assets/ under; badge/ob2's validatorResources does too.
var ob2ValidatorPrefixes = []string{"https://www.example.org/", "https://example.org/", "http://example.org/"}

// ob2Expected reads badge/ob2/testdata/EXPECTED.md: input -> PASS/FAIL.
func ob2Expected(t *testing.T, path string) [][2]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out [][2]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(line, "|")
		out = append(out, [2]string{strings.Trim(strings.TrimSpace(cells[1]), "`"), strings.TrimSpace(cells[2])})
	}
	require.NoError(t, sc.Err())
	require.Len(t, out, 37)
	return out
}

// ob2HostedCopy returns the id and the assertion JSON an input holds (a
// baked PNG's unbaked), to serve at that id as its issuer would; "" for a
// signed input. As badge/ob2's hostedCopy.
func ob2HostedCopy(t *testing.T, data []byte) (string, []byte) {
	t.Helper()
	if bytes.HasPrefix(data, []byte("\x89PNG")) {
		_, err := badge.Unbake(bytes.NewReader(data), nil)
		var le *badge.LegacyAssertionError
		require.ErrorAs(t, err, &le)
		data = le.Assertion
	}
	v, err := jsonx.Parse(bytes.TrimSpace(data), nil)
	if err != nil {
		return "", nil
	}
	m, _ := v.(map[string]any)
	id, _ := m["id"].(string)
	return id, data
}

// testVerifyOB2ValidatorInputs gives every input of the 1EdTech
// validator's Open Badges 2.0 tests (badge/ob2/testdata/EXPECTED.md) the
// outcome the validator asserts through "openbadges verify --offline
// --resource ...", with the resources badge/ob2's TestValidatorExpected
// serves: validator/assets/ under each of the validator's prefixes
// (URL/=DIR/), and a hosted input at its own id (URL=FILE) unless an
// asset is served there. A FAIL is reported as the 2.0 family the library
// reports for that input, never as "invalid @context".
func testVerifyOB2ValidatorInputs(t *testing.T) {
	const testdata = "../../badge/ob2/testdata/"
	const dir = testdata + "validator/"
	now, err := time.Parse(time.RFC3339, ob2ValidatorNow)
	require.NoError(t, err)

	assets := map[string][]byte{}
	var assetFlags []string
	entries, err := os.ReadDir(dir + "assets")
	require.NoError(t, err)
	for _, p := range ob2ValidatorPrefixes {
		assetFlags = append(assetFlags, "--resource", p+"="+dir+"assets/")
		for _, e := range entries {
			b, err := os.ReadFile(dir + "assets/" + e.Name())
			require.NoError(t, err)
			assets[p+e.Name()] = b
		}
	}

	passed := 0
	cases := ob2Expected(t, testdata+"EXPECTED.md")
	for _, c := range cases {
		input, want := c[0], c[1]
		t.Run(input, func(t *testing.T) {
			file := dir + input
			data, err := os.ReadFile(file)
			require.NoError(t, err)

			args := append([]string{"verify", "--offline", "--now", ob2ValidatorNow}, assetFlags...)
			res := map[string][]byte{}
			for u, b := range assets {
				res[u] = b
			}
			if id, doc := ob2HostedCopy(t, data); id != "" {
				if _, asset := assets[id]; !asset {
					src := file
					if !bytes.Equal(doc, data) { // baked: serve the unbaked JSON
						src = filepath.Join(t.TempDir(), "hosted.json")
						require.NoError(t, os.WriteFile(src, doc, 0o600))
					}
					args = append(args, "--resource", id+"="+src)
					res[id] = doc
				}
			}

			// What the library reports for the same input and resources.
			ov, err := ob2.NewVerifier(ob2.Options{Resources: res, Offline: true, Now: func() time.Time { return now }})
			require.NoError(t, err)
			lib, libErr := ov.Verify(context.Background(), data)
			require.NotNil(t, lib)
			require.Equal(t, want == "PASS", libErr == nil, "library: %v", libErr)

			code, out, errOut := runCLI(t, "", append(args, file)...)
			out += errOut
			assert.NotContains(t, out, "the first context must be")
			assert.NotContains(t, out, "@context is missing")
			assert.Contains(t, out, "  family     "+string(lib.Family)+"\n", out)
			assert.True(t, strings.HasPrefix(string(lib.Family), "OpenBadges2"), lib.Family)
			if want == "PASS" {
				assert.Equal(t, exitOK, code, out)
				assert.Contains(t, out, ": VERIFIED\n")
			} else {
				assert.Equal(t, exitInvalid, code, out)
				assert.Contains(t, out, ": NOT VERIFIED\n")
				assert.Contains(t, out, "[FAIL]", out)
			}
			t.Logf("%s %s exit %d", want, lib.Family, code)
			if !t.Failed() {
				passed++
			}
		})
	}
	t.Logf("%d of %d validator inputs give their expected outcome through openbadges verify", passed, len(cases))
}
