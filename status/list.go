package status

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// Type names of the status methods this package supports.
const (
	TypeBitstringEntry      = "BitstringStatusListEntry"
	TypeBitstringList       = "BitstringStatusList"
	TypeBitstringCredential = "BitstringStatusListCredential"

	TypeStatusList2021Entry      = "StatusList2021Entry"
	TypeStatusList2021           = "StatusList2021"
	TypeStatusList2021Credential = "StatusList2021Credential"

	// TypeRevocationList is the 1EdTech Revocation List (VCRL 1.0) entry
	// type; see [RevocationList].
	TypeRevocationList = "1EdTechRevocationList"
)

// Status purposes.
const (
	PurposeRevocation = "revocation" // a set entry revokes, for good
	PurposeSuspension = "suspension" // a set entry suspends, reversibly
	PurposeMessage    = "message"    // the entry's value selects a statusMessage
	PurposeRefresh    = "refresh"    // a set entry says a newer credential is available
)

// JSON-LD contexts written into StatusList2021 list credentials.
const (
	ContextStatusList2021 = "https://w3id.org/vc/status-list/2021/v1"
	contextDataIntegrity  = "https://w3id.org/security/data-integrity/v2"
	contextEd25519_2020   = "https://w3id.org/security/suites/ed25519-2020/v1"
)

// StatusMessage is one statusMessage member of a Bitstring Status List
// entry: Status is the value in hexadecimal ("0x0", "0x1", ...).
type StatusMessage struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// Entry is a credentialStatus entry, as written into a credential at issue
// time (see [AddStatus]). StatusListIndex is a base-10 string.
type Entry struct {
	ID                   string          `json:"id,omitempty"`
	Type                 string          `json:"type"`
	StatusPurpose        string          `json:"statusPurpose,omitempty"`
	StatusListIndex      string          `json:"statusListIndex,omitempty"`
	StatusListCredential string          `json:"statusListCredential,omitempty"`
	StatusSize           int             `json:"statusSize,omitempty"`
	StatusMessage        []StatusMessage `json:"statusMessage,omitempty"`
	StatusReference      []string        `json:"statusReference,omitempty"`
}

// ListOptions describes a new status list.
type ListOptions struct {
	// ID is the URL the list credential is published at; entries name it
	// as their statusListCredential. Required.
	ID string
	// Issuer is the list credential's issuer ("" = the controller of the
	// signing key, the part of its verification method before '#').
	// Verifiers require it to be the issuer of the credentials that use
	// the list.
	Issuer string
	// Format is FormatBitstring (the default) or FormatStatusList2021.
	Format Format
	// Purpose is "revocation" (the default), "suspension", or for
	// Bitstring Status List also "message" or "refresh".
	Purpose string
	// Entries is the list's capacity (at least [MinEntries], the default).
	Entries int
	// StatusSize is the number of bits per entry (0 = 1). Above 1 it
	// needs StatusMessages; StatusList2021 supports only 1.
	StatusSize int
	// StatusMessages, when set, must hold 2^StatusSize messages; they are
	// written into every entry (Bitstring Status List only).
	StatusMessages []StatusMessage
	// StatusReference is written into every entry (Bitstring Status List
	// only).
	StatusReference []string
	// TTL, when positive, is written as the list's ttl (in milliseconds):
	// how long verifiers may cache it (Bitstring Status List only).
	TTL time.Duration
}

// List is a status list an issuer manages: it allocates indexes, sets and
// clears entries, and writes the signed list credential to publish. A List
// is not safe for concurrent use.
//
// The allocation state ([List.Allocated]) is not part of the published
// credential: an issuer that allocates across runs must store it and
// restore it with [List.MarkAllocated].
type List struct {
	opt  ListOptions
	bits *Bitstring
	used map[int]struct{}
	// created is the proof created time of the list last signed (or
	// parsed), so that a list re-signed within the same second is still
	// newer (see [List.Sign]).
	created time.Time
}

// NewList returns an empty list.
func NewList(o ListOptions) (*List, error) {
	if err := checkOptions(&o); err != nil {
		return nil, err
	}
	bits, err := NewBitstring(o.Entries, o.StatusSize)
	if err != nil {
		return nil, err
	}
	o.Entries = bits.Len()
	return &List{opt: o, bits: bits, used: make(map[int]struct{})}, nil
}

