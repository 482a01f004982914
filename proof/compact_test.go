package proof

import "testing"

// TestIsCompactJWSIsOneRule pins the module's one answer to "is this a
// JWT?": three non-empty base64url segments, nothing else.
func TestIsCompactJWSIsOneRule(t *testing.T) {
	for in, want := range map[string]bool{
		"eyJh.eyJi.c2ln":   true,
		"a.b.c":            true,
		"a.b":              false,
		"a.b.c.d":          false,
		"a..c":             false,
		".b.c":             false,
		"a.b.":             false,
		"a.b.c\n":          false,
		" a.b.c":           false,
		"a.b.c=":           false,
		"a+b.c.d":          false,
		`{"a":"b.c.d"}`:    false,
		"<svg>a.b.c</svg>": false,
		"":                 false,
	} {
		if got := IsCompactJWS([]byte(in)); got != want {
			t.Errorf("IsCompactJWS(%q) = %v, want %v", in, got, want)
		}
	}
}
