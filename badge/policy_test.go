package badge_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

var policyNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func policyClock() time.Time { return policyNow }

// seedKey is a did:key Ed25519 key from a one-byte seed.
func seedKey(t testing.TB, seed byte) *did.Key {
	t.Helper()
	k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	require.NoError(t, err)
	return k
}

const (
	obContext = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	listURL   = "https://status.example/lists/1"
)

// badgeDoc is an unsigned Open Badges 3.0 credential of issuer.
func badgeDoc(issuer string) map[string]any {
	return map[string]any{
		"@context":  []any{vc.ContextV2, obContext},
		"id":        "urn:uuid:2b1e9c39-4f5e-4a57-9f6b-6a8f0b6d3c21",
		"type":      []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":    map[string]any{"id": issuer, "type": []any{"Profile"}, "name": "Example University"},
		"validFrom": "2026-01-01T00:00:00Z",
		"name":      "Teamwork",
		"credentialSubject": map[string]any{
			"id":   "did:example:ada",
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id": "https://example.edu/achievements/teamwork", "type": []any{"Achievement"},
				"name": "Teamwork", "description": "Works well in a team.", "criteria": map[string]any{"narrative": "Nominated by peers."},
			},
		},
	}
}

func subject(doc map[string]any) map[string]any { return doc["credentialSubject"].(map[string]any) }

func withStatus(doc map[string]any, index int) map[string]any {
	doc["credentialStatus"] = map[string]any{
		"id": fmt.Sprintf("%s#%d", listURL, index), "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
		"statusListIndex": fmt.Sprint(index), "statusListCredential": listURL,
	}
	return doc
}

// signDoc adds an eddsa-rdfc-2022 proof with k under verification method
// vm ("" = k's own).
func signDoc(t testing.TB, doc map[string]any, k *did.Key, vm string) []byte {
	t.Helper()
	if vm == "" {
		vm = k.ID
	}
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	signed, err := proof.AddDataIntegrityProof(context.Background(), b, proof.Key{Signer: k.Signer, VerificationMethod: vm}, &proof.DataIntegrityOptions{Now: policyClock})
	require.NoError(t, err)
	return signed
}

// signEdDSA2022 signs doc with the legacy suite name eddsa-2022 (the
// eddsa-rdfc-2022 algorithm), which proof only verifies: the message is
// taken from the diagnostics of a verification that fails.
func signEdDSA2022(t testing.TB, doc map[string]any, k *did.Key) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(signDoc(t, doc, k, ""), &m))
	m["proof"].(map[string]any)["cryptosuite"] = proof.EdDSA2022
	b, err := json.Marshal(m)
	require.NoError(t, err)
	c, err := vc.Parse(b)
	require.NoError(t, err)
	_, err = (&proof.Verifier{Now: policyClock, AllowedCryptosuites: []string{proof.EdDSA2022}}).VerifyProofs(context.Background(), c)
	var se *proof.SignatureError
	require.ErrorAs(t, err, &se)
	sig, err := k.Signer.Sign(nil, se.Diagnostics.Message(), crypto.Hash(0))
	require.NoError(t, err)
	m["proof"].(map[string]any)["proofValue"] = "z" + base58(sig)
	b, err = json.Marshal(m)
	require.NoError(t, err)
	return b
}

func base58(b []byte) string {
	const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	x := new(big.Int).SetBytes(b)
	var out []byte
	for x.Sign() > 0 {
		m := new(big.Int)
		x.DivMod(x, big.NewInt(58), m)
		out = append([]byte{alphabet[m.Int64()]}, out...)
	}
	for _, c := range b {
		if c != 0 {
			break
		}
		out = append([]byte{'1'}, out...)
	}
	return string(out)
}

