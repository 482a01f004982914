package badge

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/internal/jsonx"
)

// exampleFile is one JSON example under testdata/examples.
type exampleFile struct {
	Name string // path relative to testdata/examples
	Data []byte
}

func exampleFiles(t testing.TB) []exampleFile {
	t.Helper()
	var out []exampleFile
	root := filepath.Join("testdata", "examples")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, exampleFile{Name: filepath.ToSlash(rel), Data: b})
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, out)
	return out
}

// modelFor picks the model type for an example by its top-level type, or
// returns nil and the reason it is not a model of this package.
func modelFor(data []byte) (any, string) {
	var head struct {
		Type    json.RawMessage `json:"type"`
		Context json.RawMessage `json:"@context"`
	}
	if json.Unmarshal(data, &head) != nil {
		return nil, "not a JSON object"
	}
	if head.Type == nil {
		if bytes.Contains(data, []byte(`"credentialSubject"`)) {
			return new(AchievementCredential), "" // a credential fragment
		}
		return nil, "no top-level type (not a credential or model object)"
	}
	var types []string
	if json.Unmarshal(head.Type, &types) != nil {
		var s string
		if json.Unmarshal(head.Type, &s) != nil {
			return nil, "type is not a string or array of strings"
		}
		types = []string{s}
	}
	has := func(s string) bool { return slices.Contains(types, s) }
	switch {
	case has("ClrCredential"):
		return nil, "CLR 2.0 ClrCredential (not modelled here)"
	case has("EndorsementCredential"):
		return new(EndorsementCredential), ""
	case has("AchievementCredential") || has("OpenBadgeCredential"):
		return new(AchievementCredential), ""
	case has("Profile"):
		return new(Profile), ""
	case has("AchievementSubject"):
		return new(AchievementSubject), ""
	case has("Achievement"):
		return new(Achievement), ""
	case has("DataIntegrityProof") || has("Ed25519Signature2020"):
		return new(Proof), ""
	case has("VerifiableCredential"):
		return new(AchievementCredential), "" // e.g. simple-err-type.json
	}
	return nil, "type " + strings.Join(types, ",") + " is not an OB 3.0 model type"
}

// jsonEqual compares two JSON texts as values, numbers by their literal text.
func jsonEqual(t testing.TB, want, got []byte) bool {
	t.Helper()
	dec := func(b []byte) any {
		v, err := jsonx.Parse(b, nil)
		require.NoError(t, err)
		return v
	}
	return reflect.DeepEqual(dec(want), dec(got))
}

func TestRoundTripExamples(t *testing.T) {
	var modelled, skipped int
	for _, ex := range exampleFiles(t) {
		t.Run(ex.Name, func(t *testing.T) {
			v, why := modelFor(ex.Data)
			if v == nil {
				skipped++
				t.Skip(why)
			}
			modelled++
			require.NoError(t, json.Unmarshal(ex.Data, v))
			out, err := json.Marshal(v)
			require.NoError(t, err)
			if !jsonEqual(t, ex.Data, out) {
				assert.JSONEq(t, string(ex.Data), string(out))
			}
			// A second pass is a fixed point, byte for byte. (Extra keeps the
			// input's white space; json.Marshal compacts, so compare from the
			// first output on.)
			v2 := reflect.New(reflect.TypeOf(v).Elem()).Interface()
			require.NoError(t, json.Unmarshal(out, v2))
			out2, err := json.Marshal(v2)
			require.NoError(t, err)
			assert.Equal(t, string(out), string(out2))
		})
	}
	t.Logf("round trip: %d modelled examples, %d skipped", modelled, skipped)
	assert.GreaterOrEqual(t, modelled, 90)
}

func TestExtraPreservedByteExact(t *testing.T) {
	in := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential",` +
		`"credentialSubject":{"type":"AchievementSubject","ext:big":12345678901234567890,"ext:obj":{"b":1.50,"a":[true,null]}},` +
		`"ext:esc":"\u00e9\n","zz":1e400}`
	var c AchievementCredential
	require.NoError(t, json.Unmarshal([]byte(in), &c))
	assert.Equal(t, `12345678901234567890`, string(c.CredentialSubject.Extra["ext:big"]))
	assert.Equal(t, `{"b":1.50,"a":[true,null]}`, string(c.CredentialSubject.Extra["ext:obj"]))
	assert.Equal(t, `"\u00e9\n"`, string(c.Extra["ext:esc"]))
	assert.Equal(t, `1e400`, string(c.Extra["zz"]))
	assert.True(t, c.Type.Single)
	out, err := json.Marshal(c)
	require.NoError(t, err)
	assert.Equal(t, `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential",`+
		`"credentialSubject":{"type":"AchievementSubject","ext:big":12345678901234567890,"ext:obj":{"b":1.50,"a":[true,null]}},`+
		`"ext:esc":"\u00e9\n","zz":1e400}`, string(out))
}

