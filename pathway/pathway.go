package pathway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/internal/jsonx"
)

// ContextURL is our pathway extension context (see doc.go). It is ours,
// not 1EdTech's, and is embedded in the vc package's offline loader.
const ContextURL = "https://openbadges-go.github.io/ns/pathway/v1"

// SchemaURL is the JSON Schema of a pathway definition (embedded).
const SchemaURL = "https://openbadges-go.github.io/ns/pathway/v1/schema.json"

// TypePathway is the type of a pathway definition.
const TypePathway = "Pathway"

// Bounds of a definition.
const (
	DefaultMaxNodes = 1000    // requirement nodes, over every nested pathway
	DefaultMaxDepth = 32      // nesting of requirement nodes and pathway references
	DefaultMaxBytes = 1 << 20 // JSON input
)

// NodeType is the kind of a requirement node.
type NodeType string

// The requirement node types.
const (
	// Requirement: a credential for Achievement (by id), optionally from
	// one of Issuers, with a minimum result and a minimum version.
	Requirement NodeType = "AchievementRequirement"
	// AllOf: every child.
	AllOf NodeType = "AllOf"
	// AtLeast: at least Min children (electives).
	AtLeast NodeType = "AtLeast"
	// Sequence: every child, each earned no earlier than its predecessor
	// was completed.
	Sequence NodeType = "Sequence"
	// MinCredits: at least MinCredits credits earned from the credentials
	// that satisfy the children. A credential's credits are its
	// credentialSubject.creditsEarned when that is a number, else its
	// achievement's creditsAvailable, else none (see [Credential].Credits);
	// each credential counts once, however many children it satisfies.
	// Credits are not deduplicated across stacking: a stacked credential
	// from [Complete] carries the sum of its components' credits as its
	// creditsEarned, so a node whose children are met both by it and by
	// its components counts those credits twice; write such a node over
	// the components or over the stacked credential, not both.
	MinCredits NodeType = "MinCredits"
	// SubPathway: the pathway with id Pathway (listed in Pathways), or a
	// credential for its goal achievement.
	SubPathway NodeType = "PathwayRequirement"
)

// Known reports whether t is one of the node types.
func (t NodeType) Known() bool {
	switch t {
	case Requirement, AllOf, AtLeast, Sequence, MinCredits, SubPathway:
		return true
	}
	return false
}

// Node is one requirement. Which fields apply depends on Type.
type Node struct {
	// Key optionally names the node in reports (else its path is used).
	Key  string   `json:"key,omitempty"`
	Type NodeType `json:"type"`
	Name string   `json:"name,omitempty"`

	// Requirement.
	Achievement string   `json:"achievement,omitempty"`
	Issuers     []string `json:"issuers,omitempty"`    // empty: any issuer
	MinResult   string   `json:"minResult,omitempty"`  // numeric; a result value must reach it
	MinVersion  string   `json:"minVersion,omitempty"` // dotted numbers; the achievement's version must reach it

	// AtLeast.
	Min int `json:"min,omitempty"`
	// MinCredits: the credits required, a positive decimal number,
	// compared with the credits of the credentials that satisfy the
	// children (creditsEarned, else the achievement's creditsAvailable).
	MinCredits json.Number `json:"minCredits,omitempty"`
	// SubPathway.
	Pathway string `json:"pathway,omitempty"`

	// AllOf, AtLeast, Sequence, MinCredits.
	Requirements []Node `json:"requirements,omitempty"`
}

// Pathway is a stackable pathway: a goal achievement earned by satisfying a
// requirement tree over component achievements.
type Pathway struct {
	Context     []string `json:"@context,omitempty"`
	ID          string   `json:"id"`
	Type        string   `json:"type"`
	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	// Goal is the achievement awarded on completion.
	Goal badge.Achievement `json:"goal"`
	// Achievements defines the component achievements the tree names.
	Achievements []badge.Achievement `json:"achievements,omitempty"`
	Requirement  Node                `json:"requirement"`
	// Pathways defines the pathways that SubPathway nodes name.
	Pathways []Pathway `json:"pathways,omitempty"`
}

