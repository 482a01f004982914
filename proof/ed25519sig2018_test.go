package proof

import (
	"context"
	"encoding/base64"
	"os"
	"strings"
	"testing"

	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/vc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func read2018(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/ed25519-2018/" + name)
	require.NoError(t, err)
	return b
}

var allow2018 = Verifier{AllowedCryptosuites: []string{Ed25519Signature2018}}

// TestEd25519Signature2018Plugfest verifies the plugfest credentials signed
// by other implementations (testdata/ed25519-2018/PROVENANCE.md).
func TestEd25519Signature2018Plugfest(t *testing.T) {
	for _, tt := range []struct {
		file     string
		verifies bool
	}{
		{"jff-plugfest1-ex1.json", true},
		{"jff-plugfest3-signed.json", true},
		{"sphereon-diwala-plugfest2-2023.json", true},
		{"sphereon-diwala-plugfest2-2022.json", false}, // signed under the 2022 draft of the OB context (PROVENANCE.md)
	} {
		t.Run(tt.file, func(t *testing.T) {
			doc := read2018(t, tt.file)
			v := allow2018
			res, err := verifyDoc(t, &v, doc)
			require.Len(t, res, 1)
			assert.Equal(t, Ed25519Signature2018, res[0].Cryptosuite)
			assert.Equal(t, Ed25519Signature2018, res[0].Type)
			if !tt.verifies {
				assert.ErrorIs(t, err, ErrSignatureInvalid)
				require.NotNil(t, res[0].Diagnostics)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, StatusVerified, res[0].Status)
			c, err := vc.Parse(doc)
			require.NoError(t, err)
			assert.True(t, IssuerProof(res[0], c.Issuer()))

			// Off by default: reported, never verified.
			res, err = verifyDoc(t, &Verifier{}, doc)
			assert.ErrorIs(t, err, ErrUnsupportedCryptosuite)
			assert.Equal(t, StatusUnsupported, res[0].Status)
		})
	}
}

// TestEd25519Signature2018Refusals: tampering and malformed detached JWSs
// fail with distinct reasons; the suite is never used to sign.
func TestEd25519Signature2018Refusals(t *testing.T) {
	doc := string(read2018(t, "jff-plugfest1-ex1.json"))
	v, err := jsonx.Parse([]byte(doc), nil)
	require.NoError(t, err)
	jws := v.(map[string]any)["proof"].(map[string]any)["jws"].(string)
	header, _, _ := strings.Cut(jws, ".")
	sig := jws[strings.LastIndex(jws, ".")+1:]
	enc := func(h string) string { return base64.RawURLEncoding.EncodeToString([]byte(h)) }
	withJWS := func(s string) []byte { return []byte(strings.Replace(doc, jws, s, 1)) }
	rep := func(old, new string) []byte {
		require.Contains(t, doc, old)
		return []byte(strings.Replace(doc, old, new, 1))
	}
	payload := base64.RawURLEncoding.EncodeToString([]byte("x"))
	tests := []struct {
		name string
		doc  []byte
		want error
	}{
		{"changed document", rep(`"2022-05-27T15:08:03Z"`, `"2022-05-27T15:08:04Z"`), ErrSignatureInvalid},
		// The header is signed as written: the same members spelled
		// otherwise are another signing input.
		{"header re-spelled", withJWS(enc(`{"b64":false,"crit":["b64"],"alg":"EdDSA"}`) + ".." + sig), ErrSignatureInvalid},
		{"b64 true", withJWS(enc(`{"alg":"EdDSA","b64":true,"crit":["b64"]}`) + ".." + sig), ErrInvalidHeader},
		{"b64 missing", withJWS(enc(`{"alg":"EdDSA","crit":["b64"]}`) + ".." + sig), ErrInvalidHeader},
		{"alg ES256", withJWS(enc(`{"alg":"ES256","b64":false,"crit":["b64"]}`) + ".." + sig), ErrInvalidHeader},
		{"alg none", withJWS(enc(`{"alg":"none","b64":false,"crit":["b64"]}`) + ".." + sig), ErrInvalidHeader},
		{"crit missing", withJWS(enc(`{"alg":"EdDSA","b64":false}`) + ".." + sig), ErrInvalidHeader},
		{"another member", withJWS(enc(`{"alg":"EdDSA","b64":false,"crit":["b64"],"kid":"x"}`) + ".." + sig), ErrInvalidHeader},
		{"duplicate member", withJWS(enc(`{"alg":"EdDSA","b64":false,"b64":false,"crit":["b64"]}`) + ".." + sig), ErrInvalidHeader},
		{"header not JSON", withJWS(enc(`alg`) + ".." + sig), ErrInvalidHeader},
		{"attached payload", withJWS(header + "." + payload + "." + sig), ErrMalformedProofValue},
		{"two parts", withJWS(header + "." + sig), ErrMalformedProofValue},
		{"padded signature", withJWS(header + ".." + sig + "=="), ErrMalformedProofValue},
		{"standard base64 signature", withJWS(header + ".." + strings.NewReplacer("-", "+", "_", "/").Replace(sig)), ErrMalformedProofValue},
		{"short signature", withJWS(header + ".." + sig[:40]), ErrMalformedProofValue},
		{"another signature", withJWS(header + ".." + strings.Repeat("A", 85) + "w"), ErrSignatureInvalid},
		{"jws missing", rep(`,
    "jws": "`+jws+`"`, ``), ErrMalformedProofValue},
		{"jws not a string", rep(`"`+jws+`"`, `42`), ErrMalformedProofValue},
		{"proofValue beside jws", rep(`"jws": "`, `"proofValue": "z3", "jws": "`), ErrMalformedProof},
		{"key of another controller", rep(`"verificationMethod": "did:key:z6MkrHKzgsahxBLyNAbLQyB1pcWNYC9GmywiWPgkrvntAZcj#z6MkrHKzgsahxBLyNAbLQyB1pcWNYC9GmywiWPgkrvntAZcj"`,
			`"verificationMethod": "did:key:z6MkuJZafyVS58LUUVFXS14Mo22njuCSt4vKBfET1Nno4hzM#z6MkuJZafyVS58LUUVFXS14Mo22njuCSt4vKBfET1Nno4hzM"`), ErrSignatureInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := allow2018
			res, err := verifyDoc(t, &v, tt.doc)
			require.Error(t, err)
			if tt.want != nil {
				assert.ErrorIs(t, err, tt.want)
			}
			for _, r := range res {
				assert.NotEqual(t, StatusVerified, r.Status)
			}
		})
	}

	t.Run("never signs", func(t *testing.T) {
		ed := testKeys()["Ed25519"]
		vm, ctrl := didKey(t, ed)
		_, err := AddDataIntegrityProof(context.Background(), credentialFor(t, ctrl), Key{Signer: ed, VerificationMethod: vm},
			&DataIntegrityOptions{Cryptosuite: Ed25519Signature2018})
		assert.ErrorIs(t, err, ErrUnsupportedCryptosuite)
		assert.NotContains(t, DefaultCryptosuites(), Ed25519Signature2018)
	})
}

// FuzzDetachedJWS: the jws reader never panics, and what it accepts has
// the suite's header and a 64-byte signature.
func FuzzDetachedJWS(f *testing.F) {
	for _, name := range []string{"jff-plugfest1-ex1.json", "jff-plugfest3-signed.json"} {
		b, err := os.ReadFile("testdata/ed25519-2018/" + name)
		if err != nil {
			f.Fatal(err)
		}
		v, err := jsonx.Parse(b, nil)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(v.(map[string]any)["proof"].(map[string]any)["jws"].(string))
	}
	f.Add("..")
	f.Add("e30..")
	f.Fuzz(func(t *testing.T, s string) {
		j, err := parseDetachedJWS(s)
		if err != nil {
			return
		}
		if len(j.sig) != 64 || !strings.HasPrefix(s, string(j.header)+"..") {
			t.Fatalf("accepted %q", s)
		}
	})
}
