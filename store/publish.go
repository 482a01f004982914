package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/openbadges-go/openbadges/status"
)

// PublishStore is what a [Publisher] needs of a store.
type PublishStore interface {
	Lists
	Leases
}

// Publisher re-signs the status lists whose entries changed and stores the
// signed lists to publish, one signer per list at a time across every
// process sharing the store (a lease per list, [LeaseName]), and once per
// burst of changes: [Publisher.Run] waits for changes to stop (Quiet)
// before signing, and signs the list as it is then.
//
// A new list (made when a pool's current list is full, or by the first
// allocation) is stale too: it must be published before the credentials
// using it are checked. Run publishes it at its next pass; a caller that
// needs it published at once calls [Publisher.PublishStale].
//
// Fields are read when a method is called and must not change after; the
// methods are safe for concurrent use.
type Publisher struct {
	// Store holds the lists. Required.
	Store PublishStore
	// Sign signs a list, as it is to be published: typically
	//
	//	func(ctx context.Context, l *status.List) ([]byte, error) {
	//		return l.Sign(ctx, key, &status.SignOptions{ValidFor: 24 * time.Hour})
	//	}
	//
	// Required. It may be called concurrently for different lists.
	Sign func(ctx context.Context, l *status.List) ([]byte, error)
	// Holder names this publisher in leases ("" = a random name, fixed
	// at first use).
	Holder string
	// LeaseTTL bounds how long a publisher that died holds a list
	// (0 = 30 s). Signing one list must take less.
	LeaseTTL time.Duration
	// Quiet is how long Run waits after a change ([Publisher.Notify]) for
	// the next before it signs (0 = 200 ms); MaxDelay caps that wait under a
	// steady stream of changes (0 = 2 s).
	Quiet, MaxDelay time.Duration
	// Interval is how often Run looks for lists that other processes
	// changed (0 = 2 s).
	Interval time.Duration
	// Errors, when set, is told of each error of Run's passes (Run goes
	// on after them).
	Errors func(error)
	// Published, when set, is called with a list's id after this
	// publisher stored a newly signed copy of it. A verifier of the same
	// process uses it to see the change at once (status.Checker.Forget).
	// It runs on the publishing goroutine: keep it short.
	Published func(id string)

	once   sync.Once
	holder string
	notify chan struct{}
}

func (p *Publisher) init() {
	p.once.Do(func() {
		p.holder = p.Holder
		if p.holder == "" {
			var b [12]byte
			_, _ = rand.Read(b[:])
			p.holder = "publisher-" + hex.EncodeToString(b[:])
		}
		p.notify = make(chan struct{}, 1)
	})
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Notify tells Run that a list changed (after [Revocations.SetStatus] or a
// reservation): it signs after the burst. It never blocks.
func (p *Publisher) Notify() {
	p.init()
	select {
	case p.notify <- struct{}{}:
	default:
	}
}

// Run publishes stale lists until ctx is done: at once, after each burst of
// changes notified, and every Interval. It returns ctx's error.
func (p *Publisher) Run(ctx context.Context) error {
	p.init()
	if p.Store == nil || p.Sign == nil {
		return fmt.Errorf("%w: publisher needs Store and Sign", ErrInvalid)
	}
	quiet, maxDelay := orDefault(p.Quiet, 200*time.Millisecond), orDefault(p.MaxDelay, 2*time.Second)
	tick := time.NewTicker(orDefault(p.Interval, 2*time.Second))
	defer tick.Stop()
	pass := func() {
		if _, err := p.PublishStale(ctx); err != nil && ctx.Err() == nil && p.Errors != nil {
			p.Errors(err)
		}
	}
	pass()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		case <-p.notify:
			// Wait for the burst to end.
			deadline := time.NewTimer(maxDelay)
			q := time.NewTimer(quiet)
		burst:
			for {
				select {
				case <-ctx.Done():
					deadline.Stop()
					q.Stop()
					return ctx.Err()
				case <-p.notify:
					q.Reset(quiet)
				case <-q.C:
					break burst
				case <-deadline.C:
					break burst
				}
			}
			deadline.Stop()
			q.Stop()
		}
		pass()
	}
}

// PublishStale signs and stores every stale list that no other publisher
// holds, and returns the ids of those it published.
func (p *Publisher) PublishStale(ctx context.Context) ([]string, error) {
	p.init()
	ids, err := p.Store.Stale(ctx)
	if err != nil {
		return nil, err
	}
	var done []string
	var errs []error
	for _, id := range ids {
		ok, err := p.PublishList(ctx, id)
		if err != nil {
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
			continue
		}
		if ok {
			done = append(done, id)
		}
	}
	return done, errors.Join(errs...)
}

// PublishList signs and stores list id if it is stale and no other
// publisher holds it; it reports whether it published it.
func (p *Publisher) PublishList(ctx context.Context, id string) (bool, error) {
	p.init()
	name := LeaseName(id)
	ok, err := p.Store.Acquire(ctx, name, p.holder, orDefault(p.LeaseTTL, 30*time.Second))
	if err != nil || !ok {
		return false, err
	}
	defer func() { _ = p.Store.Release(context.WithoutCancel(ctx), name, p.holder) }()
	snap, err := p.Store.Snapshot(ctx, id)
	if err != nil {
		return false, err
	}
	if snap.SignedVersion >= snap.Version {
		return false, nil // published by another while we waited
	}
	l, err := BuildList(snap)
	if err != nil {
		return false, err
	}
	signed, err := p.Sign(ctx, l)
	if err != nil {
		return false, fmt.Errorf("store: signing list %s: %w", id, err)
	}
	if _, err := p.Store.Publish(ctx, id, p.holder, snap.Version, signed); err != nil {
		if errors.Is(err, ErrStale) {
			return false, nil
		}
		return false, err
	}
	if p.Published != nil {
		p.Published(id)
	}
	return true, nil
}

// BuildList returns the [status.List] of a snapshot, to sign: its entries
// are exactly the snapshot's. When the list was signed before (as JSON),
// the list is read back from that credential, so that a list signed again
// within the same second is still newer for verifiers ([status.List.Sign]).
func BuildList(snap *Snapshot) (*status.List, error) {
	var l *status.List
	if len(snap.Signed) > 0 && bytes.HasPrefix(bytes.TrimSpace(snap.Signed), []byte("{")) {
		if prev, err := status.ParseList(snap.Signed, 1, nil); err == nil {
			o := prev.Options()
			if o.ID == snap.ID && o.Purpose == snap.Purpose && o.Format == snap.Format {
				l = prev
			}
		}
	}
	if l == nil {
		var err error
		l, err = status.NewList(status.ListOptions{ID: snap.ID, Issuer: snap.Issuer, Format: snap.Format,
			Purpose: snap.Purpose, Entries: snap.Entries})
		if err != nil {
			return nil, err
		}
	} else {
		// Clear what the previous list set.
		for i, b := range l.Bitstring().Bytes() {
			for bit := range 8 {
				if b&(0x80>>bit) != 0 {
					if err := l.Clear(i*8 + bit); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	for _, i := range snap.Set {
		if err := l.Set(i, 1); err != nil {
			return nil, err
		}
	}
	return l, nil
}
