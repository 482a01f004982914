package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"log"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/server"
	"github.com/openbadges-go/openbadges/vc"
	"github.com/piprate/json-gold/ld"
)

// benchBaseline is the measurement every ratio divides by.
const benchBaseline = "ed25519 verify (raw)"

// benchResult is one measurement, as printed by --json.
type benchResult struct {
	Name        string  `json:"name"`
	NsPerOp     float64 `json:"ns_per_op"`
	AllocsPerOp float64 `json:"allocs_per_op"`
	Ratio       float64 `json:"ratio_to_ed25519_verify"`
	Ops         int64   `json:"ops"`
	Goroutines  int     `json:"goroutines,omitempty"`
}

// benchGoal is one target of the project's performance issue.
type benchGoal struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Limit float64 `json:"limit"`
	// AtLeast: the value must reach Limit rather than stay under it.
	AtLeast bool `json:"at_least,omitempty"`
	Met     bool `json:"met"`
}

type benchReport struct {
	GOOS       string        `json:"goos"`
	GOARCH     string        `json:"goarch"`
	GoVersion  string        `json:"go_version"`
	CPUs       int           `json:"cpus"`
	GOMAXPROCS int           `json:"gomaxprocs"`
	Duration   string        `json:"duration_per_measurement"`
	Results    []benchResult `json:"results"`
	Goals      []benchGoal   `json:"goals"`
	// CoreScaling is the parallel throughput gain of the raw Ed25519
	// verify (see scaling).
	CoreScaling float64 `json:"core_scaling,omitempty"`
}

// benchCase is one operation to time; op must be safe for concurrent use
// when parallel is set.
type benchCase struct {
	name     string
	op       func(ctx context.Context) error
	parallel bool
	// workers is the number of goroutines of a parallel case (0:
	// GOMAXPROCS).
	workers int
}

// benchHTTPClients is the number of concurrent keep-alive clients of the
// POST /verify row, and of goroutines of the in-process row it is compared
// with.
const benchHTTPClients = 16

func runBench(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "bench", "[--json] [--duration D]\n\n"+
		"Measures, in this process, issuing and verifying the embedded sample Open Badges 3.0 credential with\n"+
		"every suite (eddsa-rdfc-2022, ecdsa-rdfc-2019 P-256, Ed25519Signature2020, VC-JWT EdDSA/ES256/RS256),\n"+
		"canonicalization alone (and through json-gold, for comparison), PNG unbaking, the full Verify in every\n"+
		"format, on 16 goroutines and through POST /verify on a loopback server with 16 keep-alive clients,\n"+
		"and a CLR 2.0 record holding 10 badges, and prints ns/op, allocations per op and the ratio of each\n"+
		"to a raw Ed25519 signature verification timed in the same run, then the project's performance goals.")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	dur := fs.Duration("duration", time.Second, "time spent on each measurement")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	if fs.NArg() != 0 {
		return usageErrorf(e, "bench", "unexpected argument %q", fs.Arg(0))
	}
	if *dur <= 0 {
		return usageErrorf(e, "bench", "--duration must be positive")
	}
	cases, closeCases, err := benchCases(ctx)
	if err != nil {
		return failf(e, "bench", "preparing the fixtures: %v", err)
	}
	defer closeCases()
	rep := &benchReport{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, GoVersion: runtime.Version(),
		CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), Duration: dur.String()}
	// Each operation is timed in rounds that alternate with the baseline,
	// and its ratio is the median of the rounds' ratios: on a shared
	// machine the load drifts, and a baseline timed once at the start would
	// carry that drift into every ratio.
	baseline := cases[0]
	for _, c := range cases {
		r, err := measurePaired(ctx, c, baseline, *dur)
		if err != nil {
			return failf(e, "bench", "%s: %v", c.name, err)
		}
		rep.Results = append(rep.Results, r)
	}
	rep.Goals = rep.goals()
	rep.CoreScaling = rep.scaling()
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return failf(e, "bench", "%v", err)
		}
		return exitOK
	}
	rep.print(e.stdout)
	return exitOK
}

func (r *benchReport) find(name string) benchResult {
	for _, x := range r.Results {
		if x.Name == name {
			return x
		}
	}
	return benchResult{}
}

