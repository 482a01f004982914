package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/presentation"
	"github.com/openbadges-go/openbadges/proof"
)

// runPresent signs a presentation of credentials with the holder's key.
func runPresent(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "present", "--key KEYFILE --challenge C --domain D [--now RFC3339] [--id URL] CREDENTIAL...\n\n"+
		"Wraps credentials (JSON, VC-JWT, or baked PNG or SVG badges) in a VerifiablePresentation signed\n"+
		"by the holder's key for authentication, with the verifier's challenge and domain, and prints it.\n"+
		"The holder is the key's DID. The credentials are not verified here.")
	keyPath := fs.String("key", "", "the holder's private key file (JWK or Multikey, as keygen writes)")
	challenge := fs.String("challenge", "", "the challenge the verifier gave (required)")
	domain := fs.String("domain", "", "the verifier's domain (required)")
	nowFlag := fs.String("now", "", "the proof's creation time (RFC 3339) instead of the clock")
	id := fs.String("id", "", "the presentation's id (a URL)")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	if *keyPath == "" || *challenge == "" || *domain == "" {
		return usageErrorf(e, "present", "--key, --challenge and --domain are required")
	}
	if fs.NArg() == 0 {
		return usageErrorf(e, "present", "expected at least one CREDENTIAL file")
	}
	var created time.Time
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			return usageErrorf(e, "present", "--now: %v", err)
		}
		created = t
	}
	key, ok := readKey(e, "present", *keyPath)
	if !ok {
		return exitInvalid
	}
	var creds [][]byte
	for _, path := range fs.Args() {
		data, err := readInput(e, path)
		if err != nil {
			return failf(e, "present", "%v", err)
		}
		c, err := credentialBytes(data)
		if err != nil {
			return failf(e, "present", "%s: %v", path, err)
		}
		creds = append(creds, c)
	}
	vp, err := presentation.Sign(ctx, key, creds, &presentation.SignOptions{Challenge: *challenge, Domain: *domain, Created: created, ID: *id})
	if err != nil {
		return failf(e, "present", "%v", err)
	}
	if err := writeOutput(e, "-", vp); err != nil {
		return failf(e, "present", "%v", err)
	}
	return exitOK
}

// credentialBytes returns the credential in data: the data itself, or the
// credential baked into a PNG or SVG image.
func credentialBytes(data []byte) ([]byte, error) {
	t := bytes.TrimSpace(data)
	if len(t) > 0 && (t[0] == '{' || proof.IsCompactJWS(t)) {
		return t, nil
	}
	b, err := badge.Unbake(bytes.NewReader(data), nil)
	if err != nil {
		return nil, fmt.Errorf("neither a credential nor a baked image: %w", err)
	}
	return b.Credential, nil
}

// runVerifyPresentation verifies a presentation and every credential in it.
func runVerifyPresentation(ctx context.Context, e *env, args []string) int {
	const name = "verify-presentation"
	fs := newFlags(e, name, "--challenge C --domain D [--json] [--now RFC3339] [--offline] [--skip-status]\n"+
		"       [--status-list URL=FILE]... [--resource URL=FILE]... [--allow-list-id-mismatch]\n"+
		"       [--allow-holder-not-subject] [--insecure-no-challenge] [--insecure-no-domain] [--timeout D] FILE|-\n\n"+
		"Verifies a VerifiablePresentation: the holder's proof (authentication, by the holder's key),\n"+
		"the challenge and domain, every embedded credential (with its status), and that the holder is\n"+
		"each credential's subject, and lists every check. Keys (did:web, HTTPS key documents, JWKS) and\n"+
		"status lists are fetched over HTTPS unless --offline; --status-list and --resource files are\n"+
		"read instead of their URLs. Exit 0 when verified, 1 when not.")
	challenge := fs.String("challenge", "", "the challenge given to the holder")
	domain := fs.String("domain", "", "this verifier's domain")
	asJSON := fs.Bool("json", false, "print the structured result as JSON")
	nowFlag := fs.String("now", "", "verify as of this time (RFC 3339) instead of the clock")
	skipStatus := fs.Bool("skip-status", false, "do not check the credentials' credentialStatus (reported as skipped)")
	allowOther := fs.Bool("allow-holder-not-subject", false, "report a credential about someone else as a warning, not a failure")
	noChallenge := fs.Bool("insecure-no-challenge", false, "accept a presentation without checking a challenge (it can be replayed)")
	noDomain := fs.Bool("insecure-no-domain", false, "accept a presentation without checking a domain")
	timeout := fs.Duration("timeout", defaultVerifyTimeout, "time limit of the whole verification, every fetch included")
	var fetch fetchFlags
	fetch.register(fs)
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	if *timeout <= 0 {
		return usageErrorf(e, name, "--timeout must be positive")
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if fs.NArg() != 1 {
		return usageErrorf(e, name, "expected one FILE (or - for stdin)")
	}
	if (*challenge == "" && !*noChallenge) || (*domain == "" && !*noDomain) {
		return usageErrorf(e, name, "--challenge and --domain are required (or --insecure-no-challenge, --insecure-no-domain)")
	}
	clock := time.Now
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			return usageErrorf(e, name, "--now: %v", err)
		}
		clock = func() time.Time { return t }
	}
	data, err := readInput(e, fs.Arg(0))
	if err != nil {
		return failf(e, name, "%v", err)
	}
	// The holder's proof and the credentials' (and their status lists')
	// proofs: each its own verifier, the same keys.
	newProofs := func() *proof.Verifier {
		pv := &proof.Verifier{Now: clock, ClockSkew: 5 * time.Minute}
		fetch.resolveKeys(pv)
		return pv
	}
	// No refresher: what is verified is what the holder presented.
	opts := badge.VerifierOptions{Proofs: newProofs(), Now: clock, InsecureSkipStatus: *skipStatus}
	if !*skipStatus {
		checker, err := fetch.statusChecker(opts.Proofs, clock)
		if err != nil {
			return failf(e, name, "%v", err)
		}
		opts.Status = checker
	}
	opts.Budget = badge.Budget{MaxTime: *timeout}
	bv, err := badge.NewVerifier(opts)
	if err != nil {
		return failf(e, name, "%v", err)
	}
	res, verr := presentation.VerifyPresentation(ctx, data, presentation.Options{
		Challenge: *challenge, Domain: *domain, InsecureSkipChallenge: *noChallenge, InsecureSkipDomain: *noDomain,
		Verifier: bv.WithKinds(clr.Kind(nil)), AllowHolderNotSubject: *allowOther,
	})
	if res == nil {
		return failf(e, name, "%v", verr)
	}
	if *asJSON {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return failf(e, name, "%v", err)
		}
		if err := writeOutput(e, "-", b); err != nil {
			return failf(e, name, "%v", err)
		}
	} else {
		printReport(e, fs.Arg(0), res)
	}
	if verr != nil {
		return exitInvalid
	}
	return exitOK
}
