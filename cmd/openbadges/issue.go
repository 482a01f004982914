package main

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

const issueSynopsis = "--key KEYFILE [--format di|jwt] [--suite SUITE] [--alg ALG] [--created RFC3339]\n" +
	"                        [--controller ID] [--allow-expired] [--mandatory POINTER]... FILE|-\n" +
	"       openbadges issue --batch FILE.csv|FILE.jsonl --key KEYFILE --achievement ACHIEVEMENT.json [--format di|jwt]\n" +
	"                        [--bake IMAGE] [--status-list LIST.json] [--hash-email] [--issuer-name NAME] -o OUTDIR\n" +
	"       openbadges issue --batch FILE --key KEYFILE --achievement ACHIEVEMENT.json --store DSN [--no-status]\n" +
	"                        [--public-url URL] [--batch-id ID] [-o OUTDIR] ...\n\n" +
	"Signs the credential in FILE (or stdin) and prints it: the JSON credential with a Data Integrity\n" +
	"proof appended (--format di, the default) or the compact VC-JWT (--format jwt). KEYFILE is a JWK or\n" +
	"Multikey private key file as written by 'openbadges keygen'; its id is the verification method.\n" +
	"The credential is checked first, as the library's issuers (badge.Issuer, clr.Issuer) do: the Open\n" +
	"Badges data model (an OpenBadgeCredential or EndorsementCredential: required members such as the\n" +
	"achievement's criteria), a ClrCredential's record checks (the CLR contexts, required members such\n" +
	"as at least one nested credential, every nested credential about the record's subject), the VC\n" +
	"data model, issuer binding (the issuer's id must be the key's controller, else verifiers refuse\n" +
	"the proof), JSON-LD safe mode and the strict compact form (undefined terms, unknown contexts,\n" +
	"members written under IRIs or aliases), a proof already present, and a validUntil\n" +
	"(expirationDate) already past unless --allow-expired. Every problem is printed on stderr with its\n" +
	"JSON path and nothing is signed (exit 1).\n\n" +
	"With --batch, awards the achievement in ACHIEVEMENT.json to every row of FILE: a CSV file with a\n" +
	"header row naming its columns (did, email, name, student id, an Open Badges identifier type such\n" +
	"as sourcedId, or ext:...), or JSON Lines (one object per line with the same names). Each credential\n" +
	"is written to OUTDIR/row-NNNNNN.json (.jwt for --format jwt; .png or .svg too with --bake), and\n" +
	"OUTDIR/manifest.jsonl lists every row by its line number in FILE: recipient, credential id, file,\n" +
	"status index, or the error. Malformed rows (no recipient, bad e-mail, duplicate recipient, wrong\n" +
	"column count, invalid UTF-8) are reported there and the others issued; the exit status is 1 if any\n" +
	"row failed. Running the same command again resumes: rows already issued are skipped. A credential\n" +
	"a killed run wrote is verified and adopted; a row reserved but not written is signed again with the\n" +
	"same id and status index. Entries set in OUTDIR/status-list.json are kept set. OUTDIR is locked\n" +
	"while a run uses it. A run whose FILE names, on a row the manifest has reserved or issued, another\n" +
	"learner (rows inserted, removed or reordered) is refused before anything is issued.\n" +
	"--hash-email writes e-mail addresses hashed with a fresh salt per credential, never in clear.\n" +
	"--status-list allocates a random index of LIST.json for each credential (indexes listed in\n" +
	"LIST.allocated.json beside it are taken) and writes the re-signed list and its allocation state\n" +
	"to OUTDIR/status-list.json and OUTDIR/status-list.allocated.json: publish the former, and pass it\n" +
	"to the next batch that uses the list.\n" +
	"--store DSN (a SQLite file or postgres://, as 'serve --store') replaces the manifest: each row is\n" +
	"reserved in the store under the key BATCH-ID:ROW before it is signed, with a revocation entry\n" +
	"from the store's pool (--no-status: none; --public-url names where serve publishes the lists\n" +
	"when the store has no pool yet), completed there once signed, and written to -o OUTDIR when\n" +
	"given. Running the same command again resumes: completed rows are skipped, reserved ones signed\n" +
	"again with the same id and entry. The changed lists are signed into the store at the end."