func checkOptions(o *ListOptions) error {
	bad := func(format string, args ...any) error {
		return newError(ErrMalformed, o.ID, nil, format, args...)
	}
	if !strings.HasPrefix(o.ID, "https://") && !strings.HasPrefix(o.ID, "http://") {
		return bad("the list id must be an http(s) URL")
	}
	if o.Purpose == "" {
		o.Purpose = PurposeRevocation
	}
	if o.StatusSize == 0 {
		o.StatusSize = 1
	}
	if o.StatusSize < 1 || o.StatusSize > MaxStatusSize {
		return bad("statusSize %d is not between 1 and %d", o.StatusSize, MaxStatusSize)
	}
	switch o.Format {
	case FormatBitstring:
		switch o.Purpose {
		case PurposeRevocation, PurposeSuspension, PurposeMessage, PurposeRefresh:
		default:
			return bad("unknown statusPurpose %q", o.Purpose)
		}
		if (o.StatusSize > 1 || o.Purpose == PurposeMessage) && len(o.StatusMessages) == 0 {
			return bad("statusSize above 1 and the message purpose need statusMessage")
		}
		if len(o.StatusMessages) > 0 && len(o.StatusMessages) != 1<<o.StatusSize {
			return bad("%d statusMessage entries, want 2^%d", len(o.StatusMessages), o.StatusSize)
		}
	case FormatStatusList2021:
		if o.Purpose != PurposeRevocation && o.Purpose != PurposeSuspension {
			return bad("StatusList2021 supports revocation and suspension only, not %q", o.Purpose)
		}
		if o.StatusSize != 1 || len(o.StatusMessages) > 0 || len(o.StatusReference) > 0 || o.TTL != 0 {
			return bad("StatusList2021 has no statusSize, statusMessage, statusReference or ttl")
		}
	default:
		return bad("unknown format %d", int(o.Format))
	}
	if o.TTL < 0 {
		return bad("negative ttl")
	}
	return nil
}

// Options returns the list's description; Entries is its actual capacity.
func (l *List) Options() ListOptions { return l.opt }

// Bitstring returns the list's entries; modifying it modifies the list.
func (l *List) Bitstring() *Bitstring { return l.bits }

// Get returns the value of entry i.
func (l *List) Get(i int) (uint64, error) { return l.bits.Get(i) }

// Set sets entry i to v (1 revokes or suspends a one-bit entry).
func (l *List) Set(i int, v uint64) error { return l.bits.Set(i, v) }

// Clear resets entry i to 0 (lifts a suspension).
func (l *List) Clear(i int) error { return l.bits.Set(i, 0) }

// Allocate picks a free index uniformly at random, marks it used and
// returns it: the order of indexes says nothing about the order of issue.
// random is the entropy source (nil = crypto/rand). A full list gives an
// error matching ErrListFull.
func (l *List) Allocate(random io.Reader) (int, error) {
	if random == nil {
		random = rand.Reader
	}
	n := l.bits.Len()
	free := n - len(l.used)
	if free <= 0 {
		return 0, newError(ErrMalformed, l.opt.ID, ErrListFull, "all %d indexes are allocated", n)
	}
	pick := func(bound int) (int, error) {
		// Rejection sampling gives a uniform value below bound.
		limit := ^uint64(0) - ^uint64(0)%uint64(bound)
		var b [8]byte
		for {
			if _, err := io.ReadFull(random, b[:]); err != nil {
				return 0, fmt.Errorf("status: reading randomness: %w", err)
			}
			if v := binary.BigEndian.Uint64(b[:]); v < limit {
				return int(v % uint64(bound)), nil
			}
		}
	}
	// While the list is sparse, a random index is almost always free.
	for range 64 {
		i, err := pick(n)
		if err != nil {
			return 0, err
		}
		if _, taken := l.used[i]; !taken {
			l.used[i] = struct{}{}
			return i, nil
		}
	}
	// Dense list: take the k-th free index for a random k.
	k, err := pick(free)
	if err != nil {
		return 0, err
	}
	for i := range n {
		if _, taken := l.used[i]; taken {
			continue
		}
		if k == 0 {
			l.used[i] = struct{}{}
			return i, nil
		}
		k--
	}
	return 0, newError(ErrMalformed, l.opt.ID, ErrListFull, "no free index")
}

// MarkAllocated records indexes as used (restoring stored allocation
// state, or reserving indexes chosen elsewhere).
func (l *List) MarkAllocated(indexes ...int) error {
	for _, i := range indexes {
		if i < 0 || i >= l.bits.Len() {
			return newError(ErrRange, l.opt.ID, nil, "index %d, list has %d entries", i, l.bits.Len())
		}
		l.used[i] = struct{}{}
	}
	return nil
}

// Allocated returns the used indexes in increasing order.
func (l *List) Allocated() []int { return slices.Sorted(maps.Keys(l.used)) }

