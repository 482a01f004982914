package server

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLookupRefusesToChooseBetweenTwoLists: two published lists with one
// id (a list re-published under a new file name, the old file's copy
// staying published as LoadDir says) once gave serve's verifier one or the
// other at random (found by a review). Neither is chosen: the URL is
// fetched as any other.
func TestLookupRefusesToChooseBetweenTwoLists(t *testing.T) {
	const u = "https://college.example.edu/status/1"
	s := &StatusLists{}
	require.NoError(t, s.Put("1", []byte(`{"id":"`+u+`","version":"old"}`)))
	require.NoError(t, s.Put("1-v2", []byte(`{"id":"`+u+`","version":"new"}`)))
	for range 50 {
		_, _, ok := s.Lookup(u)
		require.False(t, ok)
	}
	require.NoError(t, s.Put("1", []byte(`{"id":"https://college.example.edu/status/0"}`)))
	b, _, ok := s.Lookup(u)
	require.True(t, ok, "one list with the id")
	assert.Contains(t, string(b), `"new"`)
}

// TestLookupIgnoresAJTIThatDisagrees: a compact JWT whose jti names the
// URL of another list, and whose vc.id is elsewhere, names no URL: it
// does not answer for the other list.
func TestLookupIgnoresAJTIThatDisagrees(t *testing.T) {
	const real = "https://college.example.edu/status/1"
	enc := base64.RawURLEncoding.EncodeToString
	tok := enc([]byte(`{"alg":"EdDSA"}`)) + "." + enc([]byte(`{"jti":"`+real+`","vc":{"id":"https://elsewhere.example/l"}}`)) + "." + enc([]byte("sig"))
	s := &StatusLists{}
	require.NoError(t, s.Put("1", []byte(`{"id":"`+real+`"}`)))
	require.NoError(t, s.Put("decoy", []byte(tok)))
	got := map[string]bool{}
	for range 200 {
		b, _, _ := s.Lookup(real)
		got[string(b)] = true
	}
	assert.False(t, got[tok], "the decoy (jti only, unverified) answered %s", real)
	assert.True(t, got[`{"id":"`+real+`"}`])
}
