package server_test

import (
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/server"
)

// TestBadgeVerifyRecognisesACLR: POST /verify checks a CLR 2.0 record with
// its nested credentials (it refused every CLR before).
func TestBadgeVerifyRecognisesACLR(t *testing.T) {
	now := func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) }
	f := newFixture(t, func(c *server.Config) {
		c.Options.Now = now
		// The vector's keys are 1EdTech https#z6Mk fragments.
		c.Options.Proofs = &proof.Verifier{InsecureFragmentKeys: true, Now: now}
	})
	data, err := os.ReadFile("../badge/clr/testdata/clr-vector-signed.json")
	require.NoError(t, err)
	r := do(f.h, http.MethodPost, server.PathBadgeVerify, "application/json", data)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	m := r.json(t)
	assert.Equal(t, true, m["verified"], "%s", r.body)
	assert.NotNil(t, m["credential"])

	data, err = os.ReadFile("../badge/clr/testdata/complex.json")
	require.NoError(t, err)
	r = do(f.h, http.MethodPost, server.PathBadgeVerify, "application/json", data)
	assert.Equal(t, http.StatusUnprocessableEntity, r.status, "%s", r.body)
}
