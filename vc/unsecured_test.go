package vc

import (
	"context"
	"crypto/sha256"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func parseFile(t *testing.T, path string) *Credential {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	c, err := Parse(b)
	require.NoError(t, err)
	return c
}

// CheckUnsecured checks what Check of the document without its proof
// checks, keeps the dataset, and CanonicalUnsecured canonicalizes it: the
// same bytes as canonicalizing the document without its proof, and the
// published canonical form.
func TestCheckUnsecuredKeepsTheDataset(t *testing.T) {
	ctx := context.Background()
	p := NewProcessor(nil)
	for _, f := range []string{"testdata/ob3/obv3p0/signed.json", "testdata/ob3/clrv2p0/signed.json"} {
		t.Run(f, func(t *testing.T) {
			c := parseFile(t, f)
			require.NoError(t, p.CheckUnsecured(ctx, c))
			m := c.unsecuredRDF.Load()
			require.NotNil(t, m, "the dataset is kept")
			assert.Same(t, p, m.proc)
			assert.NotEmpty(t, m.quads)

			got, err := p.CanonicalUnsecured(ctx, c)
			require.NoError(t, err)
			want, err := p.Canonicalize(ctx, withoutProof(c.Document()), nil)
			require.NoError(t, err)
			assert.Equal(t, string(want.NQuads), string(got))
			canon, err := os.ReadFile(f[:len(f)-len("signed.json")] + "document-canon.txt")
			require.NoError(t, err)
			assert.Equal(t, string(canon), string(got))

			assert.Nil(t, c.unsecuredRDF.Load().quads, "the dataset is dropped once canonicalized")
			assert.True(t, p.CheckedUnsecured(c))
			again, err := p.CanonicalUnsecured(ctx, c)
			require.NoError(t, err)
			assert.Same(t, &got[0], &again[0], "the canonical form is remembered")

			// Another processor does not use this one's dataset.
			q := NewProcessor(nil)
			other, err := q.CanonicalUnsecured(ctx, c)
			require.NoError(t, err)
			assert.Equal(t, string(got), string(other))
			assert.NotSame(t, &got[0], &other[0])
		})
	}
}

// Without CheckUnsecured, CanonicalUnsecured converts the document itself,
// with every rule of Check.
func TestCanonicalUnsecuredAlone(t *testing.T) {
	ctx := context.Background()
	p := NewProcessor(nil)
	c := parseFile(t, "testdata/ob3/obv3p0/signed.json")
	got, err := p.CanonicalUnsecured(ctx, c)
	require.NoError(t, err)
	canon, err := os.ReadFile("testdata/ob3/obv3p0/document-canon.txt")
	require.NoError(t, err)
	assert.Equal(t, string(canon), string(got))
	assert.Nil(t, c.unsecuredRDF.Load())
}

// A document that breaks the rules fails CheckUnsecured exactly as Check
// fails, keeps nothing, and fails CanonicalUnsecured too.
func TestCheckUnsecuredRefuses(t *testing.T) {
	ctx := context.Background()
	p := NewProcessor(nil)
	docs := map[string]string{
		"undefined term": `{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
			"issuer": "did:example:1", "credentialSubject": {"id": "did:example:2", "nickname": "x"},
			"proof": {"type": "DataIntegrityProof"}}`,
		"absolute IRI key": `{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
			"issuer": "did:example:1", "credentialSubject": {"id": "did:example:2"},
			"https://www.w3.org/2018/credentials#validUntil": "2020-01-01T00:00:00Z",
			"proof": {"type": "DataIntegrityProof"}}`,
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			c, err := Parse([]byte(doc))
			require.NoError(t, err)
			want := p.Check(ctx, withoutProof(c.Document()))
			require.Error(t, want)
			got := p.CheckUnsecured(ctx, c)
			require.Error(t, got)
			assert.Equal(t, want.Error(), got.Error())
			assert.IsType(t, want, got)
			assert.Nil(t, c.unsecuredRDF.Load(), "nothing kept for a document that fails")
			assert.False(t, p.CheckedUnsecured(c))
			_, err = p.CanonicalUnsecured(ctx, c)
			require.Error(t, err)
			assert.Nil(t, c.unsecuredCanon.Load())
		})
	}
}

