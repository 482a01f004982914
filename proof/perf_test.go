package proof

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/vc"
)

// Performance guards of issue #8: allocation ceilings, concurrent use and
// a flat heap over a long batch. Timings themselves are measured by the
// benchmarks and by "openbadges bench", not asserted here.

// maxVerifyAllocs is the allocation budget of one Data Integrity verify.
const maxVerifyAllocs = 500

func TestVerifyAllocationsBounded(t *testing.T) {
	keys := testKeys()
	ctx := context.Background()
	for _, tt := range []struct{ key, suite string }{
		{"Ed25519", EdDSARDFC2022}, {"Ed25519", Ed25519Signature2020}, {"P-256", ECDSARDFC2019}, {"P-384", ECDSARDFC2019},
	} {
		t.Run(tt.suite+"/"+tt.key, func(t *testing.T) {
			c := signedFor(t, keys[tt.key], tt.suite)
			v := &Verifier{Processor: vc.NewProcessor(nil)}
			var err error
			n := testing.AllocsPerRun(20, func() { _, err = v.VerifyProofs(ctx, c) })
			require.NoError(t, err)
			assert.LessOrEqual(t, n, float64(maxVerifyAllocs), "allocations per verify")
			if raceEnabled {
				return // the pool of default processors is unreliable under -race
			}
			var zero Verifier
			n = testing.AllocsPerRun(20, func() { _, err = zero.VerifyProofs(ctx, c) })
			require.NoError(t, err)
			assert.LessOrEqual(t, n, float64(maxVerifyAllocs), "allocations per verify with the zero Verifier")
		})
	}
	t.Run("VC-JWT", func(t *testing.T) {
		s := keys["Ed25519"]
		vm, ctrl := didKey(t, s)
		token, err := SignJWT(ctx, credentialFor(t, ctrl), Key{Signer: s, VerificationMethod: vm}, EdDSA, nil)
		require.NoError(t, err)
		var v Verifier
		n := testing.AllocsPerRun(20, func() { _, _, err = v.VerifyJWT(ctx, token) })
		require.NoError(t, err)
		assert.LessOrEqual(t, n, 250.0, "allocations per VC-JWT verify")
	})
}

// concurrencyCase is one input of the concurrent test and whether it
// must verify.
type concurrencyCase struct {
	name  string
	cred  *vc.Credential
	token string
	ok    bool
}

func concurrencyCases(t *testing.T) []concurrencyCase {
	keys := testKeys()
	var cases []concurrencyCase
	for _, tt := range []struct{ key, suite string }{
		{"Ed25519", EdDSARDFC2022}, {"Ed25519", Ed25519Signature2020}, {"P-256", ECDSARDFC2019},
	} {
		cases = append(cases, concurrencyCase{name: tt.suite, cred: signedFor(t, keys[tt.key], tt.suite), ok: true})
	}
	tampered, err := vc.Parse([]byte(strings.Replace(string(cases[0].cred.Raw()), `"Teamwork Badge"`, `"Teamwork Badge!"`, 1)))
	require.NoError(t, err)
	cases = append(cases, concurrencyCase{name: "tampered", cred: tampered})
	for _, k := range []string{"Ed25519", "P-256"} {
		vm, ctrl := didKey(t, keys[k])
		token, err := SignJWT(context.Background(), credentialFor(t, ctrl), Key{Signer: keys[k], VerificationMethod: vm}, "", nil)
		require.NoError(t, err)
		cases = append(cases, concurrencyCase{name: "jwt " + k, token: token, ok: true})
		cases = append(cases, concurrencyCase{name: "tampered jwt " + k, token: token[:len(token)-4] + "AAAA"})
	}
	return cases
}

