package presentation_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/presentation"
	"github.com/openbadges-go/openbadges/proof"
)

// jwtFixture is a holder's presentation JWT of two badges about them (a
// Data Integrity one and a VC-JWT), and what it was made of.
type jwtFixture struct {
	holder, other party
	creds         [][]byte
	token         string
}

func newJWTFixture(t *testing.T) jwtFixture {
	t.Helper()
	holder := newParty(t, 9, badge.DataIntegrity)
	uni := newParty(t, 1, badge.DataIntegrity)
	corp := newParty(t, 2, badge.JWT)
	creds := [][]byte{
		issueTo(t, uni, badge.RecipientDID(holder.key.Controller), "https://example.edu/a/1"),
		issueTo(t, corp, badge.RecipientDID(holder.key.Controller), "https://example.com/a/2"),
	}
	token, err := presentation.SignJWT(context.Background(), holder.pk, creds, signOpts())
	require.NoError(t, err)
	return jwtFixture{holder: holder, other: newParty(t, 7, badge.DataIntegrity), creds: creds, token: token}
}

// craft signs header and payload with p's Ed25519 key, as a holder's
// wallet could write anything.
func craft(t *testing.T, p party, header, payload map[string]any) string {
	t.Helper()
	hb, err := json.Marshal(header)
	require.NoError(t, err)
	pb, err := json.Marshal(payload)
	require.NoError(t, err)
	b64 := base64.RawURLEncoding
	input := b64.EncodeToString(hb) + "." + b64.EncodeToString(pb)
	sig, err := p.key.Signer.Sign(rand.Reader, []byte(input), crypto.Hash(0))
	require.NoError(t, err)
	return input + "." + b64.EncodeToString(sig)
}

// parts decodes a compact JWS's header and payload.
func parts(t *testing.T, token string) (map[string]any, map[string]any) {
	t.Helper()
	p := strings.Split(token, ".")
	var h, c map[string]any
	hb, err := base64.RawURLEncoding.DecodeString(p[0])
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(hb, &h))
	pb, err := base64.RawURLEncoding.DecodeString(p[1])
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(pb, &c))
	return h, c
}

func TestPresentationJWTVerifies(t *testing.T) {
	ctx := context.Background()
	f := newJWTFixture(t)
	h, c := parts(t, f.token)
	assert.Equal(t, "vp+jwt", h["typ"])
	assert.Equal(t, f.holder.key.ID, h["kid"])
	assert.Equal(t, testChallenge, c["nonce"])
	assert.Equal(t, testDomain, c["aud"])
	assert.NotContains(t, c, "vp")
	assert.Contains(t, c["type"], "VerifiablePresentation")

	env, err := json.Marshal(presentation.EnvelopePresentation(f.token))
	require.NoError(t, err)
	for name, data := range map[string][]byte{"compact": []byte(f.token), "enveloped": env} {
		t.Run(name, func(t *testing.T) {
			res, err := presentation.VerifyPresentation(ctx, data, options(t, badgeVerifier(t)))
			require.NoError(t, err)
			assert.True(t, res.Verified)
			assert.Equal(t, f.holder.key.Controller, res.Holder)
			require.Len(t, res.Proofs, 1)
			assert.Equal(t, "JWT", res.Proofs[0].Type)
			assert.Equal(t, proof.PurposeAuthentication, res.Proofs[0].Purpose)
			require.Len(t, res.Nested, 2)
			for i, n := range res.Nested {
				assert.True(t, n.Result.Verified, "credential %d", i)
				assert.True(t, n.Bound, "credential %d", i)
			}
			p := presentation.Of(res)
			require.NotNil(t, p)
			require.NotNil(t, p.JWT)
			assert.Equal(t, name == "enveloped", p.JWT.Enveloped)
			assert.NotContains(t, res.Credential.Document(), "nonce", "the claims are the token's, not the presentation's")
			for _, ch := range res.Checks {
				if ch.ID != badge.CheckRecipient {
					assert.Equal(t, badge.Passed, ch.Status, "%s: %v", ch.ID, ch.Err)
				}
			}
		})
	}

	// Parse reads all three forms the same.
	for _, data := range [][]byte{[]byte(f.token), env} {
		p, err := presentation.Parse(data, nil)
		require.NoError(t, err)
		assert.Equal(t, f.holder.key.Controller, p.Holder)
		assert.Len(t, p.Credentials, 2)
		require.NotNil(t, p.JWT)
		assert.Equal(t, testChallenge, p.JWT.Claims["nonce"])
	}
}

