package badge_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// signedVC signs a generic W3C credential (the W3C suites' example) as
// key's controller, after edit.
func signedVC(t testing.TB, key *did.Key, edit func(m map[string]any)) []byte {
	t.Helper()
	m := map[string]any{
		"@context": []any{vc.ContextV2, "https://www.w3.org/ns/credentials/examples/v2"},
		"type":     []any{"VerifiableCredential", "ExampleAlumniCredential"},
		"issuer":   key.Controller,
		"credentialSubject": map[string]any{
			"id":       "did:example:ebfeb1f712ebc6f1c276e12ec21",
			"alumniOf": map[string]any{"id": "did:example:c276e12ec21ebfeb1f712ebc6f1", "name": "Example University"},
		},
	}
	if edit != nil {
		edit(m)
	}
	unsigned, err := json.Marshal(m)
	require.NoError(t, err)
	signed, err := proof.AddDataIntegrityProof(context.Background(), unsigned, proof.Key{Signer: key.Signer, VerificationMethod: key.ID}, nil)
	require.NoError(t, err)
	return signed
}

func TestVCFamily(t *testing.T) {
	ctx := context.Background()
	key, err := did.GenerateKey(did.AlgEd25519, rand.Reader)
	require.NoError(t, err)
	other, err := did.GenerateKey(did.AlgEd25519, rand.Reader)
	require.NoError(t, err)
	v, err := badge.NewVerifier(badge.VerifierOptions{})
	require.NoError(t, err)
	v = v.WithKinds(badge.VCKind())
	only := &badge.VerifyOptions{Families: []badge.Family{badge.FamilyVC}}

	tampered := signedVC(t, key, nil)
	var tm map[string]any
	require.NoError(t, json.Unmarshal(tampered, &tm))
	tm["credentialSubject"].(map[string]any)["id"] = "did:example:mallory"
	tampered, _ = json.Marshal(tm)

	for _, tc := range []struct {
		name   string
		data   []byte
		failed badge.CheckID // "" when verified
		want   error
	}{
		{name: "generic credential", data: signedVC(t, key, nil)},
		{name: "an Open Badges type is not needed", data: signedVC(t, key, func(m map[string]any) { m["name"] = "Alumni" })},
		{name: "tampered", data: tampered, failed: badge.CheckProof, want: proof.ErrSignatureInvalid},
		{name: "issuer not the key's controller", data: signedVC(t, key, func(m map[string]any) { m["issuer"] = other.Controller }),
			failed: badge.CheckIssuer, want: badge.ErrIssuerMismatch},
		{name: "expired", data: signedVC(t, key, func(m map[string]any) { m["validUntil"] = "2001-01-01T00:00:00Z" }),
			failed: badge.CheckValidity, want: vc.ErrExpired},
		{name: "bad relatedResource digest", data: signedVC(t, key, func(m map[string]any) {
			m["relatedResource"] = []any{map[string]any{"id": "https://example.com/a", "digestSRI": "sha384-???"}}
		}), failed: badge.CheckType, want: vc.ErrMalformed},
		{name: "status without a checker", data: signedVC(t, key, func(m map[string]any) {
			m["credentialStatus"] = map[string]any{"id": "https://example.com/status/1#5", "type": "BitstringStatusListEntry",
				"statusPurpose": "revocation", "statusListIndex": "5", "statusListCredential": "https://example.com/status/1"}
		}), failed: badge.CheckCredentialStatus, want: badge.ErrStatusNotChecked},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := v.VerifyWith(ctx, tc.data, only)
			require.NotNil(t, res)
			assert.Equal(t, badge.FamilyVC, res.Family)
			var ids []badge.CheckID
			for _, c := range res.Checks {
				ids = append(ids, c.ID)
			}
			assert.Equal(t, []badge.CheckID{badge.CheckParse, badge.CheckContext, badge.CheckType, badge.CheckProof,
				badge.CheckIssuer, badge.CheckValidity, badge.CheckRelatedResource, badge.CheckCredentialStatus}, ids)
			if tc.failed == "" {
				require.NoError(t, err)
				assert.True(t, res.Verified)
				return
			}
			require.Error(t, err)
			assert.True(t, errors.Is(err, tc.want), "errors.Is(%v, %v)", err, tc.want)
			c := res.Check(tc.failed)
			require.NotNil(t, c)
			assert.Equal(t, badge.Failed, c.Status, "%v", c.Err)
		})
	}
}