// goals evaluates the targets of the performance issue on this run.
func (r *benchReport) goals() []benchGoal {
	// Everything is in units of the paired baseline (see measurePaired).
	sign := r.find("ed25519 sign (raw)").Ratio
	var gs []benchGoal
	add := func(name string, value, limit float64, atLeast bool) {
		met := value <= limit
		if atLeast {
			met = value >= limit
		}
		gs = append(gs, benchGoal{Name: name, Value: value, Limit: limit, AtLeast: atLeast, Met: met})
	}
	add("eddsa-rdfc-2022 verify / raw Ed25519 verify", r.find("verify eddsa-rdfc-2022").Ratio, 5, false)
	add("eddsa-rdfc-2022 issue / (raw Ed25519 sign + verify)", r.find("issue eddsa-rdfc-2022").Ratio/(sign+1), 5, false)
	add("VC-JWT EdDSA verify / raw Ed25519 verify", r.find("verify VC-JWT EdDSA").Ratio, 3, false)
	worst := 0.0
	for _, x := range r.Results {
		if strings.HasPrefix(x.Name, "verify ") && !strings.Contains(x.Name, "JWT") && x.Goroutines == 0 {
			worst = max(worst, x.AllocsPerOp)
		}
	}
	add("allocations per Data Integrity verify (worst suite)", worst, 500, false)
	if r.GOMAXPROCS >= 2 {
		serial, par := r.find("verify eddsa-rdfc-2022"), r.find("verify eddsa-rdfc-2022, parallel")
		if par.Ratio > 0 {
			add(fmt.Sprintf("parallel verify throughput / serial (%d goroutines)", par.Goroutines), serial.Ratio/par.Ratio, 1.8, true)
		}
	}
	// Issue #15: POST /verify keeps most of what the verifier does in
	// process (both with the same verifier and the same concurrency).
	if in, web := r.find(benchFullParallel), r.find(benchHTTPVerify); in.Ratio > 0 && web.Ratio > 0 {
		add(fmt.Sprintf("POST /verify throughput / in-process (%d clients)", web.Goroutines), in.Ratio/web.Ratio, 0.7, true)
	}
	return gs
}

// Names of the rows the HTTP goal compares.
const (
	benchFullParallel = "full Verify JSON, parallel"
	benchHTTPVerify   = "POST /verify over HTTP, 16 clients"
)

// scaling is the throughput gain of the raw Ed25519 verify from
// GOMAXPROCS goroutines: what the machine's cores give to pure
// computation, the ceiling of the parallel verify goal (a shared or
// throttled machine shows less than its core count).
func (r *benchReport) scaling() float64 {
	par := r.find(benchBaseline + ", parallel")
	if par.Ratio == 0 {
		return 0
	}
	return 1 / par.Ratio
}

func (r *benchReport) print(w io.Writer) {
	fmt.Fprintf(w, "openbadges bench: %s/%s, %s, %d CPUs (GOMAXPROCS %d), %s per measurement\n\n",
		r.GOOS, r.GOARCH, r.GoVersion, r.CPUs, r.GOMAXPROCS, r.Duration)
	width := len("operation")
	for _, x := range r.Results {
		width = max(width, len(x.Name))
	}
	fmt.Fprintf(w, "%-*s  %12s  %9s  %16s\n", width, "operation", "ns/op", "allocs/op", "x Ed25519 verify")
	for _, x := range r.Results {
		fmt.Fprintf(w, "%-*s  %12s  %9.0f  %16.2f\n", width, x.Name, groupDigits(x.NsPerOp), x.AllocsPerOp, x.Ratio)
	}
	fmt.Fprintln(w, "\nGoals (issues #8 and #15):")
	for _, g := range r.Goals {
		verdict, cmp := "ok", "<="
		if g.AtLeast {
			cmp = ">="
		}
		if !g.Met {
			verdict = "NOT MET"
		}
		fmt.Fprintf(w, "  %-60s %8.2f  (%s %g)  %s\n", g.Name, g.Value, cmp, g.Limit, verdict)
	}
	if s := r.scaling(); s > 0 {
		fmt.Fprintf(w, "\nThe raw Ed25519 verify itself scales %.2fx on %d goroutines here: the ceiling for parallel\n"+
			"verification on this machine (less than the core count means shared or throttled cores).\n", s, r.GOMAXPROCS)
	}
}

