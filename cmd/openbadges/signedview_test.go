package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// signedViewDir holds the issue #14 corpus subset that
// badge/signedview_test.go writes (go test ./badge -run
// TestSignedViewCorpusFiles -signedview.update): revoked and expired
// badges, and a badge with an expired proof, each rewritten in every
// JSON-LD spelling that keeps the signed graph, so their signatures still
// verify.
const signedViewDir = "../../badge/testdata/signedview"

type signedViewManifest struct {
	Now         string            `json:"now"`
	StatusLists map[string]string `json:"statusLists"`
	Cases       []struct {
		File     string `json:"file"`
		Base     string `json:"base"`
		Member   string `json:"member"`
		Spelling string `json:"spelling"`
		Verifies bool   `json:"verifies"`
	} `json:"cases"`
}

func readSignedViewManifest(t *testing.T) signedViewManifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(signedViewDir, "manifest.json"))
	require.NoError(t, err)
	var m signedViewManifest
	require.NoError(t, json.Unmarshal(b, &m))
	require.NotEmpty(t, m.Cases)
	return m
}

// TestVerifySignedViewRewritesAreRefused runs every rewritten revoked or
// expired badge through `openbadges verify`: the exit status must say not
// verified (1), in the text and the JSON report alike. The unmodified
// valid badge verifies (0), so the setup is sound.
func TestVerifySignedViewRewritesAreRefused(t *testing.T) {
	m := readSignedViewManifest(t)
	args := []string{"verify", "--offline", "--now", m.Now}
	for u, f := range m.StatusLists {
		args = append(args, "--status-list", u+"="+filepath.Join(signedViewDir, f))
	}
	for _, c := range m.Cases {
		name := strings.TrimSuffix(c.File, filepath.Ext(c.File))
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(signedViewDir, c.File)
			code, out, errOut := runCLI(t, "", append(append([]string{}, args...), file)...)
			if c.Verifies {
				assert.Equal(t, exitOK, code, "the unmodified valid badge must verify:\n%s%s", out, errOut)
				return
			}
			assert.Equal(t, exitInvalid, code, "a %s badge rewritten (%s: %s) must not verify:\n%s%s", c.Base, c.Member, c.Spelling, out, errOut)
			assert.Contains(t, out, "NOT VERIFIED")

			code, out, _ = runCLI(t, "", append(append([]string{}, args...), "--json", file)...)
			assert.Equal(t, exitInvalid, code)
			var res struct {
				Verified *bool `json:"verified"`
			}
			if assert.NoError(t, json.Unmarshal([]byte(out), &res), out) && assert.NotNil(t, res.Verified, out) {
				assert.False(t, *res.Verified, out)
			}
		})
	}
}
