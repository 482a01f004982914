package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/delivery"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

const offerSynopsis = "--key KEYFILE --achievement FILE --learner ID [--learner-did DID] [--learner-name NAME]\n" +
	"                        [--issuer-name NAME] [--public-url URL] [--tx-code CODE] [--ttl 30m]\n" +
	"                        [--qr FILE.png] [--qr-link offer|offer-uri|wallet|protocols] [--qr-size 512]\n" +
	"                        [--json] [--serve ADDR]\n\n" +
	"Offers the achievement in FILE (an Achievement JSON object) to one learner's wallet: creates a\n" +
	"single-use exchange and prints its links, one per line as NAME: VALUE on stdout (--json: one\n" +
	"JSON object):\n" +
	"  wallet              the Learner Credential Wallet's one-step deep link (vc_request_url + challenge)\n" +
	"  wallet-scheme       the same under the dccrequest:// scheme\n" +
	"  wallet-protocols    the wallet link carrying the VC-API `protocols` invitation\n" +
	"  interaction         the VC-API interaction URL (?iuv=1)\n" +
	"  exchange, challenge the VC-API exchange URL and its challenge\n" +
	"  offer               the OpenID4VCI 1.0 credential offer by value (pre-authorized code)\n" +
	"  offer-by-reference  the offer by reference (credential_offer_uri)\n" +
	"  offer-uri           the https URL the latter names\n" +
	"--qr writes a PNG QR code of one of them (--qr-link; default the offer by value) for a phone's\n" +
	"wallet to scan. The first wallet that proves control of a DID receives the badge, signed with\n" +
	"KEYFILE (the key's controller is the issuer), bound to that DID (--learner-did: only that one).\n" +
	"--tx-code makes the OpenID4VCI token request require that code: send it to the learner apart.\n\n" +
	"The exchange is kept in memory: it lives only as long as this process. Without --serve the links\n" +
	"are for inspection and tests only; with --serve ADDR the process serves the exchange (VC-API and\n" +
	"OpenID4VCI endpoints under --public-url's path, default http://ADDR/wallet) until a wallet\n" +
	"collects it (exit 0), it expires after --ttl or the process is interrupted (exit 1). For real\n" +
	"deliveries run 'openbadges serve', which mounts the delivery endpoints and keeps exchanges."

// offerLinkNames are the values of --qr-link.
var offerLinkNames = []string{"offer", "offer-uri", "wallet", "protocols"}

