package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
)

const batchListURL = "https://example.edu/status/batch-1"

// batchFixture is a key, an achievement, a status list and a PNG in a
// temporary directory.
type batchFixture struct {
	dir, key, achievement, list, png string
	k                                *did.Key
}

func newBatchFixture(t testing.TB) *batchFixture {
	t.Helper()
	dir := t.TempDir()
	k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{11}, 32))
	require.NoError(t, err)
	kb, err := k.MarshalJWK()
	require.NoError(t, err)
	f := &batchFixture{dir: dir, k: k,
		key: filepath.Join(dir, "key.json"), achievement: filepath.Join(dir, "achievement.json"),
		list: filepath.Join(dir, "list.json"), png: filepath.Join(dir, "badge.png")}
	require.NoError(t, os.WriteFile(f.key, kb, 0o600))
	require.NoError(t, os.WriteFile(f.achievement, []byte(`{"id":"https://example.edu/achievements/go-101","type":["Achievement"],`+
		`"name":"Go 101","description":"Writes, tests and benchmarks Go.","criteria":{"narrative":"Passed the final project."}}`), 0o644))
	l, err := status.NewList(status.ListOptions{ID: batchListURL})
	require.NoError(t, err)
	lb, err := l.Sign(context.Background(), proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, nil)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(f.list, lb, 0o644))
	img := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.NRGBA{200, 10, 10, 255})
	var pb bytes.Buffer
	require.NoError(t, png.Encode(&pb, img))
	require.NoError(t, os.WriteFile(f.png, pb.Bytes(), 0o644))
	return f
}

// csvRows writes n good rows: even rows by DID, odd rows by e-mail, each
// with a name and a student id.
func (f *batchFixture) csvRows(t testing.TB, n int, extra ...string) string {
	var b strings.Builder
	b.WriteString("DID,Email,Name,Student ID\n")
	for i := range n {
		if i%2 == 0 {
			fmt.Fprintf(&b, "did:example:learner%d,,Learner %d,S%06d\n", i, i, i)
		} else {
			fmt.Fprintf(&b, ",Learner%d@Example.edu,Learner %d,S%06d\n", i, i, i)
		}
	}
	for _, x := range extra {
		b.WriteString(x + "\n")
	}
	p := filepath.Join(f.dir, fmt.Sprintf("rows-%d.csv", n))
	require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))
	return p
}

// readManifest returns every line of OUTDIR's manifest.
func readManifest(t testing.TB, dir string) []manifestEntry {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, batchManifest))
	require.NoError(t, err)
	var out []manifestEntry
	s := bufio.NewScanner(bytes.NewReader(data))
	for s.Scan() {
		var m manifestEntry
		require.NoError(t, json.Unmarshal(s.Bytes(), &m), "%s", s.Text())
		out = append(out, m)
	}
	return out
}

// manifestRows returns each row's state as a resumed run sees it: the last
// outcome, with the row's reservation (id, status index, validFrom).
func manifestRows(t testing.TB, dir string) map[int]manifestEntry {
	t.Helper()
	rows := map[int]manifestEntry{}
	for _, m := range readManifest(t, dir) {
		if prev, ok := rows[m.Row]; ok && prev.ID != "" {
			if m.ID == "" {
				m.ID, m.StatusIndex, m.ValidFrom = prev.ID, prev.StatusIndex, prev.ValidFrom
			}
			require.Equal(t, prev.ID, m.ID, "row %d: one reservation", m.Row)
			require.Equal(t, prev.StatusIndex, m.StatusIndex, "row %d: one status index", m.Row)
		}
		rows[m.Row] = m
	}
	return rows
}

