package pathway

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/openbadges-go/openbadges/badge"
)

// Options adjusts [Evaluate].
type Options struct {
	// Subject, when set, is the learner: only credentials whose subject id
	// is Subject count.
	Subject string
}

// Credential is a credential as evaluation sees it; [Evaluate] builds it
// from a verification result.
type Credential struct {
	ID          string    `json:"id"`
	Issuer      string    `json:"issuer"`
	Subject     string    `json:"subject,omitempty"`
	Achievement string    `json:"achievement"`
	Name        string    `json:"name,omitempty"`
	Version     string    `json:"version,omitempty"`
	Earned      time.Time `json:"earned"`
	// Credits is what the credential counts for in a MinCredits node:
	// credentialSubject.creditsEarned when it is a number, else the
	// achievement's creditsAvailable, else 0.
	Credits float64  `json:"credits,omitempty"`
	Results []string `json:"results,omitempty"`
	// Excluded says why the credential does not count ("" when it does).
	Excluded string `json:"excluded,omitempty"`
}

// NodeProgress is the state of one requirement node.
type NodeProgress struct {
	Path        string   `json:"path"`
	Key         string   `json:"key,omitempty"`
	Type        NodeType `json:"type"`
	Name        string   `json:"name,omitempty"`
	Achievement string   `json:"achievement,omitempty"`
	Satisfied   bool     `json:"satisfied"`
	// Credentials are the ids of the credentials that satisfy the node.
	Credentials []string `json:"credentials,omitempty"`
	// Missing says in words what is still needed.
	Missing  []string `json:"missing,omitempty"`
	Fraction float64  `json:"fraction"`
	// Completed is when the node was satisfied (the latest credential it
	// uses), zero when not.
	Completed time.Time `json:"completed,omitzero"`
}

// Progress is the result of [Evaluate]. Its JSON form is deterministic.
type Progress struct {
	Pathway  string `json:"pathway"`
	Goal     string `json:"goal"`
	Complete bool   `json:"complete"`
	// Fraction complete, 0 to 1.
	Fraction float64 `json:"fraction"`
	// Nodes lists every node in depth-first order.
	Nodes []NodeProgress `json:"nodes"`
	// Next lists the achievements that can be earned next: required by an
	// unsatisfied node and not waiting for a predecessor in a sequence.
	Next []string `json:"next"`
	// Used lists the ids of the credentials that satisfy the pathway.
	Used []string `json:"used"`
	// Credentials lists every credential considered, sorted by id, with
	// the reason it was excluded, if it was.
	Credentials []Credential `json:"credentials"`
}

// Evaluate evaluates verification results against a validated pathway.
// Only credentials that verified (which includes their validity window and
// status checks) count; every other one is listed with the reason. The
// pathway is validated first; an invalid one returns its
// [*DefinitionError].
func Evaluate(p *Pathway, results []*badge.VerificationResult, o *Options) (*Progress, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var opt Options
	if o != nil {
		opt = *o
	}
	reg, _ := newRegistry(p)
	e := &evaluator{reg: reg, byAch: map[string][]int{}}
	for _, r := range results {
		c := fromResult(r)
		if c.Excluded == "" && opt.Subject != "" && c.Subject != opt.Subject {
			c.Excluded = fmt.Sprintf("subject %q is not the learner %q", c.Subject, opt.Subject)
		}
		e.creds = append(e.creds, c)
	}
	slices.SortStableFunc(e.creds, func(a, b Credential) int {
		return cmp.Or(a.Earned.Compare(b.Earned), cmp.Compare(a.ID, b.ID))
	})
	for i, c := range e.creds {
		if c.Excluded == "" {
			e.byAch[c.Achievement] = append(e.byAch[c.Achievement], i)
		}
	}
	root := e.eval(p, &p.Requirement, "$.requirement", time.Time{}, 0)
	prog := &Progress{Pathway: p.ID, Goal: p.Goal.ID, Complete: root.ok, Fraction: round(root.frac), Nodes: e.nodes, Next: []string{}, Used: []string{}}
	for _, i := range root.used {
		prog.Used = append(prog.Used, e.creds[i].ID)
	}
	slices.Sort(prog.Used)
	prog.Used = slices.Compact(prog.Used)
	e.next(p, &p.Requirement, "$.requirement", true, 0)
	slices.Sort(e.nextIDs)
	for _, id := range slices.Compact(e.nextIDs) {
		if !slices.Contains(e.blocked, id) {
			prog.Next = append(prog.Next, id)
		}
	}
	prog.Credentials = slices.Clone(e.creds)
	slices.SortStableFunc(prog.Credentials, func(a, b Credential) int { return cmp.Compare(a.ID, b.ID) })
	return prog, nil
}

