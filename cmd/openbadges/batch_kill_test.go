package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

// withKillAt returns ctx with a batch hook that SIGKILLs this process the
// n-th time the batch reaches point ("POINT:N").
func withKillAt(ctx context.Context, spec string) context.Context {
	point, count, _ := strings.Cut(spec, ":")
	n, err := strconv.Atoi(count)
	if err != nil || n < 1 {
		panic("OPENBADGES_BATCH_KILL wants POINT:N, not " + spec)
	}
	var calls atomic.Int64
	return context.WithValue(ctx, batchHookKey{}, batchHook(func(p string, _ int) {
		if p == point && calls.Add(1) == int64(n) {
			self, _ := os.FindProcess(os.Getpid())
			_ = self.Kill() // SIGKILL on Unix: no deferred function, no flush
			select {}
		}
	}))
}

// killAt runs the batch in a child process that SIGKILLs itself the n-th
// time it reaches point. It reports whether the child was killed (false:
// it finished first).
func killAt(t testing.TB, args []string, point string, n int) bool {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestIssueBatchHelperProcess$")
	cmd.Env = append(os.Environ(), "OPENBADGES_BATCH_ARGS="+strings.Join(args, "\x1f"),
		fmt.Sprintf("OPENBADGES_BATCH_KILL=%s:%d", point, n))
	var se bytes.Buffer
	cmd.Stderr = &se
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) && !ee.Exited() {
		return true // ended by a signal
	}
	require.True(t, err == nil || errors.As(err, &ee), "%v: %s", err, se.String())
	return false
}

// batchSnapshot is OUTDIR as a kill left it.
type batchSnapshot struct {
	rows   map[int]manifestEntry // each row's state, reservation included
	files  map[string][]byte     // every row-* file
	issued int                   // rows with an "issued" line
}

func snapshotBatch(t testing.TB, out string) batchSnapshot {
	t.Helper()
	s := batchSnapshot{rows: manifestRows(t, out), files: map[string][]byte{}}
	for _, m := range s.rows {
		if m.Status == rowIssued {
			s.issued++
		}
	}
	names, err := filepath.Glob(filepath.Join(out, "row-*"))
	require.NoError(t, err)
	for _, p := range names {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		s.files[filepath.Base(p)] = data
		row, err := strconv.Atoi(strings.TrimPrefix(strings.Split(filepath.Base(p), ".")[0], "row-"))
		require.NoError(t, err)
		m := s.rows[row]
		// The invariant the design rests on: no file without its
		// reservation, durable before it was signed.
		require.NotEmpty(t, m.ID, "%s is on disk but its row has no reservation", filepath.Base(p))
		if strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".jwt") {
			assert.Contains(t, credentialText(t, data), m.ID, "%s carries its reserved id", filepath.Base(p))
		}
	}
	indexes := map[int]int{}
	for row, m := range s.rows {
		if m.StatusIndex != nil {
			other, dup := indexes[*m.StatusIndex]
			require.False(t, dup, "status index %d reserved for rows %d and %d", *m.StatusIndex, other, row)
			indexes[*m.StatusIndex] = row
		}
	}
	return s
}

// credentialText is a credential file as text: the JSON, or a JWT's
// payload.
func credentialText(t testing.TB, data []byte) string {
	if bytes.HasPrefix(data, []byte("{")) {
		return string(data)
	}
	c, err := credentialFromToken(string(data))
	require.NoError(t, err)
	return c
}

