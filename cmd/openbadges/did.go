package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/did"
)

const didSynopsis = `resolve [--allow-network] [--timeout D] DID|URL

Subcommands:
  resolve   print the DID document, controller document or key document of a
            DID or https URL as JSON; with a fragment (did:…#key-1 or
            https://…#key-1), print only that verification method

Flags of resolve:
  --allow-network   allow fetching did:web documents and https URLs
  --timeout D       time limit for each network fetch (default 10s)

did:key and did:jwk resolve offline. did:web and https URLs reach the network
and need --allow-network; fetches are https only, limited to 256 KiB and
3 redirects, and refuse loopback and private addresses.
Run 'openbadges did resolve --help' for details.`

const didResolveSynopsis = `[--allow-network] [--timeout D] DID|URL

Print the DID document, controller document or key document of a DID or https
URL as JSON; with a fragment, print only that verification method. did:key and
did:jwk resolve offline; did:web and https URLs need --allow-network.`

// runDID implements "openbadges did".
func runDID(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fs := newFlags(e, "did", didSynopsis)
		if done, code := parseFlags(e, fs, args); done {
			return code
		}
		return usageErrorf(e, "did", "missing subcommand (resolve)")
	}
	switch args[0] {
	case "resolve":
		return runDIDResolve(ctx, e, args[1:])
	}
	return usageErrorf(e, "did", "unknown subcommand %q (want resolve)", args[0])
}

func runDIDResolve(ctx context.Context, e *env, args []string) int {
	const name = "did resolve"
	fs := newFlags(e, name, didResolveSynopsis)
	allowNetwork := fs.Bool("allow-network", false, "allow fetching did:web documents and https URLs")
	timeout := fs.Duration("timeout", did.DefaultTimeout, "time limit for each network fetch")
	// Accept flags before and after the argument.
	var positional []string
	for {
		if done, code := parseFlags(e, fs, args); done {
			return code
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(positional) != 1 {
		return usageErrorf(e, name, "want exactly one DID or URL, got %d", len(positional))
	}
	if *timeout <= 0 {
		return usageErrorf(e, name, "--timeout must be positive")
	}
	input := positional[0]

	r := did.DefaultResolver()
	isNetwork := strings.HasPrefix(input, "https:") || strings.HasPrefix(input, "did:web:")
	if *allowNetwork {
		client := &http.Client{Timeout: *timeout + time.Second}
		r["web"] = &did.WebResolver{Client: client, Timeout: *timeout}
		r["https"] = &did.HTTPSResolver{Client: client, Timeout: *timeout}
	} else if isNetwork {
		return failf(e, name, "%q needs the network: did:web and https URLs resolve only with --allow-network", input)
	}

	docID, frag, hasFrag := strings.Cut(input, "#")
	doc, err := r.Resolve(ctx, docID)
	if err != nil {
		if errors.Is(err, did.ErrMethodNotSupported) && !*allowNetwork {
			return failf(e, name, "%v (offline: only did:key and did:jwk are supported)", err)
		}
		return failf(e, name, "%v", err)
	}
	var v any = doc
	if hasFrag {
		vm := doc.VerificationMethodByID(input)
		if vm == nil {
			return failf(e, name, "%q: no verification method #%s in the document", input, frag)
		}
		c := *vm
		c.ID = doc.AbsoluteID(vm.ID)
		v = &c
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return failf(e, name, "%v", err)
	}
	fmt.Fprintf(e.stdout, "%s\n", b)
	return exitOK
}
