package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	qr "github.com/piglig/go-qr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/delivery"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

// offerLines parses offer's NAME: VALUE lines.
func offerLines(t *testing.T, out string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		name, value, ok := strings.Cut(l, ":")
		require.True(t, ok, l)
		m[name] = strings.TrimSpace(value)
	}
	return m
}

// decodeQRFile decodes a QR code PNG file.
func decodeQRFile(t *testing.T, path string) (size int, text string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")), "not a PNG")
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	require.Equal(t, img.Bounds().Dx(), img.Bounds().Dy())
	text, err = qr.Decode(img)
	require.NoError(t, err)
	return img.Bounds().Dx(), text
}

func TestOfferPrintsLinksAndQRCode(t *testing.T) {
	f := newBatchFixture(t)
	qrPath := filepath.Join(f.dir, "offer.png")
	code, out, errOut := runCLI(t, "", "offer", "--key", f.key, "--achievement", f.achievement, "--learner", "lms-42",
		"--public-url", "https://lms.example/wallet", "--tx-code", "493536", "--ttl", "10m", "--qr", qrPath)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "openbadges serve")
	m := offerLines(t, out)

	exp, err := time.Parse(time.RFC3339, m["expires"])
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(10*time.Minute), exp, time.Minute)
	assert.Equal(t, "lms-42", m["learner"])

	exchange := "https://lms.example/wallet/exchanges/" + m["id"]
	assert.Equal(t, exchange, m["exchange"])
	for _, link := range []string{m["wallet"], m["wallet-scheme"]} {
		u, err := url.Parse(link)
		require.NoError(t, err)
		assert.Equal(t, exchange, u.Query().Get("vc_request_url"))
		assert.Equal(t, m["challenge"], u.Query().Get("challenge"))
		assert.Equal(t, "lms.example", u.Query().Get("issuer"))
	}
	assert.True(t, strings.HasPrefix(m["wallet"], delivery.DefaultWalletLink+"?"))
	assert.True(t, strings.HasPrefix(m["wallet-scheme"], "dccrequest://request?"))

	u, err := url.Parse(m["wallet-protocols"])
	require.NoError(t, err)
	var inv struct {
		Origin    string            `json:"credentialRequestOrigin"`
		Protocols map[string]string `json:"protocols"`
	}
	require.NoError(t, json.Unmarshal([]byte(u.Query().Get("request")), &inv))
	assert.Equal(t, "https://lms.example", inv.Origin)
	assert.Equal(t, exchange, inv.Protocols["vcapi"])
	assert.Equal(t, "https://lms.example/wallet/interactions/"+m["id"]+"?iuv=1", m["interaction"])

	u, err = url.Parse(m["offer"])
	require.NoError(t, err)
	assert.Equal(t, "openid-credential-offer", u.Scheme)
	var offer struct {
		Issuer  string   `json:"credential_issuer"`
		Configs []string `json:"credential_configuration_ids"`
		Grants  map[string]struct {
			Code   string `json:"pre-authorized_code"`
			TxCode *struct {
				Length    int    `json:"length"`
				InputMode string `json:"input_mode"`
			} `json:"tx_code"`
		} `json:"grants"`
	}
	require.NoError(t, json.Unmarshal([]byte(u.Query().Get("credential_offer")), &offer))
	assert.Equal(t, "https://lms.example/wallet", offer.Issuer)
	assert.ElementsMatch(t, []string{delivery.ConfigurationLDP, delivery.ConfigurationJWT}, offer.Configs)
	g := offer.Grants[delivery.GrantPreAuthorizedCode]
	assert.NotEmpty(t, g.Code)
	require.NotNil(t, g.TxCode)
	assert.Equal(t, 6, g.TxCode.Length)
	assert.Equal(t, "numeric", g.TxCode.InputMode)
	assert.Contains(t, m, "tx-code")

	assert.Equal(t, "https://lms.example/wallet/offers/"+m["id"], m["offer-uri"])
	u, err = url.Parse(m["offer-by-reference"])
	require.NoError(t, err)
	assert.Equal(t, m["offer-uri"], u.Query().Get("credential_offer_uri"))

	size, text := decodeQRFile(t, qrPath)
	assert.Equal(t, delivery.DefaultQRSize, size)
	assert.Equal(t, m["offer"], text)
}

func TestOfferJSONAndQRLink(t *testing.T) {
	f := newBatchFixture(t)
	for _, c := range []struct {
		link string
		want func(delivery.Links) string
	}{
		{"wallet", func(l delivery.Links) string { return l.WalletRequest }},
		{"protocols", func(l delivery.Links) string { return l.WalletProtocols }},
		{"offer-uri", func(l delivery.Links) string { return l.CredentialOfferByReference }},
	} {
		qrPath := filepath.Join(f.dir, c.link+".png")
		code, out, errOut := runCLI(t, "", "offer", "--key", f.key, "--achievement", f.achievement, "--learner", "lms-7",
			"--json", "--qr", qrPath, "--qr-link", c.link, "--qr-size", "300")
		require.Equal(t, exitOK, code, errOut)
		var got offerOutput
		require.NoError(t, json.Unmarshal([]byte(out), &got), out)
		assert.Equal(t, "lms-7", got.Learner)
		assert.Equal(t, "http://127.0.0.1:8080/wallet/exchanges/"+got.ID, got.ExchangeURL)
		assert.False(t, got.TxCodeRequired)
		size, text := decodeQRFile(t, qrPath)
		assert.Equal(t, 300, size)
		assert.Equal(t, c.want(got.Links), text, c.link)
	}
}

