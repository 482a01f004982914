package clr_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge/clr"
)

// TestCheckIssuableJSON: not a record is no business of the CLR checks; a
// record that does not decode, or breaks the model, is a ValidationError
// by path.
func TestCheckIssuableJSON(t *testing.T) {
	assert.NoError(t, clr.CheckIssuableJSON([]byte(`{"type":["VerifiableCredential","OpenBadgeCredential"]}`)))
	const ctx = `"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"],` +
		`"type":["VerifiableCredential","ClrCredential"]`
	err := clr.CheckIssuableJSON([]byte(`{` + ctx + `,"credentialSubject":"not an object"}`))
	var ve *clr.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, clr.ErrMalformed)
	err = clr.CheckIssuableJSON([]byte(`{` + ctx + `,"id":"urn:uuid:5f0c2d4e-8a7b-4c3d-9e1f-2a3b4c5d6e71","name":"r",` +
		`"issuer":"did:example:i","validFrom":"2024-01-01T00:00:00Z","credentialSubject":{"id":"did:example:ada","type":["ClrSubject"],"verifiableCredential":[]}}`))
	require.ErrorAs(t, err, &ve)
	assert.NotEmpty(t, ve.Fields)
}
