package server_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/server"
)

// openBadge returns obCredential issued by issuer, as a JSON object.
func openBadge(t testing.TB, issuer string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(strings.Replace(obCredential, "ISSUER", issuer, 1)), &m))
	return m
}

// problemPaths returns the JSON paths of a 422 problem's errors.
func problemPaths(t testing.TB, r *response) []string {
	t.Helper()
	assertProblem(t, r, http.StatusUnprocessableEntity)
	var p server.Problem
	require.NoError(t, json.Unmarshal(r.body, &p))
	var paths []string
	for _, e := range p.Errors {
		paths = append(paths, e.Path)
	}
	return paths
}

// POST /credentials/issue refuses an Open Badge the library's Issuer
// refuses, and lists every problem by JSON path, each once: an issuer
// that is not the service's does not hide the others.
func TestIssueListsEveryProblemOfAnOpenBadge(t *testing.T) {
	f := newFixture(t, nil)
	const criteria = "$.credentialSubject.achievement.criteria"
	foreign := func(m map[string]any) { m["issuer"].(map[string]any)["id"] = "did:example:someone-else" }
	foreignString := func(m map[string]any) { m["issuer"] = "did:example:someone-else" }
	noCriteria := func(m map[string]any) {
		delete(m["credentialSubject"].(map[string]any)["achievement"].(map[string]any), "criteria")
	}
	for _, tt := range []struct {
		name  string
		edit  []func(map[string]any)
		opts  map[string]any
		paths []string
	}{
		{"an issuer that is not the service's", []func(map[string]any){foreign}, nil, []string{"$.issuer.id"}},
		{"an issuer IRI that is not the service's", []func(map[string]any){foreignString}, nil, []string{"$.issuer"}},
		{"an achievement without criteria", []func(map[string]any){noCriteria}, nil, []string{criteria}},
		{"a foreign issuer and an achievement without criteria", []func(map[string]any){foreign, noCriteria}, nil, []string{"$.issuer.id", criteria}},
		{"a foreign issuer and no criteria, as a JWT", []func(map[string]any){foreign, noCriteria}, map[string]any{"format": "jwt"}, []string{"$.issuer.id", criteria}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := openBadge(t, f.issuer)
			for _, e := range tt.edit {
				e(c)
			}
			body := map[string]any{"credential": c}
			if tt.opts != nil {
				body["options"] = tt.opts
			}
			r := postJSON(t, f.h, server.PathIssue, body)
			assert.ElementsMatch(t, tt.paths, problemPaths(t, r), "%s", r.body)
			if strings.HasPrefix(tt.paths[0], "$.issuer") {
				assert.Contains(t, string(r.body), f.issuer, "the problem names the service's issuer")
			}
		})
	}
}

// Without a store, an Open Badge sent without an id gets a fresh urn:uuid,
// as the store handler gives one; a credential whose model does not
// require an id is signed as sent.
func TestIssueGivesAnOpenBadgeWithoutAnIDAFreshUUID(t *testing.T) {
	f := newFixture(t, nil)
	uuid := regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	var ids []string
	for range 2 {
		c := openBadge(t, f.issuer)
		delete(c, "id")
		vc := f.issue(t, c, nil)
		id, _ := vc["id"].(string)
		assert.Regexp(t, uuid, id)
		ids = append(ids, id)
		r, _ := f.verify(t, vc)
		assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
	}
	assert.NotEqual(t, ids[0], ids[1], "each credential gets its own id")

	vc := f.issue(t, exampleCredential(), nil)
	assert.NotContains(t, vc, "id", "a plain VC is signed with the members it was sent")
}

// A ClrCredential that CLR verification would refuse for its own content
// is refused before signing, with every problem by JSON path.
func TestIssueRefusesAClrRecordVerificationWouldRefuse(t *testing.T) {
	f := newFixture(t, nil)
	record := func() map[string]any {
		return map[string]any{
			"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
			"id":        "urn:uuid:5f0c2d4e-8a7b-4c3d-9e1f-2a3b4c5d6e71",
			"type":      []any{"VerifiableCredential", "ClrCredential"},
			"name":      "My CLR",
			"validFrom": "2024-01-01T00:00:00Z",
			"issuer":    map[string]any{"id": f.issuer, "type": []any{"Profile"}, "name": "Example College"},
			"credentialSubject": map[string]any{"id": "did:example:learner", "type": []any{"ClrSubject"},
				"verifiableCredential": []any{}},
		}
	}
	r := postJSON(t, f.h, server.PathIssue, map[string]any{"credential": record()})
	assert.Equal(t, []string{"$.credentialSubject.verifiableCredential"}, problemPaths(t, r), "%s", r.body)

	someoneElses := f.issue(t, openBadge(t, f.issuer), nil) // about did:example:learner
	c := record()
	c["credentialSubject"].(map[string]any)["id"] = "did:example:ada"
	c["credentialSubject"].(map[string]any)["verifiableCredential"] = []any{someoneElses}
	c["issuer"].(map[string]any)["id"] = "did:example:someone-else"
	r = postJSON(t, f.h, server.PathIssue, map[string]any{"credential": c})
	assert.ElementsMatch(t, []string{"$.issuer.id", "$.credentialSubject.verifiableCredential[0]"}, problemPaths(t, r), "%s", r.body)
	assert.Contains(t, string(r.body), "not about the record's subject")
}
