package status_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

// signShortList signs a Bitstring Status List of n one-bit entries (fewer
// than status.MinEntries when n is small), issued by issuer (""= k's
// controller) with the bits of set on.
func signShortList(t testing.TB, k proof.Key, url, issuer string, n int, set ...int) []byte {
	t.Helper()
	raw := make([]byte, (n+7)/8)
	for _, i := range set {
		raw[i/8] |= 0x80 >> (i % 8)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	_, err := zw.Write(raw)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	if issuer == "" {
		issuer = controller(k)
	}
	doc, err := json.Marshal(map[string]any{
		"@context":  []string{vc.ContextV2},
		"id":        url,
		"type":      []string{"VerifiableCredential", status.TypeBitstringCredential},
		"issuer":    issuer,
		"validFrom": fixedNow.Add(-24 * time.Hour).Format(time.RFC3339),
		"credentialSubject": map[string]any{"id": url + "#list", "type": "BitstringStatusList",
			"statusPurpose": status.PurposeRevocation, "encodedList": "u" + base64.RawURLEncoding.EncodeToString(z.Bytes())},
	})
	require.NoError(t, err)
	signed, err := proof.AddDataIntegrityProof(context.Background(), doc, k, &proof.DataIntegrityOptions{Now: clock})
	require.NoError(t, err)
	return signed
}

// TestRelaxedListRulesAreRefusedByDefaultAndReportedWhenAllowed pins the
// two status list relaxations a verification profile may bundle: a list
// shorter than the Bitstring Status List minimum, and a list signed by
// another issuer than the credential's. Off, each is status unknown with
// its typed error; on (as a Checker field or per call), the status is
// read, a revocation is still a revocation, and the relaxation is
// returned and written into the result's Message.
func TestRelaxedListRulesAreRefusedByDefaultAndReportedWhenAllowed(t *testing.T) {
	const url = "https://status.example/lists/1"
	issuer, other := testKey(t, 1), testKey(t, 2)
	short := signShortList(t, issuer, url, "", 100000, 5)
	foreign := signList(t, other, listSpec{id: url, set: []int{5}})
	shortForeign := signShortList(t, other, url, "", 100000, 5)
	tests := []struct {
		name      string
		list      []byte
		checker   func() *status.Checker // nil: a zero Checker
		opts      status.CheckOptions
		index     int
		wantErr   error    // nil: valid
		wantNotes []string // Relaxation options, in order
		inMessage string
	}{
		{name: "short list refused by default", list: short, index: 4, wantErr: status.ErrListLength},
		{name: "short list read with the checker's AllowShortLists", list: short, checker: func() *status.Checker { return &status.Checker{AllowShortLists: true} }, index: 4,
			wantNotes: []string{status.RelaxShortLists}, inMessage: "status list has 100000 entries, fewer than the minimum of 131072 (accepted by AllowShortLists)"},
		{name: "short list read with a per-call AllowShortLists", list: short, opts: status.CheckOptions{AllowShortLists: true}, index: 4,
			wantNotes: []string{status.RelaxShortLists}},
		{name: "a revocation in a short list is still a revocation", list: short, opts: status.CheckOptions{AllowShortLists: true}, index: 5,
			wantErr: vc.ErrRevoked, wantNotes: []string{status.RelaxShortLists}},
		{name: "foreign signer refused by default", list: foreign, index: 4, wantErr: status.ErrIssuerMismatch},
		{name: "foreign signer accepted and named", list: foreign, opts: status.CheckOptions{AllowForeignListSigner: true}, index: 4,
			wantNotes: []string{status.RelaxForeignListSigner}, inMessage: `status list issued by "` + controller(other) + `"`},
		{name: "foreign signer in TrustedListIssuers needs no relaxation", list: foreign,
			checker: func() *status.Checker { return &status.Checker{TrustedListIssuers: []string{controller(other)}} }, opts: status.CheckOptions{AllowForeignListSigner: true}, index: 4},
		{name: "a revocation in a foreign list is still a revocation", list: foreign, opts: status.CheckOptions{AllowForeignListSigner: true}, index: 5,
			wantErr: vc.ErrRevoked, wantNotes: []string{status.RelaxForeignListSigner}},
		{name: "short and foreign needs both", list: shortForeign, opts: status.CheckOptions{AllowForeignListSigner: true}, index: 4, wantErr: status.ErrListLength},
		{name: "short and foreign with both reports both", list: shortForeign, opts: status.CheckOptions{AllowForeignListSigner: true, AllowShortLists: true}, index: 4,
			wantNotes: []string{status.RelaxShortLists, status.RelaxForeignListSigner}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := &status.Checker{}
			if tt.checker != nil {
				ch = tt.checker()
			}
			ch.Fetcher = status.StaticFetcher(map[string][]byte{url: tt.list})
			ch.Now = clock
			c := issue(t, issuer, bitEntry(url, tt.index, ""))
			res, notes, err := ch.CheckStatusOptions(context.Background(), c, entryMap(t, c), &tt.opts)
			require.NotNil(t, res)
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, vc.StatusValid, res.Outcome)
			} else {
				require.ErrorIs(t, err, tt.wantErr)
			}
			var got []string
			for _, n := range notes {
				got = append(got, n.Option)
				assert.Equal(t, url, n.ListURL)
				assert.Contains(t, res.Message, n.String())
			}
			assert.Equal(t, tt.wantNotes, got)
			if tt.inMessage != "" {
				assert.Contains(t, res.Message, tt.inMessage)
			}
		})
	}
}