// A credential without a proof (the payload of a VC-JWT) is checked;
// there is nothing to keep.
func TestCheckUnsecuredWithoutProof(t *testing.T) {
	ctx := context.Background()
	p := NewProcessor(nil)
	c := parseFile(t, "testdata/ob3/obv3p0/unsigned.json")
	assert.False(t, p.CheckedUnsecured(c))
	require.NoError(t, p.CheckUnsecured(ctx, c))
	require.NotNil(t, c.unsecuredRDF.Load())
	assert.Nil(t, c.unsecuredRDF.Load().quads)
	assert.True(t, p.CheckedUnsecured(c))
	assert.False(t, NewProcessor(nil).CheckedUnsecured(c))
}

// The remembered forms are safe for concurrent use (run with -race).
func TestCanonicalUnsecuredConcurrent(t *testing.T) {
	ctx := context.Background()
	p := NewProcessor(nil)
	c := parseFile(t, "testdata/ob3/obv3p0/signed.json")
	require.NoError(t, p.CheckUnsecured(ctx, c))
	want, err := p.Canonicalize(ctx, withoutProof(c.Document()), nil)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			got, err := p.CanonicalUnsecured(ctx, c)
			assert.NoError(t, err)
			assert.Equal(t, string(want.NQuads), string(got))
			assert.NoError(t, p.CheckUnsecured(ctx, c))
		})
	}
	wg.Wait()
}

// The datasets CheckUnsecured keeps are recycled once canonicalized: under
// concurrent verifications of different credentials on one processor,
// each still canonicalizes its own (run with -race).
func TestKeptDatasetsRecycledSafely(t *testing.T) {
	ctx := context.Background()
	p := NewProcessor(nil)
	files := []string{"testdata/ob3/obv3p0/signed.json", "testdata/ob3/clrv2p0/signed.json"}
	var want []string
	for _, f := range files {
		c := parseFile(t, f)
		w, err := p.Canonicalize(ctx, withoutProof(c.Document()), nil)
		require.NoError(t, err)
		want = append(want, string(w.NQuads))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				k := (g + i) % len(files)
				c := parseFile(t, files[k])
				if !assert.NoError(t, p.CheckUnsecured(ctx, c)) {
					return
				}
				got, err := p.CanonicalUnsecured(ctx, c)
				assert.NoError(t, err)
				assert.Equal(t, want[k], string(got))
			}
		})
	}
	wg.Wait()
}

// CanonicalUnsecuredHash is the SHA-256 digest of CanonicalUnsecured's
// bytes whichever state the credential is in: the dataset kept by
// CheckUnsecured, the canonical form already remembered, or neither; and a
// later CanonicalUnsecured still returns the bytes.
func TestCanonicalUnsecuredHashAgrees(t *testing.T) {
	ctx := context.Background()
	p := NewProcessor(nil)
	want, err := p.CanonicalUnsecured(ctx, parseFile(t, "testdata/ob3/obv3p0/signed.json"))
	require.NoError(t, err)
	sum := sha256.Sum256(want)
	for _, tc := range []struct {
		name  string
		setup func(c *Credential)
	}{
		{"kept dataset", func(c *Credential) { require.NoError(t, p.CheckUnsecured(ctx, c)) }},
		{"canonical form remembered", func(c *Credential) {
			_, err := p.CanonicalUnsecured(ctx, c)
			require.NoError(t, err)
		}},
		{"nothing", func(*Credential) {}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := parseFile(t, "testdata/ob3/obv3p0/signed.json")
			tc.setup(c)
			got, err := p.CanonicalUnsecuredHash(ctx, c)
			require.NoError(t, err)
			assert.Equal(t, sum[:], got)
			again, err := p.CanonicalUnsecuredHash(ctx, c)
			require.NoError(t, err)
			assert.Equal(t, sum[:], again)
			nq, err := p.CanonicalUnsecured(ctx, c)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(nq))
		})
	}
}
