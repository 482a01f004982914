package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
)

func TestDIDResolveOffline(t *testing.T) {
	const d = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
	code, out, errOut := runCLI(t, "", "did", "resolve", d)
	require.Equal(t, exitOK, code, errOut)
	doc, err := did.ParseDocument([]byte(out))
	require.NoError(t, err)
	assert.Equal(t, d, doc.ID)
	assert.True(t, doc.Authorizes(zeroSeedVM, did.AssertionMethod))

	// A fragment prints the verification method only.
	code, out, errOut = runCLI(t, "", "did", "resolve", zeroSeedVM)
	require.Equal(t, exitOK, code, errOut)
	var vm did.VerificationMethod
	require.NoError(t, json.Unmarshal([]byte(out), &vm))
	assert.Equal(t, zeroSeedVM, vm.ID)
	assert.Equal(t, "Multikey", vm.Type)

	// did:jwk, flags after the argument.
	const jwkDID = "did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9"
	code, out, errOut = runCLI(t, "", "did", "resolve", jwkDID+"#0", "--timeout", "2s")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, `"JsonWebKey2020"`)
}

func TestDIDResolveNeedsNetworkFlag(t *testing.T) {
	for _, in := range []string{"did:web:example.com", "https://example.edu/issuers/565049#key-1"} {
		code, out, errOut := runCLI(t, "", "did", "resolve", in)
		assert.Equal(t, exitInvalid, code, in)
		assert.Empty(t, out)
		assert.Contains(t, errOut, "--allow-network")
	}
	// With the flag, the address guard still refuses loopback and private
	// addresses (no network traffic leaves the machine in this test).
	for _, in := range []string{"https://127.0.0.1:1/issuers/1", "did:web:localhost", "https://169.254.169.254/latest"} {
		code, _, errOut := runCLI(t, "", "did", "resolve", "--allow-network", "--timeout", "2s", in)
		assert.Equal(t, exitInvalid, code, in)
		assert.Contains(t, errOut, "address not allowed", in)
	}
}

func TestDIDResolveErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"did"}, exitUsage, "missing subcommand"},
		{[]string{"did", "frob"}, exitUsage, "unknown subcommand"},
		{[]string{"did", "resolve"}, exitUsage, "exactly one"},
		{[]string{"did", "resolve", "did:key:a", "did:key:b"}, exitUsage, "exactly one"},
		{[]string{"did", "resolve", "--timeout", "0s", "did:key:a"}, exitUsage, "--timeout"},
		{[]string{"did", "resolve", "did:key:z6MkBAD"}, exitInvalid, `"did:key:z6MkBAD"`},
		{[]string{"did", "resolve", "did:Key:x"}, exitInvalid, "invalid DID"},
		{[]string{"did", "resolve", "did:ion:abc"}, exitInvalid, "offline"},
		{[]string{"did", "resolve", zeroSeedVM[:len(zeroSeedVM)-3]}, exitInvalid, "no verification method"},
		{[]string{"did", "resolve", "mailto:a@example.com"}, exitInvalid, "neither a DID nor an https URL"},
	} {
		code, _, errOut := runCLI(t, "", tt.args...)
		assert.Equal(t, tt.code, code, "%v", tt.args)
		assert.Contains(t, errOut, tt.msg, "%v", tt.args)
	}
}

func TestDIDHelpDescribesEveryFlag(t *testing.T) {
	code, out, _ := runCLI(t, "", "did", "--help")
	require.Equal(t, exitOK, code)
	for _, s := range []string{"resolve", "--allow-network", "--timeout"} {
		assert.Contains(t, out, s)
	}
	code, out, _ = runCLI(t, "", "did", "resolve", "--help")
	require.Equal(t, exitOK, code)
	for _, s := range []string{"-allow-network", "-timeout", "did:key", "did:jwk", "did:web"} {
		assert.Contains(t, out, s)
	}
}
