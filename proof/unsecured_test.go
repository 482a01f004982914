package proof

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/openbadges-go/openbadges/vc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// After the verifier's context check (vc.Processor.CheckUnsecured), the
// RDFC suites canonicalize the dataset it kept: the proofs verify as
// before, a proof set shares it, and a tampered document still fails.
func TestVerifyProofsUsesTheCheckedDataset(t *testing.T) {
	ctx := context.Background()
	proc := vc.NewProcessor(nil)
	keys := testKeys()
	for _, name := range []string{"Ed25519", "P-256", "P-384"} {
		t.Run(name, func(t *testing.T) {
			signed := signFor(t, keys[name], nil)
			v := &Verifier{Processor: proc}

			c, err := vc.Parse(signed)
			require.NoError(t, err)
			require.NoError(t, proc.CheckUnsecured(ctx, c))
			res, err := v.VerifyProofs(ctx, c)
			require.NoError(t, err)
			require.Len(t, res, 1)
			assert.Equal(t, StatusVerified, res[0].Status)

			// The same answer without the check first, and with another
			// processor than the check's.
			for _, p := range []*vc.Processor{proc, vc.NewProcessor(nil)} {
				c2, err := vc.Parse(signed)
				require.NoError(t, err)
				require.NoError(t, p.CheckUnsecured(ctx, c2))
				_, err = v.VerifyProofs(ctx, c2)
				require.NoError(t, err)
			}

			// A changed statement: the check passes (the document is
			// well formed), the signature does not, and the diagnostics
			// show the canonical form of the changed document.
			tampered := []byte(strings.Replace(string(signed), `"name":"`, `"name":"Not `, 1))
			require.NotEqual(t, string(signed), string(tampered))
			c3, err := vc.Parse(tampered)
			require.NoError(t, err)
			require.NoError(t, proc.CheckUnsecured(ctx, c3))
			res, err = v.VerifyProofs(ctx, c3)
			require.Error(t, err)
			require.Len(t, res, 1)
			assert.Equal(t, StatusFailed, res[0].Status)
			require.NotNil(t, res[0].Diagnostics)
			want, err := proc.Canonicalize(ctx, withoutProof(c3.Document()), nil)
			require.NoError(t, err)
			assert.Equal(t, string(want.NQuads), string(res[0].Diagnostics.CanonicalDocument))
		})
	}
}

// A proof set: both proofs hash the one canonical form.
func TestProofSetSharesTheCheckedDataset(t *testing.T) {
	ctx := context.Background()
	proc := vc.NewProcessor(nil)
	keys := testKeys()
	first := signFor(t, keys["Ed25519"], nil)
	vm, _ := didKey(t, keys["Ed25519"])
	both, err := AddDataIntegrityProof(ctx, first, Key{Signer: keys["Ed25519"], VerificationMethod: vm}, nil)
	require.NoError(t, err)
	c, err := vc.Parse(both)
	require.NoError(t, err)
	require.Len(t, c.Proofs(), 2)
	require.NoError(t, proc.CheckUnsecured(ctx, c))
	res, err := (&Verifier{Processor: proc}).VerifyProofs(ctx, c)
	require.NoError(t, err)
	for _, r := range res {
		assert.Equal(t, StatusVerified, r.Status)
	}
}

// credentialOfToken reads the credential of a VC 2.0 JWT as a pipeline
// does: the payload without the registered claims.
func credentialOfToken(t *testing.T, token string) *vc.Credential {
	t.Helper()
	m := decodePart(t, token, 1)
	for _, n := range registeredClaims {
		delete(m, n)
	}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	c, err := vc.Parse(b)
	require.NoError(t, err)
	return c
}

// VerifyJWTFor answers as VerifyJWT, and skips only the JSON-LD check the
// caller's processor already made on the same document.
func TestVerifyJWTFor(t *testing.T) {
	ctx := context.Background()
	proc := vc.NewProcessor(nil)
	ed := testKeys()["Ed25519"]
	vm, ctrl := didKey(t, ed)
	v := &Verifier{Processor: proc}
	good, err := SignJWT(ctx, credentialFor(t, ctrl), Key{Signer: ed, VerificationMethod: vm}, EdDSA, nil)
	require.NoError(t, err)

	checked := credentialOfToken(t, good)
	require.NoError(t, proc.CheckUnsecured(ctx, checked))
	require.True(t, alreadyChecked(proc, checked, credentialOfToken(t, good)))
	c1, r1, err1 := v.VerifyJWT(ctx, good)
	c2, r2, err2 := v.VerifyJWTFor(ctx, good, checked)
	require.NoError(t, err1)
	require.NoError(t, err2)
	assert.Equal(t, r1, r2)
	assert.Equal(t, c1.Document(), c2.Document())
	assert.False(t, alreadyChecked(vc.NewProcessor(nil), checked, c2), "another processor's check does not count")

	// A token whose payload breaks safe mode, signed by the issuer's key:
	// refused whatever credential the caller says it checked.
	payload := decodePart(t, good, 1)
	payload["fooBar"] = "x"
	pb, err := json.Marshal(payload)
	require.NoError(t, err)
	bad := rawToken(t, ed, `{"alg":"EdDSA","kid":"`+vm+`","typ":"JWT"}`, string(pb))
	for name, ch := range map[string]*vc.Credential{"nil": nil, "another credential": checked, "itself, unchecked": credentialOfToken(t, bad)} {
		t.Run(name, func(t *testing.T) {
			if ch != nil && name == "itself, unchecked" {
				require.Error(t, proc.CheckUnsecured(ctx, ch))
			}
			_, _, err := v.VerifyJWTFor(ctx, bad, ch)
			require.ErrorIs(t, err, ErrInvalidDocument)
		})
	}
}
