package did

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// ContextJWKV1 is the JSON-LD context of the JsonWebKey verification
// method type (W3C Controlled Identifiers), written by [NewWebDocument]
// when a document holds one.
const ContextJWKV1 = "https://w3id.org/security/jwk/v1"

// WebDID returns the did:web DID of a host and an optional path, the
// inverse of [WebURL]:
//
//	WebDID("example.com")                   -> did:web:example.com
//	WebDID("example.com", "issuers", "42")  -> did:web:example.com:issuers:42
//	WebDID("example.com:8443")              -> did:web:example.com%3A8443
//
// host is a domain name, optionally with ":port" (IP addresses are not
// allowed by the method); it is lowercased. Each path element is one
// segment: it may not be empty, "." or ".." nor hold '/', '\', '?' or '#'
// (did:web forbids them even encoded), and every other byte than a letter,
// digit, '.', '-' or '_' is percent-encoded (so "a b" becomes "a%20b", and
// "a:b" stays one segment as "a%3Ab"). Errors wrap [ErrInvalidDID].
func WebDID(host string, path ...string) (string, error) {
	h, port, hasPort := strings.Cut(host, ":")
	h = strings.ToLower(h)
	if reason := checkDomain(h); reason != "" {
		return "", fmt.Errorf("%w: did:web host %q: %s", ErrInvalidDID, host, reason)
	}
	var b strings.Builder
	b.WriteString("did:web:")
	b.WriteString(h)
	if hasPort {
		p, err := strconv.Atoi(port)
		if err != nil || p < 1 || p > 65535 || strings.HasPrefix(port, "0") || strings.HasPrefix(port, "+") {
			return "", fmt.Errorf("%w: did:web host %q: bad port %q", ErrInvalidDID, host, port)
		}
		b.WriteString("%3A" + port)
	}
	for _, seg := range path {
		if seg == "" || seg == "." || seg == ".." || strings.ContainsAny(seg, "/\\?#") {
			return "", fmt.Errorf("%w: did:web path segment %q", ErrInvalidDID, seg)
		}
		b.WriteByte(':')
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			if isAlnum(c) || c == '.' || c == '-' || c == '_' {
				b.WriteByte(c)
			} else {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		}
	}
	d := b.String()
	if _, err := WebURL(d); err != nil {
		return "", err
	}
	return d, nil
}

// WebDocumentOptions configures [NewWebDocument]. The zero value (or nil)
// gives Multikey methods listed under assertionMethod and authentication.
type WebDocumentOptions struct {
	// MethodType is the type of the verification methods: TypeMultikey
	// ("" means it) or TypeJsonWebKey. RSA keys, which have no Multikey
	// form here, are always JsonWebKey.
	MethodType string
	// Relationships lists the verification relationships every key is
	// listed under. nil means AssertionMethod (credentials) and
	// Authentication (presentations). KeyAgreement is refused: these are
	// signing keys.
	Relationships []Relationship
}

