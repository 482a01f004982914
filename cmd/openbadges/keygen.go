package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/openbadges-go/openbadges/did"
)

const keygenSynopsis = `[--alg Ed25519|P-256|P-384|RS256] [--seed HEX] [--format jwk|multikey] [-o FILE]

Generate a private key and print it (or write it to FILE) as a JWK (RFC 7517,
with "d") or as a Multikey key pair ("publicKeyMultibase",
"secretKeyMultibase"). The key's "kid" / "id" is its did:key verification
method (did:key:z…#z…); an RSA key, which is for RS256 JWTs, is a JWK whose
"kid" is its RFC 7638 thumbprint, which names no controller: 'openbadges issue'
needs --controller with it. The verification method id is also printed on
stderr.`

// runKeygen implements "openbadges keygen".
func runKeygen(ctx context.Context, e *env, args []string) int {
	const name = "keygen"
	fs := newFlags(e, name, keygenSynopsis)
	alg := fs.String("alg", "Ed25519", "key algorithm: Ed25519, P-256, P-384 or RS256")
	seedHex := fs.String("seed", "", "64 hex digits: derive a deterministic Ed25519 key from this seed (for tests only; the seed is the private key)")
	format := fs.String("format", "jwk", "output format: jwk or multikey (multikey: Ed25519, P-256 and P-384 only)")
	out := fs.String("o", "", "write the key to this new file (mode 0600; an existing file is not overwritten) instead of stdout")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		return usageErrorf(e, name, "unexpected argument %q", fs.Arg(0))
	}
	switch *alg {
	case did.AlgEd25519, did.AlgP256, did.AlgP384, did.AlgRS256:
	default:
		return usageErrorf(e, name, "--alg must be Ed25519, P-256, P-384 or RS256, not %q", *alg)
	}
	if *format != "jwk" && *format != "multikey" {
		return usageErrorf(e, name, "--format must be jwk or multikey, not %q", *format)
	}
	if *format == "multikey" && *alg == did.AlgRS256 {
		return usageErrorf(e, name, "RS256 keys can only be written as --format jwk")
	}

	var k *did.Key
	var err error
	if *seedHex != "" {
		if *alg != did.AlgEd25519 {
			return usageErrorf(e, name, "--seed works with --alg Ed25519 only")
		}
		seed, herr := hex.DecodeString(strings.TrimSpace(*seedHex))
		if herr != nil || len(seed) != 32 {
			return usageErrorf(e, name, "--seed must be 64 hex digits (32 bytes)")
		}
		k, err = did.NewEd25519KeyFromSeed(seed)
	} else {
		k, err = did.GenerateKey(*alg, rand.Reader)
	}
	if err != nil {
		return failf(e, name, "%v", err)
	}
	var data []byte
	if *format == "multikey" {
		data, err = k.MarshalMultikey()
	} else {
		data, err = k.MarshalJWK()
	}
	if err != nil {
		return failf(e, name, "%v", err)
	}
	data = append(data, '\n')
	if *out == "" {
		if _, err := e.stdout.Write(data); err != nil {
			return failf(e, name, "%v", err)
		}
	} else if err := writeNewFile(*out, data); err != nil {
		return failf(e, name, "%v", err)
	}
	fmt.Fprintf(e.stderr, "verification method: %s\n", k.ID)
	return exitOK
}

// writeNewFile writes a private file that must not exist yet.
func writeNewFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s already exists; not overwriting a key file", path)
		}
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
