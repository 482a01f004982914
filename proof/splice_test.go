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
