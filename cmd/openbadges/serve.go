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
	"github.com/openbadges-go/openbadges/delivery"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/server"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/store"
	"github.com/openbadges-go/openbadges/vc"
)

const serveSynopsis = "[--addr 127.0.0.1:8080] [--key KEYFILE] [--issuer-profile FILE] [--status-dir DIR] [--offline]\n" +
	"       [--profile strict|interop|1edtech-validator] [--store DSN [--no-status]] [--auth-tokens FILE | --insecure-no-auth]\n" +
	"       [--public-url URL [--allow-digitalbazaar-oid4-client]] [--allow-expired]\n\n" +
	"Runs the HTTP handlers of package server together: the verifier page at /, the Open Badges\n" +
	"verify endpoint (POST /verify), the W3C VC-API (POST /credentials/issue, /credentials/verify,\n" +
	"/presentations/verify), and the issuer's published documents: the profile at /issuer\n" +
	"(--issuer-profile, else a minimal Profile derived from the key: id = its DID or https URL,\n" +
	"name = its host), the DID document of a did:web key, the JWK Set of an https key\n" +
	"(/.well-known/jwks.json), and the status lists of --status-dir at /status/NAME (NAME.json\n" +
	"or NAME.jwt). SIGHUP reloads --status-dir: a list that changed is served at once (its ETag\n" +
	"changes) and the verify endpoints drop their cached copy of it, so a revocation is seen at the\n" +
	"next check. The verify endpoints read the lists serve publishes itself (--status-dir, --store)\n" +
	"where they are kept, also --offline and on a loopback http address; other lists are fetched\n" +
	"(not --offline). POST /credentials/issue refuses a credential whose validUntil has passed unless\n" +
	"--allow-expired (the W3C VC-API suites issue such test fixtures).\n" +
	"Without --key it issues as a new ephemeral did:key. It binds to loopback unless --addr\n" +
	"says otherwise. SIGINT or SIGTERM shuts it down cleanly.\n\n" +
	"--store DSN (a SQLite file path, or postgres://...; needs --key) records every credential issued\n" +
	"at POST /credentials/issue before it is signed, with a revocation status entry allocated from the\n" +
	"store (--no-status leaves it out), answers a retried request with the same Idempotency-Key header\n" +
	"with the first credential (another request under the same key: 422), serves POST\n" +
	"/credentials/status (the VC-API status update: revoke, suspend, unsuspend by credential id) and\n" +
	"the store's signed lists at /status/revocation-N (ETag, If-None-Match), re-signed after each burst\n" +
	"of changes by one process at a time. Lists are published under --public-url, else under the\n" +
	"listen address; a restart keeps everything. Several processes may share one store.\n\n" +
	"--auth-tokens FILE (lines written by 'openbadges token create') requires a bearer token with\n" +
	"scope issue for POST /credentials/issue and POST /wallet/exchanges, and scope status for POST\n" +
	"/credentials/status (401 without a valid token, 403 without the scope); the page, the verify\n" +
	"endpoints and the published documents stay public. Without it, serve refuses a non-loopback\n" +
	"address unless --insecure-no-auth is given.\n\n" +
	"--public-url URL (https, or http on a loopback host) is where clients reach this server: it\n" +
	"mounts wallet delivery (the VC-API exchange of the Learner Credential Wallet and OpenID4VCI\n" +
	"1.0) at URL/wallet/ and its .well-known metadata; an LMS creates exchanges with POST\n" +
	"/wallet/exchanges. With --store, delivered badges are recorded and get status entries too, and\n" +
	"the exchanges and nonces are kept in the store: every process sharing it serves every exchange.\n" +
	"--allow-digitalbazaar-oid4-client lets @digitalbazaar/oid4-client 5.x claim over OpenID4VCI: key\n" +
	"proofs without typ and iat, a proof_type member in proofs, and the authorization server's metadata\n" +
	"in the issuer metadata (delivery.Config.AllowDigitalBazaarOID4Client); each exchange collected so\n" +
	"records what it needed."

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
	allowDB := fs.Bool("allow-digitalbazaar-oid4-client", false, "with --public-url: accept @digitalbazaar/oid4-client 5.x's non-conformant OpenID4VCI requests (untyped key proofs without iat, proofs.proof_type, issuer metadata read as authorization server metadata)")
	allowExpired := fs.Bool("allow-expired", false, "POST /credentials/issue signs a credential whose validUntil has passed (the W3C VC-API suites issue such test fixtures); refused by default")
	offline := fs.Bool("offline", false, "verify without the network: did:key and did:jwk keys only, no status list fetches")
	storeDSN := fs.String("store", "", "issuer store: a SQLite file path or a postgres:// URL; records every credential, allocates status entries, serves POST /credentials/status")
	noStatus := fs.Bool("no-status", false, "with --store: issue credentials without a revocation status entry")
	authFile := fs.String("auth-tokens", "", "token `file` (from 'openbadges token create'): bearer tokens with scopes issue and status")
	insecureNoAuth := fs.Bool("insecure-no-auth", false, "listen on a non-loopback address without --auth-tokens: anyone who reaches it can issue")
	publicURL := fs.String("public-url", "", "the `URL` clients reach this server at (https, or http on loopback): mounts wallet delivery at URL/wallet/ and names the store's status lists")
	var policy badge.Policy
	fs.TextVar(&policy, "profile", badge.PolicyStrict, "verification profile of POST /verify and the page: strict, interop (real ecosystems: conformance failures, short or foreign-signed or mirrored status lists, invalid endorsements, eddsa-2022 are warnings) or 1edtech-validator (the validator's verdicts, insecure key rules included); every relaxation is reported")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		return usageErrorf(e, name, "unexpected argument %q", fs.Arg(0))
	}
	switch {
	case *storeDSN != "" && *keyFile == "":
		return usageErrorf(e, name, "--store needs --key: the credentials and lists it records must stay verifiable after a restart")
	case *noStatus && *storeDSN == "":
		return usageErrorf(e, name, "--no-status applies to --store")
	case *allowDB && *publicURL == "":
		return usageErrorf(e, name, "--allow-digitalbazaar-oid4-client applies to wallet delivery: give --public-url")
	case *authFile != "" && *insecureNoAuth:
		return usageErrorf(e, name, "--auth-tokens and --insecure-no-auth contradict each other")
	}
	base := strings.TrimSuffix(*publicURL, "/")
	if base != "" {
		if err := checkPublicURL(base); err != nil {
			return usageErrorf(e, name, "--public-url: %v", err)
		}
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
	// --allow-expired: the VC-API issue endpoint signs a credential whose
	// validity window has ended, as the W3C suites ask (they issue
	// expired credentials to test verifiers); by default it refuses, as
	// the library's Issuer and "openbadges issue" do.
	cfg.Issuer = &badge.Issuer{Key: proof.Key{Signer: key.Signer, VerificationMethod: key.ID}, AllowExpired: *allowExpired}
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
	// Verification: the same network rules as "openbadges verify". The
	// lists serve publishes itself (--store, --status-dir) are read where
	// they are kept (hostedLists), also --offline.
	pv := &proof.Verifier{ClockSkew: 5 * time.Minute}
	opts := badge.VerifierOptions{Proofs: pv, Policy: policy}
	hosted := &hostedLists{}
	checker := &status.Checker{Fetcher: hosted}
	// Lists are verified with the verifier of each endpoint (the
	// profile's for /verify, pv for the VC-API).
	opts.Status = checker
	if !*offline {
		pv.Resolver = did.Methods{"key": did.KeyResolver{}, "jwk": did.JWKResolver{}, "web": &did.WebResolver{}, "https": &did.HTTPSResolver{}}
		pv.KeySets = &proof.HTTPKeySets{}
		hosted.next = &status.HTTPFetcher{}
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
		hosted.files = cfg.StatusLists
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
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return failf(e, name, "%v", err)
	}
	defer ln.Close()
	loopback := false
	if host, _, err := net.SplitHostPort(ln.Addr().String()); err == nil {
		ip := net.ParseIP(host)
		loopback = ip != nil && ip.IsLoopback()
	}
	// A loopback listener behind a reverse proxy is public all the same:
	// a --public-url on another host says so.
	if u, err := url.Parse(base); loopback && base != "" && err == nil {
		h := u.Hostname()
		ip := net.ParseIP(h)
		if h != "localhost" && (ip == nil || !ip.IsLoopback()) {
			loopback = false
		}
	}
	if *authFile != "" {
		if cfg.Auth, err = server.LoadTokens(*authFile); err != nil {
			return failf(e, name, "--auth-tokens: %v", err)
		}
		if cfg.Auth.Len() == 0 {
			fmt.Fprintf(e.stderr, "openbadges serve: %s holds no token: issuing and status changes are refused\n", *authFile)
		}
	} else if !loopback {
		if !*insecureNoAuth {
			return failf(e, name, "listening on %s (public URL %q), not loopback only, without --auth-tokens: anyone who can reach it could issue as %s (give --auth-tokens FILE, or --insecure-no-auth)", ln.Addr(), base, controller)
		}
		fmt.Fprintf(e.stderr, "openbadges serve: WARNING: listening on %s, not loopback, with --insecure-no-auth: anyone who can reach it can issue as %s\n", ln.Addr(), controller)
	}
	if base == "" {
		base = "http://" + ln.Addr().String()
	}
	if *storeDSN != "" {
		st, closeStore, err := openServeStore(ctx, e, *storeDSN, base, !*noStatus, cfg.Issuer.Key, checker.Forget)
		if err != nil {
			return failf(e, name, "--store: %v", err)
		}
		defer closeStore()
		cfg.Store, cfg.StoreStatusBaseURL = st, base+server.PathStatus
		hosted.store = st.Store
	}
	if *publicURL != "" {
		dcfg := delivery.Config{Issuer: cfg.Issuer, BaseURL: base + "/wallet"}
		if *allowDB {
			dcfg = dcfg.AllowDigitalBazaarOID4Client()
		}
		if cfg.Store != nil {
			u, _ := url.Parse(base)
			if err := server.DeliveryHooks(&dcfg, cfg.Store, cfg.Issuer.Profile(u.Hostname())); err != nil {
				return failf(e, name, "%v", err)
			}
			if db, ok := cfg.Store.Store.(*store.DB); ok {
				// Exchanges and nonces in the issuer store: every serve
				// process sharing it serves every exchange.
				dcfg.Store = delivery.NewDBStore(db)
			}
		}
		svc, err := delivery.NewService(dcfg)
		if err != nil {
			return failf(e, name, "--public-url: %v", err)
		}
		cfg.Delivery = svc
		fmt.Fprintf(e.stderr, "openbadges serve: wallet delivery at %s/wallet/ (POST /wallet/exchanges to create an exchange)\n", base)
	}
	h, err := server.New(cfg)
	if err != nil {
		return failf(e, name, "%v", err)
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

// checkPublicURL accepts an absolute https URL, or http on a loopback
// host, without query or fragment.
func checkPublicURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q is not an absolute URL without query, fragment or user", s)
	}
	if u.Scheme == "https" {
		return nil
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	if u.Scheme == "http" && (host == "localhost" || ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("%q must be https (http only on a loopback host)", s)
}

// serveRevocationPool is the pool every credential of serve gets an entry
// from.
const serveRevocationPool = "revocation"

// openServeStore opens the issuer store of serve, records its revocation
// pool (lists at base/status/revocation-N), and starts the publisher that
// re-signs the lists with key (stopped, after a last pass, by the
// returned function).
func openServeStore(ctx context.Context, e *env, dsn, base string, withStatus bool, key proof.Key, published func(id string)) (*server.StoreIssuing, func(), error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	pool := store.Pool{Name: serveRevocationPool, BaseURL: base + server.PathStatus + serveRevocationPool + "-"}
	if err := db.EnsurePool(ctx, pool); err != nil {
		db.Close()
		if errors.Is(err, store.ErrPoolMismatch) {
			return nil, nil, fmt.Errorf("%w: its lists were published under another URL than %s; start serve with the --public-url it had", err, pool.BaseURL)
		}
		return nil, nil, err
	}
	pub := &store.Publisher{
		Store: db,
		Sign: func(ctx context.Context, l *status.List) ([]byte, error) {
			return l.Sign(ctx, key, nil)
		},
		Errors: func(err error) { fmt.Fprintf(e.stderr, "openbadges serve: publishing status lists: %v\n", err) },
		// serve's own checker sees a list this process re-signed at once
		// (one re-signed by another process sharing the store: at its
		// next revalidation, status.Checker.RevalidateAfter).
		Published: published,
	}
	st := &server.StoreIssuing{Store: db, Publisher: pub}
	if withStatus {
		st.Pools = []string{serveRevocationPool}
	}
	pctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = pub.Run(pctx)
	}()
	fmt.Fprintf(e.stderr, "openbadges serve: issuer store %s (%s); status lists at %s\n", redactDSN(dsn), db.Kind(), pool.BaseURL+"N")
	return st, func() {
		stop()
		<-done
		// A last pass: changes of the last moments are signed now rather
		// than at the next start.
		fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := pub.PublishStale(fctx); err != nil {
			fmt.Fprintf(e.stderr, "openbadges serve: publishing status lists: %v\n", err)
		}
		db.Close()
	}, nil
}

// redactDSN hides a password in a PostgreSQL URL.
func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
	}
	return dsn
}