// signedList is a Bitstring Status List of n entries with the bits of set
// on, issued by issuer (k's controller when "") under id.
func signedList(t testing.TB, k *did.Key, id, issuer string, n int, set ...int) []byte {
	t.Helper()
	raw := make([]byte, (n+7)/8)
	for _, i := range set {
		raw[i/8] |= 0x80 >> (i % 8)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	_, err := zw.Write(raw)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	if issuer == "" {
		issuer = k.Controller
	}
	return signDoc(t, map[string]any{
		"@context": []any{vc.ContextV2}, "id": id, "type": []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer": issuer, "validFrom": "2026-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": id + "#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
			"encodedList": "u" + base64.RawURLEncoding.EncodeToString(z.Bytes())},
	}, k, "")
}

// want is the expected outcome under one profile: verified or not, and
// the checks whose status matters (a warning with the option that caused
// it).
type want struct {
	verified bool
	failed   []badge.CheckID
	warned   map[badge.CheckID]string // check -> RelaxedError.Option ("" = any warning)
}

func verifyWith(t *testing.T, p badge.Policy, data []byte, lists map[string][]byte) (*badge.VerificationResult, error) {
	t.Helper()
	v, err := badge.NewVerifier(badge.VerifierOptions{Policy: p, Now: policyClock,
		Status: &status.Checker{Fetcher: status.StaticFetcher(lists), Now: policyClock}})
	require.NoError(t, err)
	return v.Verify(context.Background(), data)
}

func checkOutcome(t *testing.T, p badge.Policy, res *badge.VerificationResult, err error, w want) {
	t.Helper()
	var b strings.Builder
	for _, c := range res.Checks {
		fmt.Fprintf(&b, "%s %s %v\n", c.ID, c.Status, c.Err)
	}
	require.Equal(t, w.verified, err == nil, "%s:\n%s", p, b.String())
	for _, id := range w.failed {
		require.NotNil(t, res.Check(id), "%s: %s missing\n%s", p, id, b.String())
		assert.Equal(t, badge.Failed, res.Check(id).Status, "%s: %s\n%s", p, id, b.String())
	}
	for id, option := range w.warned {
		c := res.Check(id)
		require.NotNil(t, c, "%s: %s missing\n%s", p, id, b.String())
		require.Equal(t, badge.Warning, c.Status, "%s: %s\n%s", p, id, b.String())
		if option == "" {
			continue
		}
		var re *badge.RelaxedError
		require.ErrorAs(t, c.Err, &re, "%s: %s\n%s", p, id, b.String())
		found := false
		for _, e := range flatten(c.Err) {
			if errors.As(e, &re) && re.Option == option {
				found = true
				if p != "" && p != badge.PolicyStrict {
					assert.Equal(t, p, re.Policy, "the warning names the profile that relaxed it")
				}
			}
		}
		assert.True(t, found, "%s: %s warns without %s: %v", p, id, option, c.Err)
	}
	// Strict verification never warns of a relaxation.
	if p == badge.PolicyStrict {
		for _, c := range res.Checks {
			assert.False(t, errors.Is(c.Err, badge.ErrRelaxed) && c.Status == badge.Warning, "strict relaxed %s", c.ID)
		}
	}
}

