package status_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

// TestRevokedNeverReadAsValid: the ways an entry can be written so that a
// reader might land on another bit, another list or another meaning. Each
// either reads the revoked bit or fails closed; none reports valid.
func TestRevokedNeverReadAsValid(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	const u, su = "https://example.edu/status/x", "https://example.edu/status/susp"
	// Index 23 is revoked; 15 (octal 017), 0 and 131071 are not.
	lists := map[string][]byte{
		u:  signList(t, k, listSpec{id: u, set: []int{23}}),
		su: signList(t, k, listSpec{id: su, purpose: status.PurposeSuspension, set: []int{23}}),
	}
	cred := issue(t, k, bitEntry(u, 23, ""))
	base := entryMap(t, cred)
	with := func(kv ...any) map[string]any {
		e := maps.Clone(base)
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(e, kv[i].(string))
				continue
			}
			e[kv[i].(string)] = kv[i+1]
		}
		return e
	}
	two := []any{map[string]any{"status": "0x0", "message": "ok"}, map[string]any{"status": "0x1", "message": "revoked"}}
	for _, tc := range []struct {
		name  string
		entry map[string]any
		want  error // nil: read as revoked
	}{
		{name: "index as a base-10 string", entry: base},
		{name: "index as a JSON number", entry: with("statusListIndex", json.Number("23"))},
		{name: "index as a Go int", entry: with("statusListIndex", 23)},
		{name: "index with a plus sign", entry: with("statusListIndex", "+23"), want: status.ErrMalformed},
		{name: "index with a leading zero", entry: with("statusListIndex", "023"), want: status.ErrMalformed},
		{name: "index that C would read as octal 23", entry: with("statusListIndex", "027"), want: status.ErrMalformed},
		{name: "index with blanks", entry: with("statusListIndex", " 23"), want: status.ErrMalformed},
		{name: "index with a trailing blank", entry: with("statusListIndex", "23 "), want: status.ErrMalformed},
		{name: "index in hexadecimal", entry: with("statusListIndex", "0x17"), want: status.ErrMalformed},
		{name: "index with an exponent", entry: with("statusListIndex", json.Number("2.3e1")), want: status.ErrMalformed},
		{name: "index with a fraction", entry: with("statusListIndex", "23.0"), want: status.ErrMalformed},
		{name: "index in full-width digits", entry: with("statusListIndex", "２３"), want: status.ErrMalformed},
		{name: "negative index", entry: with("statusListIndex", "-1"), want: status.ErrMalformed},
		{name: "negative zero", entry: with("statusListIndex", "-0"), want: status.ErrMalformed},
		{name: "index beyond int64", entry: with("statusListIndex", "99999999999999999999"), want: status.ErrMalformed},
		{name: "index past the end", entry: with("statusListIndex", "131072"), want: status.ErrRange},
		{name: "empty index", entry: with("statusListIndex", ""), want: status.ErrMalformed},
		{name: "no index", entry: with("statusListIndex", nil), want: status.ErrMalformed},
		{name: "index as a boolean", entry: with("statusListIndex", true), want: status.ErrMalformed},
		{name: "entry says suspension, list serves revocation", entry: with("statusPurpose", status.PurposeSuspension), want: status.ErrVerification},
		{name: "entry says revocation, list serves suspension", entry: with("statusListCredential", su), want: status.ErrVerification},
		{name: "purpose in another case", entry: with("statusPurpose", "Revocation"), want: status.ErrMalformed},
		{name: "purpose as an array", entry: with("statusPurpose", []any{"revocation"}), want: status.ErrMalformed},
		{name: "statusSize 1 as a number", entry: with("statusSize", json.Number("1"))},
		{name: "statusSize 1 with messages", entry: with("statusSize", "1", "statusMessage", two)},
		{name: "statusSize 0", entry: with("statusSize", json.Number("0")), want: status.ErrMalformed},
		{name: "statusSize with a leading zero", entry: with("statusSize", "01"), want: status.ErrMalformed},
		{name: "statusSize above the maximum", entry: with("statusSize", json.Number("17")), want: status.ErrMalformed},
		{name: "statusSize 2 without messages", entry: with("statusSize", json.Number("2")), want: status.ErrMalformed},
		{name: "statusMessage of the wrong length", entry: with("statusMessage", two[:1]), want: status.ErrMalformed},
		{name: "statusMessage with a repeated value", entry: with("statusMessage", []any{two[0], two[0]}), want: status.ErrMalformed},
		{name: "statusSize 2: the list is too short for two-bit entries", entry: with("statusSize", json.Number("2"),
			"statusMessage", []any{two[0], two[1], map[string]any{"status": "0x2"}, map[string]any{"status": "0x3"}}), want: status.ErrListLength},
		{name: "type given as a one-element array", entry: with("type", []any{status.TypeBitstringEntry})},
		{name: "type with a second, unknown type", entry: with("type", []any{status.TypeBitstringEntry, "Other"}), want: vc.ErrUnsupportedStatusType},
		{name: "StatusList2021 entry for a Bitstring list", entry: with("type", status.TypeStatusList2021Entry), want: status.ErrVerification},
		{name: "StatusList2021 entry with statusSize", entry: with("type", status.TypeStatusList2021Entry, "statusSize", "1"), want: status.ErrMalformed},
		{name: "list URL with a fragment", entry: with("statusListCredential", u+"#list"), want: status.ErrRetrieval},
		{name: "list URL not a string", entry: with("statusListCredential", []any{u}), want: status.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch := status.NewLocalChecker(lists, nil)
			ch.Now = clock
			res, err := ch.CheckStatus(ctx, cred, tc.entry)
			require.Error(t, err)
			require.NotNil(t, res)
			assert.NotEqual(t, vc.StatusValid, res.Outcome)
			if tc.want == nil {
				assert.ErrorIs(t, err, vc.ErrRevoked)
				assert.Equal(t, vc.StatusRevoked, res.Outcome)
				assert.Equal(t, int64(23), res.Index)
				return
			}
			assert.ErrorIs(t, err, vc.ErrStatusUnknown)
			assert.ErrorIs(t, err, tc.want)
			assert.NotErrorIs(t, err, vc.ErrRevoked)
		})
	}
}