// Entry returns the credentialStatus entry for index i of this list, to be
// written into a credential at issue time ([AddStatus]). Its id is the
// list URL with the index as fragment.
func (l *List) Entry(i int) (Entry, error) {
	if i < 0 || i >= l.bits.Len() {
		return Entry{}, newError(ErrRange, l.opt.ID, nil, "index %d, list has %d entries", i, l.bits.Len())
	}
	idx := strconv.Itoa(i)
	e := Entry{
		ID:                   l.opt.ID + "#" + idx,
		Type:                 TypeBitstringEntry,
		StatusPurpose:        l.opt.Purpose,
		StatusListIndex:      idx,
		StatusListCredential: l.opt.ID,
		StatusMessage:        l.opt.StatusMessages,
		StatusReference:      l.opt.StatusReference,
	}
	if l.opt.StatusSize > 1 {
		e.StatusSize = l.opt.StatusSize
	}
	if l.opt.Format == FormatStatusList2021 {
		e.Type = TypeStatusList2021Entry
	}
	return e, nil
}

// SignOptions configures [List.Sign]. The zero value signs a Data
// Integrity proof (the suite chosen by the key) with validFrom now and no
// validUntil.
type SignOptions struct {
	// Now is the clock (nil = time.Now); validFrom (issuanceDate for
	// StatusList2021) is Now truncated to the second.
	Now func() time.Time
	// ValidFor, when positive, writes validUntil (expirationDate) Now +
	// ValidFor; verifiers stop trusting the list after it.
	ValidFor time.Duration
	// JWT signs the list as a VC-JWT with Algorithm ("" = by key type)
	// instead of adding a Data Integrity proof.
	JWT       bool
	Algorithm proof.Algorithm
	// DataIntegrity configures the proof (nil = defaults).
	DataIntegrity *proof.DataIntegrityOptions
}

