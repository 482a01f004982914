package badge

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/openbadges-go/openbadges/internal/jsonx"
)

// JSON Schema validation against the official Open Badges 3.0 schemas
// (JSON Schema 2019-09), embedded in the binary. Nothing is ever fetched:
// a schema URL that is not embedded is an [*UnknownSchemaError].

// The credentialSchema URLs of the official OB 3.0 schemas.
const (
	SchemaAchievementCredential           = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
	SchemaEndorsementCredential           = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json"
	SchemaProfile                         = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_profile_schema.json"
	SchemaGetOpenBadgeCredentialsResponse = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_getopenbadgecredentialsresponse_schema.json"
	SchemaImsxStatusInfo                  = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_imsx_statusinfo_schema.json"
)

// CredentialSchemaType is the credentialSchema type whose id names a JSON
// Schema to validate against.
const CredentialSchemaType = "1EdTechJsonSchemaValidator2019"

//go:embed schemas
var schemaFiles embed.FS

// Schema errors.
var (
	// ErrSchemaViolation means a document does not conform to a schema.
	// The error is a [*SchemaError].
	ErrSchemaViolation = errors.New("badge: JSON Schema validation failed")
	// ErrUnknownSchema means a schema URL is not one of the embedded
	// schemas. The error is an [*UnknownSchemaError].
	ErrUnknownSchema = errors.New("badge: unknown JSON Schema")
)

// schemaEntry maps one embedded file to every URL it is known by: the URL
// used in credentialSchema and the schema's own $id.
type schemaEntry struct {
	file string
	urls []string
}

func schemaTable() []schemaEntry {
	const ob = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
	const obx = "https://openbadgespec.org/extensions/"
	ext := func(name string) schemaEntry {
		return schemaEntry{file: "schemas/extensions/" + name, urls: []string{obx + name}}
	}
	return []schemaEntry{
		{"schemas/ob3/ob_v3p0_achievementcredential_schema.json", []string{SchemaAchievementCredential, ob + "ob_v3p0_achievementcredential-jsonschema1.json"}},
		{"schemas/ob3/ob_v3p0_endorsementcredential_schema.json", []string{SchemaEndorsementCredential, ob + "ob_v3p0_endorsementcredential-jsonschema1.json"}},
		{"schemas/ob3/ob_v3p0_profile_schema.json", []string{SchemaProfile, ob + "ob_v3p0_profile-jsonschema1.json"}},
		{"schemas/ob3/ob_v3p0_getopenbadgecredentialsresponse_schema.json", []string{SchemaGetOpenBadgeCredentialsResponse, ob + "ob_v3p0_getopenbadgecredentialsresponse-jsonschema1.json"}},
		{"schemas/ob3/ob_v3p0_imsx_statusinfo_schema.json", []string{SchemaImsxStatusInfo, ob + "ob_v3p0_imsx_statusinfo-jsonschema1.json"}},
		ext("accessibilityExtension/schema_achievement_credential_obv3p0.json"),
		ext("accessibilityExtension/schema_achievement_obv3p0.json"),
		ext("accessibilityExtension/schema_profile_obv3p0.json"),
		ext("applyLinkExtension/schema_obv3p0.json"),
		ext("geoCoordinatesExtension/schema_achievement_credential_obv3p0.json"),
		ext("geoCoordinatesExtension/schema_achievement_obv3p0.json"),
		ext("licenseExtension/schema_obv3p0.json"),
		// Older 1EdTech extensions: their schemas name these URLs ($id, or
		// obi:validationSchema in their context).
		{"schemas/extensions/assessmentExtension/v1p0/schema.json", []string{"http://purl.imsglobal.org/spec/ob-assessment/v1p0/schema/", "https://purl.imsglobal.org/spec/ob-assessment/v1p0/schema/"}},
		// Not embedded, because they are broken as published:
		// issuerAccreditationExtension/v2p0/schema.json is not valid JSON
		// (bad escape on line 25), and assessmentExtension/v2p0/schema.json
		// refers to #/definitions/Section, which it does not define.
		// issuerAccreditationExtension/v1p0/schema.json (draft-04) is not
		// embedded either: its ISODate pattern uses a back-reference (\2),
		// which Go's RE2 regular expressions cannot compile.
	}
}

// SchemaURLs returns every schema URL a [SchemaValidator] knows, sorted.
func SchemaURLs() []string {
	var out []string
	for _, e := range schemaTable() {
		out = append(out, e.urls...)
	}
	slices.Sort(out)
	return out
}

