package badge

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

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
	v := &SchemaValidator{schemas: map[string]*jsonschema.Schema{}}
	for _, e := range table {
		sch, err := c.Compile(e.urls[0])
		if err != nil {
			return nil, fmt.Errorf("badge: compiling embedded schema %s: %w", e.file, err)
		}
		for _, u := range e.urls {
			v.schemas[u] = sch
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
	return v.validate([]string{url}, inst)
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
	return v.validate(urls, inst)
}

func parseInstance(doc []byte) (any, error) {
	inst, err := jsonx.Parse(doc, nil)
	if err != nil {
		return nil, &DecodeError{Path: "$", Err: err}
	}
	return inst, nil
}

func (v *SchemaValidator) validate(urls []string, inst any) error {
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
	slices.SortStableFunc(viols, func(a, b SchemaViolation) int {
		if n := strings.Compare(a.Schema, b.Schema); n != 0 {
			return n
		}
		if n := strings.Compare(a.InstanceLocation, b.InstanceLocation); n != 0 {
			return n
		}
		return strings.Compare(a.KeywordLocation, b.KeywordLocation)
	})
	viols = slices.CompactFunc(viols, func(a, b SchemaViolation) bool { return a == b })
	return &SchemaError{Violations: viols}
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
