package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/badge/ob2"
	"github.com/openbadges-go/openbadges/presentation"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
)

func runVerify(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "verify", "[--json] [--now RFC3339] [--offline] [--recipient TYPE:VALUE] [--skip-status]\n"+
		"       [--status-list URL=FILE]... [--resource URL=FILE]... [--insecure-fragment-keys] [--insecure-embedded-jwk]\n"+
		"       [--allow-eddsa-2022] [--allow-ed25519signature2018] [--profile NAME] [--timeout D] [--max-fetches N] FILE|-\n\n"+
		"Verifies an Open Badges 3.0 credential given as JSON, a compact VC-JWT, or a baked PNG or SVG\n"+
		"(also a CLR 2.0 record, a presentation, or an Open Badges 2.0 assertion: the family is\n"+
		"recognised by the type and reported), and lists every check. Keys (did:web, HTTPS key documents, JWKS), status lists and refresh\n"+
		"services are fetched over HTTPS unless --offline, within a budget: at most --max-fetches\n"+
		"requests (4 MiB in all) and --timeout for the whole verification. Exit 0 when verified,\n"+
		"1 when not.")
	asJSON := fs.Bool("json", false, "print the structured result as JSON")
	nowFlag := fs.String("now", "", "verify as of this time (RFC 3339) instead of the clock")
	recipient := fs.String("recipient", "", "check that the badge was issued to TYPE:VALUE (e.g. emailAddress:ada@example.org, id:did:example:123)")
	skipStatus := fs.Bool("skip-status", false, "do not check credentialStatus (reported as skipped)")
	fragmentKeys := fs.Bool("insecure-fragment-keys", false, "accept keys named only by an https URL fragment (https://host/path#z6Mk...), as the 1EdTech validator does; anyone can forge such a key")
	embeddedJWK := fs.Bool("insecure-embedded-jwk", false, "trust a VC-JWT's own jwk header key even when nothing binds it to the issuer, as the 1EdTech validator does")
	legacy := fs.Bool("allow-eddsa-2022", false, "accept the legacy cryptosuite name eddsa-2022 (same algorithm as eddsa-rdfc-2022)")
	legacy2018 := fs.Bool("allow-ed25519signature2018", false, "accept the legacy suite Ed25519Signature2018 (JWS-detached proofs of 2022/2023 plugfest badges; the interop profile does)")
	timeout := fs.Duration("timeout", defaultVerifyTimeout, "time limit of the whole verification, every fetch included")
	maxFetches := fs.Int("max-fetches", badge.DefaultBudgetFetches, "most outbound requests (keys, status lists, refresh) the verification may make")
	var policy badge.Policy // "" = strict, with the relaxations the flags ask for one by one
	fs.TextVar(&policy, "profile", badge.Policy(""), "verification profile: strict, interop or 1edtech-validator (see README); every relaxation it applies is reported as a warning")
	var fetch fetchFlags
	fetch.register(fs)
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	if fs.NArg() != 1 {
		return usageErrorf(e, "verify", "expected one FILE (or - for stdin)")
	}
	if *timeout <= 0 {
		return usageErrorf(e, "verify", "--timeout must be positive")
	}
	if *maxFetches <= 0 {
		return usageErrorf(e, "verify", "--max-fetches must be positive (use --offline for none)")
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	clock := time.Now
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			return usageErrorf(e, "verify", "--now: %v", err)
		}
		clock = func() time.Time { return t }
	}
	var want *badge.ExpectedRecipient
	if *recipient != "" {
		typ, val, ok := strings.Cut(*recipient, ":")
		if !ok || typ == "" || val == "" {
			return usageErrorf(e, "verify", "--recipient wants TYPE:VALUE")
		}
		want = &badge.ExpectedRecipient{Type: badge.IdentifierType(typ), Value: val}
	}
	data, err := readInput(e, fs.Arg(0))
	if err != nil {
		return failf(e, "verify", "%v", err)
	}

	pv := &proof.Verifier{Now: clock, ClockSkew: 5 * time.Minute, InsecureFragmentKeys: *fragmentKeys, InsecureEmbeddedJWK: *embeddedJWK}
	if *legacy || *legacy2018 {
		pv.AllowedCryptosuites = proof.DefaultCryptosuites()
	}
	if *legacy {
		pv.AllowedCryptosuites = append(pv.AllowedCryptosuites, proof.EdDSA2022)
	}
	if *legacy2018 {
		pv.AllowedCryptosuites = append(pv.AllowedCryptosuites, proof.Ed25519Signature2018)
	}
	fetch.resolveKeys(pv)
	opts := badge.VerifierOptions{Policy: policy, Proofs: pv, Now: clock, InsecureSkipStatus: *skipStatus,
		Budget: badge.Budget{MaxTime: *timeout, MaxFetches: *maxFetches}}
	if !*skipStatus {
		checker, err := fetch.statusChecker(pv, clock)
		if err != nil {
			return failf(e, "verify", "%v", err)
		}
		if policy != "" {
			// Lists are verified with the profile's proof verifier.
			checker.Proofs = nil
		}
		opts.Status = checker
	}
	if !fetch.offline {
		opts.Refresher = &status.Refresher{}
	}
	v, err := badge.NewVerifier(opts)
	if errors.Is(err, badge.ErrConflictingOptions) || errors.Is(err, badge.ErrUnknownPolicy) {
		return usageErrorf(e, "verify", "%v", err) // e.g. --profile strict --insecure-fragment-keys
	}
	if err != nil {
		return failf(e, "verify", "%v", err)
	}
	// One kernel for every family, recognised by its type: an Open Badge
	// or endorsement, a CLR 2.0 record (with every credential it holds),
	// a presentation (its challenge and domain: see verify-presentation).
	resources, err := fetch.resourceMap()
	if err != nil {
		return failf(e, "verify", "%v", err)
	}
	ov, err := ob2.NewVerifier(ob2.Options{Resources: resources, Offline: fetch.offline, Now: clock, Budget: opts.Budget})
	if err != nil {
		return failf(e, "verify", "%v", err)
	}
	v = v.WithKinds(ob2.Kind(ov), clr.Kind(nil), presentation.Kind(presentation.Options{}))
	res, verr := v.VerifyWith(ctx, data, &badge.VerifyOptions{Recipient: want})
	return writeVerdict(e, *asJSON, res, func() { printReport(e, fs.Arg(0), res) }, verr)
}

