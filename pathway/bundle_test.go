package pathway_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/pathway"
)

// A bundle holding a component credential about someone other than the
// learner is not signed: clr.Issuer refuses it with the error
// verification would refuse it with.
func TestABundleHoldingSomeoneElsesCredentialIsNotSigned(t *testing.T) {
	f := newFixture(t)
	creds := [][]byte{
		f.issue(t, f.uni, sql, issueOpt{at: t0}),
		f.issue(t, f.uni, stats, issueOpt{at: t0.Add(48 * time.Hour), subject: "did:example:someone-else"}),
	}
	rec, err := pathway.Bundle(f.p, f.uni.prof, learner, creds, &clr.Options{Now: now})
	require.NoError(t, err, "Bundle only builds the record")
	s, err := (&clr.Issuer{Key: f.uni.issuer.Key, Now: now}).Issue(context.Background(), rec)
	assert.Nil(t, s)
	require.ErrorIs(t, err, clr.ErrSubjectMismatch)
	assert.Contains(t, err.Error(), "$.credentialSubject.verifiableCredential[1]")
}
