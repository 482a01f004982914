package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/store"
)

const storeBatchID = "term-1"

// storeRows reads the store's record of each row of a batch (rows 2 to
// n+1, the CSV's line numbers), skipping rows never reserved.
func storeRows(t testing.TB, dsn string, n int) map[int]*store.Credential {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	require.NoError(t, err)
	defer db.Close()
	out := map[int]*store.Credential{}
	for row := 2; row <= n+1; row++ {
		c, err := db.CredentialByKey(context.Background(), "batch:"+storeBatchID+":"+strconv.Itoa(row))
		if err == nil {
			out[row] = c
			continue
		}
		require.ErrorIs(t, err, store.ErrNotFound)
	}
	return out
}

// checkStoreBatch checks a finished batch: every row completed once, no
// id or status index twice, every credential (and file, when out is set)
// verifies against the store's signed list, and the list shows revoked
// exactly what is revoked.
func checkStoreBatch(t *testing.T, dsn, out string, n int, revoked map[string]bool) map[int]*store.Credential {
	t.Helper()
	ctx := context.Background()
	rows := storeRows(t, dsn, n)
	require.Len(t, rows, n)
	db, err := store.Open(ctx, dsn)
	require.NoError(t, err)
	defer db.Close()
	lists := map[string][]byte{}
	ids, indexes := map[string]int{}, map[string]int{}
	for row, c := range rows {
		require.True(t, c.Completed(), "row %d completed", row)
		require.NotContains(t, ids, c.ID, "row %d: id twice", row)
		ids[c.ID] = row
		require.Len(t, c.Status, 1)
		k := c.Status[0].List + "#" + strconv.Itoa(c.Status[0].Index)
		require.NotContains(t, indexes, k, "row %d: status entry twice", row)
		indexes[k] = row
		if _, ok := lists[c.Status[0].List]; !ok {
			l, err := db.List(ctx, c.Status[0].List)
			require.NoError(t, err)
			require.Equal(t, l.Version, l.SignedVersion, "the list is signed at its last version")
			lists[c.Status[0].List] = l.Signed
		}
	}
	v, err := badge.NewVerifier(badge.VerifierOptions{Status: status.NewLocalChecker(lists, nil)})
	require.NoError(t, err)
	for row, c := range rows {
		_, err := v.Verify(ctx, c.Signed)
		if revoked[c.ID] {
			assert.Error(t, err, "row %d revoked", row)
		} else {
			assert.NoError(t, err, "row %d", row)
		}
		assert.Contains(t, credentialText(t, c.Signed), c.ID)
		if out != "" {
			ext := ".json"
			if c.Format == "jwt" {
				ext = ".jwt"
			}
			data, err := os.ReadFile(filepath.Join(out, rowName(row)+ext))
			require.NoError(t, err, "row %d file", row)
			assert.True(t, bytes.Equal(c.Signed, data), "row %d: the file is the stored credential", row)
		}
	}
	return rows
}

func TestIssueBatchStore(t *testing.T) {
	f := newBatchFixture(t)
	const n = 9
	in := f.csvRows(t, n)
	dsn := filepath.Join(f.dir, "issuer.db")
	out := filepath.Join(f.dir, "out")
	args := []string{"issue", "--batch", in, "--key", f.key, "--achievement", f.achievement, "--store", dsn,
		"--public-url", "https://issuer.example", "--batch-id", storeBatchID, "--hash-email", "-o", out}
	code, _, stderr := runCmd(args...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "9 issued now, 0 already")
	assert.NoFileExists(t, filepath.Join(out, batchManifest), "the store replaces the manifest")
	first := checkStoreBatch(t, dsn, out, n, nil)
	assert.True(t, strings.HasPrefix(first[2].Status[0].List, "https://issuer.example/status/revocation-"))

	// Again: nothing issued twice.
	code, _, stderr = runCmd(args...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "0 issued now, 9 already")
	// A lost file is written again from the store (verified, adopted).
	require.NoError(t, os.Remove(filepath.Join(out, rowName(3)+".json")))
	code, _, stderr = runCmd(args...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "1 stored by an interrupted run, verified and adopted")
	again := checkStoreBatch(t, dsn, out, n, nil)
	for row, c := range first {
		assert.Equal(t, c.Signed, again[row].Signed, "row %d unchanged", row)
	}

	// A row whose recipient changed fails; the others stay.
	data, err := os.ReadFile(in)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(in, bytes.Replace(data, []byte("did:example:learner0,"), []byte("did:example:someone-else,"), 1), 0o644))
	code, _, stderr = runCmd(args...)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, stderr, "the input changed")

	// No -o: the store alone; --no-status: no entry; usage errors.
	code, _, stderr = runCmd("issue", "--batch", f.csvRows(t, 2), "--key", f.key, "--achievement", f.achievement,
		"--store", filepath.Join(f.dir, "other.db"), "--no-status", "--batch-id", "b2")
	require.Equal(t, exitOK, code, stderr)
	code, _, stderr = runCmd("issue", "--batch", in, "--key", f.key, "--achievement", f.achievement,
		"--store", filepath.Join(f.dir, "third.db"), "--batch-id", "b3")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, stderr, "give --public-url")
	code, _, _ = runCmd("issue", "--batch", in, "--key", f.key, "--achievement", f.achievement, "--store", dsn, "--status-list", f.list)
	assert.Equal(t, exitUsage, code)
	code, _, _ = runCmd("issue", "--batch", in, "--key", f.key, "--achievement", f.achievement, "--batch-id", "x", "-o", out)
	assert.Equal(t, exitUsage, code)
}

