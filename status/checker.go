package status

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// Cache defaults of [Checker].
const (
	DefaultCacheTTL        = 5 * time.Minute
	DefaultMaxCacheTTL     = 24 * time.Hour
	DefaultMaxCacheEntries = 128
	DefaultMaxCacheBytes   = 64 << 20
)

// Checker checks credentialStatus entries of every method an Open Badge
// may carry, so a verifier need not know which one a badge uses:
// BitstringStatusListEntry (W3C Bitstring Status List v1.0),
// StatusList2021Entry, and 1EdTechRevocationList (VCRL 1.0). It implements
// [vc.StatusChecker].
//
// For a status list it fetches the list credential through Fetcher,
// verifies its proofs with Proofs, requires its id to be the URL the entry
// names (statusListCredential, compared as exact strings) and its issuer to
// be the credential's issuer (or one of TrustedListIssuers), checks the
// list's validity window and purpose, refuses a list older than one it has
// already accepted for the same URL, checks the list's own
// credentialStatus if it has one, decodes it within Limits and reads the
// entry. A list is cached, after verification, for its ttl (CacheTTL when
// it has none), never past its validUntil and never longer than
// MaxCacheTTL. A cached list is revalidated with its publisher (ETag,
// If-None-Match) after RevalidateAfter, a valid answer may be bounded in
// age with MaxValidAge, and [Checker.Forget] drops a cached list at once
// (a publisher that revokes a credential can tell its own verifiers).
//
// Rollback: the checker keeps, per list URL, the version of the newest
// list it accepted (a high-water mark): the list's validFrom (issuanceDate
// for VC 1.1), then the latest created time of its verified Data
// Integrity proofs; both are signed. A list whose version is older than
// the mark for its URL fails with [ErrStatusListRollback], so a verifier
// that has seen a list revoking a credential cannot be shown an older list
// that does not. A list of equal version is accepted. The marks live in
// the Checker (use one Checker for all checks; a new Checker starts with
// none) and are bounded by MaxHighWaterMarks, least recently used first
// out. The 1EdTech revocation list is unsigned and undated: it has no
// version and no mark.
//
// A list credential that carries its own credentialStatus has it checked
// with the same checker, one level deep: a list met while doing so must
// not carry a credentialStatus itself ([ErrListStatusDepth]), and a list
// whose own status is not in good standing fails ([ErrListStatus]). A
// list carries at most 8 status entries of its own.
//
// It fails closed: anything that prevents establishing the status (a
// list that cannot be fetched or verified, is too short or malformed, an
// index out of range, an unknown entry type or purpose) is the outcome
// [vc.StatusUnknownOutcome] with an error matching [vc.ErrStatusUnknown]
// whose cause is an [*Error] naming the reason. The 1EdTech validator only
// warns when a 1EdTech revocation list cannot be fetched; this checker
// reports status unknown, which the verifier fails.
//
// The zero value fetches over the network with [HTTPFetcher] defaults and
// verifies proofs with a zero [proof.Verifier] (offline did:key and
// did:jwk keys only). Configure it before first use and do not copy it
// after; it is safe for concurrent use.
type Checker struct {
	// Fetcher fetches lists (nil = a default [HTTPFetcher]).
	Fetcher Fetcher
	// Proofs verifies the list credential's proofs and JWTs. Nil: the
	// verifier of the credential being checked, when the caller gives it
	// ([Checker.CheckStatusWith]: the badge pipeline does, so lists are
	// checked with its resolver, clock and allow-lists), else a zero
	// proof.Verifier with the checker's clock (offline keys only). Set it
	// to verify every list with one verifier of your own.
	Proofs *proof.Verifier
	// TrustedListIssuers are list issuers accepted in addition to the
	// credential's own issuer (a status service that signs lists for
	// several issuers). Empty: the list issuer must be the credential's.
	TrustedListIssuers []string
	// Limits bound decoding (nil = defaults: 131,072 entries minimum,
	// 16 MiB decompressed).
	Limits *Limits
	// Now is the clock (nil = time.Now).
	Now func() time.Time
	// ClockSkew is the tolerance for the list's validity window (zero =
	// vc.DefaultClockSkew; negative = none).
	ClockSkew time.Duration
	// CacheTTL is how long a list without ttl is cached (0 =
	// DefaultCacheTTL; negative = no caching at all).
	CacheTTL time.Duration
	// MaxCacheTTL caps every cache lifetime, ttl included (0 =
	// DefaultMaxCacheTTL).
	MaxCacheTTL time.Duration
	// MaxCacheEntries and MaxCacheBytes bound the cache (0 = defaults).
	MaxCacheEntries int
	MaxCacheBytes   int64
	// RevalidateAfter is how long a cached list is used before the
	// checker asks its publisher again whether it changed (0 =
	// DefaultRevalidateAfter, 30 s; negative = never: a list is used
	// until its cache lifetime ends). It needs a Fetcher that is a
	// [ConditionalFetcher], as the default [HTTPFetcher] is; with another
	// Fetcher lists are not revalidated. The checker sends the list's
	// ETag in If-None-Match: a 304 keeps the cached list (the request
	// counts as a fetch of the verification's budget all the same); a
	// changed list replaces it only after every check a new list gets
	// (proofs, issuer, id binding, validity window, rollback, its own
	// status). A list that carries its own credentialStatus is fetched
	// again in full, so that status is checked again too. If the
	// revalidation fails (the publisher cannot be reached, or what it
	// now serves does not verify), the cached list is still used until
	// its cache lifetime ends and asked about again after
	// RevalidateAfter, unless MaxValidAge forbids it. The cache lifetime
	// (CacheTTL, the list's ttl, validUntil) counts from the list's
	// first fetch and is not extended by a 304.
	RevalidateAfter time.Duration
	// MaxValidAge bounds how long ago the list behind a valid answer
	// (neither revoked nor suspended) was fetched or confirmed unchanged
	// by its publisher (0 = no bound beyond the cache lifetime and
	// RevalidateAfter; negative = the list must be fetched or
	// revalidated by the check itself). When the cached list is older,
	// the checker asks the publisher again (conditionally when the
	// Fetcher can) before answering, and if that fails the status is
	// unknown. Revoked and suspended answers are served from the cache as
	// long as it holds the list. It works with any Fetcher.
	MaxValidAge time.Duration
	// MaxHighWaterMarks bounds how many list URLs the checker remembers
	// the newest accepted list version of, for rollback protection (0 =
	// DefaultMaxHighWaterMarks, 10,000; about 200 bytes each whatever the
	// URL's length, so 2 MB at the default). The least recently used URL
	// is forgotten first; a forgotten URL accepts any verified list again.
	MaxHighWaterMarks int
	// AllowListIDMismatch accepts a status list credential (or a 1EdTech
	// revocation list that has an id) whose id is not the URL the entry
	// names: a mirrored copy, or the 1EdTech validator's samples. Off by
	// default: such a list fails with [ErrListIDMismatch], because a list
	// published for another URL (another list of the same issuer, where
	// the credential's index is not set) would otherwise be accepted. When
	// it is used, the result's Message says so. The list is still
	// verified, its issuer checked, and it is refused if older than a list
	// already accepted for the URL it was fetched from or for its id.
	AllowListIDMismatch bool
	// AllowShortLists accepts a status list with fewer entries than the
	// Bitstring Status List minimum (Limits.MinEntries, 131,072 by
	// default, which gives group privacy): real ecosystems publish lists
	// of 100,000 entries. Off by default: such a list fails with
	// [ErrListLength]. When it is used, the result's Message says so.
	AllowShortLists bool
	// AllowForeignListSigner accepts a status list whose issuer is neither
	// the credential's issuer nor one of TrustedListIssuers (a status
	// service signing with a key of its own). The list's proofs must still
	// verify and be bound to the list's own issuer; the result's Message
	// names that issuer and its key. Off by default: such a list fails
	// with [ErrIssuerMismatch]. Whoever controls the list's URL then
	// decides what it says, as for an unsigned 1EdTech revocation list.
	AllowForeignListSigner bool

	once     sync.Once
	fetcher  Fetcher
	proofs   *proof.Verifier
	mu       sync.Mutex
	cache    map[string]*cachedList
	bytes    int64
	inflight map[string]*loadCall
	gen      uint64 // counts Forget and ForgetAll calls
	marks    *highWater
}

