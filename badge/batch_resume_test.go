package badge_test

import (
	"bytes"
	"context"
	"crypto"
	"errors"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
)

// countingSigner counts signatures and runs before (when set) ahead of
// each one.
type countingSigner struct {
	crypto.Signer
	n      *atomic.Int32
	before func()
}

func (s countingSigner) Sign(r io.Reader, digest []byte, o crypto.SignerOpts) ([]byte, error) {
	s.n.Add(1)
	if s.before != nil {
		s.before()
	}
	return s.Signer.Sign(r, digest, o)
}

// countSignatures wraps the batch issuer's signer and returns the count.
func countSignatures(b *badge.Batch, before func()) *atomic.Int32 {
	n := new(atomic.Int32)
	iss := *b.Issuer
	iss.Key.Signer = countingSigner{Signer: iss.Key.Signer, n: n, before: before}
	b.Issuer = &iss
	return n
}

func withList(t testing.TB, b *badge.Batch) *status.List {
	list, err := status.NewList(status.ListOptions{ID: batchListURL})
	require.NoError(t, err)
	b.Status = list
	return list
}

func runItems(t testing.TB, b *badge.Batch, in []badge.BatchItem) ([]badge.BatchResult, badge.BatchProgress, error) {
	t.Helper()
	var out []badge.BatchResult
	p, err := b.Run(context.Background(), func(yield func(badge.BatchItem) bool) {
		for _, it := range in {
			if !yield(it) {
				return
			}
		}
	}, func(r *badge.BatchResult) error { out = append(out, *r); return nil })
	return out, p, err
}

func collect(n int) []badge.BatchItem {
	var out []badge.BatchItem
	for it := range items(n) {
		out = append(out, it)
	}
	return out
}

// TestBatchReservesBeforeSigning pins the order a crash-safe batch relies
// on: no signature is made before Reserve has returned for its item, every
// issued credential carries the id and status index that were reserved,
// and reservations come in groups (fewer calls than items).
func TestBatchReservesBeforeSigning(t *testing.T) {
	for _, f := range []badge.Format{badge.DataIntegrity, badge.JWT} {
		t.Run(f.String(), func(t *testing.T) {
			b := testBatch(t, f)
			b.Workers = 3
			withList(t, b)
			var mu sync.Mutex
			reserved := map[string]badge.BatchReservation{}
			var stored atomic.Int32
			calls := 0
			var signs *atomic.Int32
			signs = countSignatures(b, func() {
				// This signature is counted already: it needs a stored
				// reservation of its own.
				assert.LessOrEqual(t, signs.Load(), stored.Load(), "a credential is signed before its reservation is stored")
			})
			b.Reserve = func(ctx context.Context, rs []*badge.BatchResult) error {
				mu.Lock()
				defer mu.Unlock()
				calls++
				for _, r := range rs {
					assert.Nil(t, r.Signed)
					assert.NotContains(t, reserved, r.Reservation.ID)
					reserved[r.Reservation.ID] = r.Reservation
				}
				stored.Add(int32(len(rs)))
				return nil
			}
			const n = 40
			results, p, err := runItems(t, b, collect(n))
			require.NoError(t, err)
			assert.Equal(t, n, p.Done)
			assert.EqualValues(t, n, signs.Load())
			assert.Len(t, reserved, n)
			assert.Less(t, calls, n, "reservations are grouped")
			indexes := map[int]bool{}
			for _, r := range results {
				res, ok := reserved[r.Signed.ID]
				require.True(t, ok, "row %d: id %s was not reserved", r.Item.Row, r.Signed.ID)
				assert.Equal(t, res, r.Reservation)
				assert.Equal(t, res.StatusIndex, r.StatusIndex)
				assert.False(t, indexes[r.StatusIndex])
				indexes[r.StatusIndex] = true
				assert.Contains(t, string(r.Signed.JSON), `"statusListIndex":"`+strconv.Itoa(r.StatusIndex)+`"`)
				assert.Contains(t, string(r.Signed.JSON), `"id":"`+res.ID+`"`)
			}
		})
	}
}

