package store

import (
	"context"
	"sync"
)

// group merges concurrent calls into one transaction (group commit): while
// one round runs, the calls that arrive wait, and the next round runs them
// all at once, so that one commit (one fsync, one round of row locks)
// covers many callers. A merged round that fails is run again call by
// call, so that each caller gets its own outcome, as if alone.
type group[In, Out any] struct {
	run func(ctx context.Context, in []In) ([]Out, error)

	mu      sync.Mutex
	busy    bool
	pending []*groupCall[In, Out]
}

type groupCall[In, Out any] struct {
	ctx  context.Context
	in   []In
	out  []Out
	err  error
	wake chan bool // true: lead the next round; false: done
}

func (g *group[In, Out]) do(ctx context.Context, in []In) ([]Out, error) {
	c := &groupCall[In, Out]{ctx: ctx, in: in, wake: make(chan bool, 1)}
	g.mu.Lock()
	g.pending = append(g.pending, c)
	if g.busy {
		g.mu.Unlock()
		if lead := <-c.wake; !lead {
			return c.out, c.err
		}
		g.mu.Lock()
	}
	g.busy = true
	batch := g.pending
	g.pending = nil
	g.mu.Unlock()

	g.round(batch)

	g.mu.Lock()
	if len(g.pending) > 0 {
		next := g.pending[0]
		g.mu.Unlock()
		next.wake <- true
	} else {
		g.busy = false
		g.mu.Unlock()
	}
	for _, o := range batch {
		if o != c {
			o.wake <- false
		}
	}
	return c.out, c.err
}

// round runs a batch of calls: merged, or one by one if the merged run
// fails.
func (g *group[In, Out]) round(batch []*groupCall[In, Out]) {
	if len(batch) == 1 {
		c := batch[0]
		c.out, c.err = g.run(c.ctx, c.in)
		return
	}
	var all []In
	for _, c := range batch {
		all = append(all, c.in...)
	}
	// The merged round is everyone's: no single caller's cancellation
	// stops it.
	out, err := g.run(context.WithoutCancel(batch[0].ctx), all)
	if err == nil && len(out) == len(all) {
		for _, c := range batch {
			c.out, out = out[:len(c.in):len(c.in)], out[len(c.in):]
		}
		return
	}
	for _, c := range batch {
		if err := c.ctx.Err(); err != nil {
			c.err = err
			continue
		}
		c.out, c.err = g.run(c.ctx, c.in)
	}
}