// runOffer implements "openbadges offer".
func runOffer(ctx context.Context, e *env, args []string) int {
	const cmd = "offer"
	fs := newFlags(e, cmd, offerSynopsis)
	keyFile := fs.String("key", "", "issuer's private key `file` (JWK or Multikey, as 'openbadges keygen' writes)")
	achFile := fs.String("achievement", "", "Achievement JSON `file` to award")
	learner := fs.String("learner", "", "the learner's `id` in your LMS (kept with the exchange, not put in the credential)")
	learnerDID := fs.String("learner-did", "", "only this `DID` may collect the badge")
	learnerName := fs.String("learner-name", "", "the learner's display `name` (kept with the exchange)")
	issuerName := fs.String("issuer-name", "", "the issuer profile's `name` in the credential (default: --public-url's host)")
	publicURL := fs.String("public-url", "", "the `URL` the delivery endpoints are reached at, without a trailing slash (default: http://127.0.0.1:8080/wallet, or http://ADDR/wallet with --serve); https, or http on a loopback host")
	txCode := fs.String("tx-code", "", "transaction `code` the OpenID4VCI token request must carry (digits, sent to the learner apart)")
	ttl := fs.Duration("ttl", delivery.DefaultTTL, "how long the exchange can be collected")
	qrFile := fs.String("qr", "", "write a QR code PNG of --qr-link to `file`")
	qrLink := fs.String("qr-link", "offer", "what the QR code holds: offer (OpenID4VCI offer by value), offer-uri (by reference), wallet (the Learner Credential Wallet's one-step link) or protocols (its invitation link)")
	qrSize := fs.Int("qr-size", delivery.DefaultQRSize, "QR code width and height in `pixels`")
	asJSON := fs.Bool("json", false, "print the exchange and its links as one JSON object")
	serveAddr := fs.String("serve", "", "serve the exchange on `ADDR` (host:port) until it is collected or expires")
	if done, code := parseFlags(e, fs, args); done {
		return code
	}
	switch {
	case fs.NArg() != 0:
		return usageErrorf(e, cmd, "unexpected argument %q", fs.Arg(0))
	case *keyFile == "":
		return usageErrorf(e, cmd, "--key is required")
	case *achFile == "":
		return usageErrorf(e, cmd, "--achievement is required")
	case *learner == "":
		return usageErrorf(e, cmd, "--learner is required")
	case *ttl <= 0:
		return usageErrorf(e, cmd, "--ttl must be positive")
	case *qrSize <= 0:
		return usageErrorf(e, cmd, "--qr-size must be positive")
	case !slices.Contains(offerLinkNames, *qrLink):
		return usageErrorf(e, cmd, "unknown --qr-link %q (want %s)", *qrLink, strings.Join(offerLinkNames, ", "))
	case *learnerDID != "" && !strings.HasPrefix(*learnerDID, "did:"):
		return usageErrorf(e, cmd, "--learner-did %q is not a DID", *learnerDID)
	}
	if *txCode != "" {
		for _, r := range *txCode {
			if r < '0' || r > '9' {
				return usageErrorf(e, cmd, "--tx-code must be digits (wallets show a numeric keypad)")
			}
		}
	}

	keyData, err := os.ReadFile(*keyFile)
	if err != nil {
		return failf(e, cmd, "reading key: %v", err)
	}
	k, err := did.ParsePrivateKey(keyData)
	if err != nil {
		return failf(e, cmd, "key %s: %v", *keyFile, err)
	}
	if !strings.Contains(k.ID, ":") {
		return failf(e, cmd, "key %s has no verification method URL (id); the issuer profile needs one", *keyFile)
	}
	iss := &badge.Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}}

	achData, err := readInput(e, *achFile)
	if err != nil {
		return failf(e, cmd, "%v", err)
	}
	var ach badge.Achievement
	if err := json.Unmarshal(achData, &ach); err != nil {
		return failf(e, cmd, "achievement %s: %v", *achFile, err)
	}
	// Refuse now what the wallet's request would fail on.
	probe, err := badge.NewCredential(iss.Profile("probe"), ach, badge.RecipientDID("did:example:probe"), nil)
	if err == nil {
		err = probe.Validate()
	}
	if err != nil {
		return failf(e, cmd, "achievement %s: %v", *achFile, err)
	}

	var ln net.Listener
	if *serveAddr != "" {
		if ln, err = net.Listen("tcp", *serveAddr); err != nil {
			return failf(e, cmd, "--serve: %v", err)
		}
		defer ln.Close()
	}
	base := *publicURL
	if base == "" {
		base = "http://127.0.0.1:8080/wallet"
		if ln != nil {
			base = "http://" + ln.Addr().String() + "/wallet"
		}
	}
	collected := make(chan *delivery.Exchange, 1)
	svc, err := delivery.NewService(delivery.Config{
		Issuer:     iss,
		IssuerName: *issuerName,
		BaseURL:    base,
		TTL:        *ttl,
		Collected: func(_ context.Context, x *delivery.Exchange, _ *badge.Signed) {
			select {
			case collected <- x:
			default:
			}
		},
	})
	if err != nil {
		if errors.Is(err, delivery.ErrConfig) {
			return usageErrorf(e, cmd, "--public-url: %v", err)
		}
		return failf(e, cmd, "%v", err)
	}
	x, err := svc.CreateExchange(ctx, delivery.ExchangeRequest{
		Learner:     delivery.Learner{ID: *learner, Name: *learnerName, DID: *learnerDID},
		Achievement: ach,
		TxCode:      *txCode,
	})
	if err != nil {
		return failf(e, cmd, "%v", err)
	}
	links, err := svc.Links(x)
	if err != nil {
		return failf(e, cmd, "%v", err)
	}
	if *qrFile != "" {
		text := map[string]string{
			"offer":     links.CredentialOffer,
			"offer-uri": links.CredentialOfferByReference,
			"wallet":    links.WalletRequest,
			"protocols": links.WalletProtocols,
		}[*qrLink]
		png, err := delivery.QRCodePNG(text, *qrSize)
		if err != nil {
			return failf(e, cmd, "QR code of --qr-link %s: %v", *qrLink, err)
		}
		if err := os.WriteFile(*qrFile, png, 0o644); err != nil {
			return failf(e, cmd, "%v", err)
		}
	}
	if err := printOffer(e, x, links, *asJSON); err != nil {
		return failf(e, cmd, "%v", err)
	}
	if ln == nil {
		fmt.Fprintf(e.stderr, "openbadges offer: the exchange lived in this process only; use --serve ADDR to let a wallet collect it, or 'openbadges serve' for real deliveries\n")
		return exitOK
	}
	return serveOffer(ctx, e, svc, ln, x, collected)
}

