package learner

import (
	"math/big"
	"math/bits"
)

// stack computes the credits each verified credential of a wallet adds
// beyond its components (see [Wallet.Summary]), to count each credit once.
type stack struct {
	index map[*Entry]int
	// own[i] are the credits credential i adds: earned and available.
	ownEarned, ownAvailable []*big.Rat
}

// newStack reads the credits of the verified Open Badges credentials and
// the evidence links between them: credential s has component c when s
// names c's credential id as evidence (c != s). Credentials on a cycle of
// such links have no components and are no one's component (their credits
// count in full). Then, children first, each credential adds its credits
// less the credits its components (direct or not) add, never below zero.
// The work is linear in the links times the credentials / 64.
func newStack(entries []*Entry) *stack {
	st := &stack{index: map[*Entry]int{}}
	var held []*Entry
	var earned, available []*big.Rat
	byID := map[string]int{}
	for _, e := range entries {
		if !e.Verified() || e.Result.Badge == nil {
			continue
		}
		i := len(held)
		st.index[e] = i
		held = append(held, e)
		b := e.Result.Badge
		er, av := new(big.Rat), new(big.Rat)
		addDecimal(er, b.CredentialSubject.CreditsEarned)
		if a := b.CredentialSubject.Achievement; a != nil {
			addDecimal(av, a.CreditsAvailable)
		}
		earned, available = append(earned, er), append(available, av)
		if id := e.Result.Credential.ID(); id != "" {
			if _, dup := byID[id]; !dup {
				byID[id] = i
			}
		}
	}
	n := len(held)
	links := make([][]int, n)
	for i, e := range held {
		seen := map[int]bool{}
		for _, ev := range e.Result.Badge.Evidence.Values {
			if c, ok := byID[ev.ID]; ok && ev.ID != "" && c != i && !seen[c] {
				seen[c] = true
				links[i] = append(links[i], c)
			}
		}
	}
	// Drop every link into or out of a credential on a cycle.
	cyclic := onCycles(links)
	for i := range links {
		if cyclic[i] {
			links[i] = nil
			continue
		}
		kept := links[i][:0]
		for _, c := range links[i] {
			if !cyclic[c] {
				kept = append(kept, c)
			}
		}
		links[i] = kept
	}
	// Children first: desc[i] is the set of i's components, direct or not.
	words := (n + 63) / 64
	desc := make([][]uint64, n)
	st.ownEarned, st.ownAvailable = make([]*big.Rat, n), make([]*big.Rat, n)
	var visit func(i int)
	visit = func(i int) {
		if desc[i] != nil {
			return
		}
		d := make([]uint64, words)
		desc[i] = d
		for _, c := range links[i] {
			visit(c)
			d[c/64] |= 1 << (c % 64)
			for w := range d {
				d[w] |= desc[c][w]
			}
		}
		er, av := new(big.Rat).Set(earned[i]), new(big.Rat).Set(available[i])
		for w, word := range d {
			for word != 0 {
				c := w*64 + bits.TrailingZeros64(word)
				word &= word - 1
				er.Sub(er, st.ownEarned[c])
				av.Sub(av, st.ownAvailable[c])
			}
		}
		if er.Sign() < 0 {
			er.SetInt64(0)
		}
		if av.Sign() < 0 {
			av.SetInt64(0)
		}
		st.ownEarned[i], st.ownAvailable[i] = er, av
	}
	for i := range held {
		visit(i)
	}
	return st
}

// own returns the credits e adds beyond its components (zero for a
// credential that is not a verified Open Badges credential).
func (st *stack) own(e *Entry) (earned, available *big.Rat) {
	i, ok := st.index[e]
	if !ok {
		return new(big.Rat), new(big.Rat)
	}
	return st.ownEarned[i], st.ownAvailable[i]
}

// onCycles reports, for each node of the graph, whether it is on a cycle
// (Tarjan's strongly connected components: a component of more than one
// node; the graph has no self-links).
func onCycles(links [][]int) []bool {
	n := len(links)
	index, low := make([]int, n), make([]int, n)
	for i := range index {
		index[i] = -1
	}
	onStack, cyclic := make([]bool, n), make([]bool, n)
	var stackNodes []int
	next := 0
	var connect func(v int)
	connect = func(v int) {
		index[v], low[v] = next, next
		next++
		stackNodes = append(stackNodes, v)
		onStack[v] = true
		for _, w := range links[v] {
			if index[w] < 0 {
				connect(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			var comp []int
			for {
				w := stackNodes[len(stackNodes)-1]
				stackNodes = stackNodes[:len(stackNodes)-1]
				onStack[w] = false
				comp = append(comp, w)
				if w == v {
					break
				}
			}
			if len(comp) > 1 {
				for _, w := range comp {
					cyclic[w] = true
				}
			}
		}
	}
	for v := range n {
		if index[v] < 0 {
			connect(v)
		}
	}
	return cyclic
}
