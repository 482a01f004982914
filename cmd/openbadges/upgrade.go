package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/ob2"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

const upgradeSynopsis = "--key KEYFILE [--format di|jwt] [--controller ID] [--issuer-name NAME] [--now RFC3339]\n" +
	"                          [--offline] [--resource URL=FILE]... [--timeout D] [--max-fetches N] [-o FILE] FILE|URL|-\n" +
	"       openbadges upgrade --batch DIR|URLS.csv --out DIR --key KEYFILE [--dry-run] [--json] [the flags above]\n\n" +
	"Upgrades an Open Badges 2.0 assertion to an Open Badges 3.0 AchievementCredential signed with\n" +
	"KEYFILE. The assertion (JSON, a compact JWS, a baked PNG or SVG, or the URL of a hosted assertion)\n" +
	"is verified first as 'openbadges verify' verifies it: the documents it links are read from the\n" +
	"--resource files first and, unless --offline, fetched over HTTPS. What did not verify is refused,\n" +
	"with the checks that failed (exit 1). A verified assertion becomes a 3.0 credential following\n" +
	"1EdTech's migration guidance (ob2.Upgrade: a new urn:uuid id, the BadgeClass as the Achievement,\n" +
	"the 2.0 ids in otherIdentifier, the 2.0 assertion kept as evidence, the recipient carried over),\n" +
	"issued by the Profile of KEYFILE's controller (named after the 2.0 issuer, or --issuer-name) and\n" +
	"signed as 'openbadges issue' signs (--format di, the default, or jwt; an RSA key, whose id is a\n" +
	"thumbprint, needs --format jwt and --controller). The credential is written to -o FILE or stdout.\n\n" +
	"With --batch, upgrades every file under DIR, or every URL of a CSV file (the column headed url, id\n" +
	"or assertion, else the first), writing each credential to the --out folder (NAME.ob3.json, or\n" +
	".ob3.jwt; row-NNNNNN for the CSV row on line N) and reporting each input: upgraded, not verified\n" +
	"(and why), or not upgraded (and why). A credential already in --out is kept, not overwritten.\n" +
	"--dry-run verifies, upgrades and signs every input but writes nothing. Exit 1 when any input was\n" +
	"not upgraded."

// upgradeConfig is what one "openbadges upgrade" run needs, flags parsed.
type upgradeConfig struct {
	iss        *badge.Issuer
	ov         *ob2.Verifier
	issuerName string
	clock      func() time.Time
	timeout    time.Duration
}

