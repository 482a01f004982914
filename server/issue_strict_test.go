package server_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/server"
)

// TestIssueRefusesWhatVerifyingWouldReadDifferently: the issue endpoint
// never signs a credential whose JSON members differ from its signed graph
// (a second, hidden issuer under the absolute IRI; an inline alias; an
// @nest wrapper), nor one that already carries a caller's proof.
func TestIssueRefusesWhatVerifyingWouldReadDifferently(t *testing.T) {
	f := newFixture(t, nil)
	cases := map[string]func(c map[string]any){
		"a hidden second issuer under the absolute IRI": func(c map[string]any) {
			c["https://www.w3.org/2018/credentials#issuer"] = "did:example:someone-else"
		},
		"validUntil under an inline alias": func(c map[string]any) {
			c["@context"] = append(c["@context"].([]any), map[string]any{"until": map[string]any{
				"@id": "https://www.w3.org/2018/credentials#validUntil", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}})
			c["until"] = "2001-01-01T00:00:00Z"
		},
		"credentialStatus inside an @nest wrapper": func(c map[string]any) {
			c["@context"] = append(c["@context"].([]any), map[string]any{"wrap": "@nest"})
			c["wrap"] = map[string]any{"credentialStatus": map[string]any{"id": "https://example.com/s#1", "type": "BitstringStatusListEntry",
				"statusPurpose": "revocation", "statusListIndex": "1", "statusListCredential": "https://example.com/s"}}
		},
		"a compact IRI key": func(c map[string]any) {
			c["@context"] = []any{"https://www.w3.org/2018/credentials/v1", "https://www.w3.org/2018/credentials/examples/v1"}
			c["issuanceDate"] = "2020-01-01T00:00:00Z"
			c["cred:expirationDate"] = "2001-01-01T00:00:00Z"
		},
		"a caller-supplied proof": func(c map[string]any) {
			c["proof"] = map[string]any{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
				"verificationMethod": "did:example:attacker#k", "proofPurpose": "assertionMethod", "proofValue": "z3FXQ"}
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			c := exampleCredential()
			mutate(c)
			r := postJSON(t, f.h, server.PathIssue, map[string]any{"credential": c})
			require.Equal(t, http.StatusUnprocessableEntity, r.status, "issue: %s", r.body)
		})
	}
	// The unmutated credential issues.
	f.issue(t, exampleCredential(), nil)
}
