package ob2_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
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

var testNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// validatorResources serves the validator's assets under the URLs its own
// tests map to them (OB20Tests: https://www.example.org/, https://example.org/
// and http://example.org/ -> ob20/assets).
func validatorResources(t testing.TB) map[string][]byte {
	t.Helper()
	res := map[string][]byte{}
	entries, err := os.ReadDir("testdata/validator/assets")
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("testdata/validator/assets", e.Name()))
		require.NoError(t, err)
		for _, p := range []string{"https://www.example.org/", "https://example.org/", "http://example.org/"} {
			res[p+e.Name()] = b
		}
	}
	return res
}

// hostedCopy returns the assertion JSON an input holds (to serve it at its
// id, where its issuer hosts it), or nil for a signed one.
func hostedCopy(t testing.TB, data []byte) (string, []byte) {
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

// expected reads testdata/EXPECTED.md: input -> PASS/FAIL.
func expected(t testing.TB) [][2]string {
	f, err := os.Open("testdata/EXPECTED.md")
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
	require.Len(t, out, 37)
	return out
}

func newValidatorVerifier(t testing.TB, res map[string][]byte) *ob2.Verifier {
	v, err := ob2.NewVerifier(ob2.Options{Resources: res, Offline: true, Now: func() time.Time { return testNow }})
	require.NoError(t, err)
	return v
}

// TestValidatorExpected gives each 1EdTech validator input the outcome its
// own tests assert (testdata/EXPECTED.md).
func TestValidatorExpected(t *testing.T) {
	for _, c := range expected(t) {
		t.Run(c[0], func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata/validator", c[0]))
			require.NoError(t, err)
			res := validatorResources(t)
			if id, doc := hostedCopy(t, data); id != "" {
				if _, asset := res[id]; !asset {
					res[id] = doc
				}
			}
			assert.True(t, ob2.Is(data), "Is")
			r, err := newValidatorVerifier(t, res).Verify(context.Background(), data)
			require.NotNil(t, r)
			for _, ch := range r.Checks {
				t.Logf("%-20s %-8s %v %s", ch.ID, ch.Status, ch.Err, ch.Detail)
			}
			if c[1] == "PASS" {
				assert.NoError(t, err)
				assert.True(t, r.Verified)
			} else {
				assert.Error(t, err)
				var ve *badge.VerificationError
				assert.True(t, errors.As(err, &ve))
				assert.False(t, r.Verified)
			}
		})
	}
}
