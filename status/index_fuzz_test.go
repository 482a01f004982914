package status

import (
	"encoding/json"
	"strconv"
	"testing"
)

// FuzzParseIndex: statusListIndex and statusSize are read only in their
// canonical base-10 form: whatever is accepted prints back as the same
// string, so no two spellings name the same entry and no reader can take
// an accepted value for another number.
func FuzzParseIndex(f *testing.F) {
	for _, s := range []string{"0", "23", "131071", "+23", "023", "-0", " 5", "5 ", "1e3", "0x17", "２３", "999999999999999999", "9999999999999999999"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, number bool) {
		var v any = s
		if number {
			v = json.Number(s)
		}
		n, err := parseIndex(v)
		if err != nil {
			return
		}
		if n < 0 || strconv.FormatInt(n, 10) != s {
			t.Fatalf("%q read as %d", s, n)
		}
	})
}

// FuzzRevocationKey: the revocation-list key never panics, is idempotent,
// and keeps an id's path, query and fragment as written (only blanks, a
// UUID URN's case and a URL's scheme and host case are folded).
func FuzzRevocationKey(f *testing.F) {
	for _, s := range []string{"urn:uuid:6A1E0B8C-0D57-4A36-9A1A-7F1C2A0C1D11", "HTTPS://Example.EDU/Path?Q#F", " https://x ", "https://u@H/p", "did:example:ABC", "", "urn:uuid:", "http://[::1]/A"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := revocationKey(s)
		if revocationKey(k) != k {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, k, revocationKey(k))
		}
		if len(k) > len(s) {
			t.Fatalf("%q grew to %q", s, k)
		}
	})
}