// checkResumed compares OUTDIR after a resume with its state after a kill:
// every reserved row kept its credential id and status index, every file
// written before the kill is there with the same bytes (adopted or kept,
// never signed again), and a reserved row whose credential file was there
// without an "issued" line was adopted. It returns the number adopted.
func checkResumed(t testing.TB, before batchSnapshot, after map[int]manifestEntry, out string) int {
	t.Helper()
	for row, m := range before.rows {
		if m.ID == "" {
			continue
		}
		a := after[row]
		assert.Equal(t, m.ID, a.ID, "row %d keeps its reserved id", row)
		assert.Equal(t, m.StatusIndex, a.StatusIndex, "row %d keeps its reserved status index", row)
	}
	for name, data := range before.files {
		now, err := os.ReadFile(filepath.Join(out, name))
		if assert.NoError(t, err) {
			assert.True(t, bytes.Equal(data, now), "%s is kept byte for byte", name)
		}
	}
	adopted := 0
	for row, m := range before.rows {
		if m.Status != rowReserved {
			continue
		}
		if _, ok := before.files[m.File]; ok && after[row].Status == rowIssued {
			assert.True(t, after[row].Adopted, "row %d: its credential was on disk: adopted", row)
		}
	}
	for _, m := range after {
		if m.Adopted {
			adopted++
		}
	}
	return adopted
}

// TestIssueBatchKillPoints kills a batch process with SIGKILL at precise
// points (after N reservations are durable, between a credential file and
// its manifest line, between the credential and its baked image, after
// the outcome line, before the manifest is compacted), then resumes it:
// every row is issued exactly once, no status index is in two
// credentials, every credential verifies, reservations are kept, and a
// credential already on disk is adopted (same id, same bytes) rather than
// signed again.
func TestIssueBatchKillPoints(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL")
	}
	f := newBatchFixture(t)
	const n = 12
	in := f.csvRows(t, n)
	for _, tt := range []struct {
		name    string
		point   string
		n       int
		format  string
		bake    bool
		adopted bool // some row must be adopted
	}{
		{"first reservation durable, nothing signed", hookReserved, 1, "di", false, false},
		{"five reservations durable", hookReserved, 5, "jwt", true, false},
		{"first file written, no manifest line", hookWritten, 1, "di", false, true},
		{"sixth file written, no manifest line", hookWritten, 6, "jwt", true, true},
		{"credential written, image not", hookCredentialWritten, 3, "di", true, true},
		{"after the fourth outcome line", hookCompleted, 4, "di", true, false},
		{"before compaction", hookFinished, 1, "jwt", false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := []string{"issue", "--batch", in, "--key", f.key, "--achievement", f.achievement,
				"--status-list", f.list, "--hash-email", "--format", tt.format, "--workers", "2", "-o", out}
			if tt.bake {
				args = append(args, "--bake", f.png)
			}
			require.True(t, killAt(t, args, tt.point, tt.n), "killed at %s %d", tt.point, tt.n)
			before := snapshotBatch(t, out)
			require.NotEmpty(t, before.rows)
			if tt.point == hookReserved {
				assert.Empty(t, before.files, "nothing is written before its reservation is durable")
			}

			code, _, stderr := runCmd(args...)
			require.Equal(t, exitOK, code, stderr)
			after := checkBatch(t, out, n, tt.format == "jwt")
			adopted := checkResumed(t, before, after, out)
			if tt.adopted {
				assert.Positive(t, adopted, "a credential written before the kill is adopted")
				assert.Contains(t, stderr, "verified and adopted")
			}
			left, _ := filepath.Glob(filepath.Join(out, batchTempPrefix+"*"))
			assert.Empty(t, left, "no temporary files left")
		})
	}
}

// TestIssueBatchKilledTwice kills the run and then the resumed run, each
// between a file and its manifest line: what both wrote survives.
func TestIssueBatchKilledTwice(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL")
	}
	f := newBatchFixture(t)
	const n = 16
	in := f.csvRows(t, n)
	out := filepath.Join(f.dir, "out")
	args := []string{"issue", "--batch", in, "--key", f.key, "--achievement", f.achievement,
		"--status-list", f.list, "--bake", f.png, "--workers", "2", "-o", out}
	require.True(t, killAt(t, args, hookWritten, 3))
	first := snapshotBatch(t, out)
	require.True(t, killAt(t, args, hookWritten, 4))
	second := snapshotBatch(t, out)
	for name, data := range first.files {
		assert.True(t, bytes.Equal(data, second.files[name]), "%s kept by the second run", name)
	}
	code, _, stderr := runCmd(args...)
	require.Equal(t, exitOK, code, stderr)
	after := checkBatch(t, out, n, false)
	checkResumed(t, first, after, out)
	checkResumed(t, second, after, out)
}

