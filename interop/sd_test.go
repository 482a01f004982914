package interop

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// jsSDRequest is run.mjs's sd input.
type jsSDRequest struct {
	Contexts map[string]json.RawMessage `json:"contexts"`
	Now      string                     `json:"now"`
	Keys     map[string]jsKey           `json:"keys,omitempty"`
	Jobs     []jsSDJob                  `json:"jobs"`
}

// jsSDJob is one step of run.mjs's sd mode: sign (a base proof), derive,
// confirm (the holder's check of a base proof) or verify (a derived proof).
type jsSDJob struct {
	Name              string          `json:"name"`
	Op                string          `json:"op"`
	Key               string          `json:"key,omitempty"`
	Created           string          `json:"created,omitempty"`
	Credential        json.RawMessage `json:"credential,omitempty"`
	From              string          `json:"from,omitempty"` // the job whose output is the input
	MandatoryPointers []string        `json:"mandatoryPointers,omitempty"`
	SelectivePointers []string        `json:"selectivePointers,omitempty"`
}

type jsSDResult struct {
	jsVerifyResult
	Credential         json.RawMessage `json:"credential"`
	PublicKeyMultibase string          `json:"publicKeyMultibase"`
}

// runSD runs the jobs in one `node run.mjs sd` and returns the results by
// job name.
func runSD(t *testing.T, node *nodeRunner, keys map[string]*testKey, jobs []jsSDJob) map[string]jsSDResult {
	t.Helper()
	req := jsSDRequest{Contexts: contexts(t), Now: now.Format(time.RFC3339), Jobs: jobs, Keys: map[string]jsKey{}}
	for name, k := range keys {
		req.Keys[name] = k.js(t)
	}
	var resp struct {
		Results []jsSDResult `json:"results"`
	}
	node.run(t, "sd", req, &resp)
	require.Len(t, resp.Results, len(jobs))
	out := map[string]jsSDResult{}
	for i, r := range resp.Results {
		require.Equal(t, jobs[i].Name, r.Name)
		out[r.Name] = r
	}
	return out
}

// sdCase is a credential secured with ecdsa-sd-2023, the pointers its
// disclosures use, and what a disclosure must and must not reveal.
type sdCase struct {
	name      string
	unsigned  []byte   // the credential before the base proof
	mandatory []string // the issuer's mandatory pointers
	selective []string // the holder's selective pointers
	disclosed []string // strings a derived credential holds
	withheld  []string // strings it must not hold
	selected  string   // a disclosed value of a selective (not mandatory) statement
	badge     bool     // an Open Badge: badge.Verifier too
}

// sdBadge returns an unsigned Open Badge with members that are neither
// mandatory (badge.DefaultMandatoryPointers) nor selected: a credential
// description and two achievement tags.
func sdBadge(t *testing.T, ctrl, id string) *badge.AchievementCredential {
	t.Helper()
	cred := obCredential(t, ctrl, id)
	cred.Description = "Disclosed on request."
	cred.CredentialSubject.Achievement.Tag = badge.Many("interop-tag", "withheld-tag")
	return cred
}

