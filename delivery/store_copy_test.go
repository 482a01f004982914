package delivery

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMemoryStoreCopiesRelaxed: the MemoryStore hands out copies, Relaxed
// included: a caller changing an exchange it got does not change the
// stored one.
func TestMemoryStoreCopiesRelaxed(t *testing.T) {
	ctx := context.Background()
	m := NewMemoryStore()
	require.NoError(t, m.Create(ctx, &Exchange{ID: "x1", Expires: time.Now().Add(time.Hour), Relaxed: []string{"the key proof has no typ (AllowUntypedKeyProofs)"}}))
	got, err := m.Get(ctx, "x1")
	require.NoError(t, err)
	got.Relaxed[0] = "nothing relaxed"
	again, err := m.Get(ctx, "x1")
	require.NoError(t, err)
	require.Equal(t, "the key proof has no typ (AllowUntypedKeyProofs)", again.Relaxed[0], "the stored exchange's audit record was changed through a copy")
}