func round(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 4, 64), 64)
	return v
}

// fromResult reads what evaluation needs from a verification result.
func fromResult(r *badge.VerificationResult) Credential {
	var c Credential
	if r == nil {
		c.Excluded = "no verification result"
		return c
	}
	if r.Credential != nil {
		c.ID = r.Credential.ID()
	}
	c.Issuer = r.Issuer
	if b := r.Badge; b != nil {
		s := b.CredentialSubject
		c.Subject = s.ID
		if s.Achievement != nil {
			c.Achievement = s.Achievement.ID
			c.Name = s.Achievement.Name
			c.Version = s.Achievement.Version
			if f, err := strconv.ParseFloat(string(s.Achievement.CreditsAvailable), 64); err == nil {
				c.Credits = f
			}
		}
		if f, err := strconv.ParseFloat(string(s.CreditsEarned), 64); err == nil {
			c.Credits = f
		}
		for _, res := range s.Result.Values {
			if res.Value != "" {
				c.Results = append(c.Results, res.Value)
			}
		}
		for _, d := range []badge.DateTime{b.AwardedDate, b.ValidFrom, b.IssuanceDate} {
			if t, err := d.Time(); d != "" && err == nil {
				c.Earned = t.UTC()
				break
			}
		}
	}
	switch {
	case !r.Verified:
		c.Excluded = "not verified"
		if f := r.Failed(); len(f) > 0 {
			c.Excluded = fmt.Sprintf("not verified: %s check failed: %v", f[0].ID, f[0].Err)
		}
	case r.Badge == nil:
		c.Excluded = "not an Open Badges achievement credential"
	case c.Achievement == "":
		c.Excluded = "no achievement id"
	}
	return c
}

type evaluator struct {
	reg     *registry
	creds   []Credential
	byAch   map[string][]int
	nodes   []NodeProgress
	state   map[string]outcome
	nextIDs []string
	blocked []string
}

type outcome struct {
	ok   bool
	used []int
	done time.Time
	frac float64
}

// eval evaluates n, requiring every credential it uses to be earned no
// earlier than notBefore (the completion of a sequence predecessor).
func (e *evaluator) eval(owner *Pathway, n *Node, path string, notBefore time.Time, depth int) outcome {
	idx := len(e.nodes)
	e.nodes = append(e.nodes, NodeProgress{Path: path, Key: n.Key, Type: n.Type, Name: n.Name, Achievement: n.Achievement})
	var out outcome
	var missing []string
	if depth > DefaultMaxDepth {
		missing = append(missing, "nesting too deep")
	} else {
		out, missing = e.evalKind(owner, n, path, notBefore, depth)
	}
	np := &e.nodes[idx]
	np.Satisfied, np.Fraction = out.ok, round(out.frac)
	if out.ok {
		np.Completed = out.done
	}
	for _, i := range out.used {
		np.Credentials = append(np.Credentials, e.creds[i].ID)
	}
	slices.Sort(np.Credentials)
	np.Credentials = slices.Compact(np.Credentials)
	np.Missing = missing
	if e.state == nil {
		e.state = map[string]outcome{}
	}
	e.state[path] = out
	return out
}

