package proof

import (
	"context"
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
