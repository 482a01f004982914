package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
)

const zeroSeed = "0000000000000000000000000000000000000000000000000000000000000000"
const zeroSeedVM = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"

func TestKeygenSeedIsDeterministic(t *testing.T) {
	code, out, errOut := runCLI(t, "", "keygen", "--seed", zeroSeed)
	require.Equal(t, exitOK, code, errOut)
	var j map[string]string
	require.NoError(t, json.Unmarshal([]byte(out), &j))
	assert.Equal(t, zeroSeedVM, j["kid"])
	assert.Equal(t, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", j["d"])
	assert.Contains(t, errOut, zeroSeedVM)

	code, out2, _ := runCLI(t, "", "keygen", "--seed", zeroSeed)
	require.Equal(t, exitOK, code)
	assert.Equal(t, out, out2)

	code, out, errOut = runCLI(t, "", "keygen", "--seed", zeroSeed, "--format", "multikey")
	require.Equal(t, exitOK, code, errOut)
	var m map[string]string
	require.NoError(t, json.Unmarshal([]byte(out), &m))
	assert.Equal(t, zeroSeedVM, m["id"])
	assert.Equal(t, "Multikey", m["type"])
	assert.Equal(t, "z3u2RDonZ81AFKiw8QCPKcsyg8Yy2MmYQNxfBn51SS2QmMiw", m["secretKeyMultibase"])
}

func TestKeygenAlgorithms(t *testing.T) {
	for _, tt := range []struct{ alg, format, idPrefix string }{
		{"Ed25519", "jwk", "did:key:z6Mk"},
		{"P-256", "jwk", "did:key:zDn"},
		{"P-384", "multikey", "did:key:z82"},
		{"P-256", "multikey", "did:key:zDn"},
		{"RS256", "jwk", ""},
	} {
		t.Run(tt.alg+"/"+tt.format, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", "keygen", "--alg", tt.alg, "--format", tt.format)
			require.Equal(t, exitOK, code, errOut)
			k, err := did.ParsePrivateKey([]byte(out))
			require.NoError(t, err, "the output loads back")
			require.NotNil(t, k.Signer)
			if tt.idPrefix != "" {
				assert.True(t, strings.HasPrefix(k.ID, tt.idPrefix), k.ID)
			} else {
				j, err := k.JWK()
				require.NoError(t, err)
				tp, err := j.Thumbprint()
				require.NoError(t, err)
				assert.Equal(t, tp, k.ID, "RSA kid is the RFC 7638 thumbprint")
				assert.Equal(t, "RS256", j.Alg)
			}
		})
	}
}

func TestKeygenWritesNewFileOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "key.jwk")
	code, out, errOut := runCLI(t, "", "keygen", "--seed", zeroSeed, "-o", path)
	require.Equal(t, exitOK, code, errOut)
	assert.Empty(t, out)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	k, err := did.ParsePrivateKey(b)
	require.NoError(t, err)
	assert.Equal(t, zeroSeedVM, k.ID)

	code, _, errOut = runCLI(t, "", "keygen", "-o", path)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errOut, "already exists")
}

func TestKeygenUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--alg", "HS256"},
		{"--format", "pem"},
		{"--alg", "RS256", "--format", "multikey"},
		{"--alg", "P-256", "--seed", zeroSeed},
		{"--seed", "abcd"},
		{"--seed", strings.Repeat("zz", 32)},
		{"extra"},
		{"--nope"},
	} {
		code, _, errOut := runCLI(t, "", append([]string{"keygen"}, args...)...)
		assert.Equal(t, exitUsage, code, "%v", args)
		assert.NotEmpty(t, errOut)
	}
}

func TestKeygenHelpDescribesEveryFlag(t *testing.T) {
	code, out, _ := runCLI(t, "", "keygen", "--help")
	require.Equal(t, exitOK, code)
	for _, f := range []string{"-alg", "-seed", "-format", "-o", "Ed25519", "P-256", "P-384", "RS256", "jwk", "multikey", "thumbprint"} {
		assert.Contains(t, out, f)
	}
}