// TestIssueBatchStoreKillPoints kills a --store batch with SIGKILL at
// precise points (reservations committed, nothing signed; a credential
// completed in the store, its files not written; files written), then
// resumes it: every row is issued once, ids and status entries reserved
// before the kill are kept, a credential completed before the kill is
// kept byte for byte, and every credential verifies against the store's
// list.
func TestIssueBatchStoreKillPoints(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL")
	}
	f := newBatchFixture(t)
	const n = 12
	in := f.csvRows(t, n)
	for _, tt := range []struct {
		name   string
		point  string
		n      int
		format string
		bake   bool
	}{
		{"reservations committed, nothing signed", hookReserved, 1, "di", false},
		{"third credential completed, its files not written", hookCompleted, 3, "jwt", true},
		{"credential written, image not", hookCredentialWritten, 2, "di", true},
		{"fifth row's files written", hookWritten, 5, "di", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			dsn := filepath.Join(dir, "issuer.db")
			out := filepath.Join(dir, "out")
			args := []string{"issue", "--batch", in, "--key", f.key, "--achievement", f.achievement, "--store", dsn,
				"--public-url", "https://issuer.example", "--batch-id", storeBatchID, "--format", tt.format, "--workers", "2", "-o", out}
			if tt.bake {
				args = append(args, "--bake", f.png)
			}
			require.True(t, killAt(t, args, tt.point, tt.n), "killed at %s %d", tt.point, tt.n)
			before := storeRows(t, dsn, n)
			require.NotEmpty(t, before, "reservations are durable")
			if tt.point == hookReserved {
				for row, c := range before {
					assert.False(t, c.Completed(), "row %d: nothing signed before the kill", row)
				}
				files, _ := filepath.Glob(filepath.Join(out, "row-*"))
				assert.Empty(t, files)
			}
			code, _, stderr := runCmd(args...)
			require.Equal(t, exitOK, code, stderr)
			after := checkStoreBatch(t, dsn, out, n, nil)
			for row, c := range before {
				a := after[row]
				assert.Equal(t, c.ID, a.ID, "row %d keeps its id", row)
				assert.Equal(t, c.Status, a.Status, "row %d keeps its status entry", row)
				if c.Completed() {
					assert.Equal(t, c.Signed, a.Signed, "row %d: completed before the kill, kept", row)
				}
			}
		})
	}
}

// TestIssueBatchStoreThenServeRevokes: a batch and serve share a store:
// serve revokes a credential the batch issued, and its list says so.
func TestIssueBatchStoreThenServeRevokes(t *testing.T) {
	f := newBatchFixture(t)
	const n = 3
	dsn := filepath.Join(f.dir, "issuer.db")
	code, _, stderr := runCmd("issue", "--batch", f.csvRows(t, n), "--key", f.key, "--achievement", f.achievement,
		"--store", dsn, "--public-url", "http://127.0.0.1:9", "--batch-id", storeBatchID)
	require.Equal(t, exitOK, code, stderr)
	rows := storeRows(t, dsn, n)
	victim := rows[3]

	tokens := filepath.Join(f.dir, "tokens")
	statusTok := newToken(t, tokens, "status")
	base, stop, _ := runServeUntil(t, "--offline", "--key", f.key, "--store", dsn, "--auth-tokens", tokens, "--public-url", "http://127.0.0.1:9")
	code, body, _ := authPost(t, base+"/credentials/status", statusTok, map[string]any{"credentialId": victim.ID, "status": true,
		"credentialStatus": map[string]any{"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}})
	require.Equal(t, 200, code, "%s", body)
	require.Equal(t, exitOK, stop())
	checkStoreBatch(t, dsn, "", n, map[string]bool{victim.ID: true})
}