// SchemaValidator validates documents against the embedded schemas. Each
// schema is compiled once, by [NewSchemaValidator]; a SchemaValidator is
// immutable afterwards and safe for concurrent use.
type SchemaValidator struct {
	schemas map[string]*jsonschema.Schema // every known URL -> compiled schema
	// fast holds the fast-path translation of each schema (nil where
	// the schema uses a keyword the fast path does not mirror).
	fast map[string]*fastSchema
}

// embeddedLoader serves the embedded files by URL and refuses anything else;
// it is the compiler's only loader, so nothing is read from the network or
// the file system (the JSON Schema meta-schemas are built into the library).
type embeddedLoader map[string]string // URL -> file

func (l embeddedLoader) Load(url string) (any, error) {
	file, ok := l[strings.TrimSuffix(url, "#")]
	if !ok {
		return nil, &UnknownSchemaError{URL: url}
	}
	b, err := schemaFiles.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}

// NewSchemaValidator compiles every embedded schema. Formats (date-time,
// uri, ...) are asserted, as 1EdTech's validator does.
func NewSchemaValidator() (*SchemaValidator, error) {
	table := schemaTable()
	loader := embeddedLoader{}
	for _, e := range table {
		for _, u := range e.urls {
			loader[u] = e.file
		}
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(loader)
	c.AssertFormat()
	v := &SchemaValidator{schemas: map[string]*jsonschema.Schema{}, fast: map[string]*fastSchema{}}
	for _, e := range table {
		sch, err := c.Compile(e.urls[0])
		if err != nil {
			return nil, fmt.Errorf("badge: compiling embedded schema %s: %w", e.file, err)
		}
		fast := compileFast(sch)
		for _, u := range e.urls {
			v.schemas[u] = sch
			v.fast[u] = fast
		}
	}
	return v, nil
}

// Has reports whether url names an embedded schema.
func (v *SchemaValidator) Has(url string) bool { _, ok := v.schemas[url]; return ok }

// Validate validates the JSON document doc against the schema at url. It
// returns nil, a [*SchemaError] listing every violation, an
// [*UnknownSchemaError], or a [*DecodeError] if doc is not strict JSON.
func (v *SchemaValidator) Validate(url string, doc []byte) error {
	inst, err := parseInstance(doc)
	if err != nil {
		return err
	}
	return v.validateAll([]string{url}, inst)
}

// ValidateCredential validates a credential against every schema its
// credentialSchema names with type 1EdTechJsonSchemaValidator2019 (an
// unknown URL is an [*UnknownSchemaError]). A credential that names none is
// validated against the official schema for its type (AchievementCredential
// / OpenBadgeCredential or EndorsementCredential); if its type is neither,
// the AchievementCredential schema is used.
func (v *SchemaValidator) ValidateCredential(doc []byte) error {
	inst, err := parseInstance(doc)
	if err != nil {
		return err
	}
	obj, _ := inst.(map[string]any)
	var urls []string
	for _, s := range objectsOf(obj["credentialSchema"]) {
		if t, _ := s["type"].(string); t == CredentialSchemaType {
			if id, _ := s["id"].(string); id != "" {
				urls = append(urls, id)
			}
		}
	}
	if len(urls) == 0 {
		urls = []string{SchemaAchievementCredential}
		if slices.Contains(stringsOf(obj["type"]), "EndorsementCredential") {
			urls = []string{SchemaEndorsementCredential}
		}
	}
	return v.validateAll(urls, inst)
}

func parseInstance(doc []byte) (any, error) {
	inst, err := jsonx.Parse(doc, nil)
	if err != nil {
		return nil, &DecodeError{Path: "$", Err: err}
	}
	return inst, nil
}

// validate validates inst against the schemas at urls for the verifier's
// compaction-tolerant loop, which wraps each single value the schema wants
// as an array and validates again. Its result is validateAll's, except
// when some violations are such single values: then it may list only
// those (the same entries the full list has), or return nil when the
// document with them wrapped is valid, which is where the loop would end.
// The loop's outcome is the same either way, and the full list of a
// document that stays invalid comes from a later call.
func (v *SchemaValidator) validate(urls []string, inst any) error {
	if err, ok := v.validateFast(urls, inst, true); ok {
		return err
	}
	return v.validateLibrary(urls, inst)
}

// validateAll validates inst against the schemas at urls and returns nil,
// a [*SchemaError] with every violation, or an [*UnknownSchemaError].
func (v *SchemaValidator) validateAll(urls []string, inst any) error {
	if err, ok := v.validateFast(urls, inst, false); ok {
		return err
	}
	return v.validateLibrary(urls, inst)
}

// validateFast answers from the fast path when it can (ok): an unknown
// schema, a valid document, or, with wantArray, the violations that are
// single values where an array is wanted.
func (v *SchemaValidator) validateFast(urls []string, inst any, wantArray bool) (err error, ok bool) {
	for _, u := range urls {
		if _, known := v.schemas[u]; !known {
			return &UnknownSchemaError{URL: u}, true
		}
	}
	r := fastRuns.Get().(*fastRun)
	defer r.release()
	r.record = wantArray
	valid := true
	for _, u := range urls {
		f := v.fast[u]
		if f == nil {
			return nil, false
		}
		mark := len(r.wantArray)
		if !f.eval(inst, r, true) {
			valid = false
		}
		if r.bail {
			return nil, false
		}
		for i := mark; i < len(r.wantArray); i++ {
			r.wantArray[i].v.Schema = u
		}
	}
	if valid {
		return nil, true
	}
	if !wantArray || !slices.ContainsFunc(r.wantArray, func(x fastWant) bool { return x.v.InstanceLocation != "" }) {
		return nil, false
	}
	// The loop would wrap each of these values and validate again: when
	// they are independent (none inside another), validate the document
	// as it would be then, without copying it, and answer for the loop
	// (reusing the verdicts on the top-level members it does not change).
	if overlay, ok := fastOverlay(r.overlay[:0], r.wantArray); ok {
		r.overlay, r.record, r.path = overlay, false, r.path[:0]
		valid := true
		for _, u := range urls {
			if !v.fast[u].eval(inst, r, false) {
				valid = false
				break
			}
		}
		if valid && !r.bail {
			return nil, true
		}
	}
	viols := make([]SchemaViolation, len(r.wantArray))
	for i, w := range r.wantArray {
		viols[i] = w.v
		viols[i].KeywordLocation = w.loc + "/type"
		viols[i].Message = "got " + fastTypeName(w.got) + ", want array"
	}
	sortViolations(&viols)
	return &SchemaError{Violations: viols}, true
}

// fastRuns recycles the scratch state of the fast path.
var fastRuns = sync.Pool{New: func() any {
	return &fastRun{path: make([]fastPathTok, 0, 16), memo: make([]fastMemo, 0, 16)}
}}

// release clears r (it must keep no part of a document) and recycles it.
func (r *fastRun) release() {
	clear(r.path[:cap(r.path)])
	clear(r.wantArray[:cap(r.wantArray)])
	clear(r.overlay[:cap(r.overlay)])
	clear(r.memo[:cap(r.memo)])
	*r = fastRun{path: r.path[:0], wantArray: r.wantArray[:0], overlay: r.overlay[:0], memo: r.memo[:0]}
	fastRuns.Put(r)
}

// fastOverlay returns the values the loop would wrap (the want-array
// violations but the root's, each once), or false when one is inside
// another: the loop wraps the outer one first, and the inner one's
// location then no longer resolves.
func fastOverlay(out, wants []fastWant) ([]fastWant, bool) {
	for _, w := range wants {
		loc := w.v.InstanceLocation
		if loc == "" || slices.ContainsFunc(out, func(o fastWant) bool { return o.v.InstanceLocation == loc }) {
			continue
		}
		for _, o := range out {
			ol := o.v.InstanceLocation
			if strings.HasPrefix(loc, ol+"/") || strings.HasPrefix(ol, loc+"/") {
				return nil, false
			}
		}
		out = append(out, w)
	}
	return out, true
}

// validateLibrary validates with the JSON Schema library: every violation,
// with its keyword location and message.
func (v *SchemaValidator) validateLibrary(urls []string, inst any) error {
	var viols []SchemaViolation
	for _, u := range urls {
		sch, ok := v.schemas[u]
		if !ok {
			return &UnknownSchemaError{URL: u}
		}
		err := sch.Validate(inst)
		if err == nil {
			continue
		}
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			return fmt.Errorf("badge: validating against %s: %w", u, err)
		}
		collectViolations(u, ve, &viols)
	}
	if len(viols) == 0 {
		return nil
	}
	sortViolations(&viols)
	return &SchemaError{Violations: viols}
}

