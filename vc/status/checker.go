package status

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
// verifies its proofs with Proofs, requires its issuer to be the
// credential's issuer (or one of TrustedListIssuers), checks the list's
// validity window and purpose, decodes it within Limits and reads the
// entry. A list is cached, after verification, for its ttl (CacheTTL when
// it has none), never past its validUntil and never longer than
// MaxCacheTTL.
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
	// Proofs verifies the list credential's proofs and JWTs (nil = a zero
	// proof.Verifier with the checker's clock). The badge pipeline passes its own, e.g. with
	// InsecureFragmentKeys for 1EdTech's https#z6Mk keys or an HTTPS
	// resolver.
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

	once     sync.Once
	fetcher  Fetcher
	proofs   *proof.Verifier
	mu       sync.Mutex
	cache    map[string]*cachedList
	bytes    int64
	inflight map[string]*loadCall
}

// NewLocalChecker returns a Checker that reads lists only from lists (URL
// to the bytes of the list credential or revocation list, such as files
// given on a command line) and never touches the network. proofs verifies
// the lists (nil = a zero proof.Verifier).
func NewLocalChecker(lists map[string][]byte, proofs *proof.Verifier) *Checker {
	return &Checker{Fetcher: StaticFetcher(lists), Proofs: proofs}
}

// cachedList is a fetched and verified list.
type cachedList struct {
	issuer     string
	purposes   []string
	bits       *Bitstring          // status lists, decoded with statusSize 1
	revoked    map[string]struct{} // 1EdTech revocation lists
	validFrom  time.Time
	validUntil time.Time
	expires    time.Time
	size       int64
}

type loadCall struct {
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
	typ := entryType(entry)
	res := &vc.StatusResult{Type: typ, Index: -1}
	if c == nil {
		return unknown(res, newError(ErrMalformed, "", nil, "nil credential"))
	}
	switch typ {
	case TypeBitstringEntry, TypeStatusList2021Entry:
		return ch.checkList(ctx, c, entry, res)
	case TypeRevocationList:
		return ch.checkRevocationList(ctx, c, entry, res)
	}
	return res, &vc.StatusError{Kind: vc.ErrUnsupportedStatusType, Type: typ, Index: -1}
}

