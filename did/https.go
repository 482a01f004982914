package did

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// HTTPSResolver fetches controller documents and key documents served at
// HTTPS URLs (W3C Controlled Identifiers; Open Badges 3.0 requires
// verifiers to support HTTP URL keys). Register it in [Methods] under
// "https":
//
//	r := did.Methods{"key": did.KeyResolver{}, "jwk": did.JWKResolver{}, "https": &did.HTTPSResolver{}}
//
// Resolve takes a URL without fragment and returns the document found
// there, which must have an id equal to that URL. A key document (a single
// verification method with a type and key material) is returned as a
// [Document] too; [Dereference] recognises it and checks its controller.
//
// Network settings are those of [WebResolver], with the same defaults;
// they are read on first use, and an HTTPSResolver must not be copied or
// changed after that. It is safe for concurrent use.
type HTTPSResolver struct {
	Client                *http.Client
	MaxBytes              int64
	Timeout               time.Duration
	MaxRedirects          int
	AllowPrivateAddresses bool

	lazy lazyFetcher
}

func (h *HTTPSResolver) fetcher() *fetcher {
	return h.lazy.get(netSettings{h.Client, h.MaxBytes, h.Timeout, h.MaxRedirects, h.AllowPrivateAddresses})
}

// Resolve implements [Resolver] for https URLs.
func (h *HTTPSResolver) Resolve(ctx context.Context, docURL string) (*Document, error) {
	if err := checkHTTPSURL(docURL, false); err != nil {
		return nil, err
	}
	body, err := h.fetcher().get(ctx, docURL, "application/did+json, application/cid+json, application/ld+json;q=0.9, application/json;q=0.8")
	if err != nil {
		return nil, wrapError(docURL, fetchCode(err), err)
	}
	doc, err := ParseDocument(body)
	if err != nil {
		return nil, wrapError(docURL, CodeInvalidDocument, err)
	}
	if doc.ID != docURL {
		return nil, newError(docURL, CodeInvalidDocument, ErrInvalidDocument, "document id %q does not match the URL it was fetched from", doc.ID)
	}
	return doc, nil
}

// checkHTTPSURL checks that s is an absolute https URL with a host and no
// credentials; a fragment is allowed only when fragment is true.
func checkHTTPSURL(s string, fragment bool) error {
	if len(s) > MaxDIDLength {
		return newError(s, CodeInvalidDIDURL, ErrInvalidDIDURL, "longer than %d bytes", MaxDIDLength)
	}
	u, err := url.Parse(s)
	if err != nil {
		return newError(s, CodeInvalidDIDURL, ErrInvalidDIDURL, "not a URL")
	}
	switch {
	case u.Scheme != "https":
		return newError(s, CodeMethodNotSupported, ErrMethodNotSupported, "only https URLs are supported")
	case u.Host == "" || u.Opaque != "":
		return newError(s, CodeInvalidDIDURL, ErrInvalidDIDURL, "URL has no host")
	case u.User != nil:
		return newError(s, CodeInvalidDIDURL, ErrInvalidDIDURL, "URL has credentials")
	case !fragment && (u.Fragment != "" || strings.Contains(s, "#")):
		return newError(s, CodeInvalidDIDURL, ErrInvalidDIDURL, "a document URL has no fragment")
	}
	return nil
}
