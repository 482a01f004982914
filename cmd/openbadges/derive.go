package main

import (
	"context"
	"flag"
	"strings"

	"github.com/openbadges-go/openbadges/proof"
)

// pointerFlags collects repeated --reveal JSON pointers.
type pointerFlags []string

func (p *pointerFlags) String() string { return strings.Join(*p, ",") }
func (p *pointerFlags) Set(s string) error {
	*p = append(*p, s)
	return nil
}

var _ flag.Value = (*pointerFlags)(nil)

// runDerive is the holder's step of selective disclosure: from a badge
// with an ecdsa-sd-2023 base proof, a credential revealing only the
// mandatory statements and those --reveal names, with a derived proof
// any verifier checks.
func runDerive(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "derive", "[--reveal POINTER]... [-o FILE] FILE|-\n\n"+
		"Derives a selective disclosure of an ecdsa-sd-2023 credential: the result reveals the\n"+
		"statements its issuer made mandatory and those under each --reveal JSON pointer (for\n"+
		"example /credentialSubject/achievement/image), with a derived proof. Nothing else of\n"+
		"the credential is in it.")
	var reveal pointerFlags
	fs.Var(&reveal, "reveal", "a JSON pointer to disclose (RFC 6901); repeatable")
	out := fs.String("o", "-", "write the derived credential to FILE (- for stdout)")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	if fs.NArg() != 1 {
		return usageErrorf(e, "derive", "expected one FILE (or - for stdin)")
	}
	for _, p := range reveal {
		if p != "" && !strings.HasPrefix(p, "/") {
			return usageErrorf(e, "derive", "--reveal %q is not a JSON pointer (it starts with /)", p)
		}
	}
	data, err := readInput(e, fs.Arg(0))
	if err != nil {
		return failf(e, "derive", "%v", err)
	}
	derived, err := proof.Derive(ctx, data, reveal, nil)
	if err != nil {
		return failf(e, "derive", "%v", err)
	}
	if err := writeOutput(e, *out, append(derived, '\n')); err != nil {
		return failf(e, "derive", "%v", err)
	}
	return exitOK
}
