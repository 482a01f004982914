package badge

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/mail"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/openbadges-go/openbadges/status"
)

// Batch issues one achievement to many recipients: the end-of-term job of
// an LMS. Issuer, Profile and Achievement are required; the zero value of
// every other field is a safe default. Build it once and call [Batch.Run]
// with the stream of recipients.
//
// Run is a bounded pipeline: one goroutine reads the stream and does the
// serial work (row checks, duplicate detection, credential ids, status
// index allocation), another hands the decisions to Reserve in groups,
// Workers goroutines build, sign and bake the credentials, and the results
// come back to the caller in input order. At most a few results per worker
// are held at any time, so the stream may be arbitrarily long.
//
// A batch that must survive a crash sets Reserve, and resumes a killed run
// with [BatchItem.Reserved] and [BatchItem.Existing]: every credential is
// then signed only after its id and status index are stored durably, a
// credential stored by the killed run is adopted rather than signed again,
// and a status index, once reserved, is never given to another item.
//
// A Batch must not be modified while Run is running, and Run must not be
// called concurrently on the same Batch when Status is set (a
// [status.List] is not safe for concurrent use).
type Batch struct {
	// Issuer signs every credential, in Issuer.Format.
	Issuer *Issuer
	// Profile is the issuer profile embedded in each credential. Its ID
	// must be the controller of Issuer.Key (see [Issuer.Profile]).
	Profile Profile
	// Achievement is the achievement awarded to every recipient.
	Achievement Achievement
	// Options are the credential options shared by every credential
	// ([NewCredential]): name, description, validity. Options.ID must be
	// "" (each credential gets a fresh urn:uuid). Options.Rand, when set,
	// is used concurrently by the workers (ids and salts) and must be safe
	// for concurrent use; nil means crypto/rand.
	Options CredentialOptions

	// Workers is the number of goroutines that sign (0 =
	// runtime.GOMAXPROCS(0), the number of CPUs this process may use).
	Workers int

	// Status, when set, gets one index allocated per credential (at
	// random, from StatusRand; nil = crypto/rand), and the credential a
	// credentialStatus entry for it. Only W3C Bitstring Status List lists
	// are supported. Allocation is the only change to the list: its bits
	// stay as they are. Before Run, mark the indexes that earlier batches
	// used with [status.List.MarkAllocated]; after Run, re-sign and
	// publish the list ([status.List.Sign]) and store its allocation state
	// ([status.List.Allocated]).
	Status     *status.List
	StatusRand io.Reader

	// Image, when set, is a PNG or SVG badge image into which every
	// credential is baked ([Bake]); the result is in BatchResult.Baked.
	Image []byte

	// Reserve, when set, is called with items about to be signed, after
	// their credential id, status index and validFrom are decided (in
	// BatchResult.Reservation) and before any of them is signed. It must
	// store them durably (append them to a journal and fsync it, commit a
	// transaction) before it returns: a crash then never leaves a signed
	// credential whose id and status index the storage does not hold.
	// Resume such a run by passing each stored reservation back in
	// BatchItem.Reserved.
	//
	// Reserve is called from one goroutine, in input order, with the items
	// that gathered while the previous call ran (so that one fsync covers
	// many items); an item is passed once, and items given with
	// BatchItem.Reserved are not passed again. It must not keep or modify
	// the results. An error stops the batch, as an error from emit does:
	// no item of that call is signed, and Run returns the error.
	Reserve func(ctx context.Context, rs []*BatchResult) error

	// Save, when set, is called by the worker that issued a credential,
	// concurrently with other workers, before the result is passed to
	// emit. Store the credential there (files, a database): the storage
	// work then runs in parallel, and emit, which runs in order, only
	// records that it is done. An error from Save becomes the result's
	// error. Save may clear Signed and Baked to release memory early. An
	// adopted credential (BatchResult.Adopted) is Item.Existing, already
	// stored: Save need not write it again (Baked, when set, is baked
	// anew).
	Save func(ctx context.Context, r *BatchResult) error

	// Progress, when set, is called after each result is emitted and once
	// at the end, from the goroutine that called Run. Keep it fast.
	Progress func(BatchProgress)
	// Total is the number of items the stream holds, when known, for
	// Progress (0 = unknown).
	Total int

	// AllowDuplicates turns off duplicate detection. By default a
	// recipient that appears again in the stream (same id, or the same
	// identifier other than a name) gets [ErrDuplicateRecipient] and only
	// its first row is issued.
	AllowDuplicates bool
}

