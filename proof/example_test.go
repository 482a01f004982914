package proof_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

const exampleCredential = `{
  "@context": ["https://www.w3.org/ns/credentials/v2"],
  "id": "urn:uuid:0b3e7ad2-1b51-4c1c-9b43-1e6b8d4c8a10",
  "type": ["VerifiableCredential"],
  "issuer": "ISSUER",
  "validFrom": "2024-01-01T00:00:00Z",
  "credentialSubject": {"id": "did:example:learner"}
}`

func exampleKey() (proof.Key, string) {
	seed := make([]byte, ed25519.SeedSize) // a fixed key, for stable output
	k, err := did.NewEd25519KeyFromSeed(seed)
	if err != nil {
		panic(err)
	}
	return proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, k.Controller
}

func ExampleAddDataIntegrityProof() {
	key, issuer := exampleKey()
	doc := strings.Replace(exampleCredential, "ISSUER", issuer, 1)
	signed, err := proof.AddDataIntegrityProof(context.Background(), []byte(doc), key,
		&proof.DataIntegrityOptions{Created: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		fmt.Println(err)
		return
	}
	c, _ := vc.Parse(signed)
	p := c.Proofs()[0]
	fmt.Println(p["type"], p["cryptosuite"], p["proofPurpose"], p["created"])
	fmt.Println(strings.HasPrefix(string(signed), strings.TrimSuffix(doc, "\n}")))
	// Output:
	// DataIntegrityProof eddsa-rdfc-2022 assertionMethod 2024-01-01T00:00:00Z
	// true
}

func ExampleVerifier_VerifyProofs() {
	key, issuer := exampleKey()
	doc := strings.Replace(exampleCredential, "ISSUER", issuer, 1)
	signed, _ := proof.AddDataIntegrityProof(context.Background(), []byte(doc), key, nil)

	v := &proof.Verifier{} // offline did:key/did:jwk, default allow-lists, issuer binding
	c, _ := vc.Parse(signed)
	results, err := v.VerifyProofs(context.Background(), c)
	fmt.Println(err, results[0].Cryptosuite, results[0].Status)

	tampered, _ := vc.Parse([]byte(strings.Replace(string(signed), "did:example:learner", "did:example:mallory", 1)))
	results, err = v.VerifyProofs(context.Background(), tampered)
	fmt.Println(errors.Is(err, proof.ErrSignatureInvalid), results[0].Status)
	var se *proof.SignatureError
	if errors.As(err, &se) {
		fmt.Printf("%d-byte document hash, %d-byte proof hash\n", len(se.Diagnostics.DocumentHash), len(se.Diagnostics.ProofConfigHash))
	}
	// Output:
	// <nil> eddsa-rdfc-2022 verified
	// true failed
	// 32-byte document hash, 32-byte proof hash
}

func ExampleSignJWT() {
	key, issuer := exampleKey()
	doc := strings.Replace(exampleCredential, "ISSUER", issuer, 1)
	token, err := proof.SignJWT(context.Background(), []byte(doc), key, proof.EdDSA, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, res, err := (&proof.Verifier{}).VerifyJWT(context.Background(), token)
	fmt.Println(err, res.Status, res.Cryptosuite, c.ID())

	_, _, err = (&proof.Verifier{AllowedAlgorithms: []proof.Algorithm{proof.RS256}}).VerifyJWT(context.Background(), token)
	fmt.Println(errors.Is(err, proof.ErrAlgorithmNotAllowed))
	// Output:
	// <nil> verified EdDSA urn:uuid:0b3e7ad2-1b51-4c1c-9b43-1e6b8d4c8a10
	// true
}
