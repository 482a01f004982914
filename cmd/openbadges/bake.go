package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"

	"github.com/openbadges-go/openbadges/badge"
)

// runBake embeds a credential (JSON or compact JWS) in a PNG or SVG image.
func runBake(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "bake", "--image IN.png|IN.svg --credential FILE -o OUT [--allow-unsigned]\n\n"+
		"Embeds the credential (JSON with an embedded proof, or a compact JWS) in the\n"+
		"image, replacing any credential already baked into it. A JSON credential with\n"+
		"no proof is refused (exit 1): no verifier could verify the baked badge; sign it\n"+
		"first ('openbadges issue'), or pass --allow-unsigned for a test fixture. \"-\" for\n"+
		"--image or --credential reads stdin; -o - writes the baked image to stdout.")
	image := fs.String("image", "", "PNG or SVG `file` to bake into")
	credential := fs.String("credential", "", "credential `file`: JSON or compact JWS")
	allowUnsigned := fs.Bool("allow-unsigned", false, "embed a JSON credential that has no proof (test fixtures: verifiers refuse it)")
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
	if !*allowUnsigned && unsignedCredential(cred) {
		return failf(e, "bake", "credential %s has no proof: a verifier could not verify the baked badge; sign it first (openbadges issue), or pass --allow-unsigned for a test fixture", inputName(*credential))
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

// unsignedCredential reports whether cred is a JSON credential without an
// embedded proof (none, null or empty), and not an
// EnvelopedVerifiableCredential (secured by the JWT it envelops). A compact
// JWS, and input that is not a JSON object, are left to badge.Bake, which
// accepts the one and refuses the other.
func unsignedCredential(cred []byte) bool {
	t := bytes.TrimSpace(cred)
	if len(t) == 0 || t[0] != '{' {
		return false
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(t, &doc); err != nil {
		return false
	}
	var types []string
	if err := json.Unmarshal(doc["type"], &types); err != nil {
		var one string
		if json.Unmarshal(doc["type"], &one) == nil {
			types = []string{one}
		}
	}
	if slices.Contains(types, "EnvelopedVerifiableCredential") {
		return false
	}
	switch p := string(bytes.TrimSpace(doc["proof"])); p {
	case "", "null", "[]", "{}":
		return true
	}
	return false
}