// TestCheckCredentialEveryEntry: CheckCredential checks every entry and
// fails if any fails; an entry it cannot read (a string in the array, an
// unknown type) is a failure, not a skip.
func TestCheckCredentialEveryEntry(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	const u = "https://example.edu/status/cc"
	ch := status.NewLocalChecker(map[string][]byte{u: signList(t, k, listSpec{id: u, set: []int{1}})}, nil)
	ch.Now = clock
	good, revoked := entryValue(bitEntry(u, 2, "")), entryValue(bitEntry(u, 1, ""))
	unknownType := map[string]any{"id": "https://example.org/s#1", "type": "https://example.org/vocab#NewStatus"}
	credWith := func(cs any) *vc.Credential {
		doc := map[string]any{"@context": []string{vc.ContextV2}, "id": "urn:uuid:6a1e0b8c-0d57-4a36-9a1a-7f1c2a0c1d12",
			"type": []string{"VerifiableCredential"}, "issuer": controller(k), "credentialSubject": map[string]any{"id": "did:example:alice"}}
		if cs != nil {
			doc["credentialStatus"] = cs
		}
		b, err := json.Marshal(doc)
		require.NoError(t, err)
		c, err := vc.Parse(b)
		require.NoError(t, err)
		return c
	}
	for _, tc := range []struct {
		name    string
		status  any
		want    []error // empty: no error
		results int
	}{
		{name: "no credentialStatus", results: 0},
		{name: "one good entry", status: good, results: 1},
		{name: "good and revoked", status: []any{good, revoked}, want: []error{vc.ErrRevoked}, results: 2},
		{name: "good and of an unknown type", status: []any{good, unknownType}, want: []error{vc.ErrUnsupportedStatusType, vc.ErrStatusUnknown}, results: 2},
		{name: "revoked and of an unknown type", status: []any{unknownType, revoked}, want: []error{vc.ErrRevoked, vc.ErrUnsupportedStatusType}, results: 2},
		{name: "a string beside a good entry", status: []any{good, "https://example.org/status"}, want: []error{vc.ErrStatusUnknown, status.ErrMalformed}, results: 1},
		{name: "a string", status: "https://example.org/status", want: []error{vc.ErrStatusUnknown, status.ErrMalformed}, results: 1},
		{name: "an empty array", status: []any{}, want: []error{vc.ErrStatusUnknown, status.ErrMalformed}, results: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			results, err := ch.CheckCredential(ctx, credWith(tc.status))
			assert.Len(t, results, tc.results)
			if len(tc.want) == 0 {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, w := range tc.want {
				assert.ErrorIs(t, err, w)
			}
			for _, r := range results {
				require.NotNil(t, r)
			}
		})
	}
	results, err := ch.CheckCredential(ctx, nil)
	assert.ErrorIs(t, err, vc.ErrStatusUnknown)
	assert.Len(t, results, 1)
}

