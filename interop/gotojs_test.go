package interop

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// jsVerifyRequest is run.mjs's verify input.
type jsVerifyRequest struct {
	Contexts    map[string]json.RawMessage `json:"contexts"`
	Documents   map[string]json.RawMessage `json:"documents,omitempty"`
	Now         string                     `json:"now"`
	Credentials []jsCredential             `json:"credentials"`
}

type jsCredential struct {
	Name       string          `json:"name"`
	Credential json.RawMessage `json:"credential"`
}

// jsVerifyResult is one credential's outcome in run.mjs's verify output.
type jsVerifyResult struct {
	Name            string `json:"name"`
	Verified        bool   `json:"verified"`
	LibraryVerified bool   `json:"libraryVerified"`
	Error           string `json:"error"`
	Proofs          []struct {
		Index           int    `json:"index"`
		ID              string `json:"id"`
		Cryptosuite     string `json:"cryptosuite"`
		Verified        bool   `json:"verified"`
		LibraryVerified bool   `json:"libraryVerified"`
		Chained         bool   `json:"chained"`
		Error           string `json:"error"`
	} `json:"proofs"`
}

// goCase is a credential issued here, with what JavaScript must say.
type goCase struct {
	name   string
	json   []byte
	suites []string // the cryptosuite of each proof, in order
	want   bool     // false: a tampered copy that must not verify
}

// obCredential returns an unsigned Open Badges 3.0 (VC 2.0) credential
// issued by the controller ctrl.
func obCredential(t *testing.T, ctrl, id string) *badge.AchievementCredential {
	t.Helper()
	profile := badge.NewProfile(ctrl, "Interop University")
	achievement := badge.NewAchievement("https://example.edu/achievements/interop", "Interoperability",
		"Issues credentials that other implementations verify.", "Verified by two implementations.")
	cred, err := badge.NewCredential(profile, achievement, badge.RecipientDID("did:example:learner-1"),
		&badge.CredentialOptions{ID: id, ValidFrom: validFrom, ValidUntil: validUntil})
	require.NoError(t, err)
	return cred
}

// vc11Credential returns an unsigned VC 1.1 credential issued by ctrl, with
// the Data Integrity context that VC 1.1 lacks.
func vc11Credential(ctrl, id string) []byte {
	return []byte(`{"@context":["https://www.w3.org/2018/credentials/v1","https://w3id.org/security/data-integrity/v2"],` +
		`"id":"` + id + `","type":["VerifiableCredential"],"issuer":"` + ctrl + `",` +
		`"issuanceDate":"2025-01-01T00:00:00Z","expirationDate":"2035-01-01T00:00:00Z",` +
		`"credentialSubject":{"id":"did:example:learner-1"}}`)
}

// issueBadge signs an Open Badges credential with badge.Issuer.
func issueBadge(t *testing.T, k *testKey, id string) []byte {
	t.Helper()
	iss := &badge.Issuer{Key: k.proofKey(), Now: func() time.Time { return created }}
	signed, err := iss.Issue(t.Context(), obCredential(t, k.ctrl, id))
	require.NoError(t, err)
	return signed.JSON
}

// addProof signs doc with the proof package.
func addProof(t *testing.T, doc []byte, k *testKey, o proof.DataIntegrityOptions) []byte {
	t.Helper()
	if o.Created.IsZero() {
		o.Created = created
	}
	out, err := proof.AddDataIntegrityProof(t.Context(), doc, k.proofKey(), &o)
	require.NoError(t, err)
	return out
}

// tamper changes the credential's subject id: the proofs no longer match.
func tamper(t *testing.T, signed []byte) []byte {
	t.Helper()
	s := strings.Replace(string(signed), "did:example:learner-1", "did:example:learner-2", 1)
	require.NotEqual(t, string(signed), s)
	return []byte(s)
}

