package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
)

// batchConfig holds the flags of "issue --batch".
type batchConfig struct {
	input, key, achievement, format, bake, statusList, outDir, issuerName string
	hashEmail                                                             bool
	// The issuer store (--store) replaces the manifest.
	store, publicURL, batchID string
	noStatus                  bool
	workers                   int
	progressEvery             time.Duration
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
	// RecipientKey (hex, random per batch) keys the digests that name a
	// hashed recipient in the manifest (describeRecipient): a resumed run
	// can tell whether a row still names the same learner without the
	// manifest holding the address. Not compared on resume.
	RecipientKey string `json:"recipientKey,omitempty"`
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

// Points of a batch run at which a test may stop it (see batchHook).
const (
	hookReserved          = "reserved"           // a row's reservation is durable; it is not signed yet
	hookCredentialWritten = "credential-written" // the row's credential file is in place, its baked image not yet
	hookWritten           = "written"            // the row's files are in place; its outcome line is not written
	hookCompleted         = "completed"          // the row's outcome line is appended
	hookFinished          = "finished"           // the status list is written; the manifest is not compacted yet
)

// batchHook is called at the points above with the row (0 for
// hookFinished). Only tests set one, in the context (batchHookKey): the
// kill tests stop the process there. Production runs have none.
type batchHook func(point string, row int)

type batchHookKey struct{}

func batchHookFrom(ctx context.Context) batchHook {
	if h, ok := ctx.Value(batchHookKey{}).(batchHook); ok && h != nil {
		return h
	}
	return func(string, int) {}
}

// runIssueBatch is "issue --batch". The order of durable writes for a row:
//
//  1. its reservation (credential id, status index, validFrom, file names)
//     is appended to OUTDIR/manifest.jsonl and fsynced, in groups (badge.Batch
//     calls Reserve before it signs any of them);
//  2. the credential is signed, written to a temporary file, fsynced and
//     renamed to OUTDIR/row-NNNNNN.json (or .jwt), then the baked image
//     likewise;
//  3. an "issued" line is appended; lines are fsynced in groups, after the
//     directory (so the renames they name are durable first).
//
// A run resumed after a kill skips rows with an "issued" line whose files
// are in place; a reserved row whose credential file is there is adopted
// if the file verifies with the key and is the reserved credential (never
// signed again), and any other reserved row is signed again with its
// reserved id and status index. A status index named in the manifest is
// never given to another row.
func runIssueBatch(ctx context.Context, e *env, c batchConfig) int {
	const cmd = "issue"
	switch {
	case c.outDir == "" && c.store == "":
		return usageErrorf(e, cmd, "--batch needs -o OUTDIR (or --store DSN)")
	case c.store != "" && c.statusList != "":
		return usageErrorf(e, cmd, "--status-list does not apply to --store: the store allocates status entries")
	case c.store == "" && (c.noStatus || c.publicURL != "" || c.batchID != ""):
		return usageErrorf(e, cmd, "--no-status, --public-url and --batch-id need --store")
	case c.key == "":
		return usageErrorf(e, cmd, "--key is required")
	case c.achievement == "":
		return usageErrorf(e, cmd, "--batch needs --achievement ACHIEVEMENT.json")
	case c.workers < 0:
		return usageErrorf(e, cmd, "--workers must not be negative")
	}
	var format badge.Format
	ext := ".json"
	switch c.format {
	case "di":
		format = badge.DataIntegrity
	case "jwt":
		format, ext = badge.JWT, ".jwt"
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
	imageExt := ""
	if c.bake != "" {
		if image, err = readInput(e, c.bake); err != nil {
			return failf(e, cmd, "%v", err)
		}
		imageExt = ".svg"
		if bytes.HasPrefix(image, []byte("\x89PNG")) {
			imageExt = ".png"
		}
	}
	total, err := in.count()
	if err != nil {
		return failf(e, cmd, "%s: %v", c.input, err)
	}

	if c.store != "" {
		if c.publicURL != "" {
			if err := checkPublicURL(c.publicURL); err != nil {
				return usageErrorf(e, cmd, "--public-url: %v", err)
			}
		}
		return runIssueBatchStore(ctx, e, c, storeBatch{iss: iss, profile: profile, ach: ach, image: image,
			ext: ext, imageExt: imageExt, in: in, total: total})
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
	})
	if err != nil {
		return failf(e, cmd, "%v", err)
	}
	defer out.close()
	if out.count() > 0 { // a resumed batch: the input must still name its learners
		if err := inputUnchanged(in, out, out.recipientKey); err != nil {
			return failf(e, cmd, "%v", err)
		}
	}
	if n, err := out.adoptOrphans(ctx, ext, imageExt); err != nil {
		return failf(e, cmd, "%s: %v", c.outDir, err)
	} else if n > 0 {
		fmt.Fprintf(e.stderr, "openbadges issue: %d credential files in %s were not in the manifest (an interrupted earlier version); their ids and status indexes are reserved\n", n, c.outDir)
	}
	var store batchStore = out
	if list != nil {
		n, err := carryStatusList(list, c.outDir, profile.ID)
		if err != nil {
			return failf(e, cmd, "%v", err)
		}
		if n > 0 {
			fmt.Fprintf(e.stderr, "openbadges issue: %d entries set in %s are kept set\n", n, filepath.Join(c.outDir, batchStatusList))
		}
		if err := list.MarkAllocated(store.allocated()...); err != nil {
			return failf(e, cmd, "%s: the manifest's status indexes do not fit the list: %v", c.outDir, err)
		}
	}

	hook := batchHookFrom(ctx)
	files := func(row int) (file, img string) {
		if image != nil {
			img = rowName(row) + imageExt
		}
		return rowName(row) + ext, img
	}
	entry := func(r *badge.BatchResult) manifestEntry {
		m := manifestEntry{Row: r.Item.Row, Recipient: describeRecipient(r.Item, out.recipientKey)}
		if res := r.Reservation; res.ID != "" {
			m.ID, m.ValidFrom = res.ID, res.ValidFrom.UTC().Format(time.RFC3339)
			if res.StatusIndex >= 0 {
				m.StatusIndex = &res.StatusIndex
			}
		}
		return m
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
		Reserve: func(_ context.Context, rs []*badge.BatchResult) error {
			ms := make([]manifestEntry, len(rs))
			for i, r := range rs {
				ms[i] = entry(r)
				ms[i].File, ms[i].Image = files(r.Item.Row)
			}
			if err := store.reserve(ms); err != nil {
				return err
			}
			for _, r := range rs {
				hook(hookReserved, r.Item.Row)
			}
			return nil
		},
		Save: func(_ context.Context, r *badge.BatchResult) error {
			file, img := files(r.Item.Row)
			if !r.Adopted { // an adopted credential is in place already, byte for byte
				if err := writeFileAtomic(c.outDir, file, r.Signed.Bytes()); err != nil {
					return err
				}
			}
			if r.Baked != nil {
				hook(hookCredentialWritten, r.Item.Row)
				if err := writeFileAtomic(c.outDir, img, r.Baked); err != nil {
					return err
				}
			}
			hook(hookWritten, r.Item.Row)
			r.Baked = nil
			r.Signed.JSON, r.Signed.JWT = nil, ""
			return nil
		},
	}
	items := func(yield func(badge.BatchItem) bool) {
		for it := range in.rows() {
			resumeItem(store, out, &it, image != nil, ext, out.recipientKey)
			if !yield(it) {
				return
			}
		}
	}
	p, runErr := b.Run(ctx, items, func(r *badge.BatchResult) error {
		if r.Skipped {
			return nil
		}
		m := entry(r)
		if r.Err != nil {
			m.Status, m.Error = rowFailed, redact(r.Err.Error(), r.Item, c.hashEmail)
		} else {
			m.Status, m.Adopted = rowIssued, r.Adopted
			m.File, m.Image = files(r.Item.Row)
		}
		if err := store.complete(m); err != nil {
			return err
		}
		hook(hookCompleted, r.Item.Row)
		return nil
	})
	prog.finish(p)
	if err := store.sync(); err != nil && runErr == nil {
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
	hook(hookFinished, 0)
	if err := out.compact(); err != nil {
		return failf(e, cmd, "%v", err)
	}
	failed := out.failed()
	adopted := ""
	if p.Adopted > 0 {
		adopted = fmt.Sprintf("; %d written by an interrupted run, verified and adopted", p.Adopted)
	}
	fmt.Fprintf(e.stderr, "openbadges issue: %d credentials in %s (%d issued now, %d already%s), %d rows failed; manifest: %s\n",
		out.count()-failed, c.outDir, p.Done-p.Adopted, p.Skipped, adopted, failed, filepath.Join(c.outDir, batchManifest))
	if failed > 0 {
		return exitInvalid
	}
	return exitOK
}

// resumeItem gives an input row what the manifest records for it: a row
// issued with its files in place is skipped; a reserved row (also one
// issued whose files are gone, or one that failed after its reservation)
// gets its reservation and the credential file it names, if any, to be
// adopted or signed again with the same id and status index. A reserved
// row whose recipient is not the one in the input any more fails: its
// reservation is never given to another learner. The state comes from
// store, the files from OUTDIR.
func resumeItem(store batchStore, out *batchDir, it *badge.BatchItem, bake bool, ext string, key []byte) {
	m, ok := store.record(it.Row)
	if !ok || m.ID == "" {
		return // new, or failed before a reservation: issued afresh
	}
	if it.Err == nil && m.Recipient != "" {
		if got := describeRecipient(*it, key); got != m.Recipient {
			// Also for an issued row: skipping it would leave the learner
			// the row now names without a badge, and the one it named
			// may be issued again further down.
			it.Err = fmt.Errorf("credential %s was reserved for %s, but the row now names %s: the input changed since the batch began", m.ID, m.Recipient, got)
			it.Reserved = m.reservation()
			return
		}
	}
	if m.Status == rowIssued && out.inPlace(m, bake) {
		it.Issued = true
		return
	}
	it.Reserved = m.reservation()
	if it.Err != nil {
		return
	}
	data, err := out.stored(rowName(it.Row) + ext)
	if err != nil {
		it.Err = fmt.Errorf("reading the credential stored for the row: %w", err)
		return
	}
	it.Existing = data
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
	data, err := readBounded(path)
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
	side, err := readBounded(allocationPath(path))
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

// carryStatusList makes list carry what OUTDIR's own status list says. An
// earlier run of this batch wrote it, and entries may have been set in it
// since (a revocation with "status set"): each entry set there is set in
// list too, and each index allocated in its allocation state stays
// allocated, so that a resumed run never publishes a list that lifts a
// revocation or frees an index. It returns the number of entries it set.
func carryStatusList(list *status.List, dir, issuer string) (int, error) {
	path := filepath.Join(dir, batchStatusList)
	data, err := readBounded(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	prev, err := status.ParseList(data, list.Options().StatusSize, nil)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	switch {
	case prev.Options().ID != list.Options().ID:
		return 0, fmt.Errorf("%s is the list %q, not %q", path, prev.Options().ID, list.Options().ID)
	case prev.Options().Issuer != issuer:
		return 0, fmt.Errorf("%s is issued by %q, not by %q", path, prev.Options().Issuer, issuer)
	case prev.Bitstring().Len() != list.Bitstring().Len():
		return 0, fmt.Errorf("%s has %d entries, the list %d", path, prev.Bitstring().Len(), list.Bitstring().Len())
	}
	n := 0
	for i := range prev.Bitstring().Len() {
		was, _ := prev.Get(i)
		now, _ := list.Get(i)
		if was|now != now {
			if err := list.Set(i, was|now); err != nil {
				return 0, err
			}
			n++
		}
	}
	side, err := readBounded(allocationPath(path))
	if errors.Is(err, os.ErrNotExist) {
		return n, nil
	}
	if err != nil {
		return 0, err
	}
	var st allocationState
	if err := json.Unmarshal(side, &st); err != nil {
		return 0, fmt.Errorf("%s: %w", allocationPath(path), err)
	}
	if st.List != list.Options().ID {
		return 0, fmt.Errorf("%s is the allocation state of %q, not of %q", allocationPath(path), st.List, list.Options().ID)
	}
	if err := list.MarkAllocated(st.Allocated...); err != nil {
		return 0, fmt.Errorf("%s: %w", allocationPath(path), err)
	}
	return n, nil
}

// readBounded reads a file of at most maxInputBytes.
func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxInputBytes+1))
	if err == nil && len(b) > maxInputBytes {
		err = fmt.Errorf("%s is larger than %d bytes", path, maxInputBytes)
	}
	return b, err
}

// saveStatusList writes the re-signed list and its allocation state into
// dir, durably.
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
	if err := writeFileAtomic(dir, batchStatusList, append(signed, '\n')); err != nil {
		return err
	}
	return syncDir(dir)
}
