package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestResumeRefusesAnInputWhoseIssuedRowsChanged: after a killed run the
// operator inserts a learner at the top of the CSV and runs the same
// command. Resuming used to skip every row number already issued although
// it now named someone else: the learner pushed past the old rows got a
// second credential, the inserted one none, and the run exited 0 (found by
// a review). Now the run refuses to resume and issues nothing.
func TestResumeRefusesAnInputWhoseIssuedRowsChanged(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL")
	}
	f := newBatchFixture(t)
	const n = 4
	in := f.csvRows(t, n)
	out := filepath.Join(f.dir, "out")
	args := []string{"issue", "--batch", in, "--key", f.key, "--achievement", f.achievement,
		"--status-list", f.list, "--workers", "1", "-o", out}
	// Killed after every row is issued, before the manifest is compacted.
	require.True(t, killAt(t, args, hookFinished, 1))
	before := manifestRows(t, out)
	issued := map[string]int{}
	for row, m := range before {
		if m.Status == rowIssued {
			issued[m.Recipient] = row
		}
	}
	require.Len(t, issued, n)

	// Insert a learner right after the header.
	data, err := os.ReadFile(in)
	require.NoError(t, err)
	head, rest, _ := bytes.Cut(data, []byte("\n"))
	edited := append(append(append([]byte{}, head...), []byte("\ndid:example:inserted,,Inserted,S999999\n")...), rest...)
	require.NoError(t, os.WriteFile(in, edited, 0o644))

	code, _, stderr := runCmd(args...)
	t.Logf("exit %d: %s", code, strings.TrimSpace(stderr))

	// Count the credentials each learner holds in OUTDIR.
	holders := map[string]int{}
	names, _ := filepath.Glob(filepath.Join(out, "row-*.json"))
	for _, p := range names {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		for _, who := range []string{"did:example:inserted", "did:example:learner0", "did:example:learner2", "learner1@example.edu", "learner3@example.edu"} {
			if bytes.Contains(bytes.ToLower(b), []byte(`"`+who+`"`)) {
				holders[who]++
			}
		}
	}
	t.Logf("credentials per learner: %v", holders)
	for who, k := range holders {
		assert.LessOrEqual(t, k, 1, "%s holds %d credentials of the same batch", who, k)
	}
	assert.NotEqual(t, exitOK, code, "an input whose issued rows now name other learners must not resume silently")
}

// TestResumeWithHashedEmailKeepsAReservationForItsLearner: with
// --hash-email the manifest named every recipient "emailAddress:(hashed)",
// so a reserved row whose address changed was signed for the other learner
// with the first one's credential id and status index (found by a
// review). The manifest now names a hashed recipient by a digest keyed
// per batch, and the changed row is refused.
func TestResumeWithHashedEmailKeepsAReservationForItsLearner(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL")
	}
	f := newBatchFixture(t)
	in := f.csvRows(t, 0, ",alice@example.edu,Alice,S1", ",bob@example.edu,Bob,S2", ",carol@example.edu,Carol,S3")
	out := filepath.Join(f.dir, "out")
	args := []string{"issue", "--batch", in, "--key", f.key, "--achievement", f.achievement,
		"--status-list", f.list, "--hash-email", "--workers", "1", "-o", out}
	require.True(t, killAt(t, args, hookReserved, 1))
	before := manifestRows(t, out)
	require.Equal(t, rowReserved, before[2].Status)
	require.NotEmpty(t, before[2].ID)

	data, err := os.ReadFile(in)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(in, bytes.Replace(data, []byte("alice@example.edu"), []byte("mallory@example.edu"), 1), 0o644))

	code, _, stderr := runCmd(args...)
	rows := manifestRows(t, out)
	t.Logf("exit %d, row 2 now %+v; %s", code, rows[2], strings.TrimSpace(stderr))
	assert.NotEqual(t, exitOK, code)
	assert.Contains(t, stderr, "the input changed since the batch began")
	assert.NotContains(t, stderr, "mallory", "the manifest and the message name hashed recipients by digest only")
	assert.Equal(t, rowReserved, rows[2].Status, "alice's reservation (id %s, index %v) is not used for mallory", before[2].ID, *before[2].StatusIndex)
	assert.Equal(t, before[2].ID, rows[2].ID)
	assert.NoFileExists(t, filepath.Join(out, "row-000002.json"))

	// With the input restored, the run resumes and alice gets her
	// reservation.
	require.NoError(t, os.WriteFile(in, data, 0o644))
	code, _, stderr = runCmd(args...)
	require.Equal(t, exitOK, code, "%s", stderr)
	rows = manifestRows(t, out)
	assert.Equal(t, rowIssued, rows[2].Status)
	assert.Equal(t, before[2].ID, rows[2].ID)
}
