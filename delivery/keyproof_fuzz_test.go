package delivery

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/did"
)

// FuzzVerifyKeyProof feeds key proof JWTs (valid ones, as a conformant
// wallet and @digitalbazaar/oid4-client sign them, and their mutations) to
// verifyKeyProof with and without AllowUntypedKeyProofs: it never panics,
// an accepted proof names a holder and a nonce, and whatever the strict
// checks accept the relaxed ones accept too, naming no relaxation.
func FuzzVerifyKeyProof(f *testing.F) {
	key, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{5}, 32))
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const aud = "https://issuer.example/wallet"
	sign := func(header, claims map[string]any) string {
		hb, _ := json.Marshal(header)
		cb, _ := json.Marshal(claims)
		in := base64.RawURLEncoding.EncodeToString(hb) + "." + base64.RawURLEncoding.EncodeToString(cb)
		return in + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(key.Signer.(ed25519.PrivateKey), []byte(in)))
	}
	f.Add(sign(map[string]any{"typ": TypKeyProof, "alg": "EdDSA", "kid": key.ID},
		map[string]any{"aud": aud, "iat": now.Unix(), "nonce": "n-1"}))
	f.Add(sign(map[string]any{"alg": "EdDSA", "kid": key.ID},
		map[string]any{"aud": aud, "nbf": now.Unix(), "exp": now.Unix() + 300, "nonce": "n-2", "iss": key.Controller}))
	f.Add(sign(map[string]any{"typ": TypKeyProof, "alg": "EdDSA", "jwk": map[string]any{"kty": "OKP", "crv": "Ed25519",
		"x": base64.RawURLEncoding.EncodeToString(key.Signer.(ed25519.PrivateKey).Public().(ed25519.PublicKey))}},
		map[string]any{"aud": []string{aud}, "iat": now.Unix(), "nonce": "n-3"}))
	f.Add("e30.e30.")
	f.Add("not a jwt")
	f.Fuzz(func(t *testing.T, token string) {
		ctx := context.Background()
		c := keyProofChecks{audience: aud, now: now, window: 5 * time.Minute, skew: 5 * time.Minute, resolver: did.DefaultResolver()}
		strict, serr := verifyKeyProof(ctx, token, c)
		c.allowUntyped = true
		relaxed, rerr := verifyKeyProof(ctx, token, c)
		for _, kp := range []*KeyProof{strict, relaxed} {
			if kp != nil && (kp.Holder == "" || kp.Nonce == "" || kp.Key == nil) {
				t.Fatalf("accepted without a holder, key or nonce: %+v", kp)
			}
		}
		if serr == nil {
			if rerr != nil {
				t.Fatalf("the strict checks accept what the relaxed refuse: %v", rerr)
			}
			if len(strict.Relaxed) != 0 || len(relaxed.Relaxed) != 0 {
				t.Fatalf("a conformant proof reports relaxations: %q %q", strict.Relaxed, relaxed.Relaxed)
			}
		}
	})
}