// TestRevocationListMatchesEquivalentIDs: a 1EdTech revocation list that
// names the credential in an equivalent spelling (a UUID in upper case,
// a URL's host in upper case, blanks) revokes it; another id does not.
func TestRevocationListMatchesEquivalentIDs(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	const u = "https://example.edu/revocations"
	for _, tc := range []struct {
		name    string
		credID  string
		listed  string
		revoked bool
	}{
		{"the same id", "urn:uuid:6a1e0b8c-0d57-4a36-9a1a-7f1c2a0c1d11", "urn:uuid:6a1e0b8c-0d57-4a36-9a1a-7f1c2a0c1d11", true},
		{"UUID in upper case on the list", "urn:uuid:6a1e0b8c-0d57-4a36-9a1a-7f1c2a0c1d11", "urn:uuid:6A1E0B8C-0D57-4A36-9A1A-7F1C2A0C1D11", true},
		{"UUID in upper case in the credential", "URN:UUID:6A1E0B8C-0D57-4A36-9A1A-7F1C2A0C1D11", "urn:uuid:6a1e0b8c-0d57-4a36-9a1a-7f1c2a0c1d11", true},
		{"host in upper case", "https://example.edu/credentials/1", "HTTPS://Example.EDU/credentials/1", true},
		{"host only, upper case", "https://example.edu", "https://EXAMPLE.edu", true},
		{"blanks around the listed id", "https://example.edu/credentials/1", "  https://example.edu/credentials/1 ", true},
		{"another path", "https://example.edu/credentials/1", "https://example.edu/credentials/10", false},
		{"path in another case", "https://example.edu/credentials/a", "https://example.edu/credentials/A", false},
		{"another UUID", "urn:uuid:6a1e0b8c-0d57-4a36-9a1a-7f1c2a0c1d11", "urn:uuid:6a1e0b8c-0d57-4a36-9a1a-7f1c2a0c1d12", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := map[string]any{"@context": []string{vc.ContextV2, obExtensions}, "id": tc.credID, "type": []string{"VerifiableCredential"},
				"issuer": controller(k), "credentialSubject": map[string]any{"id": "did:example:alice"},
				"credentialStatus": map[string]any{"id": u, "type": status.TypeRevocationList}}
			b, err := json.Marshal(doc)
			require.NoError(t, err)
			cred, err := vc.Parse(b)
			require.NoError(t, err)
			list, err := json.Marshal(map[string]any{"id": u, "revokedCredentials": []any{map[string]any{"id": tc.listed}}})
			require.NoError(t, err)
			ch := status.NewLocalChecker(map[string][]byte{u: list}, nil)
			res, err := ch.CheckStatus(ctx, cred, entryMap(t, cred))
			if tc.revoked {
				assert.ErrorIs(t, err, vc.ErrRevoked)
				assert.Equal(t, vc.StatusRevoked, res.Outcome)
			} else {
				assert.NoError(t, err)
				assert.Equal(t, vc.StatusValid, res.Outcome)
			}
			rl, err := status.ParseRevocationList(list)
			require.NoError(t, err)
			assert.Equal(t, tc.revoked, rl.IsRevoked(tc.credID), "RevocationList.IsRevoked agrees")
		})
	}
}

// TestStaleCacheNotServed: once a cached list's ttl has passed, it is
// fetched again; if that fails the status is unknown, never the cached
// answer. The same holds once its validUntil has passed.
func TestStaleCacheNotServed(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	const u = "https://example.edu/status/ttl"
	for _, tc := range []struct {
		name  string
		spec  listSpec
		after time.Duration
		want  error
	}{
		{name: "ttl passed, list gone", spec: listSpec{id: u, ttl: time.Minute}, after: 2 * time.Minute, want: status.ErrRetrieval},
		{name: "default cache time passed, list gone", spec: listSpec{id: u}, after: 6 * time.Minute, want: status.ErrRetrieval},
		{name: "validUntil passed, list gone", spec: listSpec{id: u, ttl: time.Hour, validUntil: fixedNow.Add(time.Minute)}, after: 10 * time.Minute, want: status.ErrRetrieval},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDocs()
			d.set(u, signList(t, k, tc.spec))
			now := fixedNow
			ch := &status.Checker{Fetcher: d, Now: func() time.Time { return now }, ClockSkew: -1}
			cred := issue(t, k, bitEntry(u, 1, ""))
			_, err := ch.CheckStatus(ctx, cred, entryMap(t, cred))
			require.NoError(t, err)
			d.mu.Lock()
			delete(d.m, u)
			d.mu.Unlock()
			now = now.Add(tc.after)
			res, err := ch.CheckStatus(ctx, cred, entryMap(t, cred))
			assertUnknown(t, res, err, tc.want)
			assert.Equal(t, 2, d.fetches(u))
		})
	}
}

// TestListErrorsAreTyped: every new refusal is found by errors.Is through
// the vc.StatusError, and has a Bitstring Status List error code.
func TestListErrorsAreTyped(t *testing.T) {
	for _, e := range []error{status.ErrListIDMismatch, status.ErrStatusListRollback, status.ErrListStatus, status.ErrListStatusDepth} {
		err := &vc.StatusError{Kind: vc.ErrStatusUnknown, Err: &status.Error{Kind: status.ErrVerification, Err: e}}
		assert.ErrorIs(t, err, e)
		assert.ErrorIs(t, err, status.ErrVerification)
		var se *status.Error
		require.True(t, errors.As(err, &se))
		assert.Equal(t, "STATUS_VERIFICATION_ERROR", se.Code())
	}
}
