package status_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

// listSpec describes a Bitstring Status List credential for signList.
type listSpec struct {
	id         string // the list's id; "" with noID to leave it out
	noID       bool
	issuer     string // "" = the key's controller
	validFrom  time.Time
	validUntil time.Time
	noFrom     bool // leave validFrom out
	purpose    string
	set        []int // indexes whose bit is set
	ttl        time.Duration
	created    time.Time // proof created (zero = the test clock)
	status     any       // the list's own credentialStatus, if any
	contexts   []string  // @context entries after the VC 2.0 one
}

// signList signs a Bitstring Status List credential built from s with k.
func signList(t testing.TB, k proof.Key, s listSpec) []byte {
	t.Helper()
	bits, err := status.NewBitstring(status.MinEntries, 1)
	require.NoError(t, err)
	for _, i := range s.set {
		require.NoError(t, bits.Set(i, 1))
	}
	enc, err := bits.Encode(status.FormatBitstring)
	require.NoError(t, err)
	if s.purpose == "" {
		s.purpose = status.PurposeRevocation
	}
	if s.issuer == "" {
		s.issuer = controller(k)
	}
	if s.validFrom.IsZero() {
		s.validFrom = fixedNow.Add(-24 * time.Hour)
	}
	subjectID := s.id + "#list"
	if s.noID {
		subjectID = "https://example.edu/unnamed#list"
	}
	subject := map[string]any{"id": subjectID, "type": "BitstringStatusList", "statusPurpose": s.purpose, "encodedList": enc}
	if s.ttl > 0 {
		subject["ttl"] = s.ttl.Milliseconds()
	}
	doc := map[string]any{
		"@context":          append([]string{vc.ContextV2}, s.contexts...),
		"type":              []string{"VerifiableCredential", status.TypeBitstringCredential},
		"issuer":            s.issuer,
		"credentialSubject": subject,
	}
	if !s.noID {
		doc["id"] = s.id
	}
	if !s.noFrom {
		doc["validFrom"] = s.validFrom.UTC().Format(time.RFC3339)
	}
	if !s.validUntil.IsZero() {
		doc["validUntil"] = s.validUntil.UTC().Format(time.RFC3339)
	}
	if s.status != nil {
		doc["credentialStatus"] = s.status
	}
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	opt := &proof.DataIntegrityOptions{Now: clock}
	if !s.created.IsZero() {
		opt = &proof.DataIntegrityOptions{Created: s.created}
	}
	signed, err := proof.AddDataIntegrityProof(context.Background(), b, k, opt)
	require.NoError(t, err)
	return signed
}

// bitEntry is a BitstringStatusListEntry for index i of the list at url.
func bitEntry(url string, i int, purpose string) status.Entry {
	if purpose == "" {
		purpose = status.PurposeRevocation
	}
	return status.Entry{ID: fmt.Sprintf("%s#%d", url, i), Type: status.TypeBitstringEntry, StatusPurpose: purpose,
		StatusListIndex: fmt.Sprint(i), StatusListCredential: url}
}

// docs is a Fetcher over a mutable URL-to-document map that counts
// fetches per URL.
type docs struct {
	mu sync.Mutex
	m  map[string][]byte
	n  map[string]int
}

func newDocs() *docs { return &docs{m: map[string][]byte{}, n: map[string]int{}} }

func (d *docs) set(url string, b []byte) {
	d.mu.Lock()
	d.m[url] = b
	d.mu.Unlock()
}

func (d *docs) fetches(url string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.n[url]
}

func (d *docs) Fetch(ctx context.Context, url string) ([]byte, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.n[url]++
	b, ok := d.m[url]
	if !ok {
		return nil, fmt.Errorf("%w %q", status.ErrNotFound, url)
	}
	return b, nil
}

// assertUnknown checks the fail-closed shape: status unknown, never
// revoked or valid, with want in the chain.
func assertUnknown(t *testing.T, res *vc.StatusResult, err error, want error) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, vc.ErrStatusUnknown)
	assert.ErrorIs(t, err, want)
	assert.NotErrorIs(t, err, vc.ErrRevoked)
	require.NotNil(t, res)
	assert.Equal(t, vc.StatusUnknownOutcome, res.Outcome)
}