// BatchItem is one recipient of a batch.
type BatchItem struct {
	// Row is the caller's number for the item (a line number, a record
	// id), reported in results and errors; it is not interpreted.
	Row int
	// Recipient names the learner (see [Recipient]). Identifiers of type
	// emailAddress must be valid addresses.
	Recipient Recipient
	// Identifiers are further credentialSubject.identifier entries (a
	// name, a student number as "ext:studentId", ...), each hashed or not
	// as it says. Their ID must be "".
	Identifiers []Recipient
	// Issued says the item was issued by an earlier run (a batch being
	// resumed): it is not issued again, but it still counts for duplicate
	// detection and progress, and its result is reported Skipped.
	Issued bool
	// Err, when set, says the item could not be read (a malformed row):
	// nothing is issued and the result carries the error.
	Err error

	// Reserved resumes an item that an earlier run passed to
	// Batch.Reserve: the item is signed with the reserved credential id,
	// status index and validFrom, never with new ones. Mark every stored
	// index allocated in Batch.Status before Run
	// ([status.List.MarkAllocated]), so that no item before this one is
	// given it (Run marks it too when it reads the item, and fails an item
	// whose index another item of the run has, with [ErrBatchConflict]). A
	// reserved status index needs Batch.Status, and a Batch.Status needs a
	// reserved index (the item fails with [ErrInvalidArgument] otherwise).
	Reserved *BatchReservation
	// Existing, with Reserved, is the credential the earlier run stored
	// for the item, as Signed.Bytes() gave it (the JSON credential or the
	// compact VC-JWT), when there is one. It is adopted, not signed again,
	// when it is the reserved credential: its proof verifies with
	// Batch.Issuer's own key (offline) and it carries the reserved id and
	// status entry, the batch's achievement and the item's recipient. One
	// that cannot be read or whose proof does not verify with that key (a
	// torn or foreign file) is replaced: the item is signed again with
	// the same reservation. One whose proof verifies but that is not the
	// reserved credential fails the item with [ErrBatchConflict], and
	// nothing is signed.
	Existing []byte
}

// BatchReservation is what a batch decides for an item before signing it,
// and what Batch.Reserve stores.
type BatchReservation struct {
	// ID is the credential's id (a fresh "urn:uuid:").
	ID string
	// StatusIndex is the index allocated in Batch.Status, or -1.
	StatusIndex int
	// ValidFrom is the credential's validFrom (zero in BatchItem.Reserved:
	// now).
	ValidFrom time.Time
	// Entry, in BatchItem.Reserved, is a credentialStatus entry allocated
	// outside the batch (by an issuer store: the store's Entry.Status()),
	// written into the credential and checked in an adopted one. It needs
	// Batch.Status nil and StatusIndex -1.
	Entry *status.Entry
}

// BatchResult is the outcome of one [BatchItem].
type BatchResult struct {
	// Seq is the item's position in the stream, from 0.
	Seq int
	// Item is the item as given.
	Item BatchItem
	// Signed is the issued credential (nil on error or when Skipped).
	Signed *Signed
	// StatusIndex is the allocated status list index, or -1.
	StatusIndex int
	// Baked is the badge image with the credential baked in (when
	// Batch.Image is set), in the format ImageFormat.
	Baked       []byte
	ImageFormat ImageFormat
	// Reservation is the item's id, status index and validFrom, set once
	// they are decided (StatusIndex is then Reservation.StatusIndex); its
	// ID is "" for an item that failed or was skipped before that.
	Reservation BatchReservation
	// Adopted is set when the credential is Item.Existing, verified and
	// adopted rather than signed again (Signed holds it).
	Adopted bool
	// Skipped is set for an item that was already issued (Item.Issued).
	Skipped bool
	// Err is nil when the credential was issued, else a [*BatchError].
	Err error
}

