package main

import (
	"bufio"
	"bytes"
	"context"
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
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc/status"
)

// Names of the files a batch writes in OUTDIR.
const (
	batchManifest     = "manifest.jsonl"
	batchHeader       = "batch.json"
	batchStatusList   = "status-list.json"
	batchTempPrefix   = ".tmp-"
	manifestSyncEvery = 256 // manifest lines between fsyncs (and at most a second)
)

// batchConfig holds the flags of "issue --batch".
type batchConfig struct {
	input, key, achievement, format, bake, statusList, outDir, issuerName string
	hashEmail                                                             bool
	workers                                                               int
	progressEvery                                                         time.Duration
}

// manifestEntry is one line of OUTDIR/manifest.jsonl.
type manifestEntry struct {
	Row         int    `json:"row"`
	Status      string `json:"status"` // "issued" or "failed"
	Recipient   string `json:"recipient,omitempty"`
	ID          string `json:"id,omitempty"`
	File        string `json:"file,omitempty"`
	Image       string `json:"image,omitempty"`
	StatusIndex *int   `json:"statusIndex,omitempty"`
	Error       string `json:"error,omitempty"`
}

// batchHeaderInfo is OUTDIR/batch.json: what the batch in OUTDIR issues. A
// re-run must issue the same thing to resume it.
type batchHeaderInfo struct {
	Achievement string `json:"achievement"`
	Issuer      string `json:"issuer"`
	Format      string `json:"format"`
	StatusList  string `json:"statusList,omitempty"`
	HashEmail   bool   `json:"hashEmail"`
	Bake        bool   `json:"bake"`
}

// allocationState is the allocation sidecar of a status list file
// (LIST.allocated.json beside LIST.json): the indexes already used.
type allocationState struct {
	List      string `json:"list"`
	Allocated []int  `json:"allocated"`
}

// allocationPath returns the sidecar of a status list file.
func allocationPath(list string) string {
	return strings.TrimSuffix(list, ".json") + ".allocated.json"
}

