package store

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/openbadges-go/openbadges/status"
)

// Credentials records issued credentials. A credential is reserved before
// it is signed (its id and status entries are then durable) and completed
// with the signed bytes after; a reservation with an idempotency key that
// is already recorded returns the first credential instead.
type Credentials interface {
	// Reserve records the reservations in one transaction, all or none:
	// for each, a credential row and one status index from each of its
	// pools (or the pre-allocated Entries bound to it). A reservation
	// whose Key is already recorded is not reserved again: the credential
	// recorded under the key is returned with Replayed set (an error
	// matching [ErrKeyConflict] if its Fingerprint differs). The result
	// has one credential per reservation, in order.
	Reserve(ctx context.Context, rs ...Reservation) ([]*Credential, error)
	// Complete stores the signed credential of each reserved id, in one
	// transaction. The first completion of an id wins: a credential
	// already completed keeps its bytes, and the result, one per
	// completion, holds the stored credential (Replayed set when it is not
	// the one given): return that one to the client. An id not reserved
	// gives [ErrNotFound].
	Complete(ctx context.Context, cs ...Completion) ([]Completed, error)
	// Credential returns the credential recorded with id ([ErrNotFound] if
	// none).
	Credential(ctx context.Context, id string) (*Credential, error)
	// CredentialByKey returns the credential recorded with an idempotency
	// key ([ErrNotFound] if none).
	CredentialByKey(ctx context.Context, key string) (*Credential, error)
}

// Allocator hands out status list indexes: atomically, in a random order
// within each list, never the same index twice (across goroutines and
// processes sharing the database), never again after a crash, and from a
// new list of the pool when the current one is full. An index is never
// reused, even if the credential it was allocated for is never signed.
type Allocator interface {
	// Allocate allocates n indexes from pool, bound to no credential yet;
	// pass them in [Reservation].Entries to bind them. Most callers let
	// Reserve allocate instead (Reservation.Pools).
	Allocate(ctx context.Context, pool string, n int) ([]Entry, error)
}

// Revocations changes the status of recorded credentials.
type Revocations interface {
	// SetStatus sets the credential's entry of purpose
	// ([status.PurposeRevocation] or [status.PurposeSuspension]) to set:
	// revoke is (PurposeRevocation, true), suspend (PurposeSuspension,
	// true), unsuspend (PurposeSuspension, false). A change bumps the
	// list's version, so that it is re-signed ([Publisher]). A revocation
	// cannot be undone ([ErrIrreversible]); a credential without an entry
	// of that purpose gives [ErrNoEntry].
	SetStatus(ctx context.Context, credentialID, purpose string, set bool) (Change, error)
}

// Lists holds status list pools and lists, their state and their signed
// credentials.
type Lists interface {
	// EnsurePool records a pool, or checks that the recorded pool of that
	// name is the same ([ErrPoolMismatch] if not).
	EnsurePool(ctx context.Context, p Pool) error
	// List returns a list's description, version and signed credential
	// ([ErrNotFound] if none).
	List(ctx context.Context, id string) (*List, error)
	// Stale returns the ids of the lists whose entries changed since they
	// were last signed (or that were never signed).
	Stale(ctx context.Context) ([]string, error)
	// Snapshot returns a list as it is now: its description, version and
	// the indexes whose entry is set; to be signed and stored with
	// Publish.
	Snapshot(ctx context.Context, id string) (*Snapshot, error)
	// Publish stores the signed list credential of version (from
	// Snapshot) and returns its ETag. A list already signed at version or
	// later keeps its credential ([ErrStale]); a holder that does not hold
	// the list's lease ([LeaseName]) gets [ErrLeaseLost].
	Publish(ctx context.Context, id, holder string, version int64, signed []byte) (etag string, err error)
}

