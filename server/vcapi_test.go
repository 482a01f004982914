package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/server"
)

// A VC-API client issues through the server and verifies the result
// through it, with Data Integrity and as an enveloped VC-JWT.
func TestIssueThenVerify(t *testing.T) {
	f := newFixture(t, nil)
	for _, tc := range []struct {
		name string
		opts map[string]any
	}{
		{"default", nil},
		{"eddsa-rdfc-2022 with created", map[string]any{"format": "ldp_vc", "cryptosuite": "eddsa-rdfc-2022", "created": "2024-01-02T03:04:05Z"}},
		{"jwt", map[string]any{"format": "jwt"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vc := f.issue(t, exampleCredential(), tc.opts)
			if tc.opts["format"] == "jwt" {
				assert.Equal(t, "EnvelopedVerifiableCredential", vc["type"])
				assert.True(t, strings.HasPrefix(vc["id"].(string), "data:application/vc+jwt,"))
			} else {
				assert.Equal(t, f.issuer, vc["issuer"], "the issuer is the server's DID")
				p := vc["proof"].(map[string]any)
				assert.Equal(t, "eddsa-rdfc-2022", p["cryptosuite"])
				if c := tc.opts["created"]; c != nil {
					assert.Equal(t, c, p["created"])
				}
			}
			r, res := f.verify(t, vc)
			assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
			assert.Equal(t, true, res["verified"])
			assert.Empty(t, res["errors"])
			assert.Contains(t, res["checks"], "proof")
		})
	}
}

func TestIssueBindsTheIssuer(t *testing.T) {
	f := newFixture(t, nil)
	c := exampleCredential()
	c["issuer"] = map[string]any{"name": "Example University"}
	vc := f.issue(t, c, nil)
	assert.Equal(t, f.issuer, vc["issuer"].(map[string]any)["id"])

	c = exampleCredential()
	c["issuer"] = "did:example:someone-else"
	r := postJSON(t, f.h, server.PathIssue, map[string]any{"credential": c})
	assertProblem(t, r, http.StatusUnprocessableEntity)
	assert.Contains(t, string(r.body), f.issuer)
}