// runUpgrade implements "openbadges upgrade".
func runUpgrade(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "upgrade", upgradeSynopsis)
	keyFile := fs.String("key", "", "private key file (JWK or Multikey) of the issuer that signs the 3.0 credentials")
	format := fs.String("format", "di", "output format: di (Data Integrity proof) or jwt (VC-JWT)")
	controller := fs.String("controller", "", "the id of the key's controller, the 3.0 issuer (default: the key id without its #fragment; required for a key whose id is only a thumbprint)")
	issuerName := fs.String("issuer-name", "", "name of the 3.0 issuer Profile (default: the 2.0 issuer's name)")
	nowFlag := fs.String("now", "", "verify the 2.0 assertion as of this time (RFC 3339) instead of the clock")
	timeout := fs.Duration("timeout", defaultVerifyTimeout, "time limit of each verification, every fetch included")
	maxFetches := fs.Int("max-fetches", badge.DefaultBudgetFetches, "most outbound requests each verification may make")
	out := fs.String("o", "", "write the credential to this file instead of stdout")
	batchIn := fs.String("batch", "", "upgrade every file under this folder, or every URL of this CSV file: `path`")
	outDir := fs.String("out", "", "--batch: the `folder` the credentials are written to")
	dryRun := fs.Bool("dry-run", false, "--batch: verify, upgrade and sign, but write nothing")
	asJSON := fs.Bool("json", false, "--batch: report each input as a line of JSON")
	var fetch fetchFlags
	fetch.registerResources(fs)
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	switch {
	case *keyFile == "":
		return usageErrorf(e, "upgrade", "--key is required")
	case *format != "di" && *format != "jwt":
		return usageErrorf(e, "upgrade", "unknown --format %q (want di or jwt)", *format)
	case *timeout <= 0:
		return usageErrorf(e, "upgrade", "--timeout must be positive")
	case *maxFetches <= 0:
		return usageErrorf(e, "upgrade", "--max-fetches must be positive (use --offline for none)")
	}
	if *batchIn != "" {
		if fs.NArg() != 0 {
			return usageErrorf(e, "upgrade", "--batch takes no FILE argument")
		}
		if *out != "" {
			return usageErrorf(e, "upgrade", "-o does not apply to --batch (use --out DIR)")
		}
		if *outDir == "" && !*dryRun {
			return usageErrorf(e, "upgrade", "--batch needs --out DIR (or --dry-run)")
		}
	} else {
		if *outDir != "" || *dryRun || *asJSON {
			return usageErrorf(e, "upgrade", "--out, --dry-run and --json need --batch")
		}
		if fs.NArg() != 1 {
			return usageErrorf(e, "upgrade", "want exactly one FILE or URL argument (or - for stdin)")
		}
	}
	clock := time.Now
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			return usageErrorf(e, "upgrade", "--now: %v", err)
		}
		clock = func() time.Time { return t }
	}
	iss, err := issuerFromKey(*keyFile, *controller, *format)
	if err != nil {
		return failf(e, "upgrade", "%v", err)
	}
	resources, err := fetch.resourceMap()
	if err != nil {
		return failf(e, "upgrade", "%v", err)
	}
	ov, err := ob2.NewVerifier(ob2.Options{Resources: resources, Offline: fetch.offline, Now: clock,
		Budget: badge.Budget{MaxTime: *timeout, MaxFetches: *maxFetches}})
	if err != nil {
		return failf(e, "upgrade", "%v", err)
	}
	cfg := &upgradeConfig{iss: iss, ov: ov, issuerName: *issuerName, clock: clock, timeout: *timeout}
	if *batchIn != "" {
		return runUpgradeBatch(ctx, e, cfg, *batchIn, *outDir, *dryRun, *asJSON)
	}

	name := fs.Arg(0)
	var data []byte
	if isHTTPArg(name) {
		data = []byte(name)
	} else if data, err = readInput(e, name); err != nil {
		return failf(e, "upgrade", "%v", err)
	}
	r := cfg.upgrade(ctx, data)
	if r.res != nil && !r.Verified {
		fmt.Fprintf(e.stderr, "openbadges upgrade: %s: NOT VERIFIED, not upgraded; the checks that failed:\n", inputName(name))
		for _, c := range r.res.Failed() {
			printCheck(e.stderr, "  ", string(c.ID), c.Status, c.Err, c.Detail)
		}
		return exitInvalid
	}
	if r.err != nil {
		return reportIssueError(e, "upgrade", inputName(name), r.err)
	}
	dest := "-"
	if *out != "" {
		dest = *out
	}
	if err := writeOutput(e, dest, r.signed.Bytes()); err != nil {
		return failf(e, "upgrade", "%v", err)
	}
	return exitOK
}

// issuerFromKey builds the issuer of the 3.0 credentials from a key file,
// as "openbadges issue" does: the key's id is the verification method, and
// a key named only by its thumbprint (RSA) signs VC-JWTs (embedding its
// jwk) for the --controller given.
func issuerFromKey(keyFile, controller, format string) (*badge.Issuer, error) {
	keyData, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("reading key: %w", err)
	}
	k, err := did.ParsePrivateKey(keyData)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", keyFile, err)
	}
	iss := &badge.Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, Controller: controller}
	if format == "jwt" {
		iss.Format = badge.JWT
	}
	if !strings.Contains(k.ID, ":") {
		if format != "jwt" {
			return nil, fmt.Errorf("key %s has no verification method URL (id); Data Integrity proofs need one (or use --format jwt with --controller)", keyFile)
		}
		if controller == "" {
			return nil, fmt.Errorf("key %s has no verification method URL (its id is a thumbprint): name the issuer that controls it with --controller", keyFile)
		}
		iss.Key.VerificationMethod = ""
	}
	return iss, nil
}

// upgraded is the outcome of one input: verified or not, upgraded and
// signed or not, and why.
type upgraded struct {
	Verified bool
	Upgraded bool
	res      *badge.VerificationResult // nil when the input is not 2.0
	cred     *badge.AchievementCredential
	signed   *badge.Signed
	err      error // why it was not upgraded
}

// errNotOB2 reports an input that is not an Open Badges 2.0 assertion.
var errNotOB2 = errors.New("not an Open Badges 2.0 assertion (JSON, JWS, URL, PNG or SVG)")

