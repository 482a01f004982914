package delivery

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/openbadges-go/openbadges/badge"
)

// State is where an exchange stands (the VC-API's exchange states).
type State string

// Exchange states.
const (
	// StatePending: created, nobody has interacted with it yet.
	StatePending State = "pending"
	// StateActive: a wallet started it (a presentation request was sent,
	// or a token was issued for its pre-authorized code).
	StateActive State = "active"
	// StateComplete: the credential was issued and returned. Final.
	StateComplete State = "complete"
	// StateInvalid: expired or locked (too many wrong transaction codes).
	// Final.
	StateInvalid State = "invalid"
)

// Learner is who an exchange is for, as the LMS knows them.
type Learner struct {
	// ID is the LMS's own identifier of the learner (never put in the
	// credential by the default builder).
	ID string `json:"id,omitempty"`
	// Name, when set, is the display name Build may use.
	Name string `json:"name,omitempty"`
	// DID, when set, is the only holder allowed to collect: a wallet that
	// authenticates as any other DID is refused (ErrWrongHolder), and the
	// exchange stays open.
	DID string `json:"did,omitempty"`
}

// Exchange is one offer of one credential to one learner, collected once
// over either protocol: the VC-API exchange (challenge) or OpenID4VCI
// (pre-authorized code, then access token).
type Exchange struct {
	// ID is random and unguessable (it is part of the wallet's URLs).
	ID          string            `json:"id"`
	Learner     Learner           `json:"learner"`
	Achievement badge.Achievement `json:"achievement"`
	// Data is the LMS's own, passed back to its hooks untouched.
	Data    map[string]string `json:"data,omitempty"`
	Created time.Time         `json:"created"`
	Expires time.Time         `json:"expires"`
	State   State             `json:"state"`

	// Challenge is the VC-API challenge the DID Authentication
	// presentation must carry.
	Challenge string `json:"challenge"`
	// Domain, once a presentation request was sent, is the domain it
	// named (the presentation must then carry it).
	Domain string `json:"domain,omitempty"`

	// PreAuthorizedCode is the OpenID4VCI code of the offer ("" when the
	// exchange offers no OpenID4VCI grant); CodeUsed says it was
	// exchanged for AccessToken.
	PreAuthorizedCode string `json:"preAuthorizedCode,omitempty"`
	CodeUsed          bool   `json:"codeUsed,omitempty"`
	// TxCode is the transaction code the token request must carry ("":
	// none); TxCodeFailures counts wrong ones.
	TxCode         string `json:"txCode,omitempty"`
	TxCodeFailures int    `json:"txCodeFailures,omitempty"`
	// Configurations are the OpenID4VCI credential configuration ids
	// offered.
	Configurations []string `json:"configurations,omitempty"`
	// AccessToken and TokenExpires are set by the token endpoint.
	AccessToken  string    `json:"accessToken,omitempty"`
	TokenExpires time.Time `json:"tokenExpires,omitzero"`

	// Issuing is set while a credential is being signed (the exchange is
	// claimed: a concurrent request is refused, and a failure releases
	// it).
	Issuing bool `json:"issuing,omitempty"`
	// Holder is the DID the credential was bound to, Protocol how it was
	// collected ("vcapi" or "openid4vci"), Collected when.
	Holder    string    `json:"holder,omitempty"`
	Protocol  string    `json:"protocol,omitempty"`
	Collected time.Time `json:"collected,omitzero"`
	// Relaxed names each relaxation of the protocol (Config.Allow...)
	// that the collecting request needed; empty when it conformed.
	Relaxed []string `json:"relaxed,omitempty"`
}

// Lookup names a secondary key of an exchange for [Store.Find].
type Lookup int

// Secondary keys.
const (
	ByPreAuthorizedCode Lookup = iota + 1
	ByAccessToken
)

// Errors of a [Store].
var (
	ErrNotFound = errors.New("delivery: exchange not found")
	ErrExists   = errors.New("delivery: exchange already exists")
	// ErrFull: the store holds as many outstanding nonces as it may
	// (MaxNonces); the nonce endpoint answers 503 until some expire.
	ErrFull = errors.New("delivery: too many outstanding nonces")
)

// sweepEvery is how many writes a MemoryStore makes between clean-ups.
const sweepEvery = 1024

// MaxNonces bounds the unexpired nonces a MemoryStore keeps: the nonce
// endpoint is public, and must not let anyone grow the heap without
// limit.
const MaxNonces = 100_000

// Store keeps exchanges and OpenID4VCI nonces. Every method must be safe
// for concurrent use, and Update must be atomic: it is how an exchange is
// claimed exactly once. Values passed in and returned are copies: the
// caller may keep them. [NewMemoryStore] is the default; a persistent
// store (the issuer store) implements the same methods.
type Store interface {
	// Create stores a new exchange (ErrExists if its id, code or token is
	// taken).
	Create(ctx context.Context, e *Exchange) error
	// Get returns the exchange with id (ErrNotFound).
	Get(ctx context.Context, id string) (*Exchange, error)
	// Find returns the exchange whose pre-authorized code or access token
	// is value (ErrNotFound).
	Find(ctx context.Context, by Lookup, value string) (*Exchange, error)
	// Update applies f to the stored exchange atomically: f sees the
	// current value, and what it leaves is stored only when it returns
	// nil. Update returns the stored value, or f's error.
	Update(ctx context.Context, id string, f func(e *Exchange) error) (*Exchange, error)
	// AddNonce records a c_nonce valid until expires; UseNonce consumes
	// it, and fails (ErrNotFound) when it is unknown, used or expired at
	// now.
	AddNonce(ctx context.Context, nonce string, expires time.Time) error
	UseNonce(ctx context.Context, nonce string, now time.Time) error
}

