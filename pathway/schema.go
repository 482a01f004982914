package pathway

import (
	"bytes"
	"context"
	"embed"
	"fmt"

	"github.com/openbadges-go/openbadges/vc"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed ns/schema.json ns/pathway-v1.jsonld
var nsFS embed.FS

// Context returns our extension context document (the bytes served at
// ContextURL).
func Context() []byte { b, _ := nsFS.ReadFile("ns/pathway-v1.jsonld"); return b }

// Schema returns the JSON Schema of a pathway definition (SchemaURL).
func Schema() []byte { b, _ := nsFS.ReadFile("ns/schema.json"); return b }

// CheckSchema validates a definition's JSON against [Schema].
func CheckSchema(data []byte) error {
	c := jsonschema.NewCompiler()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
	if err != nil {
		return err
	}
	if err := c.AddResource(SchemaURL, doc); err != nil {
		return err
	}
	s, err := c.Compile(SchemaURL)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if err := s.Validate(inst); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return nil
}

// CheckJSONLD runs JSON-LD safe mode over a definition with proc (nil:
// the embedded contexts, which include ours): every term must be defined
// by its contexts.
func CheckJSONLD(ctx context.Context, proc *vc.Processor, p *Pathway) error {
	if proc == nil {
		proc = vc.NewProcessor(nil)
	}
	b, err := p.MarshalIndent()
	if err != nil {
		return err
	}
	v, err := jsonxParse(b)
	if err != nil {
		return err
	}
	return proc.Check(ctx, v)
}