func TestOfferUsageErrors(t *testing.T) {
	f := newBatchFixture(t)
	base := []string{"offer", "--key", f.key, "--achievement", f.achievement, "--learner", "x"}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"offer", "--achievement", f.achievement, "--learner", "x"}, exitUsage, "--key"},
		{[]string{"offer", "--key", f.key, "--learner", "x"}, exitUsage, "--achievement"},
		{[]string{"offer", "--key", f.key, "--achievement", f.achievement}, exitUsage, "--learner"},
		{append(base, "--qr-link", "nope"), exitUsage, "--qr-link"},
		{append(base, "--tx-code", "12ab"), exitUsage, "--tx-code"},
		{append(base, "--ttl", "-1s"), exitUsage, "--ttl"},
		{append(base, "--learner-did", "bob"), exitUsage, "--learner-did"},
		{append(base, "--public-url", "http://lms.example/wallet"), exitUsage, "https"},
		{append(base, "--public-url", "https://lms.example/wallet/"), exitUsage, "trailing slash"},
		{append(base, "extra"), exitUsage, "extra"},
		{[]string{"offer", "--key", f.key, "--achievement", writeFile(t, f.dir, "bad.json", `{"id":"https://x.example/a","name":"A"}`), "--learner", "x"}, exitInvalid, "achievement"},
		{[]string{"offer", "--key", filepath.Join(f.dir, "missing.json"), "--achievement", f.achievement, "--learner", "x"}, exitInvalid, "key"},
	} {
		code, _, errOut := runCLI(t, "", c.args...)
		assert.Equal(t, c.code, code, "%v: %s", c.args, errOut)
		assert.Contains(t, errOut, c.want, "%v", c.args)
	}
	code, out, _ := runCLI(t, "", "offer", "--help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "lives only as long as this process")
	assert.Contains(t, out, "openbadges serve")
}

// TestOfferServeUntilCollected claims the offer as the Learner Credential
// Wallet does with its one-step link: a DID Authentication presentation
// (Ed25519Signature2020, the link's challenge) POSTed to vc_request_url.
func TestOfferServeUntilCollected(t *testing.T) {
	f := newBatchFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errOut lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut},
			[]string{"offer", "--key", f.key, "--achievement", f.achievement, "--learner", "lms-9", "--serve", "127.0.0.1:0"})
	}()
	var m map[string]string
	require.Eventually(t, func() bool { return strings.Contains(errOut.String(), "serving the exchange") }, 10*time.Second, 10*time.Millisecond, errOut.String())
	m = offerLines(t, out.String())
	wallet, err := url.Parse(m["wallet"])
	require.NoError(t, err)
	reqURL, challenge := wallet.Query().Get("vc_request_url"), wallet.Query().Get("challenge")
	require.True(t, regexp.MustCompile(`^http://127\.0\.0\.1:\d+/wallet/exchanges/`).MatchString(reqURL), reqURL)

	// The OpenID4VCI metadata is served too.
	resp, err := http.Get(strings.Replace(m["offer-uri"], "/wallet/offers/"+m["id"], "/.well-known/openid-credential-issuer/wallet", 1))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	holder, err := did.GenerateKey(did.AlgEd25519, rand.Reader)
	require.NoError(t, err)
	vp, err := json.Marshal(map[string]any{
		"@context": []string{"https://www.w3.org/2018/credentials/v1", proof.ContextEd25519Signature2020},
		"type":     []string{"VerifiablePresentation"},
		"holder":   holder.Controller,
	})
	require.NoError(t, err)
	vp, err = proof.AddDataIntegrityProof(ctx, vp, proof.Key{Signer: holder.Signer, VerificationMethod: holder.ID},
		&proof.DataIntegrityOptions{Cryptosuite: proof.Ed25519Signature2020, Purpose: proof.PurposeAuthentication, Challenge: challenge})
	require.NoError(t, err)
	resp, err = http.Post(reqURL, "application/json", bytes.NewReader(vp))
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))

	select {
	case code := <-done:
		assert.Equal(t, exitOK, code, errOut.String())
	case <-ctx.Done():
		t.Fatal("offer --serve did not stop after the exchange was collected")
	}
	assert.Contains(t, errOut.String(), "collected over vcapi by "+holder.Controller)

	var res struct {
		VerifiableCredential []json.RawMessage `json:"verifiableCredential"`
	}
	require.NoError(t, json.Unmarshal(body, &res), string(body))
	require.Len(t, res.VerifiableCredential, 1)
	v, err := badge.NewVerifier(badge.VerifierOptions{})
	require.NoError(t, err)
	_, err = v.Verify(ctx, res.VerifiableCredential[0])
	require.NoError(t, err)
	var cred struct {
		Subject struct {
			ID string `json:"id"`
		} `json:"credentialSubject"`
	}
	require.NoError(t, json.Unmarshal(res.VerifiableCredential[0], &cred))
	assert.Equal(t, holder.Controller, cred.Subject.ID)
}

func TestOfferServeExpires(t *testing.T) {
	f := newBatchFixture(t)
	code, _, errOut := runCLI(t, "", "offer", "--key", f.key, "--achievement", f.achievement, "--learner", "lms-9",
		"--serve", "127.0.0.1:0", "--ttl", "200ms")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errOut, "expired")
}