func runIssueBatch(ctx context.Context, e *env, c batchConfig) int {
	const cmd = "issue"
	switch {
	case c.outDir == "":
		return usageErrorf(e, cmd, "--batch needs -o OUTDIR")
	case c.key == "":
		return usageErrorf(e, cmd, "--key is required")
	case c.achievement == "":
		return usageErrorf(e, cmd, "--batch needs --achievement ACHIEVEMENT.json")
	case c.workers < 0:
		return usageErrorf(e, cmd, "--workers must not be negative")
	}
	var format badge.Format
	switch c.format {
	case "di":
		format = badge.DataIntegrity
	case "jwt":
		format = badge.JWT
	default:
		return usageErrorf(e, cmd, "unknown --format %q (want di or jwt)", c.format)
	}
	in, err := newBatchInput(c.input, c.hashEmail)
	if err != nil {
		return usageErrorf(e, cmd, "%v", err)
	}

	keyData, err := os.ReadFile(c.key)
	if err != nil {
		return failf(e, cmd, "reading key: %v", err)
	}
	k, err := did.ParsePrivateKey(keyData)
	if err != nil {
		return failf(e, cmd, "key %s: %v", c.key, err)
	}
	if !strings.Contains(k.ID, ":") {
		return failf(e, cmd, "key %s has no verification method URL (id); the issuer profile needs one", c.key)
	}
	iss := &badge.Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, Format: format}
	profile := iss.Profile(c.issuerName)

	achData, err := readInput(e, c.achievement)
	if err != nil {
		return failf(e, cmd, "%v", err)
	}
	var ach badge.Achievement
	if err := json.Unmarshal(achData, &ach); err != nil {
		return failf(e, cmd, "achievement %s: %v", c.achievement, err)
	}
	// Check the shared parts once rather than failing every row.
	probe, err := badge.NewCredential(profile, ach, badge.RecipientDID("did:example:probe"), nil)
	if err == nil {
		err = probe.Validate()
	}
	if err != nil {
		return failf(e, cmd, "achievement %s: %v", c.achievement, err)
	}
	var image []byte
	if c.bake != "" {
		if image, err = readInput(e, c.bake); err != nil {
			return failf(e, cmd, "%v", err)
		}
	}
	total, err := in.count()
	if err != nil {
		return failf(e, cmd, "%s: %v", c.input, err)
	}

	var list *status.List
	if c.statusList != "" {
		if list, err = loadStatusList(c.statusList, profile.ID); err != nil {
			return failf(e, cmd, "%v", err)
		}
	}

	out, err := openBatchDir(c.outDir, batchHeaderInfo{
		Achievement: ach.ID, Issuer: profile.ID, Format: c.format, StatusList: listID(list),
		HashEmail: c.hashEmail, Bake: c.bake != "",
	}, image)
	if err != nil {
		return failf(e, cmd, "%v", err)
	}
	defer out.close()
	if list != nil {
		if err := list.MarkAllocated(out.allocated()...); err != nil {
			return failf(e, cmd, "%s: the manifest's status indexes do not fit the list: %v", c.outDir, err)
		}
	}

	ext := ".json"
	if format == badge.JWT {
		ext = ".jwt"
	}
	prog := newProgressPrinter(e.stderr, c.progressEvery)
	b := &badge.Batch{
		Issuer:      iss,
		Profile:     profile,
		Achievement: ach,
		Workers:     c.workers,
		Status:      list,
		Image:       image,
		Total:       total,
		Progress:    prog.update,
		Save: func(_ context.Context, r *badge.BatchResult) error {
			name := fmt.Sprintf("row-%06d", r.Item.Row)
			if err := writeFileAtomic(c.outDir, name+ext, r.Signed.Bytes()); err != nil {
				return err
			}
			if r.Baked != nil {
				if err := writeFileAtomic(c.outDir, name+"."+strings.ToLower(r.ImageFormat.String()), r.Baked); err != nil {
					return err
				}
			}
			r.Baked = nil
			r.Signed.JSON, r.Signed.JWT = nil, ""
			return nil
		},
	}
	items := func(yield func(badge.BatchItem) bool) {
		for it := range in.rows() {
			if out.issued(it.Row) {
				it.Issued = true
			}
			if !yield(it) {
				return
			}
		}
	}
	p, runErr := b.Run(ctx, items, func(r *badge.BatchResult) error {
		if r.Skipped {
			return nil
		}
		m := manifestEntry{Row: r.Item.Row, Recipient: describeRecipient(r.Item)}
		if r.Err != nil {
			m.Status, m.Error = "failed", redact(r.Err.Error(), r.Item, c.hashEmail)
		} else {
			m.Status, m.ID = "issued", r.Signed.ID
			name := fmt.Sprintf("row-%06d", r.Item.Row)
			m.File = name + ext
			if image != nil {
				m.Image = name + "." + strings.ToLower(r.ImageFormat.String())
			}
		}
		if r.StatusIndex >= 0 && r.Err == nil {
			m.StatusIndex = &r.StatusIndex
		}
		return out.append(m)
	})
	prog.finish(p)
	if err := out.sync(); err != nil && runErr == nil {
		runErr = err
	}
	if list != nil {
		// Written whether or not the run completed: the manifest's
		// indexes are in use either way. Signing is local, so it runs
		// even after an interrupt.
		if err := saveStatusList(context.WithoutCancel(ctx), c.outDir, list, iss.Key); err != nil {
			return failf(e, cmd, "writing the status list: %v", err)
		}
	}
	if runErr == nil && in.err != nil {
		runErr = in.err
	}
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) || errors.Is(runErr, context.DeadlineExceeded) {
			return failf(e, cmd, "interrupted after %d rows; run the same command again to resume", p.Processed())
		}
		return failf(e, cmd, "%v (run the same command again to resume)", runErr)
	}
	if err := out.compact(); err != nil {
		return failf(e, cmd, "%v", err)
	}
	failed := out.failed()
	fmt.Fprintf(e.stderr, "openbadges issue: %d credentials in %s (%d issued now, %d already), %d rows failed; manifest: %s\n",
		len(out.entries)-failed, c.outDir, p.Done, p.Skipped, failed, filepath.Join(c.outDir, batchManifest))
	if failed > 0 {
		return exitInvalid
	}
	return exitOK
}

