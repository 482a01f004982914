package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/ob2"
	"github.com/openbadges-go/openbadges/proof"
)

// ob2Testdata is the 1EdTech validator's Open Badges 2.0 test inputs,
// with the documents they link under assets/.
var ob2Testdata = filepath.Join("..", "badge", "ob2", "testdata", "validator")

// ob2Resources serves the validator's assets under the URLs its own tests
// map to them (as badge/ob2's tests do), and the hosted copy of a JSON
// (or baked PNG) assertion at its id.
func ob2Resources(t *testing.T, input []byte) map[string][]byte {
	t.Helper()
	res := map[string][]byte{}
	dir := filepath.Join(ob2Testdata, "assets")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		for _, p := range []string{"https://www.example.org/", "https://example.org/", "http://example.org/"} {
			res[p+e.Name()] = b
		}
	}
	if bytes.HasPrefix(input, []byte("\x89PNG")) {
		// A baked badge: its hosted copy is the assertion in the PNG.
		_, err := badge.Unbake(bytes.NewReader(input), nil)
		var le *badge.LegacyAssertionError
		require.ErrorAs(t, err, &le)
		input = le.Assertion
	}
	var m map[string]any
	if json.Unmarshal(bytes.TrimSpace(input), &m) == nil {
		if id, _ := m["id"].(string); id != "" {
			if _, asset := res[id]; !asset {
				res[id] = input
			}
		}
	}
	return res
}

// TestOB2UpgradedVerifiesInJS verifies Open Badges 2.0 assertions of the
// 1EdTech validator's inputs (hosted, signed with RS256, with endorsements,
// baked into a PNG) offline with ob2.Verifier, upgrades each with
// ob2.Upgrade, signs the 3.0 credential with badge.Issuer (Ed25519 with
// eddsa-rdfc-2022, P-256 with ecdsa-rdfc-2019) and checks that
// @digitalbazaar/vc verifies it, and refuses a tampered copy.
func TestOB2UpgradedVerifiesInJS(t *testing.T) {
	t.Parallel()
	node := requireNode(t)
	ctx := t.Context()
	clock := func() time.Time { return now }

	inputs := []string{"basic-assertion.json", "simple.jwt", "assertion-with-endorsements.json", "simple-badge.png"}
	signers := []struct {
		key   *testKey
		suite string
	}{
		{didKey(t, "Ed25519", "ob2 upgrade ed25519"), proof.EdDSARDFC2022},
		{didKey(t, "P-256", "ob2 upgrade p-256"), proof.ECDSARDFC2019},
	}
	bv, err := badge.NewVerifier(badge.VerifierOptions{Resolver: proof.OfflineResolver(), Now: clock, RequireAllProofs: true})
	require.NoError(t, err)

	type upCase struct {
		name  string
		json  []byte
		suite string
		want  bool
	}
	var cases []upCase
	for i, in := range inputs {
		data, err := os.ReadFile(filepath.Join(ob2Testdata, in))
		require.NoError(t, err)
		require.True(t, ob2.Is(data), in)
		v, err := ob2.NewVerifier(ob2.Options{Offline: true, Resources: ob2Resources(t, data), Now: clock})
		require.NoError(t, err)
		res, err := v.Verify(context.WithoutCancel(ctx), data)
		require.NoError(t, err, "ob2.Verifier refuses %s", in)
		require.True(t, res.Verified, in)

		for j, s := range signers {
			iss := &badge.Issuer{Key: s.key.proofKey(), Now: func() time.Time { return created }}
			p := iss.Profile("Upgraded Issuer")
			// A deterministic urn:uuid per case.
			rnd := bytes.NewReader(seed(in+" "+s.suite, 32))
			cred, err := ob2.Upgrade(res, &ob2.UpgradeOptions{Issuer: &p, Now: func() time.Time { return created }, Rand: rnd})
			require.NoError(t, err, in)
			signed, err := iss.Issue(ctx, cred)
			require.NoError(t, err, "badge.Issuer refuses the upgrade of %s", in)
			// Sanity: Go verifies it.
			r3, err := bv.Verify(ctx, signed.JSON)
			if !assert.NoError(t, err, "Go refuses the signed upgrade of %s", in) {
				for _, ch := range r3.Checks {
					t.Logf("%s %s %v %s", ch.ID, ch.Status, ch.Err, ch.Detail)
				}
			}
			name := "ob2-upgrade/" + in + "/" + s.suite
			cases = append(cases, upCase{name: name, json: signed.JSON, suite: s.suite, want: true})
			if i == 0 || j == 0 {
				cases = append(cases, upCase{name: "tampered/" + name, json: tamperAchievementName(t, signed.JSON), suite: s.suite})
			}
		}
	}

	req := jsVerifyRequest{Contexts: contexts(t), Now: now.Format(time.RFC3339)}
	for _, c := range cases {
		req.Credentials = append(req.Credentials, jsCredential{Name: c.name, Credential: c.json})
	}
	var resp struct {
		Results []jsVerifyResult `json:"results"`
	}
	node.run(t, "verify", req, &resp)
	require.Len(t, resp.Results, len(cases))
	for i, c := range cases {
		r := resp.Results[i]
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.name, r.Name)
			if !c.want {
				assert.False(t, r.Verified, "JavaScript verifies a tampered credential")
				assert.Contains(t, r.Error, "Invalid signature")
				return
			}
			assert.True(t, r.Verified, "JavaScript refuses an upgraded Open Badges 2.0 assertion signed by Go: %s\n%s", r.Error, c.json)
			require.Len(t, r.Proofs, 1)
			assert.Equal(t, c.suite, r.Proofs[0].Cryptosuite)
		})
	}
}

// tamperAchievementName changes the achievement's name of a signed
// credential.
func tamperAchievementName(t *testing.T, signed []byte) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(signed, &m))
	a := m["credentialSubject"].(map[string]any)["achievement"].(map[string]any)
	a["name"] = a["name"].(string) + " (changed)"
	return mustJSON(t, m)
}
