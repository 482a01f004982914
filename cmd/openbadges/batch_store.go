package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/server"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/store"
)

// batchStoreChunk is how many rows one store transaction reserves.
const batchStoreChunk = 64

// storeBatch is what "issue --batch --store" needs beyond batchConfig:
// what the shared set-up of runIssueBatch decided.
type storeBatch struct {
	iss           *badge.Issuer
	profile       badge.Profile
	ach           badge.Achievement
	image         []byte
	ext, imageExt string
	in            *batchInput
	total         int
}

// defaultBatchID names a batch by what it issues and where its rows come
// from: the issuer, the achievement and the input file's absolute path.
func defaultBatchID(issuer, achievement, input string) string {
	abs, err := filepath.Abs(input)
	if err != nil {
		abs = input
	}
	sum := sha256.Sum256([]byte(issuer + "\x00" + achievement + "\x00" + abs))
	return hex.EncodeToString(sum[:12])
}

// rowFingerprint identifies what a row asks for, so that a row whose
// recipient changed since its reservation is refused rather than given
// the reserved credential id and status entry.
func rowFingerprint(batchID string, it badge.BatchItem, ach, format string) []byte {
	h := sha256.New()
	for _, s := range []string{batchID, ach, format, it.Recipient.ID, string(it.Recipient.IdentityType),
		badge.NormalizeIdentifier(it.Recipient.IdentityType, it.Recipient.Identity), strconv.FormatBool(it.Recipient.Hashed)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	for _, r := range it.Identifiers {
		h.Write([]byte(string(r.IdentityType) + "\x00" + r.Identity + "\x00" + strconv.FormatBool(r.Hashed) + "\x00"))
	}
	return h.Sum(nil)
}

// runIssueBatchStore is "issue --batch --store DSN": the store replaces the
// manifest. The order of durable writes for a row:
//
//  1. its reservation (credential id, status entry from the store's
//     revocation pool unless --no-status, under the idempotency key BATCHID
//     and its row number) is committed, rows in groups, before any of them
//     is signed;
//  2. the credential is signed and completed in the store;
//  3. with -o, its files are written (atomically) to OUTDIR.
//
// A run resumed after a kill gets each row's reservation back from the
// store under the same key: a completed row is skipped (or, with -o and
// its file missing, the stored credential is verified, adopted and
// written), any other is signed again with its reserved id and entry; a
// row whose recipient changed fails. At the end the lists of the pool
// that changed are signed and stored, for serve to publish.
func runIssueBatchStore(ctx context.Context, e *env, c batchConfig, sb storeBatch) int {
	const cmd = "issue"
	db, err := store.Open(ctx, c.store)
	if err != nil {
		return failf(e, cmd, "--store: %v", err)
	}
	defer db.Close()
	var pools []string
	if !c.noStatus {
		if c.publicURL != "" {
			pool := store.Pool{Name: serveRevocationPool, BaseURL: c.publicURL + server.PathStatus + serveRevocationPool + "-"}
			if err := db.EnsurePool(ctx, pool); err != nil {
				return failf(e, cmd, "--store: %v (the pool %q was recorded with other settings: give the --public-url serve uses)", err, pool.Name)
			}
		}
		pools = []string{serveRevocationPool}
	}
	batchID := c.batchID
	if batchID == "" {
		batchID = defaultBatchID(sb.profile.ID, sb.ach.ID, c.input)
	}
	fmt.Fprintf(e.stderr, "openbadges issue: batch %s in store %s (run the same command, or pass --batch-id %s, to resume it)\n", batchID, redactDSN(c.store), batchID)
	format := "ldp_vc"
	if sb.iss.Format == badge.JWT {
		format = "jwt"
	}
	if c.outDir != "" {
		if err := os.MkdirAll(c.outDir, 0o755); err != nil {
			return failf(e, cmd, "%v", err)
		}
	}
	files := func(row int) (file, img string) {
		if sb.image != nil {
			img = rowName(row) + sb.imageExt
		}
		return rowName(row) + sb.ext, img
	}
	inPlace := func(row int) bool {
		file, img := files(row)
		for _, n := range []string{file, img} {
			if n == "" {
				continue
			}
			if _, err := os.Stat(filepath.Join(c.outDir, n)); err != nil {
				return false
			}
		}
		return true
	}
	hook := batchHookFrom(ctx)

	// apply gives an item its reservation, as the store returned it.
	apply := func(it *badge.BatchItem, rec *store.Credential) {
		if rec.Completed() && (c.outDir == "" || inPlace(it.Row)) {
			it.Issued = true
			return
		}
		res := &badge.BatchReservation{ID: rec.ID, StatusIndex: -1, ValidFrom: rec.Reserved.UTC().Truncate(time.Second)}
		if len(rec.Status) > 0 {
			st := rec.Status[0].Status()
			res.Entry = &st
		}
		it.Reserved = res
		if rec.Completed() {
			it.Existing = rec.Signed // adopted (verified), then its files written
		}
	}
	reservation := func(it badge.BatchItem) store.Reservation {
		return store.Reservation{Key: "batch:" + batchID + ":" + strconv.Itoa(it.Row),
			Fingerprint: rowFingerprint(batchID, it, sb.ach.ID, format), Recipient: describeRecipient(it, nil),
			Achievement: sb.ach.ID, Format: format, Pools: pools}
	}
	var storeErr error
	reserve := func(chunk []badge.BatchItem) bool {
		var rs []store.Reservation
		var at []int
		for i, it := range chunk {
			if it.Err == nil {
				rs = append(rs, reservation(it))
				at = append(at, i)
			}
		}
		if len(rs) == 0 {
			return true
		}
		cs, err := db.Reserve(ctx, rs...)
		if errors.Is(err, store.ErrKeyConflict) {
			// One row changed: reserve them one by one to find it.
			cs = make([]*store.Credential, len(rs))
			for k := range rs {
				one, err := db.Reserve(ctx, rs[k])
				switch {
				case errors.Is(err, store.ErrKeyConflict):
					chunk[at[k]].Err = fmt.Errorf("the row was reserved for another recipient: the input changed since the batch began (%w)", err)
				case err != nil:
					storeErr = err
					return false
				default:
					cs[k] = one[0]
				}
			}
			err = nil
		}
		if err != nil {
			storeErr = err
			return false
		}
		for k, i := range at {
			if cs[k] != nil {
				apply(&chunk[i], cs[k])
				hook(hookReserved, chunk[i].Row)
			}
		}
		return true
	}
	items := func(yield func(badge.BatchItem) bool) {
		chunk := make([]badge.BatchItem, 0, batchStoreChunk)
		flush := func() bool {
			if !reserve(chunk) {
				return false
			}
			for _, it := range chunk {
				if !yield(it) {
					return false
				}
			}
			chunk = chunk[:0]
			return true
		}
		for it := range sb.in.rows() {
			chunk = append(chunk, it)
			if len(chunk) == cap(chunk) && !flush() {
				return
			}
		}
		flush()
	}

	prog := newProgressPrinter(e.stderr, c.progressEvery)
	var failed []string
	b := &badge.Batch{
		Issuer:      sb.iss,
		Profile:     sb.profile,
		Achievement: sb.ach,
		Workers:     c.workers,
		Image:       sb.image,
		Total:       sb.total,
		Progress:    prog.update,
		Save: func(ctx context.Context, r *badge.BatchResult) error {
			signed := r.Signed.Bytes()
			if !r.Adopted { // an adopted credential is the stored one
				done, err := db.Complete(ctx, store.Completion{ID: r.Reservation.ID, Signed: signed})
				if err != nil {
					return err
				}
				signed = done[0].Signed
			}
			hook(hookCompleted, r.Item.Row)
			if c.outDir != "" {
				file, img := files(r.Item.Row)
				if err := writeFileAtomic(c.outDir, file, signed); err != nil {
					return err
				}
				if r.Baked != nil {
					hook(hookCredentialWritten, r.Item.Row)
					if err := writeFileAtomic(c.outDir, img, r.Baked); err != nil {
						return err
					}
				}
			}
			hook(hookWritten, r.Item.Row)
			r.Baked = nil
			r.Signed.JSON, r.Signed.JWT = nil, ""
			return nil
		},
	}
	p, runErr := b.Run(ctx, items, func(r *badge.BatchResult) error {
		if r.Err != nil {
			failed = append(failed, redact(r.Err.Error(), r.Item, c.hashEmail))
		}
		return nil
	})
	prog.finish(p)
	if runErr == nil {
		runErr = storeErr
		if errors.Is(storeErr, store.ErrUnknownPool) {
			runErr = fmt.Errorf("%w: the store has no %q pool yet: give --public-url (where serve publishes the lists), or --no-status", storeErr, serveRevocationPool)
		}
	}
	if runErr == nil && sb.in.err != nil {
		runErr = sb.in.err
	}
	// Sign the lists that changed (new lists, new entries), whether or not
	// the run completed: serve publishes what the store holds.
	pub := &store.Publisher{Store: db, Sign: func(ctx context.Context, l *status.List) ([]byte, error) {
		return l.Sign(ctx, sb.iss.Key, nil)
	}}
	if _, err := pub.PublishStale(context.WithoutCancel(ctx)); err != nil && runErr == nil {
		runErr = fmt.Errorf("signing the status lists: %w", err)
	}
	for _, f := range failed {
		fmt.Fprintf(e.stderr, "openbadges issue: %s\n", f)
	}
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) || errors.Is(runErr, context.DeadlineExceeded) {
			return failf(e, cmd, "interrupted after %d rows; run the same command again to resume", p.Processed())
		}
		return failf(e, cmd, "%v (run the same command again to resume)", runErr)
	}
	hook(hookFinished, 0)
	adopted := ""
	if p.Adopted > 0 {
		adopted = fmt.Sprintf("; %d stored by an interrupted run, verified and adopted", p.Adopted)
	}
	where := ""
	if c.outDir != "" {
		where = " and " + c.outDir
	}
	fmt.Fprintf(e.stderr, "openbadges issue: batch %s: %d credentials in the store%s (%d issued now, %d already%s), %d rows failed\n",
		batchID, p.Done+p.Skipped, where, p.Done-p.Adopted, p.Skipped, adopted, len(failed))
	if len(failed) > 0 {
		return exitInvalid
	}
	return exitOK
}