// CheckCredential checks every credentialStatus entry of c, in order. It
// returns one result per entry and an error that joins the failures (nil
// when every entry is in good standing; also nil when c has no status).
func (ch *Checker) CheckCredential(ctx context.Context, c *vc.Credential) ([]*vc.StatusResult, error) {
	var results []*vc.StatusResult
	var errs []error
	for _, e := range c.Statuses() {
		r, err := ch.CheckStatus(ctx, c, e)
		results = append(results, r)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return results, errors.Join(errs...)
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

func (ch *Checker) checkList(ctx context.Context, c *vc.Credential, entry map[string]any, res *vc.StatusResult) (*vc.StatusResult, error) {
	purpose, _ := entry["statusPurpose"].(string)
	res.Purpose = purpose
	res.ListURL, _ = entry["statusListCredential"].(string)
	bad := func(format string, args ...any) (*vc.StatusResult, error) {
		return unknown(res, newError(ErrMalformed, res.ListURL, nil, format, args...))
	}
	if res.ListURL == "" {
		return bad("entry has no statusListCredential")
	}
	idx, err := nonNegInt(entry["statusListIndex"])
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
		if size, err = nonNegInt(v); err != nil || size < 1 || size > MaxStatusSize || res.Type == TypeStatusList2021Entry {
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

	list, err := ch.list(ctx, res.Type, res.ListURL)
	if err != nil {
		return unknown(res, err)
	}
	if err := ch.trustList(c, list, res.ListURL); err != nil {
		return unknown(res, err)
	}
	if !slices.Contains(list.purposes, purpose) {
		return unknown(res, newError(ErrVerification, res.ListURL, nil, "the list serves %q, not %q", list.purposes, purpose))
	}
	bits := list.bits
	if size > 1 {
		bits = &Bitstring{bits: bits.bits, size: int(size), n: len(bits.bits) * 8 / int(size)}
		if _, _, minEntries := ch.Limits.values(); bits.n < minEntries {
			return unknown(res, newError(ErrListLength, res.ListURL, nil, "%d entries of %d bits, minimum %d", bits.n, size, minEntries))
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
	switch {
	case purpose == PurposeMessage:
		res.Outcome = vc.StatusMessage
		return res, nil
	case v == 0 || purpose == PurposeRefresh:
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

// trustList checks the list's issuer and validity window.
func (ch *Checker) trustList(c *vc.Credential, list *cachedList, url string) error {
	if iss := c.Issuer(); list.issuer == "" || list.issuer != iss && !slices.Contains(ch.TrustedListIssuers, list.issuer) {
		return newError(ErrVerification, url, ErrIssuerMismatch, "list issuer %q, credential issuer %q", list.issuer, iss)
	}
	now := ch.now()
	skew := ch.ClockSkew
	if skew == 0 {
		skew = vc.DefaultClockSkew
	} else if skew < 0 {
		skew = 0
	}
	if !list.validFrom.IsZero() && now.Add(skew).Before(list.validFrom) {
		return newError(ErrVerification, url, vc.ErrNotYetValid, "list valid from %s", list.validFrom.Format(time.RFC3339))
	}
	if !list.validUntil.IsZero() && now.Add(-skew).After(list.validUntil) {
		return newError(ErrVerification, url, vc.ErrExpired, "list expired at %s", list.validUntil.Format(time.RFC3339))
	}
	return nil
}

// list returns the verified list at url, from the cache or fetched. Only
// one fetch per key runs at a time; others wait for it.
func (ch *Checker) list(ctx context.Context, typ, url string) (*cachedList, error) {
	key := typ + " " + url
	ch.mu.Lock()
	if l, ok := ch.cache[key]; ok {
		if ch.now().Before(l.expires) {
			ch.mu.Unlock()
			return l, nil
		}
		ch.dropLocked(key)
	}
	if call, ok := ch.inflight[key]; ok {
		ch.mu.Unlock()
		select {
		case <-call.done:
			return call.list, call.err
		case <-ctx.Done():
			return nil, newError(ErrRetrieval, url, ctx.Err(), "waiting for the list")
		}
	}
	call := &loadCall{done: make(chan struct{})}
	ch.inflight[key] = call
	ch.mu.Unlock()

	if typ == TypeRevocationList {
		call.list, call.err = ch.loadRevocationList(ctx, url)
	} else {
		call.list, call.err = ch.loadStatusList(ctx, typ, url)
	}

	ch.mu.Lock()
	delete(ch.inflight, key)
	if call.err == nil {
		ch.storeLocked(key, call.list)
	}
	ch.mu.Unlock()
	close(call.done)
	return call.list, call.err
}

func (ch *Checker) storeLocked(key string, l *cachedList) {
	if ch.CacheTTL < 0 {
		return
	}
	maxEntries, maxBytes := ch.MaxCacheEntries, ch.MaxCacheBytes
	if maxEntries <= 0 {
		maxEntries = DefaultMaxCacheEntries
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxCacheBytes
	}
	if l.size > maxBytes {
		return
	}
	now := ch.now()
	for k, e := range ch.cache {
		if !now.Before(e.expires) {
			ch.dropLocked(k)
		}
	}
	for len(ch.cache) >= maxEntries || ch.bytes+l.size > maxBytes {
		// Evict the entry that would expire first.
		var victim string
		var first time.Time
		for k, e := range ch.cache {
			if victim == "" || e.expires.Before(first) {
				victim, first = k, e.expires
			}
		}
		if victim == "" {
			break
		}
		ch.dropLocked(victim)
	}
	ch.cache[key] = l
	ch.bytes += l.size
}

func (ch *Checker) dropLocked(key string) {
	if l, ok := ch.cache[key]; ok {
		ch.bytes -= l.size
		delete(ch.cache, key)
	}
}

// expiry is when a list fetched now stops being cached.
func (ch *Checker) expiry(now time.Time, ttl time.Duration, validUntil time.Time) time.Time {
	d := ch.CacheTTL
	if d == 0 {
		d = DefaultCacheTTL
	}
	if ttl > 0 {
		d = ttl
	}
	maxTTL := ch.MaxCacheTTL
	if maxTTL <= 0 {
		maxTTL = DefaultMaxCacheTTL
	}
	exp := now.Add(min(d, maxTTL))
	if !validUntil.IsZero() && validUntil.Before(exp) {
		exp = validUntil
	}
	return exp
}

// fetch gets the bytes at url, mapping failures to ErrRetrieval.
func (ch *Checker) fetch(ctx context.Context, url string) ([]byte, error) {
	body, err := ch.fetcher.Fetch(ctx, url)
	if err != nil {
		return nil, newError(ErrRetrieval, url, err, "")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, newError(ErrRetrieval, url, nil, "empty response")
	}
	return body, nil
}

func (ch *Checker) loadStatusList(ctx context.Context, typ, url string) (*cachedList, error) {
	body, err := ch.fetch(ctx, url)
	if err != nil {
		return nil, err
	}
	c, err := ch.verifyList(ctx, url, body)
	if err != nil {
		return nil, err
	}
	info, err := readList(c, typ)
	if err != nil {
		return nil, withURL(err, url)
	}
	l := &cachedList{issuer: c.Issuer(), purposes: info.purposes}
	from, _, err := c.ValidFrom()
	if err != nil {
		return nil, newError(ErrMalformed, url, err, "list validity")
	}
	until, _, err := c.ValidUntil()
	if err != nil {
		return nil, newError(ErrMalformed, url, err, "list validity")
	}
	l.validFrom, l.validUntil = from, until
	l.bits, err = Decode(info.encoded, info.format, 1, ch.Limits)
	if err != nil {
		return nil, withURL(err, url)
	}
	l.size = int64(len(l.bits.bits)) + 512
	l.expires = ch.expiry(ch.now(), info.ttl, until)
	return l, nil
}

// verifyList parses a list credential (JSON with Data Integrity proofs,
// or a compact VC-JWT) and verifies it.
func (ch *Checker) verifyList(ctx context.Context, url string, body []byte) (*vc.Credential, error) {
	trimmed := bytes.TrimSpace(body)
	if trimmed[0] != '{' {
		tok := string(trimmed)
		if strings.Count(tok, ".") != 2 || strings.ContainsAny(tok, " \t\r\n") {
			return nil, newError(ErrMalformed, url, nil, "list is neither a JSON credential nor a VC-JWT")
		}
		c, _, err := ch.proofs.VerifyJWT(ctx, tok)
		if err != nil {
			return nil, newError(ErrVerification, url, err, "")
		}
		return c, nil
	}
	c, err := vc.Parse(body)
	if err != nil {
		return nil, newError(ErrMalformed, url, err, "")
	}
	if _, err := ch.proofs.VerifyProofs(ctx, c); err != nil {
		return nil, newError(ErrVerification, url, err, "")
	}
	return c, nil
}

// checkRevocationList checks a 1EdTechRevocationList entry: the
// credential is revoked when its id is listed (with revoked true or
// absent) in the document at the entry's id.
func (ch *Checker) checkRevocationList(ctx context.Context, c *vc.Credential, entry map[string]any, res *vc.StatusResult) (*vc.StatusResult, error) {
	u, _ := entry["id"].(string)
	res.ListURL = strings.TrimSpace(u)
	res.Purpose = PurposeRevocation
	if res.ListURL == "" {
		return unknown(res, newError(ErrMalformed, "", nil, "1EdTechRevocationList entry has no id"))
	}
	id := c.ID()
	if id == "" {
		return unknown(res, newError(ErrMalformed, res.ListURL, nil, "the credential has no id to look up"))
	}
	list, err := ch.list(ctx, TypeRevocationList, res.ListURL)
	if err != nil {
		return unknown(res, err)
	}
	if _, revoked := list.revoked[id]; revoked {
		res.Value, res.Outcome = 1, vc.StatusRevoked
		return res, &vc.StatusError{Kind: vc.ErrRevoked, Type: res.Type, ListURL: res.ListURL, Index: -1}
	}
	res.Outcome = vc.StatusValid
	return res, nil
}

func (ch *Checker) loadRevocationList(ctx context.Context, url string) (*cachedList, error) {
	body, err := ch.fetch(ctx, url)
	if err != nil {
		return nil, err
	}
	rl, err := ParseRevocationList(body)
	if err != nil {
		return nil, withURL(err, url)
	}
	l := &cachedList{revoked: make(map[string]struct{}), size: int64(len(body)) + 512}
	for _, r := range rl.Revoked {
		if r.IsRevoked() {
			l.revoked[r.ID] = struct{}{}
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