// TestBatchReserveErrorStopsBeforeSigning: when Reserve fails, no item of
// that call is signed, nothing after it is emitted, and Run returns the
// error.
func TestBatchReserveErrorStopsBeforeSigning(t *testing.T) {
	b := testBatch(t, badge.DataIntegrity)
	b.Workers = 2
	withList(t, b)
	diskFull := errors.New("no space left on device")
	var stored atomic.Int32
	calls := 0
	b.Reserve = func(ctx context.Context, rs []*badge.BatchResult) error {
		if calls++; calls == 3 {
			return diskFull
		}
		stored.Add(int32(len(rs)))
		return nil
	}
	signs := countSignatures(b, nil)
	results, _, err := runItems(t, b, collect(200))
	require.ErrorIs(t, err, diskFull)
	assert.LessOrEqual(t, signs.Load(), stored.Load(), "only stored reservations were signed")
	assert.LessOrEqual(t, int32(len(results)), stored.Load())
	for i, r := range results {
		assert.Equal(t, i, r.Seq, "a prefix of the stream")
		assert.NoError(t, r.Err)
	}
}

// TestBatchResumesReservations pins what a resumed item becomes: a stored
// credential that is the reserved one is adopted byte for byte and not
// signed again; a missing, torn or foreign one is signed again with the
// same id and status index; one signed by the batch's key that is another
// credential fails the item with ErrBatchConflict and nothing is signed.
func TestBatchResumesReservations(t *testing.T) {
	ctx := context.Background()
	for _, f := range []badge.Format{badge.DataIntegrity, badge.JWT} {
		t.Run(f.String(), func(t *testing.T) {
			// The first run: rows 2 and 3 reserved and signed.
			first := testBatch(t, f)
			withList(t, first)
			var reservations []badge.BatchReservation
			first.Reserve = func(ctx context.Context, rs []*badge.BatchResult) error {
				for _, r := range rs {
					reservations = append(reservations, r.Reservation)
				}
				return nil
			}
			in := collect(2)
			done, _, err := runItems(t, first, in)
			require.NoError(t, err)
			require.Len(t, reservations, 2)
			stored := [][]byte{done[0].Signed.Bytes(), done[1].Signed.Bytes()}

			foreign := testBatch(t, f)
			k := testKey(t, 9)
			foreign.Issuer.Key = proof.Key{Signer: k.Signer, VerificationMethod: k.ID}
			foreign.Profile = foreign.Issuer.Profile("Someone Else")
			other, _, err := runItems(t, foreign, in[:1])
			require.NoError(t, err)

			reserved := func(n int) *badge.BatchReservation { r := reservations[n]; return &r }
			otherIndex := *reserved(0)
			otherIndex.StatusIndex = (otherIndex.StatusIndex + 1) % 131072
			for name, tt := range map[string]struct {
				res      *badge.BatchReservation
				existing []byte
				adopted  bool
				conflict bool
			}{
				"stored credential adopted":          {res: reserved(0), existing: stored[0], adopted: true},
				"missing credential signed again":    {res: reserved(0)},
				"torn credential signed again":       {res: reserved(0), existing: stored[0][:len(stored[0])/2]},
				"empty file signed again":            {res: reserved(0), existing: []byte{}},
				"credential of another key replaced": {res: reserved(0), existing: other[0].Signed.Bytes()},
				"another row's credential refused":   {res: reserved(0), existing: stored[1], conflict: true},
				"another status index refused":       {res: &otherIndex, existing: stored[0], conflict: true},
				"another recipient refused":          {res: reserved(1), existing: stored[1], conflict: true},
			} {
				t.Run(name, func(t *testing.T) {
					b := testBatch(t, f)
					list := withList(t, b)
					signs := countSignatures(b, nil)
					b.Reserve = func(context.Context, []*badge.BatchResult) error {
						t.Error("a resumed reservation is stored again")
						return nil
					}
					it := in[0] // row 2, whose reservation is reserved(0)
					it.Reserved, it.Existing = tt.res, tt.existing
					results, p, err := runItems(t, b, []badge.BatchItem{it})
					require.NoError(t, err)
					require.Len(t, results, 1)
					r := results[0]
					assert.Contains(t, list.Allocated(), tt.res.StatusIndex, "the reserved index is taken")
					if tt.conflict {
						assert.ErrorIs(t, r.Err, badge.ErrBatchConflict)
						assert.Zero(t, signs.Load(), "nothing signed")
						assert.Equal(t, 1, p.Failed)
						return
					}
					require.NoError(t, r.Err)
					assert.Equal(t, tt.res.ID, r.Signed.ID, "the reserved id")
					assert.Equal(t, tt.res.StatusIndex, r.StatusIndex, "the reserved index")
					assert.Equal(t, tt.adopted, r.Adopted)
					if tt.adopted {
						assert.Zero(t, signs.Load(), "adopted, not signed again")
						assert.True(t, bytes.Equal(stored[0], r.Signed.Bytes()), "the same bytes")
						assert.Equal(t, 1, p.Adopted)
					} else {
						assert.Positive(t, signs.Load(), "signed again")
					}
					published, err := list.Sign(ctx, b.Issuer.Key, nil)
					require.NoError(t, err)
					v, err := badge.NewVerifier(badge.VerifierOptions{Status: status.NewLocalChecker(map[string][]byte{batchListURL: published}, nil)})
					require.NoError(t, err)
					res, err := v.Verify(ctx, r.Signed.Bytes())
					require.NoError(t, err)
					assert.Equal(t, tt.res.ID, res.Credential.ID())
					from, _, err := res.Credential.ValidFrom()
					require.NoError(t, err)
					assert.True(t, tt.res.ValidFrom.Equal(from), "the reserved validFrom")
				})
			}
		})
	}
}