// TestIssueBatchAdoptsFilesOfAnEarlierVersion: a credential file without
// any manifest line (as an interrupted earlier version could leave) is
// reserved from its own id and status index before anything else, then
// adopted: its index is never given to another row.
func TestIssueBatchAdoptsFilesOfAnEarlierVersion(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL")
	}
	f := newBatchFixture(t)
	const n = 10
	in := f.csvRows(t, n)
	out := filepath.Join(f.dir, "out")
	args := []string{"issue", "--batch", in, "--key", f.key, "--achievement", f.achievement,
		"--status-list", f.list, "--workers", "2", "-o", out}
	require.True(t, killAt(t, args, hookWritten, 4))
	before := snapshotBatch(t, out)
	require.NotEmpty(t, before.files)
	// Drop every line of the rows with a file: the manifest of the
	// earlier version had none for them.
	orphan := map[int]bool{}
	for row, m := range before.rows {
		if _, ok := before.files[m.File]; ok {
			orphan[row] = true
		}
	}
	var kept bytes.Buffer
	for _, m := range readManifest(t, out) {
		if !orphan[m.Row] {
			line, err := json.Marshal(m)
			require.NoError(t, err)
			kept.Write(append(line, '\n'))
		}
	}
	require.NoError(t, os.WriteFile(filepath.Join(out, batchManifest), kept.Bytes(), 0o644))

	code, _, stderr := runCmd(args...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, fmt.Sprintf("%d credential files in %s were not in the manifest", len(orphan), out))
	after := checkBatch(t, out, n, false)
	assert.Equal(t, len(orphan), checkResumed(t, before, after, out), "each orphan file adopted")
}

// TestIssueBatchRefusesAnotherCredentialInPlace: a reserved row whose file
// holds another valid credential of the batch (another row's) fails; the
// file is left alone and nothing is signed for the row.
func TestIssueBatchRefusesAnotherCredentialInPlace(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL")
	}
	f := newBatchFixture(t)
	const n = 8
	in := f.csvRows(t, n)
	out := filepath.Join(f.dir, "out")
	args := []string{"issue", "--batch", in, "--key", f.key, "--achievement", f.achievement,
		"--status-list", f.list, "--workers", "1", "-o", out}
	require.True(t, killAt(t, args, hookWritten, 2))
	before := snapshotBatch(t, out)
	var victim, donor manifestEntry
	for _, m := range before.rows {
		if _, ok := before.files[m.File]; !ok {
			continue
		}
		if m.Status == rowReserved && victim.Row == 0 {
			victim = m
		} else if donor.Row == 0 {
			donor = m
		}
	}
	require.NotZero(t, victim.Row, "a row with its file and no outcome line")
	require.NotZero(t, donor.Row)
	swapped := before.files[donor.File]
	require.NoError(t, os.WriteFile(filepath.Join(out, victim.File), swapped, 0o644))

	code, _, stderr := runCmd(args...)
	require.Equal(t, exitInvalid, code, stderr)
	rows := manifestRows(t, out)
	assert.Equal(t, rowFailed, rows[victim.Row].Status)
	assert.Contains(t, rows[victim.Row].Error, "not the one reserved for this item")
	assert.Equal(t, victim.ID, rows[victim.Row].ID, "the reservation is kept")
	now, err := os.ReadFile(filepath.Join(out, victim.File))
	require.NoError(t, err)
	assert.Equal(t, swapped, now, "left alone")
}

