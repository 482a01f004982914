package did_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openbadges-go/openbadges/did"
)

// seedStrings collects DIDs, DID URLs and multibase keys from testdata.
func seedStrings(f *testing.F) []string {
	f.Helper()
	seeds := []string{
		"did:web:example.com%3A3000:user:alice", "did:web:w3c-ccg.github.io", "did:web:127.0.0.1",
		"did:key:z6Mk#frag", "did:example:123/path?q=1#f", "did:a:%zz", "did::x", "did:web:example.com:..",
		"did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9",
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "did-key", "*.json"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			f.Fatal(err)
		}
		for k := range m {
			if strings.HasPrefix(k, "did:") {
				seeds = append(seeds, k, k+"#"+strings.TrimPrefix(k, "did:key:"))
			}
		}
	}
	return seeds
}

func FuzzParseDID(f *testing.F) {
	for _, s := range seedStrings(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := did.Parse(s)
		if err != nil {
			return
		}
		if d.String() != s {
			t.Fatalf("round trip: %q -> %q", s, d.String())
		}
	})
}

func FuzzParseDIDURL(f *testing.F) {
	for _, s := range seedStrings(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := did.ParseURL(s)
		if err != nil {
			return
		}
		if u.String() != s {
			t.Fatalf("round trip: %q -> %q", s, u.String())
		}
		if _, err := did.Parse(u.DID.String()); err != nil {
			t.Fatalf("DID part of %q does not parse: %v", s, err)
		}
		_, _ = did.Dereference(context.Background(), nil, s, did.AssertionMethod)
	})
}

func FuzzDecodeMultikey(f *testing.F) {
	for _, s := range seedStrings(f) {
		if k, ok := strings.CutPrefix(s, "did:key:"); ok && !strings.Contains(k, "#") {
			f.Add(k)
		}
	}
	f.Add("z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW")
	f.Add("z3u2RDonZ81AFKiw8QCPKcsyg8Yy2MmYQNxfBn51SS2QmMiw")
	f.Fuzz(func(t *testing.T, s string) {
		pub, err := did.DecodeMultikey(s)
		if err != nil {
			return
		}
		// Every accepted encoding is canonical: re-encoding gives it back.
		again, err := did.EncodeMultikey(pub)
		if err != nil {
			t.Fatalf("decoded %q but cannot encode %T: %v", s, pub, err)
		}
		if again != s {
			t.Fatalf("non-canonical key accepted: %q re-encodes as %q", s, again)
		}
		vm := did.VerificationMethod{Type: did.TypeMultikey, PublicKeyMultibase: s}
		if _, err := vm.PublicKey(); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzParseJWK(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.jwk.json"))
	for _, file := range files {
		b, _ := os.ReadFile(file)
		f.Add(b)
	}
	f.Add([]byte(`{"kty":"EC","crv":"P-256","x":"igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns","y":"efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM","d":"gPh-VvVS8MbvKQ9LSVVmfnxnKjHn4Tqj0bmbpehRlpc"}`))
	f.Add([]byte(`{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB"}`))
	f.Add([]byte(`{"kty":"EC","crv":"secp256k1","x":"AA","y":"AA"}`))
	f.Add([]byte(`{"keys":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = did.ParsePrivateKey(b)
		_, _ = did.ParsePublicJWK(b)
		_, _ = did.ParseJWKSet(b)
		j, err := did.ParseJWK(b)
		if err != nil {
			return
		}
		_, _ = j.Thumbprint()
		_, _ = j.PrivateKey()
		pub, err := j.PublicKey()
		if err != nil {
			return
		}
		j2, err := did.NewJWK(pub)
		if err != nil {
			t.Fatalf("cannot re-encode %T: %v", pub, err)
		}
		pub2, err := j2.PublicKey()
		if err != nil || !sameKey(pub, pub2) {
			t.Fatalf("JWK round trip changed the key: %v", err)
		}
		if _, err := json.Marshal(j); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzWebURL(f *testing.F) {
	for _, s := range seedStrings(f) {
		f.Add(s)
	}
	f.Add("did:web:example.com:a%2F..:b")
	f.Add("did:web:example.com%3A65535:x%20y")
	f.Fuzz(func(t *testing.T, s string) {
		out, err := did.WebURL(s)
		if err != nil {
			return
		}
		u, err := url.Parse(out)
		if err != nil {
			t.Fatalf("%q gave unparsable %q", s, out)
		}
		if u.Scheme != "https" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Host == "" {
			t.Fatalf("%q gave unsafe URL %q", s, out)
		}
		if !strings.HasSuffix(u.Path, "/did.json") {
			t.Fatalf("%q gave %q", s, out)
		}
		for _, seg := range strings.Split(u.Path, "/") {
			if seg == ".." || seg == "." {
				t.Fatalf("%q gave path traversal %q", s, out)
			}
		}
		if strings.Contains(u.Host, "@") || strings.ContainsAny(u.Hostname(), "/\\%") {
			t.Fatalf("%q gave host %q", s, u.Host)
		}
	})
}