// upgrade verifies data as a 2.0 assertion and, when it verified,
// upgrades it and signs the 3.0 credential.
func (c *upgradeConfig) upgrade(ctx context.Context, data []byte) upgraded {
	if !ob2.Is(data) {
		return upgraded{err: errNotOB2}
	}
	vctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	res, err := c.ov.Verify(vctx, data)
	if res == nil {
		return upgraded{err: err}
	}
	r := upgraded{res: res, Verified: err == nil && res.Verified}
	if !r.Verified {
		if err == nil {
			err = errors.New("not verified")
		}
		r.err = err
		return r
	}
	a, ok := res.View.(*ob2.Assertion)
	if res.Family != ob2.Family || !ok || a.Issuer == nil {
		r.err = fmt.Errorf("a verified Open Badges 2.0 document, but not an assertion (%s): only assertions are upgraded", res.Family)
		return r
	}
	name := c.issuerName
	if name == "" {
		name = a.Issuer.Name()
	}
	profile := c.iss.Profile(name)
	// The same organisation: its contact details carry over.
	profile.URL = httpString(a.Issuer.JSON["url"])
	if s, ok := a.Issuer.JSON["email"].(string); ok {
		profile.Email = s
	}
	if s, ok := a.Issuer.JSON["description"].(string); ok {
		profile.Description = s
	}
	cred, err := ob2.Upgrade(res, &ob2.UpgradeOptions{Issuer: &profile, Now: c.clock})
	if err != nil {
		r.err = fmt.Errorf("upgrade: %w", err)
		return r
	}
	signed, err := c.iss.Issue(ctx, cred)
	if err != nil {
		r.err = err
		return r
	}
	r.cred, r.signed, r.Upgraded = cred, signed, true
	return r
}

func httpString(v any) string {
	s, _ := v.(string)
	if strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") {
		return s
	}
	return ""
}

// isHTTPArg reports whether a command-line argument is a URL rather than
// a file name.
func isHTTPArg(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// batchItem is one input of a batch upgrade.
type batchItem struct {
	name string // the file (relative to the folder) or "line N: URL"
	out  string // the output name, extension excluded
	data []byte // nil: read file
	file string
	err  error // the input itself is unusable (e.g. not a URL)
}

// upgradeReport is one line of the batch report (--json).
type upgradeReport struct {
	Input    string          `json:"input"`
	Verified bool            `json:"verified"`
	Upgraded bool            `json:"upgraded"`
	Output   string          `json:"output,omitempty"`
	ID       string          `json:"id,omitempty"`
	Kept     bool            `json:"kept,omitempty"` // the output existed: not overwritten
	Failed   []reportedCheck `json:"failed,omitempty"`
	Error    string          `json:"error,omitempty"`
}

type reportedCheck struct {
	Check string `json:"check"`
	Error string `json:"error,omitempty"`
}

// runUpgradeBatch upgrades every input of a folder or a CSV of URLs.
func runUpgradeBatch(ctx context.Context, e *env, cfg *upgradeConfig, in, outDir string, dryRun, asJSON bool) int {
	items, err := batchInputs(in, outDir)
	if err != nil {
		return failf(e, "upgrade", "%v", err)
	}
	ext := ".ob3.json"
	if cfg.iss.Format == badge.JWT {
		ext = ".ob3.jwt"
	}
	if !dryRun {
		if err := os.MkdirAll(outDir, 0o755); err != nil {
			return failf(e, "upgrade", "%v", err)
		}
	}
	var nUp, nNotVerified, nOther int
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			return failf(e, "upgrade", "interrupted: %v", err)
		}
		rep := upgradeReport{Input: it.name}
		r := upgraded{err: it.err}
		if it.err == nil {
			data := it.data
			if data == nil {
				data, r.err = readInput(e, it.file)
			}
			if r.err == nil {
				r = cfg.upgrade(ctx, data)
			}
		}
		rep.Verified, rep.Upgraded = r.Verified, r.Upgraded
		if r.res != nil && !r.Verified {
			for _, c := range r.res.Failed() {
				rc := reportedCheck{Check: string(c.ID)}
				if c.Err != nil {
					rc.Error = c.Err.Error()
				}
				rep.Failed = append(rep.Failed, rc)
			}
		}
		if r.Upgraded {
			rep.ID = r.cred.ID
			rep.Output = filepath.Join(outDir, it.out+ext)
			if !dryRun {
				kept, err := writeNew(rep.Output, r.signed.Bytes())
				switch {
				case err != nil:
					rep.Upgraded, r.err = false, err
				case kept:
					rep.Kept, rep.ID = true, ""
				}
			}
		}
		if r.err != nil {
			rep.Error = r.err.Error()
		}
		switch {
		case rep.Upgraded:
			nUp++
		case r.res != nil && !r.Verified:
			nNotVerified++
		default:
			nOther++
		}
		if asJSON {
			b, err := json.Marshal(rep)
			if err != nil {
				return failf(e, "upgrade", "%v", err)
			}
			e.stdout.Write(append(b, '\n'))
			continue
		}
		printUpgradeReport(e.stdout, rep, r, dryRun)
	}
	if !asJSON {
		verb := "upgraded"
		if dryRun {
			verb = "would be upgraded (dry run: nothing written)"
		}
		fmt.Fprintf(e.stdout, "%d inputs: %d %s, %d not verified, %d not upgraded for another reason\n", len(items), nUp, verb, nNotVerified, nOther)
	}
	if nUp != len(items) {
		return exitInvalid
	}
	return exitOK
}

