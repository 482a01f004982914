package jsonx

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAcceptsValidJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want any
	}{
		{"object", `{"a":1,"b":[true,false,null],"c":"x"}`, map[string]any{"a": json.Number("1"), "b": []any{true, false, nil}, "c": "x"}},
		{"white space around", " \n\t{} \r\n", map[string]any{}},
		{"big integer kept exact", `12345678901234567890`, json.Number("12345678901234567890")},
		{"exponent kept as written", `-1.50E+10`, json.Number("-1.50E+10")},
		{"escapes", `"a\"b\\c\/d\b\f\n\r\t\u00e9"`, "a\"b\\c/d\b\f\n\r\té"},
		{"surrogate pair", `"\ud83d\ude00"`, "😀"},
		{"raw UTF-8", `"Zürich 😀"`, "Zürich 😀"},
		{"keys differing only by case are distinct", `{"issuer":"a","Issuer":"b"}`, map[string]any{"issuer": "a", "Issuer": "b"}},
		{"empty array", `[]`, []any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in), nil)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		in   string
		lim  *Limits
		kind error
		path string
	}{
		{"duplicate key", `{"issuer":"did:a","issuer":"did:b"}`, nil, ErrDuplicateKey, "$.issuer"},
		{"nested duplicate key", `{"credentialSubject":[{"id":"x","id":"y"}]}`, nil, ErrDuplicateKey, "$.credentialSubject[0].id"},
		{"duplicate key via escape", `{"id":1,"\u0069d":2}`, nil, ErrDuplicateKey, "$.id"},
		{"invalid UTF-8", "{\"a\":\"\xff\"}", nil, ErrInvalidUTF8, ""},
		{"lone high surrogate", `"\ud800"`, nil, ErrInvalidUTF8, "$"},
		{"lone low surrogate", `"\udc00x"`, nil, ErrInvalidUTF8, "$"},
		{"trailing comma", `{"a":1,}`, nil, ErrSyntax, ""},
		{"trailing data", `{} {}`, nil, ErrSyntax, ""},
		{"leading zero", `01`, nil, ErrSyntax, ""},
		{"bare control character", "\"a\x01\"", nil, ErrSyntax, ""},
		{"truncated", `{"a":[1,2`, nil, ErrSyntax, ""},
		{"bad literal", `tru`, nil, ErrSyntax, ""},
		{"bad escape", `"\x"`, nil, ErrSyntax, ""},
		{"empty", ``, nil, ErrSyntax, ""},
		{"NaN", `NaN`, nil, ErrSyntax, ""},
		{"too large", `"` + strings.Repeat("a", 100) + `"`, &Limits{MaxBytes: 50}, ErrTooLarge, ""},
		{"too deep", strings.Repeat("[", 10) + strings.Repeat("]", 10), &Limits{MaxDepth: 5}, ErrTooDeep, ""},
		{"too many members", `[1,2,3,4,5,6]`, &Limits{MaxMembers: 5}, ErrTooMany, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in), tt.lim)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.kind)
			var se *SyntaxError
			require.True(t, errors.As(err, &se))
			if tt.path != "" {
				assert.Equal(t, tt.path, se.Path)
			}
		})
	}
}

func TestParseDefaultDepthStopsDeepNesting(t *testing.T) {
	in := strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000)
	_, err := Parse([]byte(in), nil)
	assert.ErrorIs(t, err, ErrTooDeep)
}

func TestAppendPathKeyQuotesOddKeys(t *testing.T) {
	assert.Equal(t, "$.name", string(AppendPathKey([]byte("$"), "name")))
	assert.Equal(t, "$.@context", string(AppendPathKey([]byte("$"), "@context")))
	assert.Equal(t, `$["a b"]`, string(AppendPathKey([]byte("$"), "a b")))
	assert.Equal(t, `$["1a"]`, string(AppendPathKey([]byte("$"), "1a")))
}

// FuzzParse checks that Parse never panics and, on input it accepts, agrees
// with encoding/json (which it must, save for the inputs it refuses).
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `[1,"x",{"b":null}]`, `"\ud83d\ude00"`, `{"a":1,"a":2}`, `-0.5e-3`, "\"\xff\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse(data, &Limits{MaxDepth: 32})
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("we accepted what encoding/json refuses: %v", err)
		}
		got, _ := json.Marshal(v)
		exp, _ := json.Marshal(want)
		if !bytes.Equal(got, exp) {
			t.Fatalf("disagreement:\n ours %s\n std  %s", got, exp)
		}
	})
}

func BenchmarkParseCredential(b *testing.B) {
	doc := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"id":"urn:uuid:a63a60be-f4af-491e-87fc-2c8715276b55","type":["VerifiableCredential","OpenBadgeCredential"],"issuer":{"id":"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK","type":["Profile"],"name":"Example University"},"validFrom":"2010-01-01T00:00:00Z","name":"Example University Degree","credentialSubject":{"id":"did:example:ebfeb1f712ebc6f1c276e12ec21","type":["AchievementSubject"],"achievement":{"id":"https://example.com/achievements/21st-century-skills/teamwork","type":["Achievement"],"criteria":{"narrative":"Team members are nominated for this badge by their peers and recognized upon review by Example Corp management."},"description":"This badge recognizes the development of the capacity to collaborate within a group environment.","name":"Teamwork"}}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(doc, nil); err != nil {
			b.Fatal(err)
		}
	}
}
