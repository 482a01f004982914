package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/internal/budget"
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

// fetchFlags are the flags verify, verify-presentation and upgrade share for what a
// verification may fetch: keys (DID documents, key documents, JWKS) and
// status lists, over HTTPS unless --offline, with --status-list files
// served in place of their URLs.
type fetchFlags struct {
	offline        bool
	lists          listFlags
	resources      listFlags
	listIDMismatch bool

	// The --resource files, read once (resourceMap).
	readOnce sync.Once
	files    map[string][]byte
	filesErr error
}

// register defines --offline, --resource, --status-list and
// --allow-list-id-mismatch on fs.
func (f *fetchFlags) register(fs *flag.FlagSet) {
	f.registerResources(fs)
	f.lists = listFlags{}
	fs.Var(f.lists, "status-list", "use FILE as the status list (or revocation list) published at URL; repeatable")
	fs.BoolVar(&f.listIDMismatch, "allow-list-id-mismatch", false, "accept a status list whose id is not the URL the credential names (mirrored lists, the 1EdTech samples); reported")
}

// registerResources defines --offline and --resource only (upgrade, which
// reads no status list).
func (f *fetchFlags) registerResources(fs *flag.FlagSet) {
	fs.BoolVar(&f.offline, "offline", false, "no network: did:key and did:jwk keys, and only what --resource and --status-list files serve")
	f.resources = listFlags{}
	fs.Var(f.resources, "resource", "serve FILE in place of the document at URL: Open Badges 2.0 assertions, badge classes, issuers, keys and revocation lists; did:web DID documents (https://HOST/.well-known/did.json or https://HOST/PATH/did.json), HTTPS key documents and JWK Sets; status lists. URL/=DIR/ serves every file under DIR at URL/ + its path; repeatable")
}

// resolveKeys sets how pv finds keys. Online, did:web DIDs, HTTPS key
// documents and JWK Sets are fetched (--resource files first); offline,
// only did:key, did:jwk and, when --resource files are given, did:web
// documents, key documents and JWK Sets among them. An unreadable
// --resource file fails every key fetch (and the command, which reads
// the map again through resourceMap).
func (f *fetchFlags) resolveKeys(pv *proof.Verifier) {
	files, err := f.resourceMap()
	if f.offline && files == nil && err == nil {
		return // pv's default: did:key and did:jwk, no I/O
	}
	rt := &resourceTransport{files: files, err: err}
	if !f.offline {
		rt.next = networkTransport()
	}
	// The resolvers' own address guard is off: it would look up the
	// host of a --resource URL (offline, in vain) and wrap rt in a
	// weaker check. rt applies the full guard to what it sends out, and
	// the resolvers still keep their redirect rules, size and time limits
	// and the verification budget (a --resource file is charged as a
	// fetch, as ob2 charges its resources).
	client := &http.Client{Transport: rt}
	pv.Resolver = did.Methods{
		"key":   did.KeyResolver{},
		"jwk":   did.JWKResolver{},
		"web":   &did.WebResolver{Client: client, AllowPrivateAddresses: true},
		"https": &did.HTTPSResolver{Client: client, AllowPrivateAddresses: true},
	}
	pv.KeySets = &proof.HTTPKeySets{Client: client, AllowPrivateAddresses: true}
}

// resourceTransport answers GETs of the --resource URLs from files, and
// sends the others to next (the guarded network transport), or refuses
// them when next is nil (--offline).
type resourceTransport struct {
	files map[string][]byte
	err   error // reading the files failed: every request fails with it
	next  http.RoundTripper
}

func (t *resourceTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	if t.err != nil {
		return nil, t.err
	}
	u := *req.URL
	u.Fragment, u.RawFragment = "", ""
	if b, ok := t.files[u.String()]; ok && req.Method == http.MethodGet {
		return &http.Response{
			Status:        "200 OK",
			StatusCode:    http.StatusOK,
			Proto:         "HTTP/1.1",
			ProtoMajor:    1,
			ProtoMinor:    1,
			Header:        http.Header{"Content-Type": {resourceMediaType(u.Path)}},
			Body:          io.NopCloser(bytes.NewReader(b)),
			ContentLength: int64(len(b)),
			Request:       req,
		}, nil
	}
	if t.next == nil {
		return nil, fmt.Errorf("offline, and %s is not among the --resource files", u.String())
	}
	return t.next.RoundTrip(req)
}

// resourceMediaType is the content type a --resource file is served with:
// the one its kind of document is published with, all of which the key
// fetchers accept.
func resourceMediaType(path string) string {
	switch {
	case strings.HasSuffix(path, "/did.json"):
		return "application/did+json"
	case strings.HasSuffix(path, "/jwks.json"):
		return "application/jwk-set+json"
	}
	return "application/json"
}

// networkTransport is the transport of the module's guarded client
// (did.GuardedClient: the address guard on the connection dialled, no
// environment proxy), for the requests resourceTransport sends out. The
// client that wraps resourceTransport charges the budget, so this one is
// given a context without it (else every request would count twice).
func networkTransport() http.RoundTripper {
	guarded := did.GuardedClient(nil, -1, false).Transport
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		return guarded.RoundTrip(req.WithContext(budget.With(req.Context(), nil)))
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// statusChecker returns the status checker: lists verified with pv and
// clock, read from the --status-list files first and, unless offline,
// fetched over HTTPS otherwise. An unreadable file is an error.
func (f *fetchFlags) statusChecker(pv *proof.Verifier, clock func() time.Time) (*status.Checker, error) {
	resources, err := f.resourceMap()
	if err != nil {
		return nil, err
	}
	var files map[string][]byte
	if resources != nil || len(f.lists) > 0 {
		files = maps.Clone(resources) // the --resource map is shared: not written to
		if files == nil {
			files = map[string][]byte{}
		}
	}
	for u, name := range f.lists {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("--status-list: %w", err)
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
// none was given. The files are read once; the map is shared, and must
// not be written to.
func (f *fetchFlags) resourceMap() (map[string][]byte, error) {
	f.readOnce.Do(func() { f.files, f.filesErr = f.readResources() })
	return f.files, f.filesErr
}

func (f *fetchFlags) readResources() (map[string][]byte, error) {
	if len(f.resources) == 0 {
		return nil, nil
	}
	out := map[string][]byte{}
	// Folders first, in URL order, then single files: a file named for
	// one URL always wins over a folder that also serves it, whatever the
	// order of the flags (a map has none).
	urls := slices.Sorted(maps.Keys(f.resources))
	files := map[string][]byte{}
	for _, u := range urls {
		name := f.resources[u]
		st, err := os.Stat(name)
		if err != nil {
			return nil, fmt.Errorf("--resource: %w", err)
		}
		if !st.IsDir() {
			b, err := os.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("--resource: %w", err)
			}
			files[u] = b
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
	maps.Copy(out, files)
	return out, nil
}
