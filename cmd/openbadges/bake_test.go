package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	bakeCLITestJWT  = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZToxIn0.c2lnbmF0dXJl"
	bakeCLITestJSON = `{"type":["VerifiableCredential","OpenBadgeCredential"],"name":"a ]]> b","proof":{"type":"DataIntegrityProof","proofValue":"z1"}}`
	bakeCLITestSVG  = `<svg xmlns="http://www.w3.org/2000/svg"><circle r="3"/></svg>`
)

// bakeCLIRun runs the CLI in process with stdin and returns the exit code,
// stdout and stderr.
func bakeCLIRun(t *testing.T, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), &env{stdin: bytes.NewReader(stdin), stdout: &stdout, stderr: &stderr}, args)
	return code, stdout.String(), stderr.String()
}

// bakeCLIFiles writes a PNG, an SVG, and credential files into a temporary
// directory and returns its path.
func bakeCLIFiles(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var img bytes.Buffer
	require.NoError(t, png.Encode(&img, image.NewGray(image.Rect(0, 0, 2, 2))))
	for name, data := range map[string][]byte{
		"in.png":    img.Bytes(),
		"in.svg":    []byte(bakeCLITestSVG),
		"cred.json": []byte(bakeCLITestJSON + "\n"),
		"cred.jwt":  []byte(bakeCLITestJWT + "\n"),
		"bad.txt":   []byte("not a credential"),
		"legacy.svg": []byte(`<svg xmlns:openbadges="http://openbadges.org">` +
			`<openbadges:assertion verify="https://example.org/assertion.json"/></svg>`),
	} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	return dir
}

func TestBakeUnbakeCommands(t *testing.T) {
	dir := bakeCLIFiles(t)
	tests := []struct {
		image, cred, want string
	}{
		{"in.png", "cred.json", bakeCLITestJSON},
		{"in.png", "cred.jwt", bakeCLITestJWT},
		{"in.svg", "cred.json", bakeCLITestJSON},
		{"in.svg", "cred.jwt", bakeCLITestJWT},
	}
	for _, tt := range tests {
		t.Run(tt.image+"/"+tt.cred, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "baked"+filepath.Ext(tt.image))
			code, stdout, stderr := bakeCLIRun(t, nil, "bake", "--image", filepath.Join(dir, tt.image), "--credential", filepath.Join(dir, tt.cred), "-o", out)
			require.Equal(t, exitOK, code, stderr)
			assert.Empty(t, stdout)
			assert.Empty(t, stderr)

			code, stdout, stderr = bakeCLIRun(t, nil, "unbake", out)
			require.Equal(t, exitOK, code, stderr)
			assert.Equal(t, tt.want+"\n", stdout)
			assert.Empty(t, stderr)

			// Re-baking the output replaces the credential.
			code, _, stderr = bakeCLIRun(t, nil, "bake", "--image", out, "--credential", filepath.Join(dir, "cred.jwt"), "--output", out)
			require.Equal(t, exitOK, code, stderr)
			code, stdout, _ = bakeCLIRun(t, nil, "unbake", out)
			require.Equal(t, exitOK, code)
			assert.Equal(t, bakeCLITestJWT+"\n", stdout)
		})
	}
}

func TestBakeCommandStdio(t *testing.T) {
	dir := bakeCLIFiles(t)
	// Credential from stdin, image to stdout.
	code, baked, stderr := bakeCLIRun(t, []byte(bakeCLITestJWT), "bake", "--image", filepath.Join(dir, "in.svg"), "--credential", "-", "-o", "-")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, baked, `<openbadges:credential verify="`+bakeCLITestJWT+`">`)

	// Image from stdin.
	code, stdout, stderr := bakeCLIRun(t, []byte(baked), "unbake", "-")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, bakeCLITestJWT+"\n", stdout)
}