// runIssue implements "openbadges issue".
func runIssue(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "issue", issueSynopsis)
	keyFile := fs.String("key", "", "private key file (JWK or Multikey)")
	format := fs.String("format", "di", "output format: di (Data Integrity proof) or jwt (VC-JWT)")
	suite := fs.String("suite", "", "Data Integrity cryptosuite: eddsa-rdfc-2022, ecdsa-rdfc-2019, Ed25519Signature2020, eddsa-jcs-2022, ecdsa-jcs-2019 or ecdsa-sd-2023 (selective disclosure; P-256 or P-384 key) (default: by key type)")
	var mandatory pointerFlags
	fs.Var(&mandatory, "mandatory", "with --suite ecdsa-sd-2023: a JSON pointer every disclosure must reveal; repeatable (default: what a badge cannot be verified without: issuer, validity, status, the subject's id or identifier, the achievement's id, type, name, description and criteria)")
	alg := fs.String("alg", "", "JWT algorithm: RS256, ES256, ES384 or EdDSA (default: by key type)")
	created := fs.String("created", "", "Data Integrity proof creation time, RFC 3339 (default: now)")
	controller := fs.String("controller", "", "the id of the key's controller, which the credential's issuer must be (default: the key id without its #fragment; required for a key whose id is only a thumbprint)")
	allowExpired := fs.Bool("allow-expired", false, "sign a credential whose validUntil (expirationDate) is already past, for test fixtures")
	var bc batchConfig
	fs.StringVar(&bc.input, "batch", "", "issue to every row of a CSV or JSON Lines `file`")
	fs.StringVar(&bc.achievement, "achievement", "", "achievement JSON `file` awarded by --batch")
	fs.StringVar(&bc.bake, "bake", "", "--batch: PNG or SVG `image` to bake each credential into")
	fs.StringVar(&bc.statusList, "status-list", "", "--batch: status list `file` to allocate an index from per credential")
	fs.BoolVar(&bc.hashEmail, "hash-email", false, "--batch: hash e-mail addresses with a fresh salt per credential")
	fs.StringVar(&bc.issuerName, "issuer-name", "", "--batch: name of the issuer profile embedded in each credential")
	fs.StringVar(&bc.outDir, "o", "", "--batch: output `directory`")
	fs.IntVar(&bc.workers, "workers", 0, "--batch: signing goroutines (default: the number of CPUs)")
	fs.StringVar(&bc.store, "store", "", "--batch: issuer store (a SQLite file path or postgres:// URL) for allocation, resume and idempotency, instead of OUTDIR's manifest")
	fs.BoolVar(&bc.noStatus, "no-status", false, "--batch --store: issue without a revocation status entry")
	fs.StringVar(&bc.publicURL, "public-url", "", "--batch --store: the URL serve publishes the store's lists under (records the revocation pool if the store has none)")
	fs.StringVar(&bc.batchID, "batch-id", "", "--batch --store: the batch's name in the store's idempotency keys (default: derived from the issuer, the achievement and the input file's path)")
	fs.DurationVar(&bc.progressEvery, "progress-every", 5*time.Second, "--batch: interval of progress lines when stderr is not a terminal")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	if bc.input != "" {
		if fs.NArg() != 0 {
			return usageErrorf(e, "issue", "--batch takes no FILE argument")
		}
		if *suite != "" || *alg != "" || *created != "" || *controller != "" || *allowExpired || len(mandatory) > 0 {
			return usageErrorf(e, "issue", "--suite, --alg, --created, --controller and --allow-expired do not apply to --batch")
		}
		bc.key, bc.format = *keyFile, *format
		return runIssueBatch(ctx, e, bc)
	}
	if bc.achievement != "" || bc.bake != "" || bc.statusList != "" || bc.hashEmail || bc.outDir != "" || bc.issuerName != "" ||
		bc.store != "" || bc.noStatus || bc.publicURL != "" || bc.batchID != "" {
		return usageErrorf(e, "issue", "--achievement, --bake, --status-list, --hash-email, --issuer-name, --store, --no-status, --public-url, --batch-id and -o need --batch")
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
		case "", proof.EdDSARDFC2022, proof.ECDSARDFC2019, proof.Ed25519Signature2020, proof.EdDSAJCS2022, proof.ECDSAJCS2019, proof.ECDSASD2023:
		default:
			return usageErrorf(e, "issue", "unknown --suite %q (want eddsa-rdfc-2022, ecdsa-rdfc-2019, Ed25519Signature2020, eddsa-jcs-2022, ecdsa-jcs-2019 or ecdsa-sd-2023)", *suite)
		}
		if len(mandatory) > 0 && *suite != proof.ECDSASD2023 {
			return usageErrorf(e, "issue", "--mandatory applies to --suite ecdsa-sd-2023 only")
		}
		if *created != "" {
			t, err := time.Parse(time.RFC3339, *created)
			if err != nil {
				return usageErrorf(e, "issue", "--created %q is not an RFC 3339 date-time", *created)
			}
			createdAt = t
		}
	case "jwt":
		if *suite != "" || *created != "" || len(mandatory) > 0 {
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
	iss := &badge.Issuer{
		Key:         proof.Key{Signer: k.Signer, VerificationMethod: k.ID},
		Controller:  *controller,
		Cryptosuite: *suite,
		Algorithm:   proof.Algorithm(*alg),
	}
	if len(mandatory) > 0 {
		iss.MandatoryPointers = mandatory
	}
	if !createdAt.IsZero() {
		iss.Now = func() time.Time { return createdAt }
	}
	if !strings.Contains(k.ID, ":") {
		// A key named only by its thumbprint (RSA) has no URL to
		// dereference: a JWT embeds it as a jwk header instead, and
		// issuer binding needs to be told who controls it.
		if *format != "jwt" {
			return failf(e, "issue", "key %s has no verification method URL (id); Data Integrity proofs need one", *keyFile)
		}
		if *controller == "" {
			return failf(e, "issue", "key %s has no verification method URL (its id is a thumbprint): name the issuer that controls it with --controller", *keyFile)
		}
		iss.Key.VerificationMethod = ""
	}
	if *format == "jwt" {
		iss.Format = badge.JWT
	}
	// Expiry is checked here against the real clock (--created moves the
	// Issuer's), so the library's own check, by the Issuer's clock, is off.
	iss.AllowExpired = true
	signed, err := issueChecked(ctx, iss, doc, *allowExpired, time.Now())
	if err != nil {
		return reportIssueError(e, "issue", inputName(fs.Arg(0)), err)
	}
	if err := writeOutput(e, "-", signed.Bytes()); err != nil {
		return failf(e, "issue", "%v", err)
	}
	return exitOK
}
