package server

import (
	"embed"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"
)

//go:embed web/index.html web/app.js web/style.css
var webFiles embed.FS

// pageCSP allows nothing but this page's own script and style, images
// from uploads (blob:) and data: URLs, and requests to this origin.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"

// NewPageHandler serves the browser verifier page: index.html for a path
// ending in "/" or "/index.html", and its app.js and style.css beside it.
// The page posts what the user drops, chooses or pastes to verifyURL (a
// URL relative to the page, or an absolute path, of a
// [NewBadgeVerifyHandler]) and shows the result. Everything is embedded:
// no build step, no CDN, no network beyond this server.
//
// Opening the page with #sample=BASE64&type=MEDIATYPE verifies the given
// bytes on load (for links and end-to-end tests).
//
// verifyURL must be a relative URL or an absolute path (no scheme, no
// host: the page posts to its own server), or NewPageHandler fails.
func NewPageHandler(verifyURL string) (http.Handler, error) {
	if u, err := url.Parse(verifyURL); err != nil || verifyURL == "" || u.Scheme != "" || u.Host != "" {
		return nil, fmt.Errorf("server: page verify URL %q must be a relative URL or an absolute path", verifyURL)
	}
	read := func(name string) []byte {
		b, _ := webFiles.ReadFile("web/" + name)
		return b
	}
	index := strings.ReplaceAll(string(read("index.html")), "{{VERIFY_URL}}", html.EscapeString(verifyURL))
	docs := map[string]document{
		"":           newDocument([]byte(index), "text/html; charset=utf-8", time.Minute),
		"index.html": newDocument([]byte(index), "text/html; charset=utf-8", time.Minute),
		"app.js":     newDocument(read("app.js"), "text/javascript; charset=utf-8", time.Minute),
		"style.css":  newDocument(read("style.css"), "text/css; charset=utf-8", time.Minute),
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		d, ok := docs[name]
		if !ok {
			writeProblem(w, newProblem(http.StatusNotFound, ProblemNotFound, "Not found", "no page %q", r.URL.Path))
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeProblem(w, newProblem(http.StatusMethodNotAllowed, ProblemMethod, "Method not allowed", "use GET"))
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", pageCSP)
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("ETag", d.etag)
		h.Set("Cache-Control", "no-cache")
		if etagMatch(r.Header.Get("If-None-Match"), d.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Type", d.contentType)
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			w.Write(d.body)
		}
	}), nil
}
