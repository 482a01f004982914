package presentation_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/presentation"
	"github.com/openbadges-go/openbadges/proof"
)

var fixedTime = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return fixedTime }

const (
	testChallenge = "c-7d3f2a"
	testDomain    = "verifier.example"
)

type party struct {
	key    *did.Key
	pk     proof.Key
	issuer *badge.Issuer
}

func newParty(t testing.TB, seed byte, f badge.Format) party {
	t.Helper()
	k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	require.NoError(t, err)
	pk := proof.Key{Signer: k.Signer, VerificationMethod: k.ID}
	return party{key: k, pk: pk, issuer: &badge.Issuer{Key: pk, Format: f, Now: fixedNow}}
}

// issueTo issues a badge about recipient.
func issueTo(t testing.TB, iss party, recipient badge.Recipient, achID string) []byte {
	t.Helper()
	a := badge.NewAchievement(achID, "Badge "+achID, "A badge.", "Earn it.")
	c, err := badge.NewCredential(iss.issuer.Profile("Issuer"), a, recipient, &badge.CredentialOptions{Now: fixedNow})
	require.NoError(t, err)
	s, err := iss.issuer.Issue(context.Background(), c)
	require.NoError(t, err)
	return s.Bytes()
}

func badgeVerifier(t testing.TB) *badge.Verifier {
	t.Helper()
	v, err := badge.NewVerifier(badge.VerifierOptions{Now: fixedNow})
	require.NoError(t, err)
	return v
}

func options(t testing.TB, bv *badge.Verifier) presentation.Options {
	return presentation.Options{
		Challenge: testChallenge, Domain: testDomain,
		Verifier: bv,
	}
}

func signOpts() *presentation.SignOptions {
	return &presentation.SignOptions{Challenge: testChallenge, Domain: testDomain, Now: fixedNow}
}