// Leases grants a named lease to one holder at a time: the holder that
// re-signs a status list. A lease expires after its ttl unless renewed
// (acquired again by its holder).
type Leases interface {
	// Acquire takes or renews the lease for holder until now + ttl, if it
	// is free, expired or already holder's; it reports whether holder has
	// it.
	Acquire(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// Release gives the lease up, if holder has it.
	Release(ctx context.Context, name, holder string) error
}

// Store is everything an issuer's state needs; [*DB] implements it.
type Store interface {
	Credentials
	Allocator
	Revocations
	Lists
	Leases
	Close() error
}

// LeaseName is the name of the lease a re-signer of list id holds.
func LeaseName(listID string) string { return "list:" + listID }

// Pool is a family of status lists that indexes are allocated from: the
// lists share a purpose, format, size and issuer, and are published at
// BaseURL followed by their sequence number (1, 2, ...). When a list is
// full the next one is created.
type Pool struct {
	// Name identifies the pool in reservations (e.g. "revocation").
	Name string
	// BaseURL is the lists' URL before their number, e.g.
	// "https://example.edu/status/revocation-": an http(s) URL.
	BaseURL string
	// Purpose is status.PurposeRevocation (the default) or
	// status.PurposeSuspension: one bit per entry.
	Purpose string
	// Format is status.FormatBitstring (the default) or
	// status.FormatStatusList2021.
	Format status.Format
	// Entries is each list's capacity (0 = status.MinEntries, 131,072,
	// the minimum a verifier accepts by default; at least 8).
	Entries int
	// Issuer is the lists' issuer ("" = the controller of the key that
	// signs them).
	Issuer string
}

// Entry is a status list entry allocated to a credential.
type Entry struct {
	Pool    string
	List    string // the list credential's URL
	Index   int
	Purpose string
	Format  status.Format
}

// Status returns the credentialStatus entry to write into the credential
// before signing it ([status.AddStatus]), as [status.List.Entry] writes it.
func (e Entry) Status() status.Entry {
	idx := strconv.Itoa(e.Index)
	s := status.Entry{
		ID:                   e.List + "#" + idx,
		Type:                 status.TypeBitstringEntry,
		StatusPurpose:        e.Purpose,
		StatusListIndex:      idx,
		StatusListCredential: e.List,
	}
	if e.Format == status.FormatStatusList2021 {
		s.Type = status.TypeStatusList2021Entry
	}
	return s
}

// Reservation asks for a credential to be recorded before it is signed.
type Reservation struct {
	// ID is the credential's id (a "urn:uuid:" or URL); "" = a fresh
	// urn:uuid. An id already recorded (under no key, or another key)
	// gives [ErrExists].
	ID string
	// Key is the idempotency key ("" = none): a reservation with a key
	// already recorded returns the credential recorded under it.
	Key string
	// Fingerprint identifies the request (a hash of its body), so that a
	// key reused for another request is refused ([ErrKeyConflict]).
	Fingerprint []byte
	// Recipient is a reference to the recipient, as the caller chooses to
	// record it (a DID, a hashed identifier, a learner number).
	Recipient string
	// Achievement is the achievement's id.
	Achievement string
	// Format is the credential's format as the caller names it ("ldp_vc",
	// "jwt", ...).
	Format string
	// Pools names the pools to allocate one status entry from each.
	Pools []string
	// Entries are entries allocated earlier ([Allocator.Allocate]) and not
	// yet bound, to bind to this credential ([ErrConflict] if one is
	// bound already or was never allocated).
	Entries []Entry
}

// Completion is a signed credential to store for a reserved id.
type Completion struct {
	ID     string
	Signed []byte // the JSON credential or the compact VC-JWT
}

// Completed is the outcome of a [Completion].
type Completed struct {
	ID string
	// Signed is the credential stored for ID: the one given, or when
	// Replayed, the one an earlier completion stored.
	Signed   []byte
	Replayed bool
}

// Credential is a recorded credential. The store never holds a private
// key: Signed is the credential as issued.
type Credential struct {
	ID          string
	Key         string
	Fingerprint []byte
	Recipient   string
	Achievement string
	Format      string
	Status      []Entry
	Reserved    time.Time // when the reservation was recorded
	Issued      time.Time // when it was completed; zero until then
	Signed      []byte    // nil until completed
	// Replayed is set when the credential was recorded by an earlier call
	// (a retried idempotency key, a second completion).
	Replayed bool
}

// Completed reports whether the signed credential is stored.
func (c *Credential) Completed() bool { return c.Signed != nil }

// List is a status list as stored.
type List struct {
	ID      string
	Pool    string
	Seq     int // its number in the pool, from 1
	Purpose string
	Format  status.Format
	Entries int
	Issuer  string
	// Allocated counts the indexes handed out.
	Allocated int
	// Version counts the changes of its entries (from 1); SignedVersion
	// is the version Signed shows (0: never signed).
	Version, SignedVersion int64
	// Signed is the list credential to publish at ID, ETag its entity
	// tag (a quoted string), SignedAt when it was stored.
	Signed   []byte
	ETag     string
	SignedAt time.Time
}

// Snapshot is a list's entries at one version.
type Snapshot struct {
	List
	// Set holds the indexes whose entry is set, in increasing order.
	Set []int
}

// Change is the outcome of [Revocations.SetStatus].
type Change struct {
	List    string
	Index   int
	Changed bool  // false: the entry already had that value
	Version int64 // the list's version after the change
}

// Errors. Every error of a store either matches one of these or wraps a
// database error in [ErrUnavailable] (or is ctx's error).
var (
	// ErrNotFound: no credential or list of that id or key.
	ErrNotFound = errors.New("store: not found")
	// ErrExists: a credential id is already recorded.
	ErrExists = errors.New("store: credential id already recorded")
	// ErrKeyConflict: an idempotency key is reused for another request
	// (another Fingerprint).
	ErrKeyConflict = errors.New("store: idempotency key already used for another request")
	// ErrConflict: a pre-allocated entry is bound already or was never
	// allocated.
	ErrConflict = errors.New("store: status entry not available")
	// ErrNoEntry: the credential has no status entry of that purpose.
	ErrNoEntry = errors.New("store: credential has no status entry of that purpose")
	// ErrIrreversible: a revocation cannot be undone.
	ErrIrreversible = errors.New("store: a revocation cannot be undone")
	// ErrUnknownPool: a reservation names a pool not recorded.
	ErrUnknownPool = errors.New("store: unknown status list pool")
	// ErrPoolMismatch: a pool is recorded with other settings.
	ErrPoolMismatch = errors.New("store: status list pool recorded with other settings")
	// ErrStale: a list is already signed at that version or later.
	ErrStale = errors.New("store: a newer signed list is already stored")
	// ErrLeaseLost: the caller does not hold the list's lease.
	ErrLeaseLost = errors.New("store: lease not held")
	// ErrInvalid: an argument is unusable (an empty id, a bad pool, an
	// unknown purpose, a DSN of no known kind).
	ErrInvalid = errors.New("store: invalid argument")
	// ErrSchemaTooNew: the database's schema is newer than this program
	// knows; it is not touched.
	ErrSchemaTooNew = errors.New("store: database schema is newer than this program")
	// ErrUnavailable: the database did not do what was asked: it is down,
	// unreachable, busy past the timeout, full, read-only, or failed. A
	// server answers 503; nothing was recorded by the failed call.
	ErrUnavailable = errors.New("store: database unavailable")
)
