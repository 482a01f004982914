package proof

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAppendProofKeepsInputBytes(t *testing.T) {
	p := map[string]any{"type": "T"}
	tests := []struct{ in, want string }{
		{`{"a":1}`, `{"a":1,"proof":{"type":"T"}}`},
		{`{}`, `{"proof":{"type":"T"}}`},
		{" {\n  \"a\": 1\n}\n", " {\n  \"a\": 1,\n  \"proof\": {\n    \"type\": \"T\"\n  }\n}\n"},
		{`{"a":"}","proof":{"type":"S"}}`, `{"a":"}","proof":[{"type":"S"},{"type":"T"}]}`},
		{`{"proof":[{"type":"S"}],"b":[1,{"c":"]"}]}`, `{"proof":[{"type":"S"},{"type":"T"}],"b":[1,{"c":"]"}]}`},
		{`{"proof":[]}`, `{"proof":[{"type":"T"}]}`},
	}
	for _, tt := range tests {
		got, err := appendProof([]byte(tt.in), p)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, string(got), tt.in)
	}
	for _, bad := range []string{`[]`, `{"a":1`, `{"a" 1}`, `"x"`} {
		_, err := appendProof([]byte(bad), p)
		assert.Error(t, err, bad)
	}
}

// awkwardStrings exercise every escaping rule of encoding/json.
var awkwardStrings = []string{
	"", "plain", `quote " and \ backslash`, "<tag> & amp", "\b\f\n\r\t", "\x00\x01\x1f\x7f",
	"é ü 漢字 🎓", "\u2028 and \u2029", "bad \xff utf-8 \xc3", "\xed\xa0\x80 surrogate",
}

func TestProofJSONMatchesEncodingJSON(t *testing.T) {
	var cases []*proofJSON
	for _, s := range awkwardStrings {
		cases = append(cases,
			&proofJSON{Type: s, VerificationMethod: s, ProofPurpose: s},
			&proofJSON{ID: s, Type: "DataIntegrityProof", Cryptosuite: s, Created: s, Expires: s,
				VerificationMethod: "did:key:z#z", ProofPurpose: "assertionMethod", Challenge: s, Domain: s,
				PreviousProof: s, ProofValue: s},
			&proofJSON{Type: "T", VerificationMethod: "v", ProofPurpose: "p", PreviousProof: []string{s, "urn:b", s}})
	}
	cases = append(cases,
		&proofJSON{Type: "T", PreviousProof: []string{}},
		&proofJSON{Type: "T", PreviousProof: []string(nil)})
	layouts := []struct{ ws, unit string }{{"", ""}, {"\n  ", "  "}, {"\n", "\t"}, {"\n    ", "    "}, {"\r\n  ", "  "}}
	for _, p := range cases {
		for _, l := range layouts {
			want, err := encodeIndented(p, l.ws, l.unit)
			require.NoError(t, err)
			got, err := marshalIndented(p, l.ws, l.unit)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got), "%+v %q", p, l.ws)
		}
	}
}
