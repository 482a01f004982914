package status_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/status"
)

// encodeRaw gzips raw bytes into an encodedList of format f.
func encodeRaw(t testing.TB, raw []byte, f status.Format) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(raw)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	s := base64.RawURLEncoding.EncodeToString(buf.Bytes())
	if f == status.FormatBitstring {
		s = "u" + s
	}
	return s
}

// TestDecodeValidatorTestlist decodes the 1EdTech validator's testlist:
// 131,072 entries, exactly one set, index 23.
func TestDecodeValidatorTestlist(t *testing.T) {
	var doc struct {
		CredentialSubject struct {
			EncodedList string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	require.NoError(t, json.Unmarshal(readFile(t, "testdata/testlist.json"), &doc))
	b, err := status.Decode(doc.CredentialSubject.EncodedList, status.FormatBitstring, 1, nil)
	require.NoError(t, err)
	assert.Equal(t, 131072, b.Len())
	assert.Len(t, b.Bytes(), 16384)
	var set []int
	for i := range b.Len() {
		v, err := b.Get(i)
		require.NoError(t, err)
		if v != 0 {
			set = append(set, i)
		}
	}
	assert.Equal(t, []int{23}, set)
	assert.Equal(t, byte(0x01), b.Bytes()[2], "index 23 is the least significant bit of byte 2")
}

func TestDecodeSpecExamples(t *testing.T) {
	const bsl = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
	for _, tc := range []struct {
		name    string
		encoded string
		format  status.Format
	}{
		{"bitstring", bsl, status.FormatBitstring},
		{"statuslist2021 url", bsl[1:], status.FormatStatusList2021},
		{"statuslist2021 std padded", base64.StdEncoding.EncodeToString(mustB64(t, bsl[1:])), status.FormatStatusList2021},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := status.Decode(tc.encoded, tc.format, 0, nil)
			require.NoError(t, err)
			assert.Equal(t, make([]byte, 16384), b.Bytes())
		})
	}
}

func mustB64(t testing.TB, s string) []byte {
	b, err := base64.RawURLEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}

func TestBitOrderAndStatusSize(t *testing.T) {
	b, err := status.NewBitstring(0, 1)
	require.NoError(t, err)
	require.NoError(t, b.Set(0, 1))
	require.NoError(t, b.Set(9, 1))
	require.NoError(t, b.Set(b.Len()-1, 1))
	assert.Equal(t, byte(0x80), b.Bytes()[0], "index 0 is the most significant bit")
	assert.Equal(t, byte(0x40), b.Bytes()[1])
	assert.Equal(t, byte(0x01), b.Bytes()[len(b.Bytes())-1])

	b2, err := status.NewBitstring(0, 2)
	require.NoError(t, err)
	assert.Equal(t, 131072, b2.Len())
	require.NoError(t, b2.Set(1, 2)) // bits 2,3 = 1,0
	assert.Equal(t, byte(0x20), b2.Bytes()[0])
	v, err := b2.Get(1)
	require.NoError(t, err)
	assert.Equal(t, uint64(2), v)
	assert.ErrorIs(t, b2.Set(1, 4), status.ErrMalformed)
	_, err = b2.Get(b2.Len())
	assert.ErrorIs(t, err, status.ErrRange)

	for _, f := range []status.Format{status.FormatBitstring, status.FormatStatusList2021} {
		enc, err := b2.Encode(f)
		require.NoError(t, err)
		assert.Equal(t, f == status.FormatBitstring, enc[0] == 'u')
		back, err := status.Decode(enc, f, 2, nil)
		require.NoError(t, err)
		assert.Equal(t, b2.Bytes(), back.Bytes())
	}
}

func TestDecodeRefuses(t *testing.T) {
	small := encodeRaw(t, make([]byte, 1024), status.FormatBitstring)
	bomb := encodeRaw(t, make([]byte, 64<<20), status.FormatBitstring) // 64 MiB of zeros, ~64 KiB compressed
	for _, tc := range []struct {
		name    string
		encoded string
		format  status.Format
		size    int
		lim     *status.Limits
		want    []error
	}{
		{"no multibase prefix", small[1:], status.FormatBitstring, 1, nil, []error{status.ErrMalformed}},
		{"wrong multibase prefix", "z" + small[1:], status.FormatBitstring, 1, nil, []error{status.ErrMalformed}},
		{"padding in base64url", small + "==", status.FormatBitstring, 1, nil, []error{status.ErrMalformed}},
		{"not base64", "u!!!!", status.FormatBitstring, 1, nil, []error{status.ErrMalformed}},
		{"not gzip", "u" + base64.RawURLEncoding.EncodeToString([]byte("plain text, not gzip")), status.FormatBitstring, 1, nil, []error{status.ErrMalformed}},
		{"truncated gzip", encodeRaw(t, make([]byte, 16384), status.FormatBitstring)[:30], status.FormatBitstring, 1, nil, []error{status.ErrMalformed}},
		{"too short", small, status.FormatBitstring, 1, nil, []error{status.ErrListLength}},
		{"too short for statusSize", encodeRaw(t, make([]byte, 16384), status.FormatBitstring), status.FormatBitstring, 2, nil, []error{status.ErrListLength}},
		{"gzip bomb", bomb, status.FormatBitstring, 1, nil, []error{status.ErrMalformed, status.ErrTooLarge}},
		{"encoded too long", bomb, status.FormatBitstring, 1, &status.Limits{MaxEncodedBytes: 1000}, []error{status.ErrMalformed, status.ErrTooLarge}},
		{"statusSize too large", small, status.FormatBitstring, 17, nil, []error{status.ErrMalformed}},
		{"mixed alphabets", "H4sI+-", status.FormatStatusList2021, 1, nil, []error{status.ErrMalformed}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := status.Decode(tc.encoded, tc.format, tc.size, tc.lim)
			assert.Nil(t, b)
			for _, w := range tc.want {
				assert.ErrorIs(t, err, w)
			}
		})
	}
	// A lower minimum is the ecosystem's choice.
	b, err := status.Decode(small, status.FormatBitstring, 1, &status.Limits{MinEntries: 8192})
	require.NoError(t, err)
	assert.Equal(t, 8192, b.Len())
}