// TestRelaxedListIsNotServedFromCacheToAStrictCall: one Checker, the
// same list: accepted with AllowShortLists, then refused without it.
func TestRelaxedListIsNotServedFromCacheToAStrictCall(t *testing.T) {
	const url = "https://status.example/lists/1"
	k := testKey(t, 1)
	ch := &status.Checker{Fetcher: status.StaticFetcher(map[string][]byte{url: signShortList(t, k, url, "", 1000)}), Now: clock}
	c := issue(t, k, bitEntry(url, 3, ""))
	_, notes, err := ch.CheckStatusOptions(context.Background(), c, entryMap(t, c), &status.CheckOptions{AllowShortLists: true})
	require.NoError(t, err)
	require.Len(t, notes, 1)
	_, err = ch.CheckStatus(context.Background(), c, entryMap(t, c))
	require.ErrorIs(t, err, status.ErrListLength)
	_, notes, err = ch.CheckStatusOptions(context.Background(), c, entryMap(t, c), &status.CheckOptions{})
	require.ErrorIs(t, err, status.ErrListLength)
	assert.Empty(t, notes)
}

// TestRelaxationsNeverAcceptAnUnverifiedList: a foreign list whose
// signature does not verify is status unknown whatever is relaxed.
func TestRelaxationsNeverAcceptAnUnverifiedList(t *testing.T) {
	const url = "https://status.example/lists/1"
	k, other := testKey(t, 1), testKey(t, 2)
	list := signShortList(t, other, url, "", 1000)
	tampered := bytes.Replace(list, []byte(status.PurposeRevocation), []byte(status.PurposeSuspension), 1) // not what was signed
	ch := &status.Checker{Fetcher: status.StaticFetcher(map[string][]byte{url: tampered}), Now: clock}
	c := issue(t, k, bitEntry(url, 3, status.PurposeSuspension))
	_, notes, err := ch.CheckStatusOptions(context.Background(), c, entryMap(t, c),
		&status.CheckOptions{AllowShortLists: true, AllowForeignListSigner: true, AllowListIDMismatch: true})
	require.ErrorIs(t, err, vc.ErrStatusUnknown)
	require.ErrorIs(t, err, status.ErrVerification)
	assert.Empty(t, notes)
}