// TestListMustBeTheOneItsURLNames: the list credential's id must be the
// entry's statusListCredential, as the same string. The attack it stops:
// the issuer publishes list 1 (the credential's bit set) and list 2 (the
// same index clear); whoever supplies the document for list 1's URL (a
// stapled or offline list, a cache, a mirror) hands over list 2.
func TestListMustBeTheOneItsURLNames(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	const u1, u2 = "https://example.edu/status/1", "https://example.edu/status/2"
	cred := issue(t, k, bitEntry(u1, 7, ""))
	list2 := signList(t, k, listSpec{id: u2}) // index 7 clear
	for _, tc := range []struct {
		name   string
		doc    []byte
		allow  bool
		want   error  // nil: the list is read
		reason string // in the error, or in the Message when allowed
	}{
		{name: "the list named by the URL is read", doc: signList(t, k, listSpec{id: u1, set: []int{7}})},
		{name: "another list of the same issuer is refused", doc: list2, want: status.ErrListIDMismatch, reason: u2},
		{name: "a list without id is refused", doc: signList(t, k, listSpec{noID: true}), want: status.ErrListIDMismatch, reason: "no id"},
		{name: "an id differing by a trailing slash is refused", doc: signList(t, k, listSpec{id: u1 + "/"}), want: status.ErrListIDMismatch},
		{name: "an id differing by host case is refused", doc: signList(t, k, listSpec{id: strings.Replace(u1, "example", "EXAMPLE", 1)}), want: status.ErrListIDMismatch},
		{name: "an id with a fragment is refused", doc: signList(t, k, listSpec{id: u1 + "#list"}), want: status.ErrListIDMismatch},
		{name: "AllowListIDMismatch reads another list and says so", doc: list2, allow: true, reason: u2},
		{name: "AllowListIDMismatch reads a list without id and says so", doc: signList(t, k, listSpec{noID: true, set: []int{7}}), allow: true, reason: "no id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch := status.NewLocalChecker(map[string][]byte{u1: tc.doc}, nil)
			ch.Now, ch.AllowListIDMismatch = clock, tc.allow
			res, err := ch.CheckStatus(ctx, cred, entryMap(t, cred))
			if tc.want != nil {
				assertUnknown(t, res, err, tc.want)
				assert.ErrorIs(t, err, status.ErrVerification)
				var se *status.Error
				require.ErrorAs(t, err, &se)
				assert.Equal(t, "STATUS_VERIFICATION_ERROR", se.Code())
				assert.Contains(t, err.Error(), tc.reason)
				return
			}
			assert.NotEqual(t, vc.StatusUnknownOutcome, res.Outcome, "%v", err)
			if tc.allow {
				assert.Contains(t, res.Message, "AllowListIDMismatch")
				assert.Contains(t, res.Message, tc.reason)
			} else {
				assert.Empty(t, res.Message)
			}
		})
	}

	// The same rule for StatusList2021 and for a VC-JWT list.
	for _, f := range []struct {
		name   string
		format status.Format
		jwt    bool
	}{{"StatusList2021", status.FormatStatusList2021, false}, {"VC-JWT", status.FormatBitstring, true}} {
		t.Run(f.name+" list of another URL is refused", func(t *testing.T) {
			l, err := status.NewList(status.ListOptions{ID: u2, Format: f.format})
			require.NoError(t, err)
			e, err := l.Entry(7)
			require.NoError(t, err)
			e.ID, e.StatusListCredential = u1+"#7", u1
			c := issue(t, k, e)
			b, err := l.Sign(ctx, k, &status.SignOptions{Now: clock, JWT: f.jwt})
			require.NoError(t, err)
			ch := status.NewLocalChecker(map[string][]byte{u1: b}, nil)
			ch.Now = clock
			res, err := ch.CheckStatus(ctx, c, entryMap(t, c))
			assertUnknown(t, res, err, status.ErrListIDMismatch)
		})
	}
}

