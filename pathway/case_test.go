package pathway

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRefusesCaseVariantMembers(t *testing.T) {
	good, err := os.ReadFile("testdata/data-cert.json")
	require.NoError(t, err)
	_, err = Parse(good)
	require.NoError(t, err)
	for _, variant := range []struct{ from, to string }{
		{`"name": "Data Analyst Certificate",`, `"Name": "Data Analyst Certificate",`},
		{`"goal":`, `"GOAL":`},
	} {
		bad := strings.Replace(string(good), variant.from, variant.to, 1)
		require.NotEqual(t, string(good), bad, variant.from)
		_, err = Parse([]byte(bad))
		assert.ErrorIs(t, err, ErrMalformed, variant.to)
	}
}
