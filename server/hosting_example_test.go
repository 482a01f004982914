package server_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/openbadges-go/openbadges/server"
)

// Publish a minimal issuer Profile at /issuer for an issuer that has no
// profile document of its own.
func ExampleMinimalProfile() {
	profile, err := server.MinimalProfile("did:web:example.edu", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	h, err := server.New(server.Config{Profile: profile})
	if err != nil {
		fmt.Println(err)
		return
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", server.DefaultProfilePath, nil))
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Println(rec.Body.String())
	// Output:
	// 200 application/ld+json
	// {
	//   "@context": [
	//     "https://www.w3.org/ns/credentials/v2",
	//     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	//   ],
	//   "id": "did:web:example.edu",
	//   "type": [
	//     "Profile"
	//   ],
	//   "name": "example.edu"
	// }
}
