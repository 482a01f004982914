package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

const issueSynopsis = "--key KEYFILE [--format di|jwt] [--suite SUITE] [--alg ALG] [--created RFC3339] FILE|-\n\n" +
	"Signs the credential in FILE (or stdin) and prints it: the JSON credential with a Data Integrity\n" +
	"proof appended (--format di, the default) or the compact VC-JWT (--format jwt). KEYFILE is a JWK or\n" +
	"Multikey private key file as written by 'openbadges keygen'; its id is the verification method.\n" +
	"The credential is checked in JSON-LD safe mode first: undefined terms, unknown contexts and invalid\n" +
	"documents are refused (exit 1) before anything is signed."

// runIssue implements "openbadges issue".
func runIssue(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "issue", issueSynopsis)
	keyFile := fs.String("key", "", "private key file (JWK or Multikey)")
	format := fs.String("format", "di", "output format: di (Data Integrity proof) or jwt (VC-JWT)")
	suite := fs.String("suite", "", "Data Integrity cryptosuite: eddsa-rdfc-2022, ecdsa-rdfc-2019 or Ed25519Signature2020 (default: by key type)")
	alg := fs.String("alg", "", "JWT algorithm: RS256, ES256, ES384 or EdDSA (default: by key type)")
	created := fs.String("created", "", "Data Integrity proof creation time, RFC 3339 (default: now)")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	if fs.NArg() != 1 {
		return usageErrorf(e, "issue", "want exactly one FILE argument (or - for stdin)")
	}
	if *keyFile == "" {
		return usageErrorf(e, "issue", "--key is required")
	}
	var createdAt time.Time
	switch *format {
	case "di":
		if *alg != "" {
			return usageErrorf(e, "issue", "--alg applies to --format jwt only")
		}
		switch *suite {
		case "", proof.EdDSARDFC2022, proof.ECDSARDFC2019, proof.Ed25519Signature2020:
		default:
			return usageErrorf(e, "issue", "unknown --suite %q (want eddsa-rdfc-2022, ecdsa-rdfc-2019 or Ed25519Signature2020)", *suite)
		}
		if *created != "" {
			t, err := time.Parse(time.RFC3339, *created)
			if err != nil {
				return usageErrorf(e, "issue", "--created %q is not an RFC 3339 date-time", *created)
			}
			createdAt = t
		}
	case "jwt":
		if *suite != "" || *created != "" {
			return usageErrorf(e, "issue", "--suite and --created apply to --format di only")
		}
		switch proof.Algorithm(*alg) {
		case "", proof.RS256, proof.ES256, proof.ES384, proof.EdDSA:
		default:
			return usageErrorf(e, "issue", "unknown --alg %q (want RS256, ES256, ES384 or EdDSA)", *alg)
		}
	default:
		return usageErrorf(e, "issue", "unknown --format %q (want di or jwt)", *format)
	}
	keyData, err := os.ReadFile(*keyFile)
	if err != nil {
		return failf(e, "issue", "reading key: %v", err)
	}
	k, err := did.ParsePrivateKey(keyData)
	if err != nil {
		return failf(e, "issue", "key %s: %v", *keyFile, err)
	}
	doc, err := readInput(e, fs.Arg(0))
	if err != nil {
		return failf(e, "issue", "%v", err)
	}
	key := proof.Key{Signer: k.Signer, VerificationMethod: k.ID}
	if *format == "jwt" {
		// A key named only by its thumbprint (RSA) has no URL to
		// dereference: embed it as a jwk header instead.
		if !strings.Contains(k.ID, ":") {
			key.VerificationMethod = ""
		}
		token, err := proof.SignJWT(ctx, doc, key, proof.Algorithm(*alg), nil)
		if err != nil {
			return failf(e, "issue", "%v", err)
		}
		fmt.Fprintln(e.stdout, token)
		return exitOK
	}
	if !strings.Contains(k.ID, ":") {
		return failf(e, "issue", "key %s has no verification method URL (id); Data Integrity proofs need one", *keyFile)
	}
	out, err := proof.AddDataIntegrityProof(ctx, doc, key, &proof.DataIntegrityOptions{Cryptosuite: *suite, Created: createdAt})
	if err != nil {
		return failf(e, "issue", "%v", err)
	}
	if _, err := e.stdout.Write(out); err != nil {
		return failf(e, "issue", "%v", err)
	}
	if len(out) > 0 && out[len(out)-1] != '\n' {
		fmt.Fprintln(e.stdout)
	}
	return exitOK
}