// maxListStatusEntries bounds the credentialStatus entries of a status list
// credential, each of which may cost a fetch.
const maxListStatusEntries = 8

// NewLocalChecker returns a Checker that reads lists only from lists (URL
// to the bytes of the list credential or revocation list, such as files
// given on a command line) and never touches the network. proofs verifies
// the lists (nil = a zero proof.Verifier).
func NewLocalChecker(lists map[string][]byte, proofs *proof.Verifier) *Checker {
	return &Checker{Fetcher: StaticFetcher(lists), Proofs: proofs}
}

// cachedList is a fetched and verified list.
type cachedList struct {
	// verifiedBy is the proof verifier given by CheckStatusWith (or
	// CheckStatusOptions) that verified the list, nil for the Checker's
	// own. It is part of the cache key by address, and holding it here
	// keeps that address from being reused by another verifier while the
	// entry lives.
	verifiedBy *proof.Verifier
	id         string // the list's own id ("" when it has none)
	idMismatch bool   // id is not the URL (accepted by AllowListIDMismatch)
	issuer     string
	purposes   []string
	bits       *Bitstring          // status lists, decoded with statusSize 1
	revoked    map[string]struct{} // 1EdTech revocation lists, by revocationKey
	validFrom  time.Time
	validUntil time.Time
	version    listVersion // zero for 1EdTech revocation lists
	hasStatus  bool        // the list credential carries credentialStatus
	signer     string      // the verification method of its first verified proof
	short      bool        // fewer entries than minEntries (accepted by AllowShortLists)
	entries    int         // entries of one bit
	minEntries int         // the minimum it was measured against
	notes      []Relaxation
	deps       []string // the lists consulted for its own status
	expires    time.Time
	size       int64

	// Set by the cache (see cache.go). A cachedList is never changed once
	// cached: a revalidation stores a copy.
	url       string    // the URL it was fetched from
	etag      string    // the publisher's entity tag ("" = none)
	digest    [32]byte  // SHA-256 of the fetched bytes
	validated time.Time // last fetched, or confirmed unchanged
	checked   time.Time // last revalidation attempt
}

