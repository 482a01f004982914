package status

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/openbadges-go/openbadges/vc"
)

// TypeCredentialRefresh is the refreshService type of 1EdTech Credential
// Refresh (VCCR 1.0).
const TypeCredentialRefresh = "1EdTechCredentialRefresh"

// DefaultMaxRefreshBytes bounds a refreshed credential, which may be a
// baked image.
const DefaultMaxRefreshBytes = 8 << 20

// Refresher fetches the refreshed copy of a credential from a
// 1EdTechCredentialRefresh service: an unauthenticated GET of the
// service's id, whose body is the complete credential (JSON, a compact
// VC-JWT, or a baked PNG or SVG). It implements [vc.Refresher]; it only
// fetches, and the caller verifies what it returns as it would any
// credential, once (a refreshed credential is not refreshed again).
//
// The zero value fetches with an [HTTPFetcher] (https only, address
// guard, DefaultMaxRefreshBytes, DefaultTimeout). It is safe for
// concurrent use; do not change it after first use.
type Refresher struct {
	// Fetcher fetches the refreshed credential (nil = an HTTPFetcher
	// with MaxBytes DefaultMaxRefreshBytes).
	Fetcher Fetcher

	once sync.Once
	def  *HTTPFetcher
}

const refreshAccept = "application/vc, application/vc+ld+json, application/ld+json, application/json, application/vc+jwt, application/jwt, image/png, image/svg+xml;q=0.9, text/plain;q=0.5"

// Refresh implements [vc.Refresher]. Every failure matches
// [vc.ErrRefresh]: a service of another type, an id that is not an https
// URL, a failed or empty fetch. Per Open Badges 3.0 a failed refresh
// should not fail verification: the caller carries on with the original.
func (r *Refresher) Refresh(ctx context.Context, c *vc.Credential, service map[string]any) ([]byte, error) {
	typ, _ := service["type"].(string)
	if typ != TypeCredentialRefresh {
		return nil, fmt.Errorf("%w: refreshService type %q is not %s", vc.ErrRefresh, typ, TypeCredentialRefresh)
	}
	id, _ := service["id"].(string)
	id = strings.TrimSpace(id)
	if !strings.HasPrefix(id, "https://") {
		return nil, fmt.Errorf("%w: refreshService id %q is not an https URL", vc.ErrRefresh, id)
	}
	f := r.Fetcher
	if f == nil {
		r.once.Do(func() { r.def = &HTTPFetcher{MaxBytes: DefaultMaxRefreshBytes, Accept: refreshAccept} })
		f = r.def
	}
	body, err := f.Fetch(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %w", vc.ErrRefresh, id, err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, fmt.Errorf("%w: %q: empty response", vc.ErrRefresh, id)
	}
	return body, nil
}
