package badge

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/internal/jsonx"
)

// fastSchemaDocs returns every JSON object in the test data of this
// package and of the shared vectors.
func fastSchemaDocs(t *testing.T) []any {
	t.Helper()
	var docs []any
	for _, root := range []string{"testdata", "../../shared/vectors", "../../shared/ob3"} {
		if _, err := os.Stat(root); err != nil {
			continue
		}
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			v, err := jsonx.Parse(b, nil)
			if err != nil {
				return nil // not strict JSON: not a credential either
			}
			if _, ok := v.(map[string]any); ok {
				docs = append(docs, v)
			}
			return nil
		})
		require.NoError(t, err)
	}
	require.NotEmpty(t, docs)
	// The assessment extension (draft-06) writes "one object or an
	// array" as a oneOf: a document that exercises it.
	v, err := jsonx.Parse([]byte(assessmentDoc), nil)
	require.NoError(t, err)
	return append(docs, v)
}

const assessmentDoc = `{"assessments": [{"description": "Final exam", "type": "Exam", "assessmentOutput": "Essay",
  "hasGroupParticipation": false, "hasGroupEvaluation": false, "evaluationMethod": "Rubric",
  "rubrics": {"identifier": "0a1b2c3d-0000-4000-8000-000000000001", "title": "Essay rubric",
    "lastChangeDateTime": "2024-05-01T12:00:00Z", "caseUri": "https://example.org/case/1",
    "rubricCriteria": [{"identifier": "0a1b2c3d-0000-4000-8000-000000000002", "description": "Argument",
      "criterionLevels": {"identifier": "0a1b2c3d-0000-4000-8000-000000000003", "description": "Excellent"}},
      {"identifier": "0a1b2c3d-0000-4000-8000-000000000004",
      "criterionLevels": [{"identifier": "0a1b2c3d-0000-4000-8000-000000000005", "description": "Good"}]}]},
  "sections": [{"title": "Part A", "questions": {"type": "Essay", "text": "Discuss."}},
    {"title": "Part B", "questions": [{"type": "ShortAnswer", "text": "Define."}]}]}]}`

// wantArrayOnly keeps the violations the verifier's loop acts on.
func wantArrayOnly(err error) []SchemaViolation {
	var se *SchemaError
	if !asSchemaError(err, &se) {
		return nil
	}
	var out []SchemaViolation
	for _, v := range se.Violations {
		if strings.HasSuffix(v.Message, "want array") {
			out = append(out, v)
		}
	}
	return out
}

func asSchemaError(err error, se **SchemaError) bool {
	e, ok := err.(*SchemaError)
	*se = e
	return ok
}

// checkFastAgrees compares the fast path with the library on one document
// and one schema, and reports whether the fast path answered.
func checkFastAgrees(t *testing.T, sv *SchemaValidator, u string, doc any, what string) bool {
	t.Helper()
	lib := sv.validateLibrary([]string{u}, doc)
	answered := false
	if err, ok := sv.validateFast([]string{u}, doc, false); ok {
		answered = true
		if lib == nil {
			require.NoError(t, err, "%s: the fast path refuses a document the library accepts", what)
		} else {
			require.Error(t, err, "%s: the fast path accepts a document the library refuses: %v", what, lib)
		}
	}
	err, ok := sv.validateFast([]string{u}, doc, true)
	if !ok {
		return answered
	}
	if lib == nil {
		require.NoError(t, err, "%s: the fast path refuses a document the library accepts", what)
		return true
	}
	if err == nil {
		// Accepted for the loop: the library must accept the document
		// with its want-array values wrapped.
		d := deepCopy(doc)
		for _, v := range wantArrayOnly(lib) {
			wrapDoc(d, v.InstanceLocation)
		}
		require.NoError(t, sv.validateLibrary([]string{u}, d), "%s: the fast path accepts for the loop a document the library refuses once wrapped: %v", what, lib)
		return true
	}
	got := err.(*SchemaError).Violations
	require.Equal(t, wantArrayOnly(lib), got, "%s: want-array violations differ from the library's", what)
	return true
}

// TestFastSchemaAgrees is the differential test of the fast path: over
// every test document and thousands of mutations of them, it must accept
// exactly what the library accepts and, where it answers with want-array
// violations, list exactly the library's.
func TestFastSchemaAgrees(t *testing.T) {
	sv, err := NewSchemaValidator()
	require.NoError(t, err)
	for _, u := range SchemaURLs() {
		require.NotNil(t, sv.fast[u], "the fast path does not cover %s", u)
	}
	docs := fastSchemaDocs(t)
	urls := []string{SchemaAchievementCredential, SchemaEndorsementCredential, SchemaProfile,
		"https://openbadgespec.org/extensions/licenseExtension/schema_obv3p0.json",
		"https://openbadgespec.org/extensions/geoCoordinatesExtension/schema_achievement_credential_obv3p0.json",
		"https://purl.imsglobal.org/spec/ob-assessment/v1p0/schema/"}
	rng := rand.New(rand.NewPCG(1, 2))
	mutations := 40
	if testing.Short() {
		mutations = 8
	}
	total, answered := 0, 0
	for i, doc := range docs {
		for _, u := range urls {
			total++
			if checkFastAgrees(t, sv, u, doc, fmt.Sprintf("doc %d, %s", i, u)) {
				answered++
			}
		}
		n := mutations
		if i == len(docs)-1 {
			n = 10 * mutations
		}
		for m := range n {
			mut, how := mutate(rng, doc)
			u := SchemaAchievementCredential
			switch {
			case i == len(docs)-1:
				u = urls[len(urls)-1] // the assessment document
			case m%4 == 3:
				u = urls[rng.IntN(len(urls))]
			}
			total++
			if checkFastAgrees(t, sv, u, mut, fmt.Sprintf("doc %d mutated (%s), %s", i, how, u)) {
				answered++
			}
		}
	}
	t.Logf("%d documents, %d validations, %d answered by the fast path", len(docs), total, answered)
	require.Greater(t, answered, total/2, "the fast path should answer most validations")
}

