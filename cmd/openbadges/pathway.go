package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/pathway"
)

const pathwaySynopsis = "check --pathway FILE\n" +
	"       openbadges pathway eval --pathway FILE [--json] [--subject DID] [--now RFC3339] [--skip-status]\n" +
	"                 [--issue --key KEYFILE [--out FILE]] CREDENTIAL...\n\n" +
	"check validates a pathway definition (schema, cycles, unknown achievements, unsatisfiable nodes).\n" +
	"eval verifies each credential (JSON, VC-JWT, baked PNG or SVG; offline keys only) and reports the\n" +
	"progress; with --issue it signs the stacked credential for the goal when the pathway is complete."

func runPathway(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fs := newFlags(e, "pathway", pathwaySynopsis)
		if len(args) == 0 {
			fs.SetOutput(e.stderr)
			fs.Usage()
			return exitUsage
		}
		fs.SetOutput(e.stdout)
		fs.Usage()
		return exitOK
	}
	switch args[0] {
	case "check":
		return runPathwayCheck(e, args[1:])
	case "eval":
		return runPathwayEval(ctx, e, args[1:])
	}
	return usageErrorf(e, "pathway", "unknown subcommand %q (want check or eval)", args[0])
}

func loadPathway(e *env, path string) (*pathway.Pathway, []byte, int) {
	if path == "" {
		return nil, nil, usageErrorf(e, "pathway", "--pathway is required")
	}
	b, err := readInput(e, path)
	if err != nil {
		return nil, nil, failf(e, "pathway", "reading %s: %v", path, err)
	}
	p, err := pathway.Parse(b)
	if err != nil {
		return nil, nil, failf(e, "pathway", "%s: %v", path, err)
	}
	return p, b, exitOK
}

func runPathwayCheck(e *env, args []string) int {
	fs := newFlags(e, "pathway check", "--pathway FILE")
	file := fs.String("pathway", "", "pathway definition (JSON)")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	p, raw, code := loadPathway(e, *file)
	if p == nil {
		return code
	}
	var probs []string
	if err := pathway.CheckSchema(raw); err != nil {
		probs = append(probs, err.Error())
	}
	if err := p.Validate(); err != nil {
		if de, ok := err.(*pathway.DefinitionError); ok {
			for _, pr := range de.Problems {
				probs = append(probs, pr.Error())
			}
		} else {
			probs = append(probs, err.Error())
		}
	}
	if len(probs) > 0 {
		fmt.Fprintf(e.stdout, "pathway %s: INVALID\n", p.ID)
		for _, s := range probs {
			fmt.Fprintf(e.stdout, "  - %s\n", s)
		}
		return exitInvalid
	}
	fmt.Fprintf(e.stdout, "pathway %s: valid (goal %s, %d component achievements, %d nested pathways)\n", p.ID, p.Goal.ID, len(p.Achievements), len(p.Pathways))
	return exitOK
}