// nesting is the state of checking a list's own status: the depth (1) and
// the earliest expiry of the lists consulted, which bounds how long the
// list whose status they gave may be cached.
type nesting struct {
	depth   int
	expires time.Time
	urls    []string // the lists consulted
}

// note records that the list at url, cached until t, was consulted.
func (n *nesting) note(url string, t time.Time) {
	if n == nil {
		return
	}
	if t.Before(n.expires) {
		n.expires = t
	}
	if !slices.Contains(n.urls, url) {
		n.urls = append(n.urls, url)
	}
}

type loadCall struct {
	url  string
	done chan struct{}
	list *cachedList
	err  error
}

func (ch *Checker) init() {
	ch.fetcher = ch.Fetcher
	if ch.fetcher == nil {
		ch.fetcher = &HTTPFetcher{}
	}
	ch.proofs = ch.Proofs
	if ch.proofs == nil {
		ch.proofs = &proof.Verifier{Now: ch.Now}
	}
	ch.cache = make(map[string]*cachedList)
	ch.inflight = make(map[string]*loadCall)
	ch.marks = newHighWater(ch.MaxHighWaterMarks)
}

func (ch *Checker) now() time.Time {
	if ch.Now != nil {
		return ch.Now()
	}
	return time.Now()
}

// CheckStatus implements [vc.StatusChecker] for one credentialStatus
// entry. The result is never nil; err is nil only for a valid status (or
// a readable message or refresh entry).
func (ch *Checker) CheckStatus(ctx context.Context, c *vc.Credential, entry map[string]any) (*vc.StatusResult, error) {
	ch.once.Do(ch.init)
	res, _, err := ch.checkEntry(ctx, c, entry, nil)
	return res, err
}

// CheckStatusWith is CheckStatus with the verifier of the credential that
// led here: when the Checker's own Proofs is nil, the list's proofs are
// verified with pv, so a status list is checked with the same key
// resolution (a did:web resolver, say), clock and allow-lists as the
// credential itself. The badge pipeline calls it with its own verifier.
// Lists verified with different verifiers are cached apart. A nil pv is
// CheckStatus.
func (ch *Checker) CheckStatusWith(ctx context.Context, c *vc.Credential, entry map[string]any, pv *proof.Verifier) (*vc.StatusResult, error) {
	ch.once.Do(ch.init)
	if pv != nil && ch.Proofs == nil {
		ctx = context.WithValue(ctx, proofsKey{}, pv)
	}
	res, _, err := ch.checkEntry(ctx, c, entry, nil)
	return res, err
}

// proofsKey carries, inside this package only, the verifier given to
// CheckStatusWith down to verifyList (and into the cache key).
type proofsKey struct{}

// verifier returns the proof verifier for lists in ctx: CheckStatusWith's
// or the Checker's own.
func (ch *Checker) verifier(ctx context.Context) *proof.Verifier {
	if pv, ok := ctx.Value(proofsKey{}).(*proof.Verifier); ok {
		return pv
	}
	return ch.proofs
}

// checkEntry checks one entry; n is nil for a credential's own entries and
// set while checking a status list's own status. It returns the rules it
// relaxed to reach the result.
func (ch *Checker) checkEntry(ctx context.Context, c *vc.Credential, entry map[string]any, n *nesting) (*vc.StatusResult, []Relaxation, error) {
	typ := entryType(entry)
	res := &vc.StatusResult{Type: typ, Index: -1}
	if c == nil {
		res, err := unknown(res, newError(ErrMalformed, "", nil, "nil credential"))
		return res, nil, err
	}
	switch typ {
	case TypeBitstringEntry, TypeStatusList2021Entry:
		return ch.checkList(ctx, c, entry, res, n)
	case TypeRevocationList:
		return ch.checkRevocationList(ctx, c, entry, res, n)
	}
	return res, nil, &vc.StatusError{Kind: vc.ErrUnsupportedStatusType, Type: typ, Index: -1}
}