// TestBatchRefusesInconsistentReservations: a reservation must fit the
// batch (a status index exactly when there is a list), and a stored
// credential needs its reservation; such items fail, nothing is signed.
func TestBatchRefusesInconsistentReservations(t *testing.T) {
	it := collect(1)[0]
	for name, tt := range map[string]struct {
		list bool
		mod  func(it *badge.BatchItem)
	}{
		"index without a list":  {false, func(it *badge.BatchItem) { it.Reserved = &badge.BatchReservation{ID: "urn:uuid:1", StatusIndex: 7} }},
		"list without an index": {true, func(it *badge.BatchItem) { it.Reserved = &badge.BatchReservation{ID: "urn:uuid:1", StatusIndex: -1} }},
		"index out of range": {true, func(it *badge.BatchItem) {
			it.Reserved = &badge.BatchReservation{ID: "urn:uuid:1", StatusIndex: 1 << 30}
		}},
		"no id":                   {true, func(it *badge.BatchItem) { it.Reserved = &badge.BatchReservation{StatusIndex: 3} }},
		"existing without a plan": {false, func(it *badge.BatchItem) { it.Existing = []byte("{}") }},
	} {
		t.Run(name, func(t *testing.T) {
			b := testBatch(t, badge.DataIntegrity)
			if tt.list {
				withList(t, b)
			}
			signs := countSignatures(b, nil)
			x := it
			tt.mod(&x)
			results, _, err := runItems(t, b, []badge.BatchItem{x})
			require.NoError(t, err)
			require.Len(t, results, 1)
			assert.Error(t, results[0].Err)
			assert.Zero(t, signs.Load())
		})
	}
}

// TestBatchReservedIndexStaysTaken: the index of a reserved item that
// fails (here a duplicate) stays allocated, so no later item gets it.
func TestBatchReservedIndexStaysTaken(t *testing.T) {
	b := testBatch(t, badge.DataIntegrity)
	list, err := status.NewList(status.ListOptions{ID: batchListURL, Entries: 131072})
	require.NoError(t, err)
	b.Status = list
	in := collect(2)
	dup := in[0]
	dup.Row = 99
	dup.Reserved = &badge.BatchReservation{ID: "urn:uuid:6f1c2a8e-0000-4000-8000-000000000001", StatusIndex: 4242}
	results, _, err := runItems(t, b, []badge.BatchItem{in[0], dup, in[1]})
	require.NoError(t, err)
	assert.ErrorIs(t, results[1].Err, badge.ErrDuplicateRecipient)
	assert.Contains(t, list.Allocated(), 4242)
	assert.NotEqual(t, 4242, results[0].StatusIndex)
	assert.NotEqual(t, 4242, results[2].StatusIndex)
}

// fixedIndex is a StatusRand under which List.Allocate picks index i
// first.
type fixedIndex uint64

