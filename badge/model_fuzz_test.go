package badge

import (
	"encoding/json"
	"testing"
)

// FuzzUnmarshalAchievementCredential: decoding never panics, and whatever
// decodes re-marshals to JSON that decodes to the same value (marshal is a
// fixed point from the first output on). Exact JSON equality with the input
// is checked over the examples (TestRoundTripExamples), not here: an empty
// string in an optional member ({"issuer":""}) is dropped on output.
func FuzzUnmarshalAchievementCredential(f *testing.F) {
	for _, ex := range exampleFiles(f) {
		f.Add(ex.Data)
	}
	f.Add([]byte(`{"type":"x","ISSUER":"y"}`))
	f.Add([]byte(`{"credentialSubject":{"creditsEarned":1e999,"achievement":{"creditsAvailable":-0.0}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c AchievementCredential
		if err := json.Unmarshal(data, &c); err != nil {
			return
		}
		_ = c.Validate()
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("marshal after a successful unmarshal: %v", err)
		}
		var c2 AchievementCredential
		if err := json.Unmarshal(out, &c2); err != nil {
			t.Fatalf("re-parse: %v\n%s", err, out)
		}
		out2, err := json.Marshal(c2)
		if err != nil || string(out2) != string(out) {
			t.Fatalf("not a fixed point:\n%s\n%s", out, out2)
		}
	})
}
