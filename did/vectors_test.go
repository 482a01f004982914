package did_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/multiformats/go-multibase"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/did"
)

// The did:key vectors in testdata/did-key are from w3c-ccg/did-method-key
// at a 2022 commit (see testdata/did-key/PROVENANCE.md). They predate the
// current did:key spec (v0.9), and differ from what KeyResolver produces:
//
//  1. Method types and key encodings. The vectors use
//     Ed25519VerificationKey2018 / X25519KeyAgreementKey2019 /
//     EcdsaSecp256k1VerificationKey2019 / P256Key2021 with publicKeyBase58
//     (raw key bytes), or JsonWebKey2020. The current spec's default is
//     Multikey with publicKeyMultibase (the multicodec form, equal to the
//     DID's own method-specific id). We therefore compare decoded public
//     keys, not JSON, and additionally compare the JsonWebKey2020 vectors
//     member for member against our JsonWebKey2020 format.
//  2. Contexts: the vectors cite suite contexts (ed25519-2018, x25519-2019,
//     jws-2020, multikey-2021); the current form cites
//     https://w3id.org/security/multikey/v1. Not compared.
//  3. keyAgreement. The vectors derive an X25519 key-agreement method for
//     every Ed25519 key and list keyAgreement for the NIST and secp256k1
//     keys too. The current spec derives X25519 only when
//     enableEncryptionKeyDerivation is set, and never lists a signing key
//     under keyAgreement. We resolve Ed25519 vectors with
//     EnableEncryptionKeyDerivation and expect the vectors' derived key;
//     for the other curves we expect keyAgreement to be absent.
//  4. Ids in "verificationKeyPair" are relative ("#z6Mk…") in most files:
//     an artefact of the generator, not of the DID document.
//  5. The 4096-bit RSA vector pads its private JWK members with '=',
//     which RFC 7515 §2 does not allow. ParsePrivateKey tolerates padding
//     in private members only (public members stay strict).
//  6. BLS12-381 (zUC7…, z5Tc…) is not supported here (it is not used for
//     Open Badges), so those vectors must fail with ErrUnsupportedKey.

type vectorDoc struct {
	ID                 string            `json:"id"`
	VerificationMethod []json.RawMessage `json:"verificationMethod"`
	Authentication     []string          `json:"authentication"`
	AssertionMethod    []string          `json:"assertionMethod"`
	CapInvocation      []string          `json:"capabilityInvocation"`
	CapDelegation      []string          `json:"capabilityDelegation"`
	KeyAgreement       []string          `json:"keyAgreement"`
}

type vectorEntry struct {
	Seed                string          `json:"seed"`
	PublicKeyJwk        json.RawMessage `json:"publicKeyJwk"`
	PrivateKeyJwk       json.RawMessage `json:"privateKeyJwk"`
	VerificationMethod  json.RawMessage `json:"verificationMethod"`
	VerificationKeyPair json.RawMessage `json:"verificationKeyPair"`
	DIDDocument         vectorDoc       `json:"didDocument"`
}

func loadVectors(t *testing.T, file string) map[string]vectorEntry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "did-key", file))
	require.NoError(t, err)
	out := map[string]vectorEntry{}
	if file == "x25519.json" {
		var x struct {
			DIDDocument map[string]vectorDoc `json:"didDocument"`
		}
		require.NoError(t, json.Unmarshal(b, &x))
		for k, v := range x.DIDDocument {
			out[k] = vectorEntry{DIDDocument: v}
		}
		return out
	}
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

// vectorKey decodes a vector's verification method, including the
// P256Key2021 type that this package does not accept (raw compressed
// point in publicKeyBase58).
func vectorKey(t *testing.T, raw json.RawMessage) (string, crypto.PublicKey) {
	t.Helper()
	var probe struct {
		ID, Type        string
		PublicKeyBase58 string
	}
	require.NoError(t, json.Unmarshal(raw, &probe))
	if probe.Type == "P256Key2021" {
		_, b, err := multibase.Decode("z" + probe.PublicKeyBase58)
		require.NoError(t, err)
		mb, err := multibase.Encode(multibase.Base58BTC, append([]byte{0x80, 0x24}, b...))
		require.NoError(t, err)
		pub, err := did.DecodeMultikey(mb)
		require.NoError(t, err)
		return probe.ID, pub
	}
	var vm did.VerificationMethod
	require.NoError(t, json.Unmarshal(raw, &vm))
	pub, err := vm.PublicKey()
	require.NoError(t, err, "vector method %s", vm.ID)
	return vm.ID, pub
}