// BatchProgress counts the results emitted so far.
type BatchProgress struct {
	// Total is Batch.Total (0 = unknown).
	Total int
	// Done counts credentials issued, Failed items with an error, and
	// Skipped items issued by an earlier run.
	Done, Failed, Skipped int
	// Adopted counts the credentials among Done that an earlier run had
	// stored (BatchItem.Existing) and that were adopted, not signed.
	Adopted int
	// Elapsed is the time since Run started.
	Elapsed time.Duration
	// Rate is Done per second of Elapsed.
	Rate float64
}

// Processed returns Done + Failed + Skipped.
func (p BatchProgress) Processed() int { return p.Done + p.Failed + p.Skipped }

// Batch errors. A failed item's error is a [*BatchError] wrapping one of
// these, or the error of issuing ([*IssueError], ...), of reading the row
// (BatchItem.Err), of baking or of Batch.Save.
var (
	// ErrDuplicateRecipient: the recipient already appeared in the batch.
	ErrDuplicateRecipient = errors.New("badge: duplicate recipient in batch")
	// ErrNoRecipient: the item names no recipient (no id, no identifier).
	ErrNoRecipient = errors.New("badge: no recipient")
	// ErrInvalidEmail: an emailAddress identifier is not an e-mail address.
	ErrInvalidEmail = errors.New("badge: invalid e-mail address")
	// ErrBatchConflict: a resumed item contradicts the batch's record.
	// Its stored credential (BatchItem.Existing) is signed by the batch's
	// key but is not the one reserved for it (another id, status entry,
	// achievement or recipient), and is neither adopted nor replaced; or
	// its reserved status index is another item's.
	ErrBatchConflict = errors.New("badge: stored credential is not the one reserved for this item")
)

// BatchError is the error of one item of a batch.
type BatchError struct {
	Seq, Row int
	Err      error
}

func (e *BatchError) Error() string {
	return fmt.Sprintf("badge: batch row %d: %v", e.Row, trimPrefix(e.Err))
}

// Unwrap returns the cause.
func (e *BatchError) Unwrap() error { return e.Err }

// trimPrefix drops a "badge: " prefix so that messages do not repeat it.
func trimPrefix(err error) string {
	return strings.TrimPrefix(err.Error(), "badge: ")
}

// batchJob is an item on its way through the pipeline.
type batchJob struct {
	r       BatchResult
	entry   *status.Entry // the status entry of the reserved index, if any
	work    bool          // false: decided by the reader (error or skipped)
	reserve bool          // the reservation is new: Batch.Reserve stores it before signing
	done    chan struct{} // closed when r is final
}

// fail sets the job's error (a *BatchError) and drops anything issued.
func (j *batchJob) fail(err error) {
	j.r.Signed, j.r.Baked, j.r.Adopted = nil, nil, false
	j.r.Err = &BatchError{Seq: j.r.Seq, Row: j.r.Item.Row, Err: err}
}

// check reports a Batch that cannot run.
func (b *Batch) check() error {
	if b.Issuer == nil {
		return fmt.Errorf("%w: batch has no Issuer", ErrInvalidArgument)
	}
	if err := b.Issuer.checkKey(); err != nil {
		return err
	}
	if b.Options.ID != "" {
		return fmt.Errorf("%w: a batch cannot give every credential the id %q", ErrInvalidArgument, b.Options.ID)
	}
	if b.Workers < 0 {
		return fmt.Errorf("%w: %d workers", ErrInvalidArgument, b.Workers)
	}
	if b.Status != nil && b.Status.Options().Format != status.FormatBitstring {
		return fmt.Errorf("%w: batch status lists must be Bitstring Status Lists", ErrInvalidArgument)
	}
	if b.Image != nil {
		if f := sniffImage(b.Image); f != ImagePNG && f != ImageSVG {
			return ErrUnsupportedImage
		}
		// A broken image fails here once, not once per row.
		if err := Bake(io.Discard, bytes.NewReader(b.Image), []byte(`{"id":"urn:example:probe"}`)); err != nil {
			return fmt.Errorf("badge: batch image: %w", err)
		}
	}
	return nil
}

