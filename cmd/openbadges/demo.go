package main

import (
	"bytes"
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

//go:embed sample/badge.json
var sampleBadge string

// runDemo runs the main job on embedded defaults, offline: a fresh did:key
// issuer signs a sample Open Badge with eddsa-rdfc-2022 and as a VC-JWT, the
// signed badge is baked into a PNG and an SVG, and everything is verified
// again (plus a tampered copy, which must fail).
func runDemo(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "demo", "[--out DIR]\n\n"+
		"Runs the library's main job on embedded defaults, with no network: creates an issuer did:key,\n"+
		"issues a sample Open Badges 3.0 credential with a Data Integrity proof (eddsa-rdfc-2022) and as\n"+
		"a VC-JWT, bakes it into a PNG and an SVG, verifies all of them (and a tampered copy, which\n"+
		"must fail), and says where the files went.")
	out := fs.String("out", "", "directory for the files (default: a new temporary directory)")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	if fs.NArg() != 0 {
		return usageErrorf(e, "demo", "demo takes no arguments")
	}
	dir := *out
	if dir == "" {
		d, err := os.MkdirTemp("", "openbadges-demo-")
		if err != nil {
			return failf(e, "demo", "%v", err)
		}
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return failf(e, "demo", "%v", err)
	}
	if err := demo(ctx, e, dir); err != nil {
		return failf(e, "demo", "%v", err)
	}
	return exitOK
}

func demo(ctx context.Context, e *env, dir string) error {
	w := e.stdout
	step := func(format string, args ...any) { fmt.Fprintf(w, "  ✓ "+format+"\n", args...) }
	fmt.Fprintln(w, "openbadges demo: issue, bake and verify an Open Badges 3.0 credential (offline)")
	fmt.Fprintln(w)

	// 1. An issuer key: Ed25519, identified by its did:key.
	key, err := did.GenerateKey(did.AlgEd25519, rand.Reader)
	if err != nil {
		return err
	}
	step("issuer key: %s", key.Controller)
	signer := proof.Key{Signer: key.Signer, VerificationMethod: key.ID}

	// 2. The badge: the embedded sample with this issuer and today's date.
	now := time.Now().UTC().Truncate(time.Second)
	unsigned := strings.NewReplacer(`"ISSUER"`, `"`+key.Controller+`"`, `"VALID_FROM"`, `"`+now.Format(time.RFC3339)+`"`).Replace(sampleBadge)
	var cred badge.AchievementCredential
	if err := json.Unmarshal([]byte(unsigned), &cred); err != nil {
		return fmt.Errorf("sample badge: %w", err)
	}
	if err := cred.Validate(); err != nil {
		return fmt.Errorf("sample badge: %w", err)
	}
	step("badge built: %q for %s", cred.CredentialSubject.Achievement.Name, cred.CredentialSubject.ID)

	// 3. Issue: Data Integrity (eddsa-rdfc-2022) and VC-JWT (EdDSA).
	iss := &badge.Issuer{Key: signer, Now: func() time.Time { return now }}
	di, err := iss.Issue(ctx, &cred)
	if err != nil {
		return fmt.Errorf("issuing with eddsa-rdfc-2022: %w", err)
	}
	signedDI := di.JSON
	step("issued with a DataIntegrityProof (eddsa-rdfc-2022), %d bytes", len(signedDI))
	iss.Format = badge.JWT
	jw, err := iss.Issue(ctx, &cred)
	if err != nil {
		return fmt.Errorf("issuing as a VC-JWT: %w", err)
	}
	jwt := jw.JWT
	step("issued as a VC-JWT (EdDSA), %d bytes", len(jwt))

	// 4. Bake: the Data Integrity badge into a PNG, the JWT into an SVG.
	var pngImg, bakedPNG, bakedSVG bytes.Buffer
	if err := png.Encode(&pngImg, badgeImage()); err != nil {
		return err
	}
	if err := badge.Bake(&bakedPNG, &pngImg, signedDI); err != nil {
		return fmt.Errorf("baking the PNG: %w", err)
	}
	if err := badge.Bake(&bakedSVG, strings.NewReader(badgeSVG), []byte(jwt)); err != nil {
		return fmt.Errorf("baking the SVG: %w", err)
	}
	step("baked into a PNG (%d bytes) and an SVG (%d bytes)", bakedPNG.Len(), bakedSVG.Len())

	files := []struct{ name, data string }{
		{"badge.json", unsigned}, {"badge-signed.json", string(signedDI)}, {"badge.jwt", jwt},
		{"badge.png", bakedPNG.String()}, {"badge.svg", bakedSVG.String()},
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), []byte(f.data), 0o644); err != nil {
			return err
		}
	}

	// 5. Verify everything, from the bytes a verifier would receive, with
	// the full Open Badges pipeline (offline: the issuer is a did:key).
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Verification (the full Open Badges 3.0 pipeline, offline):")
	v, err := badge.NewVerifier(badge.VerifierOptions{})
	if err != nil {
		return err
	}
	for _, f := range files[1:] {
		res, err := v.Verify(ctx, []byte(f.data))
		if err != nil {
			return fmt.Errorf("%s did not verify: %w", f.name, err)
		}
		step("%-18s verified: %d checks passed, %d skipped (%s)", f.name, count(res, badge.Passed), count(res, badge.Skipped), res.Input)
	}
	tampered := bytes.Replace(signedDI, []byte("Data Literacy Fundamentals"), []byte("Data Literacy Mastery"), 1)
	_, err = v.Verify(ctx, tampered)
	if err == nil {
		return errors.New("a tampered badge verified")
	}
	step("%-18s refused, as it must be: %s", "tampered copy", firstLine(err))

	fmt.Fprintln(w)
	fmt.Fprintf(w, "Files written to %s:\n", dir)
	for _, f := range files {
		fmt.Fprintf(w, "  %s\n", filepath.Join(dir, f.name))
	}
	// The next step must work for a newcomer who ran "go run" in the clone
	// and has no openbadges binary on the PATH.
	verifyArgs := "verify --offline " + shellQuote(filepath.Join(dir, "badge.png"))
	fmt.Fprintln(w, "\nNext, from the clone: go run ./cmd/openbadges "+verifyArgs)
	fmt.Fprintln(w, "  (with the tool installed: openbadges "+verifyArgs+")")
	return nil
}

// shellQuote returns s as one POSIX shell word: unchanged when it holds only
// characters no shell treats specially, else in single quotes.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=+,@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// count returns how many checks have status st.
func count(res *badge.VerificationResult, st badge.CheckStatus) int {
	n := 0
	for _, c := range res.Checks {
		if c.Status == st {
			n++
		}
	}
	return n
}

func firstLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 110 {
		s = s[:110] + "…"
	}
	return s
}

// badgeImage draws a simple round badge.
func badgeImage() image.Image {
	const n = 128
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			dx, dy := x-n/2, y-n/2
			switch r2 := dx*dx + dy*dy; {
			case r2 < 40*40:
				img.Set(x, y, color.NRGBA{0x1f, 0x6f, 0xb2, 0xff})
			case r2 < 56*56:
				img.Set(x, y, color.NRGBA{0xf2, 0xb1, 0x34, 0xff})
			}
		}
	}
	return img
}

const badgeSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">
  <circle cx="64" cy="64" r="56" fill="#f2b134"/>
  <circle cx="64" cy="64" r="40" fill="#1f6fb2"/>
  <text x="64" y="72" font-family="sans-serif" font-size="22" fill="#fff" text-anchor="middle">DATA</text>
</svg>
`
