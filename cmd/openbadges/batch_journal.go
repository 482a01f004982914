package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

// Names of the files a batch writes in OUTDIR.
const (
	batchManifest     = "manifest.jsonl"
	batchHeader       = "batch.json"
	batchLock         = ".lock"
	batchStatusList   = "status-list.json"
	batchTempPrefix   = ".tmp-"
	manifestSyncEvery = 256     // completion lines between fsyncs (and at most a second)
	maxManifestLine   = 1 << 20 // a longer manifest line is not one we wrote
)

// Row states in the manifest.
const (
	rowReserved = "reserved" // id, status index and file decided and durable; maybe signed, maybe written
	rowIssued   = "issued"   // the credential (and image) written
	rowFailed   = "failed"   // the row could not be issued
)

// manifestEntry is one line of OUTDIR/manifest.jsonl.
//
// A row's first line is written before its credential is signed: a
// "reserved" line with the credential id, the status index, validFrom and
// the file names, appended and fsynced (the intent). An "issued" or
// "failed" line follows. A row keeps the id and status index of its
// reservation in every later line; a resumed run signs it, if at all, with
// those, and a status index named in any line is never given to another
// row.
type manifestEntry struct {
	Row         int    `json:"row"`
	Status      string `json:"status"` // rowReserved, rowIssued or rowFailed
	Recipient   string `json:"recipient,omitempty"`
	ID          string `json:"id,omitempty"`
	File        string `json:"file,omitempty"`
	Image       string `json:"image,omitempty"`
	StatusIndex *int   `json:"statusIndex,omitempty"`
	ValidFrom   string `json:"validFrom,omitempty"`
	Adopted     bool   `json:"adopted,omitempty"` // issued by adopting the file a killed run wrote
	Error       string `json:"error,omitempty"`
}

// reservation returns the entry's reservation, or nil if it has none.
func (m manifestEntry) reservation() *badge.BatchReservation {
	if m.ID == "" {
		return nil
	}
	r := &badge.BatchReservation{ID: m.ID, StatusIndex: -1}
	if m.StatusIndex != nil {
		r.StatusIndex = *m.StatusIndex
	}
	if t, err := time.Parse(time.RFC3339, m.ValidFrom); err == nil {
		r.ValidFrom = t
	}
	return r
}

// batchStore is the issuer state of one batch: each row's reservation
// (credential id, status index, validFrom, files) and outcome, and every
// status index ever reserved. The manifest in OUTDIR (batchDir) is the one
// implementation; a database (issue #19) can be another, with the same
// contract: reserve is durable before it returns and never accepts a row
// or a status index twice, and a reservation, once stored, is kept with
// its row whatever outcome follows. The credential files, the summary and
// the compaction stay with OUTDIR (batchDir), whichever store holds the
// state.
type batchStore interface {
	// record returns the row's state, merged over its lines (the last
	// outcome, the first reservation).
	record(row int) (manifestEntry, bool)
	// allocated returns every status index any row has reserved.
	allocated() []int
	// reserve stores reservations; they are durable when it returns nil.
	reserve(ms []manifestEntry) error
	// complete stores a row's outcome; it need not be durable at once
	// (a lost outcome line leaves the reservation, and the row is adopted
	// or signed again with it).
	complete(m manifestEntry) error
	// sync makes every outcome stored so far durable.
	sync() error
}

// batchDir is an OUTDIR being filled: its manifest (the batchStore), read
// back on resume and appended to, and the lock that keeps a second run
// out.
type batchDir struct {
	dir  string
	lock *os.File
	// recipientKey is the batch header's RecipientKey (nil for a batch
	// begun without one).
	recipientKey []byte

	mu       sync.Mutex
	manifest *os.File
	entries  map[int]manifestEntry // merged state per row
	indexes  map[int]int           // status index -> the row that reserved it
	pending  int
	lastSync time.Time
}

var _ batchStore = (*batchDir)(nil)

