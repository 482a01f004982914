package did_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"

	"github.com/openbadges-go/openbadges/did"
)

// Test a did:web issuer against an httptest server. did:web names a host,
// never an IP address, and httptest's certificate is for "example.com":
// so the DID uses example.com (with the port, as did:web encodes it), and
// the resolver's client dials the test server whatever host it asks for.
// AllowPrivateAddresses lets it reach loopback (tests only).
func ExampleWebResolver_testServer() {
	mux := http.NewServeMux()
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())

	webDID, _ := did.WebDID("example.com:" + port)
	key, _ := did.GenerateWebKey(did.AlgEd25519, rand.Reader, webDID, "key-1")
	doc, _ := did.NewWebDocument(webDID, []*did.Key{key}, nil)
	mux.HandleFunc("GET /.well-known/did.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/did+json")
		_ = json.NewEncoder(w).Encode(doc)
	})

	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}
	resolver := did.Methods{"web": &did.WebResolver{Client: &http.Client{Transport: tr}, AllowPrivateAddresses: true}}

	vm, err := did.Dereference(context.Background(), resolver, key.ID, did.AssertionMethod)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(vm.ID == key.ID, vm.Controller == webDID)
	// Output: true true
}
