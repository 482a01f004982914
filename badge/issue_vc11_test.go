package badge_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// A VC 1.1 credential signed with a DataIntegrityProof gets the Data
// Integrity context appended (VC 1.1 does not define the proof type), every
// other byte as given; the result says so. VC 2.0 never does.
func TestIssueVC11AddsTheDataIntegrityContext(t *testing.T) {
	ctx := context.Background()
	iss := testIssuer(t, badge.DataIntegrity)
	ctrl := iss.Profile("x").ID
	body := `"type": ["VerifiableCredential"],
  "issuer": "` + ctrl + `",
  "issuanceDate": "2024-01-01T00:00:00Z",
  "credentialSubject": {"id": "did:example:subject"}
}`
	for name, tc := range map[string]struct{ in, want string }{
		"a string": {
			`{"@context": "https://www.w3.org/2018/credentials/v1", ` + body,
			`{"@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/data-integrity/v2"], ` + body,
		},
		"a list on one line": {
			`{"@context": ["https://www.w3.org/2018/credentials/v1","https://www.w3.org/2018/credentials/examples/v1"], ` + body,
			`{"@context": ["https://www.w3.org/2018/credentials/v1","https://www.w3.org/2018/credentials/examples/v1", "https://w3id.org/security/data-integrity/v2"], ` + body,
		},
		"an indented list": {
			"{\n  \"@context\": [\n    \"https://www.w3.org/2018/credentials/v1\"\n  ],\n  " + body,
			"{\n  \"@context\": [\n    \"https://www.w3.org/2018/credentials/v1\",\n    \"https://w3id.org/security/data-integrity/v2\"\n  ],\n  " + body,
		},
		"@context not first": {
			`{"id": "urn:uuid:1", "@context" : [ "https://www.w3.org/2018/credentials/v1" ] , ` + body,
			`{"id": "urn:uuid:1", "@context" : [ "https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/data-integrity/v2" ] , ` + body,
		},
	} {
		t.Run(name, func(t *testing.T) {
			for _, suite := range []string{"", proof.EdDSAJCS2022} {
				i := *iss
				i.Cryptosuite = suite
				s, err := i.IssueJSON(ctx, []byte(tc.in))
				require.NoError(t, err)
				assert.Equal(t, []string{badge.ContextDataIntegrity}, s.AddedContexts)
				require.Greater(t, len(s.JSON), len(tc.want))
				assert.Equal(t, tc.want[:len(tc.want)-2], string(s.JSON[:len(tc.want)-2]), "only @context changes")
				c, err := vc.Parse(s.JSON)
				require.NoError(t, err)
				res, err := (&proof.Verifier{Now: fixedNow}).VerifyProofs(ctx, c)
				require.NoError(t, err)
				require.Len(t, res, 1)
			}
		})
	}

	t.Run("not when a context defines the proof", func(t *testing.T) {
		for _, extra := range []string{"https://w3id.org/security/data-integrity/v2", "https://w3id.org/security/data-integrity/v1"} {
			in := `{"@context": ["https://www.w3.org/2018/credentials/v1", "` + extra + `"], ` + body
			s, err := iss.IssueJSON(ctx, []byte(in))
			require.NoError(t, err)
			assert.Nil(t, s.AddedContexts)
		}
	})
	t.Run("not for Ed25519Signature2020", func(t *testing.T) {
		i := *iss
		i.Cryptosuite = proof.Ed25519Signature2020
		in := `{"@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/suites/ed25519-2020/v1"], ` + body
		s, err := i.IssueJSON(ctx, []byte(in))
		require.NoError(t, err)
		assert.Nil(t, s.AddedContexts)
	})
	t.Run("not for a VC-JWT", func(t *testing.T) {
		j := testIssuer(t, badge.JWT)
		s, err := j.IssueJSON(ctx, []byte(`{"@context": "https://www.w3.org/2018/credentials/v1", `+body))
		require.NoError(t, err)
		assert.Nil(t, s.AddedContexts)
	})
	t.Run("never for VC 2.0", func(t *testing.T) {
		s, err := iss.Issue(ctx, testCredential(t, iss))
		require.NoError(t, err)
		assert.Nil(t, s.AddedContexts)
	})
	t.Run("an Open Badge on VC 1.1 through the model", func(t *testing.T) {
		c := testCredential(t, iss)
		c.Context = badge.Contexts(badge.ContextVC11, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json")
		c.IssuanceDate, c.ValidFrom = badge.DateTime("2024-01-01T00:00:00Z"), ""
		s, err := iss.Issue(ctx, c)
		require.NoError(t, err)
		assert.Equal(t, []string{badge.ContextDataIntegrity}, s.AddedContexts)
	})
}