func TestBakeCommandErrors(t *testing.T) {
	dir := bakeCLIFiles(t)
	img := filepath.Join(dir, "in.png")
	cred := filepath.Join(dir, "cred.json")
	out := filepath.Join(t.TempDir(), "out.png")
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // substring
	}{
		{"bake no flags", []string{"bake"}, exitUsage, "--image is required"},
		{"bake no credential", []string{"bake", "--image", img, "-o", out}, exitUsage, "--credential is required"},
		{"bake no output", []string{"bake", "--image", img, "--credential", cred}, exitUsage, "-o is required"},
		{"bake extra argument", []string{"bake", "--image", img, "--credential", cred, "-o", out, "extra"}, exitUsage, `unexpected argument "extra"`},
		{"bake unknown flag", []string{"bake", "--nope"}, exitUsage, "flag provided but not defined"},
		{"bake both stdin", []string{"bake", "--image", "-", "--credential", "-", "-o", out}, exitUsage, "both read stdin"},
		{"bake missing image", []string{"bake", "--image", filepath.Join(dir, "missing.png"), "--credential", cred, "-o", out}, exitInvalid, "no such file"},
		{"bake bad credential blames the credential", []string{"bake", "--image", img, "--credential", filepath.Join(dir, "bad.txt"), "-o", out}, exitInvalid, "credential " + filepath.Join(dir, "bad.txt") + ": badge: invalid credential"},
		{"bake bad credential from stdin blames stdin", []string{"bake", "--image", img, "--credential", "-", "-o", out}, exitInvalid, "credential stdin: badge: invalid credential"},
		{"bake bad image blames the image", []string{"bake", "--image", cred, "--credential", cred, "-o", out}, exitInvalid, "image " + cred + ": badge: unsupported image format"},
		{"bake unwritable output", []string{"bake", "--image", img, "--credential", cred, "-o", filepath.Join(dir, "no", "such", "dir.png")}, exitInvalid, "no such file"},
		{"unbake no argument", []string{"unbake"}, exitUsage, "want exactly one image file"},
		{"unbake two arguments", []string{"unbake", img, img}, exitUsage, "want exactly one image file"},
		{"unbake not baked", []string{"unbake", img}, exitInvalid, "badge: image holds no baked credential"},
		{"unbake not an image", []string{"unbake", cred}, exitInvalid, "badge: unsupported image format"},
		{"unbake missing file", []string{"unbake", filepath.Join(dir, "missing.png")}, exitInvalid, "no such file"},
		{"unbake OB 2.0", []string{"unbake", filepath.Join(dir, "legacy.svg")}, exitInvalid, "Open Badges 2.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := bakeCLIRun(t, nil, tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.stderr)
			assert.True(t, strings.HasPrefix(stderr, "openbadges "+tt.args[0]), stderr)
		})
	}
	_, err := os.Stat(out)
	assert.True(t, os.IsNotExist(err), "no output file is written on error")
}

func TestBakeCommandHelp(t *testing.T) {
	for _, cmd := range []string{"bake", "unbake"} {
		code, stdout, stderr := bakeCLIRun(t, nil, cmd, "--help")
		assert.Equal(t, exitOK, code)
		assert.Contains(t, stdout, "Usage: openbadges "+cmd)
		assert.Empty(t, stderr)
	}
}

// bake refuses a JSON credential with no proof (a baked badge no verifier
// could verify) unless --allow-unsigned; a signed credential, a VC-JWT and
// an EnvelopedVerifiableCredential are baked as they are.
func TestBakeRefusesAnUnsignedCredentialUnlessAllowUnsigned(t *testing.T) {
	dir := bakeCLIFiles(t)
	img := filepath.Join(dir, "in.png")
	const unsigned = `{"type":["VerifiableCredential","OpenBadgeCredential"],"name":"n"}`
	for _, tt := range []struct {
		name, cred string
		flags      []string
		ok         bool
	}{
		{"no proof", unsigned, nil, false},
		{"a null proof", `{"type":["VerifiableCredential"],"proof":null}`, nil, false},
		{"an empty proof list", `{"type":["VerifiableCredential"],"proof":[]}`, nil, false},
		{"no proof with --allow-unsigned", unsigned, []string{"--allow-unsigned"}, true},
		{"a proof", bakeCLITestJSON, nil, true},
		{"a VC-JWT", bakeCLITestJWT, nil, true},
		{"an EnvelopedVerifiableCredential", `{"@context":"https://www.w3.org/ns/credentials/v2","type":"EnvelopedVerifiableCredential","id":"data:application/vc+jwt,` + bakeCLITestJWT + `"}`, nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cred := filepath.Join(t.TempDir(), "cred")
			require.NoError(t, os.WriteFile(cred, []byte(tt.cred), 0o644))
			out := filepath.Join(t.TempDir(), "baked.png")
			code, stdout, stderr := bakeCLIRun(t, nil, append([]string{"bake", "--image", img, "--credential", cred, "-o", out}, tt.flags...)...)
			assert.Empty(t, stdout)
			if tt.ok {
				require.Equal(t, exitOK, code, stderr)
				code, stdout, stderr = bakeCLIRun(t, nil, "unbake", out)
				require.Equal(t, exitOK, code, stderr)
				assert.Equal(t, tt.cred+"\n", stdout)
				return
			}
			assert.Equal(t, exitInvalid, code)
			assert.Contains(t, stderr, "openbadges bake: credential "+cred+" has no proof")
			assert.Contains(t, stderr, "--allow-unsigned")
			_, err := os.Stat(out)
			assert.True(t, os.IsNotExist(err), "nothing is written")
		})
	}
}