// The characteristic requests of the W3C vc-data-model-2.0 test suite:
// each negative input must be refused at issue (400 or 422), each positive
// one issued.
func TestIssueEnforcesDataModelLikeTheW3CSuite(t *testing.T) {
	f := newFixture(t, nil)
	mod := func(fn func(m map[string]any)) map[string]any { m := exampleCredential(); fn(m); return m }
	sri := "sha384-" + strings.Repeat("A", 64)
	negative := map[string]map[string]any{
		"no @context": mod(func(m map[string]any) { delete(m, "@context") }),
		"base context not first": mod(func(m map[string]any) {
			m["@context"] = []any{"https://www.w3.org/ns/credentials/examples/v2", "https://www.w3.org/ns/credentials/v2"}
		}),
		"no type":                 mod(func(m map[string]any) { delete(m, "type") }),
		"no VerifiableCredential": mod(func(m map[string]any) { m["type"] = []any{"ExampleAlumniCredential"} }),
		"id not a URL":            mod(func(m map[string]any) { m["id"] = "not a url" }),
		"two ids":                 mod(func(m map[string]any) { m["id"] = []any{"urn:uuid:1", "urn:uuid:2"} }),
		"issuer not a URL":        mod(func(m map[string]any) { m["issuer"] = "not a url" }),
		"issuer object id bad":    mod(func(m map[string]any) { m["issuer"] = map[string]any{"id": "not a url"} }),
		"issuer number":           mod(func(m map[string]any) { m["issuer"] = json.Number("7") }),
		"no credentialSubject":    mod(func(m map[string]any) { delete(m, "credentialSubject") }),
		"empty subject":           mod(func(m map[string]any) { m["credentialSubject"] = map[string]any{} }),
		"subject id not URL":      mod(func(m map[string]any) { m["credentialSubject"].(map[string]any)["id"] = "nope" }),
		"validFrom not a date":    mod(func(m map[string]any) { m["validFrom"] = "yesterday" }),
		"validUntil no timezone":  mod(func(m map[string]any) { m["validUntil"] = "2030-01-01T00:00:00" }),
		"validUntil before validFrom": mod(func(m map[string]any) {
			m["validFrom"], m["validUntil"] = "2030-01-01T00:00:00Z", "2029-01-01T00:00:00Z"
		}),
		"status without type":         mod(func(m map[string]any) { m["credentialStatus"] = map[string]any{"id": "https://example.com/s#1"} }),
		"status id not URL":           mod(func(m map[string]any) { m["credentialStatus"] = map[string]any{"id": "x", "type": "ExampleStatus"} }),
		"schema without id":           mod(func(m map[string]any) { m["credentialSchema"] = map[string]any{"type": "JsonSchema"} }),
		"evidence without type":       mod(func(m map[string]any) { m["evidence"] = map[string]any{"id": "https://example.com/e"} }),
		"termsOfUse without type":     mod(func(m map[string]any) { m["termsOfUse"] = map[string]any{"id": "https://example.com/t"} }),
		"refreshService without type": mod(func(m map[string]any) { m["refreshService"] = map[string]any{"id": "https://example.com/r"} }),
		"undefined term (safe mode)": mod(func(m map[string]any) {
			m["@context"] = []any{"https://www.w3.org/ns/credentials/v2"}
			m["type"] = []any{"VerifiableCredential", "Undefined"}
		}),
		"relatedResource no digest": mod(func(m map[string]any) { m["relatedResource"] = []any{map[string]any{"id": "https://example.com/a"}} }),
		"relatedResource bad SRI": mod(func(m map[string]any) {
			m["relatedResource"] = []any{map[string]any{"id": "https://example.com/a", "digestSRI": "sha384-???"}}
		}),
		"relatedResource bad multibase": mod(func(m map[string]any) {
			m["relatedResource"] = []any{map[string]any{"id": "https://example.com/a", "digestMultibase": "xnotmultibase"}}
		}),
		"relatedResource duplicate id": mod(func(m map[string]any) {
			m["relatedResource"] = []any{map[string]any{"id": "https://example.com/a", "digestSRI": sri}, map[string]any{"id": "https://example.com/a", "digestSRI": sri}}
		}),
		"relatedResource no id":   mod(func(m map[string]any) { m["relatedResource"] = []any{map[string]any{"digestSRI": sri}} }),
		"name not a string":       mod(func(m map[string]any) { m["name"] = json.Number("1") }),
		"name bad language value": mod(func(m map[string]any) { m["name"] = map[string]any{"@value": "Hi", "@direction": "up"} }),
	}
	for name, c := range negative {
		t.Run("refused/"+name, func(t *testing.T) {
			r := postJSON(t, f.h, server.PathIssue, map[string]any{"credential": c})
			assert.Contains(t, []int{400, 422}, r.status, "%s", r.body)
			assertProblem(t, r, r.status)
		})
	}
	positive := map[string]map[string]any{
		"minimal": exampleCredential(),
		"dates": mod(func(m map[string]any) {
			m["validFrom"], m["validUntil"] = "2024-01-01T00:00:00Z", "2099-01-01T00:00:00Z"
		}),
		"relatedResource": mod(func(m map[string]any) {
			m["relatedResource"] = []any{map[string]any{"id": "https://example.com/a", "digestSRI": sri}, map[string]any{"id": "https://example.com/b", "digestMultibase": "uEiDcX0s_5m4e6YAV1e2v8K6eXGyFMJrpgyZ9I1Ny2sUR7w"}}
		}),
		"language values": mod(func(m map[string]any) {
			m["name"] = []any{map[string]any{"@value": "Alumni", "@language": "en"}, map[string]any{"@value": "Alumnes", "@language": "fr"}}
			m["description"] = "A credential"
		}),
		"issuer object": mod(func(m map[string]any) { m["issuer"] = map[string]any{"name": "Example"} }),
		"several subjects": mod(func(m map[string]any) {
			m["credentialSubject"] = []any{map[string]any{"id": "did:example:1", "name": "A"}, map[string]any{"id": "did:example:2", "name": "B"}}
		}),
	}
	for name, c := range positive {
		t.Run("issued/"+name, func(t *testing.T) {
			vc := f.issue(t, c, nil)
			r, _ := f.verify(t, vc)
			assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
		})
	}
}

