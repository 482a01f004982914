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

	"github.com/openbadges-go/openbadges/vc/status"
)

// Batch issues one achievement to many recipients: the end-of-term job of
// an LMS. Issuer, Profile and Achievement are required; the zero value of
// every other field is a safe default. Build it once and call [Batch.Run]
// with the stream of recipients.
//
// Run is a bounded pipeline: one goroutine reads the stream and does the
// serial work (row checks, duplicate detection, status index allocation),
// Workers goroutines build, sign and bake the credentials, and the results
// come back to the caller in input order. At most a few results per worker
// are held at any time, so the stream may be arbitrarily long.
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

	// Save, when set, is called by the worker that issued a credential,
	// concurrently with other workers, before the result is passed to
	// emit. Store the credential there (files, a database): the storage
	// work then runs in parallel, and emit, which runs in order, only
	// records that it is done. An error from Save becomes the result's
	// error. Save may clear Signed and Baked to release memory early.
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
	r     BatchResult
	entry *status.Entry // allocated status entry, if any
	work  bool          // false: decided by the reader (error or skipped)
	done  chan struct{} // closed when r is final
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
// after it), with emit's error when emit fails, and with [ErrInvalidArgument]
// or [ErrInvalidKey] when the Batch itself is unusable (before reading
// items).
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

	jobs := make(chan *batchJob)
	// order holds the jobs in input order; its capacity bounds the number
	// of results in memory.
	order := make(chan *batchJob, 4*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				b.issue(ctx, j)
				close(j.done)
			}
		})
	}
	var readErr error
	go func() {
		defer close(order)
		defer close(jobs)
		readErr = b.read(ctx, items, jobs, order)
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
	wg.Wait()
	prog = prog.at(start)
	if b.Progress != nil {
		b.Progress(prog)
	}
	switch {
	case fatal != nil:
		return prog, fatal
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

// read consumes items, does the serial checks and hands the jobs on. It
// returns ctx's error when cancelled.
func (b *Batch) read(ctx context.Context, items iter.Seq[BatchItem], jobs chan<- *batchJob, order chan<- *batchJob) error {
	seen := map[[32]byte]int{}
	seq := 0
	for it := range items {
		j := &batchJob{r: BatchResult{Seq: seq, Item: it, StatusIndex: -1}, done: make(chan struct{})}
		seq++
		fail := func(err error) {
			j.r.Err = &BatchError{Seq: j.r.Seq, Row: it.Row, Err: err}
		}
		switch {
		case it.Err != nil:
			fail(it.Err)
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
			if err := checkItem(it); err != nil {
				fail(err)
				break
			}
			if !b.AllowDuplicates {
				keys := recipientKeys(it)
				first, dup := 0, false
				for _, k := range keys {
					if r, ok := seen[k]; ok {
						first, dup = r, true
						break
					}
				}
				if dup {
					fail(fmt.Errorf("%w (first in row %d)", ErrDuplicateRecipient, first))
					break
				}
				for _, k := range keys {
					seen[k] = it.Row
				}
			}
			if b.Status != nil {
				i, err := b.Status.Allocate(b.StatusRand)
				if err != nil {
					fail(err)
					break
				}
				e, err := b.Status.Entry(i)
				if err != nil {
					fail(err)
					break
				}
				j.r.StatusIndex, j.entry = i, &e
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
		case jobs <- j:
		case <-ctx.Done():
			j.r.Err = &BatchError{Seq: j.r.Seq, Row: it.Row, Err: ctx.Err()}
			close(j.done)
			return ctx.Err()
		}
	}
	return nil
}

// issue builds, signs, bakes and saves one credential.
func (b *Batch) issue(ctx context.Context, j *batchJob) {
	fail := func(err error) {
		j.r.Signed, j.r.Baked = nil, nil
		j.r.Err = &BatchError{Seq: j.r.Seq, Row: j.r.Item.Row, Err: err}
	}
	if err := ctx.Err(); err != nil {
		fail(err)
		return
	}
	c, err := b.credential(j)
	if err != nil {
		fail(err)
		return
	}
	s, err := b.Issuer.Issue(ctx, c)
	if err != nil {
		fail(err)
		return
	}
	j.r.Signed = s
	if b.Image != nil {
		var buf bytes.Buffer
		if err := Bake(&buf, bytes.NewReader(b.Image), s.Bytes()); err != nil {
			fail(err)
			return
		}
		j.r.Baked, j.r.ImageFormat = buf.Bytes(), sniffImage(b.Image)
	}
	if b.Save != nil {
		if err := b.Save(ctx, &j.r); err != nil {
			fail(err)
		}
	}
}

// credential builds the unsigned credential of a job.
func (b *Batch) credential(j *batchJob) (*AchievementCredential, error) {
	it := j.r.Item
	c, err := NewCredential(b.Profile, b.Achievement, it.Recipient, &b.Options)
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