// Credential returns the unsigned list credential as of now.
func (l *List) Credential(now time.Time, validFor time.Duration, suite string) ([]byte, error) {
	enc, err := l.bits.Encode(l.opt.Format)
	if err != nil {
		return nil, err
	}
	issuer := l.opt.Issuer
	if issuer == "" {
		return nil, newError(ErrMalformed, l.opt.ID, nil, "no issuer")
	}
	now = now.UTC().Truncate(time.Second)
	var b bytes.Buffer
	w := func(k string, v any) {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(v)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('{')
	if l.opt.Format == FormatStatusList2021 {
		ctx := []string{vc.ContextV1, ContextStatusList2021, contextDataIntegrity}
		if suite == proof.Ed25519Signature2020 {
			ctx[2] = contextEd25519_2020
		}
		w("@context", ctx)
		w("id", l.opt.ID)
		w("type", []string{"VerifiableCredential", TypeStatusList2021Credential})
		w("issuer", issuer)
		w("issuanceDate", now.Format(time.RFC3339))
		if validFor > 0 {
			w("expirationDate", now.Add(validFor).Format(time.RFC3339))
		}
		w("credentialSubject", struct {
			ID            string `json:"id"`
			Type          string `json:"type"`
			StatusPurpose string `json:"statusPurpose"`
			EncodedList   string `json:"encodedList"`
		}{l.opt.ID + "#list", TypeStatusList2021, l.opt.Purpose, enc})
	} else {
		w("@context", []string{vc.ContextV2})
		w("id", l.opt.ID)
		w("type", []string{"VerifiableCredential", TypeBitstringCredential})
		w("issuer", issuer)
		w("validFrom", now.Format(time.RFC3339))
		if validFor > 0 {
			w("validUntil", now.Add(validFor).Format(time.RFC3339))
		}
		w("credentialSubject", struct {
			ID            string `json:"id"`
			Type          string `json:"type"`
			StatusPurpose string `json:"statusPurpose"`
			EncodedList   string `json:"encodedList"`
			TTL           int64  `json:"ttl,omitempty"`
		}{l.opt.ID + "#list", TypeBitstringList, l.opt.Purpose, enc, l.opt.TTL.Milliseconds()})
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Sign returns the list credential signed with k, ready to publish at the
// list's ID. Call it again after changing entries (re-signing).
//
// Verifiers refuse a list older than one they have seen (see [Checker]),
// comparing validFrom, then the proof's created time. Both are written to
// the second; when a List is signed again within the same second as its
// previous signing (or as the list it was parsed from), created keeps the
// fraction of a second, so the new list is still newer than the old one.
// It is never earlier than the previous signing's, and later than Now only
// if the clock went back.
func (l *List) Sign(ctx context.Context, k proof.Key, o *SignOptions) ([]byte, error) {
	var opt SignOptions
	if o != nil {
		opt = *o
	}
	if l.opt.Issuer == "" {
		ctrl, _, _ := strings.Cut(k.VerificationMethod, "#")
		l.opt.Issuer = ctrl
	}
	now := time.Now()
	if opt.Now != nil {
		now = opt.Now()
	}
	var di proof.DataIntegrityOptions
	if opt.DataIntegrity != nil {
		di = *opt.DataIntegrity
	}
	doc, err := l.Credential(now, opt.ValidFor, di.Cryptosuite)
	if err != nil {
		return nil, err
	}
	if opt.JWT {
		tok, err := proof.SignJWT(ctx, doc, k, opt.Algorithm, nil)
		if err != nil {
			return nil, err
		}
		return []byte(tok), nil
	}
	if di.Created.IsZero() && di.Now == nil {
		di.Created = now.UTC().Truncate(time.Second)
		if !di.Created.After(l.created) {
			// Never older than the last signing: the fraction of a second
			// if the clock has moved past it, else the same time.
			di.Created = l.created
			if now.After(l.created) {
				di.Created = now.UTC()
			}
		}
	}
	signed, err := proof.AddDataIntegrityProof(ctx, doc, k, &di)
	if err != nil {
		return nil, err
	}
	if di.Created.After(l.created) {
		l.created = di.Created
	}
	return signed, nil
}

// ParseList reads a list credential (signed or not, JSON; as written by
// [List.Sign] or by another issuer) back into a List, to set or clear
// entries and sign it again. statusSize is the bits per entry (0 = 1),
// which the list credential does not record. The proof is not checked:
// ParseList is for the issuer's own lists. No index is marked allocated.
func ParseList(data []byte, statusSize int, lim *Limits) (*List, error) {
	v, err := jsonx.Parse(data, nil)
	if err != nil {
		return nil, newError(ErrMalformed, "", err, "list credential is not JSON")
	}
	c, err := vc.FromValue(data, v)
	if err != nil {
		return nil, newError(ErrMalformed, "", err, "list credential")
	}
	info, err := readList(c, "")
	if err != nil {
		return nil, err
	}
	if len(info.purposes) != 1 {
		return nil, newError(ErrMalformed, c.ID(), nil, "a list with %d purposes cannot be edited here", len(info.purposes))
	}
	bits, err := Decode(info.encoded, info.format, statusSize, lim)
	if err != nil {
		return nil, withURL(err, c.ID())
	}
	o := ListOptions{ID: c.ID(), Issuer: c.Issuer(), Format: info.format, Purpose: info.purposes[0],
		Entries: bits.Len(), StatusSize: bits.StatusSize(), TTL: info.ttl}
	if o.Purpose == PurposeMessage || o.StatusSize > 1 {
		// The messages live in the entries; keep placeholders so the list
		// can be re-signed. Callers that issue new entries set their own.
		for v := range 1 << o.StatusSize {
			o.StatusMessages = append(o.StatusMessages, StatusMessage{Status: fmt.Sprintf("0x%x", v)})
		}
	}
	if err := checkOptions(&o); err != nil {
		return nil, err
	}
	l := &List{opt: o, bits: bits, used: make(map[int]struct{})}
	for _, p := range c.Proofs() {
		s, _ := p["created"].(string)
		if t, err := vc.ParseDateTime(s); err == nil && t.After(l.created) {
			l.created = t
		}
	}
	return l, nil
}

// AddStatus returns credential (an unsigned JSON credential) with
// credentialStatus set to the entries (one entry is written as an object,
// several as an array). The input bytes are kept; the member is appended.
// A credential that already has credentialStatus or a proof is refused, as
// is one whose @context does not define an entry's terms: Bitstring Status
// List needs the VC 2.0 context (or the status/v1 context), StatusList2021
// [ContextStatusList2021], and 1EdTechRevocationList the Open Badges
// extensions context.
func AddStatus(credential []byte, entries ...Entry) ([]byte, error) {
	if len(entries) == 0 {
		return nil, fmt.Errorf("status: no entries to add")
	}
	v, err := jsonx.Parse(credential, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", vc.ErrMalformed, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: a credential must be a JSON object", vc.ErrMalformed)
	}
	if _, has := m["credentialStatus"]; has {
		return nil, fmt.Errorf("status: credential already has credentialStatus")
	}
	if _, has := m["proof"]; has {
		return nil, fmt.Errorf("status: credential is already signed; add status before signing")
	}
	ctxs := contextURLs(m["@context"])
	for _, e := range entries {
		need := entryContexts[e.Type]
		if need == nil {
			return nil, fmt.Errorf("status: unknown entry type %q", e.Type)
		}
		if !slices.ContainsFunc(need, func(u string) bool { return slices.Contains(ctxs, u) }) {
			return nil, fmt.Errorf("status: a %s entry needs one of the contexts %q in @context", e.Type, need)
		}
	}
	var val any = entries
	if len(entries) == 1 {
		val = entries[0]
	}
	vb, err := json.Marshal(val)
	if err != nil {
		return nil, err
	}
	end := bytes.LastIndexByte(credential, '}')
	out := make([]byte, 0, len(credential)+len(vb)+24)
	out = append(out, bytes.TrimRight(credential[:end], " \t\r\n")...)
	if len(m) > 0 {
		out = append(out, ',')
	}
	out = append(out, `"credentialStatus":`...)
	out = append(out, vb...)
	out = append(out, '}')
	out = append(out, credential[end+1:]...)
	return out, nil
}

// entryContexts lists, per entry type, the contexts of which one defines
// its terms.
var entryContexts = map[string][]string{
	TypeBitstringEntry:      {vc.ContextV2, "https://www.w3.org/ns/credentials/status/v1"},
	TypeStatusList2021Entry: {ContextStatusList2021},
	TypeRevocationList:      {"https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"},
}

func contextURLs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// listInfo is what a list credential says, format-independent.
type listInfo struct {
	format   Format
	purposes []string
	encoded  string
	ttl      time.Duration
}

// readList reads the list members of a list credential; wantFormat
// (entryType "" = either) selects the expected kind.
func readList(c *vc.Credential, entryType string) (*listInfo, error) {
	url := c.ID()
	info := &listInfo{}
	switch {
	case c.HasType(TypeBitstringCredential) && entryType != TypeStatusList2021Entry:
		info.format = FormatBitstring
	case c.HasType(TypeStatusList2021Credential) && entryType != TypeBitstringEntry:
		info.format = FormatStatusList2021
	default:
		return nil, newError(ErrVerification, url, nil, "list credential type %v does not match entry type %q", c.Types(), entryType)
	}
	subs := c.Subjects()
	if len(subs) != 1 {
		return nil, newError(ErrMalformed, url, nil, "list credential must have one credentialSubject")
	}
	s := subs[0]
	want := TypeBitstringList
	if info.format == FormatStatusList2021 {
		want = TypeStatusList2021
	}
	if t, _ := s["type"].(string); t != want {
		if ts, ok := s["type"].([]any); !ok || !slices.Contains(ts, any(want)) {
			return nil, newError(ErrMalformed, url, nil, "credentialSubject type is not %s", want)
		}
	}
	switch p := s["statusPurpose"].(type) {
	case string:
		info.purposes = []string{p}
	case []any:
		for _, x := range p {
			if ps, ok := x.(string); ok {
				info.purposes = append(info.purposes, ps)
			}
		}
	}
	if len(info.purposes) == 0 {
		return nil, newError(ErrMalformed, url, nil, "credentialSubject has no statusPurpose")
	}
	enc, _ := s["encodedList"].(string)
	if enc == "" {
		return nil, newError(ErrMalformed, url, nil, "credentialSubject has no encodedList")
	}
	info.encoded = enc
	if t, has := s["ttl"]; has {
		ms, err := nonNegInt(t)
		if err != nil {
			return nil, newError(ErrMalformed, url, err, "ttl")
		}
		if ms > int64(365*24*time.Hour/time.Millisecond) {
			ms = int64(365 * 24 * time.Hour / time.Millisecond)
		}
		info.ttl = time.Duration(ms) * time.Millisecond
	}
	return info, nil
}

// nonNegInt reads a non-negative integer given as a JSON number or a
// base-10 string.
func nonNegInt(v any) (int64, error) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = string(x)
	case string:
		s = x
	case float64:
		if x != float64(int64(x)) {
			return 0, fmt.Errorf("%v is not an integer", x)
		}
		s = strconv.FormatInt(int64(x), 10)
	case int:
		s = strconv.Itoa(x)
	case int64:
		s = strconv.FormatInt(x, 10)
	default:
		return 0, fmt.Errorf("%v is not an integer", v)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a non-negative base-10 integer", s)
	}
	return n, nil
}

// withURL sets the URL of an *Error that has none.
func withURL(err error, url string) error {
	if e, ok := err.(*Error); ok && e.URL == "" {
		e2 := *e
		e2.URL = url
		return &e2
	}
	return err
}
