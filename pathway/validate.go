package pathway

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// registry holds every pathway of a definition by id, and every achievement
// it defines.
type registry struct {
	pathways     map[string]*Pathway
	achievements map[string]bool
	credits      map[string]float64 // creditsAvailable, when given
}

func newRegistry(p *Pathway) (*registry, []Problem) {
	r := &registry{pathways: map[string]*Pathway{}, achievements: map[string]bool{}, credits: map[string]float64{}}
	var probs []Problem
	var walk func(q *Pathway, path string, depth int)
	walk = func(q *Pathway, path string, depth int) {
		if depth > DefaultMaxDepth {
			probs = append(probs, Problem{Path: path, Err: &LimitError{What: "nested pathway levels", Limit: DefaultMaxDepth}})
			return
		}
		if q.ID == "" {
			probs = append(probs, Problem{Path: path + ".id", Err: fmt.Errorf("%w: a pathway needs an id", ErrInvalid)})
		} else if _, dup := r.pathways[q.ID]; dup {
			probs = append(probs, Problem{Path: path + ".id", Err: fmt.Errorf("%w: pathway %q is defined twice", ErrInvalid, q.ID)})
		} else {
			r.pathways[q.ID] = q
		}
		if q.Goal.ID == "" {
			probs = append(probs, Problem{Path: path + ".goal.id", Err: fmt.Errorf("%w: the goal achievement needs an id", ErrInvalid)})
		}
		for _, a := range append([]achievementDef{{q.Goal.ID, string(q.Goal.CreditsAvailable)}}, defs(q)...) {
			if a.id == "" {
				continue
			}
			r.achievements[a.id] = true
			if f, err := strconv.ParseFloat(a.credits, 64); err == nil {
				r.credits[a.id] = f
			}
		}
		for i := range q.Pathways {
			walk(&q.Pathways[i], fmt.Sprintf("%s.pathways[%d]", path, i), depth+1)
		}
	}
	walk(p, "$", 0)
	return r, probs
}

type achievementDef struct{ id, credits string }

func defs(q *Pathway) []achievementDef {
	out := make([]achievementDef, 0, len(q.Achievements))
	for _, a := range q.Achievements {
		out = append(out, achievementDef{a.ID, string(a.CreditsAvailable)})
	}
	return out
}

// Validate checks a definition before any evaluation and reports every
// problem in a [*DefinitionError]: unknown node types and missing fields,
// achievements that no pathway of the definition defines
// ([ErrUnknownAchievement]), references to undefined pathways
// ([ErrUnknownPathway]), cycles through pathway references or through a
// requirement for the goal of an enclosing pathway ([ErrCycle], with the
// chain as its path), and nodes that no set of credentials can satisfy
// ([ErrUnsatisfiable]: an empty all-of or sequence, at-least-N with fewer
// than N options, more credits than the achievements below can carry, an
// unsatisfiable child of an all-of or sequence).
func (p *Pathway) Validate() error {
	if p == nil {
		return &DefinitionError{Problems: []Problem{{Path: "$", Err: fmt.Errorf("%w: nil pathway", ErrInvalid)}}}
	}
	reg, probs := newRegistry(p)
	if p.Type != "" && p.Type != TypePathway {
		probs = append(probs, Problem{Path: "$.type", Err: fmt.Errorf("%w: type %q, want Pathway", ErrInvalid, p.Type)})
	}
	v := &validator{reg: reg}
	for _, id := range sortedKeys(reg.pathways) {
		q := reg.pathways[id]
		v.node(q, &q.Requirement, pathOf(p, q)+".requirement", 0)
	}
	probs = append(probs, v.probs...)
	probs = append(probs, cycles(p, reg)...)
	if len(probs) == 0 {
		return nil
	}
	sort.SliceStable(probs, func(i, j int) bool { return probs[i].Path < probs[j].Path })
	probs = slices.CompactFunc(probs, func(a, b Problem) bool { return a.Path == b.Path && a.Err.Error() == b.Err.Error() })
	return &DefinitionError{Problems: probs}
}