// sdVC returns an unsigned VC 2.0 credential whose subject has a name and
// a description (terms of the VC 2.0 context).
func sdVC(ctrl, id string) []byte {
	return []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],` +
		`"id":"` + id + `","type":["VerifiableCredential"],"issuer":"` + ctrl + `",` +
		`"validFrom":"2025-01-01T00:00:00Z","validUntil":"2035-01-01T00:00:00Z",` +
		`"credentialSubject":{"id":"did:example:learner-1","name":"Ada Lovelace","description":"Withheld subject description."}}`)
}

// sdCases returns the two credentials of the ecdsa-sd-2023 tests for the
// key's controller: an Open Badge with the default mandatory pointers of
// badge.Issuer, and a VC 2.0 credential with few mandatory pointers.
func sdCases(t *testing.T, ctrl, idPrefix string) []sdCase {
	t.Helper()
	ob := sdBadge(t, ctrl, idPrefix+"01")
	obJSON := mustJSON(t, ob)
	var obDoc map[string]any
	require.NoError(t, json.Unmarshal(obJSON, &obDoc))
	return []sdCase{
		{
			name:      "ob-vc2",
			unsigned:  obJSON,
			mandatory: badge.DefaultMandatoryPointers(obDoc),
			selective: []string{"/description", "/credentialSubject/achievement/tag/0"},
			disclosed: []string{"Disclosed on request.", "interop-tag", "Interop University", "Interoperability"},
			withheld:  []string{"withheld-tag"},
			selected:  "interop-tag",
			badge:     true,
		},
		{
			name:      "vc2",
			unsigned:  sdVC(ctrl, idPrefix+"02"),
			mandatory: []string{"/issuer", "/validFrom", "/validUntil", "/credentialSubject/id"},
			selective: []string{"/credentialSubject/name"},
			disclosed: []string{"Ada Lovelace", "did:example:learner-1"},
			withheld:  []string{"Withheld subject description."},
			selected:  "Ada Lovelace",
		},
	}
}

// checkDisclosure checks what a derived credential reveals: the cases'
// disclosed strings, none of the withheld ones, and one derived
// ecdsa-sd-2023 proof.
func checkDisclosure(t *testing.T, c sdCase, derived []byte) {
	t.Helper()
	for _, s := range c.disclosed {
		assert.Contains(t, string(derived), s, "the derived credential lacks a disclosed value")
	}
	for _, s := range c.withheld {
		assert.NotContains(t, string(derived), s, "the derived credential reveals a withheld value")
	}
	cred, err := vc.Parse(derived)
	require.NoError(t, err, "%s", derived)
	require.Len(t, cred.Proofs(), 1)
}

// goVerifySD verifies a derived credential with proof.Verifier (and
// badge.Verifier for a badge), and checks that a tampered copy fails for
// its signature.
func goVerifySD(t *testing.T, c sdCase, derived []byte) {
	t.Helper()
	ctx := t.Context()
	clock := func() time.Time { return now }
	pv := &proof.Verifier{Resolver: proof.OfflineResolver(), Now: clock, RequireAllProofs: true}
	cred, err := vc.Parse(derived)
	require.NoError(t, err)
	results, err := pv.VerifyProofs(ctx, cred)
	assert.NoError(t, err, "proof.Verifier refuses a derived credential:\n%s", derived)
	for _, pr := range results {
		assert.Equal(t, proof.StatusVerified, pr.Status, "proof %d (%s): %v", pr.Index, pr.Cryptosuite, pr.Err)
		assert.Equal(t, proof.ECDSASD2023, pr.Cryptosuite)
	}
	if c.badge {
		bv, err := badge.NewVerifier(badge.VerifierOptions{Resolver: proof.OfflineResolver(), Now: clock, RequireAllProofs: true})
		require.NoError(t, err)
		res, err := bv.Verify(ctx, derived)
		if !assert.NoError(t, err, "badge.Verifier refuses a derived badge:\n%s", derived) {
			for _, ch := range res.Checks {
				t.Logf("%s %s %v %s", ch.ID, ch.Status, ch.Err, ch.Detail)
			}
		}
	}
	for _, b := range [][]byte{tamper(t, derived), tamperSelected(t, c, derived)} {
		bad, err := vc.Parse(b)
		require.NoError(t, err)
		_, err = pv.VerifyProofs(ctx, bad)
		assert.ErrorIs(t, err, proof.ErrSignatureInvalid, "a tampered derived credential:\n%s", b)
	}
}

// tamperSelected changes the selectively disclosed value of c in derived.
func tamperSelected(t *testing.T, c sdCase, derived []byte) []byte {
	t.Helper()
	s := strings.Replace(string(derived), `"`+c.selected+`"`, `"`+c.selected+` (changed)"`, 1)
	require.NotEqual(t, string(derived), s)
	return []byte(s)
}

// TestSDJSBaseDerivedInGo: @digitalbazaar/ecdsa-sd-2023-cryptosuite makes
// base proofs (P-256 did:key, mandatory pointers); Go verifies the base
// proof (the holder's check), derives with proof.Derive and verifies its
// derived credential, and verifies the credential JavaScript derives from
// the same base.
func TestSDJSBaseDerivedInGo(t *testing.T) {
	t.Parallel()
	node := requireNode(t)
	ctx := t.Context()
	key := didKey(t, "P-256", "js sd p-256")
	cases := sdCases(t, key.ctrl, "urn:uuid:3c1d5e2a-0001-4000-8000-0000000000")

	var jobs []jsSDJob
	for _, c := range cases {
		jobs = append(jobs,
			jsSDJob{Name: c.name + "/js-base", Op: "sign", Key: "p-256", Created: created.Format(time.RFC3339), Credential: c.unsigned, MandatoryPointers: c.mandatory},
			jsSDJob{Name: c.name + "/js-derived", Op: "derive", From: c.name + "/js-base", SelectivePointers: c.selective},
		)
	}
	res := runSD(t, node, map[string]*testKey{"p-256": key}, jobs)

	pv := &proof.Verifier{Resolver: proof.OfflineResolver(), Now: func() time.Time { return now }, RequireAllProofs: true}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := res[c.name+"/js-base"]
			require.Empty(t, base.Error, "JavaScript could not sign")
			assert.Equal(t, key.multibase(t), base.PublicKeyMultibase)
			t.Run("base-verifies-in-go", func(t *testing.T) {
				cred, err := vc.Parse(base.Credential)
				require.NoError(t, err)
				results, err := pv.VerifyProofs(ctx, cred)
				assert.NoError(t, err, "proof.Verifier refuses a base proof made by JavaScript:\n%s", base.Credential)
				for _, pr := range results {
					assert.Equal(t, proof.StatusVerified, pr.Status, "%v", pr.Err)
				}
			})
			t.Run("go-derived", func(t *testing.T) {
				derived, err := proof.Derive(ctx, base.Credential, c.selective, nil)
				require.NoError(t, err, "proof.Derive refuses a base proof made by JavaScript:\n%s", base.Credential)
				checkDisclosure(t, c, derived)
				goVerifySD(t, c, derived)
			})
			t.Run("js-derived", func(t *testing.T) {
				d := res[c.name+"/js-derived"]
				require.Empty(t, d.Error, "JavaScript could not derive")
				checkDisclosure(t, c, d.Credential)
				goVerifySD(t, c, d.Credential)
			})
		})
	}
}

// TestSDGoBaseDerivedInJS: Go makes base proofs (badge.Issuer with
// ECDSASD2023 and its default mandatory pointers; AddDataIntegrityProof
// with explicit ones); JavaScript confirms the base proof (the holder's
// check), derives and verifies its derived credential, and verifies the
// credential proof.Derive derives from the same base (and refuses a
// tampered copy).
func TestSDGoBaseDerivedInJS(t *testing.T) {
	t.Parallel()
	node := requireNode(t)
	ctx := t.Context()
	key := didKey(t, "P-256", "go sd p-256")
	cases := sdCases(t, key.ctrl, "urn:uuid:3c1d5e2a-0002-4000-8000-0000000000")

	bases := map[string][]byte{}
	goDerived := map[string][]byte{}
	var jobs []jsSDJob
	for _, c := range cases {
		var base []byte
		if c.badge {
			var cred badge.AchievementCredential
			require.NoError(t, json.Unmarshal(c.unsigned, &cred))
			iss := &badge.Issuer{Key: key.proofKey(), Cryptosuite: proof.ECDSASD2023, Now: func() time.Time { return created }}
			signed, err := iss.Issue(ctx, &cred)
			require.NoError(t, err)
			base = signed.JSON
		} else {
			base = addProof(t, c.unsigned, key, proof.DataIntegrityOptions{Cryptosuite: proof.ECDSASD2023, MandatoryPointers: c.mandatory})
		}
		bases[c.name] = base
		derived, err := proof.Derive(ctx, base, c.selective, nil)
		require.NoError(t, err)
		goDerived[c.name] = derived
		// Sanity: Go verifies what it derived.
		goVerifySD(t, c, derived)

		jobs = append(jobs,
			jsSDJob{Name: c.name + "/go-base/confirm", Op: "confirm", Credential: base},
			jsSDJob{Name: c.name + "/js-derived", Op: "derive", Credential: base, SelectivePointers: c.selective},
			jsSDJob{Name: c.name + "/js-derived/verify", Op: "verify", From: c.name + "/js-derived"},
			jsSDJob{Name: c.name + "/go-derived/verify", Op: "verify", Credential: derived},
			jsSDJob{Name: c.name + "/go-derived/tampered", Op: "verify", Credential: tamper(t, derived)},
			jsSDJob{Name: c.name + "/go-derived/tampered-selective", Op: "verify", Credential: tamperSelected(t, c, derived)},
		)
	}
	res := runSD(t, node, nil, jobs)

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Run("base-confirms-in-js", func(t *testing.T) {
				r := res[c.name+"/go-base/confirm"]
				assert.True(t, r.Verified, "JavaScript's confirm cryptosuite refuses a base proof made by Go: %s\n%s", r.Error, bases[c.name])
			})
			t.Run("js-derived", func(t *testing.T) {
				d := res[c.name+"/js-derived"]
				require.Empty(t, d.Error, "JavaScript could not derive from a base proof made by Go:\n%s", bases[c.name])
				checkDisclosure(t, c, d.Credential)
				v := res[c.name+"/js-derived/verify"]
				assert.True(t, v.Verified, "JavaScript refuses what it derived from a Go base proof: %s\n%s", v.Error, d.Credential)
				// Go verifies it too.
				goVerifySD(t, c, d.Credential)
			})
			t.Run("go-derived", func(t *testing.T) {
				v := res[c.name+"/go-derived/verify"]
				assert.True(t, v.Verified, "JavaScript refuses a credential derived by Go: %s\n%s", v.Error, goDerived[c.name])
				require.Len(t, v.Proofs, 1)
				assert.Equal(t, proof.ECDSASD2023, v.Proofs[0].Cryptosuite)
				for _, n := range []string{"/go-derived/tampered", "/go-derived/tampered-selective"} {
					bad := res[c.name+n]
					assert.False(t, bad.Verified, "JavaScript verifies a tampered derived credential (%s)", n)
					assert.Contains(t, bad.Error, "Invalid signature")
					t.Logf("%s refused: %s", n, bad.Error)
				}
			})
		})
	}
}
