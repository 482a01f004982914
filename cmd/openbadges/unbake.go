package main

import (
	"bytes"
	"context"
	"errors"

	"github.com/openbadges-go/openbadges/badge"
)

// runUnbake prints the credential baked into a PNG or SVG image.
func runUnbake(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "unbake", "FILE\n\n"+
		"Prints the Open Badges 3.0 credential baked into the PNG or SVG image FILE\n"+
		"(\"-\" reads stdin): the JSON as stored, or the compact JWS, and a newline.\n"+
		"The credential is not verified.")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	if fs.NArg() != 1 {
		return usageErrorf(e, "unbake", "want exactly one image file, got %d arguments", fs.NArg())
	}
	name := fs.Arg(0)
	img, err := readInput(e, name)
	if err != nil {
		return failf(e, "unbake", "%v", err)
	}
	b, err := badge.Unbake(bytes.NewReader(img), nil)
	if err != nil {
		if errors.Is(err, badge.ErrLegacyAssertion) {
			return failf(e, "unbake", "%s: %v (Open Badges 2.0 is not supported)", name, err)
		}
		return failf(e, "unbake", "%s: %v", name, err)
	}
	if _, err := e.stdout.Write(append(b.Credential, '\n')); err != nil {
		return failf(e, "unbake", "%v", err)
	}
	return exitOK
}
