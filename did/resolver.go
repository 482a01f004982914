package did

import (
	"context"
	"strings"
)

// Resolver resolves a DID (or, for [HTTPSResolver], an https document URL)
// to its document. Implementations must be safe for concurrent use, must
// honour ctx, and must return either a document whose id equals the input
// or an error.
type Resolver interface {
	Resolve(ctx context.Context, did string) (*Document, error)
}

// ResolverFunc adapts a function to [Resolver].
type ResolverFunc func(ctx context.Context, did string) (*Document, error)

// Resolve calls f.
func (f ResolverFunc) Resolve(ctx context.Context, did string) (*Document, error) { return f(ctx, did) }

// Methods maps DID method names ("key", "jwk", "web", …) to resolvers and
// is itself a [Resolver]. The entry "https" (if present) resolves https
// URLs, which are not DIDs but name controller and key documents. Methods
// checks that the returned document's id equals the input.
type Methods map[string]Resolver

// DefaultResolver returns the offline resolver: did:key and did:jwk only.
// did:web and HTTPS documents reach the network and must be added
// explicitly:
//
//	r := did.DefaultResolver()
//	r["web"] = &did.WebResolver{Client: client}
//	r["https"] = &did.HTTPSResolver{Client: client}
func DefaultResolver() Methods {
	return Methods{"key": KeyResolver{}, "jwk": JWKResolver{}}
}

// Resolve implements [Resolver].
func (m Methods) Resolve(ctx context.Context, did string) (*Document, error) {
	var method string
	switch {
	case strings.HasPrefix(did, "did:"):
		d, err := Parse(did)
		if err != nil {
			return nil, err
		}
		method = d.Method
	case strings.HasPrefix(did, "https:"):
		if err := checkHTTPSURL(did, false); err != nil {
			return nil, err
		}
		method = "https"
	default:
		return nil, newError(did, CodeInvalidDID, ErrInvalidDID, "neither a DID nor an https URL")
	}
	r, ok := m[method]
	if !ok || r == nil {
		if method == "https" {
			return nil, newError(did, CodeMethodNotSupported, ErrMethodNotSupported, "no resolver for https URLs is configured")
		}
		return nil, newError(did, CodeMethodNotSupported, ErrMethodNotSupported, "no resolver for did:%s is configured", method)
	}
	doc, err := r.Resolve(ctx, did)
	if err != nil {
		return nil, wrapError(did, CodeInternal, err)
	}
	if doc == nil {
		return nil, wrapError(did, CodeInternal, errNilDocument)
	}
	if doc.ID != did {
		return nil, newError(did, CodeInvalidDocument, ErrInvalidDocument, "document id %q does not match", doc.ID)
	}
	return doc, nil
}