func TestPresentationJWTRefusals(t *testing.T) {
	ctx := context.Background()
	f := newJWTFixture(t)
	h, c := parts(t, f.token)
	with := func(edit func(h, c map[string]any)) string {
		hh, cc := clone(h), clone(c)
		edit(hh, cc)
		return craft(t, f.holder, hh, cc)
	}
	for _, tc := range []struct {
		name  string
		token string
		opts  func(*presentation.Options)
		want  []error
		check presentation.CheckID
	}{
		{name: "other challenge", token: f.token, opts: func(o *presentation.Options) { o.Challenge = "other" },
			want: []error{presentation.ErrChallengeMismatch, proof.ErrChallengeMismatch}, check: presentation.CheckChallenge},
		{name: "other domain", token: f.token, opts: func(o *presentation.Options) { o.Domain = "evil.example" },
			want: []error{presentation.ErrDomainMismatch}, check: presentation.CheckDomain},
		{name: "no nonce", token: with(func(_, c map[string]any) { delete(c, "nonce") }),
			want: []error{presentation.ErrChallengeMismatch}, check: presentation.CheckChallenge},
		{name: "aud a list without the domain", token: with(func(_, c map[string]any) { c["aud"] = []any{"a.example", "b.example"} }),
			want: []error{presentation.ErrDomainMismatch}, check: presentation.CheckDomain},
		{name: "signature changed", token: f.token[:len(f.token)-4] + "AAAA",
			want: []error{proof.ErrSignatureInvalid, presentation.ErrHolderProof}, check: presentation.CheckHolderProof},
		{name: "payload changed", token: func() string {
			p := strings.Split(with(func(_, c map[string]any) { c["nonce"] = "changed" }), ".")
			q := strings.Split(f.token, ".")
			return q[0] + "." + p[1] + "." + q[2]
		}(), want: []error{proof.ErrSignatureInvalid}, check: presentation.CheckHolderProof},
		{name: "VC 1.1 vp claim", token: with(func(_, c map[string]any) {
			vp := clone(c)
			for _, k := range []string{"nonce", "aud", "iat"} {
				delete(vp, k)
			}
			for k := range vp {
				delete(c, k)
			}
			c["vp"] = vp
		}), want: []error{presentation.ErrJWT, presentation.ErrMalformed}, check: presentation.CheckStructure},
		{name: "vc claim", token: with(func(_, c map[string]any) { c["vc"] = map[string]any{} }),
			want: []error{presentation.ErrJWT}, check: presentation.CheckStructure},
		{name: "typ JWT", token: with(func(h, _ map[string]any) { h["typ"] = "JWT" }),
			want: []error{presentation.ErrJWT}, check: presentation.CheckStructure},
		{name: "no typ", token: with(func(h, _ map[string]any) { delete(h, "typ") }),
			want: []error{presentation.ErrJWT}, check: presentation.CheckStructure},
		{name: "jwk header instead of kid", token: with(func(h, _ map[string]any) { delete(h, "kid"); h["jwk"] = map[string]any{"kty": "OKP"} }),
			want: []error{presentation.ErrJWT}, check: presentation.CheckStructure},
		{name: "alg none", token: with(func(h, _ map[string]any) { h["alg"] = "none" }),
			want: []error{proof.ErrAlgorithmNotAllowed}, check: presentation.CheckHolderProof},
		{name: "expired", token: with(func(_, c map[string]any) { c["exp"] = fixedTime.Unix() - 3600 }),
			want: []error{proof.ErrProofExpired}, check: presentation.CheckHolderProof},
		{name: "issued in the future", token: with(func(_, c map[string]any) { c["iat"] = fixedTime.Unix() + 3600 }),
			want: []error{proof.ErrProofNotYetValid}, check: presentation.CheckHolderProof},
		{name: "nonce not a string", token: with(func(_, c map[string]any) { c["nonce"] = 7 }),
			want: []error{presentation.ErrJWT}, check: presentation.CheckStructure},
		{name: "iss not the holder", token: with(func(_, c map[string]any) { c["iss"] = f.other.key.Controller }),
			want: []error{presentation.ErrHolderMismatch}, check: presentation.CheckHolderProof},
		{name: "holder is not the key's controller", token: with(func(_, c map[string]any) { c["holder"] = f.other.key.Controller }),
			want: []error{presentation.ErrHolderMismatch}, check: presentation.CheckHolderProof},
		{name: "signed by another key named as the holder's", token: func() string {
			return craft(t, f.other, h, c) // kid names the holder's key, the signature is the other's
		}(), want: []error{proof.ErrSignatureInvalid}, check: presentation.CheckHolderProof},
		{name: "VC 1.1 payload", token: with(func(_, c map[string]any) { c["@context"] = []any{"https://www.w3.org/2018/credentials/v1"} }),
			want: []error{presentation.ErrJWT}, check: presentation.CheckStructure},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := options(t, badgeVerifier(t))
			if tc.opts != nil {
				tc.opts(&o)
			}
			res, err := presentation.VerifyPresentation(ctx, []byte(tc.token), o)
			require.Error(t, err)
			require.NotNil(t, res)
			assert.False(t, res.Verified)
			for _, w := range tc.want {
				assert.True(t, errors.Is(err, w), "errors.Is(%v, %v)", err, w)
			}
			ch := res.Check(tc.check)
			require.NotNil(t, ch, "check %s", tc.check)
			assert.Equal(t, badge.Failed, ch.Status, "%s: %v", tc.check, ch.Err)
		})
	}
}

