package badge

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/status"
)

// TestValidatorProfileGivesTheValidatorsVerdicts runs the 1EdTech
// validator's samples through Policy1EdTechValidator alone: where the
// strict default differs from the validator (a did:key signing for a
// urn:uuid: issuer, a proof of an unknown type), the profile gives the
// validator's verdict, and each relaxation is a warning on its check.
func TestValidatorProfileGivesTheValidatorsVerdicts(t *testing.T) {
	const dir = "testdata/examples/validator/ob30/"
	clock := func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) }
	v, err := NewVerifier(VerifierOptions{Policy: Policy1EdTechValidator, Now: clock,
		Status: &status.Checker{Fetcher: status.StaticFetcher(nil), Now: clock}})
	require.NoError(t, err)
	tests := []struct {
		file    string
		failing []CheckID          // nil: verifies
		warned  map[CheckID]string // check -> option of its RelaxedError
	}{
		{"simple.json", nil, map[CheckID]string{CheckIssuer: OptionInsecureFragmentKeys}},
		{"simple-eddsa-2022.json", nil, map[CheckID]string{CheckProof: OptionEdDSA2022, CheckIssuer: OptionInsecureFragmentKeys}},
		{"simple-did-key-method.json", nil, map[CheckID]string{CheckIssuer: OptionInsecureDIDKeyIssuer}},
		{"../../../baked/simple-jwt.png", nil, map[CheckID]string{CheckIssuer: OptionInsecureEmbeddedJWK}},
		{"simple-multiple-proofs.json", []CheckID{CheckProof}, nil},
		{"simple-err-expired.json", []CheckID{CheckValidity}, nil},
		{"simple-err-proof-value.json", []CheckID{CheckProof}, nil},
		{"simple-err-type.json", []CheckID{CheckType}, nil},
		{"complete.json", []CheckID{CheckEndorsements}, nil},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			data, err := os.ReadFile(dir + tt.file)
			require.NoError(t, err)
			res, err := v.Verify(context.Background(), data)
			require.NotNil(t, res)
			if tt.failing == nil {
				require.NoError(t, err, report(res))
			} else {
				require.Error(t, err, report(res))
				for _, id := range tt.failing {
					assert.Equal(t, Failed, res.Check(id).Status, "%s\n%s", id, report(res))
				}
			}
			for id, option := range tt.warned {
				c := res.Check(id)
				require.Equal(t, Warning, c.Status, "%s\n%s", id, report(res))
				var re *RelaxedError
				require.ErrorAs(t, c.Err, &re)
				assert.Equal(t, option, re.Option)
				assert.Equal(t, Policy1EdTechValidator, re.Policy)
			}
		})
	}
}

// TestInteropProfileAcceptsTheWildCredentialsStrictRefuses: the real
// credentials in testdata/examples/wild that strict verification refuses
// only for Open Badges conformance (no subject id, a non-ext:
// achievementType) pass every check but status under interop, with a
// warning on the relaxed checks; the tampered and expired ones still
// fail. (Their status lists are on the network: status is unknown here.)
func TestInteropProfileAcceptsTheWildCredentialsStrictRefuses(t *testing.T) {
	tm := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return tm }
	v, err := NewVerifier(VerifierOptions{Policy: PolicyInterop, Resolver: savedDIDWeb(t), Now: clock,
		Status: &status.Checker{Fetcher: status.StaticFetcher(nil), Now: clock}})
	require.NoError(t, err)
	tests := []struct {
		file    string
		relaxed []CheckID // warnings of AllowNonconforming
		failing []CheckID // besides status, when the credential has one
	}{
		{"dcc-verifiercore-v1-mit-mock-degree.json", []CheckID{CheckSubject}, nil},
		{"dcc-verifiercore-v2-didweb.json", []CheckID{CheckSubject}, nil},
		{"dcc-verifiercore-v2-eddsa-validstatus.json", []CheckID{CheckSubject}, nil},
		{"dcc-verifierplus-obv3-vc2.json", []CheckID{CheckType, CheckSubject}, nil},
		{"dcc-vtf-v2-di-identityhash.json", []CheckID{CheckType, CheckSchema}, nil},
		{"dcc-vtf-v2-di-withschema.json", []CheckID{CheckSubject}, nil},
		{"dcc-vtf-v2-di-expired.json", nil, []CheckID{CheckValidity}},
		{"dcc-vtf-v2-ed2020-tampered.json", nil, []CheckID{CheckProof}},
		{"jff-plugfest3-signed.json", nil, nil}, // Ed25519Signature2018: a warning (below)
		{"sphereon-diwala-plugfest2-2023.json", nil, nil},
		// Signed under the November 2022 draft of the OB context
		// (proof/testdata/ed25519-2018/PROVENANCE.md).
		{"sphereon-diwala-plugfest2-2022.json", nil, []CheckID{CheckProof}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile("testdata/examples/wild/" + tt.file)
			require.NoError(t, err)
			res, _ := v.Verify(context.Background(), data)
			require.NotNil(t, res)
			for _, id := range tt.relaxed {
				c := res.Check(id)
				require.Equal(t, Warning, c.Status, "%s\n%s", id, report(res))
				var re *RelaxedError
				require.ErrorAs(t, c.Err, &re)
				assert.Equal(t, OptionAllowNonconforming, re.Option)
			}
			for _, id := range tt.failing {
				assert.Equal(t, Failed, res.Check(id).Status, "%s\n%s", id, report(res))
			}
			if strings.HasPrefix(tt.file, "jff-plugfest3") || strings.HasPrefix(tt.file, "sphereon-diwala-plugfest2-2023") {
				c := res.Check(CheckProof)
				require.Equal(t, Warning, c.Status, report(res))
				var re *RelaxedError
				require.ErrorAs(t, c.Err, &re)
				assert.Equal(t, OptionEd25519Signature2018, re.Option)
				assert.Equal(t, PolicyInterop, re.Policy)
			}
			for _, c := range res.Failed() {
				if c.ID == CheckCredentialStatus || len(tt.failing) > 0 {
					continue
				}
				t.Errorf("%s failed under interop: %v\n%s", c.ID, c.Err, report(res))
			}
		})
	}
}
