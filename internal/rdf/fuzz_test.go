package rdf

import (
	"errors"
	"os"
	"testing"
)

// FuzzParseNQuads checks that the parser never panics, that every error is
// typed, and that whatever it accepts survives serialization: the canonical
// form parses back to the same quads, and is a fixed point of
// parse-then-serialize.
func FuzzParseNQuads(f *testing.F) {
	for _, file := range suiteInputs(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"",
		"<urn:ex:s> <urn:ex:p> \"a\\u0000\\U0001F303\\t\"@en-GB <urn:ex:g> .\r\n",
		"_:a.b <urn:ex:p> \"x\"^^<urn:ex:\\u0064> . # c",
		"<urn:ex:s><urn:ex:p>_:o.",
		"<urn:ex:s> <urn:ex:p> \"\x01\x7f\" .",
	} {
		f.Add([]byte(s))
	}
	opts := &ParseOptions{MaxBytes: 1 << 16, MaxQuads: 1 << 10, MaxLineBytes: 1 << 12}
	f.Fuzz(func(t *testing.T, data []byte) {
		quads, err := ParseNQuadsOptions(data, opts)
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrLimit) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			if quads != nil {
				t.Fatal("quads returned with an error")
			}
			return
		}
		for i, q := range quads {
			if err := q.Validate(); err != nil {
				t.Fatalf("quad %d parsed but invalid: %v", i, err)
			}
		}
		out := SerializeNQuads(quads)
		back, err := ParseNQuadsOptions(out, &ParseOptions{MaxBytes: -1, MaxQuads: -1, MaxLineBytes: -1})
		if err != nil {
			t.Fatalf("serialized form does not parse: %v\n%q", err, out)
		}
		if len(back) != len(quads) {
			t.Fatalf("got %d quads back, want %d", len(back), len(quads))
		}
		for i := range quads {
			if back[i] != quads[i] {
				t.Fatalf("quad %d: got %#v, want %#v", i, back[i], quads[i])
			}
		}
		if again := SerializeNQuads(back); string(again) != string(out) {
			t.Fatalf("serialization is not a fixed point:\n%q\n%q", out, again)
		}
	})
}