func (e *evaluator) evalKind(owner *Pathway, n *Node, path string, notBefore time.Time, depth int) (outcome, []string) {
	switch n.Type {
	case Requirement:
		return e.requirement(n, n.Achievement, notBefore)
	case SubPathway:
		sub := e.reg.pathways[n.Pathway]
		// A credential for the sub-pathway's goal satisfies it.
		if o, _ := e.requirement(n, sub.Goal.ID, notBefore); o.ok {
			return o, nil
		}
		// The node's own child is the sub-pathway's requirement tree.
		o := e.eval(sub, &sub.Requirement, fmt.Sprintf("%s{%s}", path, sub.ID), notBefore, depth+1)
		if o.ok {
			return o, nil
		}
		return o, []string{fmt.Sprintf("pathway %q (or a credential for %q)", sub.ID, sub.Goal.ID)}
	}
	children := make([]outcome, len(n.Requirements))
	var missing []string
	switch n.Type {
	case Sequence:
		after := notBefore
		blocked := false
		for i := range n.Requirements {
			children[i] = e.eval(owner, &n.Requirements[i], fmt.Sprintf("%s.requirements[%d]", path, i), after, depth+1)
			if children[i].ok && !blocked {
				after = children[i].done
			} else {
				blocked = true
			}
		}
		out := outcome{ok: true}
		for i, c := range children {
			if !c.ok {
				out.ok = false
				missing = append(missing, fmt.Sprintf("step %d", i+1))
			}
			out.frac += c.frac
			out.used = append(out.used, c.used...)
			out.done = maxTime(out.done, c.done)
		}
		out.frac /= float64(len(children))
		if !out.ok {
			out.used = nil
		}
		return out, missing
	case AllOf:
		out := outcome{ok: true}
		for i := range n.Requirements {
			c := e.eval(owner, &n.Requirements[i], fmt.Sprintf("%s.requirements[%d]", path, i), notBefore, depth+1)
			if !c.ok {
				out.ok = false
				missing = append(missing, nodeLabel(&n.Requirements[i], fmt.Sprintf("requirement %d", i+1)))
			}
			out.frac += c.frac
			out.used = append(out.used, c.used...)
			out.done = maxTime(out.done, c.done)
		}
		out.frac /= float64(len(n.Requirements))
		if !out.ok {
			out.used = nil
		}
		return out, missing
	case AtLeast:
		for i := range n.Requirements {
			children[i] = e.eval(owner, &n.Requirements[i], fmt.Sprintf("%s.requirements[%d]", path, i), notBefore, depth+1)
		}
		order := make([]int, len(children))
		for i := range order {
			order[i] = i
		}
		// Satisfied first, earliest completion first, then most progress.
		slices.SortStableFunc(order, func(a, b int) int {
			ca, cb := children[a], children[b]
			if ca.ok != cb.ok {
				if ca.ok {
					return -1
				}
				return 1
			}
			if ca.ok {
				return ca.done.Compare(cb.done)
			}
			return cmp.Compare(cb.frac, ca.frac)
		})
		out := outcome{ok: true}
		for _, i := range order[:min(n.Min, len(order))] {
			c := children[i]
			if !c.ok {
				out.ok = false
			}
			out.frac += c.frac
			out.used = append(out.used, c.used...)
			out.done = maxTime(out.done, c.done)
		}
		out.frac /= float64(n.Min)
		if !out.ok {
			have := 0
			for _, c := range children {
				if c.ok {
					have++
				}
			}
			missing = append(missing, fmt.Sprintf("%d more of %d options", n.Min-have, len(children)))
			out.used = nil
		}
		return out, missing
	case MinCredits:
		want, _ := strconv.ParseFloat(string(n.MinCredits), 64)
		var pool []int
		for i := range n.Requirements {
			c := e.eval(owner, &n.Requirements[i], fmt.Sprintf("%s.requirements[%d]", path, i), notBefore, depth+1)
			if c.ok {
				pool = append(pool, c.used...)
			}
		}
		slices.Sort(pool) // credentials are indexed in earned order
		pool = slices.Compact(pool)
		out := outcome{}
		sum := 0.0
		for _, i := range pool {
			if sum >= want {
				break
			}
			sum += e.creds[i].Credits
			out.used = append(out.used, i)
			out.done = maxTime(out.done, e.creds[i].Earned)
		}
		out.ok = sum >= want
		out.frac = min(sum/want, 1)
		if !out.ok {
			missing = append(missing, fmt.Sprintf("%s more credits (have %s of %s)",
				strconv.FormatFloat(want-sum, 'f', -1, 64), strconv.FormatFloat(sum, 'f', -1, 64), n.MinCredits))
			out.used = nil
			out.done = time.Time{}
		}
		return out, missing
	}
	return outcome{}, []string{"unknown node type"}
}

