package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"strings"

	"github.com/openbadges-go/openbadges/server"
)

const tokenSynopsis = "create --scopes issue,status [--name NAME] [--file TOKENS]\n\n" +
	"Makes a new random bearer token for 'openbadges serve --auth-tokens TOKENS' and prints two\n" +
	"lines on stdout: the token (give it to the caller; it is not kept anywhere), then the line to\n" +
	"add to the token file, which holds only the token's SHA-256:\n\n" +
	"    sha256:HEX SCOPES [NAME]\n\n" +
	"Scopes: issue (POST /credentials/issue and POST /wallet/exchanges), status (POST\n" +
	"/credentials/status). --file appends the line to TOKENS (created with mode 0600 if missing);\n" +
	"restart serve to load it."

// runToken implements "openbadges token".
func runToken(_ context.Context, e *env, args []string) int {
	const name = "token"
	if len(args) == 0 || args[0] != "create" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fs := newFlags(e, name, tokenSynopsis)
			fs.SetOutput(e.stdout)
			fs.Usage()
			return exitOK
		}
		return usageErrorf(e, name, "want 'token create --scopes issue,status'")
	}
	fs := newFlags(e, name, tokenSynopsis)
	scopes := fs.String("scopes", "", "comma-separated scopes: issue, status")
	who := fs.String("name", "", "whose token it is, written after the scopes (free text)")
	file := fs.String("file", "", "append the line to this token file")
	if done, code := parseFlags(e, fs, args[1:]); done {
		return code
	}
	if fs.NArg() > 0 {
		return usageErrorf(e, name, "unexpected argument %q", fs.Arg(0))
	}
	var list []string
	for _, s := range strings.Split(*scopes, ",") {
		if s = strings.TrimSpace(s); s != "" {
			list = append(list, s)
		}
	}
	tok, line, err := server.NewToken(rand.Reader, list, *who)
	if err != nil {
		return usageErrorf(e, name, "%v", err)
	}
	if *file != "" {
		if err := appendLine(*file, line); err != nil {
			return failf(e, name, "%v", err)
		}
		fmt.Fprintf(e.stderr, "openbadges token: added to %s; restart serve to load it\n", *file)
	}
	fmt.Fprintln(e.stdout, tok)
	fmt.Fprintln(e.stdout, line)
	return exitOK
}

// appendLine appends line to path durably, creating it with mode 0600.
func appendLine(path, line string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(line + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