// groupDigits formats a non-negative number of nanoseconds with thousands
// separators.
func groupDigits(f float64) string {
	s := fmt.Sprintf("%.0f", f)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// benchRounds is the number of alternating rounds per measurement.
const benchRounds = 5

// measurePaired times c and the baseline in benchRounds alternating
// rounds, d/2 in all for each, and reports c's median time per operation,
// its mean allocations and the median of the per-round ratios.
func measurePaired(ctx context.Context, c, baseline benchCase, d time.Duration) (benchResult, error) {
	slice := max(d/(2*benchRounds), time.Microsecond)
	var ns, ratios []float64
	var out benchResult
	var ops int64
	var allocs float64
	for range benchRounds {
		b, err := measure(ctx, baseline, slice)
		if err != nil {
			return benchResult{}, err
		}
		r, err := measure(ctx, c, slice)
		if err != nil {
			return benchResult{}, err
		}
		out = r
		ns = append(ns, r.NsPerOp)
		ratios = append(ratios, r.NsPerOp/b.NsPerOp)
		ops += r.Ops
		allocs += r.AllocsPerOp * float64(r.Ops)
	}
	out.Ops = ops
	out.AllocsPerOp = allocs / float64(ops)
	out.NsPerOp = median(ns)
	out.Ratio = median(ratios)
	if c.name == baseline.name {
		out.Ratio = 1 // by definition; the rounds only measure noise
	}
	return out, nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// measure runs c.op in batches of doubling size until d has passed and
// reports the mean time and allocations per operation. A parallel case
// runs GOMAXPROCS goroutines at once and reports wall time per operation,
// so its ns/op is the inverse of the throughput.
func measure(ctx context.Context, c benchCase, d time.Duration) (benchResult, error) {
	if err := c.op(ctx); err != nil { // warm-up and check
		return benchResult{}, err
	}
	workers := 1
	if c.parallel {
		workers = runtime.GOMAXPROCS(0)
		if c.workers > 0 {
			workers = c.workers
		}
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var ops int64
	var elapsed time.Duration
	for batch := int64(1); elapsed < d; {
		if err := ctx.Err(); err != nil {
			return benchResult{}, err
		}
		t, err := runBatch(ctx, c.op, batch, workers)
		if err != nil {
			return benchResult{}, err
		}
		ops += batch
		elapsed += t
		// Double the batch, but not past what the time left holds at
		// the rate so far: a measurement takes about d, not up to 2d.
		perOp := float64(elapsed) / float64(ops)
		batch = max(1, min(2*batch, int64(float64(d-elapsed)/perOp)+1))
	}
	runtime.ReadMemStats(&after)
	r := benchResult{
		Name:        c.name,
		NsPerOp:     float64(elapsed.Nanoseconds()) / float64(ops),
		AllocsPerOp: float64(after.Mallocs-before.Mallocs) / float64(ops),
		Ops:         ops,
	}
	if c.parallel {
		r.Goroutines = workers
	}
	return r, nil
}

// runBatch runs op n times, shared among workers goroutines, and returns
// the wall time taken.
func runBatch(ctx context.Context, op func(context.Context) error, n int64, workers int) (time.Duration, error) {
	start := time.Now()
	if workers <= 1 {
		for range n {
			if err := op(ctx); err != nil {
				return 0, err
			}
		}
		return time.Since(start), nil
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			for next.Add(1) <= n {
				if err := op(ctx); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start), errors.Join(errs...)
}

// benchIssuer is a signing key and the sample credential issued by it.
type benchIssuer struct {
	key      proof.Key
	unsigned []byte
}

func newBenchIssuer(s crypto.Signer) (*benchIssuer, error) {
	var vm, controller string
	if k, err := did.NewKey(s); err == nil && k.Controller != "" {
		vm, controller = k.ID, k.Controller
	} else {
		d, err := did.DIDJWKFromPublicKey(s.Public())
		if err != nil {
			return nil, err
		}
		vm, controller = d+"#0", d
	}
	unsigned := strings.NewReplacer(`"ISSUER"`, `"`+controller+`"`, `"VALID_FROM"`, `"2025-01-01T00:00:00Z"`).Replace(sampleBadge)
	return &benchIssuer{key: proof.Key{Signer: s, VerificationMethod: vm}, unsigned: []byte(unsigned)}, nil
}

// benchCases builds the fixtures (keys, the sample badge signed every
// way, a baked PNG, a CLR record, a loopback server) and the operations to
// time, baseline first. closeCases stops the server.
func benchCases(ctx context.Context) (cases []benchCase, closeCases func(), err error) {
	edKey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	p256, err := did.GenerateKey(did.AlgP256, nil)
	if err != nil {
		return nil, nil, err
	}
	rsaKey, err := did.GenerateKey(did.AlgRS256, nil)
	if err != nil {
		return nil, nil, err
	}
	ed, err := newBenchIssuer(edKey)
	if err != nil {
		return nil, nil, err
	}
	ec, err := newBenchIssuer(p256.Signer)
	if err != nil {
		return nil, nil, err
	}
	rs, err := newBenchIssuer(rsaKey.Signer)
	if err != nil {
		return nil, nil, err
	}
	proc := vc.NewProcessor(nil)
	verifier := &proof.Verifier{Processor: proc}
	created := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

	// The raw baselines sign and verify a 64-byte message, the size of
	// what eddsa-rdfc-2022 signs (two SHA-256 hashes).
	msg := bytes.Repeat([]byte{0x5a}, 64)
	edPub := edKey.Public().(ed25519.PublicKey)
	edSig := ed25519.Sign(edKey, msg)
	cases = []benchCase{
		{name: benchBaseline, op: func(context.Context) error {
			if !ed25519.Verify(edPub, msg, edSig) {
				return errors.New("baseline signature does not verify")
			}
			return nil
		}},
		{name: benchBaseline + ", parallel", parallel: true, op: func(context.Context) error {
			if !ed25519.Verify(edPub, msg, edSig) {
				return errors.New("baseline signature does not verify")
			}
			return nil
		}},
		{name: "ed25519 sign (raw)", op: func(context.Context) error {
			ed25519.Sign(edKey, msg)
			return nil
		}},
	}
	doc, err := jsonx.Parse(ed.unsigned, nil)
	if err != nil {
		return nil, nil, err
	}
	cases = append(cases, benchCase{name: "canonicalize (RDFC-1.0)", op: func(ctx context.Context) error {
		_, err := proc.Canonicalize(ctx, doc, nil)
		return err
	}})

	suites := []struct {
		suite  string
		label  string
		issuer *benchIssuer
	}{
		{proof.EdDSARDFC2022, "eddsa-rdfc-2022", ed},
		{proof.ECDSARDFC2019, "ecdsa-rdfc-2019 P-256", ec},
		{proof.Ed25519Signature2020, "Ed25519Signature2020", ed},
	}
	var edSigned *vc.Credential
	for _, s := range suites {
		in := s.issuer.unsigned
		if s.suite == proof.Ed25519Signature2020 {
			const ob = `"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"`
			in = []byte(strings.Replace(string(in), ob, ob+`, "`+proof.ContextEd25519Signature2020+`"`, 1))
		}
		opts := &proof.DataIntegrityOptions{Cryptosuite: s.suite, Created: created, Processor: proc}
		key := s.issuer.key
		signed, err := proof.AddDataIntegrityProof(ctx, in, key, opts)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", s.label, err)
		}
		cred, err := vc.Parse(signed)
		if err != nil {
			return nil, nil, err
		}
		if s.suite == proof.EdDSARDFC2022 {
			edSigned = cred
		}
		cases = append(cases,
			benchCase{name: "issue " + s.label, op: func(ctx context.Context) error {
				_, err := proof.AddDataIntegrityProof(ctx, in, key, opts)
				return err
			}},
			benchCase{name: "verify " + s.label, op: func(ctx context.Context) error {
				_, err := verifier.VerifyProofs(ctx, cred)
				return err
			}})
	}
	cases = append(cases, benchCase{name: "verify eddsa-rdfc-2022, parallel", parallel: true, op: func(ctx context.Context) error {
		_, err := verifier.VerifyProofs(ctx, edSigned)
		return err
	}})

	jwts := []struct {
		alg    proof.Algorithm
		issuer *benchIssuer
	}{{proof.EdDSA, ed}, {proof.ES256, ec}, {proof.RS256, rs}}
	jwtOpts := &proof.JWTOptions{Processor: proc}
	var edToken string
	for _, j := range jwts {
		token, err := proof.SignJWT(ctx, j.issuer.unsigned, j.issuer.key, j.alg, jwtOpts)
		if err != nil {
			return nil, nil, fmt.Errorf("VC-JWT %s: %w", j.alg, err)
		}
		if j.alg == proof.EdDSA {
			edToken = token
		}
		in, key, alg := j.issuer.unsigned, j.issuer.key, j.alg
		cases = append(cases,
			benchCase{name: "issue VC-JWT " + string(alg), op: func(ctx context.Context) error {
				_, err := proof.SignJWT(ctx, in, key, alg, jwtOpts)
				return err
			}},
			benchCase{name: "verify VC-JWT " + string(alg), op: func(ctx context.Context) error {
				_, _, err := verifier.VerifyJWT(ctx, token)
				return err
			}})
	}

	var img, baked bytes.Buffer
	if err := png.Encode(&img, badgeImage()); err != nil {
		return nil, nil, err
	}
	if err := badge.Bake(&baked, &img, edSigned.Raw()); err != nil {
		return nil, nil, err
	}
	bakedPNG := baked.Bytes()
	cases = append(cases, benchCase{name: "unbake PNG", op: func(context.Context) error {
		_, err := badge.Unbake(bytes.NewReader(bakedPNG), nil)
		return err
	}})

	// The full Open Badges Verify: every check (context, type and model,
	// schema, subject, proof, validity), the eddsa-rdfc-2022 credential as
	// JSON and baked in a PNG and an SVG, and the EdDSA VC-JWT.
	var svg bytes.Buffer
	const svgImage = `<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>`
	if err := badge.Bake(&svg, strings.NewReader(svgImage), edSigned.Raw()); err != nil {
		return nil, nil, err
	}
	bv, err := badge.NewVerifier(badge.VerifierOptions{Processor: proc})
	if err != nil {
		return nil, nil, err
	}
	for _, in := range []struct {
		label string
		data  []byte
	}{
		{"JSON", edSigned.Raw()}, {"VC-JWT", []byte(edToken)}, {"PNG", bakedPNG}, {"SVG", svg.Bytes()},
	} {
		data := in.data
		cases = append(cases, benchCase{name: "full Verify " + in.label, op: func(ctx context.Context) error {
			_, err := bv.Verify(ctx, data)
			return err
		}})
	}

	// The same JSON credential verified by 16 goroutines, and sent by 16
	// keep-alive clients to POST /verify on a loopback server that uses the
	// same verifier (as openbadges serve configures it).
	edJSON := edSigned.Raw()
	cases = append(cases, benchCase{name: benchFullParallel, parallel: true, workers: benchHTTPClients,
		op: func(ctx context.Context) error {
			_, err := bv.Verify(ctx, edJSON)
			return err
		}})
	post, stop, err := benchHTTPServer(bv, edJSON)
	if err != nil {
		return nil, nil, err
	}
	closeCases = stop
	cases = append(cases, benchCase{name: benchHTTPVerify, parallel: true, workers: benchHTTPClients, op: post})

	// A CLR 2.0 record holding 10 badges, each verified with the record.
	record, err := benchCLR(ctx, edKey, proc)
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("CLR record: %w", err)
	}
	cv := bv.WithKinds(clr.Kind(nil))
	cases = append(cases, benchCase{name: fmt.Sprintf("full Verify CLR 2.0 record, %d credentials", benchCLRCredentials),
		op: func(ctx context.Context) error {
			_, err := cv.Verify(ctx, record)
			return err
		}})

	// The canonicalization row again through json-gold, the differential
	// oracle of the native engine, for comparison.
	gold, err := benchJSONGold(ctx, proc, ed.unsigned)
	if err != nil {
		stop()
		return nil, nil, err
	}
	cases = append(cases, benchCase{name: "canonicalize (RDFC-1.0) through json-gold", op: gold})
	return cases, closeCases, nil
}

// benchHTTPServer serves POST /verify with v on a loopback listener, with
// the timeouts of openbadges serve, and returns an operation that posts
// data to it through a client keeping benchHTTPClients connections alive,
// and a function that stops the server.
func benchHTTPServer(v *badge.Verifier, data []byte) (post func(context.Context) error, stop func(), err error) {
	h, err := server.NewBadgeVerifyHandler(v, &server.Options{})
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle(server.PathBadgeVerify, h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: serveReadHeaderTimeout,
		ReadTimeout:       serveReadTimeout,
		WriteTimeout:      serveWriteTimeout,
		IdleTimeout:       serveIdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go srv.Serve(ln)
	tr := &http.Transport{MaxIdleConns: benchHTTPClients, MaxIdleConnsPerHost: benchHTTPClients, MaxConnsPerHost: benchHTTPClients}
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	url := "http://" + ln.Addr().String() + server.PathBadgeVerify
	post = func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(data))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("POST %s: %s", server.PathBadgeVerify, resp.Status)
		}
		return err
	}
	stop = func() {
		srv.Close()
		tr.CloseIdleConnections()
	}
	return post, stop, nil
}