// TestIssueBatchInputChangedAfterReservation: a batch whose input names,
// on a reserved row, another learner than the reservation's is not
// resumed: nothing is issued, and the reservation is never used for the
// other learner.
func TestIssueBatchInputChangedAfterReservation(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL")
	}
	f := newBatchFixture(t)
	const n = 6
	in := f.csvRows(t, n)
	out := filepath.Join(f.dir, "out")
	args := []string{"issue", "--batch", in, "--key", f.key, "--achievement", f.achievement,
		"--status-list", f.list, "--workers", "1", "-o", out}
	require.True(t, killAt(t, args, hookReserved, 1))
	before := snapshotBatch(t, out)
	require.Equal(t, "did:example:learner0", before.rows[2].Recipient)
	data, err := os.ReadFile(in)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(in, bytes.Replace(data, []byte("did:example:learner0,"), []byte("did:example:someone-else,"), 1), 0o644))

	code, _, stderr := runCmd(args...)
	require.NotEqual(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "the input changed since the batch began")
	assert.Contains(t, stderr, "row 2 was did:example:learner0, now did:example:someone-else")
	rows := manifestRows(t, out)
	assert.Equal(t, rowReserved, rows[2].Status)
	assert.Equal(t, before.rows[2].ID, rows[2].ID)
	assert.Equal(t, before.rows[2].StatusIndex, rows[2].StatusIndex, "the index stays with the reservation")
	assert.NoFileExists(t, filepath.Join(out, "row-000002.json"))
	for row := 3; row <= n+1; row++ {
		assert.NotEqual(t, rowIssued, rows[row].Status, "row %d: nothing is issued", row)
	}
}

// TestIssueBatchKeepsRevocations: an entry set in OUTDIR's status list
// after an interrupted run (a revocation) stays set when the batch is
// resumed from the original list.
func TestIssueBatchKeepsRevocations(t *testing.T) {
	f := newBatchFixture(t)
	const n = 20
	in := f.csvRows(t, n)
	out := filepath.Join(f.dir, "out")
	args := []string{"issue", "--batch", in, "--key", f.key, "--achievement", f.achievement,
		"--status-list", f.list, "--workers", "2", "-o", out}
	// Interrupt (as SIGINT does) after the fifth outcome line.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls atomic.Int32
	hooked := context.WithValue(ctx, batchHookKey{}, batchHook(func(p string, _ int) {
		if p == hookCompleted && calls.Add(1) == 5 {
			cancel()
		}
	}))
	var se bytes.Buffer
	require.Equal(t, exitInvalid, run(hooked, &env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &se}, args), se.String())
	require.Contains(t, se.String(), "interrupted")
	rows := manifestRows(t, out)
	require.Equal(t, rowIssued, rows[2].Status)
	revoked := *rows[2].StatusIndex
	published := filepath.Join(out, batchStatusList)
	code, _, stderr := runCmd("status", "set", "--key", f.key, "--list", published, "--index", strconv.Itoa(revoked))
	require.Equal(t, exitOK, code, stderr)

	code, _, stderr = runCmd(args...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "1 entries set in "+published+" are kept set")
	list, err := os.ReadFile(published)
	require.NoError(t, err)
	v, err := badge.NewVerifier(badge.VerifierOptions{Status: status.NewLocalChecker(map[string][]byte{batchListURL: list}, nil)})
	require.NoError(t, err)
	rows = manifestRows(t, out)
	for row := 2; row <= n+1; row++ {
		data, err := os.ReadFile(filepath.Join(out, rows[row].File))
		require.NoError(t, err)
		_, err = v.Verify(context.Background(), data)
		if row == 2 {
			assert.ErrorIs(t, err, vc.ErrRevoked, "still revoked after the resume")
		} else {
			assert.NoError(t, err, "row %d", row)
		}
	}
}

// TestIssueBatchOneRunAtATime: a second run on an OUTDIR in use is refused
// before it touches anything.
func TestIssueBatchOneRunAtATime(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no lock on this platform")
	}
	f := newBatchFixture(t)
	out := filepath.Join(f.dir, "out")
	require.NoError(t, os.MkdirAll(out, 0o755))
	lock, err := lockBatchDir(filepath.Join(out, batchLock))
	require.NoError(t, err)
	args := []string{"issue", "--batch", f.csvRows(t, 3), "--key", f.key, "--achievement", f.achievement, "-o", out}
	code, _, stderr := runCmd(args...)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, stderr, "another run is using this output directory")
	assert.NoFileExists(t, filepath.Join(out, batchManifest))
	require.NoError(t, lock.Close())
	code, _, stderr = runCmd(args...)
	assert.Equal(t, exitOK, code, stderr)
}

