package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

const statusSynopsis = "create|set|check [flags]\n\n" +
	"Status lists (W3C Bitstring Status List, or StatusList2021 with --format statuslist2021):\n" +
	"  create  write a new signed list of --size entries (at least 131072) to publish at --url\n" +
	"  set     set (or --clear) an entry of a list file and sign the list again\n" +
	"  check   read an entry of a list file after verifying the list's proof\n" +
	"Run 'openbadges status SUBCOMMAND --help' for the flags."

func runStatus(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fs := newFlags(e, "status", statusSynopsis)
		if done, code := parseFlags(e, fs, args); done {
			return code
		}
		return usageErrorf(e, "status", "missing subcommand (create, set or check)")
	}
	switch args[0] {
	case "create":
		return runStatusCreate(ctx, e, args[1:])
	case "set":
		return runStatusSet(ctx, e, args[1:])
	case "check":
		return runStatusCheck(ctx, e, args[1:])
	}
	return usageErrorf(e, "status", "unknown subcommand %q (want create, set or check)", args[0])
}

// readKey loads a private key file as a proof key.
func readKey(e *env, cmd, path string) (proof.Key, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		failf(e, cmd, "reading key: %v", err)
		return proof.Key{}, false
	}
	k, err := did.ParsePrivateKey(data)
	if err != nil {
		failf(e, cmd, "key %s: %v", path, err)
		return proof.Key{}, false
	}
	if !strings.Contains(k.ID, ":") {
		failf(e, cmd, "key %s has no verification method URL (id); list proofs need one", path)
		return proof.Key{}, false
	}
	return proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, true
}

