package rdfc

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"hash/maphash"
	"io"
	"slices"
	"strconv"
	"sync"

	"github.com/openbadges-go/openbadges/internal/rdf"
)

// DefaultMaxWork is the work budget used when Options.MaxWork is zero or
// negative. See [Options] for how work is counted. It is roughly 50ms of
// CPU time: about 35 times what the suite's hardest positive tests (the
// "evil" poison graphs test044-046) need, and enough for, say, an RDF list
// of 90 identical blank-node entries, whose cost grows with the cube of
// its length.
const DefaultMaxWork = 1_000_000

// maxDepth bounds the recursion of Hash N-Degree Quads. A chain that deep
// of blank nodes RDFC-1.0 cannot tell apart costs far more than any
// sensible work budget, so the cap only keeps the stack small.
const maxDepth = 4096

// Options configures [Canonicalize]. The zero value (or a nil *Options)
// means SHA-256 and [DefaultMaxWork].
type Options struct {
	// Hash is the hash algorithm of RDFC-1.0: 0 means crypto.SHA256 (the
	// specification's default); crypto.SHA384 and crypto.SHA512 are also
	// supported. Anything else fails with ErrUnsupportedHash.
	Hash crypto.Hash

	// MaxWork bounds the work spent in the Hash N-Degree Quads algorithm,
	// the only part of RDFC-1.0 that can grow faster than n·log n. Work is
	// counted in units of roughly equal cost (tens of nanoseconds): each
	// call of that algorithm costs 1; each hash it computes costs 1 plus
	// one per 128 bytes hashed; each permutation tried costs 1 plus its
	// length plus the size of the identifier issuer it copies. Datasets
	// whose blank nodes all have distinct first-degree hashes (nearly every
	// real credential) cost 0. Zero or negative means DefaultMaxWork.
	MaxWork int

	// OmitQuads leaves Result.Quads nil, for callers that need only the
	// canonical N-Quads and the identifier map (it saves an allocation of
	// the whole dataset per call).
	OmitQuads bool

	// Sink, when set, receives the canonical N-Quads, line by line in
	// order, instead of Result.NQuads (which is then nil): a hash.Hash
	// hashes them without a copy of the document being kept.
	Sink io.Writer

	// OmitIdentifiers leaves Result.IssuedIdentifiers nil, for callers
	// that need only the canonical N-Quads (a Data Integrity proof).
	OmitIdentifiers bool

	// Valid says the quads are known to pass rdf.Quad.Validate: they were
	// produced by internal/jsonld, whose every quad FuzzToRDF checks with
	// it. Canonicalize then does not validate them again. Quads from
	// anywhere else (parsed N-Quads, another JSON-LD processor) must
	// leave it false.
	Valid bool
}

// Result is a canonicalized dataset.
type Result struct {
	// Quads are the distinct input quads with blank nodes relabelled
	// canonically, sorted in the order of their canonical N-Quads lines.
	Quads []rdf.Quad
	// NQuads is the canonical N-Quads document: each statement of Quads,
	// in order, terminated by "\n".
	NQuads []byte
	// IssuedIdentifiers maps every input blank node label to its canonical
	// label ("c14n0", "c14n1", ...), both without the "_:" prefix.
	IssuedIdentifiers map[string]string
}

