//go:build unix

package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeSIGHUPReloadsStatusDir: SIGHUP republishes --status-dir; the
// changed list is served with a new ETag.
func TestServeSIGHUPReloadsStatusDir(t *testing.T) {
	dir := t.TempDir()
	const v1 = `{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"https://example.edu/status/1","type":["VerifiableCredential"],"v":1}`
	const v2 = `{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"https://example.edu/status/1","type":["VerifiableCredential"],"v":2}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "1.json"), []byte(v1), 0o600))
	base, stderr := startServe(t, "--offline", "--status-dir", dir)
	get := func() (string, string) {
		resp, err := http.Get(base + "/status/1")
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(b), resp.Header.Get("ETag")
	}
	body, etag := get()
	require.Equal(t, v1, body)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "1.json"), []byte(v2), 0o600))
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGHUP))
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "reloaded --status-dir") }, 5*time.Second, 10*time.Millisecond)
	body, etag2 := get()
	assert.Equal(t, v2, body)
	assert.NotEqual(t, etag, etag2)
}