// Contexts returns the @context a pathway document uses: VC 2.0 (id,
// type, name, description), OB 3.0.3 (Achievement) and ours.
func Contexts() []string { return []string{badge.ContextVC2, badge.ContextOB303, ContextURL} }

// Parse reads a pathway definition from JSON: strictly (duplicate keys,
// invalid UTF-8, unknown members and size, depth and node bounds are
// refused). It does not Validate.
func Parse(data []byte) (*Pathway, error) {
	if len(data) > DefaultMaxBytes {
		return nil, &LimitError{What: "bytes", Limit: DefaultMaxBytes, Got: len(data)}
	}
	if _, err := jsonx.Parse(data, &jsonx.Limits{MaxBytes: DefaultMaxBytes, MaxDepth: 4*DefaultMaxDepth + 16}); err != nil {
		if errors.Is(err, jsonx.ErrTooDeep) {
			return nil, &LimitError{What: "JSON depth", Limit: 4*DefaultMaxDepth + 16, Got: -1}
		}
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	var p Pathway
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the definition", ErrMalformed)
	}
	if n := p.countNodes(0); n > DefaultMaxNodes {
		return nil, &LimitError{What: "nodes", Limit: DefaultMaxNodes, Got: n}
	}
	// encoding/json matches member names case-insensitively; the
	// definition must say exactly what it means, so a member that differs
	// from a known one only by case is refused.
	in, _ := jsonx.Parse(data, &jsonx.Limits{MaxBytes: DefaultMaxBytes, MaxDepth: 4*DefaultMaxDepth + 16})
	back, err := json.Marshal(&p)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	out, err := jsonx.Parse(back, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if path := caseVariant(in, out, "$"); path != "" {
		return nil, fmt.Errorf("%w: member %s differs from a defined member only by case", ErrMalformed, path)
	}
	return &p, nil
}

// caseVariant walks the input and its re-encoding together and returns
// the path of the first input member whose name matches a member of the
// re-encoding only when case is ignored.
func caseVariant(in, out any, path string) string {
	switch a := in.(type) {
	case map[string]any:
		b, ok := out.(map[string]any)
		if !ok {
			return ""
		}
		for k, v := range a {
			if w, ok := b[k]; ok {
				if p := caseVariant(v, w, path+"."+k); p != "" {
					return p
				}
				continue
			}
			for k2 := range b {
				if strings.EqualFold(k, k2) {
					return path + "." + k
				}
			}
		}
	case []any:
		b, ok := out.([]any)
		if !ok || len(a) != len(b) {
			return ""
		}
		for i := range a {
			if p := caseVariant(a[i], b[i], fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	}
	return ""
}

func (p *Pathway) countNodes(depth int) int {
	if depth > DefaultMaxDepth {
		return DefaultMaxNodes + 1
	}
	n := p.Requirement.count(0)
	for i := range p.Pathways {
		n += p.Pathways[i].countNodes(depth + 1)
		if n > DefaultMaxNodes {
			break
		}
	}
	return n
}

func (n *Node) count(depth int) int {
	if depth > DefaultMaxDepth {
		return DefaultMaxNodes + 1
	}
	c := 1
	for i := range n.Requirements {
		c += n.Requirements[i].count(depth + 1)
		if c > DefaultMaxNodes {
			break
		}
	}
	return c
}

// MarshalIndent returns the definition as indented JSON with its
// @context (Contexts when empty) and type.
func (p *Pathway) MarshalIndent() ([]byte, error) {
	q := *p
	if len(q.Context) == 0 {
		q.Context = Contexts()
	}
	if q.Type == "" {
		q.Type = TypePathway
	}
	return json.MarshalIndent(&q, "", "  ")
}

func jsonxParse(b []byte) (any, error) { return jsonx.Parse(b, nil) }
