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

// jsIssueRequest is run.mjs's issue input.
type jsIssueRequest struct {
	Contexts  map[string]json.RawMessage `json:"contexts"`
	Documents map[string]json.RawMessage `json:"documents,omitempty"`
	Now       string                     `json:"now"`
	Keys      map[string]jsKey           `json:"keys"`
	Jobs      []jsIssueJob               `json:"jobs"`
}

type jsIssueJob struct {
	Name        string          `json:"name"`
	Key         string          `json:"key"`
	Cryptosuite string          `json:"cryptosuite"`
	Created     string          `json:"created"`
	Credential  json.RawMessage `json:"credential,omitempty"`
	Previous    string          `json:"previous,omitempty"`
}

type jsIssueResult struct {
	Name               string          `json:"name"`
	Credential         json.RawMessage `json:"credential"`
	PublicKeyMultibase string          `json:"publicKeyMultibase"`
	Error              string          `json:"error"`
}

// TestJSIssuedVerifiesInGo has @digitalbazaar/vc issue credentials
// (eddsa-rdfc-2022 with Ed25519, ecdsa-rdfc-2019 with P-256 and P-384, Open
// Badges 3.0 on VC 2.0 and plain VC 1.1, and a proof set) with did:key and
// did:web keys, and checks that badge.Verifier and proof.Verifier accept
// them and refuse tampered copies.
func TestJSIssuedVerifiesInGo(t *testing.T) {
	t.Parallel()
	node := requireNode(t)
	ctx := t.Context()

	keys := map[string]*testKey{
		"ed25519": didKey(t, "Ed25519", "js ed25519"),
		"p-256":   didKey(t, "P-256", "js p-256"),
		"p-384":   didKey(t, "P-384", "js p-384"),
	}
	webDID := "did:web:js-issuer.interop.example"
	keys["web-ed25519"] = webKey(t, "Ed25519", "js web ed25519", webDID, "ed25519")
	keys["web-p-256"] = webKey(t, "P-256", "js web p-256", webDID, "p-256")
	var webKeys []*did.Key
	for _, name := range []string{"web-ed25519", "web-p-256"} {
		k := keys[name]
		dk, err := did.NewWebKey(k.signer, webDID, k.id[strings.IndexByte(k.id, '#')+1:])
		require.NoError(t, err)
		webKeys = append(webKeys, dk)
	}
	webDoc, err := did.NewWebDocument(webDID, webKeys, nil)
	require.NoError(t, err)

	ob := func(key, id string) json.RawMessage { return mustJSON(t, obCredential(t, keys[key].ctrl, id)) }
	const eddsa, ecdsa = proof.EdDSARDFC2022, proof.ECDSARDFC2019
	type job struct {
		jsIssueJob
		badge  bool // an Open Badge: badge.Verifier too
		proofs int
	}
	jobs := []job{
		{jsIssueJob{Name: "ob-vc2/eddsa-rdfc-2022/Ed25519", Key: "ed25519", Cryptosuite: eddsa, Credential: ob("ed25519", "urn:uuid:5f0e1a7c-0001-4000-8000-000000000001")}, true, 1},
		{jsIssueJob{Name: "ob-vc2/ecdsa-rdfc-2019/P-256", Key: "p-256", Cryptosuite: ecdsa, Credential: ob("p-256", "urn:uuid:5f0e1a7c-0002-4000-8000-000000000002")}, true, 1},
		{jsIssueJob{Name: "ob-vc2/ecdsa-rdfc-2019/P-384", Key: "p-384", Cryptosuite: ecdsa, Credential: ob("p-384", "urn:uuid:5f0e1a7c-0003-4000-8000-000000000003")}, true, 1},
		{jsIssueJob{Name: "vc11/eddsa-rdfc-2022/Ed25519", Key: "ed25519", Cryptosuite: eddsa, Credential: vc11Credential(keys["ed25519"].ctrl, "urn:uuid:5f0e1a7c-0004-4000-8000-000000000004")}, false, 1},
		{jsIssueJob{Name: "vc11/ecdsa-rdfc-2019/P-256", Key: "p-256", Cryptosuite: ecdsa, Credential: vc11Credential(keys["p-256"].ctrl, "urn:uuid:5f0e1a7c-0005-4000-8000-000000000005")}, false, 1},
		{jsIssueJob{Name: "proof-set-first", Key: "web-ed25519", Cryptosuite: eddsa, Credential: ob("web-ed25519", "urn:uuid:5f0e1a7c-0006-4000-8000-000000000006")}, true, 1},
		{jsIssueJob{Name: "ob-vc2/proof-set/Ed25519+P-256", Key: "web-p-256", Cryptosuite: ecdsa, Previous: "proof-set-first"}, true, 2},
	}
	req := jsIssueRequest{
		Contexts:  contexts(t),
		Documents: map[string]json.RawMessage{webDID: mustJSON(t, webDoc)},
		Now:       now.Format(time.RFC3339),
		Keys:      map[string]jsKey{},
	}
	for name, k := range keys {
		req.Keys[name] = k.js(t)
	}
	for _, j := range jobs {
		j.Created = created.Format(time.RFC3339)
		req.Jobs = append(req.Jobs, j.jsIssueJob)
	}
	var resp struct {
		Results []jsIssueResult `json:"results"`
	}
	node.run(t, "issue", req, &resp)
	require.Len(t, resp.Results, len(jobs))

	resolver := webResolver(webDoc)
	clock := func() time.Time { return now }
	pv := &proof.Verifier{Resolver: resolver, Now: clock, RequireAllProofs: true}
	bv, err := badge.NewVerifier(badge.VerifierOptions{Resolver: resolver, Now: clock, RequireAllProofs: true})
	require.NoError(t, err)

	for i, j := range jobs {
		r := resp.Results[i]
		t.Run(j.Name, func(t *testing.T) {
			require.Equal(t, j.Name, r.Name)
			require.Empty(t, r.Error, "JavaScript could not issue")
			// The Multikey encoding of the key agrees.
			assert.Equal(t, keys[j.Key].multibase(t), r.PublicKeyMultibase)

			cred, err := vc.Parse(r.Credential)
			require.NoError(t, err, "%s", r.Credential)
			require.Len(t, cred.Proofs(), j.proofs)
			results, err := pv.VerifyProofs(ctx, cred)
			assert.NoError(t, err, "proof.Verifier refuses a credential issued by JavaScript:\n%s", r.Credential)
			for _, pr := range results {
				assert.Equal(t, proof.StatusVerified, pr.Status, "proof %d (%s): %v", pr.Index, pr.Cryptosuite, pr.Err)
			}
			if j.badge {
				res, err := bv.Verify(ctx, r.Credential)
				if !assert.NoError(t, err, "badge.Verifier refuses an Open Badge issued by JavaScript:\n%s", r.Credential) {
					for _, c := range res.Checks {
						t.Logf("%s %s %v %s", c.ID, c.Status, c.Err, c.Detail)
					}
				}
			}

			// A tampered copy fails, for its signature.
			bad, err := vc.Parse(tamper(t, r.Credential))
			require.NoError(t, err)
			_, err = pv.VerifyProofs(ctx, bad)
			assert.ErrorIs(t, err, proof.ErrSignatureInvalid)
		})
	}
}
