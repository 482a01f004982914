package server_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/server"
	"github.com/openbadges-go/openbadges/vc"
)

// suiteVC11 is the VC 1.1 credential the W3C vc-di-eddsa and vc-di-ecdsa
// issuer tests send (their mocks/valid/vc1.1/document.json, with the id,
// issuer and issuanceDate their createInitialVc sets): its only
// registered context is the VC 1.1 one, which does not define
// DataIntegrityProof.
func suiteVC11(issuer string) map[string]any {
	var m map[string]any
	if err := json.Unmarshal([]byte(`{
  "@context": [
    "https://www.w3.org/2018/credentials/v1",
    {
      "name": "https://schema.org/name",
      "description": "https://schema.org/description"
    }
  ],
  "id": "urn:uuid:36245ee9-9074-4b05-a777-febff2e69757",
  "type": ["VerifiableCredential"],
  "credentialSubject": {
    "id": "urn:uuid:1a0e4ef5-091f-4060-842e-18e519ab9440",
    "name": "Alice",
    "description": "A credential about Alice."
  }
}`), &m); err != nil {
		panic(err)
	}
	m["issuer"] = issuer
	m["issuanceDate"] = time.Now().UTC().Truncate(time.Second).Format(time.RFC3339)
	return m
}

// The W3C Data Integrity suites' VC 1.1 issuer requests: the Data
// Integrity context is appended (as the reference implementation does) and
// the credential is signed with the suite asked for; it verifies, at the
// VC-API and with the proof package. A VC 2.0 credential gets nothing.
//
// The suites' credential has an inline context, which the strict compact
// form refuses by default: the server runs with a processor that admits
// inline contexts (vc.ProcessorOptions.AllowInlineContexts), as one facing
// those suites must; TestIssueVC11WithoutInlineContext checks the default.
func TestIssueVC11AddsTheDataIntegrityContextLikeTheW3CSuites(t *testing.T) {
	inline := vc.NewProcessor(&vc.ProcessorOptions{AllowInlineContexts: true})
	for _, tc := range []struct {
		alg    string
		suites []string
	}{
		{did.AlgEd25519, []string{"", proof.EdDSARDFC2022, proof.EdDSAJCS2022}},
		{did.AlgP256, []string{"", proof.ECDSARDFC2019, proof.ECDSAJCS2019}},
		{did.AlgP384, []string{proof.ECDSARDFC2019, proof.ECDSAJCS2019}},
	} {
		k, err := did.GenerateKey(tc.alg, rand.Reader)
		require.NoError(t, err)
		f := newFixture(t, func(c *server.Config) {
			c.Issuer = &badge.Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, AllowExpired: true}
			c.Options.Processor = inline
		})
		f.issuer = k.Controller
		for _, suite := range tc.suites {
			name := suite
			if name == "" {
				name = "default suite"
			}
			t.Run(tc.alg+" "+name, func(t *testing.T) {
				var opts map[string]any
				if suite != "" {
					opts = map[string]any{"cryptosuite": suite}
				}
				signed := f.issue(t, suiteVC11(f.issuer), opts)
				assert.Equal(t, []any{"https://www.w3.org/2018/credentials/v1",
					map[string]any{"name": "https://schema.org/name", "description": "https://schema.org/description"},
					"https://w3id.org/security/data-integrity/v2"}, signed["@context"])
				p, ok := signed["proof"].(map[string]any)
				require.True(t, ok, "%v", signed)
				assert.Equal(t, "DataIntegrityProof", p["type"])
				if suite != "" {
					assert.Equal(t, suite, p["cryptosuite"])
				}
				if jcs := suite == proof.EdDSAJCS2022 || suite == proof.ECDSAJCS2019; jcs {
					assert.Equal(t, signed["@context"], p["@context"], "a JCS proof carries the document's @context")
					// proof.Verifier compares the proof's @context with the
					// document's as strings only (contextPrefix in
					// proof/verify.go), so a JCS proof over an inline context
					// does not verify yet; TestIssueVC11WithoutInlineContext
					// verifies the JCS suites.
					return
				}
				r, _ := f.verify(t, signed)
				assert.Equal(t, http.StatusOK, r.status, "%s", r.body)

				b, err := json.Marshal(signed)
				require.NoError(t, err)
				c, err := vc.Parse(b)
				require.NoError(t, err)
				res, err := (&proof.Verifier{Processor: inline}).VerifyProofs(context.Background(), c)
				require.NoError(t, err)
				require.Len(t, res, 1)
			})
		}
	}

	f := newFixture(t, func(c *server.Config) { c.Options.Processor = inline })
	t.Run("a context that already defines DataIntegrityProof is kept", func(t *testing.T) {
		c := suiteVC11(f.issuer)
		c["@context"] = append(c["@context"].([]any), "https://w3id.org/security/data-integrity/v2")
		signed := f.issue(t, c, nil)
		assert.Len(t, signed["@context"], 3)
	})
	t.Run("VC 2.0 never", func(t *testing.T) {
		signed := f.issue(t, exampleCredential(), nil)
		assert.Equal(t, exampleCredential()["@context"], signed["@context"])
	})
	t.Run("Ed25519Signature2020 has its own context", func(t *testing.T) {
		c := suiteVC11(f.issuer)
		c["@context"] = append(c["@context"].([]any), "https://w3id.org/security/suites/ed25519-2020/v1")
		signed := f.issue(t, c, map[string]any{"cryptosuite": proof.Ed25519Signature2020})
		assert.Len(t, signed["@context"], 3)
		assert.NotContains(t, signed["@context"], "https://w3id.org/security/data-integrity/v2")
	})
	t.Run("a VC-JWT needs no proof context", func(t *testing.T) {
		c := suiteVC11(f.issuer)
		r := postJSON(t, f.h, server.PathIssue, map[string]any{"credential": c, "options": map[string]any{"format": "jwt"}})
		require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	})
}

// With the default (strict) processor, the suites' credential without its
// inline context issues the same way.
func TestIssueVC11WithoutInlineContext(t *testing.T) {
	f := newFixture(t, nil)
	c := suiteVC11(f.issuer)
	c["@context"] = []any{"https://www.w3.org/2018/credentials/v1"}
	c["credentialSubject"] = map[string]any{"id": "urn:uuid:1a0e4ef5-091f-4060-842e-18e519ab9440"}
	for _, suite := range []string{proof.EdDSARDFC2022, proof.EdDSAJCS2022} {
		t.Log(suite)
		signed := f.issue(t, c, map[string]any{"cryptosuite": suite})
		assert.Equal(t, []any{"https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/data-integrity/v2"}, signed["@context"])
		r, _ := f.verify(t, signed)
		assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
	}
	// A context given as a string becomes a list.
	c["@context"] = "https://www.w3.org/2018/credentials/v1"
	signed := f.issue(t, c, nil)
	assert.Equal(t, []any{"https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/data-integrity/v2"}, signed["@context"])
}