// checkBatch checks a completed OUTDIR: one manifest line per row in row
// order, every issued credential (and baked image) verifies against the
// written status list and is the one the manifest names, credential ids
// and status indexes unique (in the manifest and in the files), every
// index allocated. It returns the entries by row.
func checkBatch(t *testing.T, out string, rows int, jwt bool) map[int]manifestEntry {
	t.Helper()
	ctx := context.Background()
	entries := readManifest(t, out)
	byRow := map[int]manifestEntry{}
	prev := 0
	for _, m := range entries {
		require.Greater(t, m.Row, prev, "one line per row, in row order")
		prev = m.Row
		byRow[m.Row] = m
	}
	require.Len(t, entries, rows)
	list, err := os.ReadFile(filepath.Join(out, batchStatusList))
	require.NoError(t, err)
	v, err := badge.NewVerifier(badge.VerifierOptions{Status: status.NewLocalChecker(map[string][]byte{batchListURL: list}, nil)})
	require.NoError(t, err)
	ids, indexes := map[string]int{}, map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for _, m := range entries {
		if m.Status != "issued" {
			continue
		}
		require.NotContains(t, ids, m.ID, "row %d: credential id issued twice", m.Row)
		ids[m.ID] = m.Row
		require.NotNil(t, m.StatusIndex)
		require.NotContains(t, indexes, *m.StatusIndex, "row %d: status index used twice", m.Row)
		indexes[*m.StatusIndex] = m.Row
		if jwt {
			assert.True(t, strings.HasSuffix(m.File, ".jwt"))
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			for _, name := range []string{m.File, m.Image} {
				if name == "" {
					continue
				}
				data, err := os.ReadFile(filepath.Join(out, name))
				if !assert.NoError(t, err) {
					return
				}
				res, err := v.Verify(ctx, data)
				if assert.NoError(t, err, "row %d %s", m.Row, name) {
					mu.Lock()
					assert.Equal(t, m.ID, res.Credential.ID(), "row %d", m.Row)
					st := res.Credential.Statuses()
					if assert.Len(t, st, 1, "row %d", m.Row) {
						assert.Equal(t, strconv.Itoa(*m.StatusIndex), st[0]["statusListIndex"], "row %d %s: the manifest's status index", m.Row, name)
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	var st allocationState
	sb, err := os.ReadFile(filepath.Join(out, "status-list.allocated.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(sb, &st))
	for i := range indexes {
		assert.Contains(t, st.Allocated, i)
	}
	return byRow
}

func TestIssueBatchCSV(t *testing.T) {
	f := newBatchFixture(t)
	const n = 200
	in := f.csvRows(t, n)
	out := filepath.Join(f.dir, "out")
	code, stdout, stderr := runCmd("issue", "--batch", in, "--key", f.key, "--achievement", f.achievement,
		"--status-list", f.list, "--bake", f.png, "--hash-email", "--issuer-name", "Example University", "-o", out)
	require.Equal(t, exitOK, code, stderr)
	assert.Empty(t, stdout)
	// Not a terminal: plain lines, the last one complete.
	assert.NotContains(t, stderr, "\r")
	assert.Regexp(t, regexp.MustCompile(`openbadges issue: 200/200 rows \(100%\): 200 issued, 0 failed, 0 skipped; [0-9.]+ credentials/s`), stderr)

	byRow := checkBatch(t, out, n, false)
	for row, m := range byRow {
		assert.Equal(t, "issued", m.Status)
		assert.Equal(t, fmt.Sprintf("row-%06d.json", row), m.File)
		assert.Equal(t, fmt.Sprintf("row-%06d.png", row), m.Image)
	}
	assert.Equal(t, "did:example:learner0", byRow[2].Recipient)
	assert.Regexp(t, `^emailAddress:\(hashed [0-9a-f]{32}\)$`, byRow[3].Recipient, "a keyed digest, not the address")

	// No e-mail address in clear anywhere in OUTDIR; the hash matches.
	err := filepath.Walk(out, func(p string, info os.FileInfo, err error) error {
		require.NoError(t, err)
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			assert.NotContains(t, strings.ToLower(string(data)), "@example.edu", p)
		}
		return nil
	})
	require.NoError(t, err)
	v, err := badge.NewVerifier(badge.VerifierOptions{InsecureSkipStatus: true})
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join(out, byRow[3].File))
	require.NoError(t, err)
	res, err := v.VerifyWith(context.Background(), data, &badge.VerifyOptions{
		Recipient: &badge.ExpectedRecipient{Type: badge.IdentifierTypeEmailAddress, Value: "learner1@example.edu"}})
	require.NoError(t, err)
	assert.True(t, res.Verified)
	assert.Contains(t, string(data), `"name":"Example University"`)

	// A re-run has nothing to do.
	code, _, stderr = runCmd("issue", "--batch", in, "--key", f.key, "--achievement", f.achievement,
		"--status-list", f.list, "--bake", f.png, "--hash-email", "--issuer-name", "Example University", "-o", out)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "200 credentials in "+out+" (0 issued now, 200 already)")
	checkBatch(t, out, n, false)
}

func TestIssueBatchMalformedRows(t *testing.T) {
	f := newBatchFixture(t)
	in := f.csvRows(t, 4,
		",,Carl,",                      // row 6: missing recipient
		",not-an-email,Dan,",           // row 7: bad e-mail
		",learner1@example.EDU,Again,", // row 8: duplicate of row 3 (normalized)
		"did:example:learner0,,,",      // row 9: duplicate of row 2
		",x@example.edu,Too,Many,Cols", // row 10: wrong column count
		",\xffy@example.edu,Bad,",      // row 11: invalid UTF-8
		"did:example:ok,,Last,S9",      // row 12: fine
		`"did:example:open,,,`,         // row 13: unterminated quote, to the end
	)
	out := filepath.Join(f.dir, "out")
	code, _, stderr := runCmd("issue", "--batch", in, "--key", f.key, "--achievement", f.achievement,
		"--status-list", f.list, "--hash-email", "-o", out)
	require.Equal(t, exitInvalid, code, stderr)
	assert.Contains(t, stderr, "5 credentials in "+out)
	assert.Contains(t, stderr, "7 rows failed")
	byRow := checkBatch(t, out, 12, false)
	want := map[int]string{
		6:  "row 6: no recipient",
		7:  `row 7: invalid e-mail address "(redacted)"`,
		8:  "row 8: duplicate recipient in batch (first in row 3)",
		9:  "row 9: duplicate recipient in batch (first in row 2)",
		10: "row 10: 5 columns, the header has 4",
		11: `row 11: column "Email" is not valid UTF-8`,
		13: "row 13: malformed CSV",
	}
	for row := 2; row <= 13; row++ {
		m := byRow[row]
		if w, bad := want[row]; bad {
			assert.Equal(t, "failed", m.Status, "row %d", row)
			assert.Contains(t, m.Error, w)
			assert.Nil(t, m.StatusIndex, "row %d: a failed row has no status index", row)
			assert.NoFileExists(t, filepath.Join(out, fmt.Sprintf("row-%06d.json", row)))
		} else {
			assert.Equal(t, "issued", m.Status, "row %d: %s", row, m.Error)
		}
	}
	data, err := os.ReadFile(filepath.Join(out, batchManifest))
	require.NoError(t, err)
	assert.NotContains(t, string(data), "not-an-email", "a hashed e-mail is redacted even when invalid")
}

func TestIssueBatchJSONLines(t *testing.T) {
	f := newBatchFixture(t)
	lines := []string{
		`{"did":"did:example:a","name":"Ann"}`,
		`{"email":"b@example.edu","student_id":"S2","sourcedId":"src-2"}`,
		``, // blank lines are skipped
		`["not","an","object"]`,
		`{"email":"c@example.edu","EMAIL":"d@example.edu"}`,
		`{"email":"e@example.edu","email":"e@example.edu"}`,
		`{"did":"did:example:f","student id":12}`,
		`{"did":"did:example:g","colour":"blue"}`,
		"{\"email\":\"\xffh@example.edu\"}",
		`{"did":"did:example:i"`,
		`{"ext:badgeNumber":"B-10"}`,
	}
	in := filepath.Join(f.dir, "rows.jsonl")
	require.NoError(t, os.WriteFile(in, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	out := filepath.Join(f.dir, "out")
	code, _, stderr := runCmd("issue", "--batch", in, "--key", f.key, "--achievement", f.achievement,
		"--status-list", f.list, "--format", "jwt", "--progress-every", "1ns", "-o", out)
	require.Equal(t, exitInvalid, code, stderr)
	byRow := checkBatch(t, out, 10, true)
	for row, w := range map[int]string{4: "not a JSON object", 5: "name the same column", 6: "duplicate", 7: `"student id" is not a string`,
		8: `unknown column "colour"`, 9: "malformed JSON", 10: "malformed JSON"} {
		assert.Equal(t, "failed", byRow[row].Status, "row %d", row)
		assert.Contains(t, byRow[row].Error, w, "row %d", row)
	}
	for _, row := range []int{1, 2, 11} {
		assert.Equal(t, "issued", byRow[row].Status, "row %d: %s", row, byRow[row].Error)
	}
	assert.Equal(t, "emailAddress:b@example.edu", byRow[2].Recipient, "not hashed without --hash-email")
	assert.Equal(t, "ext:badgeNumber:B-10", byRow[11].Recipient)
	tok, err := os.ReadFile(filepath.Join(out, byRow[2].File))
	require.NoError(t, err)
	c, err := credentialFromToken(string(tok))
	require.NoError(t, err)
	assert.Contains(t, c, `"identityHash":"b@example.edu"`)
	assert.Contains(t, c, `"identityType":"ext:studentId"`)
	assert.Contains(t, c, `"identityType":"sourcedId"`)
}

// credentialFromToken returns the vc claim of a VC-JWT payload as JSON text.
func credentialFromToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(strings.TrimSpace(tok), ".")[1])
	return string(b), err
}

func TestIssueBatchUsage(t *testing.T) {
	f := newBatchFixture(t)
	in := f.csvRows(t, 2)
	base := []string{"issue", "--batch", in, "--key", f.key, "--achievement", f.achievement}
	for name, tt := range map[string]struct {
		args []string
		code int
		msg  string
	}{
		"no outdir":        {base, exitUsage, "-o OUTDIR"},
		"file argument":    {append(append([]string{}, base...), "-o", f.dir+"/o1", "x.json"), exitUsage, "no FILE argument"},
		"suite":            {append(append([]string{}, base...), "-o", f.dir+"/o1", "--suite", "eddsa-rdfc-2022"), exitUsage, "do not apply"},
		"extension":        {[]string{"issue", "--batch", f.achievement + ".txt", "--key", f.key, "--achievement", f.achievement, "-o", f.dir}, exitUsage, ".csv or .jsonl"},
		"no batch":         {[]string{"issue", "--key", f.key, "--hash-email", "x.json"}, exitUsage, "need --batch"},
		"no achievement":   {[]string{"issue", "--batch", in, "--key", f.key, "-o", f.dir + "/o1"}, exitUsage, "--achievement"},
		"bad achievement":  {[]string{"issue", "--batch", in, "--key", f.key, "--achievement", f.list, "-o", f.dir + "/o1"}, exitInvalid, "achievement"},
		"list of another":  {append(append([]string{}, base...), "-o", f.dir+"/o2", "--status-list", otherList(t, f)), exitInvalid, "not by the key's controller"},
		"not an image":     {append(append([]string{}, base...), "-o", f.dir+"/o3", "--bake", f.achievement), exitInvalid, "unsupported image"},
		"unknown column":   {[]string{"issue", "--batch", writeFile(t, f.dir, "bad.csv", "did,shoe size\n"), "--key", f.key, "--achievement", f.achievement, "-o", f.dir + "/o4"}, exitInvalid, `unknown column "shoe size"`},
		"no recipient col": {[]string{"issue", "--batch", writeFile(t, f.dir, "names.csv", "name\nAnn\n"), "--key", f.key, "--achievement", f.achievement, "-o", f.dir + "/o5"}, exitInvalid, "no recipient column"},
	} {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := runCmd(tt.args...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Contains(t, stderr, tt.msg)
		})
	}

	// OUTDIR of another batch is refused.
	out := filepath.Join(f.dir, "o6")
	code, _, stderr := runCmd(append(append([]string{}, base...), "-o", out)...)
	require.Equal(t, exitOK, code, stderr)
	code, _, stderr = runCmd(append(append([]string{}, base...), "-o", out, "--format", "jwt")...)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, stderr, "holds another batch")
}

func writeFile(t *testing.T, dir, name, content string) string {
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

// otherList is a status list signed by another key.
func otherList(t *testing.T, f *batchFixture) string {
	k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{12}, 32))
	require.NoError(t, err)
	l, err := status.NewList(status.ListOptions{ID: batchListURL})
	require.NoError(t, err)
	lb, err := l.Sign(context.Background(), proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, nil)
	require.NoError(t, err)
	return writeFile(t, f.dir, "other-list.json", string(lb))
}

// TestIssueBatchResumeAfterCancel interrupts a batch half-way (as SIGINT
// does), damages OUTDIR (a torn manifest line, a credential file lost),
// and re-runs: every row ends up issued exactly once, every row reserved
// before the interruption keeps its credential id and status index (the
// one whose file was lost is signed again with them), and the status list
// allocation survives.
func TestIssueBatchResumeAfterCancel(t *testing.T) {
	f := newBatchFixture(t)
	const n = 200
	in := f.csvRows(t, n)
	out := filepath.Join(f.dir, "out")
	args := []string{"issue", "--batch", in, "--key", f.key, "--achievement", f.achievement,
		"--status-list", f.list, "--hash-email", "--workers", "2", "-o", out}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for ctx.Err() == nil {
			if m, _ := filepath.Glob(filepath.Join(out, "row-*.json")); len(m) >= n/3 {
				cancel()
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	var so, se bytes.Buffer
	code := run(ctx, &env{stdin: strings.NewReader(""), stdout: &so, stderr: &se}, args)
	require.Equal(t, exitInvalid, code, se.String())
	assert.Contains(t, se.String(), "interrupted after")
	first := readManifest(t, out)
	require.NotEmpty(t, first)
	require.Less(t, len(first), n, "interrupted before the end")

	// Damage: lose the last credential file recorded as issued, and tear
	// the manifest's last line.
	var lost manifestEntry
	for _, m := range first {
		if m.Status == rowIssued {
			lost = m
		}
	}
	require.NotEmpty(t, lost.File)
	require.NoError(t, os.Remove(filepath.Join(out, lost.File)))
	mf, err := os.OpenFile(filepath.Join(out, batchManifest), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = mf.WriteString(`{"row":999,"status":"iss`)
	require.NoError(t, err)
	require.NoError(t, mf.Close())

	code, _, stderr := runCmd(args...)
	require.Equal(t, exitOK, code, stderr)
	byRow := checkBatch(t, out, n, false)
	for _, m := range first {
		if m.ID == "" {
			continue
		}
		assert.Equal(t, m.ID, byRow[m.Row].ID, "row %d keeps its credential id", m.Row)
		assert.Equal(t, *m.StatusIndex, *byRow[m.Row].StatusIndex, "row %d keeps its status index", m.Row)
	}
	assert.Equal(t, lost.ID, byRow[lost.Row].ID, "the row whose file was lost is signed again with the same id")
	assert.Equal(t, *lost.StatusIndex, *byRow[lost.Row].StatusIndex, "and the same status index")
	assert.FileExists(t, filepath.Join(out, lost.File))
	left, _ := filepath.Glob(filepath.Join(out, batchTempPrefix+"*"))
	assert.Empty(t, left, "no temporary files left")
}

// TestIssueBatchHelperProcess runs the command line given in
// OPENBADGES_BATCH_ARGS (for the kill tests); otherwise it does nothing.
// With OPENBADGES_BATCH_KILL=POINT:N it kills itself with SIGKILL the N-th
// time the batch reaches POINT (a batchHook point).
func TestIssueBatchHelperProcess(t *testing.T) {
	args := os.Getenv("OPENBADGES_BATCH_ARGS")
	if args == "" {
		t.Skip("helper process")
	}
	ctx := context.Background()
	if spec := os.Getenv("OPENBADGES_BATCH_KILL"); spec != "" {
		ctx = withKillAt(ctx, spec)
	}
	os.Exit(run(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, strings.Split(args, "\x1f")))
}

// TestIssueBatchKill kills a batch process with SIGKILL part-way (at
// whatever point it has reached), then resumes it in-process: the union
// has every row once and verifies, every reservation is kept and every
// credential file written before the kill is kept byte for byte.
func TestIssueBatchKill(t *testing.T) {
	f := newBatchFixture(t)
	const n = 200
	in := f.csvRows(t, n)
	out := filepath.Join(f.dir, "out")
	args := []string{"issue", "--batch", in, "--key", f.key, "--achievement", f.achievement,
		"--status-list", f.list, "--bake", f.png, "--format", "jwt", "-o", out}
	killBatch(t, out, n/3, args)
	before := snapshotBatch(t, out)
	require.Less(t, before.issued, n)

	code, _, stderr := runCmd(args...)
	require.Equal(t, exitOK, code, stderr)
	checkResumed(t, before, checkBatch(t, out, n, true), out)
}

// killBatch starts the batch in a child process and SIGKILLs it once at
// least after credential files exist in out.
func killBatch(t *testing.T, out string, after int, args []string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestIssueBatchHelperProcess$")
	cmd.Env = append(os.Environ(), "OPENBADGES_BATCH_ARGS="+strings.Join(args, "\x1f"))
	var se bytes.Buffer
	cmd.Stderr = &se
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(5 * time.Minute)
	for {
		select {
		case err := <-done:
			t.Fatalf("the batch ended before it was killed (%v): %s", err, se.String())
		case <-deadline:
			_ = cmd.Process.Kill()
			t.Fatal("timeout")
		case <-time.After(2 * time.Millisecond):
		}
		if m, _ := filepath.Glob(filepath.Join(out, "row-*")); len(m) >= after {
			break
		}
	}
	require.NoError(t, cmd.Process.Kill()) // SIGKILL on Unix
	<-done
}

// TestIssueBatchLong is the acceptance run of issue #11, on 10,000 rows
// plus malformed ones, for each format: an uninterrupted run (timed), and
// a run killed half-way then resumed; every credential of both verifies.
// It takes a while on a small machine: set OPENBADGES_LONG=1 to run it.
func TestIssueBatchLong(t *testing.T) {
	if os.Getenv("OPENBADGES_LONG") == "" {
		t.Skip("set OPENBADGES_LONG=1 to issue 10,000 rows")
	}
	f := newBatchFixture(t)
	const n = 10000
	bad := []string{",,Nobody,", ",bad-address,X,", ",learner1@example.edu,Dup,", ",a@example.edu,Too,Many,Cols", ",\xff@example.edu,Y,"}
	in := f.csvRows(t, n, bad...)
	for _, format := range []string{"di", "jwt"} {
		t.Run(format, func(t *testing.T) {
			args := func(out string) []string {
				return []string{"issue", "--batch", in, "--key", f.key, "--achievement", f.achievement, "--format", format,
					"--status-list", f.list, "--hash-email", "-o", out}
			}
			full := filepath.Join(f.dir, format+"-full")
			start := time.Now()
			code, _, stderr := runCmd(args(full)...)
			elapsed := time.Since(start)
			require.Equal(t, exitInvalid, code, stderr) // the malformed rows
			assert.Contains(t, stderr, fmt.Sprintf("%d credentials in", n))
			t.Logf("%s: %d rows in %v: %.0f credentials/s (GOMAXPROCS %d)", format, n+len(bad), elapsed.Round(time.Millisecond),
				float64(n)/elapsed.Seconds(), runtime.GOMAXPROCS(0))
			checkBatch(t, full, n+len(bad), format == "jwt")

			resumed := filepath.Join(f.dir, format+"-resumed")
			killBatch(t, resumed, n/2, args(resumed))
			before := snapshotBatch(t, resumed)
			t.Logf("%s: killed with %d rows reserved, %d issued, %d credential files", format, len(before.rows), before.issued, len(before.files))
			code, _, stderr = runCmd(args(resumed)...)
			require.Equal(t, exitInvalid, code, stderr)
			byRow := checkBatch(t, resumed, n+len(bad), format == "jwt")
			checkResumed(t, before, byRow, resumed)
			failed := 0
			for _, m := range byRow {
				if m.Status != "issued" {
					failed++
				}
			}
			assert.Equal(t, len(bad), failed)
		})
	}
}