// Canonicalize runs RDFC-1.0 over quads, which are read but not modified.
// Duplicate quads count once. Every quad must pass [rdf.Quad.Validate],
// otherwise the error is a *QuadError. When the work budget is exhausted
// the error is a *LimitError (errors.Is(err, ErrLimitExceeded)); when ctx
// is done, the error wraps ctx.Err().
func Canonicalize(ctx context.Context, quads []rdf.Quad, opts *Options) (*Result, error) {
	if ctx == nil {
		return nil, ErrNilContext
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	var newHash func() hash.Hash
	switch o.Hash {
	case 0, crypto.SHA256:
		newHash = sha256.New
	case crypto.SHA384:
		newHash = sha512.New384
	case crypto.SHA512:
		newHash = sha512.New
	default:
		return nil, fmt.Errorf("%w: %v", ErrUnsupportedHash, o.Hash)
	}
	if o.MaxWork <= 0 {
		o.MaxWork = DefaultMaxWork
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("rdfc: %w", err)
	}
	s := statePool.Get().(*state)
	s.reset(ctx, newHash(), o.MaxWork)
	s.valid = o.Valid
	defer s.release()
	if err := s.load(quads); err != nil {
		return nil, err
	}
	if err := s.label(); err != nil {
		return nil, err
	}
	return s.result(&o), nil
}

// statePool recycles the scratch buffers of canonicalization. Nothing a
// Result holds points into them. Verification on several cores is limited
// by garbage collection, and these buffers were a third of what it
// allocated.
var statePool = sync.Pool{New: func() any { return new(state) }}

// maxPooledQuads keeps buffers of unusually large datasets out of the pool.
const maxPooledQuads = 4096

func (s *state) reset(ctx context.Context, h hash.Hash, maxWork int) {
	*s = state{
		ctx: ctx, h: h, maxWork: maxWork,
		quads: s.quads[:0], text: s.text[:0], nodes: s.nodes[:0],
		lineBuf: s.lineBuf[:0], spans: s.spans[:0],
		outBuf: s.outBuf[:0], outSpans: s.outSpans[:0],
		labels: s.labels[:0], order: s.order[:0],
		index: s.index, seen: s.seen,
	}
	clear(s.index)
	clear(s.seen)
}

func (s *state) release() {
	if cap(s.quads) > maxPooledQuads {
		return
	}
	if len(s.index) > maxPooledQuads || len(s.seen) > maxPooledQuads {
		s.index, s.seen = nil, nil // clear would keep their buckets
	}
	s.ctx, s.h = nil, nil
	statePool.Put(s)
}

// Quad positions. The predicate is never a blank node.
const (
	posS = 0
	posP = 1
	posO = 2
	posG = 3
)

// span is a byte range in a buffer.
type span struct{ off, end int }

// iquad is an input quad prepared for hashing.
type iquad struct {
	q    rdf.Quad // normalized input quad
	text [4]span  // canonical text of each non-blank term (empty for the default graph)
	bn   [4]int32 // blank node index of each position, or -1
}

// node is a blank node of the input.
type node struct {
	label string
	quads []int32 // indexes of the quads mentioning it, each once, in input order
	h1    string  // first-degree hash, hex
}

// state is the canonicalization state of one Canonicalize call.
type state struct {
	ctx     context.Context
	h       hash.Hash
	sum     []byte
	maxWork int
	work    int
	ticks   int
	depth   int // current recursion depth of hashNDegree

	quads []iquad
	text  []byte // canonical text of non-blank terms, see iquad.text
	nodes []node
	canon []int32 // canonical number of each node, or -1
	next  int32   // next canonical number
	rank  []int32 // position of each node in label order, built on demand

	lineBuf []byte // scratch for first-degree hashing
	spans   []span

	outBuf   []byte // scratch for the serialization in result
	outSpans []span
	labels   []string
	order    []int32

	valid bool // Options.Valid

	index map[string]int32 // blank node label -> node, reused (cleared)
	seen  map[uint64]int32 // quad text hash -> quad, reused (cleared)
}

// normalize gives equal quads equal representations, so that a map can
// remove duplicates (the dataset is a set).
func normalize(t rdf.Term) rdf.Term {
	switch t.Kind {
	case rdf.Literal:
		if t.Language != "" {
			t.Datatype = rdf.RDFLangString
		} else if t.Datatype == "" {
			t.Datatype = rdf.XSDString
		}
	case rdf.None:
		return rdf.Term{}
	default:
		t.Datatype, t.Language = "", ""
	}
	return t
}

// load validates and deduplicates the input, serializes its non-blank terms
// once, and builds the blank node to quads map.
func (s *state) load(quads []rdf.Quad) error {
	size := 0
	for i := range quads {
		q := &quads[i]
		size += termSize(&q.Subject) + termSize(&q.Predicate) + termSize(&q.Object) + termSize(&q.Graph)
	}
	if cap(s.text) >= size {
		s.text = s.text[:0]
	} else {
		s.text = make([]byte, 0, size)
	}
	if cap(s.quads) >= len(quads) {
		s.quads = s.quads[:0]
	} else {
		s.quads = make([]iquad, 0, len(quads))
	}
	if s.index == nil {
		s.index = make(map[string]int32)
	}
	index := s.index

	// Duplicates are found through a hash of each quad's text; equal
	// hashes are confirmed term by term, and unequal ones probe onwards.
	var seen map[uint64]int32
	var seed maphash.Seed
	if len(quads) > 1 {
		if s.seen == nil {
			s.seen = make(map[uint64]int32, len(quads))
		}
		seen = s.seen
		seed = maphash.MakeSeed()
	}
	for i := range quads {
		if i&1023 == 1023 {
			if err := s.ctx.Err(); err != nil {
				return fmt.Errorf("rdfc: %w", err)
			}
		}
		q := quads[i]
		if !s.valid {
			if err := q.Validate(); err != nil {
				return &QuadError{Index: i, Err: err}
			}
		}
		q.Subject, q.Predicate = normalize(q.Subject), normalize(q.Predicate)
		q.Object, q.Graph = normalize(q.Object), normalize(q.Graph)
		iq := iquad{q: q}
		qstart := len(s.text)
		for pos, t := range [4]*rdf.Term{&q.Subject, &q.Predicate, &q.Object, &q.Graph} {
			iq.bn[pos] = -1
			switch t.Kind {
			case rdf.None:
			case rdf.BlankNode:
				n, ok := index[t.Value]
				if !ok {
					n = int32(len(s.nodes))
					index[t.Value] = n
					s.nodes = append(s.nodes, node{label: t.Value})
				}
				iq.bn[pos] = n
			default:
				start := len(s.text)
				s.text = rdf.AppendTerm(s.text, *t)
				iq.text[pos] = span{start, len(s.text)}
			}
		}
		qi := int32(len(s.quads))
		if seen != nil {
			h := maphash.Bytes(seed, s.text[qstart:])
			for _, b := range iq.bn {
				h = h*1099511628211 + uint64(uint32(b))
			}
			dup := false
			for {
				j, ok := seen[h]
				if !ok {
					seen[h] = qi
					break
				}
				if s.sameQuad(&s.quads[j], &iq) {
					dup = true
					break
				}
				h++
			}
			if dup {
				s.text = s.text[:qstart]
				continue
			}
		}
		for _, pos := range [3]int{posS, posO, posG} {
			if n := iq.bn[pos]; n >= 0 {
				// A node mentioned twice in one quad lists the quad once.
				if l := s.nodes[n].quads; len(l) == 0 || l[len(l)-1] != qi {
					s.nodes[n].quads = append(l, qi)
				}
			}
		}
		s.quads = append(s.quads, iq)
	}
	s.canon = make([]int32, len(s.nodes))
	for i := range s.canon {
		s.canon[i] = -1
	}
	return nil
}

// termSize estimates the length of the canonical text of t.
func termSize(t *rdf.Term) int {
	if t.Kind == rdf.BlankNode || t.Kind == rdf.None {
		return 0
	}
	return len(t.Value) + len(t.Datatype) + len(t.Language) + 6
}

// sameQuad reports whether two prepared quads are the same statement.
func (s *state) sameQuad(a, b *iquad) bool {
	if a.bn != b.bn {
		return false
	}
	for pos := range a.text {
		x, y := a.text[pos], b.text[pos]
		if !bytes.Equal(s.text[x.off:x.end], s.text[y.off:y.end]) {
			return false
		}
	}
	return true
}

// spend charges n units of work and checks ctx every so often.
func (s *state) spend(n int) error {
	s.work += n
	if s.work > s.maxWork {
		return &LimitError{MaxWork: s.maxWork, BlankNodes: len(s.nodes)}
	}
	s.ticks++
	if s.ticks&63 == 0 {
		if err := s.ctx.Err(); err != nil {
			return fmt.Errorf("rdfc: %w", err)
		}
	}
	return nil
}

// digest returns the hex hash of b.
func (s *state) digest(b []byte) string {
	s.h.Reset()
	s.h.Write(b)
	s.sum = s.h.Sum(s.sum[:0])
	return hex.EncodeToString(s.sum)
}

// issueCanonical gives n the next canonical identifier unless it has one.
func (s *state) issueCanonical(n int32) {
	if s.canon[n] < 0 {
		s.canon[n] = s.next
		s.next++
	}
}

// label runs the main loop of the canonicalization algorithm (spec 4.4.3,
// steps 3 to 5), filling s.canon.
func (s *state) label() error {
	// Step 3: first-degree hashes.
	// The hex hashes are written into one buffer and made into one
	// string, which each node's hash is a substring of.
	byHash := make(map[string][]int32, len(s.nodes))
	slab := make([]byte, 0, len(s.nodes)*hex.EncodedLen(s.h.Size()))
	for n := range s.nodes {
		if n&255 == 255 {
			if err := s.ctx.Err(); err != nil {
				return fmt.Errorf("rdfc: %w", err)
			}
		}
		slab = hex.AppendEncode(slab, s.hashFirstDegree(int32(n)))
	}
	all, size := string(slab), hex.EncodedLen(s.h.Size())
	for n := range s.nodes {
		h := all[n*size : (n+1)*size]
		s.nodes[n].h1 = h
		byHash[h] = append(byHash[h], int32(n))
	}
	hashes := make([]string, 0, len(byHash))
	for h := range byHash {
		hashes = append(hashes, h)
	}
	slices.Sort(hashes)

	// Step 4: nodes with a unique first-degree hash, in hash order.
	shared := hashes[:0:0]
	for _, h := range hashes {
		if l := byHash[h]; len(l) == 1 {
			s.issueCanonical(l[0])
		} else {
			shared = append(shared, h)
		}
	}

	// Step 5: the rest, through Hash N-Degree Quads.
	type result struct {
		hash string
		is   *issuer
	}
	var results []result
	for _, h := range shared {
		results = results[:0]
		for _, n := range byHash[h] {
			if s.canon[n] >= 0 {
				continue
			}
			is := &issuer{}
			is.issue(n)
			hn, is, err := s.hashNDegree(n, is)
			if err != nil {
				return err
			}
			results = append(results, result{hn, is})
		}
		slices.SortStableFunc(results, func(a, b result) int {
			switch {
			case a.hash < b.hash:
				return -1
			case a.hash > b.hash:
				return 1
			}
			return 0
		})
		for _, r := range results {
			for _, n := range r.is.order {
				s.issueCanonical(n)
			}
		}
	}
	return nil
}

// appendFirstDegree appends quad q as an N-Quads line, writing blank nodes
// as _:a when they are n and _:z otherwise (spec 4.6.3, step 2).
func (s *state) appendFirstDegree(dst []byte, q *iquad, n int32) []byte {
	for pos := posS; pos <= posG; pos++ {
		if pos == posG && q.bn[posG] < 0 && q.text[posG].end == q.text[posG].off {
			break // default graph
		}
		if pos > posS {
			dst = append(dst, ' ')
		}
		switch b := q.bn[pos]; {
		case b < 0:
			dst = append(dst, s.text[q.text[pos].off:q.text[pos].end]...)
		case b == n:
			dst = append(dst, "_:a"...)
		default:
			dst = append(dst, "_:z"...)
		}
	}
	return append(dst, " .\n"...)
}

// hashFirstDegree is the Hash First Degree Quads algorithm (spec 4.6). It
// returns the hash (not hex encoded) in the state's buffer, valid until
// the next hash.
func (s *state) hashFirstDegree(n int32) []byte {
	qs := s.nodes[n].quads
	buf := s.lineBuf[:0]
	spans := s.spans[:0]
	for _, qi := range qs {
		start := len(buf)
		buf = s.appendFirstDegree(buf, &s.quads[qi], n)
		spans = append(spans, span{start, len(buf)})
	}
	s.h.Reset()
	if len(spans) > 1 {
		slices.SortFunc(spans, func(a, b span) int {
			return bytes.Compare(buf[a.off:a.end], buf[b.off:b.end])
		})
		for _, sp := range spans {
			s.h.Write(buf[sp.off:sp.end])
		}
	} else {
		s.h.Write(buf)
	}
	s.lineBuf, s.spans = buf, spans
	s.sum = s.h.Sum(s.sum[:0])
	return s.sum
}

// appendID appends "_:" and the identifier of n: canonical if it has one,
// else from is if it has one. ok is false when n has neither.
func (s *state) appendID(dst []byte, n int32, is *issuer) ([]byte, bool) {
	if c := s.canon[n]; c >= 0 {
		dst = append(dst, "_:c14n"...)
		return strconv.AppendInt(dst, int64(c), 10), true
	}
	if k := is.lookup(n); k >= 0 {
		dst = append(dst, "_:b"...)
		return strconv.AppendInt(dst, int64(k), 10), true
	}
	return dst, false
}

// hashRelated is the Hash Related Blank Node algorithm (spec 4.7).
func (s *state) hashRelated(buf []byte, related int32, q *iquad, is *issuer, pos int) ([]byte, string) {
	buf = buf[:0]
	buf = append(buf, "s?og"[pos])
	if pos != posG {
		buf = append(buf, s.text[q.text[posP].off:q.text[posP].end]...)
	}
	var ok bool
	if buf, ok = s.appendID(buf, related, is); !ok {
		buf = append(buf, s.nodes[related].h1...)
	}
	return buf, s.digest(buf)
}

// hashNDegree is the Hash N-Degree Quads algorithm (spec 4.8). It does not
// modify is; the returned issuer is is itself or a new one.
func (s *state) hashNDegree(id int32, is *issuer) (string, *issuer, error) {
	if err := s.spend(1); err != nil {
		return "", nil, err
	}
	if s.depth >= maxDepth {
		return "", nil, &LimitError{MaxWork: s.maxWork, BlankNodes: len(s.nodes)}
	}
	s.depth++
	defer func() { s.depth-- }()
	// Steps 1-3: group related blank nodes by the hash of their relation.
	hn := make(map[string][]int32)
	var buf []byte
	for _, qi := range s.nodes[id].quads {
		q := &s.quads[qi]
		for _, pos := range [3]int{posS, posO, posG} {
			r := q.bn[pos]
			if r < 0 || r == id {
				continue
			}
			var h string
			buf, h = s.hashRelated(buf, r, q, is, pos)
			if err := s.spend(hashCost(len(buf))); err != nil {
				return "", nil, err
			}
			hn[h] = append(hn[h], r)
		}
	}
	keys := make([]string, 0, len(hn))
	for h := range hn {
		keys = append(keys, h)
	}
	slices.Sort(keys)
	if len(keys) > 0 && s.rank == nil {
		s.buildRank()
	}

	// Steps 4-5.
	data := buf[:0]
	var path, chosenPath []byte
	var recursion []int32
	for _, key := range keys {
		data = append(data, key...)
		perm := hn[key]
		slices.SortFunc(perm, func(a, b int32) int { return int(s.rank[a] - s.rank[b]) })
		var chosenIssuer *issuer
		haveChosen := false
		for more := true; more; more = nextPermutation(perm, s.rank) {
			if err := s.spend(1 + len(perm) + len(is.order)); err != nil {
				return "", nil, err
			}
			isc := is.clone()
			path = path[:0]
			recursion = recursion[:0]
			skip := false
			for _, r := range perm {
				var ok bool
				if path, ok = s.appendID(path, r, isc); !ok {
					recursion = append(recursion, r)
					path = append(path, "_:b"...)
					path = strconv.AppendInt(path, int64(isc.issue(r)), 10)
				}
				if haveChosen && len(path) >= len(chosenPath) && bytes.Compare(path, chosenPath) > 0 {
					skip = true
					break
				}
			}
			if skip {
				continue
			}
			for _, r := range recursion {
				h, ris, err := s.hashNDegree(r, isc)
				if err != nil {
					return "", nil, err
				}
				path = append(path, "_:b"...)
				path = strconv.AppendInt(path, int64(isc.issue(r)), 10)
				path = append(path, '<')
				path = append(path, h...)
				path = append(path, '>')
				isc = ris
				if haveChosen && len(path) >= len(chosenPath) && bytes.Compare(path, chosenPath) > 0 {
					skip = true
					break
				}
			}
			if skip {
				continue
			}
			if !haveChosen || bytes.Compare(path, chosenPath) < 0 {
				haveChosen = true
				chosenPath, path = path, chosenPath
				chosenIssuer = isc
			}
		}
		data = append(data, chosenPath...)
		is = chosenIssuer
	}
	if err := s.spend(hashCost(len(data))); err != nil {
		return "", nil, err
	}
	return s.digest(data), is, nil
}

// hashCost is the work charged for hashing n bytes: one unit per 128 bytes
// and one for the call, so that huge IRIs cannot make a unit expensive.
func hashCost(n int) int { return 1 + n/128 }

// buildRank orders the blank nodes by label, the order in which the
// related nodes of a hash are permuted.
func (s *state) buildRank() {
	order := make([]int32, len(s.nodes))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		la, lb := s.nodes[a].label, s.nodes[b].label
		switch {
		case la < lb:
			return -1
		case la > lb:
			return 1
		}
		return 0
	})
	s.rank = make([]int32, len(s.nodes))
	for i, n := range order {
		s.rank[n] = int32(i)
	}
}