// MemoryStore is the in-memory [Store]: exchanges live as long as the
// process. Expired exchanges and nonces are dropped as new ones are added.
type MemoryStore struct {
	mu        sync.Mutex
	exchanges map[string]*Exchange
	codes     map[string]string // pre-authorized code -> id
	tokens    map[string]string // access token -> id
	nonces    map[string]time.Time
	writes    int // since the last sweep
	// Retain is how long an exchange is kept after it expired (0: an
	// hour), so that a late request is told it expired, not unknown.
	Retain time.Duration
	// Now is the clock of the clean-up (nil = time.Now); give it the
	// clock the Service has.
	Now func() time.Time
}

// NewMemoryStore returns an empty in-memory store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{exchanges: map[string]*Exchange{}, codes: map[string]string{},
		tokens: map[string]string{}, nonces: map[string]time.Time{}}
}

func copyExchange(e *Exchange) *Exchange {
	c := *e
	c.Configurations = append([]string(nil), e.Configurations...)
	c.Relaxed = append([]string(nil), e.Relaxed...)
	if e.Data != nil {
		c.Data = make(map[string]string, len(e.Data))
		for k, v := range e.Data {
			c.Data[k] = v
		}
	}
	return &c
}

func (m *MemoryStore) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

func (m *MemoryStore) retain() time.Duration {
	if m.Retain > 0 {
		return m.Retain
	}
	return time.Hour
}

// sweep drops exchanges expired for longer than Retain and expired nonces.
// sweep removes what expired. It walks every entry, so it runs every
// sweepEvery writes, or when the nonces are full: not on every request
// (a full store would make each request cost a walk of it).
func (m *MemoryStore) sweep(now time.Time) {
	m.writes++
	if m.writes < sweepEvery && len(m.nonces) < MaxNonces {
		return
	}
	m.writes = 0
	for id, e := range m.exchanges {
		if now.After(e.Expires.Add(m.retain())) {
			m.unindex(e)
			delete(m.exchanges, id)
		}
	}
	for n, exp := range m.nonces {
		if now.After(exp) {
			delete(m.nonces, n)
		}
	}
}

func (m *MemoryStore) unindex(e *Exchange) {
	if e.PreAuthorizedCode != "" {
		delete(m.codes, e.PreAuthorizedCode)
	}
	if e.AccessToken != "" {
		delete(m.tokens, e.AccessToken)
	}
}

// Create implements [Store].
func (m *MemoryStore) Create(_ context.Context, e *Exchange) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(m.now())
	if _, ok := m.exchanges[e.ID]; ok {
		return fmt.Errorf("%w: %s", ErrExists, e.ID)
	}
	if _, ok := m.codes[e.PreAuthorizedCode]; ok && e.PreAuthorizedCode != "" {
		return fmt.Errorf("%w: pre-authorized code", ErrExists)
	}
	c := copyExchange(e)
	m.exchanges[e.ID] = c
	if c.PreAuthorizedCode != "" {
		m.codes[c.PreAuthorizedCode] = c.ID
	}
	if c.AccessToken != "" {
		m.tokens[c.AccessToken] = c.ID
	}
	return nil
}

// Get implements [Store].
func (m *MemoryStore) Get(_ context.Context, id string) (*Exchange, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.exchanges[id]
	if !ok {
		return nil, ErrNotFound
	}
	return copyExchange(e), nil
}

// Find implements [Store].
func (m *MemoryStore) Find(_ context.Context, by Lookup, value string) (*Exchange, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var id string
	var ok bool
	switch by {
	case ByPreAuthorizedCode:
		id, ok = m.codes[value]
	case ByAccessToken:
		id, ok = m.tokens[value]
	}
	if !ok || value == "" {
		return nil, ErrNotFound
	}
	return copyExchange(m.exchanges[id]), nil
}

// Update implements [Store].
func (m *MemoryStore) Update(_ context.Context, id string, f func(e *Exchange) error) (*Exchange, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, ok := m.exchanges[id]
	if !ok {
		return nil, ErrNotFound
	}
	next := copyExchange(cur)
	if err := f(next); err != nil {
		return nil, err
	}
	next.ID = cur.ID
	if next.AccessToken != cur.AccessToken {
		if _, taken := m.tokens[next.AccessToken]; taken && next.AccessToken != "" {
			return nil, fmt.Errorf("%w: access token", ErrExists)
		}
		delete(m.tokens, cur.AccessToken)
		if next.AccessToken != "" {
			m.tokens[next.AccessToken] = id
		}
	}
	if next.PreAuthorizedCode != cur.PreAuthorizedCode {
		delete(m.codes, cur.PreAuthorizedCode)
		if next.PreAuthorizedCode != "" {
			m.codes[next.PreAuthorizedCode] = id
		}
	}
	m.exchanges[id] = next
	return copyExchange(next), nil
}

// AddNonce implements [Store].
func (m *MemoryStore) AddNonce(_ context.Context, nonce string, expires time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(m.now())
	if _, ok := m.nonces[nonce]; ok {
		return ErrExists
	}
	if len(m.nonces) >= MaxNonces {
		return ErrFull
	}
	m.nonces[nonce] = expires
	return nil
}

// UseNonce implements [Store].
func (m *MemoryStore) UseNonce(_ context.Context, nonce string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	exp, ok := m.nonces[nonce]
	if !ok {
		return ErrNotFound
	}
	delete(m.nonces, nonce)
	if now.After(exp) {
		return ErrNotFound
	}
	return nil
}
