package proof

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"math/big"
	"testing"
)

// Every ECDSA signature the module writes has s in its low form, which
// verifiers that insist on it (JavaScript's noble-curves) accept; half of
// Go's signatures would otherwise be refused there.
func TestECDSASignaturesAreLowS(t *testing.T) {
	for _, tc := range []struct {
		curve elliptic.Curve
		kind  keyKind
		size  int
	}{{elliptic.P256(), kindP256, 32}, {elliptic.P384(), kindP384, 48}} {
		k, err := ecdsa.GenerateKey(tc.curve, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		half := new(big.Int).Rsh(tc.curve.Params().N, 1)
		for i := range 64 {
			msg := []byte{byte(i)}
			der, err := ecdsa.SignASN1(rand.Reader, k, digest(hashFor(tc.kind), msg))
			if err != nil {
				t.Fatal(err)
			}
			raw, err := ecdsaRawSignature(der, tc.kind)
			if err != nil {
				t.Fatal(err)
			}
			if new(big.Int).SetBytes(raw[tc.size:]).Cmp(half) > 0 {
				t.Fatalf("high s in signature %d", i)
			}
			again, err := ecdsaRawSignature(raw, tc.kind)
			if err != nil || string(again) != string(raw) {
				t.Fatalf("r||s input not kept: %v", err)
			}
			if !verifySignature(&k.PublicKey, msg, raw) {
				t.Fatalf("normalized signature %d does not verify", i)
			}
		}
	}
}
