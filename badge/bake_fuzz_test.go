package badge_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
)

// bakeFuzzSeeds returns the baked samples and a few small crafted images.
// The PNG samples' large IDAT chunks are replaced by one small IDAT (Unbake
// does not decode image data), which keeps the seeds a few KiB and the
// fuzzer fast, especially when it minimizes inputs.
func bakeFuzzSeeds(f *testing.F) [][]byte {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "baked", "*.[ps][nv]g"))
	require.NoError(f, err)
	require.NotEmpty(f, files)
	var seeds [][]byte
	for _, name := range files {
		b, err := os.ReadFile(name)
		require.NoError(f, err)
		if strings.HasSuffix(name, ".png") {
			var chunks [][]byte
			idat := false
			for _, c := range bakeSplitPNG(f, b) {
				if c.typ == "IDAT" {
					if !idat {
						chunks = append(chunks, bakeChunk("IDAT", c.data()[:16]))
					}
					idat = true
					continue
				}
				chunks = append(chunks, c.raw)
			}
			b = bakeAssemble(chunks...)
		}
		seeds = append(seeds, b)
	}
	var baked bytes.Buffer
	require.NoError(f, badge.Bake(&baked, bytes.NewReader(bakeTestPNG(f)), []byte(bakeTestJSON)))
	seeds = append(seeds, bakeTestPNG(f), baked.Bytes(), []byte(bakeTestSVG),
		[]byte(`<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential><![CDATA[{"a":"]]]]><![CDATA[>"}]]>&#13;</openbadges:credential></svg>`),
		[]byte(`<!DOCTYPE svg><svg xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><ob:credential verify="a.b.c"/></svg>`),
		[]byte(`<svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://x/a"/></svg>`))
	return seeds
}

// FuzzUnbake checks that Unbake never panics, that its errors are ours,
// and that what it extracts can be baked again and reads back unchanged.
func FuzzUnbake(f *testing.F) {
	for _, s := range bakeFuzzSeeds(f) {
		f.Add(s)
	}
	opts := &badge.UnbakeOptions{MaxImageBytes: 1 << 20, MaxCredentialBytes: 64 << 10, MaxChunks: 256, MaxDepth: 64}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := badge.Unbake(bytes.NewReader(data), opts)
		if err != nil {
			require.Nil(t, got)
			require.True(t, strings.HasPrefix(err.Error(), "badge: "), "error %q", err)
			return
		}
		require.NotEmpty(t, got.Credential)
		require.LessOrEqual(t, len(got.Credential), int(opts.MaxCredentialBytes))
		require.Contains(t, []badge.CredentialEncoding{badge.EncodingJSON, badge.EncodingJWT}, got.Encoding)

		var out bytes.Buffer
		err = badge.Bake(&out, bytes.NewReader(data), got.Credential)
		require.NoError(t, err, "bake after unbake")
		again, err := badge.Unbake(bytes.NewReader(out.Bytes()), nil)
		require.NoError(t, err)
		assert.Equal(t, got.Credential, again.Credential)
		assert.Equal(t, got.Image, again.Image)
	})
}

// FuzzBakeCredential checks that any credential Bake accepts reads back
// byte for byte (after trimming) from both PNG and SVG.
func FuzzBakeCredential(f *testing.F) {
	for _, s := range []string{bakeTestJSON, bakeTestJWT, "{\"a\":\"]]>\"\r\n}", `{"x":"]]]]>>"}`, " {}\n", "a.b.c", "{\"\uffff\":1}", "<svg/>"} {
		f.Add([]byte(s))
	}
	pngImg := bakeTestPNG(f)
	svgImg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><g/></svg>`)
	f.Fuzz(func(t *testing.T, cred []byte) {
		want := bytes.Trim(cred, " \t\r\n")
		for _, img := range [][]byte{pngImg, svgImg} {
			var out bytes.Buffer
			err := badge.Bake(&out, bytes.NewReader(img), cred)
			if err != nil {
				require.True(t, errors.Is(err, badge.ErrInvalidBakeInput) || errors.Is(err, badge.ErrTooLarge), "bake: %v", err)
				continue
			}
			got, err := badge.Unbake(bytes.NewReader(out.Bytes()), nil)
			require.NoError(t, err)
			require.Equal(t, want, got.Credential)
		}
	})
}

func BenchmarkUnbakePNG(b *testing.B) {
	img := bakeReadTestdata(b, "simple-json.png")
	b.SetBytes(int64(len(img)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := badge.Unbake(bytes.NewReader(img), nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBakePNG(b *testing.B) {
	img := bakeReadTestdata(b, "simple-json.png")
	got, err := badge.Unbake(bytes.NewReader(img), nil)
	require.NoError(b, err)
	var out bytes.Buffer
	b.SetBytes(int64(len(img)))
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		if err := badge.Bake(&out, bytes.NewReader(img), got.Credential); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnbakeSVG(b *testing.B) {
	img := bakeReadTestdata(b, "simple-json.svg")
	b.SetBytes(int64(len(img)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := badge.Unbake(bytes.NewReader(img), nil); err != nil {
			b.Fatal(err)
		}
	}
}