// printUpgradeReport writes the human report of one batch input.
func printUpgradeReport(w io.Writer, rep upgradeReport, r upgraded, dryRun bool) {
	switch {
	case rep.Kept:
		fmt.Fprintf(w, "%s: verified; %s already exists, kept (not overwritten)\n", rep.Input, rep.Output)
	case rep.Upgraded && dryRun:
		fmt.Fprintf(w, "%s: verified, would be upgraded to %s (not written)\n", rep.Input, rep.Output)
	case rep.Upgraded:
		fmt.Fprintf(w, "%s: verified, upgraded to %s (%s)\n", rep.Input, rep.Output, rep.ID)
	case r.res != nil && !r.Verified:
		fmt.Fprintf(w, "%s: NOT VERIFIED, not upgraded\n", rep.Input)
		for _, c := range r.res.Failed() {
			printCheck(w, "  ", string(c.ID), c.Status, c.Err, c.Detail)
		}
	case rep.Verified:
		fmt.Fprintf(w, "%s: verified, NOT UPGRADED: %s\n", rep.Input, rep.Error)
	default:
		fmt.Fprintf(w, "%s: NOT UPGRADED: %s\n", rep.Input, rep.Error)
	}
}

// writeNew writes b to a new file at path; kept reports that the file
// already existed and was left as it was.
func writeNew(path string, b []byte) (kept bool, err error) {
	if len(b) > 0 && b[len(b)-1] != '\n' {
		b = append(b, '\n')
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(path)
		return false, err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return false, err
	}
	return false, nil
}

// maxBatchInputs bounds the inputs of one batch upgrade.
const maxBatchInputs = 100000

// batchInputs lists the inputs of --batch: every regular file under a
// folder (sorted; hidden files and folders, and the output folder outDir,
// skipped), or the URLs of a CSV file.
func batchInputs(in, outDir string) ([]batchItem, error) {
	st, err := os.Stat(in)
	if err != nil {
		return nil, fmt.Errorf("--batch: %w", err)
	}
	if !st.IsDir() {
		return csvInputs(in)
	}
	if outDir != "" && filepath.Clean(outDir) == filepath.Clean(in) {
		return nil, fmt.Errorf("--out %s is the --batch folder: write the credentials elsewhere (or to a folder inside it)", outDir)
	}
	var items []batchItem
	used := map[string]bool{}
	err = filepath.WalkDir(in, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != in && (strings.HasPrefix(d.Name(), ".") || d.IsDir() && outDir != "" && filepath.Clean(p) == filepath.Clean(outDir)) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if len(items) >= maxBatchInputs {
			return fmt.Errorf("more than %d files", maxBatchInputs)
		}
		rel, err := filepath.Rel(in, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		out := strings.ReplaceAll(strings.TrimSuffix(rel, filepath.Ext(rel)), "/", "_")
		if used[out] {
			// a.json and a.png: the second keeps its extension.
			out = strings.NewReplacer("/", "_", ".", "-").Replace(rel)
		}
		used[out] = true
		items = append(items, batchItem{name: rel, out: out, file: p})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("--batch %s: %w", in, err)
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].name < items[j].name })
	return items, nil
}

// csvInputs reads a CSV file of URLs: one per row, in the column headed
// url, id or assertion (a header row is recognised by such a cell and no
// URL), else in the first column. Blank rows are skipped; a row with no
// URL in that column is an input of its own, reported as unusable.
func csvInputs(in string) ([]batchItem, error) {
	f, err := os.Open(in)
	if err != nil {
		return nil, fmt.Errorf("--batch: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(io.LimitReader(f, maxInputBytes))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var items []batchItem
	col, first := 0, true
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("--batch %s: %w", in, err)
		}
		line, _ := r.FieldPos(0)
		if first {
			first = false
			if c, ok := csvHeader(rec); ok {
				col = c
				continue
			}
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(items) >= maxBatchInputs {
			return nil, fmt.Errorf("--batch %s: more than %d rows", in, maxBatchInputs)
		}
		it := batchItem{name: fmt.Sprintf("line %d", line), out: fmt.Sprintf("row-%06d", line)}
		u := ""
		if col < len(rec) {
			u = strings.TrimSpace(rec[col])
		}
		if isHTTPArg(u) {
			it.name += ": " + u
			it.data = []byte(u)
		} else {
			it.err = fmt.Errorf("no http(s) URL in column %d", col+1)
		}
		items = append(items, it)
	}
	return items, nil
}

// csvHeader recognises a header row: a cell named url, id or assertion,
// and no URL. It returns that cell's column.
func csvHeader(rec []string) (int, bool) {
	col := -1
	for i, cell := range rec {
		cell = strings.ToLower(strings.TrimSpace(cell))
		if isHTTPArg(cell) {
			return 0, false
		}
		if col < 0 && (cell == "url" || cell == "id" || cell == "assertion") {
			col = i
		}
	}
	return col, col >= 0
}