func TestShapesReMarshalAsRead(t *testing.T) {
	tests := []struct{ name, in string }{
		{"string issuer and single type", `{"@context":"https://www.w3.org/ns/credentials/v2","type":"OpenBadgeCredential","issuer":"did:example:1","credentialSubject":{"type":["AchievementSubject"]}}`},
		{"object issuer, array type, single proof", `{"@context":["a",{"x":"y"}],"type":["VerifiableCredential","OpenBadgeCredential"],"issuer":{"id":"did:example:1","type":"Profile"},"credentialSubject":{"type":"AchievementSubject","identifier":{"type":"IdentityObject","hashed":false,"identityHash":"a@b.c","identityType":"emailAddress"}},"proof":{"type":"DataIntegrityProof"}}`},
		{"empty arrays kept", `{"@context":[],"type":[],"credentialSubject":{"type":[],"result":[]},"evidence":[]}`},
		{"numbers exact", `{"@context":"a","type":"b","credentialSubject":{"type":"c","creditsEarned":3.0,"achievement":{"type":"Achievement","creditsAvailable":1E2}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c AchievementCredential
			require.NoError(t, json.Unmarshal([]byte(tt.in), &c))
			out, err := json.Marshal(c)
			require.NoError(t, err)
			assert.Equal(t, tt.in, string(out))
		})
	}
}

func TestStrictDecoding(t *testing.T) {
	tests := []struct {
		name, in string
		is       error
		path     string
	}{
		{"case variant at top", `{"type":"x","ISSUER":"did:evil","credentialSubject":{"type":"y"}}`, ErrCaseVariantMember, "$.ISSUER"},
		{"case variant nested", `{"type":"x","credentialSubject":{"type":"y","Achievement":{}}}`, ErrCaseVariantMember, "$.credentialSubject.Achievement"},
		{"duplicate key", `{"type":"x","issuer":"a","issuer":"b"}`, jsonx.ErrDuplicateKey, "$.issuer"},
		{"duplicate key inside Extra", `{"type":"x","ext:a":{"k":1,"k":2}}`, jsonx.ErrDuplicateKey, `$["ext:a"].k`},
		{"invalid UTF-8", "{\"type\":\"\xff\"}", jsonx.ErrInvalidUTF8, "$"},
		{"null member", `{"type":"x","name":null}`, nil, "$.name"},
		{"wrong kind", `{"type":"x","name":1}`, nil, "$.name"},
		{"number as string", `{"type":"x","credentialSubject":{"type":"y","creditsEarned":"3"}}`, nil, "$.credentialSubject.creditsEarned"},
		{"not an object", `[1]`, nil, "$"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c AchievementCredential
			err := json.Unmarshal([]byte(tt.in), &c)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidCredential)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			var de *DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tt.path, de.Path)
			assert.True(t, strings.HasPrefix(err.Error(), "badge: "), err.Error())
		})
	}
}

func TestMarshalRefusesShadowingExtra(t *testing.T) {
	for _, key := range []string{"issuer", "Issuer", "ISSUER"} {
		c := AchievementCredential{Type: One("x"), Extra: map[string]json.RawMessage{key: json.RawMessage(`"did:evil"`)}}
		_, err := json.Marshal(c)
		require.Error(t, err, key)
		assert.True(t, errors.Is(err, ErrShadowedMember), "%s: %v", key, err)
	}
	c := AchievementCredential{Type: One("x"), Extra: map[string]json.RawMessage{"ext:x": json.RawMessage(`{bad`)}}
	_, err := json.Marshal(c)
	assert.Error(t, err)
	c = AchievementCredential{Type: One("x"), CredentialSubject: AchievementSubject{CreditsEarned: "1x"}}
	_, err = json.Marshal(c)
	assert.Error(t, err)
}

func TestKnownMembersComeFromTags(t *testing.T) {
	m := knownMembers(reflect.TypeFor[AchievementCredential]())
	assert.Contains(t, m, "@context")
	assert.Contains(t, m, "credentialSubject")
	assert.NotContains(t, m, "Extra")
	assert.Equal(t, len(m), reflect.TypeFor[AchievementCredential]().NumField()-1)
}

func TestStringEscapingMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"plain", "q\"b\\", "\x00\x1f\t\n\r", "<&>", "\u2028\u2029", "é€😀", "bad\xffutf8"} {
		var e encoder
		e.appendString(s)
		var got string
		require.NoError(t, json.Unmarshal(e.buf, &got), "%q", e.buf)
		want := strings.ToValidUTF8(s, "\ufffd")
		assert.Equal(t, want, got)
		assert.True(t, json.Valid(e.buf))
		assert.False(t, bytes.Contains(e.buf, []byte("\u2028")))
	}
}

func readExample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "examples", filepath.FromSlash(name)))
	require.NoError(t, err)
	return b
}
