package clr

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"sync"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/vc"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The only ClrCredential JSON Schema available is 1EdTech's draft-04
// conversion from the VC 1.1 era (it requires issuanceDate); see
// schemas/PROVENANCE.md. The official CLR 2.0 schema for VC Data Model
// 2.0 (JSON Schema 2019-09) was not available, so VC 2.0 records are
// checked by [ClrCredential.Validate] and the VC data model checks only,
// and the schema check reports them Skipped.

//go:embed schemas/clr_v2p0_clrcredential_schema_draft4.json
var schemaFS embed.FS

const schemaFile = "schemas/clr_v2p0_clrcredential_schema_draft4.json"

type clrSchema struct{ s *jsonschema.Schema }

type schemaLoader struct{}

func (schemaLoader) Load(url string) (any, error) {
	if url != SchemaClrCredential {
		return nil, fmt.Errorf("clr: schema %q is not embedded", url)
	}
	b, err := schemaFS.ReadFile(schemaFile)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	dropEmptyRequired(doc, 0)
	return doc, nil
}

// dropEmptyRequired removes `"required": []` members: the 1EdTech
// conversion writes them, and draft-04 forbids them (minItems 1), so the
// schema would not compile. An empty list requires nothing, so removing it
// changes no outcome. The only fix-up applied to the embedded file.
func dropEmptyRequired(v any, depth int) {
	if depth > 64 {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		if r, ok := x["required"].([]any); ok && len(r) == 0 {
			delete(x, "required")
		}
		for _, e := range x {
			dropEmptyRequired(e, depth+1)
		}
	case []any:
		for _, e := range x {
			dropEmptyRequired(e, depth+1)
		}
	}
}

func loadSchema() (*clrSchema, error) {
	c := jsonschema.NewCompiler()
	c.UseLoader(schemaLoader{})
	c.AssertFormat()
	s, err := c.Compile(SchemaClrCredential)
	if err != nil {
		return nil, fmt.Errorf("clr: compiling the embedded schema: %w", err)
	}
	return &clrSchema{s: s}, nil
}

// ErrSchema: the record does not validate against the CLR schema.
var ErrSchema = errors.New("clr: JSON Schema validation failed")

// embeddedSchema compiles the embedded schema once per process (it is
// immutable once compiled).
var embeddedSchema = sync.OnceValues(loadSchema)

// schemaStep validates a VC 1.1 record against the embedded draft-04
// schema; a VC 2.0 record has no published schema to check (Skipped).
var schemaStep = badge.Step{ID: badge.CheckSchema, Check: func(_ context.Context, r *badge.Run) badge.Check {
	c := r.Credential
	if c.Version() != vc.Version1_1 {
		return badge.Check{Status: badge.Skipped, Detail: "no CLR 2.0 JSON Schema for VC Data Model 2.0 is embedded (only the VC 1.1-era draft-04 one exists); checked by the data model checks"}
	}
	s, err := embeddedSchema()
	if err != nil {
		return badge.Check{Status: badge.Failed, Err: err}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(c.Raw()))
	if err != nil {
		return badge.Check{Status: badge.Failed, Err: fmt.Errorf("%w: %w", ErrSchema, err), Detail: SchemaClrCredential}
	}
	if err := s.s.Validate(inst); err != nil {
		return badge.Check{Status: badge.Failed, Err: fmt.Errorf("%w: %w", ErrSchema, err), Detail: SchemaClrCredential}
	}
	return badge.Check{Status: badge.Passed, Detail: SchemaClrCredential + " (draft-04, VC 1.1)"}
}}
