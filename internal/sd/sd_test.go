package sd

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/internal/rdf"
)

func parse(t *testing.T, s string) map[string]any {
	t.Helper()
	v, err := jsonx.Parse([]byte(s), nil)
	if err != nil {
		t.Fatal(err)
	}
	return v.(map[string]any)
}

func TestParsePointer(t *testing.T) {
	for in, want := range map[string][]string{
		"/a":       {"a"},
		"/a/0/b":   {"a", "0", "b"},
		"/a~1b/~0": {"a/b", "~"},
		"/":        {""},
	} {
		got, err := ParsePointer(in)
		if err != nil || len(got) != len(want) {
			t.Fatalf("%q: %v %v", in, got, err)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%q: token %d is %q, want %q", in, i, got[i], want[i])
			}
		}
	}
	for _, in := range []string{"", "a", "/a~", "/a~2"} {
		if _, err := ParsePointer(in); !errors.Is(err, ErrPointer) {
			t.Errorf("%q: %v", in, err)
		}
	}
}

func TestSelect(t *testing.T) {
	doc := parse(t, `{"@context": ["https://example/ctx"], "id": "urn:x", "type": ["T"],
		"a": {"id": "_:b0", "type": "A", "x": 1, "y": 2},
		"list": [{"type": "L", "v": 0}, {"type": "L", "v": 1}, {"type": "L", "v": 2}]}`)
	sel, err := Select(doc, []string{"/a/x", "/list/2/v", "/list/0"})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(sel)
	want := `{"@context":["https://example/ctx"],"a":{"type":"A","x":1},"id":"urn:x","list":[{"type":"L","v":0},{"type":"L","v":2}],"type":["T"]}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	for _, p := range []string{"/b", "/list/3", "/list/01", "/a/x/y"} {
		if _, err := Select(doc, []string{p}); !errors.Is(err, ErrPointer) {
			t.Errorf("%s: %v", p, err)
		}
	}
	if sel, err := Select(doc, nil); sel != nil || err != nil {
		t.Errorf("no pointers: %v %v", sel, err)
	}
}

func TestSkolemize(t *testing.T) {
	doc := parse(t, `{"@context": "https://example/ctx", "a": {"b": {}}, "c": [{"id": "urn:y"}, {}]}`)
	sk, n, err := Skolemize(doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(sk)
	want := `{"@context":"https://example/ctx","a":{"b":{"id":"urn:bnid:sk2"},"id":"urn:bnid:sk1"},"c":[{"id":"urn:y"},{"id":"urn:bnid:sk3"}],"id":"urn:bnid:sk0"}`
	if n != 4 || string(got) != want {
		t.Errorf("n=%d\ngot  %s\nwant %s", n, got, want)
	}
	sk2, _, _ := Skolemize(doc, map[int]bool{2: true})
	if _, ok := sk2["a"].(map[string]any)["b"].(map[string]any)["id"]; ok {
		t.Error("skipped object has an id")
	}
	if _, _, err := Skolemize(parse(t, `{"a": "urn:bnid:sk0"}`), nil); !errors.Is(err, ErrSkolem) {
		t.Errorf("skolem IRI in the document: %v", err)
	}
	q := []rdf.Quad{{Subject: rdf.NewIRI("urn:bnid:sk1"), Predicate: rdf.NewIRI("http://p"), Object: rdf.NewIRI("urn:bnid:sk3")}}
	seen, err := Deskolemize(q, n)
	if err != nil || !seen[1] || !seen[3] || q[0].Subject != rdf.NewBlank("sk1") {
		t.Errorf("deskolemize: %v %v %v", q, seen, err)
	}
	if _, err := Deskolemize([]rdf.Quad{{Subject: rdf.NewIRI("urn:bnid:sk9"), Predicate: rdf.NewIRI("http://p"), Object: rdf.NewIRI("http://o")}}, n); !errors.Is(err, ErrSkolem) {
		t.Errorf("unknown skolem IRI: %v", err)
	}
}