func TestDIDKeyVectors(t *testing.T) {
	ctx := context.Background()
	files := []string{"ed25519-x25519.json", "x25519.json", "secp256k1.json", "nist-curves.json", "rsa.json", "bls12381.json"}
	for _, file := range files {
		entries := loadVectors(t, file)
		require.NotEmpty(t, entries)
		names := make([]string, 0, len(entries))
		for k := range entries {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, name := range names {
			v := entries[name]
			t.Run(file+"/"+name[:20], func(t *testing.T) {
				if file == "bls12381.json" {
					_, err := did.KeyResolver{}.Resolve(ctx, name)
					require.ErrorIs(t, err, did.ErrUnsupportedKey)
					var re *did.ResolutionError
					require.ErrorAs(t, err, &re)
					assert.Equal(t, name, re.DID)
					return
				}
				isEd := name[:12] == "did:key:z6Mk"
				r := did.KeyResolver{EnableEncryptionKeyDerivation: isEd}
				doc, err := r.Resolve(ctx, name)
				require.NoError(t, err)
				assert.Equal(t, v.DIDDocument.ID, doc.ID)

				// Every key of the vector is in our document, with the same id and key.
				require.Len(t, doc.VerificationMethod, len(v.DIDDocument.VerificationMethod))
				for _, raw := range v.DIDDocument.VerificationMethod {
					id, want := vectorKey(t, raw)
					vm := doc.VerificationMethodByID(id)
					require.NotNil(t, vm, "method %s", id)
					assert.Equal(t, did.TypeMultikey, vm.Type)
					assert.Equal(t, name, vm.Controller)
					got, err := vm.PublicKey()
					require.NoError(t, err)
					assert.True(t, want.(interface{ Equal(crypto.PublicKey) bool }).Equal(got), "key of %s", id)
				}

				refs := func(rs []did.MethodRef) []string {
					var out []string
					for _, r := range rs {
						out = append(out, r.ID)
					}
					return out
				}
				assert.Equal(t, v.DIDDocument.Authentication, refs(doc.Authentication))
				assert.Equal(t, v.DIDDocument.AssertionMethod, refs(doc.AssertionMethod))
				assert.Equal(t, v.DIDDocument.CapInvocation, refs(doc.CapabilityInvocation))
				assert.Equal(t, v.DIDDocument.CapDelegation, refs(doc.CapabilityDelegation))
				if isEd || file == "x25519.json" {
					assert.Equal(t, v.DIDDocument.KeyAgreement, refs(doc.KeyAgreement))
				} else {
					assert.Empty(t, doc.KeyAgreement, "current spec: no keyAgreement for signing keys")
				}

				// JsonWebKey2020 vectors: our JsonWebKey2020 format gives the same JWK members.
				var first struct {
					Type         string
					PublicKeyJwk map[string]string
				}
				require.NoError(t, json.Unmarshal(v.DIDDocument.VerificationMethod[0], &first))
				if first.Type == did.TypeJsonWebKey2020 {
					jdoc, err := did.KeyResolver{Format: did.FormatJsonWebKey2020}.Resolve(ctx, name)
					require.NoError(t, err)
					j := jdoc.VerificationMethod[0].PublicKeyJWK
					require.NotNil(t, j)
					assert.Equal(t, first.PublicKeyJwk["kty"], j.Kty)
					assert.Equal(t, first.PublicKeyJwk["crv"], j.Crv)
					assert.Equal(t, first.PublicKeyJwk["x"], j.X)
					assert.Equal(t, first.PublicKeyJwk["y"], j.Y)
					assert.Equal(t, first.PublicKeyJwk["n"], j.N)
					assert.Equal(t, first.PublicKeyJwk["e"], j.E)
				}

				// The DID round-trips from the public key.
				pub, err := doc.VerificationMethod[0].PublicKey()
				require.NoError(t, err)
				d, err := did.DIDKeyFromPublicKey(pub)
				require.NoError(t, err)
				assert.Equal(t, name, d)

				// Private keys: Ed25519 seeds, and private JWKs (NIST, RSA).
				if isEd && v.Seed != "" {
					seed, err := hex.DecodeString(v.Seed)
					require.NoError(t, err)
					k, err := did.NewEd25519KeyFromSeed(seed)
					require.NoError(t, err)
					assert.Equal(t, name, k.Controller)
					assert.Equal(t, name+"#"+name[len("did:key:"):], k.ID)
				}
				privJWK := v.PrivateKeyJwk
				if privJWK == nil && v.VerificationMethod != nil {
					var vm struct {
						PrivateKeyJwk json.RawMessage `json:"privateKeyJwk"`
					}
					require.NoError(t, json.Unmarshal(v.VerificationMethod, &vm))
					privJWK = vm.PrivateKeyJwk
				}
				if privJWK != nil {
					k, err := did.ParsePrivateKey(privJWK)
					require.NoError(t, err)
					if _, isEC := k.Public.(*ecdsa.PublicKey); isEC {
						assert.Equal(t, name, k.Controller)
					}
					assert.True(t, pub.(interface{ Equal(crypto.PublicKey) bool }).Equal(k.Public))
				}
			})
		}
	}
}
