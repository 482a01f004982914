package vc_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/openbadges-go/openbadges/vc"
)

func ExampleProcessor_CanonicalizeJSON() {
	doc := []byte(`{
	  "@context": ["https://www.w3.org/ns/credentials/v2"],
	  "type": ["VerifiableCredential"],
	  "issuer": "did:example:issuer",
	  "credentialSubject": {"id": "did:example:learner"}
	}`)
	c, err := vc.NewProcessor(nil).CanonicalizeJSON(context.Background(), doc, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(c.NQuads))
	// Output:
	// _:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/2018/credentials#VerifiableCredential> .
	// _:c14n0 <https://www.w3.org/2018/credentials#credentialSubject> <did:example:learner> .
	// _:c14n0 <https://www.w3.org/2018/credentials#issuer> <did:example:issuer> .
}

func ExampleProcessor_Check() {
	doc := map[string]any{
		"@context": "https://www.w3.org/ns/credentials/v2",
		"type":     "VerifiableCredential",
		"fooBar":   "not defined by any context",
	}
	err := vc.NewProcessor(nil).Check(context.Background(), doc)
	fmt.Println(errors.Is(err, vc.ErrSafeMode), errors.Is(err, vc.ErrUndefinedTerm))
	// Output: true true
}

func ExampleEmbeddedLoader() {
	_, err := vc.EmbeddedLoader().LoadDocument(context.Background(), "https://example.com/my-context.jsonld")
	fmt.Println(errors.Is(err, vc.ErrUnknownContext))
	fmt.Println(err)
	// Output:
	// true
	// vc: unknown JSON-LD context "https://example.com/my-context.jsonld" (not embedded; add it with a custom DocumentLoader)
}
