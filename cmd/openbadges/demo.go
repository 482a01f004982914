package main

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/openbadges-go/openbadges/vc"
)

//go:embed sample/credential.json
var sampleCredential []byte

// runDemo runs the main job on embedded defaults. Until issuing and
// verification land, it canonicalizes the embedded sample badge, the step
// every Data Integrity proof starts with, and says so.
func runDemo(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "demo", "\n\nRuns the library's main job on embedded defaults, with no arguments and no network.\n"+
		"This version canonicalizes an embedded sample Open Badges 3.0 credential (RDFC-1.0),\n"+
		"the input of every Data Integrity proof; issuing, baking and verifying follow in later versions.")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	if fs.NArg() != 0 {
		return usageErrorf(e, "demo", "demo takes no arguments")
	}
	cred, err := vc.Parse(sampleCredential)
	if err != nil {
		return failf(e, "demo", "embedded sample: %v", err)
	}
	c, err := vc.NewProcessor(nil).Canonicalize(ctx, cred.Document(), nil)
	if err != nil {
		return failf(e, "demo", "canonicalizing the sample: %v", err)
	}
	fmt.Fprintln(e.stdout, "openbadges demo: canonicalizing an embedded sample Open Badges 3.0 credential.")
	fmt.Fprintln(e.stdout, "(Issuing, baking and verifying are not in this version yet; the demo grows with the library.)")
	fmt.Fprintf(e.stdout, "\nCredential %s\n  types: %v\n  issuer: %s\n  data model: VC %s\n\n", cred.ID(), cred.Types(), cred.Issuer(), cred.Version())
	fmt.Fprintf(e.stdout, "RDFC-1.0 canonical N-Quads (%d bytes), the bytes a Data Integrity proof hashes:\n\n", len(c.NQuads))
	e.stdout.Write(c.NQuads)
	return exitOK
}
