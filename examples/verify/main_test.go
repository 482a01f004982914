package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerifiesASampleWithNoArguments(t *testing.T) {
	var out bytes.Buffer
	ok, err := run(context.Background(), &out, nil, true)
	require.NoError(t, err)
	assert.True(t, ok, out.String())
	assert.Contains(t, out.String(), "VERIFIED")
}

func TestReportsATamperedFile(t *testing.T) {
	sample, err := sampleBadge(context.Background())
	require.NoError(t, err)
	f := filepath.Join(t.TempDir(), "tampered.json")
	require.NoError(t, os.WriteFile(f, bytes.Replace(sample, []byte("First Aid"), []byte("Surgery"), 1), 0o600))
	var out bytes.Buffer
	ok, err := run(context.Background(), &out, []string{f}, true)
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Contains(t, out.String(), "NOT VERIFIED")
}