// Run issues a credential for every item of items and passes each result
// to emit, in the order of items, from the calling goroutine. A failed item
// does not stop the batch: its result carries the error. emit may be nil.
//
// Run returns when items is exhausted and every result has been emitted,
// with a nil error (even if items failed: count them in the returned
// progress). It stops early with ctx's error when ctx is cancelled (results
// completed before the first unfinished item are still emitted, nothing
// after it), with emit's or Reserve's error when either fails, and with
// [ErrInvalidArgument] or [ErrInvalidKey] when the Batch itself is
// unusable (before reading items).
func (b *Batch) Run(ctx context.Context, items iter.Seq[BatchItem], emit func(*BatchResult) error) (BatchProgress, error) {
	start := time.Now()
	prog := BatchProgress{Total: b.Total}
	if err := b.check(); err != nil {
		return prog, err
	}
	if err := ctx.Err(); err != nil {
		return prog, err
	}
	workers := b.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// The verifier of stored credentials is built when the first one
	// comes.
	adopter := sync.OnceValues(b.adoptionVerifier)
	// staged holds the jobs the reader has decided and the committer has
	// not yet reserved, jobs those reserved and not yet taken by a
	// worker (buffered, so that the next Reserve overlaps the signing of
	// the last group), and order every job in input order, which bounds
	// the number of results in memory.
	staged := make(chan *batchJob, 4*workers)
	jobs := make(chan *batchJob, 4*workers)
	order := make(chan *batchJob, 4*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				b.work(ctx, j, adopter)
				close(j.done)
			}
		})
	}
	var readErr, reserveErr error
	go func() {
		defer close(order)
		defer close(staged)
		readErr = b.read(ctx, items, staged, order)
	}()
	go func() {
		defer close(jobs)
		reserveErr = b.commit(ctx, cancel, staged, jobs)
	}()

	var fatal error
	emitting := true
	for j := range order {
		<-j.done
		if !emitting {
			continue
		}
		if j.r.Err != nil && ctx.Err() != nil && isCanceled(j.r.Err) {
			// Not processed: stop here so that the emitted results
			// stay a prefix of the stream.
			emitting = false
			continue
		}
		switch {
		case j.r.Skipped:
			prog.Skipped++
		case j.r.Err != nil:
			prog.Failed++
		default:
			prog.Done++
			if j.r.Adopted {
				prog.Adopted++
			}
		}
		if emit != nil {
			if err := emit(&j.r); err != nil {
				fatal = err
				emitting = false
				cancel()
				continue
			}
		}
		if b.Progress != nil {
			b.Progress(prog.at(start))
		}
	}
	wg.Wait() // the committer has returned too: it closes jobs
	prog = prog.at(start)
	if b.Progress != nil {
		b.Progress(prog)
	}
	switch {
	case fatal != nil:
		return prog, fatal
	case reserveErr != nil:
		return prog, reserveErr
	case readErr != nil:
		return prog, readErr
	case !emitting:
		return prog, parent.Err()
	}
	return prog, nil
}

func (p BatchProgress) at(start time.Time) BatchProgress {
	p.Elapsed = time.Since(start)
	if s := p.Elapsed.Seconds(); s > 0 {
		p.Rate = float64(p.Done) / s
	}
	return p
}

