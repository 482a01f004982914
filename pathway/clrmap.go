package pathway

import (
	"fmt"
	"slices"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
)

// Mapping is what CLR 2.0 associations can say about a pathway.
type Mapping struct {
	// Achievements are the definitions the associations name: every
	// pathway's goal and components, in definition order, without
	// duplicates.
	Achievements []badge.Achievement
	// Associations, in a deterministic order:
	//   - each component achievement (and each sub-pathway's goal) isPartOf
	//     the goal of the pathway whose tree names it;
	//   - consecutive steps of a sequence: A precedes B, when both steps
	//     are an achievement or a sub-pathway;
	//   - the options of an at-least-N node are isPeerOf each other.
	Associations []clr.Association
	// Lost lists, with the node's path, what the associations cannot
	// carry: N of at-least-N, minimum credits, accepted issuers, minimum
	// results and versions, and the order of sequence steps that are
	// themselves groups. Keep the pathway definition (our extension) for
	// those.
	Lost []string
}

// ToAssociations maps a pathway onto CLR 2.0 associations.
func ToAssociations(p *Pathway) *Mapping {
	m := &Mapping{}
	reg, _ := newRegistry(p)
	seenAch := map[string]bool{}
	addAch := func(a badge.Achievement) {
		if a.ID == "" || seenAch[a.ID] {
			return
		}
		seenAch[a.ID] = true
		if a.Type.IsZero() {
			a.Type = badge.One("Achievement")
		}
		m.Achievements = append(m.Achievements, a)
	}
	seenAssoc := map[string]bool{}
	assoc := func(t clr.AssociationType, s, d string) {
		k := string(t) + "\x00" + s + "\x00" + d
		if s == "" || d == "" || s == d || seenAssoc[k] {
			return
		}
		seenAssoc[k] = true
		m.Associations = append(m.Associations, clr.NewAssociation(t, s, d))
	}
	var visit func(q *Pathway, depth int)
	visited := map[string]bool{}
	visit = func(q *Pathway, depth int) {
		if depth > DefaultMaxDepth || visited[q.ID] {
			return
		}
		visited[q.ID] = true
		addAch(q.Goal)
		for _, a := range q.Achievements {
			addAch(a)
		}
		rep := func(n *Node) string {
			switch n.Type {
			case Requirement:
				return n.Achievement
			case SubPathway:
				if s, ok := reg.pathways[n.Pathway]; ok {
					return s.Goal.ID
				}
			}
			return ""
		}
		q.Requirement.walk(pathOf(p, q)+".requirement", 0, func(n *Node, path string) {
			if id := rep(n); id != "" {
				assoc(clr.IsPartOf, id, q.Goal.ID)
			}
			if len(n.Issuers) > 0 {
				m.Lost = append(m.Lost, fmt.Sprintf("%s: accepted issuers %v", path, n.Issuers))
			}
			if n.MinResult != "" {
				m.Lost = append(m.Lost, fmt.Sprintf("%s: minimum result %s", path, n.MinResult))
			}
			if n.MinVersion != "" {
				m.Lost = append(m.Lost, fmt.Sprintf("%s: minimum version %s", path, n.MinVersion))
			}
			switch n.Type {
			case Sequence:
				for i := 1; i < len(n.Requirements); i++ {
					a, b := rep(&n.Requirements[i-1]), rep(&n.Requirements[i])
					if a == "" || b == "" {
						m.Lost = append(m.Lost, fmt.Sprintf("%s: order of steps %d and %d (a step is a group)", path, i, i+1))
						continue
					}
					assoc(clr.Precedes, a, b)
				}
			case AtLeast:
				var ids []string
				for i := range n.Requirements {
					if id := rep(&n.Requirements[i]); id != "" {
						ids = append(ids, id)
					}
				}
				for i, a := range ids {
					for _, b := range ids[i+1:] {
						assoc(clr.IsPeerOf, a, b)
					}
				}
				m.Lost = append(m.Lost, fmt.Sprintf("%s: at least %d of %d (associations list the options, not how many)", path, n.Min, len(n.Requirements)))
			case MinCredits:
				m.Lost = append(m.Lost, fmt.Sprintf("%s: minimum of %s credits", path, n.MinCredits))
			case SubPathway:
				if s, ok := reg.pathways[n.Pathway]; ok {
					visit(s, depth+1)
				}
			}
		})
	}
	visit(p, 0)
	slices.Sort(m.Lost)
	return m
}