// nextPermutation rearranges p into the next permutation in lexicographic
// order of rank, reporting false (and leaving p unchanged) after the last.
// Repeated elements yield each distinct permutation once.
func nextPermutation(p []int32, rank []int32) bool {
	i := len(p) - 2
	for i >= 0 && rank[p[i]] >= rank[p[i+1]] {
		i--
	}
	if i < 0 {
		return false
	}
	j := len(p) - 1
	for rank[p[j]] <= rank[p[i]] {
		j--
	}
	p[i], p[j] = p[j], p[i]
	slices.Reverse(p[i+1:])
	return true
}

// issuer is a temporary identifier issuer (prefix "b"): the identifier of
// a node is its position in order.
type issuer struct {
	order []int32
	index map[int32]int32 // built lazily when order grows large
}

const issuerIndexMin = 16

func (is *issuer) lookup(n int32) int32 {
	if len(is.order) < issuerIndexMin {
		for k, m := range is.order {
			if m == n {
				return int32(k)
			}
		}
		return -1
	}
	if is.index == nil {
		is.index = make(map[int32]int32, len(is.order))
		for k, m := range is.order {
			is.index[m] = int32(k)
		}
	}
	if k, ok := is.index[n]; ok {
		return k
	}
	return -1
}

// issue returns the identifier of n, issuing a new one if needed.
func (is *issuer) issue(n int32) int32 {
	if k := is.lookup(n); k >= 0 {
		return k
	}
	k := int32(len(is.order))
	is.order = append(is.order, n)
	if is.index != nil {
		is.index[n] = k
	}
	return k
}

