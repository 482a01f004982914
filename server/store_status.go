package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/store"
)

// StatusStore is what the status endpoints need of an issuer store.
type StatusStore interface {
	store.Revocations
	store.Lists
	Credential(ctx context.Context, id string) (*store.Credential, error)
}

type statusUpdateHandler struct {
	st        StatusStore
	publisher *store.Publisher
}

// NewStatusUpdateHandler returns the VC-API status update endpoint (POST
// /credentials/status) on an issuer store. The request is the VC-API's
// UpdateCredentialStatusRequest:
//
//	{"credentialId": "urn:uuid:...",
//	 "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
//	 "status": true}
//
// credentialStatus names the entry by its statusPurpose (revocation or
// suspension; its type must be the entry's or its list's type, and an id,
// statusListIndex or statusListCredential, when given, must be the
// entry's); status true sets the entry (revoke, suspend), false clears it
// (unsuspend; a revocation is final: 409). The change is durable when the
// answer is 200 ({"credentialId", "credentialStatus": the entry,
// "status", "changed", "listVersion"}); p (when set) is notified and
// re-signs and republishes the list after the burst of changes. An
// unknown credential is a 404, a credential without an entry of that
// purpose a 409, an unavailable store a 503.
func NewStatusUpdateHandler(st StatusStore, p *store.Publisher, o *Options) (http.Handler, error) {
	if st == nil {
		return nil, fmt.Errorf("server: status updates need a store")
	}
	h := &statusUpdateHandler{st: st, publisher: p}
	return guard(o, h.serve), nil
}

func (h *statusUpdateHandler) serve(w http.ResponseWriter, r *http.Request) error {
	req, err := readJSONObject(r, "credentialId", "credentialStatus", "status", "indexAllocator")
	if err != nil {
		return err
	}
	id, ok := req.value["credentialId"].(string)
	if !ok || id == "" {
		return badRequest("credentialId must be a non-empty string")
	}
	set, ok := req.value["status"].(bool)
	if !ok {
		return badRequest("status must be true or false")
	}
	cs, ok := req.value["credentialStatus"].(map[string]any)
	if !ok {
		return badRequest("credentialStatus must be an object with type and statusPurpose")
	}
	want := map[string]string{}
	for k, v := range cs {
		switch k {
		case "id", "type", "statusPurpose", "statusListIndex", "statusListCredential":
		default:
			return badRequest("credentialStatus: unknown member %q", k)
		}
		s, ok := v.(string)
		if !ok {
			return badRequest("credentialStatus.%s must be a string", k)
		}
		want[k] = s
	}
	purpose := want["statusPurpose"]
	if want["type"] == "" || purpose == "" {
		return badRequest("credentialStatus needs type and statusPurpose")
	}
	if purpose != status.PurposeRevocation && purpose != status.PurposeSuspension {
		return newProblem(http.StatusBadRequest, ProblemUnknownOption, "Unsupported status purpose", "statusPurpose %q is not supported (revocation or suspension)", purpose)
	}
	ctx := r.Context()
	c, err := h.st.Credential(ctx, id)
	if err != nil {
		return storeProblem(ctx, err)
	}
	var entry *store.Entry
	for i := range c.Status {
		if c.Status[i].Purpose == purpose {
			entry = &c.Status[i]
			break
		}
	}
	if entry == nil {
		return storeProblem(ctx, store.ErrNoEntry)
	}
	se := entry.Status()
	listType := strings.TrimSuffix(se.Type, "Entry")
	switch {
	case want["type"] != se.Type && want["type"] != listType && want["type"] != listType+"Credential":
		return badRequest("credentialStatus.type %q is not the credential's entry type %s", want["type"], se.Type)
	case want["id"] != "" && want["id"] != se.ID,
		want["statusListIndex"] != "" && want["statusListIndex"] != se.StatusListIndex,
		want["statusListCredential"] != "" && want["statusListCredential"] != se.StatusListCredential:
		return newProblem(http.StatusConflict, ProblemConflict, "Not the credential's entry", "the credential's %s entry is %s", purpose, se.ID)
	}
	ch, err := h.st.SetStatus(ctx, id, purpose, set)
	if err != nil {
		return storeProblem(ctx, err)
	}
	if ch.Changed && h.publisher != nil {
		h.publisher.Notify()
	}
	b, err := encodeJSON(map[string]any{
		"credentialId":     id,
		"credentialStatus": se,
		"status":           set,
		"changed":          ch.Changed,
		"listVersion":      ch.Version,
	})
	if err != nil {
		return err
	}
	writeBytes(w, http.StatusOK, "application/json", b)
	return nil
}

// StoreStatusLists serves the signed status lists of an issuer store: a
// request for PathStatus + NAME gets the list whose id is BaseURL + NAME,
// as the store holds it now (published by a [store.Publisher]), with the
// store's ETag (If-None-Match answers 304) and Cache-Control from the
// list's ttl, else TTL. A list the store does not have (or has not signed
// yet) is passed to Fallback (nil: a 404 problem); an unavailable store is
// a 503.
type StoreStatusLists struct {
	// Lists holds the lists. Required.
	Lists store.Lists
	// BaseURL is the URL PathStatus is reached at, with its trailing
	// slash: "https://issuer.example/status/". Required.
	BaseURL string
	// TTL is the cache lifetime of a list without its own ttl (0 = 1
	// minute: a revocation is seen soon).
	TTL time.Duration
	// Fallback serves the names the store does not know (for example the
	// [StatusLists] of files).
	Fallback http.Handler
}

// ServeHTTP serves the list named by the last segment of the request path.
func (s *StoreStatusLists) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	if r.Method == http.MethodOptions {
		d := document{}
		d.serve(w, r)
		return
	}
	var l *store.List
	err := store.ErrNotFound
	if name != "" {
		l, err = s.Lists.List(r.Context(), s.BaseURL+name)
		if err == nil && len(l.Signed) == 0 {
			err = store.ErrNotFound
		}
	}
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			if s.Fallback != nil {
				s.Fallback.ServeHTTP(w, r)
				return
			}
			w.Header().Set("Access-Control-Allow-Origin", "*")
			writeProblem(w, newProblem(http.StatusNotFound, ProblemNotFound, "Not found", "no status list %q", name))
			return
		}
		w.Header().Set("Retry-After", "5")
		writeProblem(w, storeProblem(r.Context(), err))
		return
	}
	ttl := s.TTL
	if ttl <= 0 {
		ttl = time.Minute
	}
	d, err := listDocument(l.Signed, ttl)
	if err != nil {
		writeProblem(w, &Problem{Type: ProblemInternal, Title: "Stored status list unreadable", Status: http.StatusInternalServerError})
		return
	}
	if l.ETag != "" {
		d.etag = l.ETag
	}
	d.serve(w, r)
}

// listTTL returns the ttl of a JSON status list credential (its
// credentialSubject.ttl, milliseconds), or 0.
func listTTL(m map[string]any) time.Duration {
	subj, ok := m["credentialSubject"].(map[string]any)
	if !ok {
		return 0
	}
	var ms int64
	switch n := subj["ttl"].(type) {
	case json.Number:
		ms, _ = n.Int64()
	case float64:
		ms = int64(n)
	case string:
		ms, _ = strconv.ParseInt(n, 10, 64)
	}
	if ms <= 0 {
		return 0
	}
	return time.Duration(ms) * time.Millisecond
}
