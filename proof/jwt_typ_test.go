package proof

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/vc"
)

// w3cCredential is a plain VC 2.0 credential (not an Open Badge), issued by
// issuer.
func w3cCredential(issuer string) []byte {
	return []byte(`{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
  "id": "http://university.example/credentials/1872",
  "type": ["VerifiableCredential", "ExampleAlumniCredential"],
  "issuer": "` + issuer + `",
  "validFrom": "2010-01-01T19:23:24Z",
  "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21", "alumniOf": {"id": "did:example:c276e12ec21ebfeb1f712ebc6f1", "name": "Example University"}}
}`)
}

// Open Badges keep typ "JWT" (OB 3.0); SignVCJOSE writes the VC-JOSE-COSE
// form: typ "vc+jwt" and the credential itself as the payload.
func TestJWTTyp(t *testing.T) {
	ctx := context.Background()
	keys := testKeys()
	v := &Verifier{Now: jwtNow}
	for _, name := range []string{"Ed25519", "P-256", "P-384"} {
		t.Run(name, func(t *testing.T) {
			s := keys[name]
			vm, ctrl := didKey(t, s)
			k := Key{Signer: s, VerificationMethod: vm}

			ob, err := SignJWT(ctx, credentialFor(t, ctrl), k, "", nil)
			require.NoError(t, err)
			assert.Equal(t, TypJWT, decodePart(t, ob, 0)["typ"])

			cred := w3cCredential(ctrl)
			token, err := SignVCJOSE(ctx, cred, k, "", nil)
			require.NoError(t, err)
			h := decodePart(t, token, 0)
			assert.Equal(t, map[string]any{"alg": string(algorithmFor(kindOf(s.Public()))), "kid": vm, "typ": "vc+jwt"}, h)
			payload, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[1])
			require.NoError(t, err)
			var compact bytes.Buffer
			require.NoError(t, json.Compact(&compact, cred))
			assert.Equal(t, compact.Bytes(), payload, "the payload is the credential, no claim added")

			c, res, err := v.VerifyJWT(ctx, token)
			require.NoError(t, err)
			assert.Equal(t, StatusVerified, res.Status)
			assert.Equal(t, ctrl, res.Controller)
			assert.Equal(t, payload, c.Raw())
			assert.Equal(t, "http://university.example/credentials/1872", c.ID())

			// Tampering with the payload breaks the signature.
			parts := strings.Split(token, ".")
			bad := bytes.Replace(payload, []byte("Example University"), []byte("Evil University!!!"), 1)
			_, _, err = v.VerifyJWT(ctx, parts[0]+"."+base64.RawURLEncoding.EncodeToString(bad)+"."+parts[2])
			assert.ErrorIs(t, err, ErrSignatureInvalid)
		})
	}
}

func TestVCJOSEVerifyRules(t *testing.T) {
	ctx := context.Background()
	s := testKeys()["Ed25519"]
	vm, ctrl := didKey(t, s)
	v := &Verifier{Now: jwtNow}
	var compact bytes.Buffer
	require.NoError(t, json.Compact(&compact, w3cCredential(ctrl)))
	cred := compact.String()
	with := func(member string) string { return strings.TrimSuffix(cred, "}") + "," + member + "}" }
	hdr := func(extra string) string { return `{"alg":"EdDSA","kid":"` + vm + `"` + extra + `}` }

	for _, tc := range []struct {
		name, header, payload string
		err                   error // nil: verifies
	}{
		{"typ vc+jwt", hdr(`,"typ":"vc+jwt"`), cred, nil},
		{"typ as a media type", hdr(`,"typ":"application/vc+jwt"`), cred, nil},
		{"cty vc", hdr(`,"typ":"vc+jwt","cty":"vc"`), cred, nil},
		{"iss claim that is the issuer", hdr(`,"typ":"vc+jwt"`), with(`"iss":"` + ctrl + `"`), nil},
		{"nbf claim that agrees", hdr(`,"typ":"vc+jwt"`), with(`"nbf":1262373804`), nil},
		{"iss claim that is not the issuer", hdr(`,"typ":"vc+jwt"`), with(`"iss":"did:example:other"`), ErrClaimMismatch},
		{"vc claim", hdr(`,"typ":"vc+jwt"`), with(`"vc":{}`), ErrMalformedToken},
		{"vp claim", hdr(`,"typ":"vc+jwt"`), with(`"vp":{}`), ErrMalformedToken},
		{"VC 1.1 payload", hdr(`,"typ":"vc+jwt"`), `{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],"issuer":"` + ctrl + `","issuanceDate":"2010-01-01T00:00:00Z","credentialSubject":{"id":"did:example:1"}}`, ErrMalformedToken},
		{"cty other", hdr(`,"typ":"vc+jwt","cty":"vp"`), cred, ErrInvalidHeader},
		{"cty in an Open Badges VC-JWT", hdr(`,"typ":"JWT","cty":"vc"`), cred, ErrInvalidHeader},
		{"typ vp+jwt", hdr(`,"typ":"vp+jwt"`), cred, ErrInvalidHeader},
		{"typ vc+ld+jwt", hdr(`,"typ":"vc+ld+jwt"`), cred, ErrInvalidHeader},
		// The Open Badges form of the same credential needs iss.
		{"typ JWT without iss", hdr(`,"typ":"JWT"`), cred, ErrClaimMismatch},
		{"no typ without iss", hdr(``), cred, ErrClaimMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, res, err := v.VerifyJWT(ctx, rawToken(t, s, tc.header, tc.payload))
			if tc.err == nil {
				require.NoError(t, err)
				assert.Equal(t, StatusVerified, res.Status)
				return
			}
			assert.ErrorIs(t, err, tc.err)
		})
	}
}

func TestSignVCJOSERefuses(t *testing.T) {
	ctx := context.Background()
	s := testKeys()["Ed25519"]
	vm, ctrl := didKey(t, s)
	k := Key{Signer: s, VerificationMethod: vm}
	v11 := []byte(`{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],"issuer":"` + ctrl + `","issuanceDate":"2010-01-01T00:00:00Z","credentialSubject":{"id":"did:example:1"}}`)
	_, err := SignVCJOSE(ctx, v11, k, "", nil)
	assert.ErrorIs(t, err, ErrInvalidDocument)

	undefined := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"` + ctrl + `","credentialSubject":{"id":"did:example:1"},"undefinedTerm":1}`)
	_, err = SignVCJOSE(ctx, undefined, k, "", nil)
	assert.ErrorIs(t, err, ErrInvalidDocument)
	assert.ErrorIs(t, err, vc.ErrSafeMode)

	_, err = SignVCJOSE(ctx, w3cCredential(ctrl), k, ES256, nil)
	assert.ErrorIs(t, err, ErrInvalidKey)

	// An embedded jwk instead of kid.
	token, err := SignVCJOSE(ctx, w3cCredential(ctrl), Key{Signer: s}, "", &JWTOptions{EmbedJWK: true})
	require.NoError(t, err)
	assert.Contains(t, decodePart(t, token, 0), "jwk")
	_, _, err = (&Verifier{Now: jwtNow}).VerifyJWT(ctx, token)
	require.NoError(t, err, "a did:key issuer binds the embedded key")
}
