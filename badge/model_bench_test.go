package badge

import (
	"encoding/json"
	"testing"
)

func BenchmarkUnmarshal(b *testing.B) {
	data := readExample(b, "validator/ob30/complete.json")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var c AchievementCredential
		if err := json.Unmarshal(data, &c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshal(b *testing.B) {
	var c AchievementCredential
	if err := json.Unmarshal(readExample(b, "validator/ob30/complete.json"), &c); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSchemaValidate(b *testing.B) {
	v, err := NewSchemaValidator()
	if err != nil {
		b.Fatal(err)
	}
	data := readExample(b, "validator/ob30/complete.json")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := v.ValidateCredential(data); err != nil {
			b.Fatal(err)
		}
	}
}
