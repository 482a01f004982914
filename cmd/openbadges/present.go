package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/openbadges-go/openbadges/badge"
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
	if len(t) > 0 && (t[0] == '{' || bytes.Count(t, []byte(".")) == 2 && !bytes.ContainsAny(t, " <\n")) {
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
	fs := newFlags(e, "verify-presentation", "--challenge C --domain D [--json] [--now RFC3339] [--skip-status]\n"+
		"       [--allow-holder-not-subject] [--insecure-no-challenge] [--insecure-no-domain] [--timeout D] FILE|-\n\n"+
		"Verifies a VerifiablePresentation: the holder's proof (authentication, by the holder's key),\n"+
		"the challenge and domain, every embedded credential, and that the holder is each credential's\n"+
		"subject. Keys are did:key and did:jwk only (offline). Exit 0 when verified, 1 when not.")
	challenge := fs.String("challenge", "", "the challenge given to the holder")
	domain := fs.String("domain", "", "this verifier's domain")
	asJSON := fs.Bool("json", false, "print the structured result as JSON")
	nowFlag := fs.String("now", "", "verify as of this time (RFC 3339) instead of the clock")
	skipStatus := fs.Bool("skip-status", false, "do not check the credentials' credentialStatus (reported as skipped)")
	allowOther := fs.Bool("allow-holder-not-subject", false, "report a credential about someone else as a warning, not a failure")
	noChallenge := fs.Bool("insecure-no-challenge", false, "accept a presentation without checking a challenge (it can be replayed)")
	noDomain := fs.Bool("insecure-no-domain", false, "accept a presentation without checking a domain")
	timeout := fs.Duration("timeout", defaultVerifyTimeout, "time limit of the whole verification")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	if *timeout <= 0 {
		return usageErrorf(e, "verify-presentation", "--timeout must be positive")
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if fs.NArg() != 1 {
		return usageErrorf(e, "verify-presentation", "expected one FILE (or - for stdin)")
	}
	if (*challenge == "" && !*noChallenge) || (*domain == "" && !*noDomain) {
		return usageErrorf(e, "verify-presentation", "--challenge and --domain are required (or --insecure-no-challenge, --insecure-no-domain)")
	}
	clock := time.Now
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			return usageErrorf(e, "verify-presentation", "--now: %v", err)
		}
		clock = func() time.Time { return t }
	}
	data, err := readInput(e, fs.Arg(0))
	if err != nil {
		return failf(e, "verify-presentation", "%v", err)
	}
	pv := &proof.Verifier{Now: clock, ClockSkew: 5 * time.Minute}
	bv, err := badge.NewVerifier(badge.VerifierOptions{Proofs: &proof.Verifier{Now: clock, ClockSkew: 5 * time.Minute}, Now: clock, InsecureSkipStatus: *skipStatus})
	if err != nil {
		return failf(e, "verify-presentation", "%v", err)
	}
	res, verr := presentation.VerifyPresentation(ctx, data, presentation.Options{
		Challenge: *challenge, Domain: *domain, InsecureSkipChallenge: *noChallenge, InsecureSkipDomain: *noDomain,
		Verifier: bv, Proofs: pv, AllowHolderNotSubject: *allowOther,
		Budget: badge.Budget{MaxTime: *timeout},
	})
	if res == nil {
		return failf(e, "verify-presentation", "%v", verr)
	}
	if *asJSON {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return failf(e, "verify-presentation", "%v", err)
		}
		if err := writeOutput(e, "-", b); err != nil {
			return failf(e, "verify-presentation", "%v", err)
		}
	} else {
		w := e.stdout
		fmt.Fprintf(w, "holder: %s\n", orNone(res.Holder))
		for _, c := range res.Checks {
			fmt.Fprintf(w, "  %-15s %-8s", c.ID, c.Status)
			switch {
			case c.Err != nil:
				fmt.Fprintf(w, " %v", c.Err)
			case c.Detail != "":
				fmt.Fprintf(w, " %s", c.Detail)
			}
			fmt.Fprintln(w)
		}
		for _, c := range res.Credentials {
			status := "verified"
			if c.Err != nil {
				status = "NOT verified: " + c.Err.Error()
			}
			id := ""
			if c.Result != nil && c.Result.Credential != nil {
				id = c.Result.Credential.ID()
			}
			fmt.Fprintf(w, "  credential %d (%s) %s: %s\n", c.Index, c.Format, orNone(id), status)
		}
		if res.Verified {
			fmt.Fprintln(w, "VERIFIED")
		} else {
			fmt.Fprintln(w, "NOT VERIFIED")
		}
	}
	if verr != nil {
		return exitInvalid
	}
	return exitOK
}