// writeOutput writes b to path ("-" = stdout).
func writeOutput(e *env, path string, b []byte) error {
	if len(b) > 0 && b[len(b)-1] != '\n' {
		b = append(b, '\n')
	}
	if path == "-" {
		_, err := e.stdout.Write(b)
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

const statusCreateSynopsis = "--key KEYFILE --url URL [--purpose revocation|suspension] [--size N] [--format bitstring|statuslist2021] [--ttl D] [--valid-for D] -o LIST.json\n\n" +
	"Writes a new, empty status list credential signed with KEYFILE (its controller is the list's\n" +
	"issuer, which must be the issuer of the credentials that use the list). Publish it at URL."

func runStatusCreate(ctx context.Context, e *env, args []string) int {
	const name = "status create"
	fs := newFlags(e, name, statusCreateSynopsis)
	keyFile := fs.String("key", "", "private key file (JWK or Multikey)")
	url := fs.String("url", "", "https URL the list will be published at")
	purpose := fs.String("purpose", status.PurposeRevocation, "statusPurpose: revocation or suspension")
	size := fs.Int("size", status.MinEntries, "number of entries (at least 131072)")
	format := fs.String("format", "bitstring", "bitstring (BitstringStatusListCredential) or statuslist2021")
	ttl := fs.Duration("ttl", 0, "ttl written into the list: how long verifiers may cache it (bitstring only)")
	validFor := fs.Duration("valid-for", 0, "write validUntil this long after now (0 = none)")
	out := fs.String("o", "", "output file (- for stdout)")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	if fs.NArg() != 0 {
		return usageErrorf(e, name, "unexpected argument %q", fs.Arg(0))
	}
	if *keyFile == "" || *url == "" || *out == "" {
		return usageErrorf(e, name, "--key, --url and -o are required")
	}
	if *purpose != status.PurposeRevocation && *purpose != status.PurposeSuspension {
		return usageErrorf(e, name, "--purpose %q: want revocation or suspension", *purpose)
	}
	if *size < status.MinEntries {
		return usageErrorf(e, name, "--size %d: a list has at least %d entries", *size, status.MinEntries)
	}
	f, ok := parseFormat(*format)
	if !ok {
		return usageErrorf(e, name, "--format %q: want bitstring or statuslist2021", *format)
	}
	if !strings.HasPrefix(*url, "https://") {
		return usageErrorf(e, name, "--url must be an https URL")
	}
	key, ok := readKey(e, name, *keyFile)
	if !ok {
		return exitInvalid
	}
	l, err := status.NewList(status.ListOptions{ID: *url, Format: f, Purpose: *purpose, Entries: *size, TTL: *ttl})
	if err != nil {
		return failf(e, name, "%v", err)
	}
	b, err := l.Sign(ctx, key, &status.SignOptions{ValidFor: *validFor})
	if err != nil {
		return failf(e, name, "%v", err)
	}
	if err := writeOutput(e, *out, b); err != nil {
		return failf(e, name, "%v", err)
	}
	fmt.Fprintf(e.stderr, "created %s list of %d entries for %s\n", l.Options().Purpose, l.Options().Entries, *url)
	return exitOK
}

func parseFormat(s string) (status.Format, bool) {
	switch strings.ToLower(s) {
	case "bitstring", "bitstringstatuslist":
		return status.FormatBitstring, true
	case "statuslist2021":
		return status.FormatStatusList2021, true
	}
	return 0, false
}

const statusSetSynopsis = "--key KEYFILE --list LIST.json --index I [--clear] [--valid-for D] [-o OUT.json]\n\n" +
	"Sets entry I of the list (revokes or suspends), or with --clear resets it, and signs the list\n" +
	"again with KEYFILE. The list file is rewritten unless -o names another output."

func runStatusSet(ctx context.Context, e *env, args []string) int {
	const name = "status set"
	fs := newFlags(e, name, statusSetSynopsis)
	keyFile := fs.String("key", "", "private key file (JWK or Multikey)")
	listFile := fs.String("list", "", "status list credential file")
	index := fs.Int("index", -1, "entry to set")
	clear := fs.Bool("clear", false, "reset the entry to 0 instead")
	validFor := fs.Duration("valid-for", 0, "write validUntil this long after now (0 = none)")
	out := fs.String("o", "", "output file (default: rewrite --list; - for stdout)")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	if fs.NArg() != 0 {
		return usageErrorf(e, name, "unexpected argument %q", fs.Arg(0))
	}
	if *keyFile == "" || *listFile == "" || *index < 0 {
		return usageErrorf(e, name, "--key, --list and --index are required")
	}
	key, ok := readKey(e, name, *keyFile)
	if !ok {
		return exitInvalid
	}
	data, err := readInput(e, *listFile)
	if err != nil {
		return failf(e, name, "%v", err)
	}
	l, err := status.ParseList(data, 1, nil)
	if err != nil {
		return failf(e, name, "%v", err)
	}
	ctrl, _, _ := strings.Cut(key.VerificationMethod, "#")
	if l.Options().Issuer != ctrl {
		return failf(e, name, "the list's issuer %q is not the key's controller %q", l.Options().Issuer, ctrl)
	}
	v := uint64(1)
	if *clear {
		v = 0
	}
	if err := l.Set(*index, v); err != nil {
		return failf(e, name, "%v", err)
	}
	b, err := l.Sign(ctx, key, &status.SignOptions{ValidFor: *validFor})
	if err != nil {
		return failf(e, name, "%v", err)
	}
	dest := *out
	if dest == "" {
		dest = *listFile
	}
	if err := writeOutput(e, dest, b); err != nil {
		return failf(e, name, "%v", err)
	}
	fmt.Fprintf(e.stderr, "index %d set to %d; the list is signed again: publish %s at %s\n", *index, v, dest, l.Options().ID)
	return exitOK
}

const statusCheckSynopsis = "--list LIST.json --index I [--insecure-fragment-keys] [--json]\n\n" +
	"Verifies the list's proof (did:key and did:jwk keys; with --insecure-fragment-keys also the 1EdTech\n" +
	"https://host/path#z6Mk... keys), decodes it and prints the status of entry I.\n" +
	"Exit status 0 when the entry is in good standing, 1 when it is revoked, suspended or unknown."

func runStatusCheck(ctx context.Context, e *env, args []string) int {
	const name = "status check"
	fs := newFlags(e, name, statusCheckSynopsis)
	listFile := fs.String("list", "", "status list credential file")
	index := fs.Int("index", -1, "entry to read")
	fragmentKeys := fs.Bool("insecure-fragment-keys", false, "accept https verification methods whose fragment is the key, as the 1EdTech validator does (anyone can forge such a key)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	if fs.NArg() != 0 {
		return usageErrorf(e, name, "unexpected argument %q", fs.Arg(0))
	}
	if *listFile == "" || *index < 0 {
		return usageErrorf(e, name, "--list and --index are required")
	}
	data, err := readInput(e, *listFile)
	if err != nil {
		return failf(e, name, "%v", err)
	}
	res, err := checkListFile(ctx, data, *index, &proof.Verifier{InsecureFragmentKeys: *fragmentKeys})
	if res == nil {
		return failf(e, name, "%v", err)
	}
	if *asJSON {
		b, _ := json.Marshal(struct {
			*vc.StatusResult
			Error string `json:"error,omitempty"`
		}{res, errString(err)})
		fmt.Fprintln(e.stdout, string(b))
	} else {
		line := fmt.Sprintf("index %d: %s (value %d)", res.Index, res.Outcome, res.Value)
		if res.Message != "" {
			line += ": " + res.Message
		}
		fmt.Fprintln(e.stdout, line)
		if err != nil && errors.Is(err, vc.ErrStatusUnknown) {
			fmt.Fprintf(e.stderr, "openbadges %s: %v\n", name, err)
		}
	}
	if err != nil {
		return exitInvalid
	}
	return exitOK
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// checkListFile reads entry index of a list credential through the same
// checker verifiers use: the list is served locally under its own id, and
// the credential asking is one of the list's issuer.
func checkListFile(ctx context.Context, data []byte, index int, proofs *proof.Verifier) (*vc.StatusResult, error) {
	var head struct {
		ID     string   `json:"id"`
		Type   []string `json:"type"`
		Issuer any      `json:"issuer"`
		Sub    struct {
			Purpose any `json:"statusPurpose"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(data, &head); err != nil || head.ID == "" {
		return nil, fmt.Errorf("the list file is not a JSON status list credential with an id")
	}
	entryType := status.TypeBitstringEntry
	for _, t := range head.Type {
		if t == status.TypeStatusList2021Credential {
			entryType = status.TypeStatusList2021Entry
		}
	}
	purpose, _ := head.Sub.Purpose.(string)
	if ps, ok := head.Sub.Purpose.([]any); ok && len(ps) > 0 {
		purpose, _ = ps[0].(string)
	}
	holder, err := json.Marshal(map[string]any{"@context": []string{vc.ContextV2}, "type": []string{"VerifiableCredential"}, "issuer": head.Issuer})
	if err != nil {
		return nil, err
	}
	c, err := vc.Parse(holder)
	if err != nil {
		return nil, err
	}
	ch := status.NewLocalChecker(map[string][]byte{head.ID: data}, proofs)
	ch.CacheTTL = -1
	entry := map[string]any{"type": entryType, "statusPurpose": purpose, "statusListIndex": fmt.Sprint(index), "statusListCredential": head.ID}
	return ch.CheckStatus(ctx, c, entry)
}