// openBatchDir creates or reopens OUTDIR: it takes the lock, checks that an
// existing batch there issues the same thing, removes temporary files left
// by a killed run, reads the manifest (dropping a torn last line) and opens
// it for appending.
func openBatchDir(dir string, h batchHeaderInfo) (*batchDir, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	lock, err := lockBatchDir(filepath.Join(dir, batchLock))
	if err != nil {
		return nil, err
	}
	d := &batchDir{dir: dir, lock: lock, entries: map[int]manifestEntry{}, indexes: map[int]int{}, lastSync: time.Now()}
	if err := d.open(h); err != nil {
		d.close()
		return nil, err
	}
	return d, nil
}

func (d *batchDir) open(h batchHeaderInfo) error {
	switch old, err := os.ReadFile(filepath.Join(d.dir, batchHeader)); {
	case errors.Is(err, os.ErrNotExist):
		var key [16]byte
		if _, err := rand.Read(key[:]); err != nil {
			return err
		}
		h.RecipientKey = hex.EncodeToString(key[:])
		hb, _ := json.MarshalIndent(h, "", "  ")
		hb = append(hb, '\n')
		if err := writeFileAtomic(d.dir, batchHeader, hb); err != nil {
			return err
		}
		d.recipientKey = key[:]
	case err != nil:
		return err
	default:
		var prev batchHeaderInfo
		err := json.Unmarshal(old, &prev)
		key := prev.RecipientKey
		prev.RecipientKey = h.RecipientKey
		if err != nil || prev != h {
			return fmt.Errorf("%s holds another batch (see %s: achievement, issuer, format, status list, --hash-email and --bake must match to resume); use another -o", d.dir, batchHeader)
		}
		if key != "" {
			if d.recipientKey, err = hex.DecodeString(key); err != nil || len(d.recipientKey) < 16 {
				return fmt.Errorf("%s: recipientKey is not 16 or more hex bytes", filepath.Join(d.dir, batchHeader))
			}
		}
	}
	tmps, _ := filepath.Glob(filepath.Join(d.dir, batchTempPrefix+"*"))
	for _, t := range tmps {
		os.Remove(t)
	}
	path := filepath.Join(d.dir, batchManifest)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	d.manifest = f
	good, err := d.readManifest(f)
	if err == nil {
		err = f.Truncate(good)
	}
	if err == nil {
		_, err = f.Seek(good, io.SeekStart)
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	// The manifest, the header and the lock file exist durably before
	// anything is reserved.
	return syncDir(d.dir)
}

// readManifest reads the lines and returns the length of the part made of
// complete, valid lines. Only a tail can be damaged: a kill cuts at most
// the last line, and a power loss loses at most what was written after the
// last fsync, which no signature depends on (a reservation is signed only
// after its fsync). A damaged line followed by a valid one is not such a
// tail, and is an error: nothing is guessed.
func (d *batchDir) readManifest(f *os.File) (int64, error) {
	r := bufio.NewReaderSize(f, 64<<10)
	var good int64
	bad := 0 // line number of the first damaged line
	for n := 1; ; n++ {
		line, complete, err := readManifestLine(r)
		if err != nil {
			return 0, err
		}
		if len(line) == 0 && !complete {
			return good, nil // end of file
		}
		var m manifestEntry
		valid := complete && json.Unmarshal(bytes.TrimSpace(line), &m) == nil && m.Row > 0 &&
			(m.Status == rowReserved || m.Status == rowIssued || m.Status == rowFailed)
		switch {
		case !valid && bad == 0:
			bad = n
		case valid && bad > 0:
			return 0, fmt.Errorf("line %d is damaged but line %d after it is not: repair the manifest by hand", bad, n)
		case valid:
			if err := d.apply(m); err != nil {
				return 0, fmt.Errorf("line %d: %w", n, err)
			}
			good += int64(len(line))
		}
		if !complete {
			return good, nil
		}
	}
}

// readManifestLine returns the next line with its '\n' (complete) or the
// rest of the file (not complete). A line longer than maxManifestLine is
// returned cut, as not complete.
func readManifestLine(r *bufio.Reader) (line []byte, complete bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		line = append(line, chunk...)
		switch {
		case err == nil:
			return line, true, nil
		case err == io.EOF:
			return line, false, nil
		case !errors.Is(err, bufio.ErrBufferFull):
			return nil, false, err
		case len(line) > maxManifestLine:
			return line[:maxManifestLine], false, nil
		}
	}
}

