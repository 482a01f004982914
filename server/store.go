package server

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/store"
)

// Paths of the issuer store's endpoints.
const (
	// PathCredentialStatus is the VC-API status update endpoint.
	PathCredentialStatus = "/credentials/status"
	// HeaderIdempotencyKey names the request header whose value makes an
	// issue request idempotent.
	HeaderIdempotencyKey = "Idempotency-Key"
	// MaxIdempotencyKey bounds the length of an idempotency key.
	MaxIdempotencyKey = 255
)

// StoreIssuing records what the issue endpoint issues in an issuer store
// ([store.Store]): every credential is reserved (its id and status entries
// durable) before it is signed and completed after, a request with an
// Idempotency-Key header that was already answered gets the first
// credential back, and each credential gets one status entry from each
// of Pools.
type StoreIssuing struct {
	// Store records the credentials. Required.
	Store store.Store
	// Pools name the status list pools (recorded with
	// [store.Lists.EnsurePool]) each credential gets an entry from (nil:
	// no credentialStatus is added).
	Pools []string
	// Publisher signs a list that was never published before the first
	// credential using it is returned, and is told of status changes
	// ([store.Publisher.Notify]); its Run re-signs the lists. Required.
	Publisher *store.Publisher
	// PublishWait bounds how long an issue request waits for a new list
	// that another process is publishing (0 = 10 s).
	PublishWait time.Duration

	published sync.Map // list id -> struct{}: known to be signed
}

func (s *StoreIssuing) check() error {
	if s == nil || s.Store == nil || s.Publisher == nil {
		return fmt.Errorf("%w: issuing with a store needs Store and Publisher", badge.ErrInvalidArgument)
	}
	return nil
}

// storeProblem maps a store error to a problem: 503 when the database is
// unavailable (nothing was recorded), 409 for a credential id already
// recorded, 422 for an idempotency key reused for another request, 404
// for an unknown credential.
func storeProblem(ctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		return err
	case errors.Is(err, store.ErrKeyConflict):
		return newProblem(http.StatusUnprocessableEntity, ProblemConflict, "Idempotency key reused",
			"the %s was already used for another request", HeaderIdempotencyKey)
	case errors.Is(err, store.ErrExists):
		return newProblem(http.StatusConflict, ProblemConflict, "Credential exists", "a credential with this id was already issued")
	case errors.Is(err, store.ErrNotFound):
		return newProblem(http.StatusNotFound, ProblemNotFound, "Not found", "no credential of that id was issued here")
	case errors.Is(err, store.ErrIrreversible):
		return newProblem(http.StatusConflict, ProblemConflict, "Revocation is final", "a revoked credential cannot be reinstated")
	case errors.Is(err, store.ErrNoEntry):
		return newProblem(http.StatusConflict, ProblemConflict, "No status entry", "the credential has no status entry of that purpose")
	case errors.Is(err, store.ErrUnavailable):
		return newProblem(http.StatusServiceUnavailable, ProblemUnavailable, "Issuer store unavailable", "the issuer store did not answer; nothing was issued or changed, try again later")
	}
	return &Problem{Type: ProblemInternal, Title: "Issuer store error", Status: http.StatusInternalServerError}
}

// idempotencyKey reads the request's Idempotency-Key header ("" = none).
func idempotencyKey(r *http.Request) (string, error) {
	vs := r.Header.Values(HeaderIdempotencyKey)
	switch {
	case len(vs) == 0:
		return "", nil
	case len(vs) > 1:
		return "", badRequest("one %s header, not %d", HeaderIdempotencyKey, len(vs))
	}
	k := strings.TrimSpace(vs[0])
	k = strings.TrimSuffix(strings.TrimPrefix(k, `"`), `"`) // the IETF draft's sf-string form
	if k == "" || len(k) > MaxIdempotencyKey {
		return "", badRequest("%s must be 1 to %d characters", HeaderIdempotencyKey, MaxIdempotencyKey)
	}
	for _, c := range k {
		if c < 0x21 || c > 0x7e {
			return "", badRequest("%s must be printable ASCII", HeaderIdempotencyKey)
		}
	}
	return "issue:" + k, nil
}

