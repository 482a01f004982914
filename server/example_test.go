package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/server"
)

// An issuer service: everything behind one handler (here on an httptest
// server): issue a credential through the VC-API, then verify it through
// the Open Badges verify endpoint.
func Example() {
	k, _ := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{3}, 32))
	iss := &badge.Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}}
	h, err := server.New(server.Config{Issuer: iss, Options: server.Options{}})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	a := badge.NewAchievement("https://example.edu/achievements/go", "Go", "Writes Go.", "Passed the project.")
	cred, _ := badge.NewCredential(iss.Profile("Example University"), a, badge.RecipientDID("did:example:learner"),
		&badge.CredentialOptions{Now: func() time.Time { return time.Now().Add(-time.Hour) }})
	body, _ := json.Marshal(map[string]any{"credential": cred})
	resp, err := http.Post(srv.URL+server.PathIssue, "application/json", bytes.NewReader(body))
	if err != nil {
		fmt.Println(err)
		return
	}
	var issued struct {
		VerifiableCredential json.RawMessage `json:"verifiableCredential"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&issued)
	resp.Body.Close()
	fmt.Println("issue:", resp.StatusCode)

	resp, err = http.Post(srv.URL+server.PathBadgeVerify, "application/json", bytes.NewReader(issued.VerifiableCredential))
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println("verify:", resp.StatusCode)
	// Output:
	// issue: 201
	// verify: 200
}
