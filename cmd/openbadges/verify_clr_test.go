package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

// TestVerifyRecognisesACLR: openbadges verify checks a CLR 2.0 record and
// every credential in it (it refused every CLR as "not an Open Badges
// credential type"); the 1EdTech samples give their documented outcomes.
func TestVerifyRecognisesACLR(t *testing.T) {
	// The vector's keys are 1EdTech https#z6Mk fragments.
	code, out, _ := runCLI(t, "", "verify", "--offline", "--now", "2024-06-01T00:00:00Z", "--insecure-fragment-keys",
		"../../badge/clr/testdata/clr-vector-signed.json")
	assert.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "family     ClrCredential")
	assert.Contains(t, out, "[warn] nested_credentials", "its credential verified under the fragment key relaxation too")
	assert.Contains(t, out, "[ok  ] associations")
	assert.Contains(t, out, "[warn] issuer_binding", "the fragment key relaxation is reported")

	code, out, _ = runCLI(t, "", "verify", "--offline", "--now", "2024-06-01T00:00:00Z", "--json",
		"../../badge/clr/testdata/complex.json")
	assert.Equal(t, exitInvalid, code, out)
	assert.Contains(t, out, `"verified": false`)
	assert.Contains(t, out, `"family": "ClrCredential"`)

	// The record's subject is matched against --recipient, as a badge's is.
	code, out, _ = runCLI(t, "", "verify", "--offline", "--now", "2024-06-01T00:00:00Z", "--insecure-fragment-keys",
		"--recipient", "id:did:example:someone-else", "../../badge/clr/testdata/clr-vector-signed.json")
	assert.Equal(t, exitInvalid, code, out)
	assert.Contains(t, out, "[FAIL] recipient")
}

// TestVerifyRecognisesACLRInEveryFormat: a CLR signed as a VC-JWT, and
// baked into a PNG and an SVG, goes through the same front door and the
// same kernel as a badge, nested credentials included.
func TestVerifyRecognisesACLRInEveryFormat(t *testing.T) {
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{3}, 32))
	require.NoError(t, err)
	pk := proof.Key{Signer: k.Signer, VerificationMethod: k.ID}
	profile := badge.NewProfile(k.Controller, "Example College")
	const learner = "did:example:learner"
	c, err := badge.NewCredential(profile, badge.NewAchievement("https://example.edu/a/1", "Data", "Data badge", "Earn it."),
		badge.RecipientDID(learner), &badge.CredentialOptions{Now: clock})
	require.NoError(t, err)
	nested, err := (&badge.Issuer{Key: pk, Now: clock}).Issue(context.Background(), c)
	require.NoError(t, err)
	rec, err := clr.New(profile, learner, &clr.Options{Now: clock})
	require.NoError(t, err)
	require.NoError(t, rec.AddCredential(nested.Bytes()))
	signed, err := (&clr.Issuer{Key: pk, Format: badge.JWT, Now: clock}).Issue(context.Background(), rec)
	require.NoError(t, err)

	dir := t.TempDir()
	var img bytes.Buffer
	require.NoError(t, png.Encode(&img, image.NewGray(image.Rect(0, 0, 4, 4))))
	var pngOut, svgOut bytes.Buffer
	require.NoError(t, badge.BakePNG(&pngOut, bytes.NewReader(img.Bytes()), signed.Bytes()))
	require.NoError(t, badge.BakeSVG(&svgOut, bytes.NewReader([]byte(`<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>`)), signed.Bytes()))
	files := map[string][]byte{"clr.jwt": signed.Bytes(), "clr.png": pngOut.Bytes(), "clr.svg": svgOut.Bytes()}
	for name, b := range files {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name)
			require.NoError(t, os.WriteFile(p, b, 0o600))
			code, out, _ := runCLI(t, "", "verify", "--offline", "--now", "2024-06-01T00:00:00Z", p)
			assert.Equal(t, exitOK, code, out)
			assert.Contains(t, out, "family     ClrCredential")
			assert.Contains(t, out, "[ok  ] nested_credentials")
			assert.Contains(t, out, "credential 0")
		})
	}
}
