package status_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/status"
)

func TestAllocateRandomUnique(t *testing.T) {
	l, err := status.NewList(status.ListOptions{ID: "https://example.edu/status/1"})
	require.NoError(t, err)
	seen := map[int]bool{}
	var order []int
	for range 1000 {
		i, err := l.Allocate(nil)
		require.NoError(t, err)
		require.False(t, seen[i], "index %d allocated twice", i)
		seen[i] = true
		order = append(order, i)
	}
	assert.False(t, slices.IsSorted(order), "allocation order must not follow index order")
	assert.Len(t, l.Allocated(), 1000)
	assert.True(t, slices.IsSorted(l.Allocated()))

	// A nearly full list still allocates every free index, then refuses.
	full, err := status.NewList(status.ListOptions{ID: "https://example.edu/status/2"})
	require.NoError(t, err)
	n := full.Options().Entries
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	require.NoError(t, full.MarkAllocated(all[3:]...))
	src := rand.NewChaCha8([32]byte{7})
	var got []int
	for range 3 {
		i, err := full.Allocate(src)
		require.NoError(t, err)
		got = append(got, i)
	}
	slices.Sort(got)
	assert.Equal(t, []int{0, 1, 2}, got)
	_, err = full.Allocate(src)
	assert.ErrorIs(t, err, status.ErrListFull)
	assert.ErrorIs(t, full.MarkAllocated(n), status.ErrRange)
}

func TestNewListOptions(t *testing.T) {
	two := []status.StatusMessage{{Status: "0x0"}, {Status: "0x1"}}
	for _, tc := range []struct {
		name string
		o    status.ListOptions
		ok   bool
	}{
		{"defaults", status.ListOptions{ID: "https://x/1"}, true},
		{"larger", status.ListOptions{ID: "https://x/1", Entries: 200000}, true},
		{"no id", status.ListOptions{}, false},
		{"unknown purpose", status.ListOptions{ID: "https://x/1", Purpose: "expiry"}, false},
		{"size 2 without messages", status.ListOptions{ID: "https://x/1", StatusSize: 2}, false},
		{"message purpose", status.ListOptions{ID: "https://x/1", Purpose: status.PurposeMessage, StatusMessages: two}, true},
		{"wrong message count", status.ListOptions{ID: "https://x/1", StatusSize: 2, StatusMessages: two}, false},
		{"sl2021 message", status.ListOptions{ID: "https://x/1", Format: status.FormatStatusList2021, Purpose: status.PurposeMessage}, false},
		{"sl2021 ttl", status.ListOptions{ID: "https://x/1", Format: status.FormatStatusList2021, TTL: 1}, false},
		{"too big", status.ListOptions{ID: "https://x/1", Entries: 1 << 30}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := status.NewList(tc.o)
			if !tc.ok {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.GreaterOrEqual(t, l.Options().Entries, max(tc.o.Entries, status.MinEntries))
		})
	}
}

func TestParseListResign(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	for _, f := range []status.Format{status.FormatBitstring, status.FormatStatusList2021} {
		t.Run(f.String(), func(t *testing.T) {
			l, err := status.NewList(status.ListOptions{ID: "https://example.edu/status/p", Format: f})
			require.NoError(t, err)
			require.NoError(t, l.Set(99, 1))
			b, err := l.Sign(ctx, k, &status.SignOptions{Now: clock})
			require.NoError(t, err)
			back, err := status.ParseList(b, 0, nil)
			require.NoError(t, err)
			assert.Equal(t, l.Options(), back.Options())
			v, err := back.Get(99)
			require.NoError(t, err)
			assert.Equal(t, uint64(1), v)
			require.NoError(t, back.Clear(99))
			require.NoError(t, back.Set(100, 1))
			b2, err := back.Sign(ctx, k, &status.SignOptions{Now: clock})
			require.NoError(t, err)
			ch := status.NewLocalChecker(map[string][]byte{"https://example.edu/status/p": b2}, nil)
			ch.Now = clock
			for i, want := range map[int]bool{99: false, 100: true} {
				e, err := back.Entry(i)
				require.NoError(t, err)
				cred := issue(t, k, e)
				_, err = ch.CheckStatus(ctx, cred, entryMap(t, cred))
				assert.Equal(t, want, err != nil, "index %d", i)
			}
		})
	}
}

func TestAddStatus(t *testing.T) {
	l, err := status.NewList(status.ListOptions{ID: "https://example.edu/status/1"})
	require.NoError(t, err)
	e, err := l.Entry(42)
	require.NoError(t, err)
	assert.Equal(t, status.Entry{ID: "https://example.edu/status/1#42", Type: status.TypeBitstringEntry, StatusPurpose: "revocation",
		StatusListIndex: "42", StatusListCredential: "https://example.edu/status/1"}, e)

	in := []byte("{\n  \"@context\": [\"https://www.w3.org/ns/credentials/v2\"],\n  \"n\": 12345678901234567890\n}\n")
	out, err := status.AddStatus(in, e)
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(out, in[:len(in)-3]), "input bytes kept")
	assert.Contains(t, string(out), `"credentialStatus":{"id":"https://example.edu/status/1#42","type":"BitstringStatusListEntry"`)
	assert.Contains(t, string(out), "12345678901234567890")

	for name, doc := range map[string]string{
		"already has status": `{"@context":"https://www.w3.org/ns/credentials/v2","credentialStatus":{}}`,
		"already signed":     `{"@context":"https://www.w3.org/ns/credentials/v2","proof":{}}`,
		"context missing":    `{"@context":"https://www.w3.org/2018/credentials/v1"}`,
		"not an object":      `[]`,
		"duplicate keys":     `{"a":1,"a":2}`,
	} {
		_, err := status.AddStatus([]byte(doc), e)
		assert.Error(t, err, name)
	}
	_, err = status.AddStatus(in)
	assert.Error(t, err)
}