// unknownNotes is unknown for the functions that also return relaxations
// (none: the status was not established).
func unknownNotes(res *vc.StatusResult, err error) (*vc.StatusResult, []Relaxation, error) {
	res, err = unknown(res, err)
	return res, nil, err
}

// CheckCredential checks every credentialStatus entry of c, in order. It
// returns one result per entry and an error that joins the failures (nil
// when every entry is in good standing; also nil when c has no
// credentialStatus member). A credentialStatus that is not an object or a
// non-empty array of objects (an array holding a string, say) is status
// unknown, not skipped.
func (ch *Checker) CheckCredential(ctx context.Context, c *vc.Credential) ([]*vc.StatusResult, error) {
	if c == nil {
		return unknownResults(newError(ErrMalformed, "", nil, "nil credential"))
	}
	raw, has := c.Document()["credentialStatus"]
	if !has {
		return nil, nil
	}
	entries, err := statusEntries(raw)
	if err != nil {
		return unknownResults(newError(ErrMalformed, "", err, "credentialStatus"))
	}
	var results []*vc.StatusResult
	var errs []error
	for _, e := range entries {
		r, err := ch.CheckStatus(ctx, c, e)
		results = append(results, r)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return results, errors.Join(errs...)
}

func unknownResults(err error) ([]*vc.StatusResult, error) {
	res, serr := unknown(&vc.StatusResult{Index: -1}, err)
	return []*vc.StatusResult{res}, serr
}

// statusEntries reads a credentialStatus value: one object, or a non-empty
// array of objects. Anything else is an error, never an empty list: an
// entry a reader skips is a status nobody checks.
func statusEntries(raw any) ([]map[string]any, error) {
	switch x := raw.(type) {
	case map[string]any:
		return []map[string]any{x}, nil
	case []any:
		if len(x) == 0 {
			return nil, fmt.Errorf("an empty array")
		}
		out := make([]map[string]any, 0, len(x))
		for i, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("entry %d is not an object", i)
			}
			out = append(out, m)
		}
		return out, nil
	}
	return nil, fmt.Errorf("not an object or an array of objects")
}

func entryType(entry map[string]any) string {
	switch t := entry["type"].(type) {
	case string:
		return t
	case []any:
		if len(t) == 1 {
			s, _ := t[0].(string)
			return s
		}
	}
	return ""
}

// unknown returns the status-unknown outcome.
func unknown(res *vc.StatusResult, err error) (*vc.StatusResult, error) {
	res.Outcome = vc.StatusUnknownOutcome
	return res, &vc.StatusError{Kind: vc.ErrStatusUnknown, Type: res.Type, ListURL: res.ListURL, Index: res.Index, Err: err}
}

// checkList checks a status list entry and returns, with the result, the
// rules relaxed to trust the list.
func (ch *Checker) checkList(ctx context.Context, c *vc.Credential, entry map[string]any, res *vc.StatusResult, n *nesting) (*vc.StatusResult, []Relaxation, error) {
	var notes []Relaxation
	res, err := ch.readList(ctx, c, entry, res, n, &notes, 0)
	return res, notes, err
}