// read consumes items, does the serial work and hands the jobs on: every
// job to order, and the jobs to issue also to staged. It returns ctx's
// error when cancelled.
func (b *Batch) read(ctx context.Context, items iter.Seq[BatchItem], staged, order chan<- *batchJob) error {
	seen := map[[32]byte]int{}
	indexes := map[int]int{} // status index -> the row it was given to in this run
	seq := 0
	for it := range items {
		j := &batchJob{r: BatchResult{Seq: seq, Item: it, StatusIndex: -1, Reservation: BatchReservation{StatusIndex: -1}},
			done: make(chan struct{})}
		seq++
		if r := it.Reserved; r != nil && b.Status != nil && r.StatusIndex >= 0 {
			// A reserved index stays taken, whatever becomes of the
			// item (out of range: reported by prepare).
			_ = b.Status.MarkAllocated(r.StatusIndex)
		}
		switch {
		case it.Err != nil:
			j.fail(it.Err)
		case it.Issued:
			j.r.Skipped = true
			if !b.AllowDuplicates {
				for _, k := range recipientKeys(it) {
					if _, dup := seen[k]; !dup {
						seen[k] = it.Row
					}
				}
			}
		default:
			if err := b.prepare(j, seen, indexes); err != nil {
				j.fail(err)
				break
			}
			j.work = true
		}
		select {
		case order <- j:
		case <-ctx.Done():
			return ctx.Err()
		}
		if !j.work {
			close(j.done)
			continue
		}
		select {
		case staged <- j:
		case <-ctx.Done():
			j.fail(ctx.Err())
			close(j.done)
			return ctx.Err()
		}
	}
	return nil
}

// prepare checks an item to issue and decides its reservation: the one it
// was given, or a fresh credential id, validFrom and status index. A
// status index given to another item of the run is refused (a store that
// reserved one twice, or a reserved index not marked allocated before
// Run).
func (b *Batch) prepare(j *batchJob, seen map[[32]byte]int, indexes map[int]int) error {
	it := j.r.Item
	if err := checkItem(it); err != nil {
		return err
	}
	if it.Existing != nil && it.Reserved == nil {
		return fmt.Errorf("%w: a stored credential (Existing) without its reservation (Reserved)", ErrInvalidArgument)
	}
	if !b.AllowDuplicates {
		keys := recipientKeys(it)
		for _, k := range keys {
			if first, dup := seen[k]; dup {
				return fmt.Errorf("%w (first in row %d)", ErrDuplicateRecipient, first)
			}
		}
		for _, k := range keys {
			seen[k] = it.Row
		}
	}
	var res BatchReservation
	if it.Reserved != nil {
		res = *it.Reserved
		switch {
		case res.ID == "":
			return fmt.Errorf("%w: a reservation without a credential id", ErrInvalidArgument)
		case b.Status == nil && res.StatusIndex >= 0:
			return fmt.Errorf("%w: status index %d reserved, but the batch has no status list", ErrInvalidArgument, res.StatusIndex)
		case b.Status != nil && res.StatusIndex < 0:
			return fmt.Errorf("%w: a reservation without a status index, but the batch has a status list", ErrInvalidArgument)
		case res.Entry != nil && (b.Status != nil || res.StatusIndex >= 0):
			return fmt.Errorf("%w: a reserved status entry with a batch status list or index", ErrInvalidArgument)
		}
		if res.ValidFrom.IsZero() {
			res.ValidFrom = now(b.Options.Now)
		}
	} else {
		id, err := NewUUIDURN(b.Options.random())
		if err != nil {
			return err
		}
		res = BatchReservation{ID: id, StatusIndex: -1, ValidFrom: b.Options.ValidFrom}
		if res.ValidFrom.IsZero() {
			res.ValidFrom = now(b.Options.Now)
		}
		if b.Status != nil {
			if res.StatusIndex, err = b.Status.Allocate(b.StatusRand); err != nil {
				return err
			}
		}
		j.reserve = true
	}
	res.ValidFrom = res.ValidFrom.UTC().Truncate(time.Second) // as written in the credential
	if res.StatusIndex >= 0 {
		if other, dup := indexes[res.StatusIndex]; dup {
			return fmt.Errorf("%w: status index %d is row %d's", ErrBatchConflict, res.StatusIndex, other)
		}
		e, err := b.Status.Entry(res.StatusIndex)
		if err != nil {
			return err
		}
		j.entry = &e
		indexes[res.StatusIndex] = it.Row
	} else if res.Entry != nil {
		e := *res.Entry
		j.entry = &e
	}
	j.r.Reservation, j.r.StatusIndex = res, res.StatusIndex
	return nil
}

