package delivery_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/delivery"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

// An LMS offers a badge to a learner; the learner's wallet follows the
// one-step Learner Credential Wallet link.
func Example() {
	ctx := context.Background()
	key, _ := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{1}, 32))
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()

	svc, err := delivery.NewService(delivery.Config{
		Issuer:  &badge.Issuer{Key: proof.Key{Signer: key.Signer, VerificationMethod: key.ID}},
		BaseURL: srv.URL + "/wallet",
		Collected: func(_ context.Context, x *delivery.Exchange, _ *badge.Signed) {
			fmt.Println("collected by", x.Learner.ID, "over", x.Protocol)
		},
	})
	if err != nil {
		panic(err)
	}
	h, _ := delivery.NewHandler(svc)
	mux.Handle("/wallet/", h)
	for _, p := range svc.WellKnownPaths() {
		mux.Handle(p, h)
	}

	x, _ := svc.CreateExchange(ctx, delivery.ExchangeRequest{
		Learner: delivery.Learner{ID: "student-17"},
		Achievement: badge.NewAchievement("https://example.edu/achievements/teamwork", "Teamwork",
			"Works well in a team.", "Nominated by peers and confirmed by staff."),
	})
	links, _ := svc.Links(x)
	fmt.Println(strings.HasPrefix(links.WalletRequest, "https://lcw.app/request.html?issuer="))
	fmt.Println(strings.HasPrefix(links.CredentialOffer, "openid-credential-offer://?credential_offer="))

	// The wallet: a DID Authentication presentation with the challenge.
	holder, _ := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{2}, 32))
	vp, _ := proof.AddDataIntegrityProof(ctx,
		[]byte(`{"@context":["https://www.w3.org/2018/credentials/v1","`+proof.ContextEd25519Signature2020+`"],"type":["VerifiablePresentation"],"holder":"`+holder.Controller+`"}`),
		proof.Key{Signer: holder.Signer, VerificationMethod: holder.ID},
		&proof.DataIntegrityOptions{Cryptosuite: proof.Ed25519Signature2020, Purpose: proof.PurposeAuthentication, Challenge: links.Challenge})
	resp, _ := http.Post(links.ExchangeURL, "application/json", bytes.NewReader(vp))
	fmt.Println(resp.StatusCode)
	resp.Body.Close()

	// A replay is refused.
	resp, _ = http.Post(links.ExchangeURL, "application/json", bytes.NewReader(vp))
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"))
	resp.Body.Close()
	// Output:
	// true
	// true
	// collected by student-17 over vcapi
	// 200
	// 409 application/problem+json
}
