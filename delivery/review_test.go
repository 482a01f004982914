package delivery_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/delivery"
	"github.com/openbadges-go/openbadges/proof"
)

// Regression (adversarial review): an exchange offered with a tx_code must not be collectable by whoever
// intercepted the offer without the code. The by-reference offer names the
// exchange id; POST {} to the VC-API exchange of the same id gives the
// challenge; a DID Authentication by the attacker's own key then collects.
func TestATxCodeExchangeCannotBeClaimedThroughTheVCAPI(t *testing.T) {
	e := newEnv(t)
	_, links := e.exchange(delivery.ExchangeRequest{TxCode: "493817"})
	require.True(t, links.TxCodeRequired)
	// The attacker only has the OpenID4VCI offer link (QR code).
	offerURI := queryParam(t, links.CredentialOfferByReference, "credential_offer_uri")
	id := offerURI[strings.LastIndexByte(offerURI, '/')+1:]
	exURL := e.svc.BaseURL() + "/exchanges/" + id
	r := postJSON(t, exURL, []byte(`{}`))
	require.Equal(t, http.StatusForbidden, r.status, string(r.body))
	require.Contains(t, string(r.body), "transaction code")
	// Nor by a DID Authentication posted at once.
	attacker := newWallet(t)
	r = postJSON(t, exURL, attacker.didAuth(t, "any", "any"))
	require.NotEqual(t, http.StatusOK, r.status, string(r.body))
}

// The public nonce endpoint cannot grow the store without bound: past
// MaxNonces outstanding nonces it answers 503 until some expire.
func TestTheNonceStoreIsBounded(t *testing.T) {
	m := delivery.NewMemoryStore()
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	for i := range delivery.MaxNonces {
		require.NoError(t, m.AddNonce(ctx, strconv.Itoa(i), exp))
	}
	require.ErrorIs(t, m.AddNonce(ctx, "one more", exp), delivery.ErrFull)
}

// A presentation naming the learner's DID as holder but signed by the
// attacker's key must not collect the learner's exchange.
func TestAPresentationSignedByAnotherKeyCannotClaimTheLearnersExchange(t *testing.T) {
	e := newEnv(t)
	victim, attacker := newWallet(t), newWallet(t)
	x, links := e.exchange(delivery.ExchangeRequest{Learner: delivery.Learner{DID: victim.did()}})
	vp := attacker.didAuthAs(t, victim.did(), x.Challenge)
	r := postJSON(t, links.ExchangeURL, vp)
	require.NotEqual(t, http.StatusOK, r.status, string(r.body))
}

func (w *wallet) didAuthAs(t *testing.T, holder, challenge string) []byte {
	t.Helper()
	vp := map[string]any{
		"@context": []string{"https://www.w3.org/2018/credentials/v1", proof.ContextEd25519Signature2020},
		"type":     []string{"VerifiablePresentation"},
		"holder":   holder,
	}
	b, err := json.Marshal(vp)
	require.NoError(t, err)
	signed, err := proof.AddDataIntegrityProof(context.Background(), b, proof.Key{Signer: w.key.Signer, VerificationMethod: w.key.ID},
		&proof.DataIntegrityOptions{Cryptosuite: proof.Ed25519Signature2020, Purpose: proof.PurposeAuthentication, Challenge: challenge})
	require.NoError(t, err)
	return signed
}