// pathOf names a pathway in problem paths: "$" for the root, else
// pathway("id").
func pathOf(root, q *Pathway) string {
	if q == root {
		return "$"
	}
	return fmt.Sprintf("pathway(%q)", q.ID)
}

type validator struct {
	reg   *registry
	probs []Problem
}

func (v *validator) add(path string, err error) {
	v.probs = append(v.probs, Problem{Path: path, Err: err})
}

// node checks n and returns whether it can be satisfied and the most
// credits its subtree can carry (+Inf when unknown).
func (v *validator) node(owner *Pathway, n *Node, path string, depth int) (bool, float64) {
	if depth > DefaultMaxDepth {
		v.add(path, &LimitError{What: "requirement levels", Limit: DefaultMaxDepth})
		return false, 0
	}
	switch n.Type {
	case Requirement:
		if n.Achievement == "" {
			v.add(path+".achievement", fmt.Errorf("%w: an achievement requirement needs an achievement id", ErrInvalid))
			return false, 0
		}
		if !v.reg.achievements[n.Achievement] {
			v.add(path+".achievement", fmt.Errorf("%w: %q is not defined by the pathway", ErrUnknownAchievement, n.Achievement))
			return false, 0
		}
		if n.MinResult != "" {
			if _, err := strconv.ParseFloat(n.MinResult, 64); err != nil {
				v.add(path+".minResult", fmt.Errorf("%w: minResult %q is not a number", ErrInvalid, n.MinResult))
				return false, 0
			}
		}
		if n.MinVersion != "" && parseVersion(n.MinVersion) == nil {
			v.add(path+".minVersion", fmt.Errorf("%w: minVersion %q is not dotted numbers", ErrInvalid, n.MinVersion))
			return false, 0
		}
		if len(n.Requirements) > 0 {
			v.add(path+".requirements", fmt.Errorf("%w: an achievement requirement has no children", ErrInvalid))
		}
		c, ok := v.reg.credits[n.Achievement]
		if !ok {
			c = math.Inf(1)
		}
		return true, c
	case SubPathway:
		q, ok := v.reg.pathways[n.Pathway]
		if !ok {
			v.add(path+".pathway", fmt.Errorf("%w: %q is not defined in pathways", ErrUnknownPathway, n.Pathway))
			return false, 0
		}
		c, ok := v.reg.credits[q.Goal.ID]
		if !ok {
			c = math.Inf(1)
		}
		return true, c
	case AllOf, Sequence, AtLeast, MinCredits:
	default:
		v.add(path+".type", fmt.Errorf("%w: unknown node type %q", ErrInvalid, n.Type))
		return false, 0
	}
	sat := make([]bool, len(n.Requirements))
	credits := make([]float64, len(n.Requirements))
	for i := range n.Requirements {
		sat[i], credits[i] = v.node(owner, &n.Requirements[i], fmt.Sprintf("%s.requirements[%d]", path, i), depth+1)
	}
	nsat, total := 0, 0.0
	for i := range sat {
		if sat[i] {
			nsat++
			total += credits[i]
		}
	}
	switch n.Type {
	case AllOf, Sequence:
		if len(n.Requirements) == 0 {
			v.add(path, fmt.Errorf("%w: %s with no requirements", ErrUnsatisfiable, n.Type))
			return false, 0
		}
		if nsat < len(sat) {
			v.add(path, fmt.Errorf("%w: %s has a requirement that cannot be met", ErrUnsatisfiable, n.Type))
			return false, 0
		}
	case AtLeast:
		if n.Min < 1 {
			v.add(path+".min", fmt.Errorf("%w: min must be at least 1", ErrInvalid))
			return false, 0
		}
		if nsat < n.Min {
			v.add(path, fmt.Errorf("%w: at least %d of %d requirements that can be met", ErrUnsatisfiable, n.Min, nsat))
			return false, 0
		}
	case MinCredits:
		minc, err := strconv.ParseFloat(string(n.MinCredits), 64)
		if err != nil || minc <= 0 {
			v.add(path+".minCredits", fmt.Errorf("%w: minCredits must be a positive number", ErrInvalid))
			return false, 0
		}
		if len(n.Requirements) == 0 {
			v.add(path, fmt.Errorf("%w: MinCredits with no requirements to earn credits from", ErrUnsatisfiable))
			return false, 0
		}
		if total < minc {
			v.add(path, fmt.Errorf("%w: %s credits required, at most %s available", ErrUnsatisfiable, n.MinCredits, strconv.FormatFloat(total, 'f', -1, 64)))
			return false, 0
		}
	}
	return true, total
}

