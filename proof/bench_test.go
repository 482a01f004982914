package proof

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/vc"
)

// The benchmarks sign and verify the 1EdTech OB 3.0 example credential.

func benchSign(b *testing.B, s crypto.Signer, suite string) {
	vm, ctrl := didKey(b, s)
	doc := credentialFor(b, ctrl)
	if suite == Ed25519Signature2020 {
		doc = []byte(strings.Replace(string(doc), `"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"`,
			`"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "`+ContextEd25519Signature2020+`"`, 1))
	}
	k := Key{Signer: s, VerificationMethod: vm}
	o := &DataIntegrityOptions{Cryptosuite: suite, Created: time.Unix(1700000000, 0), Processor: vc.NewProcessor(nil)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := AddDataIntegrityProof(ctx, doc, k, o); err != nil {
			b.Fatal(err)
		}
	}
}

func signedFor(b testing.TB, s crypto.Signer, suite string) *vc.Credential {
	vm, ctrl := didKey(b, s)
	doc := credentialFor(b, ctrl)
	if suite == Ed25519Signature2020 {
		doc = []byte(strings.Replace(string(doc), `"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"`,
			`"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "`+ContextEd25519Signature2020+`"`, 1))
	}
	out, err := AddDataIntegrityProof(context.Background(), doc, Key{Signer: s, VerificationMethod: vm},
		&DataIntegrityOptions{Cryptosuite: suite, Created: time.Unix(1700000000, 0)})
	if err != nil {
		b.Fatal(err)
	}
	c, err := vc.Parse(out)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func benchVerify(b *testing.B, s crypto.Signer, suite string) {
	c := signedFor(b, s, suite)
	v := &Verifier{Processor: vc.NewProcessor(nil)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.VerifyProofs(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyEdDSARDFC2022Parallel verifies from GOMAXPROCS goroutines
// with one shared Verifier; run with -cpu 1,2 to see the scaling.
func BenchmarkVerifyEdDSARDFC2022Parallel(b *testing.B) {
	c := signedFor(b, testKeys()["Ed25519"], EdDSARDFC2022)
	v := &Verifier{Processor: vc.NewProcessor(nil)}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			if _, err := v.VerifyProofs(ctx, c); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkVerifyEdDSARDFC2022ZeroVerifier uses the zero Verifier, whose
// processor comes from the package's pool of default processors.
func BenchmarkVerifyEdDSARDFC2022ZeroVerifier(b *testing.B) {
	c := signedFor(b, testKeys()["Ed25519"], EdDSARDFC2022)
	var v Verifier
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.VerifyProofs(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignEdDSARDFC2022(b *testing.B) { benchSign(b, testKeys()["Ed25519"], EdDSARDFC2022) }
func BenchmarkSignEd25519Signature2020(b *testing.B) {
	benchSign(b, testKeys()["Ed25519"], Ed25519Signature2020)
}
func BenchmarkSignECDSARDFC2019P256(b *testing.B) { benchSign(b, testKeys()["P-256"], ECDSARDFC2019) }
func BenchmarkSignECDSARDFC2019P384(b *testing.B) { benchSign(b, testKeys()["P-384"], ECDSARDFC2019) }

func BenchmarkVerifyEdDSARDFC2022(b *testing.B) { benchVerify(b, testKeys()["Ed25519"], EdDSARDFC2022) }
func BenchmarkVerifyEd25519Signature2020(b *testing.B) {
	benchVerify(b, testKeys()["Ed25519"], Ed25519Signature2020)
}
func BenchmarkVerifyECDSARDFC2019P256(b *testing.B) {
	benchVerify(b, testKeys()["P-256"], ECDSARDFC2019)
}
func BenchmarkVerifyECDSARDFC2019P384(b *testing.B) {
	benchVerify(b, testKeys()["P-384"], ECDSARDFC2019)
}
func BenchmarkSignEdDSAJCS2022(b *testing.B)   { benchSign(b, testKeys()["Ed25519"], EdDSAJCS2022) }
func BenchmarkVerifyEdDSAJCS2022(b *testing.B) { benchVerify(b, testKeys()["Ed25519"], EdDSAJCS2022) }
func BenchmarkVerifyECDSAJCS2019P256(b *testing.B) {
	benchVerify(b, testKeys()["P-256"], ECDSAJCS2019)
}

func benchJWT(b *testing.B, key string, alg Algorithm, verify bool) {
	s := testKeys()[key]
	vm, ctrl := didKey(b, s)
	doc := credentialFor(b, ctrl)
	k := Key{Signer: s, VerificationMethod: vm}
	ctx := context.Background()
	o := &JWTOptions{Processor: vc.NewProcessor(nil)}
	token, err := SignJWT(ctx, doc, k, alg, o)
	if err != nil {
		b.Fatal(err)
	}
	v := &Verifier{}
	b.ReportAllocs()
	for b.Loop() {
		if verify {
			_, _, err = v.VerifyJWT(ctx, token)
		} else {
			_, err = SignJWT(ctx, doc, k, alg, o)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignJWTEdDSA(b *testing.B)   { benchJWT(b, "Ed25519", EdDSA, false) }
func BenchmarkSignJWTES256(b *testing.B)   { benchJWT(b, "P-256", ES256, false) }
func BenchmarkSignJWTRS256(b *testing.B)   { benchJWT(b, "RSA", RS256, false) }
func BenchmarkVerifyJWTEdDSA(b *testing.B) { benchJWT(b, "Ed25519", EdDSA, true) }
func BenchmarkVerifyJWTES256(b *testing.B) { benchJWT(b, "P-256", ES256, true) }
func BenchmarkVerifyJWTRS256(b *testing.B) { benchJWT(b, "RSA", RS256, true) }

// BenchmarkEd25519VerifyBaseline is a raw ed25519.Verify of the 64-byte
// eddsa-rdfc-2022 message of the same credential: the floor the suite's
// canonicalization and checks add to.
func BenchmarkEd25519VerifyBaseline(b *testing.B) {
	s := testKeys()["Ed25519"].(ed25519.PrivateKey)
	c := signedFor(b, s, EdDSARDFC2022)
	p := c.Proofs()[0]
	sig, err := decodeProofValue(p["proofValue"], kindEd25519)
	if err != nil {
		b.Fatal(err)
	}
	doc := c.Document()
	unsecured := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "proof" {
			unsecured[k] = v
		}
	}
	cfg := make(map[string]any, len(p))
	for k, v := range p {
		if k != "proofValue" {
			cfg[k] = v
		}
	}
	cfg["@context"] = doc["@context"]
	d, err := hashInputs(context.Background(), vc.NewProcessor(nil), kindEd25519, unsecured, cfg, nil)
	if err != nil {
		b.Fatal(err)
	}
	msg := d.Message()
	pub := s.Public().(ed25519.PublicKey)
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("baseline does not verify")
		}
	}
}

// BenchmarkEd25519SignBaseline is a raw ed25519.Sign of a 64-byte
// message: with BenchmarkEd25519VerifyBaseline, the floor of an issue that
// checks its own signature.
func BenchmarkEd25519SignBaseline(b *testing.B) {
	s := testKeys()["Ed25519"].(ed25519.PrivateKey)
	msg := make([]byte, 64)
	for i := range msg {
		msg[i] = byte(i)
	}
	b.ReportAllocs()
	for b.Loop() {
		if len(ed25519.Sign(s, msg)) != ed25519.SignatureSize {
			b.Fatal("short signature")
		}
	}
}

// BenchmarkEd25519VerifyBaselineParallel is the raw verify from
// GOMAXPROCS goroutines: how far this machine's cores scale on pure
// computation, the ceiling for BenchmarkVerifyEdDSARDFC2022Parallel.
func BenchmarkEd25519VerifyBaselineParallel(b *testing.B) {
	s := testKeys()["Ed25519"].(ed25519.PrivateKey)
	msg := make([]byte, 64)
	sig := ed25519.Sign(s, msg)
	pub := s.Public().(ed25519.PublicKey)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !ed25519.Verify(pub, msg, sig) {
				b.Error("baseline does not verify")
				return
			}
		}
	})
}