func runPathwayEval(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "pathway eval", "--pathway FILE [--json] [--issue --key KEYFILE] CREDENTIAL...")
	file := fs.String("pathway", "", "pathway definition (JSON)")
	asJSON := fs.Bool("json", false, "print the structured progress as JSON")
	subject := fs.String("subject", "", "the learner's id: only credentials about this subject count")
	nowFlag := fs.String("now", "", "evaluate at this time (RFC 3339; default now)")
	skipStatus := fs.Bool("skip-status", false, "INSECURE: do not check credentialStatus (credentials with a status otherwise fail, as no status list is fetched)")
	issue := fs.Bool("issue", false, "issue the stacked credential for the goal when complete")
	keyFile := fs.String("key", "", "private key file for --issue (JWK or Multikey)")
	out := fs.String("out", "-", "where --issue writes the stacked credential")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	if fs.NArg() == 0 {
		return usageErrorf(e, "pathway", "give at least one credential file")
	}
	if *issue && *keyFile == "" {
		return usageErrorf(e, "pathway", "--issue needs --key")
	}
	now := time.Now
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			return usageErrorf(e, "pathway", "--now: %v", err)
		}
		now = func() time.Time { return t }
	}
	p, _, code := loadPathway(e, *file)
	if p == nil {
		return code
	}
	v, err := badge.NewVerifier(badge.VerifierOptions{Now: now, InsecureSkipStatus: *skipStatus})
	if err != nil {
		return failf(e, "pathway", "%v", err)
	}
	var results []*badge.VerificationResult
	var subjects []string
	for _, f := range fs.Args() {
		b, err := readInput(e, f)
		if err != nil {
			return failf(e, "pathway", "reading %s: %v", f, err)
		}
		r, _ := v.Verify(ctx, b)
		if r == nil {
			return failf(e, "pathway", "%s: not verified", f)
		}
		results = append(results, r)
		if r.Badge != nil {
			subjects = append(subjects, r.Badge.CredentialSubject.ID)
		}
	}
	prog, err := pathway.Evaluate(p, results, &pathway.Options{Subject: *subject})
	if err != nil {
		return failf(e, "pathway", "%v", err)
	}
	if *asJSON {
		b, _ := json.MarshalIndent(prog, "", "  ")
		fmt.Fprintf(e.stdout, "%s\n", b)
	} else {
		printProgress(e, p, prog)
	}
	if !*issue {
		if prog.Complete {
			return exitOK
		}
		return exitInvalid
	}
	if !prog.Complete {
		return failf(e, "pathway", "not complete: nothing issued")
	}
	k, ok := readKey(e, "pathway", *keyFile)
	if !ok {
		return exitInvalid
	}
	recipient := *subject
	if recipient == "" && len(subjects) > 0 {
		recipient = subjects[0]
	}
	iss := &badge.Issuer{Key: k, Now: now}
	s, err := pathway.Complete(ctx, iss, p, prog, badge.RecipientDID(recipient), &pathway.CompleteOptions{Credential: &badge.CredentialOptions{Now: now}})
	if err != nil {
		return failf(e, "pathway", "issuing: %v", err)
	}
	if err := writeOutput(e, *out, s.Bytes()); err != nil {
		return failf(e, "pathway", "%v", err)
	}
	return exitOK
}

func printProgress(e *env, p *pathway.Pathway, prog *pathway.Progress) {
	state := "in progress"
	if prog.Complete {
		state = "COMPLETE"
	}
	fmt.Fprintf(e.stdout, "pathway %s (%s): %s, %.0f%%\n", p.ID, p.Name, state, prog.Fraction*100)
	for _, n := range prog.Nodes {
		depth := strings.Count(n.Path, "requirements[") + strings.Count(n.Path, "{")
		mark := "[ ]"
		if n.Satisfied {
			mark = "[x]"
		}
		label := n.Name
		if label == "" {
			label = n.Key
		}
		if n.Achievement != "" {
			label = strings.TrimSpace(label + " " + n.Achievement)
		}
		fmt.Fprintf(e.stdout, "%s%s %s %s (%.0f%%)", strings.Repeat("  ", depth+1), mark, n.Type, label, n.Fraction*100)
		if len(n.Credentials) > 0 {
			fmt.Fprintf(e.stdout, " by %s", strings.Join(n.Credentials, ", "))
		}
		fmt.Fprintln(e.stdout)
		if !n.Satisfied {
			for _, m := range n.Missing {
				fmt.Fprintf(e.stdout, "%s    missing: %s\n", strings.Repeat("  ", depth+1), m)
			}
		}
	}
	if len(prog.Next) > 0 {
		fmt.Fprintf(e.stdout, "next: %s\n", strings.Join(prog.Next, ", "))
	}
	for _, c := range prog.Credentials {
		if c.Excluded != "" {
			fmt.Fprintf(e.stdout, "not counted: %s: %s\n", c.ID, c.Excluded)
		}
	}
}