func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// TestPoliciesGiveTheirVerdicts runs one table of credentials, each built
// here, through the three profiles: what each accepts, what it refuses,
// and the warning every relaxation leaves on the check it relaxed.
func TestPoliciesGiveTheirVerdicts(t *testing.T) {
	k, other := seedKey(t, 1), seedKey(t, 2)
	frag := strings.TrimPrefix(k.ID, k.Controller+"#")
	const httpsIssuer = "https://issuer.example/keys"

	fullList := signedList(t, k, listURL, "", status.MinEntries, 7)
	lists := func(b []byte) map[string][]byte { return map[string][]byte{listURL: b} }

	tampered := func(b []byte) []byte { return bytes.Replace(b, []byte(`"Teamwork"`), []byte(`"Teamwork!"`), 1) }

	endorsementDoc := func() map[string]any {
		return map[string]any{
			"@context": []any{vc.ContextV2, obContext}, "id": "urn:uuid:7f0e3a2c-8b7d-4d2e-9a55-3c1b2f4d5e60",
			"type":      []any{"VerifiableCredential", "EndorsementCredential"},
			"issuer":    map[string]any{"id": other.Controller, "type": []any{"Profile"}, "name": "Endorser"},
			"validFrom": "2026-01-01T00:00:00Z", "name": "Endorsement",
			"credentialSubject": map[string]any{"id": "https://example.edu/achievements/teamwork", "type": []any{"EndorsementSubject"},
				"endorsementComment": "Good."},
		}
	}
	endorsement := func(broken bool) map[string]any {
		var m map[string]any
		b := signDoc(t, endorsementDoc(), other, "")
		if broken {
			b = bytes.Replace(b, []byte(`"Good."`), []byte(`"Bad."`), 1)
		}
		require.NoError(t, json.Unmarshal(b, &m))
		return m
	}

	jwt := func(t *testing.T, doc map[string]any, embed bool) []byte {
		b, err := json.Marshal(doc)
		require.NoError(t, err)
		tok, err := proof.SignJWT(context.Background(), b, proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, proof.EdDSA, &proof.JWTOptions{EmbedJWK: embed})
		require.NoError(t, err)
		return []byte(tok)
	}

	strictOK := want{verified: true}
	tests := []struct {
		name  string
		build func(t *testing.T) []byte
		lists map[string][]byte
		want  map[badge.Policy]want
	}{
		{"a conforming badge verifies everywhere", func(t *testing.T) []byte { return signDoc(t, badgeDoc(k.Controller), k, "") }, nil,
			map[badge.Policy]want{badge.PolicyStrict: strictOK, badge.PolicyInterop: strictOK, badge.Policy1EdTechValidator: strictOK}},
		{"a subject without id or identifier", func(t *testing.T) []byte {
			d := badgeDoc(k.Controller)
			delete(subject(d), "id")
			return signDoc(t, d, k, "")
		}, nil, map[badge.Policy]want{
			badge.PolicyStrict:           {failed: []badge.CheckID{badge.CheckSubject}},
			badge.PolicyInterop:          {verified: true, warned: map[badge.CheckID]string{badge.CheckSubject: badge.OptionAllowNonconforming}},
			badge.Policy1EdTechValidator: {failed: []badge.CheckID{badge.CheckSubject}},
		}},
		{"an achievementType that is not ext:", func(t *testing.T) []byte {
			d := badgeDoc(k.Controller)
			subject(d)["achievement"].(map[string]any)["achievementType"] = "Diplomaa"
			return signDoc(t, d, k, "")
		}, nil, map[badge.Policy]want{
			badge.PolicyStrict: {failed: []badge.CheckID{badge.CheckType}},
			badge.PolicyInterop: {verified: true, warned: map[badge.CheckID]string{
				badge.CheckType: badge.OptionAllowNonconforming, badge.CheckSchema: badge.OptionAllowNonconforming}},
			badge.Policy1EdTechValidator: {failed: []badge.CheckID{badge.CheckType}},
		}},
		{"a status list of 100,000 entries", func(t *testing.T) []byte { return signDoc(t, withStatus(badgeDoc(k.Controller), 3), k, "") },
			lists(signedList(t, k, listURL, "", 100000)), map[badge.Policy]want{
				badge.PolicyStrict:           {failed: []badge.CheckID{badge.CheckCredentialStatus}},
				badge.PolicyInterop:          {verified: true, warned: map[badge.CheckID]string{badge.CheckCredentialStatus: badge.OptionAllowShortLists}},
				badge.Policy1EdTechValidator: {failed: []badge.CheckID{badge.CheckCredentialStatus}},
			}},
		{"a status list signed by a status key of its own", func(t *testing.T) []byte { return signDoc(t, withStatus(badgeDoc(k.Controller), 3), k, "") },
			lists(signedList(t, other, listURL, "", status.MinEntries)), map[badge.Policy]want{
				badge.PolicyStrict:           {failed: []badge.CheckID{badge.CheckCredentialStatus}},
				badge.PolicyInterop:          {verified: true, warned: map[badge.CheckID]string{badge.CheckCredentialStatus: badge.OptionAllowForeignListSigner}},
				badge.Policy1EdTechValidator: {failed: []badge.CheckID{badge.CheckCredentialStatus}},
			}},
		{"a mirrored status list (its id is another URL)", func(t *testing.T) []byte { return signDoc(t, withStatus(badgeDoc(k.Controller), 3), k, "") },
			lists(signedList(t, k, "https://origin.example/lists/1", "", status.MinEntries)), map[badge.Policy]want{
				badge.PolicyStrict:           {failed: []badge.CheckID{badge.CheckCredentialStatus}},
				badge.PolicyInterop:          {verified: true, warned: map[badge.CheckID]string{badge.CheckCredentialStatus: badge.OptionAllowListIDMismatch}},
				badge.Policy1EdTechValidator: {verified: true, warned: map[badge.CheckID]string{badge.CheckCredentialStatus: badge.OptionAllowListIDMismatch}},
			}},
		{"a broken embedded endorsement", func(t *testing.T) []byte {
			d := badgeDoc(k.Controller)
			subject(d)["achievement"].(map[string]any)["endorsement"] = []any{endorsement(true)}
			return signDoc(t, d, k, "")
		}, nil, map[badge.Policy]want{
			badge.PolicyStrict:           {failed: []badge.CheckID{badge.CheckEndorsements}},
			badge.PolicyInterop:          {verified: true, warned: map[badge.CheckID]string{badge.CheckEndorsements: badge.OptionAllowInvalidEndorsements}},
			badge.Policy1EdTechValidator: {failed: []badge.CheckID{badge.CheckEndorsements}},
		}},
		{"an endorsement that verifies only under the profile", func(t *testing.T) []byte {
			d := badgeDoc(k.Controller)
			var m map[string]any // signed with the legacy suite name
			require.NoError(t, json.Unmarshal(signEdDSA2022(t, endorsementDoc(), other), &m))
			subject(d)["achievement"].(map[string]any)["endorsement"] = []any{m}
			return signDoc(t, d, k, "")
		}, nil, map[badge.Policy]want{
			badge.PolicyStrict:  {failed: []badge.CheckID{badge.CheckEndorsements}},
			badge.PolicyInterop: {verified: true, warned: map[badge.CheckID]string{badge.CheckEndorsements: ""}},
		}},
		{"the legacy suite name eddsa-2022", func(t *testing.T) []byte { return signEdDSA2022(t, badgeDoc(k.Controller), k) }, nil,
			map[badge.Policy]want{
				badge.PolicyStrict:           {failed: []badge.CheckID{badge.CheckProof}},
				badge.PolicyInterop:          {verified: true, warned: map[badge.CheckID]string{badge.CheckProof: badge.OptionEdDSA2022}},
				badge.Policy1EdTechValidator: {verified: true, warned: map[badge.CheckID]string{badge.CheckProof: badge.OptionEdDSA2022}},
			}},
		{"a proof of an unknown type beside a valid one", func(t *testing.T) []byte {
			var m map[string]any
			require.NoError(t, json.Unmarshal(signDoc(t, badgeDoc(k.Controller), k, ""), &m))
			m["proof"] = []any{m["proof"], map[string]any{"type": "DataIntegrityProof", "cryptosuite": "bbs-2023",
				"verificationMethod": k.ID, "proofPurpose": "assertionMethod", "proofValue": "z111"}}
			b, err := json.Marshal(m)
			require.NoError(t, err)
			return b
		}, nil, map[badge.Policy]want{
			badge.PolicyStrict:           {verified: true, warned: map[badge.CheckID]string{badge.CheckProof: ""}},
			badge.PolicyInterop:          {verified: true, warned: map[badge.CheckID]string{badge.CheckProof: ""}},
			badge.Policy1EdTechValidator: {failed: []badge.CheckID{badge.CheckProof}},
		}},
		{"a key read from an https URL fragment", func(t *testing.T) []byte {
			return signDoc(t, badgeDoc(httpsIssuer), k, httpsIssuer+"#"+frag)
		}, nil, map[badge.Policy]want{
			badge.PolicyStrict:           {failed: []badge.CheckID{badge.CheckProof}},
			badge.PolicyInterop:          {failed: []badge.CheckID{badge.CheckProof}},
			badge.Policy1EdTechValidator: {verified: true, warned: map[badge.CheckID]string{badge.CheckIssuer: badge.OptionInsecureFragmentKeys}},
		}},
		{"a VC-JWT's own jwk header key", func(t *testing.T) []byte { return jwt(t, badgeDoc(httpsIssuer), true) }, nil,
			map[badge.Policy]want{
				badge.PolicyStrict:           {failed: []badge.CheckID{badge.CheckProof}},
				badge.PolicyInterop:          {failed: []badge.CheckID{badge.CheckProof}},
				badge.Policy1EdTechValidator: {verified: true, warned: map[badge.CheckID]string{badge.CheckIssuer: badge.OptionInsecureEmbeddedJWK}},
			}},
		{"a did:key signing for a urn:uuid issuer", func(t *testing.T) []byte {
			return signDoc(t, badgeDoc("urn:uuid:0b2b7d0e-5c8e-4b59-8d0c-8a3b7c6d5e4f"), k, "")
		}, nil, map[badge.Policy]want{
			badge.PolicyStrict:           {failed: []badge.CheckID{badge.CheckProof, badge.CheckIssuer}},
			badge.PolicyInterop:          {failed: []badge.CheckID{badge.CheckProof, badge.CheckIssuer}},
			badge.Policy1EdTechValidator: {verified: true, warned: map[badge.CheckID]string{badge.CheckIssuer: badge.OptionInsecureDIDKeyIssuer}},
		}},
		{"a did:key signing for another DID issuer", func(t *testing.T) []byte { return signDoc(t, badgeDoc(other.Controller), k, "") }, nil,
			map[badge.Policy]want{
				badge.PolicyStrict:           {failed: []badge.CheckID{badge.CheckIssuer}},
				badge.PolicyInterop:          {failed: []badge.CheckID{badge.CheckIssuer}},
				badge.Policy1EdTechValidator: {failed: []badge.CheckID{badge.CheckIssuer}},
			}},
		// What interop never relaxes.
		{"a revoked badge on a short, foreign, mirrored list", func(t *testing.T) []byte { return signDoc(t, withStatus(badgeDoc(k.Controller), 7), k, "") },
			lists(signedList(t, other, "https://mirror.example/1", "", 100000, 7)), map[badge.Policy]want{
				badge.PolicyStrict:  {failed: []badge.CheckID{badge.CheckCredentialStatus}},
				badge.PolicyInterop: {failed: []badge.CheckID{badge.CheckCredentialStatus}},
			}},
		{"a revoked badge", func(t *testing.T) []byte { return signDoc(t, withStatus(badgeDoc(k.Controller), 7), k, "") }, lists(fullList),
			map[badge.Policy]want{
				badge.PolicyStrict: {failed: []badge.CheckID{badge.CheckCredentialStatus}}, badge.PolicyInterop: {failed: []badge.CheckID{badge.CheckCredentialStatus}},
				badge.Policy1EdTechValidator: {failed: []badge.CheckID{badge.CheckCredentialStatus}},
			}},
		{"an expired badge without subject id", func(t *testing.T) []byte {
			d := badgeDoc(k.Controller)
			d["validUntil"] = "2026-02-01T00:00:00Z"
			delete(subject(d), "id")
			return signDoc(t, d, k, "")
		}, nil, map[badge.Policy]want{
			badge.PolicyStrict:           {failed: []badge.CheckID{badge.CheckValidity, badge.CheckSubject}},
			badge.PolicyInterop:          {failed: []badge.CheckID{badge.CheckValidity}, warned: map[badge.CheckID]string{badge.CheckSubject: badge.OptionAllowNonconforming}},
			badge.Policy1EdTechValidator: {failed: []badge.CheckID{badge.CheckValidity}},
		}},
		{"a tampered badge", func(t *testing.T) []byte { return tampered(signDoc(t, badgeDoc(k.Controller), k, "")) }, nil,
			map[badge.Policy]want{
				badge.PolicyStrict: {failed: []badge.CheckID{badge.CheckProof}}, badge.PolicyInterop: {failed: []badge.CheckID{badge.CheckProof}},
				badge.Policy1EdTechValidator: {failed: []badge.CheckID{badge.CheckProof}},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.build(t)
			for p, w := range tt.want {
				res, err := verifyWith(t, p, data, tt.lists)
				require.NotNil(t, res)
				checkOutcome(t, p, res, err, w)
			}
		})
	}
}

