package did

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"strings"
)

// Public key formats for did:key documents ([KeyResolver.Format]).
const (
	// FormatMultikey is the current did:key form: Multikey methods with
	// publicKeyMultibase, context did/v1 + multikey/v1.
	FormatMultikey = "Multikey"
	// FormatEd25519VerificationKey2020 is the older Ed25519-only form,
	// context did/v1 + suites/ed25519-2020/v1.
	FormatEd25519VerificationKey2020 = TypeEd25519VerificationKey2020
	// FormatJsonWebKey2020 expresses the key as publicKeyJwk, context
	// did/v1 + suites/jws-2020/v1.
	FormatJsonWebKey2020 = TypeJsonWebKey2020
)

// KeyResolver resolves did:key DIDs (W3C CCG did:key v0.9) offline, by
// expanding the multibase, multicodec-prefixed public key in the DID into a
// document. Supported keys: Ed25519 (z6Mk…), P-256 (zDn…), P-384 (z82…),
// P-521 (z2J9…), secp256k1 (zQ3s…), RSA (z4MX…, zggh…) and X25519 (z6LS…,
// key agreement only). The zero value produces the current Multikey form.
// A KeyResolver is safe for concurrent use.
type KeyResolver struct {
	// Format selects the verification method type: "" or
	// [FormatMultikey], [FormatEd25519VerificationKey2020] (Ed25519
	// keys only) or [FormatJsonWebKey2020].
	Format string
	// EnableEncryptionKeyDerivation adds, for Ed25519 keys, an X25519
	// keyAgreement method derived from the signing key, as the did:key
	// spec's option of the same name does. Off by default (as in the spec).
	EnableEncryptionKeyDerivation bool
}

// Resolve implements [Resolver].
func (r KeyResolver) Resolve(ctx context.Context, did string) (*Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, wrapError(did, CodeInternal, err)
	}
	d, err := Parse(did)
	if err != nil {
		return nil, err
	}
	if d.Method != "key" {
		return nil, newError(did, CodeMethodNotSupported, ErrMethodNotSupported, "KeyResolver resolves did:key only, not did:%s", d.Method)
	}
	if strings.Contains(d.ID, ":") {
		return nil, newError(did, CodeInvalidDID, ErrInvalidDID, "did:key method-specific id must be a single multibase value (versioned did:key is not supported)")
	}
	pub, err := DecodeMultikey(d.ID)
	if err != nil {
		return nil, wrapError(did, keyCode(err), err)
	}
	doc, err := r.document(did, d.ID, pub)
	if err != nil {
		return nil, wrapError(did, CodeInvalidPublicKeyType, err)
	}
	return doc, nil
}

func (r KeyResolver) document(did, mb string, pub crypto.PublicKey) (*Document, error) {
	format := r.Format
	if format == "" {
		format = FormatMultikey
	}
	vm, ctxs, err := didKeyMethod(did, did+"#"+mb, mb, pub, format, false)
	if err != nil {
		return nil, err
	}
	doc := &Document{ID: did, VerificationMethod: []VerificationMethod{*vm}}
	ref := []MethodRef{{ID: vm.ID}}
	if isKeyAgreementOnly(pub) {
		doc.KeyAgreement = ref
	} else {
		doc.Authentication = ref
		doc.AssertionMethod = ref
		doc.CapabilityInvocation = ref
		doc.CapabilityDelegation = ref
	}
	if edpub, ok := pub.(ed25519.PublicKey); ok && r.EnableEncryptionKeyDerivation {
		xpub, err := ed25519ToX25519(edpub)
		if err != nil {
			return nil, err
		}
		xmb, err := EncodeMultikey(xpub)
		if err != nil {
			return nil, err
		}
		kvm, kctxs, err := didKeyMethod(did, did+"#"+xmb, xmb, xpub, format, true)
		if err != nil {
			return nil, err
		}
		doc.VerificationMethod = append(doc.VerificationMethod, *kvm)
		doc.KeyAgreement = []MethodRef{{ID: kvm.ID}}
		for _, c := range kctxs {
			if !containsString(ctxs, c) {
				ctxs = append(ctxs, c)
			}
		}
	}
	doc.Context, _ = json.Marshal(ctxs)
	return doc, nil
}

func isKeyAgreementOnly(pub crypto.PublicKey) bool {
	code, _, err := multicodecOf(pub)
	return err == nil && code == codecX25519Pub
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// didKeyMethod builds one did:key verification method in the given format
// and returns it with the contexts it needs.
func didKeyMethod(did, id, mb string, pub crypto.PublicKey, format string, agreement bool) (*VerificationMethod, []string, error) {
	vm := &VerificationMethod{ID: id, Controller: did}
	switch format {
	case FormatMultikey:
		vm.Type = TypeMultikey
		vm.PublicKeyMultibase = mb
		return vm, []string{ContextDIDv1, ContextMultikeyV1}, nil
	case FormatEd25519VerificationKey2020:
		code, _, _ := multicodecOf(pub)
		switch {
		case code == codecEd25519Pub:
			vm.Type = TypeEd25519VerificationKey2020
			vm.PublicKeyMultibase = mb
			return vm, []string{ContextDIDv1, ContextEd25519V2020}, nil
		case code == codecX25519Pub && agreement:
			vm.Type = TypeX25519KeyAgreementKey2020
			vm.PublicKeyMultibase = mb
			return vm, []string{ContextDIDv1, ContextX25519V2020}, nil
		}
		return nil, nil, fmt.Errorf("%w: format %s holds Ed25519 keys only", ErrUnsupportedKey, format)
	case FormatJsonWebKey2020:
		j, err := NewJWK(pub)
		if err != nil {
			return nil, nil, err
		}
		vm.Type = TypeJsonWebKey2020
		vm.PublicKeyJWK = j
		return vm, []string{ContextDIDv1, ContextJWS2020}, nil
	}
	return nil, nil, fmt.Errorf("%w: did:key public key format %q", ErrUnsupportedKey, format)
}

// DIDKeyFromPublicKey returns the did:key DID of a public key: an
// [ed25519.PublicKey], *[ecdsa.PublicKey] (P-256, P-384, P-521),
// *[Secp256k1PublicKey], *[rsa.PublicKey] or X25519 *[ecdh.PublicKey]. The
// verification method of the key is the DID, '#', and the part after
// "did:key:".
func DIDKeyFromPublicKey(pub crypto.PublicKey) (string, error) {
	mb, err := EncodeMultikey(pub)
	if err != nil {
		return "", err
	}
	return "did:key:" + mb, nil
}
