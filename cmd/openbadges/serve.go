package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/ob2"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/server"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

const serveSynopsis = "[--addr 127.0.0.1:8080] [--key KEYFILE] [--issuer-profile FILE] [--status-dir DIR] [--offline]\n" +
	"       [--profile strict|interop|1edtech-validator]\n\n" +
	"Runs the HTTP handlers of package server together: the verifier page at /, the Open Badges\n" +
	"verify endpoint (POST /verify), the W3C VC-API (POST /credentials/issue, /credentials/verify,\n" +
	"/presentations/verify), and the issuer's published documents: the profile at /issuer\n" +
	"(--issuer-profile, else a minimal Profile derived from the key: id = its DID or https URL,\n" +
	"name = its host), the DID document of a did:web key, the JWK Set of an https key\n" +
	"(/.well-known/jwks.json), and the status lists of --status-dir at /status/NAME (NAME.json\n" +
	"or NAME.jwt). SIGHUP reloads --status-dir: a list that changed is served at once (its ETag\n" +
	"changes) and the verify endpoints drop their cached copy of it, so a revocation is seen at the\n" +
	"next check.\n" +
	"Without --key it issues as a new ephemeral did:key. It binds to loopback unless --addr\n" +
	"says otherwise; the issue endpoint has no authentication of its own. SIGINT or SIGTERM\n" +
	"shuts it down cleanly."

// Server timeouts of "openbadges serve".
const (
	serveReadHeaderTimeout = 10 * time.Second
	serveReadTimeout       = 60 * time.Second
	serveWriteTimeout      = 90 * time.Second
	serveIdleTimeout       = 2 * time.Minute
	serveShutdownTimeout   = 10 * time.Second
)