// Dereference finds the verification method named by vmURL and checks
// that its controller authorizes it for rel: AssertionMethod for
// credentials, Authentication for presentations. vmURL is a DID URL
// ("did:key:z6Mk…#z6Mk…", "did:web:example.com#key-1") or an https URL
// ("https://example.edu/issuers/565049#key-1", or a key document URL such
// as "https://example.edu/keys/1"). A nil r means [DefaultResolver].
//
// The checks follow the "retrieve verification method" algorithm of W3C
// Controlled Identifiers:
//
//  1. the document is resolved from vmURL without its fragment, and its id
//     must equal that URL;
//  2. the method is found by its absolute id; for an https URL whose
//     fragment is a publicKeyMultibase value, a method under rel with that
//     publicKeyMultibase is also accepted (the form used by 1EdTech's
//     examples, e.g. "https://example.edu/issuers/565049#z6Mk…");
//  3. the method's controller must be the document's id, and the document
//     must list the method under rel;
//  4. a key document (a URL with no fragment serving one method) is
//     checked against the document of its controller, which must list it
//     under rel;
//  5. a bare DID or document URL is accepted when the document lists
//     exactly one method under rel;
//  6. the key material must decode ([VerificationMethod.PublicKey]).
//
// The returned method is a copy with an absolute ID. Errors are
// *ResolutionError wrapping [ErrKeyNotFound], [ErrNotAuthorized],
// [ErrInvalidKey], or the resolver's error.
//
// Dereference never trusts a key written in the URL alone; see
// [InsecureFragmentKey] for why and for the offline shortcut the 1EdTech
// validator takes.
func Dereference(ctx context.Context, r Resolver, vmURL string, rel Relationship) (*VerificationMethod, error) {
	if r == nil {
		r = DefaultResolver()
	}
	if rel == "" {
		return nil, newError(vmURL, CodeInternal, ErrNotAuthorized, "no verification relationship given")
	}
	var docID, frag string
	var hasFrag, isHTTPS bool
	switch {
	case strings.HasPrefix(vmURL, "did:"):
		u, err := ParseURL(vmURL)
		if err != nil {
			return nil, err
		}
		if u.Path != "" || u.HasQuery {
			return nil, newError(vmURL, CodeInvalidDIDURL, ErrInvalidDIDURL, "DID URL paths and queries are not supported for verification methods")
		}
		docID, frag, hasFrag = u.DID.String(), u.Fragment, u.HasFragment
	case strings.HasPrefix(vmURL, "https:"):
		if err := checkHTTPSURL(vmURL, true); err != nil {
			return nil, err
		}
		docID, frag, hasFrag = strings.Cut(vmURL, "#")
		isHTTPS = true
	default:
		return nil, newError(vmURL, CodeInvalidDIDURL, ErrInvalidDIDURL, "verification method must be a DID URL or an https URL")
	}
	if hasFrag && frag == "" {
		return nil, newError(vmURL, CodeInvalidDIDURL, ErrInvalidDIDURL, "empty fragment")
	}
	doc, err := resolveChecked(ctx, r, docID)
	if err != nil {
		return nil, wrapError(vmURL, CodeInternal, err)
	}

	if kvm, ok := doc.asKeyDocument(); ok {
		if hasFrag {
			return nil, newError(vmURL, CodeVerificationMethod, ErrKeyNotFound, "the URL names a key document, which has no fragments")
		}
		return checkKeyDocument(ctx, r, vmURL, kvm, rel)
	}

	var vm *VerificationMethod
	if hasFrag {
		vm = doc.VerificationMethodByID(vmURL)
		if vm == nil && isHTTPS {
			vm = methodByMultibase(doc, frag, rel)
		}
		if vm == nil {
			return nil, newError(vmURL, CodeVerificationMethod, ErrKeyNotFound, "not in the document of %q", docID)
		}
	} else {
		refs := doc.Relationship(rel)
		if len(refs) != 1 {
			return nil, newError(vmURL, CodeVerificationMethod, ErrKeyNotFound, "the URL names a document that lists %d methods under %s; name one with a fragment", len(refs), rel)
		}
		if refs[0].Embedded != nil {
			vm = refs[0].Embedded
		} else {
			vm = doc.VerificationMethodByID(refs[0].ID)
		}
		if vm == nil {
			return nil, newError(vmURL, CodeVerificationMethod, ErrKeyNotFound, "%s entry %q has no verification method", rel, refs[0].ID)
		}
	}
	out := *vm
	out.ID = doc.AbsoluteID(vm.ID)
	if out.Controller != doc.ID {
		return nil, newError(vmURL, CodeNotAuthorized, ErrNotAuthorized, "controller %q is not the document subject %q", out.Controller, doc.ID)
	}
	if !doc.Authorizes(out.ID, rel) {
		return nil, newError(vmURL, CodeNotAuthorized, ErrNotAuthorized, "not listed under %s of %q", rel, doc.ID)
	}
	if _, err := out.PublicKey(); err != nil {
		return nil, wrapError(vmURL, keyCode(err), err)
	}
	return &out, nil
}

