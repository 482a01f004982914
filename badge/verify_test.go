package badge

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validatorVerifier is configured as the 1EdTech validator behaves: keys
// named in the URL fragment are read offline, a JWT's own jwk header is
// trusted, and the legacy eddsa-2022 suite is accepted. It is fixed in
// time inside the samples' validity windows.
// validatorNow is inside the validator samples' validity windows.
func validatorNow() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) }

func validatorVerifier(t testing.TB, now string) *Verifier {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, now)
	require.NoError(t, err)
	clock := func() time.Time { return tm }
	v, err := NewVerifier(VerifierOptions{
		Proofs: &proof.Verifier{
			Now:                  clock,
			ClockSkew:            5 * time.Minute,
			InsecureFragmentKeys: true,
			InsecureEmbeddedJWK:  true,
			AllowedCryptosuites:  append(proof.DefaultCryptosuites(), proof.EdDSA2022),
		},
		Now:                clock,
		InsecureSkipStatus: true,
	})
	require.NoError(t, err)
	return v
}

// TestValidatorSamplesGiveTheValidatorsOutcome runs every 1EdTech validator
// sample through the pipeline: valid ones verify, *-err-* ones fail on the
// check their name states.
func TestValidatorSamplesGiveTheValidatorsOutcome(t *testing.T) {
	const dir = "testdata/examples/validator/ob30/"
	tests := []struct {
		file    string
		failing []CheckID // nil: verifies
		reason  string
	}{
		{"simple.json", nil, ""},
		{"simple.1ob", nil, ""},
		{"simple-context-alias.json", nil, ""},
		{"simple-context-version.json", nil, ""},
		{"simple-eddsa-2022.json", nil, ""},
		{"simple_v1.json", nil, ""},
		// The validator fails this one (its SomeProofType proof has no JSON-LD
		// context); issue #5 makes a proof of an unknown type a warning, so
		// it verifies here on its eddsa-rdfc-2022 proof.
		{"simple-multiple-proofs.json", nil, ""},
		{"simple-did-web-method.json", nil, ""}, // an https key despite its name
		{"endorsement-valid.json", nil, ""},
		{"../../../baked/simple-json.png", nil, ""},
		{"../../../baked/simple-json.svg", nil, ""},
		{"../../../baked/simple-jwt.png", nil, ""},
		{"../../../baked/simple-jwt.svg", nil, ""},
		{"../../../baked/simple-jwt_v1.png", nil, ""},
		{"../../../baked/simple-jwt_v1.svg", nil, ""},

		// Stricter than the 1EdTech validator, which accepts this sample: it
		// is signed by a did:key while its issuer is urn:uuid:..., so nothing
		// binds the key to the issuer. We refuse it (issuer binding).
		{"simple-did-key-method.json", []CheckID{CheckProof, CheckIssuer}, "signer is not the issuer"},
		{"simple-err-context.json", []CheckID{CheckContext}, "wrong context"},
		// The validator fails complete.json and complete_v1.json on the
		// schemas their embedded endorsements (and complete_v1 itself) name,
		// which cannot be fetched; here, too.
		{"complete.json", []CheckID{CheckEndorsements}, "endorsements with unknown schemas, undefined terms, a fake cryptosuite"},
		{"complete_v1.json", []CheckID{CheckContext, CheckType, CheckValidity}, "undefined terms, invalid endorsements and identity types, expired"},
		// ecdsa-sd-2023 (selective disclosure): the validator's derived
		// credential verifies, as the validator says.
		{"sd/derivedcredential.json", nil, ""},
		{"simple-err-type.json", []CheckID{CheckType}, "wrong credential type"},
		{"simple-err-issuer.json", []CheckID{CheckType}, "no issuer"},
		{"simple-err-issuer-type.json", []CheckID{CheckType}, "issuer type"},
		{"simple-err-issuer-parentorg-type.json", []CheckID{CheckType}, "parent org type"},
		{"simple-err-issuer-otheridentifier-type.json", []CheckID{CheckType}, "other identifier type"},
		{"simple-err-credential-subject-type.json", []CheckID{CheckType}, "subject type"},
		{"simple-err-credential-subject-profile-type.json", []CheckID{CheckType}, "subject profile type"},
		{"simple-err-credential-subject-identifier-type.json", []CheckID{CheckType}, "identifier type"},
		{"simple-err-credential-subject-result-type.json", []CheckID{CheckType}, "result type"},
		{"simple-err-credential-subject-achievement-result-description-type.json", []CheckID{CheckType}, "result description type"},
		{"simple-err-evidence-type.json", []CheckID{CheckType}, "evidence type"},
		{"simple-err-expired.json", []CheckID{CheckValidity}, "expired"},
		{"simple-err-issued.json", []CheckID{CheckValidity}, "issued in the future"},
		{"simple-err-proof-method.json", []CheckID{CheckProof}, "proof method"},
		{"simple-err-proof-method-no-scheme.json", []CheckID{CheckProof}, "proof method without scheme"},
		{"simple-err-proof-method-unknown-did-method.json", []CheckID{CheckProof}, "unknown DID method"},
		{"simple-err-proof-method-unknown-scheme.json", []CheckID{CheckProof}, "unknown scheme"},
		{"simple-err-proof-value.json", []CheckID{CheckProof}, "proof value"},
		{"simple-noproof.json", []CheckID{CheckProof}, "no proof"},
		{"simple.jwt", []CheckID{CheckProof}, "no kid or jwk in the header"},
		{"velocity.jwt", []CheckID{CheckProof}, "did:velocity cannot be resolved"},
		{"endorsement-err-schema-status-refresh.json", []CheckID{CheckProof}, "schema, status, refresh; its signature does not verify"},
	}
	v := validatorVerifier(t, "2024-06-01T00:00:00Z")
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			data, err := os.ReadFile(dir + tt.file)
			require.NoError(t, err)
			res, err := v.Verify(context.Background(), data)
			require.NotNil(t, res)
			if tt.failing == nil {
				assert.NoError(t, err, report(res))
				assert.True(t, res.Verified)
				return
			}
			require.Error(t, err, report(res))
			assert.ErrorIs(t, err, ErrNotVerified)
			assert.False(t, res.Verified)
			for _, id := range tt.failing {
				c := res.Check(id)
				if assert.NotNil(t, c, "check %s missing\n%s", id, report(res)) {
					assert.Equal(t, Failed, c.Status, "check %s (%s)\n%s", id, tt.reason, report(res))
				}
			}
		})
	}
}