// offerOutput is what --json prints.
type offerOutput struct {
	ID      string    `json:"id"`
	Learner string    `json:"learner"`
	Expires time.Time `json:"expires"`
	delivery.Links
}

// printOffer prints the links of x on stdout.
func printOffer(e *env, x *delivery.Exchange, l delivery.Links, asJSON bool) error {
	if asJSON {
		b, err := json.MarshalIndent(offerOutput{ID: x.ID, Learner: x.Learner.ID, Expires: x.Expires.UTC(), Links: l}, "", "  ")
		if err != nil {
			return err
		}
		return writeOutput(e, "-", b)
	}
	var b strings.Builder
	line := func(name, value string) { fmt.Fprintf(&b, "%-19s %s\n", name+":", value) }
	line("id", x.ID)
	line("learner", x.Learner.ID)
	line("expires", x.Expires.UTC().Format(time.RFC3339))
	line("wallet", l.WalletRequest)
	line("wallet-scheme", l.WalletRequestScheme)
	line("wallet-protocols", l.WalletProtocols)
	line("interaction", l.InteractionURL)
	line("exchange", l.ExchangeURL)
	line("challenge", l.Challenge)
	line("offer", l.CredentialOffer)
	line("offer-by-reference", l.CredentialOfferByReference)
	line("offer-uri", l.CredentialOfferURI)
	if l.TxCodeRequired {
		line("tx-code", "required (send it to the learner apart from the offer)")
	}
	return writeOutput(e, "-", []byte(b.String()))
}

// serveOffer serves svc on ln until x is collected, expires, or ctx ends.
func serveOffer(ctx context.Context, e *env, svc *delivery.Service, ln net.Listener, x *delivery.Exchange, collected <-chan *delivery.Exchange) int {
	h, err := delivery.NewHandler(svc)
	if err != nil {
		return failf(e, "offer", "%v", err)
	}
	u, err := url.Parse(svc.BaseURL())
	if err != nil {
		return failf(e, "offer", "%v", err)
	}
	mux := http.NewServeMux()
	mux.Handle(strings.TrimSuffix(u.EscapedPath(), "/")+"/", h)
	for _, p := range svc.WellKnownPaths() {
		if p != "/" {
			mux.Handle(p, h)
		}
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(e.stderr, "openbadges offer: serving the exchange on http://%s (public URL %s) until it is collected or expires at %s\n",
		ln.Addr(), svc.BaseURL(), x.Expires.UTC().Format(time.RFC3339))
	expiry := time.NewTimer(time.Until(x.Expires))
	defer expiry.Stop()
	code := exitInvalid
	select {
	case c := <-collected:
		fmt.Fprintf(e.stderr, "openbadges offer: collected over %s by %s\n", c.Protocol, c.Holder)
		code = exitOK
	case <-expiry.C:
		fmt.Fprintf(e.stderr, "openbadges offer: the exchange expired before a wallet collected it\n")
	case <-ctx.Done():
		fmt.Fprintf(e.stderr, "openbadges offer: interrupted before a wallet collected the exchange\n")
	case err := <-served:
		return failf(e, "offer", "serving: %v", err)
	}
	// Let the wallet's response finish before stopping.
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	return code
}