// commit hands the staged jobs to the workers, each only after Reserve has
// stored its reservation. A group is the jobs that gathered while the
// previous Reserve ran, so one call (one fsync) covers many jobs when
// storing is the bottleneck. After a failed Reserve it cancels the batch
// and fails every remaining job; it returns that error.
func (b *Batch) commit(ctx context.Context, cancel context.CancelFunc, staged <-chan *batchJob, jobs chan<- *batchJob) error {
	var failed error
	group := make([]*batchJob, 0, cap(staged)+1)
	var rs []*BatchResult
	for first := range staged {
		group = gather(staged, append(group[:0], first))
		if b.Reserve != nil && failed == nil && ctx.Err() == nil {
			rs = rs[:0]
			for _, j := range group {
				if j.reserve {
					rs = append(rs, &j.r)
				}
			}
			if len(rs) > 0 {
				if err := b.Reserve(ctx, rs); err != nil {
					failed = err
					cancel()
				}
			}
		}
		for _, j := range group {
			if err := ctx.Err(); err != nil {
				j.fail(err)
				close(j.done)
				continue
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				j.fail(ctx.Err())
				close(j.done)
			}
		}
	}
	return failed
}

// gather appends the jobs waiting in staged to group, without blocking,
// up to group's capacity.
func gather(staged <-chan *batchJob, group []*batchJob) []*batchJob {
	for len(group) < cap(group) {
		select {
		case j, ok := <-staged:
			if !ok {
				return group
			}
			group = append(group, j)
		default:
			return group
		}
	}
	return group
}

// work adopts the stored credential of a job or issues one, then bakes and
// saves it.
func (b *Batch) work(ctx context.Context, j *batchJob, adopter func() (*Verifier, error)) {
	if err := ctx.Err(); err != nil {
		j.fail(err)
		return
	}
	var s *Signed
	if j.r.Item.Existing != nil {
		v, err := adopter()
		if err != nil {
			j.fail(err)
			return
		}
		switch s, err = b.adopt(ctx, v, j); {
		case err == nil:
			j.r.Adopted = true
		case errors.Is(err, errStoredUnusable) && ctx.Err() == nil:
			// Torn or foreign: signed again below, same reservation.
		default:
			j.fail(err)
			return
		}
	}
	if s == nil {
		c, err := b.credential(j)
		if err != nil {
			j.fail(err)
			return
		}
		if s, err = b.Issuer.Issue(ctx, c); err != nil {
			j.fail(err)
			return
		}
	}
	j.r.Signed = s
	if b.Image != nil {
		var buf bytes.Buffer
		if err := Bake(&buf, bytes.NewReader(b.Image), s.Bytes()); err != nil {
			j.fail(err)
			return
		}
		j.r.Baked, j.r.ImageFormat = buf.Bytes(), sniffImage(b.Image)
	}
	if b.Save != nil {
		if err := b.Save(ctx, &j.r); err != nil {
			j.fail(err)
		}
	}
}