// reserve records the credential about to be signed. done is set when the
// request was answered before (the stored credential, to return as is);
// otherwise cred gets the reserved id and status entries, to be signed.
func (s *StoreIssuing) reserve(ctx context.Context, key string, fingerprint []byte, format string, cred map[string]any) (rec *store.Credential, done bool, err error) {
	res := store.Reservation{Key: key, Fingerprint: fingerprint, Format: format, Pools: s.Pools}
	res.ID, _ = cred["id"].(string)
	if subj, ok := cred["credentialSubject"].(map[string]any); ok {
		res.Recipient, _ = subj["id"].(string)
		if a, ok := subj["achievement"].(map[string]any); ok {
			res.Achievement, _ = a["id"].(string)
		}
	}
	cs, err := s.Store.Reserve(ctx, res)
	if err != nil {
		return nil, false, storeProblem(ctx, err)
	}
	rec = cs[0]
	if rec.Completed() {
		return rec, true, nil
	}
	cred["id"] = rec.ID
	if err := addStatus(cred, rec.Status); err != nil {
		return nil, false, err
	}
	if err := s.ensurePublished(ctx, rec.Status); err != nil {
		return nil, false, err
	}
	return rec, false, nil
}

// addStatus writes the reserved entries into the credential, after any
// credentialStatus it has; a credential whose contexts define no Bitstring
// Status List term (VC 1.1) gets the status list context appended.
func addStatus(cred map[string]any, entries []store.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	var list []any
	switch v := cred["credentialStatus"].(type) {
	case nil:
	case []any:
		list = v
	default:
		list = []any{v}
	}
	needBitstring := false
	for _, e := range entries {
		st := e.Status()
		b, err := json.Marshal(st)
		if err != nil {
			return err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		list = append(list, m)
		needBitstring = needBitstring || st.Type == status.TypeBitstringEntry
	}
	if len(list) == 1 {
		cred["credentialStatus"] = list[0]
	} else {
		cred["credentialStatus"] = list
	}
	if needBitstring {
		ctxs, _ := cred["@context"].([]any)
		has := slices.ContainsFunc(ctxs, func(v any) bool {
			return v == "https://www.w3.org/ns/credentials/v2" || v == contextStatusV1
		})
		if !has && len(ctxs) > 0 {
			cred["@context"] = append(ctxs, contextStatusV1)
		}
	}
	return nil
}

const contextStatusV1 = "https://www.w3.org/ns/credentials/status/v1"

// ensurePublished makes sure that every list of entries has a signed
// credential: a credential must not be handed out with a status list URL
// that answers 404. A list another process is publishing is waited for.
func (s *StoreIssuing) ensurePublished(ctx context.Context, entries []store.Entry) error {
	for _, e := range entries {
		if _, ok := s.published.Load(e.List); ok {
			continue
		}
		wait := s.PublishWait
		if wait <= 0 {
			wait = 10 * time.Second
		}
		deadline := time.Now().Add(wait)
		for {
			l, err := s.Store.List(ctx, e.List)
			if err != nil {
				return storeProblem(ctx, err)
			}
			if l.SignedVersion > 0 {
				s.published.Store(e.List, struct{}{})
				break
			}
			ok, err := s.Publisher.PublishList(ctx, e.List)
			if err != nil {
				return storeProblem(ctx, err)
			}
			if ok {
				s.published.Store(e.List, struct{}{})
				break
			}
			if time.Now().After(deadline) {
				return newProblem(http.StatusServiceUnavailable, ProblemUnavailable, "Status list not published",
					"the status list %s is not published yet; try again", e.List)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	return nil
}

// complete stores the signed credential and returns the bytes to answer
// with (those of an earlier completion, if there was one).
func (s *StoreIssuing) complete(ctx context.Context, id string, signed []byte) ([]byte, error) {
	done, err := s.Store.Complete(ctx, store.Completion{ID: id, Signed: signed})
	if err != nil {
		return nil, storeProblem(ctx, err)
	}
	return done[0].Signed, nil
}

// fingerprint identifies an issue request by its parsed body (members in
// a fixed order), so that a retried request matches whatever its member
// order or white space.
func fingerprint(v map[string]any) ([]byte, error) {
	b, err := encodeJSON(v)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	return sum[:], nil
}
