package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
	resources      listFlags
	listIDMismatch bool
}

// register defines --offline, --status-list and --allow-list-id-mismatch on fs.
func (f *fetchFlags) register(fs *flag.FlagSet) {
	f.lists = listFlags{}
	fs.BoolVar(&f.offline, "offline", false, "no network: did:key and did:jwk keys only, status from --status-list files only")
	fs.Var(f.lists, "status-list", "use FILE as the status list (or revocation list) published at URL; repeatable")
	f.resources = listFlags{}
	fs.Var(f.resources, "resource", "serve FILE in place of the document at URL (Open Badges 2.0 assertions, badge classes, issuers, keys and revocation lists; status lists); URL/=DIR/ serves every file under DIR at URL/ + its path; repeatable")
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
	files, err := f.resourceMap()
	if err != nil {
		return nil, err
	}
	for u, name := range f.lists {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("--status-list: %w", err)
		}
		if files == nil {
			files = map[string][]byte{}
		}
		files[u] = b
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

// maxResourceFiles bounds the files a --resource folder may serve.
const maxResourceFiles = 10000

// resourceMap reads the --resource files: URL=FILE, or URL/=DIR/ for every
// regular file under DIR (at URL/ + its slash-separated path). Nil when
// none was given.
func (f *fetchFlags) resourceMap() (map[string][]byte, error) {
	if len(f.resources) == 0 {
		return nil, nil
	}
	out := map[string][]byte{}
	for u, name := range f.resources {
		st, err := os.Stat(name)
		if err != nil {
			return nil, fmt.Errorf("--resource: %w", err)
		}
		if !st.IsDir() {
			b, err := os.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("--resource: %w", err)
			}
			out[u] = b
			continue
		}
		if !strings.HasSuffix(u, "/") {
			return nil, fmt.Errorf("--resource: %s is a folder: its URL must end in / (URL/=DIR/)", name)
		}
		err = filepath.WalkDir(name, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			if len(out) >= maxResourceFiles {
				return fmt.Errorf("more than %d files", maxResourceFiles)
			}
			rel, err := filepath.Rel(name, p)
			if err != nil {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[u+filepath.ToSlash(rel)] = b
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("--resource %s: %w", name, err)
		}
	}
	return out, nil
}