func nodeLabel(n *Node, fallback string) string {
	switch {
	case n.Name != "":
		return n.Name
	case n.Key != "":
		return n.Key
	case n.Achievement != "":
		return n.Achievement
	}
	return fallback
}

// requirement picks the earliest credential for achievement that meets the
// node's rules and was earned no earlier than notBefore.
func (e *evaluator) requirement(n *Node, achievement string, notBefore time.Time) (outcome, []string) {
	var why []string
	for _, i := range e.byAch[achievement] {
		c := &e.creds[i]
		switch {
		case len(n.Issuers) > 0 && !slices.Contains(n.Issuers, c.Issuer):
			why = append(why, fmt.Sprintf("%s: issuer %q is not accepted", c.ID, c.Issuer))
		case n.MinResult != "" && !resultAtLeast(c.Results, n.MinResult):
			why = append(why, fmt.Sprintf("%s: result below %s", c.ID, n.MinResult))
		case n.MinVersion != "" && !versionAtLeast(c.Version, n.MinVersion):
			why = append(why, fmt.Sprintf("%s: version %q below %s", c.ID, c.Version, n.MinVersion))
		case c.Earned.Before(notBefore):
			why = append(why, fmt.Sprintf("%s: earned %s, before its predecessor was completed (%s)", c.ID, c.Earned.Format(time.RFC3339), notBefore.Format(time.RFC3339)))
		default:
			return outcome{ok: true, used: []int{i}, done: c.Earned, frac: 1}, nil
		}
	}
	return outcome{}, append([]string{"a credential for " + achievement}, why...)
}

func resultAtLeast(values []string, min string) bool {
	m, err := strconv.ParseFloat(min, 64)
	if err != nil {
		return false
	}
	for _, v := range values {
		if f, err := strconv.ParseFloat(v, 64); err == nil && f >= m {
			return true
		}
	}
	return false
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// next collects the achievements that can be earned next: under nodes
// that are still needed and not waiting in a sequence.
func (e *evaluator) next(owner *Pathway, n *Node, path string, active bool, depth int) {
	if depth > DefaultMaxDepth {
		return
	}
	st := e.state[path]
	if st.ok || !active {
		return
	}
	switch n.Type {
	case Requirement:
		e.nextIDs = append(e.nextIDs, n.Achievement)
	case SubPathway:
		sub := e.reg.pathways[n.Pathway]
		e.next(sub, &sub.Requirement, fmt.Sprintf("%s{%s}", path, sub.ID), true, depth+1)
	case Sequence:
		first := true
		for i := range n.Requirements {
			p := fmt.Sprintf("%s.requirements[%d]", path, i)
			if e.state[p].ok {
				continue
			}
			if first {
				e.next(owner, &n.Requirements[i], p, true, depth+1)
				first = false
				continue
			}
			// Later steps wait for their predecessor.
			n.Requirements[i].walk(p, depth+1, func(m *Node, _ string) {
				if m.Type == Requirement {
					e.blocked = append(e.blocked, m.Achievement)
				}
			})
		}
	default:
		for i := range n.Requirements {
			e.next(owner, &n.Requirements[i], fmt.Sprintf("%s.requirements[%d]", path, i), true, depth+1)
		}
	}
}
