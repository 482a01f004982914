package proof

import (
	"context"
	"testing"

	"github.com/openbadges-go/openbadges/vc"
)

// The ecdsa-sd-2023 benchmarks use the OB 3.0 example credential (P-256,
// the mandatory pointers an Open Badge needs) and a disclosure of the
// achievement's name; compare them with BenchmarkEd25519VerifyBaseline
// (raw Ed25519 verify), as the other suites' figures are.

func BenchmarkSignECDSASD2023(b *testing.B) {
	s := testKeys()["P-256"]
	vm, ctrl := didKey(b, s)
	doc := credentialFor(b, ctrl)
	o := &DataIntegrityOptions{Processor: vc.NewProcessor(nil)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := addSDBaseProof(ctx, doc, Key{Signer: s, VerificationMethod: vm}, o, obMandatory, sdIssue{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDeriveECDSASD2023(b *testing.B) {
	base := sdIssueOB(b, testKeys()["P-256"], obMandatory)
	o := &DeriveOptions{Processor: vc.NewProcessor(nil)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Derive(ctx, base, []string{"/credentialSubject/achievement/name"}, o); err != nil {
			b.Fatal(err)
		}
	}
}

func benchVerifySD(b *testing.B, doc []byte) {
	s := testKeys()["P-256"]
	c, err := vc.Parse(doc)
	if err != nil {
		b.Fatal(err)
	}
	p := c.Proofs()[0]
	config := withoutProof(p)
	delete(config, "proofValue")
	config["@context"] = c.Document()["@context"]
	in := &sdVerifyInput{pub: s.Public(), kind: kindP256, cred: c, config: config, proofValue: p["proofValue"]}
	proc := vc.NewProcessor(nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := verifySD(ctx, proc, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyECDSASD2023Derived verifies a derived proof (the
// verifier's work, key resolution aside).
func BenchmarkVerifyECDSASD2023Derived(b *testing.B) {
	base := sdIssueOB(b, testKeys()["P-256"], obMandatory)
	derived, err := Derive(context.Background(), base, []string{"/credentialSubject/achievement/name"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	benchVerifySD(b, derived)
}

// BenchmarkVerifyECDSASD2023Base verifies a base proof (the holder's
// check before deriving).
func BenchmarkVerifyECDSASD2023Base(b *testing.B) {
	benchVerifySD(b, sdIssueOB(b, testKeys()["P-256"], obMandatory))
}