// The characteristic requests of the W3C vc-di-eddsa test suite's
// verifier tests: a valid credential is 200, every mutation 4xx.
func TestVerifyRefusesMutatedProofsLikeTheEdDSASuite(t *testing.T) {
	f := newFixture(t, nil)
	good := f.issue(t, exampleCredential(), nil)
	r, _ := f.verify(t, good)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)

	mutate := func(fn func(vc, p map[string]any)) map[string]any {
		vc := clone(good)
		fn(vc, vc["proof"].(map[string]any))
		return vc
	}
	other := newFixture(t, nil)
	cases := map[string]map[string]any{
		"no proof": mutate(func(vc, p map[string]any) { delete(vc, "proof") }),
		"changed claim": mutate(func(vc, p map[string]any) {
			vc["credentialSubject"].(map[string]any)["alumniOf"].(map[string]any)["name"] = "Other"
		}),
		"proofValue changed": mutate(func(vc, p map[string]any) {
			v := p["proofValue"].(string)
			p["proofValue"] = v[:10] + flip(v[10]) + v[11:]
		}),
		"proofValue not base58btc": mutate(func(vc, p map[string]any) { p["proofValue"] = "u" + p["proofValue"].(string)[1:] }),
		"no proofValue":            mutate(func(vc, p map[string]any) { delete(p, "proofValue") }),
		"wrong type":               mutate(func(vc, p map[string]any) { p["type"] = "Ed25519Signature2018" }),
		"wrong cryptosuite":        mutate(func(vc, p map[string]any) { p["cryptosuite"] = "eddsa-jcs-2022" }),
		"unknown cryptosuite":      mutate(func(vc, p map[string]any) { p["cryptosuite"] = "not-a-suite" }),
		"no verificationMethod":    mutate(func(vc, p map[string]any) { delete(p, "verificationMethod") }),
		"other key":                mutate(func(vc, p map[string]any) { p["verificationMethod"] = other.key.ID }),
		"wrong purpose":            mutate(func(vc, p map[string]any) { p["proofPurpose"] = "authentication" }),
		"created not a date":       mutate(func(vc, p map[string]any) { p["created"] = "not a date" }),
		"proof made by the other issuer": func() map[string]any {
			vc := other.issue(t, exampleCredential(), nil)
			vc["issuer"] = f.issuer
			return vc
		}(),
	}
	for name, vc := range cases {
		t.Run(name, func(t *testing.T) {
			r, res := f.verify(t, vc)
			assert.Contains(t, []int{400, 422}, r.status, "%s", r.body)
			if r.status == 422 {
				assert.Equal(t, false, res["verified"])
				assert.NotEmpty(t, res["errors"])
			}
		})
	}
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

// Proof chains: a second proof that names the first in previousProof
// verifies; one naming a proof that is not there does not.
func TestVerifyProofChains(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	c := exampleCredential()
	c["issuer"] = f.issuer
	unsigned, err := json.Marshal(c)
	require.NoError(t, err)
	one, err := proof.AddDataIntegrityProof(ctx, unsigned, f.pk, &proof.DataIntegrityOptions{ID: "urn:uuid:proof-1"})
	require.NoError(t, err)
	chained, err := proof.AddDataIntegrityProof(ctx, one, f.pk, &proof.DataIntegrityOptions{ID: "urn:uuid:proof-2", PreviousProof: []string{"urn:uuid:proof-1"}})
	require.NoError(t, err)

	var vc map[string]any
	require.NoError(t, json.Unmarshal(chained, &vc))
	r, _ := f.verify(t, vc)
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)

	// A chained proof signs over the proof it names: changing that proof
	// breaks the chained one even where the first is not checked alone.
	var changed map[string]any
	require.NoError(t, json.Unmarshal(chained, &changed))
	changed["proof"].([]any)[0].(map[string]any)["created"] = "2001-01-01T00:00:00Z"
	r, _ = f.verify(t, changed)
	assert.Equal(t, http.StatusUnprocessableEntity, r.status, "%s", r.body)

	// A chain to a proof id that is not in the set.
	var broken map[string]any
	require.NoError(t, json.Unmarshal(chained, &broken))
	broken["proof"].([]any)[1].(map[string]any)["previousProof"] = "urn:uuid:missing"
	r, _ = f.verify(t, broken)
	assert.Equal(t, http.StatusUnprocessableEntity, r.status, "%s", r.body)

	// Removing the first proof breaks the chain.
	var cut map[string]any
	require.NoError(t, json.Unmarshal(chained, &cut))
	cut["proof"] = cut["proof"].([]any)[1]
	r, _ = f.verify(t, cut)
	assert.Equal(t, http.StatusUnprocessableEntity, r.status, "%s", r.body)
}