func report(r *VerificationResult) string {
	var b strings.Builder
	for _, c := range r.Checks {
		b.WriteString(string(c.ID) + " " + c.Status.String())
		if c.Err != nil {
			b.WriteString(": " + c.Err.Error())
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestVerifyListsEveryCheckInOrder(t *testing.T) {
	data, err := os.ReadFile("testdata/examples/validator/ob30/simple.json")
	require.NoError(t, err)
	res, err := validatorVerifier(t, "2024-06-01T00:00:00Z").Verify(context.Background(), data)
	require.NoError(t, err)
	var ids []CheckID
	for _, c := range res.Checks {
		ids = append(ids, c.ID)
	}
	assert.Equal(t, []CheckID{CheckParse, CheckContext, CheckType, CheckSchema, CheckSubject, CheckProof, CheckIssuer,
		CheckRefresh, CheckValidity, CheckRelatedResource, CheckCredentialStatus, CheckEndorsements, CheckRecipient}, ids)
	assert.Equal(t, InputJSON, res.Input)
	require.NotNil(t, res.Badge)
	assert.Equal(t, "https://example.com/issuers/876543", res.Issuer)

	b, err := json.Marshal(res)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out))
	assert.Equal(t, true, out["verified"])
	assert.Len(t, out["checks"], len(ids))
}

func TestVerifyErrorsReachTheCauses(t *testing.T) {
	data, err := os.ReadFile("testdata/examples/validator/ob30/simple-err-expired.json")
	require.NoError(t, err)
	_, err = validatorVerifier(t, "2024-06-01T00:00:00Z").Verify(context.Background(), data)
	assert.ErrorIs(t, err, vc.ErrExpired)
	var ve *VerificationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, CheckValidity, ve.Checks[0].ID)

	data, err = os.ReadFile("testdata/examples/validator/ob30/simple-err-proof-value.json")
	require.NoError(t, err)
	_, err = validatorVerifier(t, "2024-06-01T00:00:00Z").Verify(context.Background(), data)
	assert.ErrorIs(t, err, proof.ErrSignatureInvalid)
}

func TestDefaultVerifierRefusesFragmentKeysAndStatusWithoutChecker(t *testing.T) {
	data, err := os.ReadFile("testdata/examples/validator/ob30/simple.json")
	require.NoError(t, err)
	v, err := NewVerifier(VerifierOptions{})
	require.NoError(t, err)
	res, err := v.Verify(context.Background(), data)
	require.Error(t, err, "a key named only by an https URL fragment is not trusted by default")
	assert.Equal(t, Failed, res.Check(CheckProof).Status)
}

func TestStatusWithoutCheckerFailsClosed(t *testing.T) {
	data, err := os.ReadFile("testdata/examples/validator/ob30/credential-status-revoked.json")
	require.NoError(t, err)
	v, err := NewVerifier(VerifierOptions{Proofs: &proof.Verifier{InsecureFragmentKeys: true}})
	require.NoError(t, err)
	res, err := v.Verify(context.Background(), data)
	assert.ErrorIs(t, err, ErrStatusNotChecked)
	assert.Equal(t, Failed, res.Check(CheckCredentialStatus).Status)

	v, err = NewVerifier(VerifierOptions{Proofs: &proof.Verifier{InsecureFragmentKeys: true}, InsecureSkipStatus: true})
	require.NoError(t, err)
	res, _ = v.Verify(context.Background(), data)
	assert.Equal(t, Skipped, res.Check(CheckCredentialStatus).Status, "an explicit skip is reported as skipped")
}

func TestVerifyRefusesUnrecognizedInput(t *testing.T) {
	v, err := NewVerifier(VerifierOptions{})
	require.NoError(t, err)
	for _, in := range []string{"", "hello", "a.b", "<html></html>", "\x89PNG\r\n\x1a\n", `{"@context":`, "[1]"} {
		res, err := v.Verify(context.Background(), []byte(in))
		require.Error(t, err, in)
		assert.Equal(t, Failed, res.Check(CheckParse).Status, in)
		assert.Len(t, res.Checks, 1)
	}
}