// TestRevocationListBinding: an unsigned 1EdTech revocation list that has
// an id must have the entry's URL as id; one without id is read as
// before (the format does not require it).
func TestRevocationListBinding(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	const u = "https://example.edu/revocations"
	rl := &status.RevocationList{ID: u}
	cred := issue(t, k, rl.Entry())
	for _, tc := range []struct {
		name  string
		doc   string
		allow bool
		want  error
		out   vc.StatusOutcome
	}{
		{name: "id is the URL", doc: `{"id":"` + u + `","revokedCredentials":[{"id":"` + cred.ID() + `"}]}`, out: vc.StatusRevoked},
		{name: "no id", doc: `{"revokedCredentials":[{"id":"` + cred.ID() + `"}]}`, out: vc.StatusRevoked},
		{name: "another list's id", doc: `{"id":"https://example.edu/other","revokedCredentials":[]}`, want: status.ErrListIDMismatch},
		{name: "id not a string", doc: `{"id":7,"revokedCredentials":[]}`, want: status.ErrMalformed},
		{name: "another list's id, allowed", doc: `{"id":"https://example.edu/other","revokedCredentials":[{"id":"` + cred.ID() + `"}]}`, allow: true, out: vc.StatusRevoked},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch := status.NewLocalChecker(map[string][]byte{u: []byte(tc.doc)}, nil)
			ch.AllowListIDMismatch = tc.allow
			res, err := ch.CheckStatus(ctx, cred, entryMap(t, cred))
			if tc.want != nil {
				assertUnknown(t, res, err, tc.want)
				return
			}
			assert.Equal(t, tc.out, res.Outcome, "%v", err)
			if tc.allow {
				assert.Contains(t, res.Message, "AllowListIDMismatch")
				assert.Contains(t, err.Error(), "AllowListIDMismatch")
			}
		})
	}
}

