// Package interop holds the cross-implementation tests: credentials issued
// here verify with the Digital Bazaar JavaScript reference libraries,
// credentials they issue verify here, and both canonicalize every JSON-LD
// fixture of the repository to the same N-Quads. The JavaScript side is
// js/run.mjs, with its packages locked in js/package-lock.json (see
// README.md); it runs offline, on the contexts embedded in package vc.
package interop

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// envInterop is the environment variable that makes a missing Node.js or
// node_modules a failure instead of a skip (.ci/run sets it to "require").
const envInterop = "OPENBADGES_INTEROP"

// nodeTimeout bounds one run of run.mjs (each takes a few seconds on an idle
// machine; the margin is for a loaded CI machine).
const nodeTimeout = 3 * time.Minute

var (
	// now is the verifiers' clock on both sides; created the proofs'
	// creation time; validFrom and validUntil the credentials' window.
	now        = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	created    = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	validFrom  = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	validUntil = time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC)
)

// nodeRunner runs js/run.mjs.
type nodeRunner struct {
	node   string
	script string
}

// requireNode returns the runner, or skips the test when Node.js or the
// installed packages are missing, unless OPENBADGES_INTEROP=require, in
// which case it fails.
func requireNode(t *testing.T) *nodeRunner {
	t.Helper()
	required := os.Getenv(envInterop) == "require"
	missing := func(format string, args ...any) {
		t.Helper()
		if required {
			t.Fatalf(format+" (%s=require: the cross-implementation test must run)", append(args, envInterop)...)
		}
		t.Skipf(format+"; skipping the cross-implementation test (install Node.js >= 18, run `npm ci` in interop/js, or set %s=require to fail instead)", append(args, envInterop)...)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node not found in PATH")
	}
	script, err := filepath.Abs(filepath.Join("js", "run.mjs"))
	require.NoError(t, err)
	// Every package run.mjs imports directly (a node_modules installed
	// before one was added is reported as such: run `npm ci` again).
	for _, pkg := range []string{"vc", "data-integrity", "eddsa-rdfc-2022-cryptosuite", "ecdsa-rdfc-2019-cryptosuite", "ecdsa-sd-2023-cryptosuite", "ed25519-multikey", "ecdsa-multikey"} {
		if _, err := os.Stat(filepath.Join("js", "node_modules", "@digitalbazaar", pkg, "package.json")); err != nil {
			missing("interop/js/node_modules is not installed or out of date (%v)", err)
		}
	}
	// Read what decides the outcome so that Go's test cache keys on it:
	// the driver, the lock file and what npm installed from it.
	for _, f := range []string{"run.mjs", "package.json", "package-lock.json", filepath.Join("node_modules", ".package-lock.json")} {
		if _, err := os.ReadFile(filepath.Join("js", f)); err != nil {
			missing("interop/js/%s unreadable: %v", f, err)
		}
	}
	return &nodeRunner{node: node, script: script}
}

// run sends req to `node run.mjs mode` on stdin and decodes its stdout into
// resp.
func (r *nodeRunner) run(t *testing.T, mode string, req, resp any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), nodeTimeout)
	defer cancel()
	in, err := json.Marshal(req)
	require.NoError(t, err)
	cmd := exec.CommandContext(ctx, r.node, r.script, mode)
	cmd.Dir = filepath.Dir(r.script)
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	t.Logf("node run.mjs %s: %d bytes in, %d bytes out, %v", mode, len(in), stdout.Len(), time.Since(start).Round(time.Millisecond))
	if ctx.Err() != nil {
		t.Fatalf("node run.mjs %s timed out after %v: %s", mode, nodeTimeout, stderr.String())
	}
	require.NoError(t, err, "node run.mjs %s: %s", mode, stderr.String())
	require.NoError(t, json.Unmarshal(stdout.Bytes(), resp), "node run.mjs %s output: %.500s", mode, stdout.String())
}

// contexts returns every context embedded in package vc, byte for byte,
// for the JavaScript document loader.
func contexts(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	m := map[string]json.RawMessage{}
	for _, u := range vc.EmbeddedContexts() {
		b, ok := vc.EmbeddedContext(u)
		require.True(t, ok, u)
		m[u] = b
	}
	require.NotEmpty(t, m)
	return m
}