// cycles finds cycles through pathway references, and requirements for
// the goal of a pathway that encloses them.
func cycles(root *Pathway, reg *registry) []Problem {
	var probs []Problem
	seen := map[string]bool{}
	var stack []*Pathway
	budget := 20 * DefaultMaxNodes // bounds the walk over shared sub-pathways
	var visit func(q *Pathway)
	visit = func(q *Pathway) {
		if len(stack) > DefaultMaxDepth {
			return
		}
		if budget--; budget == 0 {
			probs = append(probs, Problem{Path: "$", Err: &LimitError{What: "pathway reference visits", Limit: 20 * DefaultMaxNodes}})
		}
		if budget <= 0 {
			return
		}
		for i, s := range stack {
			if s == q {
				chain := make([]string, 0, len(stack)-i+1)
				for _, x := range stack[i:] {
					chain = append(chain, x.ID)
				}
				chain = append(chain, q.ID)
				probs = append(probs, Problem{Path: "pathway " + strings.Join(chain, " -> "), Err: fmt.Errorf("%w: pathway %q requires itself", ErrCycle, q.ID)})
				return
			}
		}
		stack = append(stack, q)
		defer func() { stack = stack[:len(stack)-1] }()
		q.Requirement.walk(pathOf(root, q)+".requirement", 0, func(n *Node, path string) {
			switch n.Type {
			case Requirement:
				for i, s := range stack {
					if s.Goal.ID != "" && n.Achievement == s.Goal.ID {
						chain := make([]string, 0, len(stack)-i)
						for _, x := range stack[i:] {
							chain = append(chain, x.ID)
						}
						probs = append(probs, Problem{Path: "pathway " + strings.Join(chain, " -> ") + " at " + path,
							Err: fmt.Errorf("%w: requires %q, the goal of pathway %q", ErrCycle, n.Achievement, s.ID)})
					}
				}
			case SubPathway:
				if sub, ok := reg.pathways[n.Pathway]; ok {
					visit(sub)
				}
			}
		})
		seen[q.ID] = true
	}
	visit(root)
	for _, id := range sortedKeys(reg.pathways) {
		if !seen[id] {
			visit(reg.pathways[id])
		}
	}
	return probs
}

// walk calls f on n and every descendant, depth first, bounded.
func (n *Node) walk(path string, depth int, f func(*Node, string)) {
	if depth > DefaultMaxDepth {
		return
	}
	f(n, path)
	for i := range n.Requirements {
		n.Requirements[i].walk(fmt.Sprintf("%s.requirements[%d]", path, i), depth+1, f)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// parseVersion reads "1", "2.0", "3.1.4" (nil when it is not dotted
// numbers).
func parseVersion(s string) []int {
	parts := strings.Split(strings.TrimPrefix(s, "v"), ".")
	if len(parts) > 8 {
		return nil
	}
	out := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return nil
		}
		out[i] = n
	}
	return out
}

// versionAtLeast reports whether have >= want, comparing dotted numbers.
func versionAtLeast(have, want string) bool {
	h, w := parseVersion(have), parseVersion(want)
	if h == nil || w == nil {
		return false
	}
	for i := 0; i < max(len(h), len(w)); i++ {
		var a, b int
		if i < len(h) {
			a = h[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return a > b
		}
	}
	return true
}
