package status_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

const obExtensions = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"

// nineEntries is a credentialStatus of nine distinct entries of the list
// at url.
func nineEntries(url string) []any {
	var out []any
	for i := range 9 {
		out = append(out, entryValue(bitEntry(url, 10+i, "")))
	}
	return out
}

// entryValue is a credentialStatus member value for e.
func entryValue(e status.Entry) map[string]any {
	return map[string]any{"id": e.ID, "type": e.Type, "statusPurpose": e.StatusPurpose,
		"statusListIndex": e.StatusListIndex, "statusListCredential": e.StatusListCredential}
}

// TestListOwnStatusCheckedOneLevel: a status list credential that carries
// a credentialStatus has it checked with the same checker; a list it
// points to may not carry one itself; a list whose own status is not in
// good standing is refused, and the credential's status is then unknown,
// never "revoked" on the list's account.
func TestListOwnStatusCheckedOneLevel(t *testing.T) {
	ctx := context.Background()
	k, other := testKey(t, 1), testKey(t, 2)
	const (
		u      = "https://example.edu/status/list"  // the credential's list
		meta   = "https://example.edu/status/lists" // the list of lists
		meta2  = "https://example.edu/status/meta2" // a list of lists of lists
		revURL = "https://example.edu/revocations"
	)
	cred := issue(t, k, bitEntry(u, 5, ""))
	listWith := func(own any) []byte { return signList(t, k, listSpec{id: meta, status: own}) }
	metaEntry := entryValue(bitEntry(meta, 2, ""))
	for _, tc := range []struct {
		name string
		list []byte            // the credential's list (at u)
		docs map[string][]byte // the other documents
		want error             // nil: the credential's status is read (valid)
	}{
		{name: "own status in good standing",
			list: signList(t, k, listSpec{id: u, status: metaEntry}),
			docs: map[string][]byte{meta: signList(t, k, listSpec{id: meta})}},
		{name: "own status in an array, in good standing",
			list: signList(t, k, listSpec{id: u, status: []any{metaEntry}}),
			docs: map[string][]byte{meta: signList(t, k, listSpec{id: meta})}},
		{name: "the list itself revoked",
			list: signList(t, k, listSpec{id: u, status: metaEntry}),
			docs: map[string][]byte{meta: signList(t, k, listSpec{id: meta, set: []int{2}})}, want: status.ErrListStatus},
		{name: "the list itself suspended",
			list: signList(t, k, listSpec{id: u, status: entryValue(bitEntry(meta, 2, status.PurposeSuspension))}),
			docs: map[string][]byte{meta: signList(t, k, listSpec{id: meta, purpose: status.PurposeSuspension, set: []int{2}})}, want: status.ErrListStatus},
		{name: "the list's status list cannot be fetched",
			list: signList(t, k, listSpec{id: u, status: metaEntry}), want: status.ErrListStatus},
		{name: "the list's status list is by another issuer",
			list: signList(t, k, listSpec{id: u, status: metaEntry}),
			docs: map[string][]byte{meta: signList(t, other, listSpec{id: meta})}, want: status.ErrListStatus},
		{name: "the list's status of an unknown type",
			list: signList(t, k, listSpec{id: u, status: map[string]any{"id": meta + "#2", "type": "https://example.org/vocab#StatusOfTheFuture"}}),
			want: status.ErrListStatus},
		{name: "the list's status list has a status of its own",
			list: signList(t, k, listSpec{id: u, status: metaEntry}),
			docs: map[string][]byte{meta: listWith(entryValue(bitEntry(meta2, 1, ""))), meta2: signList(t, k, listSpec{id: meta2})},
			want: status.ErrListStatus},
		{name: "the list names itself",
			list: signList(t, k, listSpec{id: u, status: entryValue(bitEntry(u, 3, ""))}), want: status.ErrListStatus},
		{name: "the list's credentialStatus is an array holding a string",
			list: signList(t, k, listSpec{id: u, status: []any{metaEntry, "https://example.edu/elsewhere"}}),
			docs: map[string][]byte{meta: signList(t, k, listSpec{id: meta})}, want: status.ErrListStatus},
		{name: "the list's credentialStatus is an empty array",
			list: signList(t, k, listSpec{id: u, status: []any{}}), want: status.ErrListStatus},
		{name: "more than 8 entries",
			list: signList(t, k, listSpec{id: u, status: nineEntries(meta)}),
			docs: map[string][]byte{meta: signList(t, k, listSpec{id: meta})}, want: status.ErrListStatus},
		{name: "own 1EdTech revocation list not naming the list",
			list: signList(t, k, listSpec{id: u, status: map[string]any{"id": revURL, "type": status.TypeRevocationList}, contexts: []string{obExtensions}}),
			docs: map[string][]byte{revURL: []byte(`{"id":"` + revURL + `","revokedCredentials":[{"id":"https://example.edu/status/other"}]}`)}},
		{name: "own 1EdTech revocation list naming the list",
			list: signList(t, k, listSpec{id: u, status: map[string]any{"id": revURL, "type": status.TypeRevocationList}, contexts: []string{obExtensions}}),
			docs: map[string][]byte{revURL: []byte(`{"id":"` + revURL + `","revokedCredentials":[{"id":"` + u + `"}]}`)},
			want: status.ErrListStatus},
	} {
		t.Run(tc.name, func(t *testing.T) {
			all := map[string][]byte{u: tc.list}
			for k, v := range tc.docs {
				all[k] = v
			}
			ch := status.NewLocalChecker(all, nil)
			ch.Now = clock
			res, err := ch.CheckStatus(ctx, cred, entryMap(t, cred))
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, vc.StatusValid, res.Outcome)
				return
			}
			assertUnknown(t, res, err, tc.want)
			assert.ErrorIs(t, err, status.ErrVerification)
			assert.NotErrorIs(t, err, vc.ErrSuspended)
		})
	}

	// Checked directly for a credential, a list of lists that carries its
	// own status is refused when met one level down, whichever order the
	// lists were cached in.
	t.Run("depth holds with a warm cache", func(t *testing.T) {
		metaWithStatus := listWith(entryValue(bitEntry(meta2, 1, "")))
		ch := status.NewLocalChecker(map[string][]byte{
			u: signList(t, k, listSpec{id: u, status: metaEntry}), meta: metaWithStatus, meta2: signList(t, k, listSpec{id: meta2}),
		}, nil)
		ch.Now = clock
		direct := issue(t, k, bitEntry(meta, 9, ""))
		_, err := ch.CheckStatus(ctx, direct, entryMap(t, direct)) // caches meta, one level deep: fine
		require.NoError(t, err)
		res, err := ch.CheckStatus(ctx, cred, entryMap(t, cred))
		assertUnknown(t, res, err, status.ErrListStatus)
		assert.Contains(t, err.Error(), "nesting")
	})
}