// TestNewVerifierRefusesContradictoryOptions: options that would be
// ignored, or relaxations outside the named profile, are errors at
// construction, never silently dropped.
func TestNewVerifierRefusesContradictoryOptions(t *testing.T) {
	pv := &proof.Verifier{}
	tests := []struct {
		name   string
		o      badge.VerifierOptions
		option string
	}{
		{"Proofs with Resolver", badge.VerifierOptions{Proofs: pv, Resolver: proof.OfflineResolver()}, "Resolver"},
		{"Proofs with KeySets", badge.VerifierOptions{Proofs: pv, KeySets: &proof.HTTPKeySets{}}, "KeySets"},
		{"Proofs with InsecureFragmentKeys", badge.VerifierOptions{Proofs: pv, InsecureFragmentKeys: true}, "InsecureFragmentKeys"},
		{"Proofs with InsecureEmbeddedJWK", badge.VerifierOptions{Proofs: pv, InsecureEmbeddedJWK: true}, "InsecureEmbeddedJWK"},
		{"Proofs with AllowedCryptosuites", badge.VerifierOptions{Proofs: pv, AllowedCryptosuites: proof.DefaultCryptosuites()}, "AllowedCryptosuites"},
		{"Proofs with RequireAllProofs", badge.VerifierOptions{Proofs: pv, RequireAllProofs: true}, "RequireAllProofs"},
		{"strict with a relaxation", badge.VerifierOptions{Policy: badge.PolicyStrict, AllowInvalidEndorsements: true}, "AllowInvalidEndorsements"},
		{"strict with a relaxed proof verifier", badge.VerifierOptions{Policy: badge.PolicyStrict, Proofs: &proof.Verifier{InsecureFragmentKeys: true}}, "InsecureFragmentKeys"},
		{"interop with fragment keys", badge.VerifierOptions{Policy: badge.PolicyInterop, InsecureFragmentKeys: true}, "InsecureFragmentKeys"},
		{"interop with a proof verifier skipping issuer binding", badge.VerifierOptions{Policy: badge.PolicyInterop, Proofs: &proof.Verifier{InsecureSkipIssuerBinding: true}}, "Proofs.InsecureSkipIssuerBinding"},
		{"interop skipping status", badge.VerifierOptions{Policy: badge.PolicyInterop, InsecureSkipStatus: true}, "InsecureSkipStatus"},
		{"interop with a suite it does not allow", badge.VerifierOptions{Policy: badge.PolicyInterop, AllowedCryptosuites: []string{"bbs-2023"}}, "AllowedCryptosuites"},
		{"interop with endorsements off", badge.VerifierOptions{Policy: badge.PolicyInterop, MaxEndorsementDepth: -1}, "MaxEndorsementDepth < 0"},
		{"interop with a status checker that takes no relaxations", badge.VerifierOptions{Policy: badge.PolicyInterop, Status: plainChecker{}}, "Status"},
		{"validator with the interop status rules", badge.VerifierOptions{Policy: badge.Policy1EdTechValidator, Status: &status.Checker{AllowShortLists: true}}, "AllowShortLists"},
		{"validator with nonconforming credentials", badge.VerifierOptions{Policy: badge.Policy1EdTechValidator, AllowNonconforming: true}, "AllowNonconforming"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := badge.NewVerifier(tt.o)
			require.Nil(t, v)
			require.ErrorIs(t, err, badge.ErrConflictingOptions)
			var oe *badge.OptionsError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, tt.option, oe.Option)
		})
	}
	_, err := badge.NewVerifier(badge.VerifierOptions{Policy: "lenient"})
	require.ErrorIs(t, err, badge.ErrUnknownPolicy)
}

