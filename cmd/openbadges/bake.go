package main

import (
	"bytes"
	"context"
	"errors"
	"os"

	"github.com/openbadges-go/openbadges/badge"
)

// runBake embeds a credential (JSON or compact JWS) in a PNG or SVG image.
func runBake(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "bake", "--image IN.png|IN.svg --credential FILE -o OUT\n\n"+
		"Embeds the credential (JSON with an embedded proof, or a compact JWS) in the\n"+
		"image, replacing any credential already baked into it. \"-\" for --image or\n"+
		"--credential reads stdin; -o - writes the baked image to stdout.")
	image := fs.String("image", "", "PNG or SVG `file` to bake into")
	credential := fs.String("credential", "", "credential `file`: JSON or compact JWS")
	var out string
	fs.StringVar(&out, "o", "", "output `file` for the baked image")
	fs.StringVar(&out, "output", "", "output `file`, same as -o")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	switch {
	case fs.NArg() > 0:
		return usageErrorf(e, "bake", "unexpected argument %q", fs.Arg(0))
	case *image == "":
		return usageErrorf(e, "bake", "--image is required")
	case *credential == "":
		return usageErrorf(e, "bake", "--credential is required")
	case out == "":
		return usageErrorf(e, "bake", "-o is required")
	case *image == "-" && *credential == "-":
		return usageErrorf(e, "bake", "--image and --credential cannot both read stdin")
	}

	img, err := readInput(e, *image)
	if err != nil {
		return failf(e, "bake", "%v", err)
	}
	cred, err := readInput(e, *credential)
	if err != nil {
		return failf(e, "bake", "%v", err)
	}
	var baked bytes.Buffer
	if err := badge.Bake(&baked, bytes.NewReader(img), cred); err != nil {
		// Blame the input at fault: the credential's encoding or size, or
		// else the image.
		if errors.Is(err, badge.ErrInvalidBakeInput) ||
			errors.Is(err, badge.ErrTooLarge) && len(bytes.TrimSpace(cred)) > badge.DefaultMaxCredentialBytes {
			return failf(e, "bake", "credential %s: %v", inputName(*credential), err)
		}
		return failf(e, "bake", "image %s: %v", inputName(*image), err)
	}
	if out == "-" {
		if _, err := e.stdout.Write(baked.Bytes()); err != nil {
			return failf(e, "bake", "%v", err)
		}
		return exitOK
	}
	if err := os.WriteFile(out, baked.Bytes(), 0o644); err != nil {
		return failf(e, "bake", "%v", err)
	}
	return exitOK
}
