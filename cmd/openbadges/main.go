// Command openbadges issues, verifies, bakes and inspects Open Badges 3.0
// credentials. Run "openbadges --help" for the list of commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// Exit codes shared by every subcommand.
const (
	exitOK      = 0 // success (for verify: the credential verified)
	exitInvalid = 1 // invalid input, or a credential that did not verify
	exitUsage   = 2 // the command line itself is wrong
)

// env is what a subcommand may touch: its streams. Tests pass buffers.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand. run returns the process exit code.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) int
}

// commands lists every subcommand; each lives in a file of its own name.
func commands() []command {
	cs := []command{
		{"demo", "issue, bake and verify a sample badge with embedded defaults (no network)", runDemo},
		{"canon", "print the RDFC-1.0 canonical N-Quads of a JSON-LD document or N-Quads dataset", runCanon},
		{"keygen", "generate a private key (JWK or Multikey) whose id is its did:key", runKeygen},
		{"did", "DID tools: 'did resolve' prints a DID document or key document", runDID},
		{"verify", "verify a credential (JSON, VC-JWT, baked PNG or SVG) and list every check", runVerify},
		{"issue", "sign a credential with a Data Integrity proof or as a VC-JWT", runIssue},
		{"upgrade", "verify Open Badges 2.0 assertions and upgrade them to signed 3.0 credentials (also --batch)", runUpgrade},
		{"bake", "embed a credential in a PNG or SVG badge image", runBake},
		{"unbake", "print the credential embedded in a PNG or SVG badge image", runUnbake},
		{"offer", "offer a badge to a learner's wallet: deep links, OpenID4VCI offer, QR code (--serve to deliver it)", runOffer},
		{"derive", "derive a selective disclosure of an ecdsa-sd-2023 credential (--reveal POINTER)", runDerive},
		{"status", "status lists: create, set (revoke, suspend, clear) and check entries", runStatus},
		{"serve", "run the HTTP server: verifier page, VC-API issue and verify, issuer documents", runServe},
		{"pathway", "stackable pathways: check a definition, evaluate credentials, issue the stacked credential", runPathway},
		{"present", "sign a verifiable presentation of credentials with the holder's key (challenge, domain)", runPresent},
		{"verify-presentation", "verify a presentation: holder proof, challenge, domain, every credential, holder binding", runVerifyPresentation},
		{"bench", "measure issuing and verifying on this machine, as ratios to raw Ed25519", runBench},
		{"token", "make a bearer token for 'serve --auth-tokens' (scopes issue, status)", runToken},
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	return cs
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run dispatches args to a subcommand; it is main without the process.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(e.stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	fmt.Fprintf(e.stderr, "openbadges: unknown command %q; run 'openbadges --help'\n", args[0])
	return exitUsage
}

func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("openbadges: issue, verify, bake and inspect Open Badges 3.0 credentials\n\n")
	b.WriteString("Usage: openbadges COMMAND [flags] [args]\n\nCommands:\n")
	cs := commands()
	width := 0
	for _, c := range cs {
		width = max(width, len(c.name))
	}
	for _, c := range cs {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, c.name, c.summary)
	}
	b.WriteString("\nRun 'openbadges COMMAND --help' for the flags of a command.\n")
	b.WriteString("Exit status: 0 success, 1 invalid input or not verified, 2 usage error.\n")
	io.WriteString(w, b.String())
}

// failf prints one line on stderr, prefixed with the command name, and
// returns exitInvalid.
func failf(e *env, cmd string, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "openbadges %s: %s\n", cmd, fmt.Sprintf(format, args...))
	return exitInvalid
}

// newFlags returns a flag set for a subcommand whose usage text (printed by
// --help on stdout, or on a usage error on stderr) starts with synopsis.
func newFlags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("openbadges "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: openbadges %s %s\n", name, synopsis)
		var any bool
		fs.VisitAll(func(*flag.Flag) { any = true })
		if any {
			fmt.Fprintln(fs.Output(), "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args. When it returns done, the caller returns code at
// once: 0 after --help (usage on stdout), 2 after a usage error (usage on
// stderr).
func parseFlags(e *env, fs *flag.FlagSet, args []string) (done bool, code int) {
	fs.SetOutput(io.Discard) // flag's own messages are replaced by ours below
	err := fs.Parse(args)
	if err == nil {
		return false, 0
	}
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(e.stdout)
		fs.Usage()
		return true, exitOK
	}
	fmt.Fprintf(e.stderr, "%s: %v\n", fs.Name(), err)
	fs.SetOutput(e.stderr)
	fs.Usage()
	return true, exitUsage
}

// usageErrorf reports a usage error found after flag parsing.
func usageErrorf(e *env, cmd string, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "openbadges %s: %s\nRun 'openbadges %s --help' for usage.\n", cmd, fmt.Sprintf(format, args...), cmd)
	return exitUsage
}

// maxInputBytes bounds what a command reads from a file or stdin.
const maxInputBytes = 16 << 20

// readInput reads the file named by path, or stdin when path is "-", up to
// maxInputBytes; a larger input is an error rather than a truncation.
func readInput(e *env, path string) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxInputBytes {
		return nil, fmt.Errorf("%s: input larger than %d bytes", path, maxInputBytes)
	}
	return b, nil
}
