package badge_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/status"
)

const batchListURL = "https://example.edu/status/batch"

// testBatch is a batch of the test achievement, with crypto/rand ids
// (Options.Rand must be safe for concurrent use).
func testBatch(t testing.TB, f badge.Format) *badge.Batch {
	iss := testIssuer(t, f)
	iss.Rand = nil
	return &badge.Batch{
		Issuer:      iss,
		Profile:     iss.Profile("Example University"),
		Achievement: testAchievement(),
		Options:     badge.CredentialOptions{Now: fixedNow},
	}
}

// items yields n recipients: even rows by DID, odd rows by e-mail with a
// name and a student number.
func items(n int) iter.Seq[badge.BatchItem] {
	return func(yield func(badge.BatchItem) bool) {
		for i := range n {
			it := badge.BatchItem{Row: i + 2}
			if i%2 == 0 {
				it.Recipient = badge.RecipientDID(fmt.Sprintf("did:example:learner%d", i))
			} else {
				it.Recipient = badge.RecipientEmail(fmt.Sprintf("Learner%d@Example.edu", i))
				it.Identifiers = []badge.Recipient{
					badge.RecipientIdentifier(badge.IdentifierTypeName, "Learner Number "+fmt.Sprint(i), false),
					badge.RecipientIdentifier("ext:studentId", fmt.Sprintf("S%05d", i), true),
				}
			}
			if !yield(it) {
				return
			}
		}
	}
}

func TestBatchIssuesEveryItemInOrder(t *testing.T) {
	for _, f := range []badge.Format{badge.DataIntegrity, badge.JWT} {
		t.Run(f.String(), func(t *testing.T) {
			ctx := context.Background()
			b := testBatch(t, f)
			list, err := status.NewList(status.ListOptions{ID: batchListURL})
			require.NoError(t, err)
			b.Status, b.StatusRand = list, testRand(9)
			b.Image = bakeTestPNG(t)
			b.Workers = 3
			const n = 60
			b.Total = n
			var saved atomic.Int32
			b.Save = func(ctx context.Context, r *badge.BatchResult) error {
				saved.Add(1)
				return nil
			}
			var progress []badge.BatchProgress
			b.Progress = func(p badge.BatchProgress) { progress = append(progress, p) }

			var results []badge.BatchResult
			p, err := b.Run(ctx, items(n), func(r *badge.BatchResult) error {
				results = append(results, *r)
				return nil
			})
			require.NoError(t, err)
			assert.Equal(t, n, p.Done)
			assert.Zero(t, p.Failed+p.Skipped)
			assert.Equal(t, n, p.Total)
			assert.Positive(t, p.Rate)
			assert.EqualValues(t, n, saved.Load())
			require.Len(t, results, n)
			require.NotEmpty(t, progress)
			assert.Equal(t, p.Done, progress[len(progress)-1].Done)

			published, err := list.Sign(ctx, b.Issuer.Key, nil)
			require.NoError(t, err)
			v, err := badge.NewVerifier(badge.VerifierOptions{Status: status.NewLocalChecker(map[string][]byte{batchListURL: published}, nil)})
			require.NoError(t, err)
			indexes := map[int]bool{}
			ids := map[string]bool{}
			for i, r := range results {
				require.NoError(t, r.Err)
				assert.Equal(t, i, r.Seq, "results come in input order")
				assert.Equal(t, i+2, r.Item.Row)
				require.NotNil(t, r.Signed)
				assert.False(t, ids[r.Signed.ID], "ids are unique")
				ids[r.Signed.ID] = true
				assert.False(t, indexes[r.StatusIndex], "status indexes are unique")
				indexes[r.StatusIndex] = true
				assert.Equal(t, badge.ImagePNG, r.ImageFormat)
				if i%2 == 1 {
					assert.NotContains(t, strings.ToLower(string(r.Signed.JSON)), "@example.edu", "e-mail hashed")
					assert.NotContains(t, string(r.Signed.JSON), fmt.Sprintf("S%05d", i), "student id hashed")
					assert.Contains(t, string(r.Signed.JSON), "Learner Number", "name in clear")
				}
				res, err := v.Verify(ctx, r.Signed.Bytes())
				require.NoError(t, err, "row %d", r.Item.Row)
				assert.True(t, res.Verified)
				res, err = v.Verify(ctx, r.Baked)
				require.NoError(t, err, "baked row %d", r.Item.Row)
				assert.True(t, res.Verified)
			}
			assert.Len(t, list.Allocated(), n)

			// The recipient by e-mail matches, hashed.
			res, err := v.VerifyWith(ctx, results[1].Signed.Bytes(), &badge.VerifyOptions{
				Recipient: &badge.ExpectedRecipient{Type: badge.IdentifierTypeEmailAddress, Value: "learner1@example.edu"}})
			require.NoError(t, err)
			assert.True(t, res.Verified)
		})
	}
}

