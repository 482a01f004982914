package status

import (
	"container/list"
	"crypto/sha256"
	"time"
)

// DefaultMaxHighWaterMarks is how many status list URLs a [Checker]
// remembers the newest accepted list of (see [Checker.MaxHighWaterMarks]).
const DefaultMaxHighWaterMarks = 10000

// listVersion is the signed time of a status list credential: its
// validFrom (issuanceDate for VC 1.1) and the latest created time among
// its verified Data Integrity proofs. Both are covered by the list's
// proof, so only the list's signer can move them. Versions compare
// validFrom first and created second, so a publisher that keeps validFrom
// fixed and re-signs (a new created) still moves forward. A zero time is
// older than any other.
type listVersion struct {
	validFrom time.Time
	created   time.Time
}

func (v listVersion) isZero() bool { return v.validFrom.IsZero() && v.created.IsZero() }

// before reports whether v is older than w.
func (v listVersion) before(w listVersion) bool {
	if !v.validFrom.Equal(w.validFrom) {
		return v.validFrom.Before(w.validFrom)
	}
	return v.created.Before(w.created)
}

func (v listVersion) String() string {
	s := "validFrom " + stamp(v.validFrom)
	if !v.created.IsZero() {
		s += ", proof created " + stamp(v.created)
	}
	return s
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "(none)"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// highWater remembers, per list URL, the newest list version accepted,
// for at most max URLs; the least recently used URL is forgotten first.
// URLs are kept as SHA-256 digests, so an entry has a fixed size whatever
// the URL's length. It is not safe for concurrent use: the Checker holds
// its lock.
type highWater struct {
	max   int
	order *list.List // of *hwEntry, most recently used first
	byURL map[[sha256.Size]byte]*list.Element
}

type hwEntry struct {
	key [sha256.Size]byte
	v   listVersion
}

func newHighWater(max int) *highWater {
	if max <= 0 {
		max = DefaultMaxHighWaterMarks
	}
	return &highWater{max: max, order: list.New(), byURL: make(map[[sha256.Size]byte]*list.Element)}
}

// mark returns the high-water mark of url and marks url as used.
func (h *highWater) mark(url string) (listVersion, bool) {
	e, ok := h.byURL[sha256.Sum256([]byte(url))]
	if !ok {
		return listVersion{}, false
	}
	h.order.MoveToFront(e)
	return e.Value.(*hwEntry).v, true
}

// raise sets the mark of url to v if v is newer (or url has none).
func (h *highWater) raise(url string, v listVersion) {
	key := sha256.Sum256([]byte(url))
	if e, ok := h.byURL[key]; ok {
		he := e.Value.(*hwEntry)
		if he.v.before(v) {
			he.v = v
		}
		h.order.MoveToFront(e)
		return
	}
	h.byURL[key] = h.order.PushFront(&hwEntry{key: key, v: v})
	for h.order.Len() > h.max {
		last := h.order.Back()
		h.order.Remove(last)
		delete(h.byURL, last.Value.(*hwEntry).key)
	}
}

func (h *highWater) len() int { return h.order.Len() }