// testKey is a deterministic signing key and the verification method that
// names it.
type testKey struct {
	signer crypto.Signer
	id     string // verification method
	ctrl   string // controller
}

// jsKey is a key as run.mjs's issue mode takes it.
type jsKey struct {
	JWK        map[string]string `json:"jwk"`
	ID         string            `json:"id"`
	Controller string            `json:"controller"`
}

// seed returns n deterministic bytes for label.
func seed(label string, n int) []byte {
	if n <= 32 {
		s := sha256.Sum256([]byte("openbadges-go interop " + label))
		return s[:n]
	}
	s := sha512.Sum384([]byte("openbadges-go interop " + label))
	return s[:n]
}

// newSigner returns the deterministic private key of alg ("Ed25519",
// "P-256", "P-384") for label.
func newSigner(t *testing.T, alg, label string) crypto.Signer {
	t.Helper()
	switch alg {
	case "Ed25519":
		return ed25519.NewKeyFromSeed(seed(label, ed25519.SeedSize))
	case "P-256":
		k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), seed(label, 32))
		require.NoError(t, err)
		return k
	case "P-384":
		k, err := ecdsa.ParseRawPrivateKey(elliptic.P384(), seed(label, 48))
		require.NoError(t, err)
		return k
	}
	t.Fatalf("unknown algorithm %q", alg)
	return nil
}

// didKey returns the deterministic did:key key of alg for label.
func didKey(t *testing.T, alg, label string) *testKey {
	t.Helper()
	s := newSigner(t, alg, label)
	k, err := did.NewKey(s)
	require.NoError(t, err)
	return &testKey{signer: s, id: k.ID, ctrl: k.Controller}
}

// webKey returns the deterministic key of alg for label as the method
// webDID#fragment.
func webKey(t *testing.T, alg, label, webDID, fragment string) *testKey {
	t.Helper()
	s := newSigner(t, alg, label)
	k, err := did.NewWebKey(s, webDID, fragment)
	require.NoError(t, err)
	return &testKey{signer: s, id: k.ID, ctrl: k.Controller}
}

func (k *testKey) proofKey() proof.Key {
	return proof.Key{Signer: k.signer, VerificationMethod: k.id}
}

// js returns the key with its private JWK, for run.mjs to sign with.
func (k *testKey) js(t *testing.T) jsKey {
	t.Helper()
	b64 := base64.RawURLEncoding.EncodeToString
	var jwk map[string]string
	switch s := k.signer.(type) {
	case ed25519.PrivateKey:
		jwk = map[string]string{"kty": "OKP", "crv": "Ed25519", "x": b64(s.Public().(ed25519.PublicKey)), "d": b64(s.Seed())}
	case *ecdsa.PrivateKey:
		d, err := s.Bytes()
		require.NoError(t, err)
		pub, err := s.PublicKey.Bytes() // 0x04 || x || y
		require.NoError(t, err)
		n := (len(pub) - 1) / 2
		jwk = map[string]string{"kty": "EC", "crv": s.Curve.Params().Name, "x": b64(pub[1 : 1+n]), "y": b64(pub[1+n:]), "d": b64(d)}
	default:
		t.Fatalf("unsupported key %T", k.signer)
	}
	return jsKey{JWK: jwk, ID: k.id, Controller: k.ctrl}
}

// multibase returns the key's publicKeyMultibase (the did:key value).
func (k *testKey) multibase(t *testing.T) string {
	t.Helper()
	mb, err := did.EncodeMultikey(k.signer.Public())
	require.NoError(t, err)
	return mb
}

// webResolver resolves did:key and did:jwk offline, and the given did:web
// documents.
func webResolver(docs ...*did.Document) proof.Resolver {
	off := proof.OfflineResolver()
	return did.ResolverFunc(func(ctx context.Context, id string) (*did.Document, error) {
		for _, d := range docs {
			if d.ID == id {
				return d.Clone(), nil
			}
		}
		return off.Resolve(ctx, id)
	})
}

// mustJSON marshals v.
func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