// TestRollbackRefused: once a list has been accepted for a URL, an older
// one (by signed validFrom, then signed proof created) is refused, however
// it arrives: after the cache expires, from a fresh fetch, offline.
func TestRollbackRefused(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	const u = "https://example.edu/status/r"
	cred := issue(t, k, bitEntry(u, 9, ""))
	t0 := fixedNow.Add(-48 * time.Hour)
	t1 := fixedNow.Add(-24 * time.Hour)
	old := signList(t, k, listSpec{id: u, validFrom: t0, created: fixedNow.Add(-3 * time.Hour)}) // index 9 clear
	revoked := signList(t, k, listSpec{id: u, validFrom: t1, set: []int{9}})                     // index 9 set
	sameFromNewer := signList(t, k, listSpec{id: u, validFrom: t0, set: []int{9},                // same validFrom, later proof
		created: fixedNow.Add(-time.Hour)})
	sameFromOlder := signList(t, k, listSpec{id: u, validFrom: t0, created: fixedNow.Add(-2 * time.Hour)})
	undated := signList(t, k, listSpec{id: u, noFrom: true})
	// rollbackAfterNewer: forged (the old list with sameFromOlder's
	// validFrom and an extra proof) verifies on its own, but once
	// sameFromNewer (the same validFrom, the issuer's proof later) was
	// seen, it is refused as a rollback.
	rollbackAfterNewer := func(t *testing.T, forged []byte, why string) {
		t.Helper()
		d := newDocs()
		d.set(u, forged)
		probe := &status.Checker{Fetcher: d, Now: clock, CacheTTL: -1}
		res, err := probe.CheckStatus(ctx, cred, entryMap(t, cred))
		require.NoError(t, err, why)
		require.Equal(t, vc.StatusValid, res.Outcome)

		d.set(u, sameFromNewer)
		ch := &status.Checker{Fetcher: d, Now: clock, CacheTTL: -1}
		_, err = ch.CheckStatus(ctx, cred, entryMap(t, cred))
		require.ErrorIs(t, err, vc.ErrRevoked)
		d.set(u, forged)
		res, err = ch.CheckStatus(ctx, cred, entryMap(t, cred))
		assertUnknown(t, res, err, status.ErrStatusListRollback)
		assert.NotEqual(t, vc.StatusValid, res.Outcome)
	}

	for _, tc := range []struct {
		name   string
		first  []byte
		then   []byte
		want   error            // nil: the second list is read
		second vc.StatusOutcome // when read
	}{
		{name: "older validFrom after a newer list", first: revoked, then: old, want: status.ErrStatusListRollback},
		{name: "same validFrom, older proof created", first: sameFromNewer, then: sameFromOlder, want: status.ErrStatusListRollback},
		{name: "undated list after a dated one", first: revoked, then: undated, want: status.ErrStatusListRollback},
		{name: "the same list again", first: revoked, then: revoked, second: vc.StatusRevoked},
		{name: "a newer list", first: old, then: revoked, second: vc.StatusRevoked},
		{name: "a newer proof of the same validFrom", first: sameFromOlder, then: sameFromNewer, second: vc.StatusRevoked},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDocs()
			d.set(u, tc.first)
			ch := &status.Checker{Fetcher: d, Now: clock, CacheTTL: -1}
			_, _ = ch.CheckStatus(ctx, cred, entryMap(t, cred))
			d.set(u, tc.then)
			res, err := ch.CheckStatus(ctx, cred, entryMap(t, cred))
			if tc.want != nil {
				assertUnknown(t, res, err, tc.want)
				assert.ErrorIs(t, err, status.ErrVerification)
				assert.NotEqual(t, vc.StatusValid, res.Outcome)
				return
			}
			assert.Equal(t, tc.second, res.Outcome, "%v", err)
		})
	}

	t.Run("after the cache expires", func(t *testing.T) {
		d := newDocs()
		d.set(u, revoked)
		now := fixedNow
		ch := &status.Checker{Fetcher: d, Now: func() time.Time { return now }}
		_, err := ch.CheckStatus(ctx, cred, entryMap(t, cred))
		require.ErrorIs(t, err, vc.ErrRevoked)
		d.set(u, old)
		now = now.Add(10 * time.Minute) // past the default 5-minute cache
		res, err := ch.CheckStatus(ctx, cred, entryMap(t, cred))
		assertUnknown(t, res, err, status.ErrStatusListRollback)
		assert.Equal(t, 2, d.fetches(u))
	})

	t.Run("an unverified proof cannot make an old list look new", func(t *testing.T) {
		var m map[string]any
		require.NoError(t, json.Unmarshal(old, &m))
		p := m["proof"].(map[string]any)
		fake := maps.Clone(p)
		fake["cryptosuite"] = "made-up-2030"
		fake["created"] = fixedNow.Format(time.RFC3339)
		m["proof"] = []any{p, fake}
		forged, err := json.Marshal(m)
		require.NoError(t, err)
		rollbackAfterNewer(t, forged, "the extra proof is unsupported, not failed: the list verifies")
	})

	t.Run("a witness proof by another key cannot make an old list look new", func(t *testing.T) {
		// An attacker holding an old copy of the list signs it again with
		// their own key, created now, and serves the proof set: the
		// witness proof verifies, but only the issuer's proofs date a
		// list.
		var m map[string]any
		require.NoError(t, json.Unmarshal(sameFromOlder, &m))
		issuerProof := m["proof"]
		delete(m, "proof")
		unsecured, err := json.Marshal(m)
		require.NoError(t, err)
		w, err := proof.AddDataIntegrityProof(ctx, unsecured, testKey(t, 66), &proof.DataIntegrityOptions{Created: fixedNow.Add(-time.Minute)})
		require.NoError(t, err)
		var wm map[string]any
		require.NoError(t, json.Unmarshal(w, &wm))
		m["proof"] = []any{issuerProof, wm["proof"]}
		forged, err := json.Marshal(m)
		require.NoError(t, err)
		rollbackAfterNewer(t, forged, "a witness proof does not stop the list from verifying")
	})

	t.Run("a not-yet-valid list is refused and sets no mark", func(t *testing.T) {
		d := newDocs()
		d.set(u, signList(t, k, listSpec{id: u, validFrom: fixedNow.Add(time.Hour), set: []int{9}}))
		ch := &status.Checker{Fetcher: d, Now: clock, CacheTTL: -1}
		res, err := ch.CheckStatus(ctx, cred, entryMap(t, cred))
		assertUnknown(t, res, err, vc.ErrNotYetValid)
		d.set(u, old)
		res, err = ch.CheckStatus(ctx, cred, entryMap(t, cred))
		require.NoError(t, err)
		assert.Equal(t, vc.StatusValid, res.Outcome)
	})

	t.Run("a list of another issuer sets no mark", func(t *testing.T) {
		d := newDocs()
		d.set(u, signList(t, testKey(t, 2), listSpec{id: u, validFrom: fixedNow}))
		ch := &status.Checker{Fetcher: d, Now: clock, CacheTTL: -1}
		res, err := ch.CheckStatus(ctx, cred, entryMap(t, cred))
		assertUnknown(t, res, err, status.ErrIssuerMismatch)
		d.set(u, old)
		_, err = ch.CheckStatus(ctx, cred, entryMap(t, cred))
		assert.NoError(t, err)
	})

	t.Run("an expired list is refused", func(t *testing.T) {
		d := newDocs()
		d.set(u, signList(t, k, listSpec{id: u, validUntil: fixedNow.Add(-time.Hour)}))
		ch := &status.Checker{Fetcher: d, Now: clock}
		res, err := ch.CheckStatus(ctx, cred, entryMap(t, cred))
		assertUnknown(t, res, err, vc.ErrExpired)
	})
}

