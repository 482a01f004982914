package main

import (
	"context"
	"errors"

	"github.com/openbadges-go/openbadges/server"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/store"
)

// hostedLists is the status list fetcher of serve's own verifier: a list
// that serve itself publishes (from the issuer store, or from
// --status-dir) is read where it is kept, without a round trip, so that
// serve verifies the credentials it issued even --offline or on a
// loopback http address (which the network fetcher refuses); any other
// URL goes to next (nil: not found, --offline). Every list is still
// verified by the checker as a fetched one would be.
type hostedLists struct {
	store store.Lists         // nil without --store
	files *server.StatusLists // nil without --status-dir
	next  status.Fetcher      // nil --offline
}

// local returns a hosted list and its ETag.
func (h *hostedLists) local(ctx context.Context, url string) (body []byte, etag string, ok bool, err error) {
	if h.store != nil {
		l, err := h.store.List(ctx, url)
		switch {
		case err == nil && len(l.Signed) > 0:
			return l.Signed, l.ETag, true, nil
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return nil, "", false, err
		}
	}
	if h.files != nil {
		if b, etag, ok := h.files.Lookup(url); ok {
			return b, etag, true, nil
		}
	}
	return nil, "", false, nil
}

// Fetch implements status.Fetcher.
func (h *hostedLists) Fetch(ctx context.Context, url string) ([]byte, error) {
	f, err := h.FetchConditional(ctx, url, "")
	if err != nil {
		return nil, err
	}
	return f.Body, nil
}

// FetchConditional implements status.ConditionalFetcher: a hosted list
// is unchanged while its ETag is, so a cached copy is revalidated
// locally at no cost.
func (h *hostedLists) FetchConditional(ctx context.Context, url, etag string) (*status.Fetched, error) {
	body, tag, ok, err := h.local(ctx, url)
	if err != nil {
		return nil, err
	}
	if ok {
		if etag != "" && tag == etag {
			return &status.Fetched{ETag: tag, NotModified: true}, nil
		}
		return &status.Fetched{Body: body, ETag: tag}, nil
	}
	switch next := h.next.(type) {
	case nil:
		return nil, status.ErrNotFound
	case status.ConditionalFetcher:
		return next.FetchConditional(ctx, url, etag)
	default:
		b, err := next.Fetch(ctx, url)
		if err != nil {
			return nil, err
		}
		return &status.Fetched{Body: b}, nil
	}
}