// plainChecker is a status checker without per-call relaxations.
type plainChecker struct{}

func (plainChecker) CheckStatus(context.Context, *vc.Credential, map[string]any) (*vc.StatusResult, error) {
	return &vc.StatusResult{Outcome: vc.StatusValid}, nil
}

// TestNewVerifierAcceptsWhatAProfileAlreadyRelaxes: naming a rule the
// profile sets, a tightening, or the caller's own proof verifier is not a
// contradiction; the profile's proof rules go on a copy of it.
func TestNewVerifierAcceptsWhatAProfileAlreadyRelaxes(t *testing.T) {
	pv := &proof.Verifier{Now: policyClock}
	for _, o := range []badge.VerifierOptions{
		{Policy: badge.PolicyInterop, AllowInvalidEndorsements: true, AllowNonconforming: true},
		{Policy: badge.PolicyInterop, RequireAllProofs: true, AllowedCryptosuites: []string{proof.EdDSARDFC2022}},
		{Policy: badge.PolicyInterop, Proofs: pv, Status: &status.Checker{AllowListIDMismatch: true}},
		{Policy: badge.Policy1EdTechValidator, Proofs: pv},
		{Policy: badge.PolicyStrict, Proofs: pv, Status: plainChecker{}},
		{Proofs: &proof.Verifier{InsecureFragmentKeys: true}, AllowInvalidEndorsements: true},
	} {
		v, err := badge.NewVerifier(o)
		require.NoError(t, err, "%+v", o)
		assert.Equal(t, o.Policy, v.Policy())
	}
	assert.False(t, pv.InsecureFragmentKeys || pv.RequireAllProofs || pv.AllowedCryptosuites != nil, "the caller's proof verifier is not changed")
}