// writeVerdict prints a verification result, as JSON or with print, and
// returns the exit status: 0 when verr is nil, 1 otherwise.
func writeVerdict(e *env, asJSON bool, res any, print func(), verr error) int {
	if asJSON {
		out, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return failf(e, "verify", "%v", err)
		}
		e.stdout.Write(append(out, '\n'))
	} else {
		print()
	}
	if verr != nil {
		return exitInvalid
	}
	return exitOK
}

// defaultVerifyTimeout bounds "openbadges verify" as a whole.
const defaultVerifyTimeout = 60 * time.Second

// printReport writes the human report of verify and verify-presentation:
// the verdict, the document, one line per check, each endorsement, then
// each credential the document holds (a record's, a presentation's) with
// the checks of its own that did not pass.
func printReport(e *env, name string, res *badge.VerificationResult) {
	w := e.stdout
	verdict := "VERIFIED"
	if !res.Verified {
		verdict = "NOT VERIFIED"
	}
	fmt.Fprintf(w, "%s: %s\n", inputName(name), verdict)
	if res.Family != "" {
		fmt.Fprintf(w, "  family     %s\n", res.Family)
	}
	if res.Credential != nil {
		what := "credential"
		if res.Family == badge.FamilyPresentation {
			what = "presentation"
		}
		fmt.Fprintf(w, "  %-10s %s (%s, %s)\n", what, orNone(res.Credential.ID()), strings.Join(res.Credential.Types(), ", "), res.Input)
		if res.Family == badge.FamilyPresentation {
			fmt.Fprintf(w, "  holder     %s\n", orNone(res.Holder))
		} else {
			fmt.Fprintf(w, "  issuer     %s\n", orNone(res.Issuer))
		}
		if res.Badge != nil && res.Badge.CredentialSubject.Achievement != nil {
			fmt.Fprintf(w, "  achievement %q\n", res.Badge.CredentialSubject.Achievement.Name)
		}
	}
	if res.Refreshed {
		fmt.Fprintln(w, "  (refreshed from the issuer's refresh service)")
	}
	for _, c := range res.Checks {
		printCheck(w, "  ", string(c.ID), c.Status, c.Err, c.Detail)
	}
	for _, en := range res.Endorsements {
		v := "verified"
		if !en.Result.Verified {
			v = "not verified"
		}
		fmt.Fprintf(w, "  endorsement at %s: %s\n", en.Path, v)
	}
	for _, n := range res.Nested {
		st := "verified"
		if n.Err != nil {
			st = "NOT VERIFIED"
		}
		id := ""
		if n.Result != nil && n.Result.Credential != nil {
			id = n.Result.Credential.ID()
		}
		fmt.Fprintf(w, "  credential %d %s (%s): %s\n", n.Index, orNone(id), n.Format, st)
		if n.Result == nil {
			continue
		}
		for _, ch := range n.Result.Checks {
			if ch.Status == badge.Failed || ch.Status == badge.Warning {
				printCheck(w, "    ", string(ch.ID), ch.Status, ch.Err, ch.Detail)
			}
		}
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
