package vc

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckDataModelAcceptsPublishedCredentials(t *testing.T) {
	files := []string{"testdata/ob3/obv3p0/signed.json", "testdata/ob3/clrv2p0/signed.json", "testdata/vc-di-eddsa/TestVectors/eddsa-rdfc-2022/signedDataInt.json"}
	more, _ := filepath.Glob("testdata/vc-di-eddsa/TestVectors/Ed25519Signature2020/signed*.json")
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		c, err := Parse(b)
		require.NoError(t, err)
		assert.NoError(t, CheckDataModel(c), f)
	}
	c, err := Parse([]byte(v1Credential))
	require.NoError(t, err)
	assert.NoError(t, CheckDataModel(c))
}

func TestCheckDataModelListsEveryProblemWithItsPath(t *testing.T) {
	c, err := Parse([]byte(`{
	  "@context": ["https://example.com/first", 7],
	  "type": ["Thing"],
	  "id": "not a url",
	  "issuer": {"name": "no id"},
	  "credentialSubject": [],
	  "validFrom": "2024-01-01",
	  "credentialStatus": {"id": "https://example.com/s"},
	  "credentialSchema": [{"type": "JsonSchema"}]
	}`))
	require.NoError(t, err)
	err = CheckDataModel(c)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrMalformed)
	var dm *DataModelError
	require.True(t, errors.As(err, &dm))
	var paths []string
	for _, p := range dm.Problems {
		paths = append(paths, p.Path)
	}
	assert.ElementsMatch(t, []string{"$.@context[0]", "$.@context[1]", "$.type", "$.id", "$.issuer.id", "$.credentialSubject",
		"$.validFrom", "$.credentialStatus.type", "$.credentialSchema[0].id"}, paths)
}

func TestCheckDataModelRequiresIssuanceDateIn11(t *testing.T) {
	c, err := Parse([]byte(`{"@context":["https://www.w3.org/2018/credentials/v1"],"type":"VerifiableCredential","issuer":"did:example:1","credentialSubject":{"id":"did:example:2"}}`))
	require.NoError(t, err)
	err = CheckDataModel(c)
	assert.ErrorIs(t, err, ErrMalformed)
	assert.Contains(t, err.Error(), "$.issuanceDate")
}