// benchCLRCredentials is the number of badges in the CLR row's record.
const benchCLRCredentials = 10

// benchCLR issues benchCLRCredentials badges (eddsa-rdfc-2022) about one
// learner and a CLR 2.0 record holding them, signed by the same issuer.
func benchCLR(ctx context.Context, key ed25519.PrivateKey, proc *vc.Processor) ([]byte, error) {
	k, err := did.NewKey(key)
	if err != nil {
		return nil, err
	}
	now := func() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }
	pk := proof.Key{Signer: k.Signer, VerificationMethod: k.ID}
	profile := badge.NewProfile(k.Controller, "Example Community College")
	const learner = "did:example:learner-8f2b"
	rec, err := clr.New(profile, learner, &clr.Options{ID: "urn:uuid:5d0c2a8e-3f1b-4c7d-9e2a-1b6f0c4d8e21", Now: now})
	if err != nil {
		return nil, err
	}
	iss := &badge.Issuer{Key: pk, Processor: proc, Now: now}
	for i := range benchCLRCredentials {
		a := badge.NewAchievement(fmt.Sprintf("https://college.example.edu/achievements/module-%d", i+1),
			fmt.Sprintf("Data Literacy, module %d", i+1), "Reads, cleans and summarizes a tabular data set.",
			"Passed the module's practical assessment.")
		c, err := badge.NewCredential(profile, a, badge.RecipientDID(learner), &badge.CredentialOptions{Now: now})
		if err != nil {
			return nil, err
		}
		s, err := iss.Issue(ctx, c)
		if err != nil {
			return nil, err
		}
		if err := rec.AddCredential(s.Bytes()); err != nil {
			return nil, err
		}
	}
	s, err := (&clr.Issuer{Key: pk, Processor: proc, Now: now}).Issue(ctx, rec)
	if err != nil {
		return nil, err
	}
	return s.Bytes(), nil
}