// resolveChecked resolves id and checks the document's id.
func resolveChecked(ctx context.Context, r Resolver, id string) (*Document, error) {
	doc, err := r.Resolve(ctx, id)
	if err != nil {
		return nil, wrapError(id, CodeInternal, err)
	}
	if doc == nil {
		return nil, wrapError(id, CodeInternal, errNilDocument)
	}
	if doc.ID != id {
		return nil, newError(id, CodeInvalidDocument, ErrInvalidDocument, "document id %q does not match", doc.ID)
	}
	return doc, nil
}

// methodByMultibase finds the method under rel whose publicKeyMultibase
// is mb.
func methodByMultibase(doc *Document, mb string, rel Relationship) *VerificationMethod {
	if _, err := DecodeMultikey(mb); err != nil {
		return nil
	}
	for _, ref := range doc.Relationship(rel) {
		vm := ref.Embedded
		if vm == nil {
			vm = doc.VerificationMethodByID(ref.ID)
		}
		if vm != nil && vm.PublicKeyMultibase == mb {
			return vm
		}
	}
	return nil
}

// checkKeyDocument checks a standalone key document against its
// controller's document.
func checkKeyDocument(ctx context.Context, r Resolver, vmURL string, vm *VerificationMethod, rel Relationship) (*VerificationMethod, error) {
	if vm.ID != vmURL {
		return nil, newError(vmURL, CodeInvalidDocument, ErrInvalidDocument, "key document id %q does not match", vm.ID)
	}
	if vm.Controller == "" {
		return nil, newError(vmURL, CodeNotAuthorized, ErrNotAuthorized, "key document has no controller")
	}
	if _, err := vm.PublicKey(); err != nil {
		return nil, wrapError(vmURL, keyCode(err), err)
	}
	ctrl, err := resolveChecked(ctx, r, vm.Controller)
	if err != nil {
		return nil, wrapError(vmURL, CodeInternal, err)
	}
	if !ctrl.Authorizes(vm.ID, rel) {
		return nil, newError(vmURL, CodeNotAuthorized, ErrNotAuthorized, "not listed under %s of its controller %q", rel, vm.Controller)
	}
	if other := ctrl.VerificationMethodByID(vm.ID); other != nil {
		a, errA := other.PublicKey()
		b, _ := vm.PublicKey()
		if errA != nil || !publicEqual(a, b) {
			return nil, newError(vmURL, CodeNotAuthorized, ErrNotAuthorized, "controller %q lists a different key under this id", vm.Controller)
		}
	}
	return vm, nil
}

// InsecureFragmentKey reads a key written in the fragment of an https
// verification method URL, as in
// "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
// without fetching anything: the fragment is decoded as a
// publicKeyMultibase value and the URL before '#' is taken as the
// controller. This is what the 1EdTech validator does.
//
// WARNING: this proves nothing about who controls the key. Anyone can
// write their own key after any issuer's URL, sign a credential naming
// that issuer, and pass a "controller equals issuer" check. Use
// [Dereference] with an [HTTPSResolver], which fetches the issuer's
// document and requires it to list the key under assertionMethod. This
// function exists for tools that must reproduce the validator's output,
// and its name says what it is.
func InsecureFragmentKey(vmURL string) (*VerificationMethod, error) {
	if err := checkHTTPSURL(vmURL, true); err != nil {
		return nil, err
	}
	base, frag, ok := strings.Cut(vmURL, "#")
	if !ok || frag == "" {
		return nil, newError(vmURL, CodeInvalidDIDURL, ErrInvalidDIDURL, "no fragment")
	}
	vm := &VerificationMethod{ID: vmURL, Type: TypeMultikey, Controller: base, PublicKeyMultibase: frag}
	if _, err := vm.PublicKey(); err != nil {
		return nil, err
	}
	return vm, nil
}
