package vc

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const v2Credential = `{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  "id": "urn:uuid:1",
  "type": ["VerifiableCredential", "OpenBadgeCredential"],
  "issuer": {"id": "did:example:issuer", "type": "Profile", "name": "U"},
  "validFrom": "2024-01-01T00:00:00Z",
  "validUntil": "2025-01-01T00:00:00Z",
  "credentialSubject": {"id": "did:example:learner", "type": "AchievementSubject"},
  "credentialStatus": {"id": "https://example.com/status#1", "type": "BitstringStatusListEntry"},
  "credentialSchema": [{"id": "https://example.com/schema.json", "type": "1EdTechJsonSchemaValidator2019"}],
  "proof": [{"type": "DataIntegrityProof"}, {"type": "DataIntegrityProof"}]
}`

const v1Credential = `{
  "@context": ["https://www.w3.org/2018/credentials/v1"],
  "type": "VerifiableCredential",
  "issuer": "did:example:issuer",
  "issuanceDate": "2024-01-01T00:00:00Z",
  "expirationDate": "2025-01-01T00:00:00Z",
  "credentialSubject": [{"id": "did:example:a"}, {"id": "did:example:b"}]
}`

func TestCredentialAccessors(t *testing.T) {
	c, err := Parse([]byte(v2Credential))
	require.NoError(t, err)
	assert.Equal(t, Version2_0, c.Version())
	assert.Equal(t, "urn:uuid:1", c.ID())
	assert.Equal(t, []string{"VerifiableCredential", "OpenBadgeCredential"}, c.Types())
	assert.True(t, c.HasType("OpenBadgeCredential"))
	assert.Equal(t, "did:example:issuer", c.Issuer())
	assert.Equal(t, "U", c.IssuerObject()["name"])
	assert.Len(t, c.Subjects(), 1)
	assert.Len(t, c.Proofs(), 2)
	assert.Len(t, c.Statuses(), 1)
	assert.Len(t, c.Schemas(), 1)
	assert.Equal(t, []byte(v2Credential), c.Raw())
	from, ok, err := c.ValidFrom()
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), from.UTC())

	c1, err := Parse([]byte(v1Credential))
	require.NoError(t, err)
	assert.Equal(t, Version1_1, c1.Version())
	assert.Equal(t, "did:example:issuer", c1.Issuer())
	assert.Nil(t, c1.IssuerObject())
	assert.Len(t, c1.Subjects(), 2)
	until, ok, err := c1.ValidUntil()
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, 2025, until.Year())
}

func TestParseRefusesWhatTheSignatureCouldDisagreeWith(t *testing.T) {
	for name, in := range map[string]string{
		"duplicate issuer":     `{"@context":"https://www.w3.org/ns/credentials/v2","issuer":"did:good","issuer":"did:evil"}`,
		"not an object":        `["https://www.w3.org/ns/credentials/v2"]`,
		"no context":           `{"issuer":"did:good"}`,
		"invalid UTF-8":        "{\"@context\":\"https://www.w3.org/ns/credentials/v2\",\"name\":\"\xc3\x28\"}",
		"truncated":            `{"@context":`,
		"lone surrogate":       `{"@context":"https://www.w3.org/ns/credentials/v2","name":"\ud800"}`,
		"trailing second JSON": `{"@context":"https://www.w3.org/ns/credentials/v2"}{}`,
	} {
		_, err := Parse([]byte(in))
		assert.ErrorIs(t, err, ErrMalformed, name)
	}
}

func TestCaseVariantKeysDoNotShadowTheRealMember(t *testing.T) {
	// encoding/json would let "ISSUER" fill an Issuer field; the view reads
	// only the exact member name, which is the one the proof signs.
	c, err := Parse([]byte(`{"@context":"https://www.w3.org/ns/credentials/v2","issuer":"did:good","ISSUER":"did:evil"}`))
	require.NoError(t, err)
	assert.Equal(t, "did:good", c.Issuer())
}

func TestCheckValidity(t *testing.T) {
	c, err := Parse([]byte(v2Credential))
	require.NoError(t, err)
	at := func(s string) *ValidityOptions {
		tm, _ := time.Parse(time.RFC3339, s)
		return &ValidityOptions{Now: func() time.Time { return tm }}
	}
	assert.NoError(t, CheckValidity(c, at("2024-06-01T00:00:00Z")))
	assert.ErrorIs(t, CheckValidity(c, at("2023-12-31T00:00:00Z")), ErrNotYetValid)
	assert.ErrorIs(t, CheckValidity(c, at("2025-02-01T00:00:00Z")), ErrExpired)
	// within the default five minutes of skew
	assert.NoError(t, CheckValidity(c, at("2023-12-31T23:57:00Z")))
	assert.NoError(t, CheckValidity(c, at("2025-01-01T00:03:00Z")))
	// no skew
	o := at("2023-12-31T23:57:00Z")
	o.ClockSkew = -1
	assert.ErrorIs(t, CheckValidity(c, o), ErrNotYetValid)

	c1, err := Parse([]byte(v1Credential))
	require.NoError(t, err)
	assert.ErrorIs(t, CheckValidity(c1, at("2026-01-01T00:00:00Z")), ErrExpired, "1.1 expirationDate is honoured")
}

func TestCheckValidityRefusesMalformedDates(t *testing.T) {
	for _, d := range []string{`"2024-01-01"`, `"2024-01-01T00:00:00"`, `"yesterday"`, `12`, `"2024-13-01T00:00:00Z"`} {
		c, err := Parse([]byte(`{"@context":"https://www.w3.org/ns/credentials/v2","validFrom":` + d + `}`))
		require.NoError(t, err)
		assert.ErrorIs(t, CheckValidity(c, nil), ErrMalformed, d)
	}
	c, err := Parse([]byte(`{"@context":"https://www.w3.org/ns/credentials/v2","validFrom":"2025-01-01T00:00:00Z","validUntil":"2024-01-01T00:00:00Z"}`))
	require.NoError(t, err)
	assert.ErrorIs(t, CheckValidity(c, nil), ErrMalformed)
}

func TestParseDateTimeAcceptsRFC3339Forms(t *testing.T) {
	for _, s := range []string{"2024-01-01T00:00:00Z", "2024-01-01T00:00:00.123Z", "2024-01-01T02:00:00+02:00", "2024-01-01t00:00:00z"} {
		_, err := ParseDateTime(s)
		assert.NoError(t, err, s)
	}
}

// FuzzParseCredential: Parse never panics, and every accessor works on what
// it accepts.
func FuzzParseCredential(f *testing.F) {
	f.Add([]byte(v2Credential))
	f.Add([]byte(v1Credential))
	f.Add([]byte(`{"@context":1,"issuer":{"id":3},"validFrom":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			return
		}
		_ = c.Contexts()
		_ = c.Types()
		_ = c.Issuer()
		_ = c.Subjects()
		_ = c.Proofs()
		_ = c.Statuses()
		_ = c.Schemas()
		_ = CheckValidity(c, nil)
	})
}
