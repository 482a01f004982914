package status_test

import (
	"encoding/json"
	"testing"

	"github.com/openbadges-go/openbadges/status"
)

// FuzzDecode: decoding an encodedList never panics, never returns a list
// below the minimum or above the size limit, and what decodes re-encodes
// to the same bits.
func FuzzDecode(f *testing.F) {
	var doc struct {
		CredentialSubject struct {
			EncodedList string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(readFile(f, "testdata/testlist.json"), &doc); err != nil {
		f.Fatal(err)
	}
	f.Add(doc.CredentialSubject.EncodedList, uint8(1), false)
	f.Add("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", uint8(2), false)
	f.Add("H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", uint8(1), true)
	f.Add("u", uint8(0), false)
	lim := &status.Limits{MinEntries: 8, MaxDecodedBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, encoded string, size uint8, sl21 bool) {
		format := status.FormatBitstring
		if sl21 {
			format = status.FormatStatusList2021
		}
		b, err := status.Decode(encoded, format, int(size), lim)
		if err != nil {
			return
		}
		if b.Len() < 8 || len(b.Bytes()) > 1<<20 {
			t.Fatalf("decoded %d entries, %d bytes: outside the limits", b.Len(), len(b.Bytes()))
		}
		for _, i := range []int{0, b.Len() - 1} {
			if _, err := b.Get(i); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := b.Get(b.Len()); err == nil {
			t.Fatal("index past the end accepted")
		}
		re, err := b.Encode(format)
		if err != nil {
			t.Fatal(err)
		}
		b2, err := status.Decode(re, format, int(size), lim)
		if err != nil || string(b2.Bytes()) != string(b.Bytes()) {
			t.Fatalf("re-encoding does not round-trip: %v", err)
		}
	})
}

// FuzzParseRevocationList: a 1EdTech revocation list never panics the
// parser, and every id it reports revoked is found by IsRevoked.
func FuzzParseRevocationList(f *testing.F) {
	f.Add([]byte(`{"id":"https://example.edu/r","revokedCredentials":[{"id":"urn:uuid:A"},{"id":"b","revoked":false}],"revokedCredential":[{"id":"b"}]}`))
	f.Add([]byte(`{"revokedCredential":[{"id":" x "}]}`))
	f.Add([]byte(`{"id":7,"revokedCredentials":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := status.ParseRevocationList(data)
		if err != nil {
			return
		}
		for _, r := range l.Revoked {
			if r.IsRevoked() && !l.IsRevoked(r.ID) {
				t.Fatalf("%q is listed as revoked but IsRevoked says no", r.ID)
			}
		}
	})
}