func TestEnvelopeRules(t *testing.T) {
	const token = "eyJhbGciOiJFZERTQSJ9.eyJhIjoxfQ.c2ln"
	good := func(typ, mt string) map[string]any {
		return map[string]any{"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "type": typ, "id": "data:" + mt + "," + token}
	}
	for _, tc := range []struct {
		name   string
		vp     bool
		edit   func(m map[string]any)
		mt     string
		member string // "" when accepted
	}{
		{name: "credential", mt: "application/vc+jwt"},
		{name: "credential application/jwt", mt: "application/jwt"},
		{name: "presentation", vp: true, mt: "application/vp+jwt"},
		{name: "presentation application/jwt (the W3C suite's)", vp: true, mt: "application/jwt"},
		{name: "context a string", mt: "application/vc+jwt", edit: func(m map[string]any) { m["@context"] = "https://www.w3.org/ns/credentials/v2" }},
		{name: "empty context", mt: "application/vc+jwt", edit: func(m map[string]any) { m["@context"] = []any{} }, member: "@context"},
		{name: "no context", mt: "application/vc+jwt", edit: func(m map[string]any) { delete(m, "@context") }, member: "@context"},
		{name: "only the examples context", vp: true, mt: "application/vp+jwt",
			edit: func(m map[string]any) { m["@context"] = []any{"https://www.w3.org/ns/credentials/examples/v2"} }, member: "@context"},
		{name: "VC 2.0 context not first", mt: "application/vc+jwt",
			edit: func(m map[string]any) {
				m["@context"] = []any{"https://www.w3.org/ns/credentials/examples/v2", "https://www.w3.org/ns/credentials/v2"}
			}, member: "@context"},
		{name: "no type", mt: "application/vc+jwt", edit: func(m map[string]any) { delete(m, "type") }, member: "type"},
		{name: "type VerifiableCredential", mt: "application/vc+jwt", edit: func(m map[string]any) { m["type"] = "VerifiableCredential" }, member: "type"},
		{name: "another type beside it", mt: "application/vc+jwt",
			edit: func(m map[string]any) { m["type"] = []any{"EnvelopedVerifiableCredential", "VerifiableCredential"} }, member: "type"},
		{name: "the presentation type for a credential", mt: "application/vc+jwt",
			edit: func(m map[string]any) { m["type"] = "EnvelopedVerifiablePresentation" }, member: "type"},
		{name: "id without data:", mt: "application/vc+jwt", edit: func(m map[string]any) { m["id"] = token }, member: "id"},
		{name: "id an https URL", mt: "application/vc+jwt", edit: func(m map[string]any) { m["id"] = "https://example.com/" + token }, member: "id"},
		{name: "vp media type for a credential", mt: "application/vp+jwt", member: "id"},
		{name: "vc media type for a presentation", vp: true, mt: "application/vc+jwt", member: "id"},
		{name: "sd-jwt", mt: "application/vc+sd-jwt", member: "id"},
		{name: "base64 parameter", mt: "application/vc+jwt;base64", member: "id"},
		{name: "data not a JWT", mt: "application/vc+jwt", edit: func(m map[string]any) { m["id"] = "data:application/vc+jwt,hello" }, member: "id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			typ := presentation.TypeEnvelopedVerifiableCredential
			if tc.vp {
				typ = presentation.TypeEnvelopedVerifiablePresentation
			}
			m := good(typ, tc.mt)
			if tc.edit != nil {
				tc.edit(m)
			}
			var got string
			var err error
			if tc.vp {
				got, err = presentation.EnvelopedPresentationToken(m)
			} else {
				got, err = presentation.EnvelopedToken(m)
			}
			if tc.member == "" {
				require.NoError(t, err)
				assert.Equal(t, token, got)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, presentation.ErrEnvelope)
			assert.ErrorIs(t, err, presentation.ErrMalformed)
			var ee *presentation.EnvelopeError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, tc.member, ee.Member)
		})
	}
}