// goldLoader serves the embedded contexts to json-gold for one call, with
// that call's ctx (json-gold's loader interface has none).
type goldLoader struct {
	ctx  context.Context
	next vc.DocumentLoader
}

func (g goldLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	d, err := g.next.LoadDocument(g.ctx, u)
	if err != nil {
		return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, err)
	}
	return &ld.RemoteDocument{DocumentURL: d.DocumentURL, Document: d.Document}, nil
}

// benchJSONGold returns an operation that canonicalizes unsigned with
// json-gold (safe mode, URDNA2015, the embedded contexts), after checking
// that it gives the native engine's canonical N-Quads.
func benchJSONGold(ctx context.Context, proc *vc.Processor, unsigned []byte) (func(context.Context) error, error) {
	var doc any
	if err := json.Unmarshal(unsigned, &doc); err != nil {
		return nil, err
	}
	gold := func(ctx context.Context) (string, error) {
		opts := ld.NewJsonLdOptions("")
		opts.DocumentLoader = goldLoader{ctx: ctx, next: proc.Loader()}
		opts.SafeMode = true
		opts.ProcessingMode = ld.JsonLd_1_1
		opts.Algorithm = ld.AlgorithmURDNA2015
		opts.Format = "application/n-quads"
		out, err := ld.NewJsonLdProcessor().Normalize(doc, opts)
		if err != nil {
			return "", err
		}
		nq, _ := out.(string)
		return nq, nil
	}
	want, err := proc.CanonicalizeJSON(ctx, unsigned, nil)
	if err != nil {
		return nil, err
	}
	got, err := gold(ctx)
	if err != nil {
		return nil, fmt.Errorf("json-gold: %w", err)
	}
	if got != string(want.NQuads) {
		return nil, errors.New("json-gold and the native engine disagree on the canonical form of the sample badge")
	}
	return func(ctx context.Context) error {
		_, err := gold(ctx)
		return err
	}, nil
}