// TestListsNamingEachOtherDoNotDeadlock: two lists whose own status names
// the other, checked at the same time, both end (unknown) without waiting
// on each other.
func TestListsNamingEachOtherDoNotDeadlock(t *testing.T) {
	k := testKey(t, 1)
	const a, b = "https://example.edu/status/a", "https://example.edu/status/b"
	ch := status.NewLocalChecker(map[string][]byte{
		a: signList(t, k, listSpec{id: a, status: entryValue(bitEntry(b, 1, ""))}),
		b: signList(t, k, listSpec{id: b, status: entryValue(bitEntry(a, 1, ""))}),
	}, nil)
	ch.Now = clock
	ca, cb := issue(t, k, bitEntry(a, 5, "")), issue(t, k, bitEntry(b, 5, ""))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 16)
	for range 8 {
		go func() { _, err := ch.CheckStatus(ctx, ca, entryMap(t, ca)); done <- err }()
		go func() { _, err := ch.CheckStatus(ctx, cb, entryMap(t, cb)); done <- err }()
	}
	for range 16 {
		err := <-done
		assert.ErrorIs(t, err, status.ErrListStatus)
		assert.NotErrorIs(t, err, context.DeadlineExceeded)
	}
}

// TestListCachedNoLongerThanItsOwnStatus: a list whose own status came
// from a list cached for a shorter time is fetched again when that one
// expires, so its own status is not trusted past its list's lifetime.
func TestListCachedNoLongerThanItsOwnStatus(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	const u, meta = "https://example.edu/status/long", "https://example.edu/status/short"
	d := newDocs()
	d.set(u, signList(t, k, listSpec{id: u, ttl: time.Hour, status: entryValue(bitEntry(meta, 2, ""))}))
	d.set(meta, signList(t, k, listSpec{id: meta, ttl: time.Minute}))
	now := fixedNow
	ch := &status.Checker{Fetcher: d, Now: func() time.Time { return now }}
	cred := issue(t, k, bitEntry(u, 5, ""))
	_, err := ch.CheckStatus(ctx, cred, entryMap(t, cred))
	require.NoError(t, err)
	now = now.Add(30 * time.Second)
	_, err = ch.CheckStatus(ctx, cred, entryMap(t, cred))
	require.NoError(t, err)
	assert.Equal(t, 1, d.fetches(u), "cached")

	d.set(meta, signList(t, k, listSpec{id: meta, ttl: time.Minute, validFrom: fixedNow, set: []int{2}}))
	now = now.Add(time.Minute)
	res, err := ch.CheckStatus(ctx, cred, entryMap(t, cred))
	assertUnknown(t, res, err, status.ErrListStatus)
	assert.Equal(t, 2, d.fetches(u), "fetched again once its own status list expired")
}