func (is *issuer) clone() *issuer {
	return &issuer{order: slices.Clone(is.order)}
}

// canonLabels are the first canonical blank node labels, shared (a
// credential has a handful of blank nodes).
var canonLabels = func() (a [64]string) {
	for i := range a {
		a[i] = "c14n" + strconv.Itoa(i)
	}
	return a
}()

// canonLabel returns "c14n" followed by k.
func canonLabel(k int32) string {
	if k >= 0 && int(k) < len(canonLabels) {
		return canonLabels[k]
	}
	return "c14n" + strconv.Itoa(int(k))
}

// result relabels the quads and serializes them in canonical order.
func (s *state) result(o *Options) *Result {
	omitQuads, sink := o.OmitQuads, o.Sink
	labels := s.labels[:0]
	for n := range s.nodes {
		labels = append(labels, canonLabel(s.canon[n]))
	}
	var ids map[string]string
	if !o.OmitIdentifiers {
		ids = make(map[string]string, len(s.nodes))
		for n := range s.nodes {
			ids[s.nodes[n].label] = labels[n]
		}
	}
	buf := s.outBuf[:0]
	if need := len(s.text) + len(s.quads)*32; cap(buf) < need {
		buf = make([]byte, 0, need)
	}
	spans := s.outSpans[:0]
	if cap(spans) < len(s.quads) {
		spans = make([]span, len(s.quads))
	}
	spans = spans[:len(s.quads)]
	defer func() {
		clear(labels)
		s.outBuf, s.outSpans, s.labels = buf[:0], spans[:0], labels[:0]
	}()
	for i := range s.quads {
		q := &s.quads[i]
		start := len(buf)
		for pos := posS; pos <= posG; pos++ {
			b := q.bn[pos]
			if pos == posG && b < 0 && q.text[posG].end == q.text[posG].off {
				break
			}
			if pos > posS {
				buf = append(buf, ' ')
			}
			if b < 0 {
				buf = append(buf, s.text[q.text[pos].off:q.text[pos].end]...)
			} else {
				buf = append(buf, "_:"...)
				buf = append(buf, labels[b]...)
			}
		}
		buf = append(buf, " .\n"...)
		spans[i] = span{start, len(buf)}
	}
	order := s.order[:0]
	for i := range s.quads {
		order = append(order, int32(i))
	}
	defer func() { s.order = order[:0] }()
	slices.SortFunc(order, func(a, b int32) int {
		return bytes.Compare(buf[spans[a].off:spans[a].end], buf[spans[b].off:spans[b].end])
	})
	res := &Result{IssuedIdentifiers: ids}
	if sink == nil {
		res.NQuads = make([]byte, 0, len(buf))
	}
	if !omitQuads {
		res.Quads = make([]rdf.Quad, len(order))
	}
	relabel := func(t rdf.Term, b int32) rdf.Term {
		if b >= 0 {
			return rdf.Term{Kind: rdf.BlankNode, Value: labels[b]}
		}
		return t
	}
	for i, qi := range order {
		q := &s.quads[qi]
		if sink != nil {
			sink.Write(buf[spans[qi].off:spans[qi].end])
		} else {
			res.NQuads = append(res.NQuads, buf[spans[qi].off:spans[qi].end]...)
		}
		if omitQuads {
			continue
		}
		res.Quads[i] = rdf.Quad{
			Subject:   relabel(q.q.Subject, q.bn[posS]),
			Predicate: q.q.Predicate,
			Object:    relabel(q.q.Object, q.bn[posO]),
			Graph:     relabel(q.q.Graph, q.bn[posG]),
		}
	}
	return res
}
