// Command verify is a small verifier program built on the library: it
// verifies Open Badges 3.0 credentials (JSON, VC-JWT, baked PNG or SVG)
// and prints one line per check.
//
//	go run ./examples/verify badge.png other-badge.json
//	go run ./examples/verify            # issues a sample badge in memory and verifies it
//
// It resolves did:web and HTTPS keys and checks status lists over the
// network unless -offline is given.
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
)

func main() {
	offline := flag.Bool("offline", false, "no network: did:key and did:jwk keys only, no status lists")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ok, err := run(ctx, os.Stdout, flag.Args(), *offline)
	if err != nil {
		fmt.Fprintln(os.Stderr, "verify:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

// run verifies each file (or a sample badge when there are none) and
// reports whether all verified.
func run(ctx context.Context, w io.Writer, files []string, offline bool) (bool, error) {
	v, err := newVerifier(offline)
	if err != nil {
		return false, err
	}
	inputs := map[string][]byte{}
	var order []string
	if len(files) == 0 {
		sample, err := sampleBadge(ctx)
		if err != nil {
			return false, err
		}
		inputs["sample badge (issued in memory)"] = sample
		order = append(order, "sample badge (issued in memory)")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return false, err
		}
		inputs[f] = b
		order = append(order, f)
	}
	all := true
	for _, name := range order {
		res, err := v.Verify(ctx, inputs[name])
		verdict := "VERIFIED"
		if err != nil {
			verdict, all = "NOT VERIFIED", false
		}
		fmt.Fprintf(w, "%s: %s (issuer %s)\n", name, verdict, res.Issuer)
		for _, c := range res.Checks {
			line := fmt.Sprintf("  %-16s %-8s", c.ID, c.Status)
			if c.Err != nil {
				line += " " + c.Err.Error()
			}
			fmt.Fprintln(w, line)
		}
	}
	return all, nil
}

func newVerifier(offline bool) (*badge.Verifier, error) {
	o := badge.VerifierOptions{}
	if !offline {
		o.Resolver = did.Methods{"key": did.KeyResolver{}, "jwk": did.JWKResolver{}, "web": &did.WebResolver{}, "https": &did.HTTPSResolver{}}
		o.KeySets = &proof.HTTPKeySets{}
		o.Status = &status.Checker{}
		o.Refresher = &status.Refresher{}
	} else {
		o.Status = status.NewLocalChecker(nil, nil)
	}
	return badge.NewVerifier(o)
}

// sampleBadge issues a badge with a fresh did:key, so the program shows a
// verification with no input files.
func sampleBadge(ctx context.Context) ([]byte, error) {
	key, err := did.GenerateKey(did.AlgEd25519, rand.Reader)
	if err != nil {
		return nil, err
	}
	iss := &badge.Issuer{Key: proof.Key{Signer: key.Signer, VerificationMethod: key.ID}}
	ach := badge.NewAchievement("https://example.edu/achievements/first-aid", "First Aid",
		"Gives basic first aid.", "Completed the course and the practical test.")
	cred, err := badge.NewCredential(iss.Profile("Example Training Centre"), ach, badge.RecipientDID("did:example:learner"), nil)
	if err != nil {
		return nil, err
	}
	s, err := iss.Issue(ctx, cred)
	if err != nil {
		return nil, err
	}
	return s.JSON, nil
}
