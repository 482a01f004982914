package jsonld

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCanonicalVectors checks our output, canonicalized with internal/rdfc,
// against the published canonical N-Quads of the test vectors.
func TestCanonicalVectors(t *testing.T) {
	p := NewProcessor(newTestLoader(t), nil)
	type vec struct{ doc, canon string }
	var vecs []vec
	for _, d := range []string{"obv3p0", "clrv2p0"} {
		dir := filepath.Join("testdata", "fixtures", "ob3", "test-vectors", d)
		b, err := os.ReadFile(filepath.Join(dir, "vector.json"))
		require.NoError(t, err)
		var v struct {
			Unsigned string `json:"unsignedCredentialFile"`
		}
		require.NoError(t, json.Unmarshal(b, &v))
		vecs = append(vecs, vec{filepath.Join(dir, v.Unsigned), filepath.Join(dir, "document-canon.txt")})
	}
	ed := filepath.Join("testdata", "fixtures", "vc-di-eddsa", "TestVectors")
	vecs = append(vecs,
		vec{filepath.Join(ed, "eddsa-rdfc-2022", "signedDataInt.json"), filepath.Join(ed, "eddsa-rdfc-2022", "canonDocDataInt.txt")},
		vec{filepath.Join(ed, "eddsa-rdfc-2022", "employ", "signedDataInt.json"), filepath.Join(ed, "eddsa-rdfc-2022", "employ", "canonDocDataInt.txt")},
		vec{filepath.Join(ed, "Ed25519Signature2020", "signedEdSig.json"), filepath.Join(ed, "Ed25519Signature2020", "canonDocEdSig.txt")},
	)
	for _, v := range vecs {
		t.Run(v.canon, func(t *testing.T) {
			raw, err := os.ReadFile(v.doc)
			require.NoError(t, err)
			doc, err := decodeNumber(raw)
			require.NoError(t, err)
			delete(doc.(map[string]any), "proof")
			quads, err := p.ToRDF(context.Background(), doc)
			require.NoError(t, err)
			got, err := canon(t, quads)
			require.NoError(t, err)
			want, err := os.ReadFile(v.canon)
			require.NoError(t, err)
			require.Equal(t, string(want), got)
		})
	}
}
