package clr_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fixedNow() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) }

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

func checkStatuses(r *clr.Result) map[badge.CheckID]badge.CheckStatus {
	m := map[badge.CheckID]badge.CheckStatus{}
	for _, c := range r.Checks {
		m[c.ID] = c.Status
	}
	return m
}

// TestValidatorSamples runs the 1EdTech validator's clr20 samples and the
// CLR test vector with the validator's reading of fragment keys
// (InsecureFragmentKeys) and embedded JWT keys (InsecureEmbeddedJWK).
// simple.json and the test vector verify completely. The others are
// recorded with the outcome of each check and why: their signatures verify,
// but they use draft contexts that are not published (simple.jwt,
// simple_old_safesigned.json), sign for a urn:uuid issuer with a did:key
// that the issuer does not control (complex.json, simple_v1.json: the
// validator accepts a did:key signing for a non-DID issuer;
// InsecureDIDKeyIssuer reproduces it, reported as a warning on the
// issuer_binding check, as every relaxation is), or name associations ids that are nowhere in the record.
// complex.json and simple_v1.json also hold a badge about
// did:example:ebfeb1f712ebc6f1c276e12ec21 in a record about
// urn:uuid:360a0e1e-…: the nested_credentials check fails with
// ErrSubjectMismatch.
func TestValidatorSamples(t *testing.T) {
	P, F, W, S := badge.Passed, badge.Failed, badge.Warning, badge.Skipped
	tests := []struct {
		file        string
		lenient     bool
		skipBinding bool
		verified    bool
		want        map[badge.CheckID]badge.CheckStatus
		nested      int
		// otherSubject: a nested credential is about someone else.
		otherSubject bool
	}{
		{file: "simple.json", verified: true, nested: 1, want: map[badge.CheckID]badge.CheckStatus{
			badge.CheckContext: P, badge.CheckType: P, badge.CheckSchema: S, badge.CheckProof: P, badge.CheckIssuer: W,
			badge.CheckValidity: P, clr.CheckCredentials: W, clr.CheckAssociations: P}},
		{file: "clr-vector-signed.json", verified: true, nested: 1, want: map[badge.CheckID]badge.CheckStatus{
			badge.CheckProof: P, badge.CheckIssuer: W, clr.CheckCredentials: W, clr.CheckAssociations: P}},
		// The JWS signature verifies, but the payload's draft context is
		// not embedded, so what it says as JSON-LD (and whether it is in
		// the strict compact form) cannot be established: the proof check
		// fails too since the strict form applies to VC-JWT payloads.
		{file: "simple.jwt", nested: 1, want: map[badge.CheckID]badge.CheckStatus{
			badge.CheckContext: F, badge.CheckProof: F, clr.CheckCredentials: F}},
		{file: "complex.json", nested: 6, otherSubject: true, want: map[badge.CheckID]badge.CheckStatus{
			badge.CheckSchema: P, badge.CheckProof: F, badge.CheckIssuer: F, clr.CheckAssociations: F}},
		{file: "complex.json", lenient: true, skipBinding: true, nested: 6, otherSubject: true, want: map[badge.CheckID]badge.CheckStatus{
			badge.CheckContext: P, badge.CheckSchema: P, badge.CheckProof: P, badge.CheckIssuer: W, clr.CheckAssociations: W}},
		{file: "simple_v1.json", lenient: true, skipBinding: true, nested: 6, otherSubject: true, want: map[badge.CheckID]badge.CheckStatus{
			badge.CheckContext: P, badge.CheckSchema: P, clr.CheckAssociations: W}},
		{file: "simple-noproof.json", nested: 1, want: map[badge.CheckID]badge.CheckStatus{
			badge.CheckContext: F, badge.CheckProof: F, clr.CheckCredentials: F}},
		{file: "simple_old_safesigned.json", nested: 1, want: map[badge.CheckID]badge.CheckStatus{
			badge.CheckContext: F, clr.CheckCredentials: F}},
	}
	for _, tt := range tests {
		name := tt.file
		if tt.lenient {
			name += "/validator-like"
		}
		t.Run(name, func(t *testing.T) {
			bo := badge.VerifierOptions{
				InsecureFragmentKeys: true, InsecureEmbeddedJWK: true,
				AllowedCryptosuites: append(proof.DefaultCryptosuites(), proof.EdDSA2022),
				Now:                 fixedNow,
			}
			bo.InsecureDIDKeyIssuer = tt.skipBinding
			bv, err := badge.NewVerifier(bo)
			require.NoError(t, err)
			v, err := clr.NewVerifier(clr.VerifierOptions{Badges: bv, LenientAssociations: tt.lenient})
			require.NoError(t, err)
			res, err := v.Verify(context.Background(), readTestdata(t, tt.file))
			require.NotNil(t, res)
			for _, c := range res.Checks {
				t.Logf("%s %s %v %s", c.ID, c.Status, c.Err, c.Detail)
			}
			assert.Equal(t, tt.verified, res.Verified)
			assert.Equal(t, tt.verified, err == nil)
			assert.Len(t, res.Nested, tt.nested)
			st := checkStatuses(res)
			for id, want := range tt.want {
				assert.Equal(t, want, st[id], id)
			}
			if !tt.verified {
				var ve *clr.VerificationError
				require.ErrorAs(t, err, &ve)
			}
			assert.Equal(t, tt.otherSubject, errors.Is(err, clr.ErrSubjectMismatch))
			if tt.otherSubject {
				assert.Equal(t, badge.Failed, st[clr.CheckCredentials])
			}
		})
	}
}