func runServe(ctx context.Context, e *env, args []string) int {
	const name = "serve"
	fs := newFlags(e, name, serveSynopsis)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (host:port); loopback unless you mean otherwise")
	keyFile := fs.String("key", "", "issuer key file (JWK or Multikey); its id (did:key, did:web or https URL) names the issuer")
	profileFile := fs.String("issuer-profile", "", "issuer Profile (JSON-LD) to publish, at the path of its https id or at /issuer (default: a minimal Profile derived from the key)")
	statusDir := fs.String("status-dir", "", "directory of signed status list credentials to publish at /status/NAME")
	vcapiInline := fs.Bool("vc-api-inline-contexts", true, "admit inline @context objects at the W3C VC-API endpoints (/credentials/*, /presentations/verify), as the W3C test suites send them; POST /verify and the page stay strict")
	offline := fs.Bool("offline", false, "verify without the network: did:key and did:jwk keys only, no status list fetches")
	var policy badge.Policy
	fs.TextVar(&policy, "profile", badge.PolicyStrict, "verification profile of POST /verify and the page: strict, interop (real ecosystems: conformance failures, short or foreign-signed or mirrored status lists, invalid endorsements, eddsa-2022 are warnings) or 1edtech-validator (the validator's verdicts, insecure key rules included); every relaxation is reported")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		return usageErrorf(e, name, "unexpected argument %q", fs.Arg(0))
	}

	var cfg server.Config
	// The issuer key.
	var key *did.Key
	if *keyFile == "" {
		k, err := did.GenerateKey(did.AlgEd25519, rand.Reader)
		if err != nil {
			return failf(e, name, "%v", err)
		}
		key = k
		fmt.Fprintf(e.stderr, "openbadges serve: no --key given: issuing as a new ephemeral issuer %s (its key is lost on exit)\n", k.Controller)
	} else {
		data, err := os.ReadFile(*keyFile)
		if err != nil {
			return failf(e, name, "reading key: %v", err)
		}
		if key, err = did.ParsePrivateKey(data); err != nil {
			return failf(e, name, "key %s: %v", *keyFile, err)
		}
		if !strings.Contains(key.ID, ":") {
			return failf(e, name, "key %s has no id (a did:key, did:web or https verification method URL)", *keyFile)
		}
	}
	// AllowExpired: the VC-API issue endpoint signs what it is given even
	// when its validity window has ended, as the W3C suites expect (they
	// issue expired credentials to test verifiers); every other check of
	// the library's Issuer applies.
	cfg.Issuer = &badge.Issuer{Key: proof.Key{Signer: key.Signer, VerificationMethod: key.ID}, AllowExpired: true}
	controller, _, _ := strings.Cut(key.ID, "#")
	switch {
	case strings.HasPrefix(key.ID, "did:web:"):
		doc, err := did.NewWebDocument(controller, []*did.Key{key}, nil)
		if err != nil {
			return failf(e, name, "key %s: %v", key.ID, err)
		}
		cfg.DIDDocument = doc
	case strings.HasPrefix(key.ID, "https://"):
		j, err := key.JWK()
		if err != nil {
			return failf(e, name, "%v", err)
		}
		pub := j.Public()
		pub.Kid = key.ID
		cfg.JWKS = &did.JWKSet{Keys: []did.JWK{*pub}}
	}

	// The issuer profile: the given one, else a minimal one derived from
	// the key (id = its controller, name = its host).
	profileID := controller
	if *profileFile != "" {
		b, err := os.ReadFile(*profileFile)
		if err != nil {
			return failf(e, name, "reading issuer profile: %v", err)
		}
		var p struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(b, &p); err != nil {
			return failf(e, name, "issuer profile %s: %v", *profileFile, err)
		}
		cfg.Profile, profileID = b, p.ID
	} else if b, err := server.MinimalProfile(controller, ""); err != nil {
		fmt.Fprintf(e.stderr, "openbadges serve: no issuer profile published: %v\n", err)
	} else {
		cfg.Profile = b
	}
	if u, err := url.Parse(profileID); err == nil && u.Scheme == "https" && u.Path != "" && u.Path != "/" {
		cfg.ProfilePath = u.Path
	}
	if cfg.Profile != nil && *profileFile == "" {
		path := cfg.ProfilePath
		if path == "" {
			path = server.DefaultProfilePath
		}
		fmt.Fprintf(e.stderr, "openbadges serve: no --issuer-profile given: publishing a minimal profile of %s at %s\n", controller, path)
	}
	// Verification: the same network rules as "openbadges verify".
	pv := &proof.Verifier{ClockSkew: 5 * time.Minute}
	opts := badge.VerifierOptions{Proofs: pv, Policy: policy}
	if *offline {
		opts.Status = status.NewLocalChecker(nil, nil)
	} else {
		pv.Resolver = did.Methods{"key": did.KeyResolver{}, "jwk": did.JWKResolver{}, "web": &did.WebResolver{}, "https": &did.HTTPSResolver{}}
		pv.KeySets = &proof.HTTPKeySets{}
		// Lists are verified with the verifier of each endpoint (the
		// profile's for /verify, pv for the VC-API).
		opts.Status = &status.Checker{}
		opts.Refresher = &status.Refresher{}
	}
	v, err := badge.NewVerifier(opts)
	if err != nil {
		return failf(e, name, "%v", err)
	}
	// Open Badges 2.0 assertions: their linked documents fetched over
	// HTTPS (guarded, budgeted) unless --offline.
	ov, err := ob2.NewVerifier(ob2.Options{Offline: *offline})
	if err != nil {
		return failf(e, name, "%v", err)
	}
	v = v.WithKinds(ob2.Kind(ov))
	cfg.Verifier = v
	cfg.Options = server.Options{Proofs: pv, Status: opts.Status}
	if *vcapiInline {
		// The W3C VC-API endpoints verify and issue any W3C credential,
		// and the W3C suites send inline context objects: admitted there
		// (every other rule of the strict compact form stays on, so what
		// is checked is still what is signed); POST /verify stays strict.
		cfg.Options.Processor = vc.NewProcessor(&vc.ProcessorOptions{AllowInlineContexts: true})
		apv := *pv
		apv.Processor = cfg.Options.Processor
		cfg.Options.Proofs = &apv
	}
	if *statusDir != "" {
		cfg.StatusLists = newServeStatusLists(opts.Status)
		if err := cfg.StatusLists.LoadDir(*statusDir); err != nil {
			return failf(e, name, "--status-dir: %v", err)
		}
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
		rctx, stop := context.WithCancel(ctx)
		defer stop()
		go reloadStatusDir(rctx, hup, cfg.StatusLists, *statusDir, e.stderr)
	}
	h, err := server.New(cfg)
	if err != nil {
		return failf(e, name, "%v", err)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return failf(e, name, "%v", err)
	}
	if host, _, err := net.SplitHostPort(ln.Addr().String()); err == nil {
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			fmt.Fprintf(e.stderr, "openbadges serve: WARNING: listening on %s, not loopback: anyone who can reach it can issue as %s\n", ln.Addr(), controller)
		}
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: serveReadHeaderTimeout,
		ReadTimeout:       serveReadTimeout,
		WriteTimeout:      serveWriteTimeout,
		IdleTimeout:       serveIdleTimeout,
		MaxHeaderBytes:    64 << 10,
	}
	fmt.Fprintf(e.stderr, "openbadges serve: issuer %s\n", controller)
	fmt.Fprintf(e.stderr, "openbadges serve: listening on http://%s/ (verifier page at /, VC-API at /credentials/issue, /credentials/verify, /presentations/verify)\n", ln.Addr())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return failf(e, name, "%v", err)
	case <-ctx.Done():
	}
	fmt.Fprintln(e.stderr, "openbadges serve: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), serveShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return failf(e, name, "shutdown: %v", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return failf(e, name, "%v", err)
	}
	return exitOK
}

// newServeStatusLists returns the status lists of "openbadges serve",
// wired to its status checker: a list that a reload republishes changed
// is forgotten by the checker, so the verify endpoints fetch it again at
// their next check instead of answering from a copy cached up to
// status.DefaultCacheTTL ago. The checker still fetches it from its URL
// (the list's id), as it fetches any list.
func newServeStatusLists(checker vc.StatusChecker) *server.StatusLists {
	lists := &server.StatusLists{}
	if ch, ok := checker.(*status.Checker); ok {
		lists.OnChange = func(_ string, urls []string) {
			for _, u := range urls {
				ch.Forget(u)
			}
		}
	}
	return lists
}

// reloadStatusDir republishes dir into lists at every signal on hup, until
// ctx ends. A reload that fails (a file that is not a list) publishes
// nothing and is reported; the lists already published stay.
func reloadStatusDir(ctx context.Context, hup <-chan os.Signal, lists *server.StatusLists, dir string, stderr io.Writer) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			if err := lists.LoadDir(dir); err != nil {
				fmt.Fprintf(stderr, "openbadges serve: reloading --status-dir: %v (the lists already published stay)\n", err)
				continue
			}
			fmt.Fprintf(stderr, "openbadges serve: reloaded --status-dir %s (%d lists)\n", dir, len(lists.Names()))
		}
	}
}