// sortViolations sorts by schema, instance location and keyword location,
// and drops duplicates.
func sortViolations(viols *[]SchemaViolation) {
	slices.SortStableFunc(*viols, func(a, b SchemaViolation) int {
		if n := strings.Compare(a.Schema, b.Schema); n != 0 {
			return n
		}
		if n := strings.Compare(a.InstanceLocation, b.InstanceLocation); n != 0 {
			return n
		}
		return strings.Compare(a.KeywordLocation, b.KeywordLocation)
	})
	*viols = slices.CompactFunc(*viols, func(a, b SchemaViolation) bool { return a == b })
}

// collectViolations appends the leaves of the error tree.
func collectViolations(schema string, e *jsonschema.ValidationError, out *[]SchemaViolation) {
	if len(e.Causes) > 0 {
		for _, c := range e.Causes {
			collectViolations(schema, c, out)
		}
		return
	}
	msg := ""
	if u := e.BasicOutput(); u != nil && u.Error != nil {
		msg = u.Error.String()
	}
	*out = append(*out, SchemaViolation{
		Schema:           schema,
		InstanceLocation: jsonPointer(e.InstanceLocation),
		KeywordLocation:  e.SchemaURL + jsonPointer(e.ErrorKind.KeywordPath()),
		Message:          msg,
	})
}

func jsonPointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		t = strings.ReplaceAll(t, "~", "~0")
		b.WriteString(strings.ReplaceAll(t, "/", "~1"))
	}
	return b.String()
}

func objectsOf(v any) []map[string]any {
	switch t := v.(type) {
	case map[string]any:
		return []map[string]any{t}
	case []any:
		var out []map[string]any
		for _, e := range t {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

func stringsOf(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// SchemaViolation is one schema violation.
type SchemaViolation struct {
	Schema           string // the schema URL validated against
	InstanceLocation string // JSON Pointer into the document ("" is the root)
	KeywordLocation  string // absolute location of the failing keyword
	Message          string
}

// Path returns InstanceLocation as a JSON path ($.credentialSubject.type).
func (v SchemaViolation) Path() string {
	b := []byte{'$'}
	if v.InstanceLocation == "" {
		return "$"
	}
	for _, t := range strings.Split(v.InstanceLocation[1:], "/") {
		t = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
		if n, err := strconv.Atoi(t); err == nil && n >= 0 && strconv.Itoa(n) == t {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(n), 10)
			b = append(b, ']')
			continue
		}
		b = jsonx.AppendPathKey(b, t)
	}
	return string(b)
}

// SchemaError lists every schema violation found, sorted by schema,
// instance location and keyword location. It matches [ErrSchemaViolation]
// and [ErrInvalidCredential].
type SchemaError struct {
	Violations []SchemaViolation
}

func (e *SchemaError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v: %d violation(s)", ErrSchemaViolation, len(e.Violations))
	for i, v := range e.Violations {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(e.Violations)-i)
			break
		}
		fmt.Fprintf(&b, "; %s: %s", v.Path(), v.Message)
	}
	return b.String()
}

// Is matches ErrSchemaViolation and ErrInvalidCredential.
func (e *SchemaError) Is(target error) bool {
	return target == ErrSchemaViolation || target == ErrInvalidCredential
}

// UnknownSchemaError reports a schema URL that is not embedded. Nothing is
// fetched from the network.
type UnknownSchemaError struct {
	URL string
}

func (e *UnknownSchemaError) Error() string {
	return fmt.Sprintf("%v: %q is not embedded (schemas are never fetched)", ErrUnknownSchema, e.URL)
}

// Is matches ErrUnknownSchema.
func (e *UnknownSchemaError) Is(target error) bool { return target == ErrUnknownSchema }

// The fast path. Validating with the JSON Schema library allocates a few
// hundred times per credential (a scope and an evaluation record per
// subschema visited), a fifth of a full Verify. The embedded schemas use a
// small set of keywords, so each compiled schema is also translated into a
// fastSchema tree that answers, without allocating, the two questions a
// verification asks: is the document valid, and, when it is not, where
// is a single value written where the schema wants an array (a JSON-LD
// compacted one-element array)? It mirrors the library's evaluation order
// and error tree exactly; whatever it does not mirror (a keyword outside
// the set, a value of an unexpected Go type, an enum compared with a
// number or a container) sends the document to the library. Every other
// violation report comes from the library. TestFastSchemaAgrees compares
// both over every test credential and thousands of mutations.

// JSON types, as a bit set.
const (
	fastNull uint8 = 1 << iota
	fastBool
	fastNumber
	fastInteger
	fastString
	fastArray
	fastObject
)

// fastSchema is one compiled subschema of the supported subset.
type fastSchema struct {
	loc       string // the library's Location (absolute keyword location)
	boolean   int8   // 0: not a boolean schema; 1: true; -1: false
	types     uint8  // 0: no type keyword
	enum      []any
	enumTypes uint8
	format    func(any) error
	ref       *fastSchema
	refOnly   bool // before draft 2019-09 $ref ignores its siblings

	required  []string
	props     map[string]*fastSchema
	addl      *fastSchema
	addlFalse bool

	minItems, maxItems int // -1: absent
	items              *fastSchema
	itemList           []*fastSchema
	addlItems          *fastSchema
	addlItemsFalse     bool
	contains           *fastSchema

	minLength, maxLength int // -1: absent
	pattern              jsonschema.Regexp

	allOf, anyOf, oneOf []*fastSchema
	not                 *fastSchema
}

// compileFast translates a compiled schema and everything it reaches. It
// returns nil when any of it uses a keyword outside the subset, or when a
// $ref, allOf, anyOf, oneOf or not chain leads back to itself on the same
// value (the library reports such a cycle as an error).
func compileFast(s *jsonschema.Schema) *fastSchema {
	seen := map[*jsonschema.Schema]*fastSchema{}
	var ok = true
	var conv func(s *jsonschema.Schema) *fastSchema
	conv = func(s *jsonschema.Schema) *fastSchema {
		if s == nil {
			return nil
		}
		if f, done := seen[s]; done {
			return f
		}
		f := &fastSchema{loc: s.Location, minItems: -1, maxItems: -1, minLength: -1, maxLength: -1}
		seen[s] = f
		if s.RecursiveRef != nil || s.DynamicRef != nil || s.Const != nil || s.If != nil || s.Then != nil || s.Else != nil ||
			s.MaxProperties != nil || s.MinProperties != nil || s.PropertyNames != nil || len(s.PatternProperties) > 0 ||
			len(s.Dependencies) > 0 || len(s.DependentRequired) > 0 || len(s.DependentSchemas) > 0 ||
			s.UnevaluatedProperties != nil || s.UniqueItems || s.MinContains != nil || s.MaxContains != nil ||
			s.PrefixItems != nil || s.Items2020 != nil || s.UnevaluatedItems != nil ||
			s.ContentEncoding != nil || s.ContentMediaType != nil || s.ContentSchema != nil ||
			s.Maximum != nil || s.Minimum != nil || s.ExclusiveMaximum != nil || s.ExclusiveMinimum != nil || s.MultipleOf != nil ||
			len(s.Extensions) > 0 || s.DraftVersion >= 2020 {
			ok = false
			return f
		}
		if s.Bool != nil {
			f.boolean = -1
			if *s.Bool {
				f.boolean = 1
			}
			return f
		}
		if s.Types != nil {
			for _, t := range s.Types.ToStrings() {
				f.types |= fastTypeNamed(t)
			}
		}
		if s.Enum != nil {
			f.enum = s.Enum.Values
			for _, e := range f.enum {
				t, known := fastTypeOf(e)
				if !known {
					ok = false
				}
				f.enumTypes |= t
			}
		}
		if s.Format != nil {
			f.format = s.Format.Validate
		}
		f.ref = conv(s.Ref)
		f.refOnly = s.Ref != nil && s.DraftVersion < 2019
		f.required = s.Required
		if len(s.Properties) > 0 {
			f.props = make(map[string]*fastSchema, len(s.Properties))
			for k, p := range s.Properties {
				f.props[k] = conv(p)
			}
		}
		switch a := s.AdditionalProperties.(type) {
		case nil:
		case bool:
			f.addlFalse = !a
		case *jsonschema.Schema:
			f.addl = conv(a)
		default:
			ok = false
		}
		if s.MinItems != nil {
			f.minItems = *s.MinItems
		}
		if s.MaxItems != nil {
			f.maxItems = *s.MaxItems
		}
		switch it := s.Items.(type) {
		case nil:
		case *jsonschema.Schema:
			f.items = conv(it)
		case []*jsonschema.Schema:
			f.itemList = make([]*fastSchema, len(it))
			for i, e := range it {
				f.itemList[i] = conv(e)
			}
		default:
			ok = false
		}
		switch a := s.AdditionalItems.(type) {
		case nil:
		case bool:
			f.addlItemsFalse = !a
		case *jsonschema.Schema:
			f.addlItems = conv(a)
		default:
			ok = false
		}
		f.contains = conv(s.Contains)
		if s.MinLength != nil {
			f.minLength = *s.MinLength
		}
		if s.MaxLength != nil {
			f.maxLength = *s.MaxLength
		}
		f.pattern = s.Pattern
		for _, x := range s.AllOf {
			f.allOf = append(f.allOf, conv(x))
		}
		for _, x := range s.AnyOf {
			f.anyOf = append(f.anyOf, conv(x))
		}
		for _, x := range s.OneOf {
			f.oneOf = append(f.oneOf, conv(x))
		}
		f.not = conv(s.Not)
		return f
	}
	root := conv(s)
	if !ok || fastCycle(root) {
		return nil
	}
	return root
}

// fastCycle reports whether a subschema reaches itself through keywords
// that apply to the same value ($ref, allOf, anyOf, oneOf, not).
func fastCycle(root *fastSchema) bool {
	const (
		unvisited = iota
		onStack
		finished
	)
	state := map[*fastSchema]int{}
	var visit func(f *fastSchema) bool
	var all func(f *fastSchema) bool
	visit = func(f *fastSchema) bool {
		if f == nil {
			return false
		}
		switch state[f] {
		case onStack:
			return true
		case finished:
			return false
		}
		state[f] = onStack
		same := append([]*fastSchema{f.ref, f.not}, f.allOf...)
		same = append(same, f.anyOf...)
		same = append(same, f.oneOf...)
		for _, g := range same {
			if visit(g) {
				return true
			}
		}
		state[f] = finished
		return false
	}
	// Every subschema, including those reached through properties and
	// items, is a starting point.
	reached := map[*fastSchema]bool{}
	all = func(f *fastSchema) bool {
		if f == nil || reached[f] {
			return false
		}
		reached[f] = true
		if visit(f) {
			return true
		}
		next := []*fastSchema{f.ref, f.not, f.addl, f.items, f.addlItems, f.contains}
		next = append(next, f.itemList...)
		next = append(next, f.allOf...)
		next = append(next, f.anyOf...)
		next = append(next, f.oneOf...)
		for _, p := range f.props {
			next = append(next, p)
		}
		for _, g := range next {
			if all(g) {
				return true
			}
		}
		return false
	}
	return all(root)
}

func fastTypeNamed(t string) uint8 {
	switch t {
	case "null":
		return fastNull
	case "boolean":
		return fastBool
	case "number":
		return fastNumber
	case "integer":
		return fastInteger
	case "string":
		return fastString
	case "array":
		return fastArray
	case "object":
		return fastObject
	}
	return 0
}

// fastTypeOf is the library's typeOf for the values the strict reader
// produces; known is false for anything else.
func fastTypeOf(v any) (t uint8, known bool) {
	switch v.(type) {
	case nil:
		return fastNull, true
	case bool:
		return fastBool, true
	case json.Number:
		return fastNumber, true
	case string:
		return fastString, true
	case []any:
		return fastArray, true
	case map[string]any:
		return fastObject, true
	}
	return 0, false
}

func fastTypeName(t uint8) string {
	switch t {
	case fastNull:
		return "null"
	case fastBool:
		return "boolean"
	case fastNumber:
		return "number"
	case fastString:
		return "string"
	case fastArray:
		return "array"
	case fastObject:
		return "object"
	}
	return ""
}

// fastPathTok is one step of the instance location: a member of the
// object m or an element of the array a.
type fastPathTok struct {
	m   map[string]any
	a   []any
	key string
	idx int // -1 for a member
}

// fastWant is a want-array violation (its keyword location and message
// are spelled from loc and got when it is reported) and where its value
// is.
type fastWant struct {
	v    SchemaViolation
	loc  string // the location of the subschema with the type keyword
	got  uint8  // the value's type
	at   fastPathTok
	root string // the top-level member it is in ("" if none)
}

// fastMemo is the verdict of schema f on the top-level member key, whose
// value (an object or a non-empty array) is id.
type fastMemo struct {
	f     *fastSchema
	key   string
	id    uintptr
	n     int
	valid bool
}

// containerID identifies an object, or a non-empty array, of the document.
func containerID(v any) (id uintptr, n int, ok bool) {
	switch x := v.(type) {
	case map[string]any:
		return reflect.ValueOf(x).Pointer(), len(x), true
	case []any:
		if len(x) > 0 {
			return reflect.ValueOf(x).Pointer(), len(x), true
		}
	}
	return 0, 0, false
}

// member evaluates p on val, the top-level member k when the path is one
// step long: its verdict is recorded on the first evaluation and reused on
// the evaluation through the overlay when the overlay changes nothing in
// it.
func (r *fastRun) member(p *fastSchema, k string, val any, collect bool) bool {
	if len(r.path) != 1 || (!r.record && len(r.memo) == 0) {
		return p.eval(val, r, collect)
	}
	id, n, ok := containerID(val)
	if !ok {
		return p.eval(val, r, collect)
	}
	if r.record {
		valid := p.eval(val, r, collect)
		r.memo = append(r.memo, fastMemo{f: p, key: k, id: id, n: n, valid: valid})
		return valid
	}
	for _, w := range r.overlay {
		if w.root == k {
			return p.eval(val, r, collect) // a value inside it is wrapped
		}
	}
	for _, m := range r.memo {
		if m.f == p && m.key == k && m.id == id && m.n == n {
			return m.valid
		}
	}
	return p.eval(val, r, collect)
}

// fastRun is the state of one evaluation.
type fastRun struct {
	path []fastPathTok
	// wantArray lists, as in the library's error tree, the type
	// violations whose only allowed type is array.
	wantArray []fastWant
	// overlay lists values the evaluation reads as one-element arrays,
	// as the verifier's loop would have rewritten them.
	overlay []fastWant
	// memo holds the verdicts on the top-level members that are objects
	// or arrays: recorded by a first evaluation (record), reused by the
	// evaluation through the overlay for the members it does not change.
	memo   []fastMemo
	record bool
	// bail: the evaluation met something it does not mirror; the result
	// must come from the library.
	bail bool
}

// wrapped returns the value of the member or element at the top of the
// path, wrapped in an array when the overlay says so.
func (r *fastRun) wrapped(v any) any {
	top := r.path[len(r.path)-1]
	for _, w := range r.overlay {
		same := false
		if top.idx < 0 {
			same = w.at.m != nil && w.at.key == top.key && reflect.ValueOf(w.at.m).Pointer() == reflect.ValueOf(top.m).Pointer()
		} else {
			same = w.at.a != nil && w.at.idx == top.idx && &w.at.a[w.at.idx] == &top.a[top.idx]
		}
		if same && r.pointer() == w.v.InstanceLocation {
			return []any{v}
		}
	}
	return v
}

func (r *fastRun) pointer() string {
	var b strings.Builder
	for _, t := range r.path {
		b.WriteByte('/')
		if t.idx >= 0 {
			b.WriteString(strconv.Itoa(t.idx))
			continue
		}
		k := strings.ReplaceAll(t.key, "~", "~0")
		b.WriteString(strings.ReplaceAll(k, "/", "~1"))
	}
	return b.String()
}

// eval reports whether v is valid against f. collect says whether the
// library would keep this evaluation's errors in its tree (false where it
// only asks whether a subschema matches: not, and oneOf after a match); a
// want-array violation found while collecting is appended to r.wantArray.
func (f *fastSchema) eval(v any, r *fastRun, collect bool) bool {
	if r.bail {
		return false
	}
	if f.boolean != 0 {
		return f.boolean > 0
	}
	t, known := fastTypeOf(v)
	if !known {
		r.bail = true
		return false
	}
	if f.types != 0 {
		matched := f.types&t != 0
		if !matched && f.types&fastInteger != 0 && t == fastNumber {
			rat, ok := new(big.Rat).SetString(string(v.(json.Number)))
			matched = ok && rat.IsInt()
		}
		if !matched {
			if collect && f.types == fastArray {
				var at fastPathTok
				root := ""
				if len(r.path) > 0 {
					at = r.path[len(r.path)-1]
					if r.path[0].idx < 0 {
						root = r.path[0].key
					}
				}
				r.wantArray = append(r.wantArray, fastWant{at: at, root: root, loc: f.loc, got: t,
					v: SchemaViolation{InstanceLocation: r.pointer()}})
			}
			return false
		}
	}
	if f.enum != nil {
		if f.enumTypes&t == 0 {
			return false
		}
		switch x := v.(type) {
		case string:
			if !slices.ContainsFunc(f.enum, func(e any) bool { s, ok := e.(string); return ok && s == x }) {
				return false
			}
		case bool:
			if !slices.ContainsFunc(f.enum, func(e any) bool { b, ok := e.(bool); return ok && b == x }) {
				return false
			}
		case nil:
		default:
			// Numbers and containers: the library's equality.
			r.bail = true
			return false
		}
	}
	if f.format != nil && f.format(v) != nil {
		return false
	}
	valid := true
	if f.ref != nil {
		valid = f.ref.eval(v, r, collect)
		if f.refOnly {
			return valid
		}
	}
	switch x := v.(type) {
	case map[string]any:
		valid = f.object(x, r, collect) && valid
	case []any:
		valid = f.array(x, r, collect) && valid
	case string:
		valid = f.str(x) && valid
	}
	if !valid && !collect {
		return false
	}
	for _, g := range f.allOf {
		valid = g.eval(v, r, collect) && valid
	}
	if len(f.anyOf) > 0 {
		mark := len(r.wantArray)
		matched := false
		for _, g := range f.anyOf {
			if g.eval(v, r, collect) {
				matched = true
				break
			}
		}
		if matched {
			r.wantArray = r.wantArray[:mark]
		} else {
			valid = false
		}
	}
	if len(f.oneOf) > 0 {
		mark := len(r.wantArray)
		matched := 0
		for _, g := range f.oneOf {
			if g.eval(v, r, collect && matched == 0) {
				matched++
				if matched == 2 {
					break
				}
			}
		}
		if matched > 0 {
			r.wantArray = r.wantArray[:mark]
		}
		if matched != 1 {
			valid = false
		}
	}
	if f.not != nil {
		mark := len(r.wantArray)
		if f.not.eval(v, r, false) {
			valid = false
		}
		r.wantArray = r.wantArray[:mark]
	}
	return valid
}

func (f *fastSchema) object(obj map[string]any, r *fastRun, collect bool) bool {
	valid := true
	for _, k := range f.required {
		if _, ok := obj[k]; !ok {
			valid = false
		}
	}
	if !valid && !collect {
		return false
	}
	for k, val := range obj {
		p, ok := f.props[k]
		switch {
		case ok:
		case f.addlFalse:
			valid = false
			continue
		case f.addl != nil:
			p = f.addl
		default:
			continue
		}
		r.path = append(r.path, fastPathTok{m: obj, key: k, idx: -1})
		if r.overlay != nil {
			val = r.wrapped(val)
		}
		valid = r.member(p, k, val, collect) && valid
		r.path = r.path[:len(r.path)-1]
		if !valid && !collect {
			return false
		}
	}
	return valid
}

func (f *fastSchema) array(arr []any, r *fastRun, collect bool) bool {
	valid := true
	if f.minItems >= 0 && len(arr) < f.minItems {
		valid = false
	}
	if f.maxItems >= 0 && len(arr) > f.maxItems {
		valid = false
	}
	item := func(g *fastSchema, i int) {
		r.path = append(r.path, fastPathTok{a: arr, idx: i})
		v := arr[i]
		if r.overlay != nil {
			v = r.wrapped(v)
		}
		valid = g.eval(v, r, collect) && valid
		r.path = r.path[:len(r.path)-1]
	}
	evaluated := 0
	switch {
	case f.items != nil:
		for i := range arr {
			item(f.items, i)
		}
		evaluated = len(arr)
	case f.itemList != nil:
		evaluated = min(len(arr), len(f.itemList))
		for i := range evaluated {
			item(f.itemList[i], i)
		}
	}
	switch {
	case f.addlItemsFalse:
		if evaluated != len(arr) {
			valid = false
		}
	case f.addlItems != nil:
		for i := evaluated; i < len(arr); i++ {
			item(f.addlItems, i)
		}
	}
	if f.contains != nil {
		mark := len(r.wantArray)
		matched := false
		for i := range arr {
			r.path = append(r.path, fastPathTok{a: arr, idx: i})
			v := arr[i]
			if r.overlay != nil {
				v = r.wrapped(v)
			}
			if f.contains.eval(v, r, collect) {
				matched = true
			}
			r.path = r.path[:len(r.path)-1]
		}
		if matched {
			r.wantArray = r.wantArray[:mark]
		} else {
			valid = false
		}
	}
	return valid
}

func (f *fastSchema) str(s string) bool {
	if f.minLength >= 0 || f.maxLength >= 0 {
		n := utf8.RuneCountInString(s)
		if (f.minLength >= 0 && n < f.minLength) || (f.maxLength >= 0 && n > f.maxLength) {
			return false
		}
	}
	return f.pattern == nil || f.pattern.MatchString(s)
}