// credential builds the unsigned credential of a job, with its reserved
// id, validFrom and status entry.
func (b *Batch) credential(j *batchJob) (*AchievementCredential, error) {
	it := j.r.Item
	o := b.Options
	o.ID, o.ValidFrom = j.r.Reservation.ID, j.r.Reservation.ValidFrom
	c, err := NewCredential(b.Profile, b.Achievement, it.Recipient, &o)
	if err != nil {
		return nil, err
	}
	random := b.Options.random()
	for _, r := range it.Identifiers {
		var id IdentityObject
		if r.Hashed {
			if id, err = NewHashedIdentity(r.IdentityType, r.Identity, random); err != nil {
				return nil, err
			}
		} else {
			id = NewPlainIdentity(r.IdentityType, r.Identity)
		}
		c.CredentialSubject.Identifier.Values = append(c.CredentialSubject.Identifier.Values, id)
		c.CredentialSubject.Identifier.Single = false
	}
	if j.entry != nil {
		raw, err := json.Marshal(j.entry)
		if err != nil {
			return nil, err
		}
		var cs CredentialStatus
		if err := json.Unmarshal(raw, &cs); err != nil {
			return nil, err
		}
		c.CredentialStatus = One(cs)
	}
	return c, nil
}

// checkItem checks what can be checked before signing: someone is named,
// identifiers have a type and a value, and e-mail addresses are valid
// (surrounding white space aside, which hashing trims too).
func checkItem(it BatchItem) error {
	r := it.Recipient
	if r.ID == "" && strings.TrimSpace(r.Identity) == "" {
		return ErrNoRecipient
	}
	for n, id := range append([]Recipient{r}, it.Identifiers...) {
		if n > 0 && id.ID != "" {
			return fmt.Errorf("%w: an additional identifier has an id %q", ErrInvalidArgument, id.ID)
		}
		if id.Identity == "" && n == 0 {
			continue
		}
		if strings.TrimSpace(id.Identity) == "" || id.IdentityType == "" {
			return fmt.Errorf("%w: identifier %q of type %q", ErrInvalidArgument, id.Identity, id.IdentityType)
		}
		if id.IdentityType == IdentifierTypeEmailAddress {
			if err := CheckEmail(strings.TrimSpace(id.Identity)); err != nil {
				return err
			}
		}
	}
	return nil
}

// recipientKeys returns the hashed keys under which an item's recipient is
// looked up for duplicates: its id and each identifier except names (two
// learners may share a name), normalized as for hashing.
func recipientKeys(it BatchItem) [][32]byte {
	var keys [][32]byte
	if it.Recipient.ID != "" {
		keys = append(keys, sha256.Sum256([]byte("id\x00"+it.Recipient.ID)))
	}
	for _, r := range append([]Recipient{it.Recipient}, it.Identifiers...) {
		if r.Identity == "" || r.IdentityType == IdentifierTypeName {
			continue
		}
		keys = append(keys, sha256.Sum256([]byte(string(r.IdentityType)+"\x00"+NormalizeIdentifier(r.IdentityType, r.Identity))))
	}
	return keys
}

// CheckEmail reports whether s is a plain e-mail address as a recipient
// identifier needs: "local@domain", valid for [net/mail.ParseAddress],
// without a display name, comment, quoted local part, address literal or
// surrounding white space; valid UTF-8 without control characters; at
// most 254 bytes (64 for the local part); and a domain of at least two
// non-empty labels. The error matches [ErrInvalidEmail].
func CheckEmail(s string) error {
	bad := func(why string) error { return fmt.Errorf("%w %q: %s", ErrInvalidEmail, s, why) }
	if !utf8.ValidString(s) {
		return bad("not UTF-8")
	}
	if len(s) > 254 {
		return bad("longer than 254 bytes")
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return bad("contains white space or a control character")
		}
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return bad(strings.TrimPrefix(err.Error(), "mail: "))
	}
	if a.Name != "" || a.Address != s {
		return bad("not a plain address")
	}
	local, domain, _ := strings.Cut(s, "@")
	if local == "" || len(local) > 64 || strings.ContainsAny(local, `"\`) {
		return bad("invalid local part")
	}
	if strings.ContainsAny(domain, "@[]") {
		return bad("invalid domain")
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return bad("the domain has no dot")
	}
	for _, l := range labels {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return bad("invalid domain")
		}
	}
	return nil
}