// TestIssueBatchRefusesDamagedManifest: a torn last line is dropped (see
// TestIssueBatchResumeAfterCancel), but a damaged line with valid lines
// after it is not a tail a crash leaves: the resume refuses to guess.
func TestIssueBatchRefusesDamagedManifest(t *testing.T) {
	f := newBatchFixture(t)
	out := filepath.Join(f.dir, "out")
	args := []string{"issue", "--batch", f.csvRows(t, 4), "--key", f.key, "--achievement", f.achievement,
		"--status-list", f.list, "-o", out}
	code, _, stderr := runCmd(args...)
	require.Equal(t, exitOK, code, stderr)
	path := filepath.Join(out, batchManifest)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.SplitAfter(string(data), "\n")
	lines[1] = "{\"row\":3,\"status\":\"iss\n"
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644))
	code, _, stderr = runCmd(args...)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, stderr, "line 2 is damaged but line 3 after it is not")
}

// TestIssueBatchKillLoop kills one batch many times at random (at hook
// points and at random moments), resuming each time, and checks after
// every kill that nothing written was lost or changed and no index was
// given twice; the last run completes and everything verifies. Set
// OPENBADGES_LONG=1 to run it (OPENBADGES_KILLS sets the number of kills,
// default 40).
func TestIssueBatchKillLoop(t *testing.T) {
	if os.Getenv("OPENBADGES_LONG") == "" {
		t.Skip("set OPENBADGES_LONG=1 to kill a batch many times")
	}
	kills := 40
	if s := os.Getenv("OPENBADGES_KILLS"); s != "" {
		var err error
		kills, err = strconv.Atoi(s)
		require.NoError(t, err)
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewPCG(seed, 1))
	f := newBatchFixture(t)
	const n = 400
	in := f.csvRows(t, n)
	out := filepath.Join(f.dir, "out")
	args := []string{"issue", "--batch", in, "--key", f.key, "--achievement", f.achievement, "--format", "jwt",
		"--status-list", f.list, "--bake", f.png, "--hash-email", "-o", out}
	points := []string{hookReserved, hookCredentialWritten, hookWritten, hookCompleted}
	var first *batchSnapshot
	prev := batchSnapshot{}
	for i := range kills {
		if rnd.IntN(3) == 0 {
			killBatchAfter(t, args, time.Duration(rnd.IntN(400))*time.Millisecond)
		} else {
			killAt(t, args, points[rnd.IntN(len(points))], 1+rnd.IntN(30))
		}
		if _, err := os.Stat(filepath.Join(out, batchManifest)); err != nil {
			continue // killed before it began
		}
		cur := snapshotBatch(t, out)
		if first == nil {
			first = &cur
		}
		if prev.rows != nil {
			checkResumed(t, prev, cur.rows, out)
		}
		t.Logf("kill %d: %d rows recorded, %d issued, %d files", i+1, len(cur.rows), cur.issued, len(cur.files))
		prev = cur
	}
	code, _, stderr := runCmd(args...)
	require.Equal(t, exitOK, code, stderr)
	after := checkBatch(t, out, n, true)
	checkResumed(t, prev, after, out)
	if first != nil {
		checkResumed(t, *first, after, out)
	}
}

// killBatchAfter runs the batch in a child process and SIGKILLs it after
// d (or lets it finish).
func killBatchAfter(t testing.TB, args []string, d time.Duration) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestIssueBatchHelperProcess$")
	cmd.Env = append(os.Environ(), "OPENBADGES_BATCH_ARGS="+strings.Join(args, "\x1f"))
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(d):
		_ = cmd.Process.Kill()
		<-done
	}
}
