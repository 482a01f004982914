package did

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// JWKSFetcher finds public JWKs for JWT verification: by a "kid" that is
// an https URL, or in the issuer's JWK Set at
// https://{issuer host}/.well-known/jwks.json (the key-provenance rule of
// the Open Badges 3.0 implementation guide). Private keys are refused.
//
// Network settings are those of [WebResolver], with the same defaults;
// they are read on first use, and a JWKSFetcher must not be copied or
// changed after that. It is safe for concurrent use.
type JWKSFetcher struct {
	Client                *http.Client
	MaxBytes              int64
	Timeout               time.Duration
	MaxRedirects          int
	AllowPrivateAddresses bool

	lazy lazyFetcher
}

func (j *JWKSFetcher) fetcher() *fetcher {
	return j.lazy.get(netSettings{j.Client, j.MaxBytes, j.Timeout, j.MaxRedirects, j.AllowPrivateAddresses})
}

const jwksAccept = "application/jwk-set+json, application/jwk+json, application/json;q=0.8"

// FetchSet fetches and parses the JWK Set at an https URL.
func (j *JWKSFetcher) FetchSet(ctx context.Context, setURL string) (*JWKSet, error) {
	if err := checkHTTPSURL(setURL, false); err != nil {
		return nil, err
	}
	body, err := j.fetcher().get(ctx, setURL, jwksAccept)
	if err != nil {
		return nil, wrapError(setURL, fetchCode(err), err)
	}
	set, err := ParseJWKSet(body)
	if err != nil {
		return nil, wrapError(setURL, CodeInvalidDocument, err)
	}
	return set, nil
}

// Key dereferences a "kid" that is an https URL. The document at the URL
// (without fragment) may be a JWK Set, in which the key whose kid equals
// the full URL or its fragment is chosen (or the only key, when the URL
// has no fragment), or a single JWK. The key must be public and valid.
func (j *JWKSFetcher) Key(ctx context.Context, kidURL string) (*JWK, error) {
	if err := checkHTTPSURL(kidURL, true); err != nil {
		return nil, err
	}
	base, frag, _ := strings.Cut(kidURL, "#")
	body, err := j.fetcher().get(ctx, base, jwksAccept)
	if err != nil {
		return nil, wrapError(kidURL, fetchCode(err), err)
	}
	members, err := decodeObject(body)
	if err != nil {
		return nil, newError(kidURL, CodeInvalidDocument, ErrInvalidDocument, "%v", err)
	}
	var key *JWK
	switch {
	case members["keys"] != nil:
		set, err := ParseJWKSet(body)
		if err != nil {
			return nil, wrapError(kidURL, CodeInvalidDocument, err)
		}
		if k, ok := set.Key(kidURL); ok {
			key = k
		} else if k, ok := set.Key(frag); ok && frag != "" {
			key = k
		} else if frag == "" && len(set.Keys) == 1 {
			key = &set.Keys[0]
		}
	case members["kty"] != nil:
		k, err := ParseJWK(body)
		if err != nil {
			return nil, wrapError(kidURL, CodeInvalidPublicKey, err)
		}
		if frag == "" || k.Kid == "" || k.Kid == kidURL || k.Kid == frag {
			key = k
		}
	default:
		return nil, newError(kidURL, CodeInvalidDocument, ErrInvalidDocument, "neither a JWK nor a JWK Set")
	}
	if key == nil {
		return nil, newError(kidURL, CodeVerificationMethod, ErrKeyNotFound, "no JWK with this kid")
	}
	return checkPublicJWK(kidURL, key)
}

// IssuerKey finds the key kid in the JWK Set of an https issuer, at
// https://{authority of issuerID}/.well-known/jwks.json. An empty kid
// selects the only key of a one-key set. If the JWK has an "iss" member it
// must equal issuerID.
func (j *JWKSFetcher) IssuerKey(ctx context.Context, issuerID, kid string) (*JWK, error) {
	if err := checkHTTPSURL(issuerID, true); err != nil {
		return nil, err
	}
	u, _ := url.Parse(issuerID)
	set, err := j.FetchSet(ctx, "https://"+u.Host+"/.well-known/jwks.json")
	if err != nil {
		return nil, err
	}
	var key *JWK
	if k, ok := set.Key(kid); ok && kid != "" {
		key = k
	} else if kid == "" && len(set.Keys) == 1 {
		key = &set.Keys[0]
	}
	if key == nil {
		return nil, newError(issuerID, CodeVerificationMethod, ErrKeyNotFound, "no JWK with kid %q in the issuer's JWK Set", kid)
	}
	if raw, ok := key.Extra["iss"]; ok {
		var iss string
		if json.Unmarshal(raw, &iss) != nil || iss != issuerID {
			return nil, newError(issuerID, CodeNotAuthorized, ErrNotAuthorized, "JWK \"iss\" %s does not match the issuer", raw)
		}
	}
	return checkPublicJWK(issuerID, key)
}

func checkPublicJWK(id string, k *JWK) (*JWK, error) {
	if k.IsPrivate() {
		return nil, newError(id, CodeInvalidPublicKey, ErrInvalidKey, "published JWK contains private key members")
	}
	if _, err := k.PublicKey(); err != nil {
		return nil, wrapError(id, keyCode(err), err)
	}
	return k, nil
}
