package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/internal/jsonx"
)

// Defaults of [Options].
const (
	// DefaultMaxBodyBytes bounds a request body: a baked image or a
	// credential with an embedded image fits well within it.
	DefaultMaxBodyBytes = 8 << 20
	// DefaultTimeout bounds the work of one request, fetches included.
	DefaultTimeout = 30 * time.Second
)

func (o *Options) maxBody() int64 {
	if o == nil || o.MaxBodyBytes <= 0 {
		return DefaultMaxBodyBytes
	}
	return o.MaxBodyBytes
}

func (o *Options) timeout() time.Duration {
	if o == nil || o.Timeout <= 0 {
		return DefaultTimeout
	}
	return o.Timeout
}

func (o *Options) now() time.Time {
	if o != nil && o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// apiHandler is a handler that returns its error, which is written as a
// problem response.
type apiHandler func(w http.ResponseWriter, r *http.Request) error

// guard wraps an API handler: only POST (and OPTIONS is refused, as the
// API is not offered cross-origin), a deadline on the request context, a
// bounded body, and a last-resort recover that answers a 500 problem
// rather than dropping the connection.
func guard(o *Options, h apiHandler) http.Handler {
	maxBody, timeout := o.maxBody(), o.timeout()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				writeProblem(w, &Problem{Type: ProblemInternal, Title: "Internal error", Status: http.StatusInternalServerError})
			}
		}()
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeProblem(w, newProblem(http.StatusMethodNotAllowed, ProblemMethod, "Method not allowed", "use POST"))
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		r = r.WithContext(ctx)
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		if err := h(w, r); err != nil {
			if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
				err = newProblem(http.StatusServiceUnavailable, ProblemTimeout, "Timeout", "the request took longer than %v", timeout)
			}
			writeProblem(w, err)
		}
	})
}

// maxBodyPrealloc bounds the buffer readBody sizes from a declared
// Content-Length before any byte arrived: memory follows the bytes
// received, not what a client claims it will send.
const maxBodyPrealloc = 64 << 10

// readBody reads the whole (already bounded) body into one buffer sized
// from its Content-Length.
func readBody(r *http.Request) ([]byte, error) {
	b, err := readAllSized(r.Body, bodyBufferSize(r))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, newProblem(http.StatusRequestEntityTooLarge, ProblemTooLarge, "Request body too large", "the limit is %d bytes", mbe.Limit)
		}
		return nil, badRequest("reading the request body: %v", err)
	}
	return b, nil
}

// bodyBufferSize is the size of the buffer that holds r's body (or the
// upload in it): its Content-Length and one byte, so that the read that
// sees EOF needs no growth, up to maxBodyPrealloc.
func bodyBufferSize(r *http.Request) int {
	if n := r.ContentLength; n > 0 {
		return int(min(n, maxBodyPrealloc)) + 1
	}
	return 512
}

// readAllSized is io.ReadAll starting from a buffer of size bytes.
func readAllSized(r io.Reader, size int) ([]byte, error) {
	b := make([]byte, 0, size)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // let append pick the next capacity
		}
	}
}

// plainMediaTypes are Content-Type values that mediaType answers without
// parsing: they have no parameters and are their own lower-case form.
var plainMediaTypes = []string{
	"application/json", "application/ld+json", "application/vc", "application/vc+ld+json",
	"application/vc+jwt", "application/jwt", "image/png", "image/svg+xml", "application/octet-stream",
}

// mediaType returns the request's media type, lower case, without
// parameters ("" when there is no Content-Type).
func mediaType(r *http.Request) (string, map[string]string, error) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return "", nil, nil
	}
	if i := slices.Index(plainMediaTypes, ct); i >= 0 {
		return plainMediaTypes[i], nil, nil
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", nil, newProblem(http.StatusUnsupportedMediaType, ProblemUnsupportedMedia, "Unsupported media type", "invalid Content-Type %q", ct)
	}
	return strings.ToLower(mt), params, nil
}

func isJSONType(mt string) bool {
	return mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}

// jsonObject is a request body read strictly (duplicate keys, invalid
// UTF-8 and case variants are refused by the strict reader) with the raw
// bytes of each member kept for what must be verified as sent.
type jsonObject struct {
	value map[string]any
	raw   map[string]json.RawMessage
}

// readJSONObject reads a JSON request whose members must all be in known.
func readJSONObject(r *http.Request, known ...string) (*jsonObject, error) {
	mt, _, err := mediaType(r)
	if err != nil {
		return nil, err
	}
	if !isJSONType(mt) {
		return nil, newProblem(http.StatusUnsupportedMediaType, ProblemUnsupportedMedia, "Unsupported media type", "send application/json, not %q", r.Header.Get("Content-Type"))
	}
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	return parseJSONObject(body, known...)
}

func parseJSONObject(body []byte, known ...string) (*jsonObject, error) {
	v, err := jsonx.Parse(body, &jsonx.Limits{MaxBytes: len(body) + 1})
	if err != nil {
		return nil, newProblem(http.StatusBadRequest, ProblemParsing, "Invalid JSON", "%v", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, newProblem(http.StatusBadRequest, ProblemParsing, "Invalid JSON", "the request body must be a JSON object")
	}
	var unknown []string
	for k := range m {
		if !slices.Contains(known, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, badRequest("unknown member %q (expected %s)", unknown[0], strings.Join(known, ", "))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, newProblem(http.StatusBadRequest, ProblemParsing, "Invalid JSON", "%v", err)
	}
	return &jsonObject{value: m, raw: raw}, nil
}

// options reads the "options" member: an object whose members must all be
// in known.
func (o *jsonObject) options(known ...string) (map[string]any, error) {
	v, has := o.value["options"]
	if !has || v == nil {
		return map[string]any{}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest("options must be an object")
	}
	var unknown []string
	for k := range m {
		if !slices.Contains(known, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		p := newProblem(http.StatusBadRequest, ProblemUnknownOption, "Unknown option", "option %q is not supported (supported: %s)", unknown[0], strings.Join(known, ", "))
		return nil, p
	}
	return m, nil
}

func optString(opts map[string]any, name string) (string, error) {
	v, has := opts[name]
	if !has || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", badRequest("option %s must be a string", name)
	}
	return s, nil
}

// optStrings reads an option that is a list of strings; present reports
// whether it was given.
func optStrings(opts map[string]any, name string) (list []string, present bool, err error) {
	v, has := opts[name]
	if !has || v == nil {
		return nil, false, nil
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, true, badRequest("option %s must be a list of strings", name)
	}
	for _, e := range arr {
		s, ok := e.(string)
		if !ok {
			return nil, true, badRequest("option %s must be a list of strings", name)
		}
		list = append(list, s)
	}
	return list, true, nil
}