func TestVCDataModelProblems(t *testing.T) {
	sri := "sha384-" + base64Of(48)
	for _, tc := range []struct {
		name  string
		doc   map[string]any
		paths []string
	}{
		{"none", map[string]any{"name": "A", "validFrom": "2020-01-01T00:00:00Z", "validUntil": "2030-01-01T00:00:00Z"}, nil},
		{"validUntil before validFrom", map[string]any{"validFrom": "2030-01-01T00:00:00Z", "validUntil": "2020-01-01T00:00:00Z"}, []string{"$.validUntil"}},
		{"related resource without digest", map[string]any{"relatedResource": map[string]any{"id": "https://example.com/a"}}, []string{"$.relatedResource"}},
		{"related resource id repeated", map[string]any{"relatedResource": []any{
			map[string]any{"id": "https://example.com/a", "digestSRI": sri}, map[string]any{"id": "https://example.com/a", "digestSRI": sri}}},
			[]string{"$.relatedResource[1].id"}},
		{"bare SHA-256 as multibase", map[string]any{"relatedResource": []any{map[string]any{"id": "https://example.com/a", "digestMultibase": "z" + "4vJ9JU1bJJE96FWSJKvHsmmFADCg4gpZQff4P3bkLKi"}}},
			[]string{"$.relatedResource[0].digestMultibase"}},
		{"well-formed multihash", map[string]any{"relatedResource": []any{map[string]any{"id": "https://example.com/b", "digestMultibase": "uEiDcX0s_5m4e6YAV1e2v8K6eXGyFMJrpgyZ9I1Ny2sUR7w"}}}, nil},
		{"language values", map[string]any{"name": []any{map[string]any{"@value": "A", "@language": "en"}}, "description": map[string]any{"@value": "B", "@direction": "rtl"}}, nil},
		{"bad direction", map[string]any{"name": map[string]any{"@value": "A", "@direction": "up"}}, []string{"$.name"}},
		{"issuer name a number", map[string]any{"issuer": map[string]any{"id": "did:example:1", "name": json.Number("1")}}, []string{"$.issuer.name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range badge.VCDataModelProblems(tc.doc) {
				got = append(got, p.Path)
				assert.ErrorIs(t, p.Kind, vc.ErrInvalidValue)
			}
			assert.Equal(t, tc.paths, got)
		})
	}
}

func base64Of(n int) string {
	b := make([]byte, (n+2)/3*4)
	for i := range b {
		b[i] = 'A'
	}
	return string(b)
}

// A W3C credential that is not an Open Badge verifies as the generic VC
// family.
func ExampleVCKind() {
	key, _ := did.NewEd25519KeyFromSeed(make([]byte, 32))
	cred := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/examples/v2"],` +
		`"type":["VerifiableCredential","ExampleAlumniCredential"],"issuer":"` + key.Controller + `",` +
		`"credentialSubject":{"id":"did:example:ebfeb1f712ebc6f1c276e12ec21","alumniOf":"Example University"}}`)
	signed, err := proof.AddDataIntegrityProof(context.Background(), cred, proof.Key{Signer: key.Signer, VerificationMethod: key.ID}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	v, _ := badge.NewVerifier(badge.VerifierOptions{})
	res, err := v.WithKinds(badge.VCKind()).VerifyWith(context.Background(), signed, &badge.VerifyOptions{Families: []badge.Family{badge.FamilyVC}})
	fmt.Println(res.Family, err == nil)
	for _, c := range res.Checks {
		fmt.Println(c.ID, c.Status)
	}
	// Output:
	// VerifiableCredential true
	// parse passed
	// context passed
	// type passed
	// proof passed
	// issuer_binding passed
	// validity_period passed
	// related_resource skipped
	// status skipped
}
