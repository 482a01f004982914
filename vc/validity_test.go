package vc

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestValidityCountsEveryStatedBound: a credential whose contexts define
// both names of a bound is valid only while both allow it, whichever name
// its version prefers.
func TestValidityCountsEveryStatedBound(t *testing.T) {
	now := func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		name string
		doc  string
		want error
	}{
		{"1.1 with a past expirationDate and a future validUntil", `{"@context": ["https://www.w3.org/2018/credentials/v1", "https://www.w3.org/ns/credentials/v2"],
			"expirationDate": "2024-01-01T00:00:00Z", "validUntil": "2030-01-01T00:00:00Z"}`, ErrExpired},
		{"2.0 with a future validUntil and a past expirationDate", `{"@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/2018/credentials/v1"],
			"validUntil": "2030-01-01T00:00:00Z", "expirationDate": "2024-01-01T00:00:00Z"}`, ErrExpired},
		{"1.1 with a past issuanceDate and a future validFrom", `{"@context": ["https://www.w3.org/2018/credentials/v1", "https://www.w3.org/ns/credentials/v2"],
			"issuanceDate": "2020-01-01T00:00:00Z", "validFrom": "2030-01-01T00:00:00Z"}`, ErrNotYetValid},
		{"both bounds agree", `{"@context": ["https://www.w3.org/2018/credentials/v1"],
			"issuanceDate": "2020-01-01T00:00:00Z", "expirationDate": "2030-01-01T00:00:00Z"}`, nil},
		{"a null bound is malformed, not absent", `{"@context": ["https://www.w3.org/ns/credentials/v2"], "validUntil": null}`, ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.doc))
			require.NoError(t, err)
			err = CheckValidity(c, &ValidityOptions{Now: now})
			if tc.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.want)
			}
		})
	}
}

// TestWindowIsWhatCheckValidityReads: the window a status list (or any
// reader) gets is the strictest one the credential states.
func TestWindowIsWhatCheckValidityReads(t *testing.T) {
	c, err := Parse([]byte(`{"@context": ["https://www.w3.org/2018/credentials/v1", "https://www.w3.org/ns/credentials/v2"],
		"issuanceDate": "2020-01-01T00:00:00Z", "validFrom": "2021-01-01T00:00:00Z",
		"expirationDate": "2025-06-01T00:00:00Z", "validUntil": "2027-01-01T00:00:00Z"}`))
	require.NoError(t, err)
	from, until, err := c.Window()
	require.NoError(t, err)
	require.Equal(t, "2021-01-01T00:00:00Z", from.Format(time.RFC3339))
	require.Equal(t, "2025-06-01T00:00:00Z", until.Format(time.RFC3339))
}
