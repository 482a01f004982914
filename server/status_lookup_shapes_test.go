package server_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/server"
)

// TestLookupJSONListWithLeadingWhitespace pins a review finding, now fixed. What it found:
// Put publishes the trimmed
// body (listDocument), but the id Lookup answers by is read from the raw
// bytes: a JSON list file that starts with a newline is taken for a JWT
// and gets no id, so Lookup misses it (before c0749c0 it was found).
func TestLookupJSONListWithLeadingWhitespace(t *testing.T) {
	const id = "https://example.edu/status/1"
	body := []byte("\n{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"id\":\"" + id + "\",\"type\":[\"VerifiableCredential\"]}\n")
	var s server.StatusLists
	require.NoError(t, s.Put("1", body))
	_, _, ok := s.Lookup(id)
	assert.True(t, ok, "the published list names itself %s", id)
}

// TestLookupJSONListReadsOnlyItsID pins a review finding, now fixed. What it found:
// a JSON list credential's id is its
// "id"; c0749c0 also reads jti and vc.id from JSON bodies, so a JSON
// list without an id but with a "jti" member is answered for that URL.
func TestLookupJSONListReadsOnlyItsID(t *testing.T) {
	var s server.StatusLists
	require.NoError(t, s.Put("1", []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"jti":"https://example.edu/status/9","type":["VerifiableCredential"]}`)))
	_, _, ok := s.Lookup("https://example.edu/status/9")
	assert.False(t, ok, "a JSON credential's id is its id member, not a jti member")
}