// TestRollbackThroughAMirror: with AllowListIDMismatch, a list fetched
// from a mirror is refused if it is older than the list accepted for its
// id; and a mirror's list never raises the mark of the URL it names, so
// a list signed for someone else's URL cannot hold that URL's lists back.
func TestRollbackThroughAMirror(t *testing.T) {
	ctx := context.Background()
	k, attacker := testKey(t, 1), testKey(t, 2)
	const u, mirror, evil = "https://example.edu/status/m", "https://mirror.example/status/m", "https://attacker.example/l"
	old := signList(t, k, listSpec{id: u, validFrom: fixedNow.Add(-48 * time.Hour)})
	newer := signList(t, k, listSpec{id: u, validFrom: fixedNow.Add(-24 * time.Hour), set: []int{3}})
	d := newDocs()
	d.set(u, newer)
	d.set(mirror, old)
	ch := &status.Checker{Fetcher: d, Now: clock, CacheTTL: -1, AllowListIDMismatch: true}
	direct, viaMirror := issue(t, k, bitEntry(u, 3, "")), issue(t, k, bitEntry(mirror, 3, ""))
	_, err := ch.CheckStatus(ctx, direct, entryMap(t, direct))
	require.ErrorIs(t, err, vc.ErrRevoked)
	res, err := ch.CheckStatus(ctx, viaMirror, entryMap(t, viaMirror))
	assertUnknown(t, res, err, status.ErrStatusListRollback)

	// The attacker signs a list for u, dated now, and has it checked for
	// its own credential through its own URL.
	d.set(evil, signList(t, attacker, listSpec{id: u, validFrom: fixedNow}))
	own := issue(t, attacker, bitEntry(evil, 3, ""))
	_, err = ch.CheckStatus(ctx, own, entryMap(t, own))
	require.NoError(t, err)
	_, err = ch.CheckStatus(ctx, direct, entryMap(t, direct))
	assert.ErrorIs(t, err, vc.ErrRevoked, "the honest list of u is still accepted")
}

// TestHighWaterMarksBounded: the checker remembers at most
// MaxHighWaterMarks URLs, least recently used out; a forgotten URL accepts
// any verified list again, a recently used one keeps its mark.
func TestHighWaterMarksBounded(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	d := newDocs()
	ch := &status.Checker{Fetcher: d, Now: clock, CacheTTL: -1, MaxHighWaterMarks: 2}
	urls := []string{"https://example.edu/a", "https://example.edu/b", "https://example.edu/c"}
	creds := map[string]*vc.Credential{}
	for _, u := range urls {
		d.set(u, signList(t, k, listSpec{id: u, validFrom: fixedNow.Add(-time.Hour), set: []int{1}}))
		creds[u] = issue(t, k, bitEntry(u, 1, ""))
	}
	check := func(u string) error {
		_, err := ch.CheckStatus(ctx, creds[u], entryMap(t, creds[u]))
		return err
	}
	require.ErrorIs(t, check(urls[0]), vc.ErrRevoked)
	require.ErrorIs(t, check(urls[1]), vc.ErrRevoked)
	require.ErrorIs(t, check(urls[0]), vc.ErrRevoked) // a is now the most recently used
	require.ErrorIs(t, check(urls[2]), vc.ErrRevoked) // b is forgotten
	for _, u := range urls {
		d.set(u, signList(t, k, listSpec{id: u, validFrom: fixedNow.Add(-2 * time.Hour)}))
	}
	assert.ErrorIs(t, check(urls[2]), status.ErrStatusListRollback, "c kept its mark")
	assert.ErrorIs(t, check(urls[0]), status.ErrStatusListRollback, "a kept its mark")
	assert.NoError(t, check(urls[1]), "b's mark was forgotten")
}