func (f fixedIndex) Read(p []byte) (int, error) {
	for n := range p {
		p[n] = byte(uint64(f) >> (8 * (7 - n%8)))
	}
	return len(p), nil
}

// TestBatchNeverGivesAnIndexTwice: a reserved status index that another
// item of the run has (two reservations of one index, or one the caller
// did not mark allocated before Run and that a new item was given first)
// fails the later item with ErrBatchConflict: no two credentials carry it.
func TestBatchNeverGivesAnIndexTwice(t *testing.T) {
	in := collect(3)
	for name, tt := range map[string]struct {
		first badge.BatchItem
	}{
		"reserved twice": {func() badge.BatchItem {
			it := in[0]
			it.Reserved = &badge.BatchReservation{ID: "urn:uuid:6f1c2a8e-0000-4000-8000-000000000001", StatusIndex: 4242}
			return it
		}()},
		"allocated to a new item first": {in[0]},
	} {
		t.Run(name, func(t *testing.T) {
			b := testBatch(t, badge.DataIntegrity)
			withList(t, b)
			b.StatusRand = fixedIndex(4242)
			signs := countSignatures(b, nil)
			second := in[1]
			second.Reserved = &badge.BatchReservation{ID: "urn:uuid:6f1c2a8e-0000-4000-8000-000000000002", StatusIndex: 4242}
			results, _, err := runItems(t, b, []badge.BatchItem{tt.first, second})
			require.NoError(t, err)
			require.NoError(t, results[0].Err)
			assert.Equal(t, 4242, results[0].StatusIndex)
			assert.ErrorIs(t, results[1].Err, badge.ErrBatchConflict)
			assert.EqualValues(t, 1, signs.Load())
		})
	}
}

// TestBatchReservedEntry: a status entry allocated outside the batch (an
// issuer store's) is written into the credential, checked when the stored
// credential is adopted, and refused beside a batch status list.
func TestBatchReservedEntry(t *testing.T) {
	entry := status.Entry{ID: "https://example.edu/status/revocation-1#5", Type: status.TypeBitstringEntry,
		StatusPurpose: status.PurposeRevocation, StatusListIndex: "5", StatusListCredential: "https://example.edu/status/revocation-1"}
	it := collect(1)[0]
	it.Reserved = &badge.BatchReservation{ID: "urn:uuid:7a1c0e6e-2d43-4c1b-9a8e-0b8f3c1d2e4f", StatusIndex: -1, Entry: &entry}
	b := testBatch(t, badge.DataIntegrity)
	results, _, err := runItems(t, b, []badge.BatchItem{it})
	require.NoError(t, err)
	require.NoError(t, results[0].Err)
	signed := results[0].Signed.JSON
	assert.Contains(t, string(signed), `"statusListCredential":"https://example.edu/status/revocation-1"`)
	assert.Contains(t, string(signed), `"statusListIndex":"5"`)
	assert.Equal(t, -1, results[0].StatusIndex)

	// Adopted as it is; with another entry reserved it is a conflict.
	again := it
	again.Existing = signed
	results, _, err = runItems(t, testBatchSameKey(b), []badge.BatchItem{again})
	require.NoError(t, err)
	require.NoError(t, results[0].Err)
	assert.True(t, results[0].Adopted)
	other := entry
	other.StatusListIndex, other.ID = "6", "https://example.edu/status/revocation-1#6"
	again.Reserved = &badge.BatchReservation{ID: it.Reserved.ID, StatusIndex: -1, Entry: &other}
	results, _, err = runItems(t, testBatchSameKey(b), []badge.BatchItem{again})
	require.NoError(t, err)
	assert.ErrorIs(t, results[0].Err, badge.ErrBatchConflict)

	// Beside a batch status list: refused, nothing signed.
	withList(t, b)
	signs := countSignatures(b, nil)
	results, _, err = runItems(t, b, []badge.BatchItem{it})
	require.NoError(t, err)
	assert.ErrorIs(t, results[0].Err, badge.ErrInvalidArgument)
	assert.Zero(t, signs.Load())
}

// testBatchSameKey returns a copy of b (same issuer and achievement).
func testBatchSameKey(b *badge.Batch) *badge.Batch {
	c := *b
	return &c
}