// TestGoIssuedVerifiesInJS issues credentials with badge.Issuer and the
// proof package (every suite and key type, VC 2.0 and 1.1, a proof set and
// a proof chain) and checks that @digitalbazaar/vc verifies each, and
// refuses tampered copies.
func TestGoIssuedVerifiesInJS(t *testing.T) {
	t.Parallel()
	node := requireNode(t)
	ctx := t.Context()

	ed := didKey(t, "Ed25519", "go ed25519")
	p256 := didKey(t, "P-256", "go p-256")
	p384 := didKey(t, "P-384", "go p-384")

	// One did:web issuer with three keys, for the proof set and chain:
	// every proof by a key the issuer controls.
	webDID := "did:web:issuer.interop.example"
	wEd := webKey(t, "Ed25519", "web ed25519", webDID, "ed25519")
	wP256 := webKey(t, "P-256", "web p-256", webDID, "p-256")
	wP384 := webKey(t, "P-384", "web p-384", webDID, "p-384")
	var keys []*did.Key
	for _, k := range []*testKey{wEd, wP256, wP384} {
		dk, err := did.NewWebKey(k.signer, webDID, k.id[strings.IndexByte(k.id, '#')+1:])
		require.NoError(t, err)
		keys = append(keys, dk)
	}
	webDoc, err := did.NewWebDocument(webDID, keys, nil)
	require.NoError(t, err)

	const eddsa, ecdsa = proof.EdDSARDFC2022, proof.ECDSARDFC2019
	cases := []goCase{
		{name: "ob-vc2/eddsa-rdfc-2022/Ed25519", json: issueBadge(t, ed, "urn:uuid:9a0c2d2e-0001-4000-8000-000000000001"), suites: []string{eddsa}, want: true},
		{name: "ob-vc2/ecdsa-rdfc-2019/P-256", json: issueBadge(t, p256, "urn:uuid:9a0c2d2e-0002-4000-8000-000000000002"), suites: []string{ecdsa}, want: true},
		{name: "ob-vc2/ecdsa-rdfc-2019/P-384", json: issueBadge(t, p384, "urn:uuid:9a0c2d2e-0003-4000-8000-000000000003"), suites: []string{ecdsa}, want: true},
		{name: "vc11/eddsa-rdfc-2022/Ed25519", json: addProof(t, vc11Credential(ed.ctrl, "urn:uuid:9a0c2d2e-0004-4000-8000-000000000004"), ed, proof.DataIntegrityOptions{}), suites: []string{eddsa}, want: true},
		{name: "vc11/ecdsa-rdfc-2019/P-256", json: addProof(t, vc11Credential(p256.ctrl, "urn:uuid:9a0c2d2e-0005-4000-8000-000000000005"), p256, proof.DataIntegrityOptions{}), suites: []string{ecdsa}, want: true},
		{name: "vc11/ecdsa-rdfc-2019/P-384", json: addProof(t, vc11Credential(p384.ctrl, "urn:uuid:9a0c2d2e-0006-4000-8000-000000000006"), p384, proof.DataIntegrityOptions{}), suites: []string{ecdsa}, want: true},
	}

	// A proof set: the badge signed by badge.Issuer with the Ed25519 key,
	// then by the P-256 and P-384 keys, each proof over the credential
	// alone.
	set := issueBadge(t, wEd, "urn:uuid:9a0c2d2e-0007-4000-8000-000000000007")
	set = addProof(t, set, wP256, proof.DataIntegrityOptions{})
	set = addProof(t, set, wP384, proof.DataIntegrityOptions{})
	cases = append(cases, goCase{name: "ob-vc2/proof-set/Ed25519+P-256+P-384", json: set, suites: []string{eddsa, ecdsa, ecdsa}, want: true})

	// A proof chain: P-256 chains to the Ed25519 proof and P-384 to the
	// P-256 one (previousProof), each signing the credential with the
	// proof it names.
	unsigned, err := json.Marshal(obCredential(t, webDID, "urn:uuid:9a0c2d2e-0008-4000-8000-000000000008"))
	require.NoError(t, err)
	chain := addProof(t, unsigned, wEd, proof.DataIntegrityOptions{ID: "urn:uuid:9a0c2d2e-0008-4000-8000-0000000000a1"})
	chain = addProof(t, chain, wP256, proof.DataIntegrityOptions{ID: "urn:uuid:9a0c2d2e-0008-4000-8000-0000000000a2", PreviousProof: []string{"urn:uuid:9a0c2d2e-0008-4000-8000-0000000000a1"}})
	chain = addProof(t, chain, wP384, proof.DataIntegrityOptions{ID: "urn:uuid:9a0c2d2e-0008-4000-8000-0000000000a3", PreviousProof: []string{"urn:uuid:9a0c2d2e-0008-4000-8000-0000000000a2"}})
	cases = append(cases, goCase{name: "ob-vc2/proof-chain/Ed25519<-P-256<-P-384", json: chain, suites: []string{eddsa, ecdsa, ecdsa}, want: true})

	// Negative controls: tampered copies must fail in JavaScript too.
	for _, c := range []goCase{cases[0], cases[1], cases[3], cases[6], cases[7]} {
		cases = append(cases, goCase{name: "tampered/" + c.name, json: tamper(t, c.json), suites: c.suites})
	}

	// Sanity: Go verifies what it issued (and refuses the tampered copies).
	pv := &proof.Verifier{Resolver: webResolver(webDoc), Now: func() time.Time { return now }, RequireAllProofs: true}
	for _, c := range cases {
		cred, err := vc.Parse(c.json)
		require.NoError(t, err, c.name)
		_, err = pv.VerifyProofs(ctx, cred)
		if c.want {
			require.NoError(t, err, "Go does not verify its own %s", c.name)
		} else {
			require.Error(t, err, "Go verifies the tampered %s", c.name)
		}
	}

	req := jsVerifyRequest{
		Contexts:  contexts(t),
		Documents: map[string]json.RawMessage{webDID: mustJSON(t, webDoc)},
		Now:       now.Format(time.RFC3339),
	}
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
				// Refused for its signature, not for a loader or data
				// model problem that would refuse anything.
				assert.Contains(t, r.Error, "Invalid signature")
				t.Logf("refused: %s", r.Error)
				return
			}
			assert.True(t, r.Verified, "JavaScript refuses a credential issued by Go: %s\n%s", r.Error, c.json)
			require.Len(t, r.Proofs, len(c.suites))
			for j, p := range r.Proofs {
				assert.Equal(t, c.suites[j], p.Cryptosuite)
				assert.True(t, p.Verified, "proof %d (%s): %s", j, p.Cryptosuite, p.Error)
				if p.Chained && !p.LibraryVerified {
					t.Logf("proof %d chains to %q: @digitalbazaar/data-integrity alone does not include previous proofs; verified by run.mjs's verifyChained", j, p.ID)
				}
			}
		})
	}
}