func TestBatchRowErrors(t *testing.T) {
	ctx := context.Background()
	b := testBatch(t, badge.DataIntegrity)
	b.Workers = 2
	readErr := errors.New("wrong number of fields")
	in := []badge.BatchItem{
		{Row: 1, Recipient: badge.RecipientEmail("a@example.edu")},
		{Row: 2, Err: readErr},
		{Row: 3}, // no recipient
		{Row: 4, Recipient: badge.RecipientEmail("not-an-address")},  // bad e-mail
		{Row: 5, Recipient: badge.RecipientEmail(" A@Example.edu ")}, // duplicate of row 1, normalized
		{Row: 6, Recipient: badge.RecipientDID("did:example:b"), Issued: true},
		{Row: 7, Recipient: badge.RecipientDID("did:example:b")}, // duplicate of an issued row
		{Row: 8, Recipient: badge.RecipientIdentifier(badge.IdentifierTypeName, "Ann", false)},
		{Row: 9, Recipient: badge.RecipientDID("did:example:c"),
			Identifiers: []badge.Recipient{badge.RecipientIdentifier(badge.IdentifierTypeName, "Ann", false)}}, // a shared name is no duplicate
		{Row: 10, Recipient: badge.RecipientDID("not a url")}, // refused by Issue
		{Row: 11, Recipient: badge.RecipientDID("did:example:d"),
			Identifiers: []badge.Recipient{badge.RecipientEmail("a@example.edu")}}, // duplicate by a further identifier
	}
	var results []badge.BatchResult
	p, err := b.Run(ctx, func(yield func(badge.BatchItem) bool) {
		for _, it := range in {
			if !yield(it) {
				return
			}
		}
	}, func(r *badge.BatchResult) error { results = append(results, *r); return nil })
	require.NoError(t, err)
	require.Len(t, results, len(in))
	assert.Equal(t, badge.BatchProgress{Done: 3, Failed: 7, Skipped: 1}, badge.BatchProgress{Done: p.Done, Failed: p.Failed, Skipped: p.Skipped})
	want := map[int]error{2: readErr, 3: badge.ErrNoRecipient, 4: badge.ErrInvalidEmail, 5: badge.ErrDuplicateRecipient,
		7: badge.ErrDuplicateRecipient, 10: badge.ErrIssue, 11: badge.ErrDuplicateRecipient}
	for _, r := range results {
		if w, bad := want[r.Item.Row]; bad {
			require.Error(t, r.Err, "row %d", r.Item.Row)
			assert.ErrorIs(t, r.Err, w, "row %d", r.Item.Row)
			var be *badge.BatchError
			require.ErrorAs(t, r.Err, &be)
			assert.Equal(t, r.Item.Row, be.Row)
			assert.Contains(t, r.Err.Error(), fmt.Sprintf("row %d:", r.Item.Row))
			assert.Nil(t, r.Signed)
			continue
		}
		assert.NoError(t, r.Err, "row %d", r.Item.Row)
		assert.Equal(t, r.Item.Row == 6, r.Skipped)
		assert.Equal(t, r.Item.Row != 6, r.Signed != nil)
	}
	assert.Contains(t, results[4].Err.Error(), "first in row 1")
	assert.Contains(t, results[6].Err.Error(), "first in row 6")

	// AllowDuplicates issues both.
	b.AllowDuplicates = true
	p, err = b.Run(ctx, func(yield func(badge.BatchItem) bool) {
		_ = yield(in[0]) && yield(in[4])
	}, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, p.Done)
}

func TestBatchCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b := testBatch(t, badge.DataIntegrity)
	b.Workers = 2
	var results []badge.BatchResult
	_, err := b.Run(ctx, items(1000), func(r *badge.BatchResult) error {
		results = append(results, *r)
		if len(results) == 5 {
			cancel()
		}
		return nil
	})
	require.ErrorIs(t, err, context.Canceled)
	require.GreaterOrEqual(t, len(results), 5)
	assert.Less(t, len(results), 100, "stops soon after the cancellation")
	for i, r := range results {
		assert.Equal(t, i, r.Seq, "a prefix of the stream")
		assert.NoError(t, r.Err)
	}

	// An error from emit stops the batch with that error.
	stop := errors.New("disk full")
	n := 0
	_, err = b.Run(context.Background(), items(1000), func(*badge.BatchResult) error {
		n++
		return stop
	})
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 1, n)

	// A cancelled context issues nothing.
	_, err = b.Run(ctx, items(10), func(*badge.BatchResult) error { t.Fatal("emitted"); return nil })
	assert.ErrorIs(t, err, context.Canceled)
}

func TestBatchSaveError(t *testing.T) {
	b := testBatch(t, badge.JWT)
	b.Save = func(ctx context.Context, r *badge.BatchResult) error {
		if r.Item.Row == 3 {
			return errors.New("no space left")
		}
		return nil
	}
	var failed []int
	p, err := b.Run(context.Background(), items(4), func(r *badge.BatchResult) error {
		if r.Err != nil {
			failed = append(failed, r.Item.Row)
			assert.Nil(t, r.Signed)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []int{3}, failed)
	assert.Equal(t, 3, p.Done)
}

func TestBatchRefusesBadConfiguration(t *testing.T) {
	good := testBatch(t, badge.DataIntegrity)
	sl2021, err := status.NewList(status.ListOptions{ID: batchListURL, Format: status.FormatStatusList2021})
	require.NoError(t, err)
	for name, tt := range map[string]struct {
		mod  func(b *badge.Batch)
		want error
	}{
		"no issuer":    {func(b *badge.Batch) { b.Issuer = nil }, badge.ErrInvalidArgument},
		"no key":       {func(b *badge.Batch) { b.Issuer = &badge.Issuer{} }, badge.ErrInvalidKey},
		"fixed id":     {func(b *badge.Batch) { b.Options.ID = "urn:uuid:1" }, badge.ErrInvalidArgument},
		"workers":      {func(b *badge.Batch) { b.Workers = -1 }, badge.ErrInvalidArgument},
		"status 2021":  {func(b *badge.Batch) { b.Status = sl2021 }, badge.ErrInvalidArgument},
		"not an image": {func(b *badge.Batch) { b.Image = []byte("GIF89a") }, badge.ErrUnsupportedImage},
		"broken png":   {func(b *badge.Batch) { b.Image = bakeTestPNG(t)[:40] }, nil},
		"cancelled":    {nil, context.Canceled},
	} {
		t.Run(name, func(t *testing.T) {
			b := *good
			ctx := context.Background()
			if tt.mod != nil {
				tt.mod(&b)
			} else {
				c, cancel := context.WithCancel(ctx)
				cancel()
				ctx = c
			}
			_, err := b.Run(ctx, items(3), func(*badge.BatchResult) error { t.Fatal("emitted"); return nil })
			if tt.want == nil {
				var fe *badge.FormatError
				assert.ErrorAs(t, err, &fe)
				return
			}
			assert.ErrorIs(t, err, tt.want)
		})
	}
}

func TestCheckEmail(t *testing.T) {
	for _, s := range []string{"a@example.edu", "first.last+tag@sub.example.co.uk", "ünï@exämple.de", "A@EXAMPLE.EDU"} {
		assert.NoError(t, badge.CheckEmail(s), s)
	}
	for _, s := range []string{"", "a", "a@", "@example.edu", "a@localhost", "a@@example.edu", "a@b@example.edu",
		"Ann <a@example.edu>", " a@example.edu", "a b@example.edu", `"a b"@example.edu`, "a@[192.0.2.1]",
		"a@example..edu", "a@-example.edu", "a@example.edu.", "a\x00@example.edu", "a@ex\xffample.edu",
		strings.Repeat("a", 65) + "@example.edu", "a@" + strings.Repeat("b", 250) + ".edu"} {
		err := badge.CheckEmail(s)
		assert.ErrorIs(t, err, badge.ErrInvalidEmail, "%q", s)
	}
}