func TestParsePolicyNamesEveryProfileAndRefusesOthers(t *testing.T) {
	for _, p := range badge.Policies() {
		got, err := badge.ParsePolicy(p.Name())
		require.NoError(t, err)
		assert.Equal(t, p, got)
	}
	got, err := badge.ParsePolicy("")
	require.NoError(t, err)
	assert.Equal(t, badge.PolicyStrict, got)
	_, err = badge.ParsePolicy("Interop")
	var ue *badge.UnknownPolicyError
	require.ErrorAs(t, err, &ue)
	assert.EqualError(t, err, `badge: unknown verification policy "Interop" (valid: strict, interop, 1edtech-validator)`)
	assert.Empty(t, badge.PolicyStrict.Rules())
	assert.Empty(t, badge.Policy("").Rules())
	assert.NotEmpty(t, badge.PolicyInterop.Rules())
	var p badge.Policy
	require.NoError(t, p.UnmarshalText([]byte("1edtech-validator")))
	assert.Equal(t, badge.Policy1EdTechValidator, p)
}

// TestInteropNeverRelaxesSignatureBindingValidityOrRevocation: no rule
// of the interop profile touches those checks.
func TestInteropNeverRelaxesSignatureBindingValidityOrRevocation(t *testing.T) {
	for _, r := range badge.PolicyInterop.Rules() {
		assert.NotContains(t, []badge.CheckID{badge.CheckIssuer, badge.CheckValidity, badge.CheckContext, badge.CheckParse}, r.Check, r.Option)
		assert.NotContains(t, r.Option, "Insecure", r.Option)
	}
}