// TestRollbackConcurrent: many checks at once while the published list
// flips between an old list (clear) and a newer one (set), with no
// caching: once a revoked result has been returned, no check started
// afterwards reports valid. Run with -race.
func TestRollbackConcurrent(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	const u = "https://example.edu/status/flip"
	old := signList(t, k, listSpec{id: u, validFrom: fixedNow.Add(-48 * time.Hour)})
	newer := signList(t, k, listSpec{id: u, validFrom: fixedNow.Add(-24 * time.Hour), set: []int{4}})
	cred := issue(t, k, bitEntry(u, 4, ""))
	var flips atomic.Int64
	f := status.FetcherFunc(func(ctx context.Context, _ string) ([]byte, error) {
		if flips.Add(1)%2 == 0 {
			return newer, nil
		}
		return old, nil
	})
	ch := &status.Checker{Fetcher: f, Now: clock, CacheTTL: -1}
	var seenRevoked atomic.Bool
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 8 {
				after := seenRevoked.Load()
				res, err := ch.CheckStatus(ctx, cred, entryMap(t, cred))
				if res.Outcome == vc.StatusRevoked {
					seenRevoked.Store(true)
				}
				if after {
					assert.NotEqual(t, vc.StatusValid, res.Outcome, "valid after a revocation was seen: %v", err)
				}
			}
		})
	}
	wg.Wait()
	assert.True(t, seenRevoked.Load())
}

// TestResignedWithinASecondIsNewer: a List signed again within the same
// second (a revocation right after the previous signing, or a list parsed
// from a file and re-signed at once) is still newer than the list before,
// so the earlier one is refused once the later one was seen. Signing
// otherwise writes whole seconds, as before.
func TestResignedWithinASecondIsNewer(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	const u = "https://example.edu/status/fast"
	t0 := fixedNow.Add(-time.Hour)
	at := func(d time.Duration) *status.SignOptions {
		return &status.SignOptions{Now: func() time.Time { return t0.Add(d) }}
	}
	created := func(b []byte) string {
		var m struct {
			Proof struct {
				Created string `json:"created"`
			} `json:"proof"`
		}
		require.NoError(t, json.Unmarshal(b, &m))
		return m.Proof.Created
	}
	l, err := status.NewList(status.ListOptions{ID: u})
	require.NoError(t, err)
	first, err := l.Sign(ctx, k, at(200*time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, t0.Format(time.RFC3339), created(first), "whole seconds")
	require.NoError(t, l.Set(4, 1))
	second, err := l.Sign(ctx, k, at(700*time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, t0.Add(700*time.Millisecond).Format(time.RFC3339Nano), created(second), "the fraction, not the future")

	cred := issue(t, k, bitEntry(u, 4, ""))
	d := newDocs()
	d.set(u, second)
	ch := &status.Checker{Fetcher: d, Now: clock, CacheTTL: -1}
	_, err = ch.CheckStatus(ctx, cred, entryMap(t, cred))
	require.ErrorIs(t, err, vc.ErrRevoked)
	d.set(u, first)
	res, err := ch.CheckStatus(ctx, cred, entryMap(t, cred))
	assertUnknown(t, res, err, status.ErrStatusListRollback)

	// Parsed from the published list and re-signed in the same second.
	back, err := status.ParseList(second, 0, nil)
	require.NoError(t, err)
	require.NoError(t, back.Clear(4))
	require.NoError(t, back.Set(5, 1))
	third, err := back.Sign(ctx, k, at(900*time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, t0.Add(900*time.Millisecond).Format(time.RFC3339Nano), created(third))
	cred5 := issue(t, k, bitEntry(u, 5, ""))
	d.set(u, third)
	_, err = ch.CheckStatus(ctx, cred5, entryMap(t, cred5))
	require.ErrorIs(t, err, vc.ErrRevoked)
	d.set(u, second)
	res, err = ch.CheckStatus(ctx, cred5, entryMap(t, cred5))
	assertUnknown(t, res, err, status.ErrStatusListRollback)

	// A clock that does not move (tests) signs the same version again:
	// nothing is moved into the future.
	again, err := back.Sign(ctx, k, at(900*time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, created(third), created(again))
}
