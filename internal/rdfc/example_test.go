package rdfc_test

import (
	"context"
	"fmt"

	"github.com/openbadges-go/openbadges/internal/rdf"
	"github.com/openbadges-go/openbadges/internal/rdfc"
)

func ExampleCanonicalize() {
	quads, err := rdf.ParseNQuads([]byte(`
_:proof <http://purl.org/dc/terms/created> "2024-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
_:proof <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/security#DataIntegrityProof> .
`))
	if err != nil {
		panic(err)
	}
	res, err := rdfc.Canonicalize(context.Background(), quads, nil)
	if err != nil {
		panic(err)
	}
	fmt.Print(string(res.NQuads))
	fmt.Println(res.IssuedIdentifiers)
	// Output:
	// _:c14n0 <http://purl.org/dc/terms/created> "2024-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
	// _:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/security#DataIntegrityProof> .
	// map[proof:c14n0]
}