// apply merges a line into the row's state: the last outcome wins, the
// reservation stays. Every status index stays allocated to its row; one
// named for two rows is an error.
func (d *batchDir) apply(m manifestEntry) error {
	if prev, ok := d.entries[m.Row]; ok && prev.ID != "" {
		if m.ID == "" {
			m.ID, m.StatusIndex, m.ValidFrom = prev.ID, prev.StatusIndex, prev.ValidFrom
		}
		if m.ID == prev.ID && prev.Recipient != "" {
			m.Recipient = prev.Recipient // the reservation's learner
		}
	}
	if m.StatusIndex != nil {
		i := *m.StatusIndex
		if i < 0 {
			return fmt.Errorf("row %d: negative status index %d", m.Row, i)
		}
		if other, taken := d.indexes[i]; taken && other != m.Row {
			return fmt.Errorf("status index %d is recorded for rows %d and %d", i, other, m.Row)
		}
		d.indexes[i] = m.Row
	}
	d.entries[m.Row] = m
	return nil
}

func (d *batchDir) record(row int) (manifestEntry, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	m, ok := d.entries[row]
	return m, ok
}

func (d *batchDir) allocated() []int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Sorted(maps.Keys(d.indexes))
}

// reserve appends the reservations and fsyncs the manifest. A reservation
// that contradicts the manifest (a row reserved already, a status index
// another row holds) is refused before anything is written.
func (d *batchDir) reserve(ms []manifestEntry) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	var b bytes.Buffer
	taken := map[int]int{}
	for _, m := range ms {
		if prev, ok := d.entries[m.Row]; ok && prev.ID != "" {
			return fmt.Errorf("row %d is reserved already (credential %s)", m.Row, prev.ID)
		}
		if m.StatusIndex != nil {
			i := *m.StatusIndex
			if other, ok := d.indexes[i]; ok {
				return fmt.Errorf("status index %d is reserved for row %d already", i, other)
			}
			if other, ok := taken[i]; ok {
				return fmt.Errorf("status index %d reserved for rows %d and %d", i, other, m.Row)
			}
			taken[i] = m.Row
		}
		m.Status = rowReserved
		line, err := json.Marshal(m)
		if err != nil {
			return err
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	if _, err := d.manifest.Write(b.Bytes()); err != nil {
		return err
	}
	if err := d.manifest.Sync(); err != nil {
		return err
	}
	for _, m := range ms {
		m.Status = rowReserved
		if err := d.apply(m); err != nil {
			return err
		}
	}
	d.pending = 0 // the fsync covered them
	return nil
}

// complete appends an outcome line. Lines are synced every
// manifestSyncEvery lines or every second, after the directory, so that a
// durable "issued" line names files whose renames are durable.
func (d *batchDir) complete(m manifestEntry) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if _, err := d.manifest.Write(append(b, '\n')); err != nil {
		return err
	}
	if err := d.apply(m); err != nil {
		return err
	}
	d.pending++
	if d.pending >= manifestSyncEvery || time.Since(d.lastSync) > time.Second {
		return d.syncLocked()
	}
	return nil
}

func (d *batchDir) sync() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.syncLocked()
}

func (d *batchDir) syncLocked() error {
	if d.pending == 0 {
		return nil
	}
	if err := syncDir(d.dir); err != nil {
		return err
	}
	d.pending, d.lastSync = 0, time.Now()
	return d.manifest.Sync()
}

// inPlace reports whether an issued entry's files exist and are not empty.
func (d *batchDir) inPlace(m manifestEntry, bake bool) bool {
	names := []string{m.File}
	if bake {
		names = append(names, m.Image)
	}
	for _, n := range names {
		if n == "" || filepath.Base(n) != n {
			return false
		}
		st, err := os.Stat(filepath.Join(d.dir, n))
		if err != nil || !st.Mode().IsRegular() || st.Size() == 0 {
			return false
		}
	}
	return true
}

