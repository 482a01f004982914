package did_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/openbadges-go/openbadges/did"
)

// Dereference a proof's verificationMethod and check that it may assert
// credentials, offline.
func ExampleDereference() {
	ctx := context.Background()
	vmURL := "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
	vm, err := did.Dereference(ctx, did.DefaultResolver(), vmURL, did.AssertionMethod)
	if err != nil {
		fmt.Println(err)
		return
	}
	pub, err := vm.PublicKey()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(vm.Type, vm.Controller)
	fmt.Printf("%T %d bytes\n", pub, len(pub.(ed25519.PublicKey)))

	// did:web is not in the default resolver: it reaches the network.
	_, err = did.Dereference(ctx, nil, "did:web:example.com#key-1", did.AssertionMethod)
	fmt.Println(errors.Is(err, did.ErrMethodNotSupported))
	// Output:
	// Multikey did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp
	// ed25519.PublicKey 32 bytes
	// true
}

func ExampleKeyResolver_Resolve() {
	doc, err := did.KeyResolver{}.Resolve(context.Background(), "did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(doc.Context))
	fmt.Println(doc.VerificationMethod[0].Type, doc.VerificationMethod[0].PublicKeyMultibase)
	fmt.Println(doc.Authorizes(doc.VerificationMethod[0].ID, did.AssertionMethod))
	// Output:
	// ["https://www.w3.org/ns/did/v1","https://w3id.org/security/multikey/v1"]
	// Multikey zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv
	// true
}

func ExampleNewEd25519KeyFromSeed() {
	k, err := did.NewEd25519KeyFromSeed(make([]byte, 32)) // for tests only
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(k.ID)
	fmt.Println(k.Algorithm())
	// Output:
	// did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp
	// EdDSA
}

func ExampleParsePrivateKey() {
	k, err := did.ParsePrivateKey([]byte(`{
	  "type": "Multikey",
	  "publicKeyMultibase": "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
	  "secretKeyMultibase": "z3u2RDonZ81AFKiw8QCPKcsyg8Yy2MmYQNxfBn51SS2QmMiw"
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(k.Controller)
	j, _ := k.JWK()
	fmt.Println(j.Kty, j.Crv, j.X)
	// Output:
	// did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp
	// OKP Ed25519 O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik
}

func ExampleWebURL() {
	for _, d := range []string{"did:web:w3c-ccg.github.io", "did:web:example.com%3A3000:user:alice", "did:web:127.0.0.1"} {
		u, err := did.WebURL(d)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(u)
	}
	// Output:
	// https://w3c-ccg.github.io/.well-known/did.json
	// https://example.com:3000/user/alice/did.json
	// did: "did:web:127.0.0.1": invalid DID: IP address hosts are not allowed by did:web
}

func ExampleParse() {
	_, err := did.Parse("did:Example:123")
	var re *did.ResolutionError
	if errors.As(err, &re) {
		fmt.Println(re.Code, errors.Is(err, did.ErrInvalidDID))
	}
	fmt.Println(err)
	// Output:
	// invalidDid true
	// did: "did:Example:123": invalid DID: method name must be lowercase letters and digits
}

func ExampleInsecureFragmentKey() {
	// What the 1EdTech validator does with such URLs. It proves nothing
	// about control of the key: prefer Dereference with an HTTPSResolver.
	vm, err := did.InsecureFragmentKey("https://example.edu/issuers/565049#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(vm.Controller)
	// Output:
	// https://example.edu/issuers/565049
}

// Publish a did:web issuer: name its DID and key, and build the DID
// document to serve at the URL the DID maps to.
func ExampleNewWebDocument() {
	webDID, err := did.WebDID("example.edu", "issuers", "1")
	if err != nil {
		fmt.Println(err)
		return
	}
	signer := ed25519.NewKeyFromSeed(make([]byte, 32)) // for tests only; or did.GenerateWebKey
	key, err := did.NewWebKey(signer, webDID, "key-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	doc, err := did.NewWebDocument(webDID, []*did.Key{key}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	url, _ := did.WebURL(webDID)
	body, _ := json.MarshalIndent(doc, "", "  ")
	fmt.Println("sign with", key.ID)
	fmt.Println("serve at", url)
	fmt.Println(string(body))
	// Output:
	// sign with did:web:example.edu:issuers:1#key-1
	// serve at https://example.edu/issuers/1/did.json
	// {
	//   "@context": [
	//     "https://www.w3.org/ns/did/v1",
	//     "https://w3id.org/security/multikey/v1"
	//   ],
	//   "id": "did:web:example.edu:issuers:1",
	//   "verificationMethod": [
	//     {
	//       "id": "did:web:example.edu:issuers:1#key-1",
	//       "type": "Multikey",
	//       "controller": "did:web:example.edu:issuers:1",
	//       "publicKeyMultibase": "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
	//     }
	//   ],
	//   "authentication": [
	//     "did:web:example.edu:issuers:1#key-1"
	//   ],
	//   "assertionMethod": [
	//     "did:web:example.edu:issuers:1#key-1"
	//   ]
	// }
}

func ExampleWebDID() {
	for _, host := range []string{"example.edu", "example.edu:8443"} {
		d, err := did.WebDID(host, "issuers", "math dept")
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(d)
	}
	_, err := did.WebDID("192.0.2.1")
	fmt.Println(errors.Is(err, did.ErrInvalidDID))
	// Output:
	// did:web:example.edu:issuers:math%20dept
	// did:web:example.edu%3A8443:issuers:math%20dept
	// true
}

func ExampleGenerateWebKey() {
	key, err := did.GenerateWebKey(did.AlgEd25519, rand.Reader, "did:web:example.edu", "key-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	doc, err := key.DIDDocument() // what to serve at https://example.edu/.well-known/did.json
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(key.ID, key.Algorithm())
	fmt.Println(doc.Authorizes(key.ID, did.AssertionMethod))
	// Output:
	// did:web:example.edu#key-1 EdDSA
	// true
}