// readList reads the entry's list; maxAge is passed to [Checker.list]:
// zero at first, MaxValidAge when the answer is valid but the cached list
// was validated too long ago ([Checker.tooOld]), when it is read again.
func (ch *Checker) readList(ctx context.Context, c *vc.Credential, entry map[string]any, res *vc.StatusResult, n *nesting, notes *[]Relaxation, maxAge time.Duration) (*vc.StatusResult, error) {
	purpose, _ := entry["statusPurpose"].(string)
	res.Purpose = purpose
	res.ListURL, _ = entry["statusListCredential"].(string)
	bad := func(format string, args ...any) (*vc.StatusResult, error) {
		return unknown(res, newError(ErrMalformed, res.ListURL, nil, format, args...))
	}
	if res.ListURL == "" {
		return bad("entry has no statusListCredential")
	}
	idx, err := parseIndex(entry["statusListIndex"])
	if err != nil {
		return unknown(res, newError(ErrMalformed, res.ListURL, err, "statusListIndex"))
	}
	res.Index = idx
	switch purpose {
	case PurposeRevocation, PurposeSuspension:
	case PurposeMessage, PurposeRefresh:
		if res.Type == TypeStatusList2021Entry {
			return bad("StatusList2021 has no %q purpose", purpose)
		}
	case "":
		return bad("entry has no statusPurpose")
	default:
		return bad("unknown statusPurpose %q", purpose)
	}
	size := int64(1)
	if v, has := entry["statusSize"]; has {
		if size, err = parseIndex(v); err != nil || size < 1 || size > MaxStatusSize || res.Type == TypeStatusList2021Entry {
			return bad("statusSize %v is not supported", v)
		}
	}
	messages, err := statusMessages(entry, int(size))
	if err != nil {
		return unknown(res, newError(ErrMalformed, res.ListURL, err, "statusMessage"))
	}
	if purpose == PurposeMessage && messages == nil {
		return bad("a message entry needs statusMessage")
	}

	list, fresh, err := ch.list(ctx, res.Type, res.ListURL, n, maxAge)
	if err != nil {
		return unknown(res, err)
	}
	if n != nil && list.hasStatus {
		return unknown(res, newError(ErrVerification, res.ListURL, ErrListStatusDepth, "a list used for another list's status carries credentialStatus itself"))
	}
	trusted, err := ch.trustList(ctx, c, list, res.ListURL)
	if err != nil {
		return unknown(res, err)
	}
	if !slices.Contains(list.purposes, purpose) {
		return unknown(res, newError(ErrVerification, res.ListURL, nil, "the list serves %q, not %q", list.purposes, purpose))
	}
	if err := ch.admit(res.Type, res.ListURL, list); err != nil {
		return unknown(res, err)
	}
	n.note(res.ListURL, list.expires)
	bits := list.bits
	if size > 1 {
		bits = &Bitstring{bits: bits.bits, size: int(size), n: len(bits.bits) * 8 / int(size)}
		if _, _, minEntries := ch.Limits.values(); bits.n < minEntries {
			if !ch.relax(ctx).shortLists {
				return unknown(res, newError(ErrListLength, res.ListURL, nil, "%d entries of %d bits, minimum %d", bits.n, size, minEntries))
			}
			if !list.short {
				// The list is long enough in one-bit entries but not in
				// entries of this size.
				l := *list
				l.short, l.entries, l.minEntries = true, bits.n, minEntries
				list = &l
			}
		}
	}
	if idx >= int64(bits.n) {
		return unknown(res, newError(ErrRange, res.ListURL, nil, "index %d, list has %d entries", idx, bits.n))
	}
	v, _ := bits.Get(int(idx))
	res.Value = v
	if messages != nil {
		res.Message = messages[v]
	}
	*notes = listNotes(res, list, c.Issuer(), trusted)
	switch {
	case purpose == PurposeMessage:
		res.Outcome = vc.StatusMessage
		return res, nil
	case v == 0 || purpose == PurposeRefresh:
		if maxAge == 0 && ch.tooOld(list, fresh) {
			// A valid answer from a list validated too long ago: ask the
			// publisher again, and fail if that fails.
			*res, *notes = vc.StatusResult{Type: res.Type, Index: -1}, nil
			return ch.readList(ctx, c, entry, res, n, notes, ch.MaxValidAge)
		}
		res.Outcome = vc.StatusValid
		return res, nil
	case purpose == PurposeRevocation:
		res.Outcome = vc.StatusRevoked
		return res, &vc.StatusError{Kind: vc.ErrRevoked, Type: res.Type, ListURL: res.ListURL, Index: idx, Message: res.Message}
	default:
		res.Outcome = vc.StatusSuspended
		return res, &vc.StatusError{Kind: vc.ErrSuspended, Type: res.Type, ListURL: res.ListURL, Index: idx, Message: res.Message}
	}
}

// parseIndex reads statusListIndex or statusSize: a non-negative integer
// written as base-10 digits without sign, blanks or leading zeros, given
// as a string (as the specifications say) or as a JSON number (as the
// 1EdTech samples do). "+5", "-0", "05", " 5", "5.0" and "1e3" are
// refused: readers that disagree on such values (octal, sign, trimming)
// would read another entry.
func parseIndex(v any) (int64, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = string(x)
	case float64:
		if x < 0 || x != math.Trunc(x) || x > 1<<53 {
			return 0, fmt.Errorf("%v is not a non-negative integer", x)
		}
		return int64(x), nil
	case int:
		if x < 0 {
			return 0, fmt.Errorf("%d is negative", x)
		}
		return int64(x), nil
	case int64:
		if x < 0 {
			return 0, fmt.Errorf("%d is negative", x)
		}
		return x, nil
	case nil:
		return 0, fmt.Errorf("missing")
	default:
		return 0, fmt.Errorf("%v is not an integer", v)
	}
	if s == "" || len(s) > 18 || (s[0] == '0' && len(s) > 1) {
		return 0, fmt.Errorf("%q is not a base-10 integer without sign or leading zeros (at most 18 digits)", s)
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%q is not a base-10 integer without sign or leading zeros (at most 18 digits)", s)
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n, nil
}