// TestConcurrentVerification verifies good and bad inputs from many
// goroutines at once, through a shared Verifier with its own processor and
// through zero Verifiers (pooled default processors). Run it with -race.
func TestConcurrentVerification(t *testing.T) {
	cases := concurrencyCases(t)
	shared := &Verifier{Processor: vc.NewProcessor(nil)}
	const goroutines, rounds = 8, 6
	errs := make(chan error, goroutines*rounds*len(cases))
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			ctx := context.Background()
			for r := range rounds {
				v := shared
				if (g+r)%2 == 1 {
					v = &Verifier{}
				}
				for i := range cases {
					c := cases[(i+g)%len(cases)]
					var err error
					if c.token != "" {
						_, _, err = v.VerifyJWT(ctx, c.token)
					} else {
						_, err = v.VerifyProofs(ctx, c.cred)
					}
					if (err == nil) != c.ok {
						errs <- fmt.Errorf("goroutine %d round %d %s: err = %v", g, r, c.name, err)
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestIssueConcurrently signs from several goroutines with one processor
// and checks every output verifies.
func TestIssueConcurrently(t *testing.T) {
	s := testKeys()["Ed25519"]
	vm, ctrl := didKey(t, s)
	doc := credentialFor(t, ctrl)
	o := &DataIntegrityOptions{Processor: vc.NewProcessor(nil), Created: time.Unix(1700000000, 0)}
	v := &Verifier{}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 4 {
		wg.Go(func() {
			for i := range 4 {
				in := strings.Replace(string(doc), "credentials/3527", "credentials/"+strconv.Itoa(g*10+i), 1)
				out, err := AddDataIntegrityProof(context.Background(), []byte(in), Key{Signer: s, VerificationMethod: vm}, o)
				if err == nil {
					var c *vc.Credential
					if c, err = vc.Parse(out); err == nil {
						_, err = v.VerifyProofs(context.Background(), c)
					}
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestHeapFlatOverBatch verifies the same credential and freshly issued
// ones (new id, a new issuer key every tenth) many times and checks that
// the heap in use after a GC does not grow beyond what the bounded caches
// allow. OPENBADGES_BATCH sets the count (default 20,000; 2,000 with
// -short or -race).
func TestHeapFlatOverBatch(t *testing.T) {
	n := 20_000
	if testing.Short() || raceEnabled {
		n = 2_000
	}
	if s := os.Getenv("OPENBADGES_BATCH"); s != "" {
		var err error
		n, err = strconv.Atoi(s)
		require.NoError(t, err)
	}
	const warmup = 1_000
	require.Greater(t, n, warmup)
	ctx := context.Background()
	proc := vc.NewProcessor(nil)
	v := &Verifier{Processor: proc}
	var zero Verifier
	same := signedFor(t, testKeys()["Ed25519"], EdDSARDFC2022)
	var template string
	var signer crypto.Signer
	var vm string
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse
	}
	var base, peak uint64
	for i := range n {
		if i == warmup {
			base = heap()
		}
		if i > warmup && i%(n/10) == 0 {
			peak = max(peak, heap())
		}
		c := same
		if i%2 == 1 {
			if i%20 == 1 {
				_, priv, err := ed25519.GenerateKey(nil)
				require.NoError(t, err)
				var ctrl string
				vm, ctrl = didKey(t, priv)
				signer = priv
				template = strings.Replace(string(credentialFor(t, ctrl)), "credentials/3527", "credentials/%d", 1)
			}
			out, err := AddDataIntegrityProof(ctx, fmt.Appendf(nil, template, i), Key{Signer: signer, VerificationMethod: vm},
				&DataIntegrityOptions{Processor: proc})
			require.NoError(t, err)
			c, err = vc.Parse(out)
			require.NoError(t, err)
		}
		verifier := v
		if i%3 == 0 {
			verifier = &zero
		}
		if _, err := verifier.VerifyProofs(ctx, c); err != nil {
			t.Fatalf("credential %d: %v", i, err)
		}
	}
	peak = max(peak, heap())
	growth := int64(peak) - int64(base)
	t.Logf("%d verifications (%d freshly issued): heap in use after GC %d KiB after warm-up, peak %d KiB, growth %d KiB",
		n, n/2, base>>10, peak>>10, growth>>10)
	assert.Less(t, growth, int64(4<<20), "heap grew over the batch")
}
