package proof

import (
	"context"
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/vc"
)

// FuzzDecodeProofValue: decoding never panics, and whatever decodes
// re-encodes to the same text with the length the suite wants.
func FuzzDecodeProofValue(f *testing.F) {
	for _, s := range []string{
		"z2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPdSb5xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K1FBTQsCZahKZme",
		"z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvqZtkMtSbz35HcbgXVEDYHxCzgkCr",
		"", "z", "z1", "u", "zzzz0OIl", "m" + strings.Repeat("A", 86), "z" + strings.Repeat("1", 64),
	} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, s string, k uint8) {
		kind := []keyKind{kindEd25519, kindP256, kindP384}[int(k)%3]
		sig, err := decodeProofValue(s, kind)
		if err != nil {
			return
		}
		if len(sig) != sigSize(kind) {
			t.Fatalf("decoded %d bytes for %s", len(sig), kind)
		}
		re, err := encodeProofValue(sig)
		if err != nil || re != s {
			t.Fatalf("re-encoding %q gave %q (%v)", s, re, err)
		}
	})
}

// FuzzVerifyJWT: verification never panics and never accepts a token
// other than the one that was signed.
func FuzzVerifyJWT(f *testing.F) {
	ed := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	vm, ctrl := didKey(f, ed)
	good, err := SignJWT(context.Background(), credentialFor(f, ctrl), Key{Signer: ed, VerificationMethod: vm}, EdDSA, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add("")
	f.Add("..")
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add(good[:len(good)-3])
	parts := strings.Split(good, ".")
	f.Add(parts[0] + "." + parts[1] + ".")
	v := &Verifier{Now: func() time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) }}
	f.Fuzz(func(t *testing.T, token string) {
		_, res, err := v.VerifyJWT(context.Background(), token)
		if err == nil && token != good {
			t.Fatalf("verified a token that was not signed: %q", token)
		}
		if (err == nil) != (res.Status == StatusVerified) {
			t.Fatalf("status %s with error %v", res.Status, err)
		}
	})
}

// FuzzVerifyProofs: Data Integrity verification of mutated credentials
// never panics and never verifies a changed proof.
func FuzzVerifyProofs(f *testing.F) {
	ed := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	signed := signFor(f, ed, &DataIntegrityOptions{Created: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)})
	f.Add(signed)
	f.Add([]byte(strings.Replace(string(signed), `"proof":{`, `"proof":[{"type":"X"},{`, 1)))
	v := &Verifier{}
	good, err := vc.Parse(signed)
	if err != nil {
		f.Fatal(err)
	}
	goodProof := good.Proofs()[0]
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := vc.Parse(data)
		if err != nil {
			return
		}
		res, err := v.VerifyProofs(context.Background(), c)
		if err != nil {
			return
		}
		for _, r := range res {
			if r.Status == StatusVerified {
				p := c.Proofs()[r.Index]
				if p["proofValue"] != goodProof["proofValue"] {
					t.Fatalf("verified a proof that was never made: %v", p)
				}
			}
		}
	})
}

// FuzzProofJSON: the proof object written without reflection is the bytes
// encoding/json writes, compact and indented.
func FuzzProofJSON(f *testing.F) {
	for _, s := range awkwardStrings {
		f.Add(s, "did:key:z6Mk#z6Mk")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		p := &proofJSON{ID: a, Type: b, Cryptosuite: a, Created: b, VerificationMethod: a, ProofPurpose: b,
			Challenge: a, Domain: b, PreviousProof: []string{a, b}, ProofValue: a}
		for _, ws := range []string{"", "\n  "} {
			want, err := encodeIndented(p, ws, "  ")
			if err != nil {
				t.Fatal(err)
			}
			got, _ := marshalIndented(p, ws, "  ")
			if string(got) != string(want) {
				t.Fatalf("got %q, want %q", got, want)
			}
		}
	})
}