// stored reads a file a reservation names, at most badge's input limit.
// A missing file is nil; one above the limit is not one we wrote and
// reads as empty (to be replaced); any other error is returned (the row
// then fails: what cannot be read is never replaced blindly).
func (d *batchDir) stored(name string) ([]byte, error) {
	if name == "" || filepath.Base(name) != name {
		return nil, fmt.Errorf("the manifest names the file %q", name)
	}
	f, err := os.Open(filepath.Join(d.dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	b, err := io.ReadAll(io.LimitReader(f, badge.DefaultMaxInputBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > badge.DefaultMaxInputBytes {
		return []byte{}, nil
	}
	return b, nil
}

func (d *batchDir) failed() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, m := range d.entries {
		if m.Status != rowIssued {
			n++
		}
	}
	return n
}

func (d *batchDir) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.entries)
}

// compact rewrites the manifest with one line per row, in row order, each
// with its reservation.
func (d *batchDir) compact() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	var b bytes.Buffer
	for _, row := range slices.Sorted(maps.Keys(d.entries)) {
		line, err := json.Marshal(d.entries[row])
		if err != nil {
			return err
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	if err := syncDir(d.dir); err != nil {
		return err
	}
	if err := writeFileAtomic(d.dir, batchManifest, b.Bytes()); err != nil {
		return err
	}
	return syncDir(d.dir)
}

func (d *batchDir) close() {
	if d.manifest != nil {
		d.manifest.Close()
	}
	if d.lock != nil {
		d.lock.Close() // releases the lock
	}
}

// adoptOrphans reserves the credential files of rows the manifest does not
// name. This version never writes one (a file is written after its
// reservation is durable), but a batch interrupted under an earlier
// version may have left some: their status indexes were never recorded.
// Each file's id and status index are read (without verifying it) and
// reserved before anything else, so the index is never given to another
// row; the run then adopts the file if it verifies, or signs the row again
// with them. A file whose index another row holds is an error.
func (d *batchDir) adoptOrphans(ctx context.Context, ext, imageExt string) (int, error) {
	names, err := filepath.Glob(filepath.Join(d.dir, "row-*"+ext))
	if err != nil {
		return 0, err
	}
	v, err := badge.NewVerifier(badge.VerifierOptions{
		Proofs: &proof.Verifier{Resolver: proof.ResolverFunc(noResolve)}, InsecureSkipStatus: true, MaxEndorsementDepth: -1})
	if err != nil {
		return 0, err
	}
	var ms []manifestEntry
	for _, p := range names {
		base := filepath.Base(p)
		row, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(base, "row-"), ext))
		if err != nil || row <= 0 || rowName(row)+ext != base {
			continue
		}
		if _, ok := d.record(row); ok {
			continue
		}
		data, err := d.stored(base)
		if err != nil || len(data) == 0 {
			continue // unreadable: no index to keep, the row is issued anew over it
		}
		res, _ := v.Verify(ctx, data)
		if res == nil || res.Credential == nil || res.Credential.ID() == "" {
			continue
		}
		m := manifestEntry{Row: row, ID: res.Credential.ID(), File: base}
		if imageExt != "" {
			m.Image = rowName(row) + imageExt
		}
		if from, ok, err := res.Credential.ValidFrom(); ok && err == nil {
			m.ValidFrom = from.UTC().Format(time.RFC3339)
		}
		for _, st := range res.Credential.Statuses() {
			s, _ := st["statusListIndex"].(string)
			i, err := strconv.Atoi(s)
			if err != nil || i < 0 {
				return 0, fmt.Errorf("%s: status index %q", base, s)
			}
			if other, taken := d.indexes[i]; taken {
				return 0, fmt.Errorf("%s (not in the manifest) carries status index %d, which row %d holds: an earlier version gave it twice; resolve by hand", base, i, other)
			}
			m.StatusIndex = &i
		}
		ms = append(ms, m)
	}
	if len(ms) == 0 {
		return 0, nil
	}
	return len(ms), d.reserve(ms)
}

func noResolve(_ context.Context, id string) (*did.Document, error) {
	return nil, fmt.Errorf("not resolved: %q", id)
}

// rowName is the base name of a row's files.
func rowName(row int) string { return fmt.Sprintf("row-%06d", row) }

// writeFileAtomic writes data to dir/name through a synced temporary file
// and a rename, so that name never holds a partial file. The rename is
// durable once dir is synced (syncDir).
func writeFileAtomic(dir, name string, data []byte) error {
	f, err := os.CreateTemp(dir, batchTempPrefix+name+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
