package badge

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The spec's IdentityHash example: SHA-256("a@example.com" + "Kosher").
const specIdentityHash = "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"

func TestHashedIdentityKnownValue(t *testing.T) {
	o := NewHashedIdentityWithSalt(IdentifierTypeEmailAddress, "a@example.com", "Kosher")
	assert.Equal(t, specIdentityHash, o.IdentityHash)
	assert.True(t, o.Hashed)
	assert.Equal(t, "Kosher", o.Salt)
	require.NoError(t, o.Validate())
	// Normalization: case and surrounding space do not matter for e-mail.
	assert.Equal(t, specIdentityHash, NewHashedIdentityWithSalt(IdentifierTypeEmailAddress, " A@Example.COM ", "Kosher").IdentityHash)
}

func TestNewHashedIdentityUsesTheReader(t *testing.T) {
	r := bytes.NewReader(bytes.Repeat([]byte{0xab}, 16))
	o, err := NewHashedIdentity(IdentifierTypeEmailAddress, "a@example.com", r)
	require.NoError(t, err)
	assert.Equal(t, "abababababababababababababababab", o.Salt)
	ok, err := o.Matches(IdentifierTypeEmailAddress, "A@example.com")
	require.NoError(t, err)
	assert.True(t, ok)

	_, err = NewHashedIdentity(IdentifierTypeEmailAddress, "a@example.com", bytes.NewReader([]byte{1}))
	assert.Error(t, err)

	o1, err := NewHashedIdentity(IdentifierTypeEmailAddress, "a@example.com", nil)
	require.NoError(t, err)
	o2, err := NewHashedIdentity(IdentifierTypeEmailAddress, "a@example.com", nil)
	require.NoError(t, err)
	assert.NotEqual(t, o1.Salt, o2.Salt)
	assert.Len(t, o1.Salt, 32)
}

func TestIdentityMatches(t *testing.T) {
	hashed := IdentityObject{Type: One("IdentityObject"), Hashed: true, IdentityHash: specIdentityHash, IdentityType: "emailAddress", Salt: "Kosher"}
	upper := hashed
	upper.IdentityHash = "sha256$B5809D8A92F8858436D7E6B87C12EBC0AE1EAC4BAECC2C0B913AEE2C922EF399"
	plain := NewPlainIdentity(IdentifierTypeEmailAddress, "A@example.com")
	name := NewPlainIdentity(IdentifierTypeName, "Parker Pearl")
	tests := []struct {
		name  string
		o     IdentityObject
		typ   IdentifierType
		value string
		want  bool
		err   error
	}{
		{"hashed match", hashed, IdentifierTypeEmailAddress, "a@example.com", true, nil},
		{"hashed match, normalized", hashed, IdentifierTypeEmailAddress, "A@EXAMPLE.com", true, nil},
		{"upper-case hex", upper, IdentifierTypeEmailAddress, "a@example.com", true, nil},
		{"hashed mismatch", hashed, IdentifierTypeEmailAddress, "b@example.com", false, nil},
		{"other type", hashed, IdentifierTypeName, "a@example.com", false, nil},
		{"plain e-mail, case-insensitive", plain, IdentifierTypeEmailAddress, "a@EXAMPLE.com", true, nil},
		{"plain name, exact", name, IdentifierTypeName, "Parker Pearl", true, nil},
		{"plain name, case matters", name, IdentifierTypeName, "parker pearl", false, nil},
		{"md5", IdentityObject{Hashed: true, IdentityHash: "md5$" + "c2b6b2a8d5e0b6c8f3b6d2c6a1f3e5d7", IdentityType: "name"}, IdentifierTypeName, "x", false, nil},
		{"malformed hash", IdentityObject{Hashed: true, IdentityHash: "sha256$zz", IdentityType: "name"}, IdentifierTypeName, "x", false, ErrInvalidIdentityHash},
		{"unknown algorithm", IdentityObject{Hashed: true, IdentityHash: "sha1$00", IdentityType: "name"}, IdentifierTypeName, "x", false, ErrInvalidIdentityHash},
		{"no prefix", IdentityObject{Hashed: true, IdentityHash: "abc", IdentityType: "name"}, IdentifierTypeName, "x", false, ErrInvalidIdentityHash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.o.Matches(tt.typ, tt.value)
			if tt.err != nil {
				assert.True(t, errors.Is(err, tt.err), "%v", err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestMD5IdentityMatches(t *testing.T) {
	// md5("x" + "s") = 0f2e... computed by the same formula; reading md5 is
	// supported for old credentials, creating it is not.
	o := IdentityObject{Hashed: true, IdentityType: "name", Salt: "s"}
	o.IdentityHash = "md5$" + hexOf(identityDigest("md5", "x", "s"))
	ok, err := o.Matches(IdentifierTypeName, "x")
	require.NoError(t, err)
	assert.True(t, ok)
}

func hexOf(b []byte) string {
	const h = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, h[c>>4], h[c&15])
	}
	return string(out)
}