// An envelope that breaks the rules is refused wherever it is read: as
// the presentation, inside one, by Parse and by the kernel.
func TestEnvelopesRefusedEverywhere(t *testing.T) {
	ctx := context.Background()
	f := newJWTFixture(t)
	bad := presentation.EnvelopePresentation(f.token)
	bad["@context"] = []any{"https://www.w3.org/ns/credentials/examples/v2"}
	typedVP := presentation.EnvelopePresentation(f.token)
	typedVP["type"] = []any{"VerifiablePresentation"}
	creds := presentation.Envelope(string(f.creds[1]))
	creds["@context"] = []any{}
	inside := map[string]any{"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "type": "VerifiablePresentation", "verifiableCredential": []any{creds}}
	for name, doc := range map[string]map[string]any{
		"presentation envelope without the VC context":     bad,
		"a VerifiablePresentation whose id is a data: URL": typedVP,
		"a credential envelope with an empty context":      inside,
	} {
		t.Run(name, func(t *testing.T) {
			data, err := json.Marshal(doc)
			require.NoError(t, err)
			_, err = presentation.Parse(data, nil)
			assert.ErrorIs(t, err, presentation.ErrMalformed)
			res, err := presentation.VerifyPresentation(ctx, data, options(t, badgeVerifier(t)))
			require.Error(t, err)
			assert.False(t, res.Verified)
		})
	}
}

// The VC-API's semantics, by options: an unsigned presentation verifies
// with a warning when nothing is asked of it, its holder is not bound, and
// its credentials are verified as generic W3C credentials.
func TestUnsignedPresentationOptions(t *testing.T) {
	ctx := context.Background()
	holder := newParty(t, 9, badge.DataIntegrity)
	uni := newParty(t, 1, badge.DataIntegrity)
	cred := issueTo(t, uni, badge.RecipientDID("did:example:someone-else"), "https://example.edu/a/1")
	vp, err := json.Marshal(map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "type": "VerifiablePresentation",
		"holder": holder.key.Controller, "verifiableCredential": []any{json.RawMessage(cred)},
	})
	require.NoError(t, err)
	bv := badgeVerifier(t).WithKinds(badge.VCKind())
	vcapi := presentation.Options{Verifier: bv, AllowUnsigned: true, InsecureSkipHolderBinding: true,
		InsecureSkipChallenge: true, InsecureSkipDomain: true, CredentialFamilies: []badge.Family{badge.FamilyVC}}

	res, err := presentation.VerifyPresentation(ctx, vp, vcapi)
	require.NoError(t, err)
	hp := res.Check(presentation.CheckHolderProof)
	assert.Equal(t, badge.Warning, hp.Status)
	assert.ErrorIs(t, hp.Err, presentation.ErrNoProof)
	assert.Equal(t, badge.Skipped, res.Check(presentation.CheckHolderBinding).Status)
	require.Len(t, res.Nested, 1)
	assert.Equal(t, badge.FamilyVC, res.Nested[0].Result.Family)

	// Asked for a challenge: the proof is required.
	res, err = presentation.VerifyPresentation(ctx, vp, func() presentation.Options { o := vcapi; o.Challenge = "c"; return o }())
	require.Error(t, err)
	assert.ErrorIs(t, err, presentation.ErrNoProof)
	assert.Equal(t, badge.Failed, res.Check(presentation.CheckHolderProof).Status)

	// AllowUnsigned alone: the unauthenticated holder binds nothing.
	o := vcapi
	o.InsecureSkipHolderBinding = false
	res, err = presentation.VerifyPresentation(ctx, vp, o)
	require.Error(t, err)
	assert.ErrorIs(t, err, presentation.ErrHolderNotSubject)

	// Without AllowUnsigned: refused as before.
	_, err = presentation.VerifyPresentation(ctx, vp, options(t, badgeVerifier(t)))
	assert.ErrorIs(t, err, presentation.ErrNoProof)
}

func clone(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}