// TestFastSchemaLoop runs the verifier's compaction-tolerant loop (wrap
// every want-array value, validate again) with the fast path and with
// the library alone, and requires the same outcome.
func TestFastSchemaLoop(t *testing.T) {
	sv, err := NewSchemaValidator()
	require.NoError(t, err)
	docs := fastSchemaDocs(t)
	rng := rand.New(rand.NewPCG(3, 4))
	for i, doc := range docs {
		urls := []string{SchemaAchievementCredential, SchemaEndorsementCredential}
		n := 20
		if i == len(docs)-1 {
			urls = []string{"https://purl.imsglobal.org/spec/ob-assessment/v1p0/schema/"}
			n = 400
		}
		for m := range n {
			d := doc
			how := "as is"
			if m > 0 {
				d, how = mutate(rng, doc)
			}
			for _, u := range urls {
				fast := testLoop(sv.validate, u, d)
				lib := testLoop(sv.validateLibrary, u, d)
				require.Equal(t, lib, fast, "doc %d (%s), %s", i, how, u)
			}
		}
	}
}

// testLoop is the verifier's loop (validateCompacted) over a copy.
func testLoop(validate func([]string, any) error, u string, doc any) error {
	d := deepCopy(doc)
	for range 8 {
		err := validate([]string{u}, d)
		var se *SchemaError
		if err == nil || !asSchemaError(err, &se) {
			return err
		}
		changed := false
		for _, v := range se.Violations {
			if strings.HasSuffix(v.Message, "want array") && wrapDoc(d, v.InstanceLocation) {
				changed = true
			}
		}
		if !changed {
			return err
		}
	}
	return validate([]string{u}, d)
}

// mutate returns a copy of doc with one to three random changes, and
// what they were.
func mutate(rng *rand.Rand, doc any) (any, string) {
	d := deepCopy(doc)
	var hows []string
	for range 1 + rng.IntN(3) {
		// Pick a random node (a container member or element).
		type slot struct {
			get func() any
			set func(any)
			del func()
			at  string
		}
		var slots []slot
		var walk func(v any, at string)
		walk = func(v any, at string) {
			switch x := v.(type) {
			case map[string]any:
				keys := make([]string, 0, len(x))
				for k := range x {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				for _, k := range keys {
					slots = append(slots, slot{get: func() any { return x[k] }, set: func(n any) { x[k] = n },
						del: func() { delete(x, k) }, at: at + "/" + k})
					walk(x[k], at+"/"+k)
				}
			case []any:
				for i := range x {
					slots = append(slots, slot{get: func() any { return x[i] }, set: func(n any) { x[i] = n },
						del: func() { x[i] = nil }, at: at + "/" + strconv.Itoa(i)})
					walk(x[i], at+"/"+strconv.Itoa(i))
				}
			}
		}
		walk(d, "")
		if len(slots) == 0 {
			break
		}
		s := slots[rng.IntN(len(slots))]
		cur := s.get()
		var how string
		switch rng.IntN(12) {
		case 0:
			s.set([]any{cur})
			how = "wrap"
		case 1:
			if a, ok := cur.([]any); ok && len(a) > 0 {
				s.set(a[0])
				how = "unwrap"
			} else {
				s.set([]any{})
				how = "empty array"
			}
		case 2:
			s.del()
			how = "delete"
		case 3:
			s.set("x")
			how = "string"
		case 4:
			s.set(json.Number("42"))
			how = "integer"
		case 5:
			s.set(json.Number("4.5"))
			how = "number"
		case 6:
			s.set(true)
			how = "bool"
		case 7:
			s.set(nil)
			how = "null"
		case 8:
			s.set(map[string]any{"id": "https://example.org/x", "type": "Thing"})
			how = "object"
		case 9:
			if m, ok := cur.(map[string]any); ok {
				m["unknownMember"] = "y"
				how = "extra member"
			} else {
				s.set("https://example.org/" + fmt.Sprint(rng.IntN(100)))
				how = "url"
			}
		case 10:
			s.set("2024-13-01T00:00:00Z")
			how = "bad date"
		case 11:
			if a, ok := cur.([]any); ok {
				s.set(append(slices.Clone(a), a...))
				how = "doubled array"
			} else {
				s.set([]any{cur, cur})
				how = "pair"
			}
		}
		hows = append(hows, how+" at "+s.at)
	}
	return d, strings.Join(hows, ", ")
}

// wrapDoc is the verifier's wrapAt on a document held as any.
func wrapDoc(d any, ptr string) bool {
	m, ok := d.(map[string]any)
	return ok && wrapAt(m, ptr)
}