func listID(l *status.List) string {
	if l == nil {
		return ""
	}
	return l.Options().ID
}

// redact removes a hashed recipient's e-mail address from an error message.
func redact(msg string, it badge.BatchItem, hashEmail bool) string {
	if !hashEmail {
		return msg
	}
	for _, r := range append([]badge.Recipient{it.Recipient}, it.Identifiers...) {
		if r.Hashed && r.Identity != "" {
			msg = strings.ReplaceAll(msg, strconv.Quote(r.Identity), `"(redacted)"`)
			msg = strings.ReplaceAll(msg, r.Identity, "(redacted)")
		}
	}
	return msg
}

// loadStatusList reads a status list file and its allocation sidecar.
func loadStatusList(path, issuer string) (*status.List, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	list, err := status.ParseList(data, 0, nil)
	if err != nil {
		return nil, fmt.Errorf("status list %s: %w", path, err)
	}
	if got := list.Options().Issuer; got != issuer {
		return nil, fmt.Errorf("status list %s is issued by %q, not by the key's controller %q", path, got, issuer)
	}
	side, err := os.ReadFile(allocationPath(path))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return list, nil
	case err != nil:
		return nil, err
	}
	var st allocationState
	if err := json.Unmarshal(side, &st); err != nil {
		return nil, fmt.Errorf("%s: %w", allocationPath(path), err)
	}
	if st.List != list.Options().ID {
		return nil, fmt.Errorf("%s is the allocation state of %q, not of %q", allocationPath(path), st.List, list.Options().ID)
	}
	if err := list.MarkAllocated(st.Allocated...); err != nil {
		return nil, fmt.Errorf("%s: %w", allocationPath(path), err)
	}
	return list, nil
}

// saveStatusList writes the re-signed list and its allocation state into
// dir.
func saveStatusList(ctx context.Context, dir string, list *status.List, key proof.Key) error {
	signed, err := list.Sign(ctx, key, nil)
	if err != nil {
		return err
	}
	st, err := json.Marshal(allocationState{List: list.Options().ID, Allocated: list.Allocated()})
	if err != nil {
		return err
	}
	path := filepath.Join(dir, batchStatusList)
	if err := writeFileAtomic(dir, filepath.Base(allocationPath(path)), append(st, '\n')); err != nil {
		return err
	}
	return writeFileAtomic(dir, batchStatusList, append(signed, '\n'))
}

// writeFileAtomic writes data to dir/name through a synced temporary file
// and a rename, so that name never holds a partial file.
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

// batchDir is an OUTDIR being filled: its manifest, read back on resume
// and appended to.
type batchDir struct {
	dir      string
	bake     bool
	manifest *os.File
	entries  map[int]manifestEntry // last entry per row
	done     map[int]bool          // rows issued by an earlier run, files in place
	pending  int
	lastSync time.Time
}

