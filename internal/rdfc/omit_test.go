package rdfc

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/internal/rdf"
)

// OmitIdentifiers changes nothing but the identifier map; labels past the
// shared table are spelled the same way.
func TestOmitIdentifiers(t *testing.T) {
	var b strings.Builder
	for i := range 70 {
		fmt.Fprintf(&b, "_:b%d <http://example.org/p> \"%d\" .\n", i, i)
		if i > 0 {
			fmt.Fprintf(&b, "_:b%d <http://example.org/next> _:b%d .\n", i-1, i)
		}
	}
	quads, err := rdf.ParseNQuads([]byte(b.String()))
	require.NoError(t, err)
	full, err := Canonicalize(context.Background(), quads, nil)
	require.NoError(t, err)
	require.Len(t, full.IssuedIdentifiers, 70)
	assert.Contains(t, string(full.NQuads), "_:c14n69 ")
	omit, err := Canonicalize(context.Background(), quads, &Options{OmitIdentifiers: true})
	require.NoError(t, err)
	assert.Nil(t, omit.IssuedIdentifiers)
	assert.Equal(t, string(full.NQuads), string(omit.NQuads))
	assert.Equal(t, full.Quads, omit.Quads)
}
