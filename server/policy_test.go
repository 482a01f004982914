package server_test

import (
	"bytes"
	"context"
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
)

// TestConfigPolicyChoosesTheProfileOfTheBadgeVerifyEndpoint: a badge
// whose subject has no id is refused (422) by default and accepted (200,
// the subject check a warning) with Config.Policy interop.
func TestConfigPolicyChoosesTheProfileOfTheBadgeVerifyEndpoint(t *testing.T) {
	k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{3}, 32))
	require.NoError(t, err)
	doc, err := json.Marshal(map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        "urn:uuid:2b1e9c39-4f5e-4a57-9f6b-6a8f0b6d3c21",
		"type":      []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":    map[string]any{"id": k.Controller, "type": []any{"Profile"}, "name": "Example University"},
		"validFrom": "2026-01-01T00:00:00Z", "name": "Teamwork",
		"credentialSubject": map[string]any{"type": []any{"AchievementSubject"},
			"achievement": map[string]any{"id": "https://example.edu/achievements/teamwork", "type": []any{"Achievement"},
				"name": "Teamwork", "description": "Works well in a team.", "criteria": map[string]any{"narrative": "Nominated by peers."}}},
	})
	require.NoError(t, err)
	signed, err := proof.AddDataIntegrityProof(context.Background(), doc, proof.Key{Signer: k.Signer, VerificationMethod: k.ID},
		&proof.DataIntegrityOptions{Now: func() time.Time { return time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC) }})
	require.NoError(t, err)

	for _, tt := range []struct {
		policy  badge.Policy
		status  int
		subject string
	}{
		{"", http.StatusUnprocessableEntity, "failed"},
		{badge.PolicyStrict, http.StatusUnprocessableEntity, "failed"},
		{badge.PolicyInterop, http.StatusOK, "warning"},
	} {
		h, err := server.New(server.Config{Policy: tt.policy})
		require.NoError(t, err)
		r := do(h, http.MethodPost, server.PathBadgeVerify, "application/json", signed)
		require.Equal(t, tt.status, r.status, "%s: %s", tt.policy, r.body)
		var res struct {
			Checks []struct{ ID, Status, Error string }
		}
		require.NoError(t, json.Unmarshal(r.body, &res))
		for _, c := range res.Checks {
			if c.ID == string(badge.CheckSubject) {
				assert.Equal(t, tt.subject, c.Status, "%s", tt.policy)
			}
		}
	}
}

func TestConfigPolicyRefusesAnUnknownNameOrAnotherVerifiersProfile(t *testing.T) {
	_, err := server.New(server.Config{Policy: "lenient"})
	require.ErrorIs(t, err, badge.ErrUnknownPolicy)
	v, err := badge.NewVerifier(badge.VerifierOptions{})
	require.NoError(t, err)
	_, err = server.New(server.Config{Verifier: v, Policy: badge.PolicyInterop})
	require.ErrorIs(t, err, badge.ErrConflictingOptions)
	// An unnamed verifier may carry relaxations chosen one by one: it is
	// not "strict" (second review).
	_, err = server.New(server.Config{Verifier: v, Policy: badge.PolicyStrict})
	require.ErrorIs(t, err, badge.ErrConflictingOptions)
	strict, err := badge.NewVerifier(badge.VerifierOptions{Policy: badge.PolicyStrict})
	require.NoError(t, err)
	_, err = server.New(server.Config{Verifier: strict, Policy: badge.PolicyStrict})
	require.NoError(t, err)
}