// openBatchDir creates or reopens OUTDIR: it checks that an existing batch
// there issues the same thing, removes temporary files left by a killed
// run, reads the manifest (dropping a torn last line) and opens it for
// appending.
func openBatchDir(dir string, h batchHeaderInfo, image []byte) (*batchDir, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	hb, _ := json.MarshalIndent(h, "", "  ")
	hb = append(hb, '\n')
	switch old, err := os.ReadFile(filepath.Join(dir, batchHeader)); {
	case errors.Is(err, os.ErrNotExist):
		if err := writeFileAtomic(dir, batchHeader, hb); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	default:
		var prev batchHeaderInfo
		if err := json.Unmarshal(old, &prev); err != nil || prev != h {
			return nil, fmt.Errorf("%s holds another batch (see %s: achievement, issuer, format, status list, --hash-email and --bake must match to resume); use another -o", dir, batchHeader)
		}
	}
	tmps, _ := filepath.Glob(filepath.Join(dir, batchTempPrefix+"*"))
	for _, t := range tmps {
		os.Remove(t)
	}
	d := &batchDir{dir: dir, bake: image != nil, entries: map[int]manifestEntry{}, done: map[int]bool{}, lastSync: time.Now()}
	f, err := os.OpenFile(filepath.Join(dir, batchManifest), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	good, err := d.readManifest(f)
	if err == nil {
		err = f.Truncate(good)
	}
	if err == nil {
		_, err = f.Seek(good, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, batchManifest), err)
	}
	d.manifest = f
	for row, m := range d.entries {
		if m.Status == "issued" && d.inPlace(m) {
			d.done[row] = true
		}
	}
	return d, nil
}

// readManifest reads the entries and returns the length of the part made of
// complete, valid lines: a line cut by a kill is dropped (its row is
// redone).
func (d *batchDir) readManifest(f *os.File) (int64, error) {
	r := bufio.NewReader(f)
	var good int64
	for {
		line, err := r.ReadBytes('\n')
		if err == io.EOF {
			return good, nil // a last line without '\n' is torn
		}
		if err != nil {
			return 0, err
		}
		var m manifestEntry
		if json.Unmarshal(bytes.TrimSpace(line), &m) != nil || m.Row <= 0 {
			return good, nil
		}
		d.entries[m.Row] = m
		good += int64(len(line))
	}
}

// inPlace reports whether an issued entry's files exist and are not empty.
func (d *batchDir) inPlace(m manifestEntry) bool {
	names := []string{m.File}
	if d.bake {
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

func (d *batchDir) issued(row int) bool { return d.done[row] }

// allocated returns every status index the manifest records, issued or not
// (an index that reached a manifest may have reached a credential).
func (d *batchDir) allocated() []int {
	var out []int
	for _, m := range d.entries {
		if m.StatusIndex != nil {
			out = append(out, *m.StatusIndex)
		}
	}
	return out
}

func (d *batchDir) failed() int {
	n := 0
	for _, m := range d.entries {
		if m.Status != "issued" {
			n++
		}
	}
	return n
}

// append writes one manifest line; it is called after the row's files are
// in place. The manifest is synced every manifestSyncEvery lines or every
// second, after the directory (so that the renames it records are durable
// first).
func (d *batchDir) append(m manifestEntry) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if _, err := d.manifest.Write(append(b, '\n')); err != nil {
		return err
	}
	d.entries[m.Row] = m
	d.pending++
	if d.pending >= manifestSyncEvery || time.Since(d.lastSync) > time.Second {
		return d.sync()
	}
	return nil
}

func (d *batchDir) sync() error {
	if d.pending == 0 {
		return nil
	}
	syncDir(d.dir)
	d.pending, d.lastSync = 0, time.Now()
	return d.manifest.Sync()
}

// syncDir makes renames in dir durable where the platform allows it.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		_ = f.Sync() // not supported everywhere (Windows); the rename still happened
		f.Close()
	}
}

// compact rewrites the manifest with one line per row, in row order.
func (d *batchDir) compact() error {
	var b bytes.Buffer
	for _, row := range slices.Sorted(maps.Keys(d.entries)) {
		line, err := json.Marshal(d.entries[row])
		if err != nil {
			return err
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	syncDir(d.dir)
	if err := writeFileAtomic(d.dir, batchManifest, b.Bytes()); err != nil {
		return err
	}
	syncDir(d.dir)
	return nil
}

func (d *batchDir) close() {
	if d.manifest != nil {
		d.manifest.Close()
	}
}
