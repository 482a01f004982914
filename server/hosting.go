package server

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/proof"
)

// Media types of the documents an issuer publishes.
const (
	MediaTypeLDJSON  = "application/ld+json"
	MediaTypeDIDJSON = "application/did+ld+json"
	MediaTypeJWKSet  = "application/jwk-set+json"
	MediaTypeVC      = "application/vc"
	MediaTypeVCJWT   = "application/vc+jwt"
)

// DefaultDocumentTTL is how long clients may cache a published document
// when no ttl is given.
const DefaultDocumentTTL = 5 * time.Minute

// ErrInvalidDocument is returned by the constructors of the publishing
// handlers for a document they refuse to publish.
var ErrInvalidDocument = errors.New("server: invalid document")

// document is one published representation.
type document struct {
	body        []byte
	contentType string
	etag        string
	maxAge      time.Duration
}

func newDocument(body []byte, contentType string, ttl time.Duration) document {
	sum := sha256.Sum256(body)
	if ttl <= 0 {
		ttl = DefaultDocumentTTL
	}
	return document{body: body, contentType: contentType, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`, maxAge: ttl}
}

// serve writes d for GET and HEAD, answers CORS preflights, honours
// If-None-Match, and refuses other methods.
func (d *document) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// Public documents: any origin may read them (verifiers in browsers).
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", "ETag, Cache-Control, Content-Type")
	h.Set("X-Content-Type-Options", "nosniff")
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodOptions:
		h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Accept, If-None-Match")
		h.Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
		return
	default:
		h.Set("Allow", "GET, HEAD, OPTIONS")
		writeProblem(w, newProblem(http.StatusMethodNotAllowed, ProblemMethod, "Method not allowed", "use GET"))
		return
	}
	h.Set("ETag", d.etag)
	h.Set("Cache-Control", "public, max-age="+strconv.FormatInt(int64(d.maxAge/time.Second), 10))
	h.Set("Vary", "Accept-Encoding")
	if etagMatch(r.Header.Get("If-None-Match"), d.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", d.contentType)
	h.Set("Content-Length", strconv.Itoa(len(d.body)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		w.Write(d.body)
	}
}

// etagMatch implements the weak comparison of If-None-Match.
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// NewDocumentHandler serves one public document: body with contentType
// for GET and HEAD, a strong ETag (If-None-Match answers 304),
// Cache-Control "public, max-age" from ttl (0 = [DefaultDocumentTTL]), and
// CORS headers that let any origin read it. The body is not copied and
// must not be changed afterwards. The handler ignores the request path, so
// mount it at the document's own path. An empty or malformed content type,
// or a negative ttl, is an error.
func NewDocumentHandler(body []byte, contentType string, ttl time.Duration) (http.Handler, error) {
	if _, _, err := mime.ParseMediaType(contentType); err != nil {
		return nil, fmt.Errorf("server: content type %q: %w", contentType, err)
	}
	if ttl < 0 {
		return nil, fmt.Errorf("server: negative ttl %s", ttl)
	}
	d := newDocument(body, contentType, ttl)
	return http.HandlerFunc(d.serve), nil
}

// NewProfileHandler serves an issuer Profile (JSON-LD, the document an
// issuer id such as https://example.edu/issuer dereferences to) as
// application/ld+json. The profile must be a JSON object with an id and a
// type; it is served byte for byte as given.
func NewProfileHandler(profile []byte, ttl time.Duration) (http.Handler, error) {
	v, err := jsonx.Parse(profile, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: issuer profile: %w", ErrInvalidDocument, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: issuer profile is not a JSON object", ErrInvalidDocument)
	}
	if id, _ := m["id"].(string); id == "" {
		return nil, fmt.Errorf("%w: issuer profile has no id", ErrInvalidDocument)
	}
	if _, has := m["type"]; !has {
		return nil, fmt.Errorf("%w: issuer profile has no type", ErrInvalidDocument)
	}
	return NewDocumentHandler(profile, MediaTypeLDJSON, ttl)
}

// MinimalProfile returns the smallest issuer Profile (Open Badges 3.0) of
// an issuer known only by its id, for an issuer that has no profile
// document of its own:
//
//	{"@context": [VC 2.0, OB 3.0.3], "id": issuerID, "type": ["Profile"], "name": name}
//
// issuerID is the issuer's DID (did:key, did:web, ...) or its https
// profile URL: the controller of the signing key. name "" means a name
// derived from the id: the host of a did:web DID or an https URL, else the
// id itself. "openbadges serve" publishes it at [DefaultProfilePath] (or
// at the path of an https id) when it is given no --issuer-profile; pass
// it as [Config.Profile] to do the same. Serve a full profile (name, url,
// email, image, ...) where you have one: verifiers show what it says.
func MinimalProfile(issuerID, name string) ([]byte, error) {
	var host string
	switch {
	case strings.HasPrefix(issuerID, "did:"):
		if _, err := did.Parse(issuerID); err != nil {
			return nil, fmt.Errorf("%w: issuer id: %w", ErrInvalidDocument, err)
		}
		if u, err := did.WebURL(issuerID); err == nil {
			if pu, err := url.Parse(u); err == nil {
				host = pu.Hostname()
			}
		}
	default:
		u, err := url.Parse(issuerID)
		if err != nil || u.Scheme != "https" || u.Hostname() == "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("%w: issuer id %q is neither a DID nor an https URL", ErrInvalidDocument, issuerID)
		}
		host = u.Hostname()
	}
	if name == "" {
		name = host
	}
	if name == "" {
		name = issuerID
	}
	return json.MarshalIndent(struct {
		Context []string `json:"@context"`
		ID      string   `json:"id"`
		Type    []string `json:"type"`
		Name    string   `json:"name"`
	}{[]string{badge.ContextVC2, badge.ContextOB303}, issuerID, []string{"Profile"}, name}, "", "  ")
}

// NewDIDDocumentHandler serves a DID document, for a did:web DID at the
// path [did.WebURL] maps it to (/.well-known/did.json for a bare domain),
// as application/did+ld+json. Private key material is refused.
func NewDIDDocumentHandler(doc *did.Document, ttl time.Duration) (http.Handler, error) {
	if doc == nil || doc.ID == "" {
		return nil, fmt.Errorf("%w: DID document without an id", ErrInvalidDocument)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidDocument, err)
	}
	if strings.Contains(string(b), `"privateKey`) || strings.Contains(string(b), `"secretKey`) {
		return nil, fmt.Errorf("%w: DID document holds private key material", ErrInvalidDocument)
	}
	for _, vm := range doc.VerificationMethod {
		if vm.PublicKeyJWK != nil && vm.PublicKeyJWK.IsPrivate() {
			return nil, fmt.Errorf("%w: verification method %q holds a private JWK", ErrInvalidDocument, vm.ID)
		}
	}
	return NewDocumentHandler(b, MediaTypeDIDJSON, ttl)
}

// NewJWKSHandler serves a JWK Set (for /.well-known/jwks.json, where
// VC-JWT verifiers look for the keys of an https issuer) as
// application/jwk-set+json. A set holding a private key is refused.
func NewJWKSHandler(set *did.JWKSet, ttl time.Duration) (http.Handler, error) {
	if set == nil || len(set.Keys) == 0 {
		return nil, fmt.Errorf("%w: empty JWK Set", ErrInvalidDocument)
	}
	for i := range set.Keys {
		if set.Keys[i].IsPrivate() {
			return nil, fmt.Errorf("%w: JWK %q is private", ErrInvalidDocument, set.Keys[i].Kid)
		}
	}
	b, err := json.Marshal(set)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidDocument, err)
	}
	return NewDocumentHandler(b, MediaTypeJWKSet, ttl)
}

// StatusLists serves signed status list credentials (W3C Bitstring Status
// List, StatusList2021, 1EdTech revocation lists) by name: a request for
// .../NAME gets the list stored under NAME. A list in JSON is served as
// application/vc (application/ld+json for a VC 1.1 list), a compact JWT as
// application/vc+jwt; Cache-Control comes from the list's ttl when it has
// one, else from TTL. Lists can be replaced at any time with Put (after
// re-signing); the ETag is a digest of the list, so it changes with it.
// StatusLists is safe for concurrent use.
type StatusLists struct {
	// TTL is the cache lifetime of a list without its own ttl (0 =
	// [DefaultDocumentTTL]). Set it before the first Put.
	TTL time.Duration
	// OnChange, when set, is called after Put has published a list under
	// a name that had none or a different one, with the name and the
	// URLs the list is known by: the id of the new list and of the one it
	// replaced (for a VC-JWT also its jti and vc.id; not verified, so
	// use them only to drop cached copies). A verifier of the same
	// process uses it to see a republished list at once:
	//
	//	lists.OnChange = func(_ string, urls []string) {
	//		for _, u := range urls {
	//			checker.Forget(u)
	//		}
	//	}
	//
	// It runs on the goroutine that called Put, without StatusLists'
	// lock held; the new list is already served. Set it before the first
	// Put.
	OnChange func(name string, urls []string)

	mu    sync.RWMutex
	lists map[string]*document
	ids   map[string]string // name -> the list's id (listID), for Lookup
}

// Put publishes (or replaces) the list credential stored under name, which
// must be a single path segment.
func (s *StatusLists) Put(name string, credential []byte) error {
	if name == "" || strings.ContainsAny(name, "/\\") || name == "." || name == ".." {
		return fmt.Errorf("%w: status list name %q", ErrInvalidDocument, name)
	}
	d, err := listDocument(credential, s.TTL)
	if err != nil {
		return fmt.Errorf("%w: status list %q: %w", ErrInvalidDocument, name, err)
	}
	id := listID(d.body)
	s.mu.Lock()
	if s.lists == nil {
		s.lists, s.ids = make(map[string]*document), make(map[string]string)
	}
	prev := s.lists[name]
	s.lists[name], s.ids[name] = &d, id
	s.mu.Unlock()
	if s.OnChange != nil && (prev == nil || prev.etag != d.etag) {
		urls := listURLs(d.body)
		if prev != nil {
			for _, u := range listURLs(prev.body) {
				if !slices.Contains(urls, u) {
					urls = append(urls, u)
				}
			}
		}
		s.OnChange(name, urls)
	}
	return nil
}

// listDocument is a status list credential to publish: JSON as
// application/vc (application/ld+json for VC 1.1), a compact JWT as
// application/vc+jwt; its cache lifetime is the list's ttl when it has one,
// else ttl.
func listDocument(credential []byte, ttl time.Duration) (document, error) {
	body := []byte(strings.TrimSpace(string(credential)))
	contentType := MediaTypeVCJWT
	if len(body) > 0 && body[0] == '{' {
		v, err := jsonx.Parse(body, nil)
		if err != nil {
			return document{}, err
		}
		m, _ := v.(map[string]any)
		contentType = MediaTypeVC
		if ctxs, _ := m["@context"].([]any); len(ctxs) > 0 && ctxs[0] == "https://www.w3.org/2018/credentials/v1" {
			contentType = MediaTypeLDJSON
		}
		if t := listTTL(m); t > 0 {
			ttl = t
		}
	} else if !proof.IsCompactJWS(body) {
		return document{}, errors.New("neither JSON nor a compact JWT")
	}
	return newDocument(body, contentType, ttl), nil
}

// listNames returns what a published list credential names itself by,
// read without verification: its id (JSON, or a VC-JWT payload's), and
// the jti and vc.id members (a VC-JWT's claims); jwt says it is a VC-JWT.
func listNames(body []byte) (id, jti, vcID string, jwt bool) {
	if len(body) > 0 && body[0] != '{' {
		parts := strings.Split(string(body), ".")
		if len(parts) != 3 {
			return "", "", "", true
		}
		p, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			return "", "", "", true
		}
		body, jwt = p, true
	}
	var m struct {
		ID  string `json:"id"`
		JTI string `json:"jti"`
		VC  struct {
			ID string `json:"id"`
		} `json:"vc"`
	}
	if json.Unmarshal(body, &m) != nil {
		return "", "", "", jwt
	}
	return m.ID, m.JTI, m.VC.ID, jwt
}

// listURLs returns every URL a published list credential names itself by
// (listNames), for cache invalidation only.
func listURLs(body []byte) []string {
	id, jti, vcID, _ := listNames(body)
	var urls []string
	for _, u := range []string{id, jti, vcID} {
		if u != "" && !slices.Contains(urls, u) {
			urls = append(urls, u)
		}
	}
	return urls
}

// listID is the one id a published list credential names itself by: a
// JSON credential's id; for a VC-JWT, the names of listNames that it has,
// when they agree ("" otherwise).
func listID(body []byte) string {
	id, jti, vcID, jwt := listNames(body)
	if !jwt {
		return id
	}
	for _, u := range []string{jti, vcID} {
		switch {
		case u == "":
		case id == "":
			id = u
		case u != id:
			return ""
		}
	}
	return id
}

// Lookup returns the one list published (under any name) whose id
// (listID) is url, and its ETag: what a verifier in the same process
// would fetch from url, without a round trip. When no list or more than
// one has that id, ok is false: the caller fetches url as it would any
// other. The body is the published one; the caller must not modify it,
// and must verify it as a fetched one.
func (s *StatusLists) Lookup(url string) (body []byte, etag string, ok bool) {
	if url == "" {
		return nil, "", false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var found *document
	for name, id := range s.ids {
		if id == url {
			if found != nil {
				return nil, "", false // two lists claim the URL: neither is chosen
			}
			found = s.lists[name]
		}
	}
	if found == nil {
		return nil, "", false
	}
	return found.body, found.etag, true
}

// LoadDir publishes every regular file of dir whose name ends in .json or
// .jwt, under its name without the extension (dir/1.json is served as
// .../1). Every file is read and checked before any is published, so a
// bad file publishes nothing. Calling it again (on a reload) republishes
// the files, and [StatusLists.OnChange] hears of those that changed; a
// list whose file was removed stays published.
func (s *StatusLists) LoadDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	type file struct {
		name string
		body []byte
	}
	var files []file
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if !e.Type().IsRegular() || (ext != ".json" && ext != ".jwt") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(e.Name(), ext)
		if err := (&StatusLists{}).Put(name, b); err != nil {
			return err
		}
		files = append(files, file{name, b})
	}
	for _, f := range files {
		if err := s.Put(f.name, f.body); err != nil {
			return err
		}
	}
	return nil
}

// Names lists the published names, sorted.
func (s *StatusLists) Names() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	names := make([]string, 0, len(s.lists))
	for n := range s.lists {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// ServeHTTP serves the list named by the last segment of the request path.
func (s *StatusLists) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	s.mu.RLock()
	d := s.lists[name]
	s.mu.RUnlock()
	if d == nil {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		writeProblem(w, newProblem(http.StatusNotFound, ProblemNotFound, "Not found", "no status list %q", name))
		return
	}
	d.serve(w, r)
}