// statusMessages reads statusMessage into value-indexed texts; nil when
// absent. It must hold 2^size entries with distinct values "0x…".
func statusMessages(entry map[string]any, size int) ([]string, error) {
	raw, has := entry["statusMessage"]
	if !has {
		if size > 1 {
			return nil, fmt.Errorf("required when statusSize is above 1")
		}
		return nil, nil
	}
	arr, ok := raw.([]any)
	if !ok || len(arr) != 1<<size {
		return nil, fmt.Errorf("want an array of 2^%d objects", size)
	}
	out := make([]string, len(arr))
	seen := make([]bool, len(arr))
	for _, x := range arr {
		m, ok := x.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("an entry is not an object")
		}
		st, _ := m["status"].(string)
		hex, ok := strings.CutPrefix(strings.ToLower(st), "0x")
		var v uint64
		if !ok || hex == "" || len(hex) > 8 {
			return nil, fmt.Errorf("status %q is not 0x-prefixed hexadecimal", st)
		}
		for _, d := range hex {
			switch {
			case d >= '0' && d <= '9':
				v = v<<4 | uint64(d-'0')
			case d >= 'a' && d <= 'f':
				v = v<<4 | uint64(d-'a'+10)
			default:
				return nil, fmt.Errorf("status %q is not 0x-prefixed hexadecimal", st)
			}
		}
		if v >= uint64(len(out)) || seen[v] {
			return nil, fmt.Errorf("status %q is out of range or repeated", st)
		}
		seen[v] = true
		out[v], _ = m["message"].(string)
	}
	return out, nil
}

// trustList checks the list's issuer and validity window. trusted says
// whether the issuer is one of TrustedListIssuers.
func (ch *Checker) trustList(ctx context.Context, c *vc.Credential, list *cachedList, url string) (trusted bool, err error) {
	iss := c.Issuer()
	trusted = slices.Contains(ch.TrustedListIssuers, list.issuer)
	if list.issuer == "" || list.issuer != iss && !trusted && !ch.relax(ctx).foreignSigner {
		return trusted, newError(ErrVerification, url, ErrIssuerMismatch, "list issuer %q, credential issuer %q", list.issuer, iss)
	}
	return trusted, ch.checkWindow(url, list.validFrom, list.validUntil)
}

// checkWindow checks a list's validity window against the clock.
func (ch *Checker) checkWindow(url string, from, until time.Time) error {
	now := ch.now()
	skew := ch.ClockSkew
	if skew == 0 {
		skew = vc.DefaultClockSkew
	} else if skew < 0 {
		skew = 0
	}
	if !from.IsZero() && now.Add(skew).Before(from) {
		return newError(ErrVerification, url, vc.ErrNotYetValid, "list valid from %s", from.Format(time.RFC3339))
	}
	if !until.IsZero() && now.Add(-skew).After(until) {
		return newError(ErrVerification, url, vc.ErrExpired, "list expired at %s", until.Format(time.RFC3339))
	}
	return nil
}

// rollbackLocked refuses l, fetched from url, if it is older than the
// newest list accepted for url or, when its id is not url, for its id.
func (ch *Checker) rollbackLocked(url string, l *cachedList) error {
	if l.revoked != nil {
		return nil // 1EdTech revocation lists have no version
	}
	urls := []string{url}
	if l.id != "" && l.id != url {
		urls = append(urls, l.id)
	}
	for _, u := range urls {
		if mark, ok := ch.marks.mark(u); ok && l.version.before(mark) {
			return newError(ErrVerification, url, ErrStatusListRollback, "list of %s, but a list of %s was accepted for %q", l.version, mark, u)
		}
	}
	return nil
}

// admit records that l, fetched from url, was accepted for a credential:
// it raises the high-water mark of url, after checking again (under the
// lock) that no newer list was accepted meanwhile. Only the URL the list
// was fetched from is raised, never its id: a mirror cannot hold back the
// list of the URL it mirrors.
func (ch *Checker) admit(typ, url string, l *cachedList) error {
	if l.revoked != nil {
		return nil
	}
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if err := ch.rollbackLocked(url, l); err != nil {
		key := typ + " " + url
		if ch.cache[key] == l {
			ch.dropLocked(key)
		}
		return err
	}
	ch.marks.raise(url, l.version)
	return nil
}

