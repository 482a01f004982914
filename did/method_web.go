package did

import (
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// WebResolver resolves did:web DIDs (W3C CCG did:web) over HTTPS. It is
// never part of [DefaultResolver]: a verifier must add it explicitly,
// because resolving reaches the network and tells the DID's host who is
// verifying.
//
// The zero value is usable: it builds its own client (never
// [http.DefaultClient]) with the defaults below. Settings are read on first
// use; a WebResolver must not be copied or changed after that. It is safe
// for concurrent use.
type WebResolver struct {
	// Client sends the requests; nil means a private client. The client
	// is copied: its CheckRedirect is wrapped with the redirect rules
	// below and, unless AllowPrivateAddresses, its transport with the
	// address guard.
	Client *http.Client
	// MaxBytes bounds the document size; 0 means DefaultMaxBytes (256 KiB).
	MaxBytes int64
	// Timeout bounds each fetch, redirects included; 0 means
	// DefaultTimeout (10 s). The caller's ctx deadline also applies.
	Timeout time.Duration
	// MaxRedirects bounds redirects (each to an https URL); 0 means
	// DefaultMaxRedirects (3), negative means none.
	MaxRedirects int
	// AllowPrivateAddresses turns off the guard that refuses loopback,
	// private, link-local, multicast and other non-public addresses
	// (SSRF protection). Only for tests and closed networks.
	AllowPrivateAddresses bool

	lazy lazyFetcher
}

func (w *WebResolver) fetcher() *fetcher {
	return w.lazy.get(netSettings{w.Client, w.MaxBytes, w.Timeout, w.MaxRedirects, w.AllowPrivateAddresses})
}

// Resolve implements [Resolver]. It maps the DID to its URL with [WebURL],
// fetches the document and checks that its id equals the DID. A 404 or
// 410 (a deactivated did:web) gives [ErrNotFound].
func (w *WebResolver) Resolve(ctx context.Context, did string) (*Document, error) {
	u, err := WebURL(did)
	if err != nil {
		return nil, err
	}
	body, err := w.fetcher().get(ctx, u, "application/did+json, application/did+ld+json;q=0.9, application/json;q=0.8, application/ld+json;q=0.8")
	if err != nil {
		return nil, wrapError(did, fetchCode(err), err)
	}
	doc, err := ParseDocument(body)
	if err != nil {
		return nil, wrapError(did, CodeInvalidDocument, err)
	}
	if doc.ID != did {
		return nil, newError(did, CodeInvalidDocument, ErrInvalidDocument, "document id %q does not match the DID", doc.ID)
	}
	return doc, nil
}

// WebURL returns the HTTPS URL of a did:web document: the method-specific
// id's ':' separators become '/', a port's colon is written "%3A" in the
// DID, and a DID without a path maps to /.well-known/did.json. The host
// must be a domain name (IP addresses are not allowed by the method), and
// path segments may not be empty, "." or "..".
//
//	did:web:w3c-ccg.github.io                 -> https://w3c-ccg.github.io/.well-known/did.json
//	did:web:w3c-ccg.github.io:user:alice      -> https://w3c-ccg.github.io/user/alice/did.json
//	did:web:example.com%3A3000:user:alice     -> https://example.com:3000/user/alice/did.json
func WebURL(did string) (string, error) {
	d, err := Parse(did)
	if err != nil {
		return "", err
	}
	if d.Method != "web" {
		return "", newError(did, CodeMethodNotSupported, ErrMethodNotSupported, "not a did:web DID")
	}
	segs := strings.Split(d.ID, ":")
	host, port := segs[0], ""
	if i := strings.Index(strings.ToLower(host), "%3a"); i >= 0 {
		host, port = host[:i], host[i+3:]
		p, err := strconv.Atoi(port)
		if err != nil || p < 1 || p > 65535 || strings.HasPrefix(port, "0") {
			return "", newError(did, CodeInvalidDID, ErrInvalidDID, "bad port %q", port)
		}
	}
	if err := checkDomain(host); err != "" {
		return "", newError(did, CodeInvalidDID, ErrInvalidDID, "%s", err)
	}
	var b strings.Builder
	b.WriteString("https://")
	b.WriteString(strings.ToLower(host))
	if port != "" {
		b.WriteString(":" + port)
	}
	if len(segs) == 1 {
		b.WriteString("/.well-known")
	}
	for _, s := range segs[1:] {
		dec, err := url.PathUnescape(s)
		if err != nil || dec == "" || dec == "." || dec == ".." || strings.ContainsAny(dec, "/\\?#") {
			return "", newError(did, CodeInvalidDID, ErrInvalidDID, "bad path segment %q", s)
		}
		b.WriteString("/" + s)
	}
	b.WriteString("/did.json")
	return b.String(), nil
}

// checkDomain validates a DNS name and returns a reason when it is bad.
func checkDomain(host string) string {
	if host == "" {
		return "empty host"
	}
	if strings.Contains(host, "%") {
		return "percent-encoding in host (only the port colon may be encoded)"
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return "IP address hosts are not allowed by did:web"
	}
	if len(host) > 253 {
		return "host name too long"
	}
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "bad host name " + strconv.Quote(host)
		}
		for i := 0; i < len(l); i++ {
			if !isAlnum(l[i]) && l[i] != '-' {
				return "bad host name " + strconv.Quote(host)
			}
		}
	}
	if _, err := strconv.Atoi(labels[len(labels)-1]); err == nil {
		return "IP address hosts are not allowed by did:web"
	}
	return ""
}
