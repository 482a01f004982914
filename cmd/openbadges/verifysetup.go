package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
)

// listFlags collects repeated --status-list URL=FILE flags.
type listFlags map[string]string

func (l listFlags) String() string { return "" }
func (l listFlags) Set(s string) error {
	u, f, ok := strings.Cut(s, "=")
	if !ok || u == "" || f == "" {
		return fmt.Errorf("want URL=FILE, got %q", s)
	}
	l[u] = f
	return nil
}

// fetchFlags are the flags verify and verify-presentation share for what a
// verification may fetch: keys (DID documents, key documents, JWKS) and
// status lists, over HTTPS unless --offline, with --status-list files
// served in place of their URLs.
type fetchFlags struct {
	offline        bool
	lists          listFlags
	listIDMismatch bool
}

// register defines --offline, --status-list and --allow-list-id-mismatch on fs.
func (f *fetchFlags) register(fs *flag.FlagSet) {
	f.lists = listFlags{}
	fs.BoolVar(&f.offline, "offline", false, "no network: did:key and did:jwk keys only, status from --status-list files only")
	fs.Var(f.lists, "status-list", "use FILE as the status list (or revocation list) published at URL; repeatable")
	fs.BoolVar(&f.listIDMismatch, "allow-list-id-mismatch", false, "accept a status list whose id is not the URL the credential names (mirrored lists, the 1EdTech samples); reported")
}

// resolveKeys lets pv fetch keys (did:web, HTTPS key documents, JWKS)
// unless offline; offline, pv keeps its default: did:key and did:jwk.
func (f *fetchFlags) resolveKeys(pv *proof.Verifier) {
	if f.offline {
		return
	}
	pv.Resolver = did.Methods{
		"key":   did.KeyResolver{},
		"jwk":   did.JWKResolver{},
		"web":   &did.WebResolver{},
		"https": &did.HTTPSResolver{},
	}
	pv.KeySets = &proof.HTTPKeySets{}
}

// statusChecker returns the status checker: lists verified with pv and
// clock, read from the --status-list files first and, unless offline,
// fetched over HTTPS otherwise. An unreadable file is an error.
func (f *fetchFlags) statusChecker(pv *proof.Verifier, clock func() time.Time) (*status.Checker, error) {
	var files map[string][]byte
	if len(f.lists) > 0 {
		files = map[string][]byte{}
		for u, name := range f.lists {
			b, err := os.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("--status-list: %w", err)
			}
			files[u] = b
		}
	}
	checker := &status.Checker{Proofs: pv, Now: clock, AllowListIDMismatch: f.listIDMismatch}
	switch {
	case f.offline:
		checker.Fetcher = status.StaticFetcher(files)
	case files != nil:
		local, web := status.StaticFetcher(files), &status.HTTPFetcher{}
		checker.Fetcher = status.FetcherFunc(func(ctx context.Context, u string) ([]byte, error) {
			if _, ok := files[u]; ok {
				return local.Fetch(ctx, u)
			}
			return web.Fetch(ctx, u)
		})
	}
	// Online without files: the checker's default HTTPS fetcher.
	return checker, nil
}