// NewWebDocument returns the DID document to publish for the did:web DID
// webDID (at the URL [WebURL] maps it to, /.well-known/did.json for a bare
// host), listing keys as its verification methods: "@context" (DID v1 and
// the context of each method type), "id", "verificationMethod" (each with
// its id, type, controller = webDID and the public key only, whatever the
// Key holds), and the relationships of opts. It is what [WebResolver]
// resolves and [Dereference] accepts.
//
// Every key must be named as a method of webDID (ID webDID#fragment, as
// [NewWebKey] and [GenerateWebKey] name it), and ids must be distinct.
// Errors wrap [ErrInvalidDID] (webDID), [ErrInvalidKey] or
// [ErrUnsupportedKey] (a key), or [ErrInvalidDocument].
func NewWebDocument(webDID string, keys []*Key, opts *WebDocumentOptions) (*Document, error) {
	if _, err := WebURL(webDID); err != nil {
		return nil, err
	}
	var o WebDocumentOptions
	if opts != nil {
		o = *opts
	}
	if o.MethodType == "" {
		o.MethodType = TypeMultikey
	}
	if o.MethodType != TypeMultikey && o.MethodType != TypeJsonWebKey {
		return nil, fmt.Errorf("%w: verification method type %q (want %s or %s)", ErrUnsupportedKey, o.MethodType, TypeMultikey, TypeJsonWebKey)
	}
	rels := o.Relationships
	if rels == nil {
		rels = []Relationship{AssertionMethod, Authentication}
	}
	for _, rel := range rels {
		switch rel {
		case AssertionMethod, Authentication, CapabilityInvocation, CapabilityDelegation:
		case KeyAgreement:
			return nil, fmt.Errorf("%w: keyAgreement needs key-agreement keys, not signing keys", ErrInvalidDocument)
		default:
			return nil, fmt.Errorf("%w: verification relationship %q", ErrInvalidDocument, rel)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: a DID document needs at least one key", ErrInvalidDocument)
	}
	doc := &Document{ID: webDID}
	seen := map[string]bool{}
	var multikey, jwk bool
	for i, k := range keys {
		if k == nil || k.Public == nil {
			return nil, fmt.Errorf("%w: key %d has no public key", ErrInvalidKey, i)
		}
		frag, ok := strings.CutPrefix(k.ID, webDID+"#")
		if !ok || frag == "" {
			return nil, fmt.Errorf("%w: key %q is not a verification method of %q (name it with NewWebKey)", ErrInvalidDocument, k.ID, webDID)
		}
		if seen[k.ID] {
			return nil, fmt.Errorf("%w: two keys named %q", ErrInvalidDocument, k.ID)
		}
		seen[k.ID] = true
		vm, err := webMethod(k, webDID, o.MethodType)
		if err != nil {
			return nil, err
		}
		multikey = multikey || vm.Type == TypeMultikey
		jwk = jwk || vm.Type == TypeJsonWebKey
		doc.VerificationMethod = append(doc.VerificationMethod, *vm)
	}
	ctxs := []string{ContextDIDv1}
	if multikey {
		ctxs = append(ctxs, ContextMultikeyV1)
	}
	if jwk {
		ctxs = append(ctxs, ContextJWKV1)
	}
	doc.Context, _ = json.Marshal(ctxs)
	for _, rel := range rels {
		refs := make([]MethodRef, len(doc.VerificationMethod))
		for i, vm := range doc.VerificationMethod {
			refs[i] = MethodRef{ID: vm.ID}
		}
		switch rel {
		case AssertionMethod:
			doc.AssertionMethod = refs
		case Authentication:
			doc.Authentication = refs
		case CapabilityInvocation:
			doc.CapabilityInvocation = refs
		case CapabilityDelegation:
			doc.CapabilityDelegation = refs
		}
	}
	return doc, nil
}

// webMethod is k's public key as a verification method of controller.
func webMethod(k *Key, controller, methodType string) (*VerificationMethod, error) {
	_, isRSA := k.Public.(*rsa.PublicKey)
	if methodType == TypeJsonWebKey || isRSA {
		j, err := NewJWK(k.Public)
		if err != nil {
			return nil, err
		}
		return &VerificationMethod{ID: k.ID, Type: TypeJsonWebKey, Controller: controller, PublicKeyJWK: j.Public()}, nil
	}
	mb, err := EncodeMultikey(k.Public)
	if err != nil {
		return nil, err
	}
	return &VerificationMethod{ID: k.ID, Type: TypeMultikey, Controller: controller, PublicKeyMultibase: mb}, nil
}

// DIDDocument returns the DID document of the key's controller with this
// key in it: for a did:web key (see [NewWebKey]) the document to publish,
// built by [NewWebDocument] with the default options; for a did:key, the
// document the method derives ([KeyResolver]). Other keys (https URLs,
// RSA thumbprints) have no DID document: [ErrMethodNotSupported].
func (k *Key) DIDDocument() (*Document, error) {
	switch {
	case strings.HasPrefix(k.Controller, "did:web:"):
		return NewWebDocument(k.Controller, []*Key{k}, nil)
	case strings.HasPrefix(k.Controller, "did:key:"):
		// did:key resolution is computed from the DID: no I/O.
		return KeyResolver{}.Resolve(context.Background(), k.Controller)
	}
	return nil, newError(k.ID, CodeMethodNotSupported, ErrMethodNotSupported, "key %q has no DID document (not a did:web or did:key method)", k.ID)
}
