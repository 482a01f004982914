// Command issue is a runnable example of issuing an Open Badges 3.0
// credential with this module: it creates (or loads) a did:key issuer key,
// builds a badge for a learner known by e-mail address (stored hashed),
// issues it with a Data Integrity proof and as a VC-JWT, verifies both,
// draws a PNG and bakes each credential into a copy of it.
//
//	go run ./examples/issue                     # writes to a new temp dir
//	go run ./examples/issue -out ./out -email ada@example.com
//	go run ./examples/issue -key issuer.jwk     # reuse a key (JWK or Multikey)
//
// Everything runs offline: did:key needs no resolution and the JSON-LD
// contexts are embedded in the library.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "issue:", err)
		}
		os.Exit(1)
	}
}

// run is the whole program, so that a test can call it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("issue", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "directory for the output files (default: a new temporary directory)")
	keyFile := fs.String("key", "", "issuer private key, JWK or Multikey (default: generate an Ed25519 did:key and save it)")
	email := fs.String("email", "learner@example.com", "the learner's e-mail address (stored hashed in the badge)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}

	dir := *out
	if dir == "" {
		d, err := os.MkdirTemp("", "openbadges-issue-")
		if err != nil {
			return err
		}
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name string, data []byte, perm os.FileMode) error {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, perm); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "  wrote %s (%d bytes)\n", p, len(data))
		return nil
	}

	// 1. The issuer's key.
	key, newKey, err := loadOrCreateKey(*keyFile)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "issuer %s\n  key %s\n", key.Controller, key.ID)
	if key.Controller == "" {
		return fmt.Errorf("key %s has no controller (a did:key or a kid URL with a fragment is needed)", key.ID)
	}
	iss := &badge.Issuer{Key: proof.Key{Signer: key.Signer, VerificationMethod: key.ID}, Controller: key.Controller}

	// 2. The badge.
	issuer := iss.Profile("Example University")
	issuer.URL = "https://example.edu"
	issuer.Email = "badges@example.edu"
	achievement := badge.NewAchievement(
		"https://example.edu/achievements/go-101",
		"Go Programming 101",
		"Writes, tests and benchmarks idiomatic Go programs.",
		"Completed the **final project**: a tested command-line tool, reviewed by two instructors.",
	)
	achievement.AchievementType = badge.AchievementTypeCourse
	achievement.Image = badge.NewImage("https://example.edu/achievements/go-101.png", "Go Programming 101")
	alignment := badge.NewAlignment("Programming languages", "https://example.org/frameworks/computing/programming-languages")
	alignment.TargetType = badge.AlignmentTargetTypeCFItem
	achievement.Alignment = badge.Many(alignment)
	credential, err := badge.NewCredential(issuer, achievement, badge.RecipientEmail(*email), nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "badge %q for %s (hashed: %s)\n", credential.Name, *email,
		credential.CredentialSubject.Identifier.Values[0].IdentityHash)

	// 3. Issue it both ways, and check that each verifies.
	verifier := &proof.Verifier{}
	iss.Format = badge.DataIntegrity
	di, err := iss.Issue(ctx, credential)
	if err != nil {
		return err
	}
	c, err := vc.Parse(di.JSON)
	if err != nil {
		return err
	}
	results, err := verifier.VerifyProofs(ctx, c)
	if err != nil {
		return fmt.Errorf("the Data Integrity badge does not verify: %w", err)
	}
	fmt.Fprintf(stdout, "issued %s (Data Integrity, %s): %s\n", di.ID, results[0].Cryptosuite, results[0].Status)

	iss.Format = badge.JWT
	jwt, err := iss.Issue(ctx, credential)
	if err != nil {
		return err
	}
	_, res, err := verifier.VerifyJWT(ctx, jwt.JWT)
	if err != nil {
		return fmt.Errorf("the VC-JWT badge does not verify: %w", err)
	}
	fmt.Fprintf(stdout, "issued %s (VC-JWT, %s): %s\n", jwt.ID, res.Cryptosuite, res.Status)

	// 4. Bake each into the image.
	img, err := drawBadge(256)
	if err != nil {
		return err
	}
	var diPNG, jwtPNG bytes.Buffer
	if err := badge.Bake(&diPNG, bytes.NewReader(img), di.Bytes()); err != nil {
		return err
	}
	if err := badge.Bake(&jwtPNG, bytes.NewReader(img), jwt.Bytes()); err != nil {
		return err
	}
	baked, err := badge.Unbake(bytes.NewReader(diPNG.Bytes()), nil)
	if err != nil {
		return err
	}
	if !bytes.Equal(baked.Credential, bytes.TrimSpace(di.JSON)) {
		return errors.New("the baked PNG does not give back the credential")
	}

	// 5. Write everything.
	fmt.Fprintf(stdout, "files in %s:\n", dir)
	if newKey != nil {
		// Readable by its owner only; pass it to -key to issue as the same issuer.
		if err := write("issuer-key.jwk", newKey, 0o600); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name string
		data []byte
	}{
		{"badge.json", di.JSON},
		{"badge.jwt", []byte(jwt.JWT + "\n")},
		{"badge.png", diPNG.Bytes()},
		{"badge-jwt.png", jwtPNG.Bytes()},
	} {
		if err := write(f.name, f.data, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "extract a baked credential with: go run ./cmd/openbadges unbake %s\n", filepath.Join(dir, "badge.png"))
	return nil
}

// loadOrCreateKey reads the key file, or generates an Ed25519 key and
// returns it also as a private JWK, to be saved for reuse with -key.
func loadOrCreateKey(file string) (key *did.Key, newJWK []byte, err error) {
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, nil, err
		}
		key, err = did.ParsePrivateKey(data)
		return key, nil, err
	}
	if key, err = did.GenerateKey(did.AlgEd25519, nil); err != nil {
		return nil, nil, err
	}
	if newJWK, err = key.MarshalJWK(); err != nil {
		return nil, nil, err
	}
	return key, newJWK, nil
}

// drawBadge draws a round badge: a blue disc with a gold ring and a white
// check mark, on a transparent background, and encodes it as PNG.
func drawBadge(size int) ([]byte, error) {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	blue := color.NRGBA{R: 0x1f, G: 0x4e, B: 0x9c, A: 0xff}
	gold := color.NRGBA{R: 0xf2, G: 0xb7, B: 0x05, A: 0xff}
	white := color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	c := float64(size) / 2
	r := c - 2
	// The check mark: two strokes, as distance-to-segment tests.
	s := float64(size)
	p0, p1, p2 := [2]float64{0.30 * s, 0.52 * s}, [2]float64{0.44 * s, 0.66 * s}, [2]float64{0.72 * s, 0.36 * s}
	stroke := 0.045 * s
	for y := range size {
		for x := range size {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			d := math.Hypot(fx-c, fy-c)
			switch {
			case d > r:
				continue
			case d > r*0.86:
				img.SetNRGBA(x, y, gold)
			case segmentDistance(fx, fy, p0, p1) < stroke || segmentDistance(fx, fy, p1, p2) < stroke:
				img.SetNRGBA(x, y, white)
			default:
				// A little shading: lighter towards the top left.
				k := 1 - 0.25*(fx+fy)/(2*s)
				img.SetNRGBA(x, y, color.NRGBA{R: uint8(float64(blue.R) * k), G: uint8(float64(blue.G) * k), B: uint8(float64(blue.B) * k), A: 0xff})
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// segmentDistance is the distance from (x, y) to the segment a-b.
func segmentDistance(x, y float64, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := ((x-a[0])*dx + (y-a[1])*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(x-(a[0]+t*dx), y-(a[1]+t*dy))
}