// loadStatusList verifies and reads the status list credential body
// fetched from url.
func (ch *Checker) loadStatusList(ctx context.Context, typ, url string, depth int, body []byte) (*cachedList, error) {
	c, created, signer, err := ch.verifyList(ctx, url, body)
	if err != nil {
		return nil, err
	}
	info, err := readList(c, typ)
	if err != nil {
		return nil, withURL(err, url)
	}
	relax := ch.relax(ctx)
	l := &cachedList{id: c.ID(), issuer: c.Issuer(), signer: signer, purposes: info.purposes}
	l.verifiedBy, _ = ctx.Value(proofsKey{}).(*proof.Verifier)
	if err := ch.bind(url, l, relax.idMismatch); err != nil {
		return nil, err
	}
	// Every bound the list states counts (validUntil and expirationDate:
	// the stricter wins), as for any credential.
	from, until, err := c.Window()
	if err != nil {
		return nil, newError(ErrMalformed, url, err, "list validity")
	}
	if err := ch.checkWindow(url, from, until); err != nil {
		return nil, err
	}
	l.validFrom, l.validUntil = from, until
	l.version = listVersion{validFrom: from, created: created}
	ch.mu.Lock()
	err = ch.rollbackLocked(url, l)
	ch.mu.Unlock()
	if err != nil {
		return nil, err
	}
	lim := ch.Limits
	_, _, minEntries := lim.values()
	if relax.shortLists {
		// Decode without a minimum, then say whether the list met it.
		var short Limits
		if lim != nil {
			short = *lim
		}
		short.MinEntries = 1
		lim = &short
	}
	l.bits, err = Decode(info.encoded, info.format, 1, lim)
	if err != nil {
		return nil, withURL(err, url)
	}
	l.entries, l.minEntries = l.bits.n, minEntries
	l.short = l.bits.n < minEntries
	l.size = int64(len(l.bits.bits)) + 512
	l.expires = ch.expiry(ch.now(), info.ttl, until)
	if raw, has := c.Document()["credentialStatus"]; has {
		l.hasStatus = true
		if l.expires, l.notes, l.deps, err = ch.checkListStatus(ctx, c, url, raw, depth, l.expires); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// bind checks that the list's id is the URL it was fetched for: exactly
// the same string, with no normalization (the entry's value, fragment and
// all; the list's id as signed). allow ([Checker.AllowListIDMismatch])
// accepts another id (or none), which the result then reports.
func (ch *Checker) bind(url string, l *cachedList, allow bool) error {
	if l.id == url {
		return nil
	}
	if !allow {
		if l.id == "" {
			return newError(ErrVerification, url, ErrListIDMismatch, "the list has no id")
		}
		return newError(ErrVerification, url, ErrListIDMismatch, "the list's id is %q", l.id)
	}
	l.idMismatch = true
	return nil
}

// checkListStatus checks the credentialStatus of a status list credential
// c fetched from url, one level deep, and returns the cache expiry of the
// list lowered to that of the lists it consulted, the rules relaxed to
// trust those lists (reported wherever the list is used) and their URLs
// (forgetting one of them forgets the list too).
func (ch *Checker) checkListStatus(ctx context.Context, c *vc.Credential, url string, raw any, depth int, expires time.Time) (time.Time, []Relaxation, []string, error) {
	if depth > 0 {
		return expires, nil, nil, newError(ErrVerification, url, ErrListStatusDepth, "a list used for another list's status carries credentialStatus itself")
	}
	entries, err := statusEntries(raw)
	if err != nil {
		return expires, nil, nil, newError(ErrVerification, url, fmt.Errorf("%w: credentialStatus: %w", ErrListStatus, err), "")
	}
	if len(entries) > maxListStatusEntries {
		return expires, nil, nil, newError(ErrVerification, url, ErrListStatus, "%d credentialStatus entries, at most %d", len(entries), maxListStatusEntries)
	}
	n := &nesting{depth: depth + 1, expires: expires}
	var notes []Relaxation
	for _, e := range entries {
		_, relaxed, err := ch.checkEntry(ctx, c, e, n)
		if err != nil {
			// The cause is kept as text, not wrapped: the list's own
			// revocation must not read as the credential's (vc.ErrRevoked).
			return expires, nil, nil, newError(ErrVerification, url, fmt.Errorf("%w: %s", ErrListStatus, err.Error()), "")
		}
		for _, r := range relaxed {
			r.Detail = fmt.Sprintf("the status of list %q: %s", url, r.Detail)
			notes = append(notes, r)
		}
	}
	return n.expires, notes, n.urls, nil
}

// verifyList parses a list credential (JSON with Data Integrity proofs,
// or a compact VC-JWT) and verifies it. created is the latest created
// time of the Data Integrity proofs its issuer made (zero for a JWT);
// signer is the verification method of the first of them (or of the JWT).
func (ch *Checker) verifyList(ctx context.Context, url string, body []byte) (c *vc.Credential, created time.Time, signer string, err error) {
	trimmed := bytes.TrimSpace(body)
	if trimmed[0] != '{' {
		tok := string(trimmed)
		if !proof.IsCompactJWS([]byte(tok)) {
			return nil, created, "", newError(ErrMalformed, url, nil, "list is neither a JSON credential nor a VC-JWT")
		}
		c, pr, err := ch.verifier(ctx).VerifyJWT(ctx, tok)
		if err != nil {
			return nil, created, "", newError(ErrVerification, url, err, "")
		}
		return c, created, pr.VerificationMethod, nil
	}
	c, err = vc.Parse(body)
	if err != nil {
		return nil, created, "", newError(ErrMalformed, url, err, "")
	}
	results, err := ch.verifier(ctx).VerifyProofs(ctx, c)
	if err != nil {
		return nil, created, "", newError(ErrVerification, url, err, "")
	}
	// Only the list issuer's own verified proofs say how new the list is
	// and who signed it: an unsupported proof added to a proof set could
	// carry any time, and so could a witness proof, which anyone can add
	// with their own key to an old copy of the list (rollback). Only
	// when issuer binding was skipped (no proof is the issuer's) does
	// any verified proof count.
	byIssuer := func(r proof.ProofResult) bool { return proof.IssuerProof(r, c.Issuer()) }
	if !slices.ContainsFunc(results, byIssuer) {
		byIssuer = func(r proof.ProofResult) bool { return r.Status == proof.StatusVerified }
	}
	for _, r := range results {
		if !byIssuer(r) {
			continue
		}
		if r.Created.After(created) {
			created = r.Created
		}
		if signer == "" {
			signer = r.VerificationMethod
		}
	}
	return c, created, signer, nil
}

// checkRevocationList checks a 1EdTechRevocationList entry: the
// credential is revoked when its id is listed (with revoked true or
// absent) in the document at the entry's id. Ids are compared after
// [revocationKey]: trimmed, a urn:uuid: in lower case, the scheme and host
// of an http(s) URL in lower case, so that an issuer listing an equivalent
// spelling of the id still revokes.
func (ch *Checker) checkRevocationList(ctx context.Context, c *vc.Credential, entry map[string]any, res *vc.StatusResult, n *nesting) (*vc.StatusResult, []Relaxation, error) {
	var notes []Relaxation
	res, err := ch.readRevocationList(ctx, c, entry, res, n, &notes, 0)
	return res, notes, err
}

func (ch *Checker) readRevocationList(ctx context.Context, c *vc.Credential, entry map[string]any, res *vc.StatusResult, n *nesting, notes *[]Relaxation, maxAge time.Duration) (*vc.StatusResult, error) {
	u, _ := entry["id"].(string)
	res.ListURL = strings.TrimSpace(u)
	res.Purpose = PurposeRevocation
	if res.ListURL == "" {
		return unknown(res, newError(ErrMalformed, "", nil, "1EdTechRevocationList entry has no id"))
	}
	id := revocationKey(c.ID())
	if id == "" {
		return unknown(res, newError(ErrMalformed, res.ListURL, nil, "the credential has no id to look up"))
	}
	list, fresh, err := ch.list(ctx, TypeRevocationList, res.ListURL, n, maxAge)
	if err != nil {
		return unknown(res, err)
	}
	n.note(res.ListURL, list.expires)
	*notes = listNotes(res, list, c.Issuer(), true)
	if _, revoked := list.revoked[id]; revoked {
		res.Value, res.Outcome = 1, vc.StatusRevoked
		return res, &vc.StatusError{Kind: vc.ErrRevoked, Type: res.Type, ListURL: res.ListURL, Index: -1, Message: res.Message}
	}
	if maxAge == 0 && ch.tooOld(list, fresh) {
		*res, *notes = vc.StatusResult{Type: res.Type, Index: -1}, nil
		return ch.readRevocationList(ctx, c, entry, res, n, notes, ch.MaxValidAge)
	}
	res.Outcome = vc.StatusValid
	return res, nil
}

// loadRevocationList reads a 1EdTech revocation list. It is unsigned and
// undated: whoever controls its URL (or the connection, or a list given
// offline) decides what it says, and there is no version to guard against
// rollback. Its id, when it has one, must be the URL.
func (ch *Checker) loadRevocationList(ctx context.Context, url string, body []byte) (*cachedList, error) {
	rl, err := ParseRevocationList(body)
	if err != nil {
		return nil, withURL(err, url)
	}
	l := &cachedList{id: rl.ID, revoked: make(map[string]struct{}), size: int64(len(body)) + 512}
	if rl.ID != "" {
		if err := ch.bind(url, l, ch.relax(ctx).idMismatch); err != nil {
			return nil, err
		}
	}
	for _, r := range rl.Revoked {
		if r.IsRevoked() {
			l.revoked[revocationKey(r.ID)] = struct{}{}
		}
	}
	l.expires = ch.expiry(ch.now(), 0, time.Time{})
	return l, nil
}

// parseObject reads a JSON object strictly.
func parseObject(data []byte) (map[string]any, error) {
	v, err := jsonx.Parse(data, nil)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not a JSON object")
	}
	return m, nil
}
