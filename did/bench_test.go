package did_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"testing"

	"github.com/openbadges-go/openbadges/did"
)

func BenchmarkKeyResolverEd25519(b *testing.B) {
	ctx := context.Background()
	const d = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
	r := did.KeyResolver{}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Resolve(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDereferenceDIDKey(b *testing.B) {
	ctx := context.Background()
	const vm = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
	r := did.DefaultResolver()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := did.Dereference(ctx, r, vm, did.AssertionMethod); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPublicKey(b *testing.B) {
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	p256mb, _ := did.EncodeMultikey(&p256.PublicKey)
	jwk, _ := did.NewJWK(&p256.PublicKey)
	cases := map[string]did.VerificationMethod{
		"Multikey/Ed25519":    {Type: did.TypeMultikey, PublicKeyMultibase: "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"},
		"Multikey/P-256":      {Type: did.TypeMultikey, PublicKeyMultibase: p256mb},
		"Multikey/secp256k1":  {Type: did.TypeMultikey, PublicKeyMultibase: "zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"},
		"JsonWebKey/P-256":    {Type: did.TypeJsonWebKey, PublicKeyJWK: jwk},
		"Ed25519-2018/base58": {Type: did.TypeEd25519VerificationKey2018, PublicKeyBase58: "4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS"},
	}
	for name, vm := range cases {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := vm.PublicKey(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
