package ob2

import (
	"context"
	"embed"
	"fmt"
	"sync"

	"github.com/openbadges-go/openbadges/internal/jsonx"
)

// The JSON-LD contexts a 2.0 document may use, embedded (contexts/,
// provenance in testdata/PROVENANCE.md). Nothing is ever fetched for a
// context: an unknown one is a failed context check.

// ContextV2 is the Open Badges 2.0 context URL.
const ContextV2 = "https://w3id.org/openbadges/v2"

// contextV1 is the Open Badges 1.1 context URL (recognised, not embedded).
const contextV1 = "https://w3id.org/openbadges/v1"

//go:embed contexts/*.json
var contextFS embed.FS

// contextFiles maps every URL a context is published under to its file.
var contextFiles = map[string]string{
	ContextV2: "openbadges-v2.json",
	"https://openbadgespec.org/v2/context.json":                              "openbadges-v2.json",
	"https://w3id.org/openbadges/extensions/exampleExtension/context.json":   "exampleExtension-context.json",
	"https://openbadgespec.org/extensions/exampleExtension/context.json":     "exampleExtension-context.json",
	"https://w3id.org/openbadges/extensions/applyLinkExtension/context.json": "applyLinkExtension-context.json",
	"https://openbadgespec.org/extensions/applyLinkExtension/context.json":   "applyLinkExtension-context.json",
}

// embeddedContexts parses the embedded contexts once; they are immutable.
var embeddedContexts = sync.OnceValues(func() (map[string]any, error) {
	parsed := map[string]any{}
	for u, f := range contextFiles {
		b, err := contextFS.ReadFile("contexts/" + f)
		if err != nil {
			return nil, err
		}
		v, err := jsonx.Parse(b, nil)
		if err != nil {
			return nil, fmt.Errorf("ob2: embedded context %q: %w", u, err)
		}
		parsed[u] = v
	}
	return parsed, nil
})

// loadContext is the JSON-LD loader: embedded contexts only.
func loadContext(_ context.Context, u string) (any, error) {
	m, err := embeddedContexts()
	if err != nil {
		return nil, err
	}
	if d, ok := m[u]; ok {
		return d, nil
	}
	return nil, fmt.Errorf("%w: %q is not one of the embedded Open Badges 2.0 contexts", ErrUnknownContext, u)
}

// EmbeddedContexts lists the context URLs the package knows.
func EmbeddedContexts() []string {
	out := make([]string, 0, len(contextFiles))
	for u := range contextFiles {
		out = append(out, u)
	}
	return out
}
