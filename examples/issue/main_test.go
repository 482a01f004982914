package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

func TestRun(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(ctx, []string{"-out", dir, "-email", "Ada@Example.com"}, &stdout, &stderr))
	assert.Empty(t, stderr.String())
	out := stdout.String()
	assert.Contains(t, out, "(Data Integrity, eddsa-rdfc-2022): verified")
	assert.Contains(t, out, "(VC-JWT, EdDSA): verified")
	for _, name := range []string{"issuer-key.jwk", "badge.json", "badge.jwt", "badge.png", "badge-jwt.png"} {
		assert.Contains(t, out, filepath.Join(dir, name))
	}
	info, err := os.Stat(filepath.Join(dir, "issuer-key.jwk"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	// The baked PNGs hold the credentials, which verify; the recipient is
	// the learner, by hashed e-mail address.
	verifier := &proof.Verifier{}
	pngData, err := os.ReadFile(filepath.Join(dir, "badge.png"))
	require.NoError(t, err)
	baked, err := badge.Unbake(bytes.NewReader(pngData), nil)
	require.NoError(t, err)
	assert.Equal(t, badge.EncodingJSON, baked.Encoding)
	c, err := vc.Parse(baked.Credential)
	require.NoError(t, err)
	res, err := verifier.VerifyProofs(ctx, c)
	require.NoError(t, err)
	assert.Equal(t, proof.StatusVerified, res[0].Status)
	var cred badge.AchievementCredential
	require.NoError(t, cred.UnmarshalJSON(baked.Credential))
	ok, err := cred.CredentialSubject.Identifier.Values[0].Matches(badge.IdentifierTypeEmailAddress, "ada@example.com")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.NotContains(t, string(baked.Credential), "ada@example.com")

	jwtPNG, err := os.ReadFile(filepath.Join(dir, "badge-jwt.png"))
	require.NoError(t, err)
	baked, err = badge.Unbake(bytes.NewReader(jwtPNG), nil)
	require.NoError(t, err)
	assert.Equal(t, badge.EncodingJWT, baked.Encoding)
	_, _, err = verifier.VerifyJWT(ctx, string(baked.Credential))
	require.NoError(t, err)

	// A second run with the saved key issues as the same issuer.
	dir2 := t.TempDir()
	stdout.Reset()
	require.NoError(t, run(ctx, []string{"-out", dir2, "-key", filepath.Join(dir, "issuer-key.jwk")}, &stdout, &stderr))
	first, _ := os.ReadFile(filepath.Join(dir, "badge.json"))
	second, _ := os.ReadFile(filepath.Join(dir2, "badge.json"))
	var a, b badge.AchievementCredential
	require.NoError(t, a.UnmarshalJSON(first))
	require.NoError(t, b.UnmarshalJSON(second))
	assert.Equal(t, a.Issuer.IRI(), b.Issuer.IRI())
	assert.NotEqual(t, a.ID, b.ID)
	assert.NoFileExists(t, filepath.Join(dir2, "issuer-key.jwk"))
}

func TestRunDefaultsToTempDir(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), nil, &stdout, &stderr))
	assert.Contains(t, stdout.String(), "files in "+os.Getenv("TMPDIR"))
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jwk")
	require.NoError(t, os.WriteFile(bad, []byte(`{"kty":"OKP"}`), 0o600))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"-nope"}, "flag provided but not defined"},
		{"extra argument", []string{"extra"}, `unexpected argument "extra"`},
		{"missing key file", []string{"-out", dir, "-key", filepath.Join(dir, "missing.jwk")}, "no such file"},
		{"bad key file", []string{"-out", dir, "-key", bad}, "did:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, &stdout, &stderr)
			require.Error(t, err)
			assert.True(t, strings.Contains(err.Error(), tt.want) || strings.Contains(stderr.String(), tt.want), "%v / %s", err, stderr.String())
		})
	}
}
