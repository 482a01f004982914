package ob2_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/ob2"
)

// An open redirect on the victim's site (issuer.example/go?to=...) lets an
// attacker serve, from evil.example, a Profile whose id is the victim-site
// redirect URL: issuerOf accepts it because its id equals the URL
// requested, whatever site the document was finally served from. The
// attacker's key is linked from that Profile, so a signed assertion by the
// attacker verifies with an issuer on the victim's site.
func TestAnOpenRedirectOnTheIssuersSiteCannotImpersonateIt(t *testing.T) {
	const (
		redirProfile = "https://issuer.example/go?to=https://evil.example/p.json"
		evilProfile  = "https://evil.example/p.json"
		evilKey      = "https://evil.example/k.json"
		evilClass    = "https://evil.example/b.json"
	)
	docs := map[string]*ob2.Response{
		redirProfile: {URL: evilProfile, Status: 200, Body: js(t, map[string]any{"@context": ctxV2, "type": "Issuer", "id": redirProfile,
			"name": "Issuer", "url": "https://issuer.example", "email": "a@issuer.example", "publicKey": evilKey})},
		evilKey: {URL: evilKey, Status: 200, Body: js(t, map[string]any{"@context": ctxV2, "type": "CryptographicKey", "id": evilKey,
			"owner": redirProfile, "publicKeyPem": pemOf(t, rsaKey.Public())})},
		evilClass: {URL: evilClass, Status: 200, Body: js(t, map[string]any{"@context": ctxV2, "type": "BadgeClass", "id": evilClass,
			"name": "Welding", "description": "Welds.", "criteria": map[string]any{"narrative": "Weld twice."}, "issuer": redirProfile,
			"image": "https://evil.example/badge.png"})},
	}
	f := ob2.FetcherFunc(func(_ context.Context, u string) (*ob2.Response, error) {
		if r, ok := docs[u]; ok {
			return r, nil
		}
		return &ob2.Response{URL: u, Status: 404}, nil
	})
	a := assertion("urn:uuid:11111111-1111-4111-8111-111111111111", map[string]any{"type": "signed", "creator": evilKey}, map[string]any{"badge": evilClass})
	jws := signJWS(t, "RS256", rsaKey, js(t, a))
	v, err := ob2.NewVerifier(ob2.Options{Fetcher: f, Now: func() time.Time { return testNow }})
	require.NoError(t, err)
	res, err := v.VerifyWith(context.Background(), jws, &badge.VerifyOptions{})
	if err == nil {
		t.Fatalf("verified, issuer %q (the Profile was served from %s)", res.Issuer, evilProfile)
	}
}