func TestVerifyValidityAndStatus(t *testing.T) {
	now := time.Now()
	f := newFixture(t, nil)
	c := exampleCredential()
	c["validUntil"] = now.Add(-48 * time.Hour).UTC().Format(time.RFC3339)
	c["validFrom"] = now.Add(-96 * time.Hour).UTC().Format(time.RFC3339)
	vc := f.issue(t, c, nil)
	r, res := f.verify(t, vc)
	assert.Equal(t, http.StatusUnprocessableEntity, r.status)
	assert.Contains(t, string(r.body), "RANGE_ERROR")
	_ = res

	c = exampleCredential()
	c["credentialStatus"] = map[string]any{"id": "https://example.com/status/1#5", "type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "5", "statusListCredential": "https://example.com/status/1"}
	vc = f.issue(t, c, nil)
	// Not asked for (the W3C suites ask for "proof" only): verified.
	r, _ = f.verify(t, vc)
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
	// Asked for, with no checker configured: fails closed.
	r = postJSON(t, f.h, server.PathVerifyCredential, map[string]any{"verifiableCredential": vc})
	assert.Equal(t, http.StatusUnprocessableEntity, r.status, "%s", r.body)
	assert.Contains(t, string(r.body), "no status checker")
}

func TestVerifyPresentation(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	holder := newFixture(t, nil)
	vc := f.issue(t, exampleCredential(), nil)
	vp := map[string]any{
		"@context":             []any{"https://www.w3.org/ns/credentials/v2"},
		"type":                 []any{"VerifiablePresentation"},
		"verifiableCredential": []any{vc},
	}
	// Unsigned, no challenge: verified, with a warning.
	r := postJSON(t, f.h, server.PathVerifyPresentation, map[string]any{"verifiablePresentation": vp})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.NotEmpty(t, r.json(t)["warnings"])
	// Unsigned with a challenge: refused.
	r = postJSON(t, f.h, server.PathVerifyPresentation, map[string]any{"verifiablePresentation": vp, "options": map[string]any{"challenge": "abc"}})
	assert.Equal(t, http.StatusUnprocessableEntity, r.status, "%s", r.body)

	// Signed by the holder with a challenge and domain.
	signedVP := clone(vp)
	signedVP["holder"] = holder.issuer
	raw, err := json.Marshal(signedVP)
	require.NoError(t, err)
	raw, err = proof.AddDataIntegrityProof(ctx, raw, holder.pk, &proof.DataIntegrityOptions{Purpose: proof.PurposeAuthentication, Challenge: "c-123", Domain: "example.org"})
	require.NoError(t, err)
	var svp map[string]any
	require.NoError(t, json.Unmarshal(raw, &svp))
	ok := map[string]any{"verifiablePresentation": svp, "options": map[string]any{"challenge": "c-123", "domain": "example.org"}}
	r = postJSON(t, f.h, server.PathVerifyPresentation, ok)
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)

	for name, body := range map[string]map[string]any{
		"wrong challenge": {"verifiablePresentation": svp, "options": map[string]any{"challenge": "other", "domain": "example.org"}},
		"wrong domain":    {"verifiablePresentation": svp, "options": map[string]any{"challenge": "c-123", "domain": "evil.example"}},
		"holder mismatch": func() map[string]any {
			v := clone(svp)
			v["holder"] = f.issuer
			return map[string]any{"verifiablePresentation": v}
		}(),
		"tampered credential": func() map[string]any {
			v := clone(vp)
			c := v["verifiableCredential"].([]any)[0].(map[string]any)
			c["credentialSubject"].(map[string]any)["id"] = "did:example:mallory"
			return map[string]any{"verifiablePresentation": v}
		}(),
		"no type": func() map[string]any {
			v := clone(vp)
			delete(v, "type")
			return map[string]any{"verifiablePresentation": v}
		}(),
		"credential not an object": func() map[string]any {
			v := clone(vp)
			v["verifiableCredential"] = []any{"x"}
			return map[string]any{"verifiablePresentation": v}
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			r := postJSON(t, f.h, server.PathVerifyPresentation, body)
			assert.Contains(t, []int{400, 422}, r.status, "%s", r.body)
		})
	}
}
