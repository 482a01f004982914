package badge_test

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
)

const (
	bakeTestJWT  = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZToxIn0.c2lnbmF0dXJl"
	bakeTestJSON = `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","OpenBadgeCredential"],"name":"Teamwork"}`
	bakeTestSVG  = `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>`
)

// bakeTestPNG returns a small PNG made by image/png: IHDR, IDAT, IEND.
func bakeTestPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 4, 4))
	for i := range 16 {
		img.Set(i%4, i/4, color.NRGBA{uint8(i * 16), 0x80, 0x40, 0xff})
	}
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

func bakeReadTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "baked", name))
	require.NoError(t, err)
	return b
}

// bakeTestChunk is one PNG chunk, split by the test's own parser.
type bakeTestChunk struct {
	typ string
	raw []byte // length, type, data and CRC
}

func (c bakeTestChunk) data() []byte { return c.raw[8 : len(c.raw)-4] }

// bakeSplitPNG splits a well-formed PNG into its chunks.
func bakeSplitPNG(t testing.TB, b []byte) []bakeTestChunk {
	t.Helper()
	require.Greater(t, len(b), 8)
	var cs []bakeTestChunk
	for i := 8; i < len(b); {
		require.LessOrEqual(t, i+12, len(b))
		n := int(binary.BigEndian.Uint32(b[i:]))
		require.LessOrEqual(t, i+12+n, len(b))
		cs = append(cs, bakeTestChunk{string(b[i+4 : i+8]), b[i : i+12+n]})
		i += 12 + n
	}
	return cs
}

// bakeChunk builds a chunk with a correct CRC.
func bakeChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// bakeAssemble joins the PNG signature and chunks.
func bakeAssemble(chunks ...[]byte) []byte {
	return append([]byte("\x89PNG\r\n\x1a\n"), bytes.Join(chunks, nil)...)
}

// bakeITXt builds iTXt data: keyword, flag, method, language, translated keyword, text.
func bakeITXt(keyword string, flag, method byte, text []byte) []byte {
	b := append([]byte(keyword), 0, flag, method, 0, 0)
	return append(b, text...)
}

func bakeDeflate(b []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(b)
	w.Close()
	return z.Bytes()
}

func bakeIsCredentialChunk(c bakeTestChunk) bool {
	return c.typ == "iTXt" && bytes.HasPrefix(c.data(), []byte("openbadgecredential\x00"))
}

var bakeSVGElement = regexp.MustCompile(`<(openbadges|ob):credential[\s\S]*?(/>|</(openbadges|ob):credential>)`)

func TestBakeRoundTrip(t *testing.T) {
	images := []struct {
		name string
		img  []byte
		typ  badge.ImageFormat
	}{
		{"generated.png", bakeTestPNG(t), badge.ImagePNG},
		{"simple-json.png", bakeReadTestdata(t, "simple-json.png"), badge.ImagePNG},
		{"simple-jwt.png", bakeReadTestdata(t, "simple-jwt.png"), badge.ImagePNG},
		{"plain.svg", []byte(bakeTestSVG), badge.ImageSVG},
		{"self-closing.svg", []byte(`<?xml version="1.0"?>` + "\n" + `<svg xmlns="http://www.w3.org/2000/svg" width="1"/>` + "\n"), badge.ImageSVG},
		{"prefixed-root.svg", []byte(`<s:svg xmlns:s="http://www.w3.org/2000/svg"><s:g/></s:svg>`), badge.ImageSVG},
		{"bom-comment-doctype.svg", []byte("\ufeff<!-- hi -->\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<svg\n  xmlns=\"http://www.w3.org/2000/svg\" >\n<text>a &amp; b</text></svg>"), badge.ImageSVG},
		{"declared-ns.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><g/></svg>`), badge.ImageSVG},
		{"simple-json.svg", bakeReadTestdata(t, "simple-json.svg"), badge.ImageSVG},
		{"simple-jwt.svg", bakeReadTestdata(t, "simple-jwt.svg"), badge.ImageSVG},
	}
	creds := []struct {
		name string
		cred string
		enc  badge.CredentialEncoding
	}{
		{"jwt", bakeTestJWT, badge.EncodingJWT},
		{"json", bakeTestJSON, badge.EncodingJSON},
		{"json-cdata-end", `{"name":"a ]]> b ]]]> c]]","x":"]]"}`, badge.EncodingJSON},
		{"json-crlf", "{\r\n  \"name\": \"caf\u00e9 \u2713\",\r\n  \"n\": 1\r\n}", badge.EncodingJSON},
		{"json-padded", "\n\t " + bakeTestJSON + "\r\n", badge.EncodingJSON},
	}
	for _, im := range images {
		for _, c := range creds {
			t.Run(im.name+"/"+c.name, func(t *testing.T) {
				var out bytes.Buffer
				require.NoError(t, badge.Bake(&out, bytes.NewReader(im.img), []byte(c.cred)))
				want := strings.Trim(c.cred, " \t\r\n")

				got, err := badge.Unbake(bytes.NewReader(out.Bytes()), nil)
				require.NoError(t, err)
				assert.Equal(t, want, string(got.Credential))
				assert.Equal(t, c.enc, got.Encoding)
				assert.Equal(t, im.typ, got.Image)

				// Baking again with another credential replaces it, and gives
				// the same bytes as baking that credential into the original.
				var again, direct bytes.Buffer
				other := bakeTestJWT
				if c.enc == badge.EncodingJWT {
					other = bakeTestJSON
				}
				require.NoError(t, badge.Bake(&again, bytes.NewReader(out.Bytes()), []byte(other)))
				require.NoError(t, badge.Bake(&direct, bytes.NewReader(im.img), []byte(other)))
				assert.Equal(t, direct.Bytes(), again.Bytes())
				got, err = badge.Unbake(bytes.NewReader(again.Bytes()), nil)
				require.NoError(t, err)
				assert.Equal(t, other, string(got.Credential))

				if im.typ == badge.ImagePNG {
					bakeCheckPNG(t, im.img, out.Bytes(), []byte(want))
				} else {
					bakeCheckSVG(t, im.img, out.Bytes())
				}
			})
		}
	}
}

// bakeCheckPNG checks that baked is in with exactly one credential chunk
// holding want and every other chunk byte-identical and in order.
func bakeCheckPNG(t *testing.T, in, baked, want []byte) {
	t.Helper()
	var before, after [][]byte
	for _, c := range bakeSplitPNG(t, in) {
		if !bakeIsCredentialChunk(c) {
			before = append(before, c.raw)
		}
	}
	var creds int
	for _, c := range bakeSplitPNG(t, baked) {
		if bakeIsCredentialChunk(c) {
			creds++
			assert.Equal(t, append([]byte("openbadgecredential\x00\x00\x00\x00\x00"), want...), c.data())
			continue
		}
		after = append(after, c.raw)
	}
	assert.Equal(t, 1, creds)
	assert.Equal(t, before, after, "non-credential chunks must be copied byte for byte")
	assert.Equal(t, "IHDR", bakeSplitPNG(t, baked)[0].typ)
	_, err := png.Decode(bytes.NewReader(baked))
	assert.NoError(t, err, "baked image must still decode")
}

// bakeCheckSVG checks that baked is in plus one credential element right
// after the root start tag and, if needed, the namespace declaration.
func bakeCheckSVG(t *testing.T, in, baked []byte) {
	t.Helper()
	assert.Len(t, bakeSVGElement.FindAll(baked, -1), 1)
	stripped := bakeSVGElement.ReplaceAll(baked, nil)
	want := bakeSVGElement.ReplaceAll(in, nil)
	const decl = ` xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`
	if !bytes.Contains(in, []byte(decl[1:])) {
		assert.Equal(t, 1, bytes.Count(baked, []byte(decl)))
		stripped = bytes.Replace(stripped, []byte(decl), nil, 1)
	}
	if bytes.Contains(in, []byte("/>\n")) && bytes.Contains(in, []byte(`width="1"/>`)) { // self-closing root
		want = bytes.Replace(want, []byte(`width="1"/>`), []byte(`width="1"></svg>`), 1)
	}
	assert.Equal(t, string(want), string(stripped), "everything but the credential must be unchanged")
	// The element directly follows the root start tag.
	loc := bakeSVGElement.FindIndex(baked)
	require.NotNil(t, loc)
	assert.Equal(t, byte('>'), baked[loc[0]-1])
}

func TestBakeSVGCDATAAndEscaping(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, badge.BakeSVG(&out, strings.NewReader(`<svg/>`), []byte("{\"a\":\"]]>\"\r\n}")))
	assert.Equal(t,
		`<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential><![CDATA[{"a":"]]]]><![CDATA[>"]]>&#13;<![CDATA[`+"\n}]]></openbadges:credential></svg>",
		out.String())

	out.Reset()
	require.NoError(t, badge.BakeSVG(&out, strings.NewReader(`<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" ></svg>`), []byte(bakeTestJWT)))
	assert.Equal(t,
		`<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" ><openbadges:credential verify="`+bakeTestJWT+`"></openbadges:credential></svg>`,
		out.String())
}

func TestBakeSVGOverOB2(t *testing.T) {
	// An OB 2.0 baked SVG binds "openbadges" to http://openbadges.org on the
	// root; the OB 3.0 element then declares the prefix itself.
	in := `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://example.org/a.json"/></svg>`
	var out bytes.Buffer
	require.NoError(t, badge.BakeSVG(&out, strings.NewReader(in), []byte(bakeTestJWT)))
	assert.Equal(t, `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">`+
		`<openbadges:credential xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" verify="`+bakeTestJWT+`"></openbadges:credential>`+
		`<openbadges:assertion verify="https://example.org/a.json"/></svg>`, out.String())
	got, err := badge.Unbake(&out, nil)
	require.NoError(t, err)
	assert.Equal(t, bakeTestJWT, string(got.Credential))
}

func TestBakePNGPlacement(t *testing.T) {
	base := bakeSplitPNG(t, bakeTestPNG(t))
	var out bytes.Buffer
	require.NoError(t, badge.BakePNG(&out, bytes.NewReader(bakeTestPNG(t)), []byte(bakeTestJWT)))
	cs := bakeSplitPNG(t, out.Bytes())
	require.Len(t, cs, len(base)+1)
	assert.True(t, bakeIsCredentialChunk(cs[len(cs)-2]), "new chunk goes just before IEND")

	// An existing credential (even compressed, or a tEXt one) is replaced
	// in place, and extra ones are dropped; OB 2.0 chunks are kept.
	legacy := bakeChunk("iTXt", bakeITXt("openbadges", 0, 0, []byte(`{"type":"Assertion"}`)))
	in := bakeAssemble(base[0].raw,
		bakeChunk("iTXt", bakeITXt("openbadgecredential", 1, 0, bakeDeflate([]byte(bakeTestJSON)))),
		legacy,
		base[1].raw,
		bakeChunk("tEXt", []byte("openbadgecredential\x00x")),
		base[2].raw)
	out.Reset()
	require.NoError(t, badge.BakePNG(&out, bytes.NewReader(in), []byte(bakeTestJWT)))
	cs = bakeSplitPNG(t, out.Bytes())
	require.Len(t, cs, 5)
	assert.Equal(t, base[0].raw, cs[0].raw)
	assert.Equal(t, bakeChunk("iTXt", bakeITXt("openbadgecredential", 0, 0, []byte(bakeTestJWT))), cs[1].raw)
	assert.Equal(t, legacy, cs[2].raw)
	assert.Equal(t, base[1].raw, cs[3].raw)
	assert.Equal(t, base[2].raw, cs[4].raw)
}

func TestUnbakeSamples(t *testing.T) {
	tests := []struct {
		file   string
		image  badge.ImageFormat
		enc    badge.CredentialEncoding
		length int
		sha256 string // of the trimmed credential, computed independently
		prefix string
	}{
		{"simple-json.png", badge.ImagePNG, badge.EncodingJSON, 1365, "bb83ff2bc2952d38551c7b9bb1ef611e46309d7157eddf14a217e3768880e691", `{  "@context`},
		{"simple-jwt.png", badge.ImagePNG, badge.EncodingJWT, 2263, "35d59278be3fe85e4f3637c0698334fa8dcbd8fd0682b22fda2568692508fccc", "eyJhbGciOiJSUzI1NiIs"},
		{"simple-jwt_v1.png", badge.ImagePNG, badge.EncodingJWT, 2549, "47984fd22aca44135e25843f1ae5f8e9d637daffbff1823303201a1b4ea289d4", "eyJhbGciOiJSUzI1NiIs"},
		{"simple-json.svg", badge.ImageSVG, badge.EncodingJSON, 1550, "bbacdb6dd1dcd47f0ef5ef8372d0733f6c34f8060ae77d2f50dd7b73ea9cdf80", "{\n      \"@context\""},
		{"simple-jwt.svg", badge.ImageSVG, badge.EncodingJWT, 2263, "7f39f9c82a1e2ff620edecaf9c14cc4c1adfe1a38afaf03b49e7f30efc5a5db4", "eyJhbGciOiJSUzI1NiIs"},
		{"simple-jwt_v1.svg", badge.ImageSVG, badge.EncodingJWT, 2549, "47984fd22aca44135e25843f1ae5f8e9d637daffbff1823303201a1b4ea289d4", "eyJhbGciOiJSUzI1NiIs"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := badge.Unbake(bytes.NewReader(bakeReadTestdata(t, tt.file)), nil)
			require.NoError(t, err)
			assert.Equal(t, tt.image, got.Image)
			assert.Equal(t, tt.enc, got.Encoding)
			assert.Len(t, got.Credential, tt.length)
			sum := sha256.Sum256(got.Credential)
			assert.Equal(t, tt.sha256, hex.EncodeToString(sum[:]))
			assert.True(t, bytes.HasPrefix(got.Credential, []byte(tt.prefix)), "prefix %q", got.Credential[:20])
		})
	}
}

func TestUnbakeAccepts(t *testing.T) {
	base := bakeSplitPNG(t, bakeTestPNG(t))
	ihdr, idat, iend := base[0].raw, base[1].raw, base[2].raw
	tests := []struct {
		name string
		in   []byte
		want string
		enc  badge.CredentialEncoding
	}{
		{"png compressed iTXt",
			bakeAssemble(ihdr, bakeChunk("iTXt", bakeITXt("openbadgecredential", 1, 0, bakeDeflate([]byte(bakeTestJSON)))), idat, iend),
			bakeTestJSON, badge.EncodingJSON},
		{"png language tag and translated keyword",
			bakeAssemble(ihdr, idat, bakeChunk("iTXt", []byte("openbadgecredential\x00\x00\x00en\x00Credential\x00"+bakeTestJWT)), iend),
			bakeTestJWT, badge.EncodingJWT},
		{"png OB 3.0 credential beside an OB 2.0 assertion",
			bakeAssemble(ihdr, bakeChunk("iTXt", bakeITXt("openbadges", 0, 0, []byte("{}"))), idat, bakeChunk("iTXt", bakeITXt("openbadgecredential", 0, 0, []byte(bakeTestJWT))), iend),
			bakeTestJWT, badge.EncodingJWT},
		{"png other text chunks",
			bakeAssemble(ihdr, bakeChunk("tEXt", []byte("Comment\x00hello")), bakeChunk("zTXt", append([]byte("openbadges\x00\x00"), bakeDeflate([]byte("x"))...)), bakeChunk("iTXt", bakeITXt("XML:com.adobe.xmp", 0, 0, []byte("<x/>"))), idat, bakeChunk("iTXt", bakeITXt("openbadgecredential", 0, 0, []byte(bakeTestJWT))), iend),
			bakeTestJWT, badge.EncodingJWT},
		{"svg other prefix",
			[]byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><ob:credential verify="` + bakeTestJWT + `"/></svg>`),
			bakeTestJWT, badge.EncodingJWT},
		{"svg default namespace on the element",
			[]byte(`<svg><g><credential xmlns="https://purl.imsglobal.org/ob/v3p0"><![CDATA[` + bakeTestJSON + `]]></credential></g></svg>`),
			bakeTestJSON, badge.EncodingJSON},
		{"svg undeclared openbadges prefix",
			[]byte(`<svg><openbadges:credential verify="` + bakeTestJWT + `"></openbadges:credential></svg>`),
			bakeTestJWT, badge.EncodingJWT},
		{"svg escaped text instead of CDATA",
			[]byte(`<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential> {&quot;a&quot;:&#x31;} <!-- note --></openbadges:credential></svg>`),
			`{"a":1}`, badge.EncodingJSON},
		{"svg OB 3.0 credential beside an OB 2.0 assertion",
			[]byte(`<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" xmlns:ob2="http://openbadges.org"><ob2:assertion verify="https://example.org/a.json"/><openbadges:credential verify="` + bakeTestJWT + `"/></svg>`),
			bakeTestJWT, badge.EncodingJWT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := badge.Unbake(bytes.NewReader(tt.in), nil)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got.Credential))
			assert.Equal(t, tt.enc, got.Encoding)
		})
	}
}

// bakeErrReader fails after returning its data.
type bakeErrReader struct {
	data []byte
	err  error
}

func (r *bakeErrReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestUnbakeErrors(t *testing.T) {
	base := bakeSplitPNG(t, bakeTestPNG(t))
	ihdr, idat, iend := base[0].raw, base[1].raw, base[2].raw
	cred := bakeChunk("iTXt", bakeITXt("openbadgecredential", 0, 0, []byte(bakeTestJWT)))
	good := bakeAssemble(ihdr, idat, cred, iend)

	badCRC := bytes.Clone(good)
	badCRC[len(ihdr)+len(idat)+4] ^= 0xff // last CRC byte of IDAT
	hugeLength := bakeAssemble(ihdr, []byte("\x80\x00\x00\x00IDAT"))
	claimsMore := bakeAssemble(ihdr, []byte("\x7f\xff\xff\xf0IDAT"), []byte("short"))
	badType := bakeAssemble(ihdr, bakeChunk("ID1T", []byte("x")), iend)
	bigText := bytes.Repeat([]byte("A"), 3000)
	bigJWS := append(append([]byte("eyJ."), bigText...), ".c2ln"...)
	ob3SVG := `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`
	readErr := errors.New("disk on fire")

	tests := []struct {
		name       string
		in         []byte
		r          func() *bakeErrReader // overrides in
		opts       *badge.UnbakeOptions
		is         error             // errors.Is target, or nil
		format     badge.ImageFormat // want a *FormatError for this image type
		reasonPart string
	}{
		{name: "empty", in: nil, is: badge.ErrUnsupportedImage},
		{name: "text", in: []byte("hello"), is: badge.ErrUnsupportedImage},
		{name: "gif", in: []byte("GIF89a\x01\x00\x01\x00"), is: badge.ErrUnsupportedImage},
		{name: "short png signature", in: []byte("\x89PNG"), is: badge.ErrUnsupportedImage},
		{name: "png signature only", in: good[:8], format: badge.ImagePNG, reasonPart: "truncated"},
		{name: "png truncated in header", in: good[:8+6], format: badge.ImagePNG, reasonPart: "truncated"},
		{name: "png truncated in data", in: good[:len(good)-len(iend)-10], format: badge.ImagePNG, reasonPart: "truncated"},
		{name: "png missing IEND", in: good[:len(good)-len(iend)], format: badge.ImagePNG, reasonPart: "missing IEND"},
		{name: "png wrong CRC", in: badCRC, format: badge.ImagePNG, reasonPart: "CRC mismatch in chunk IDAT"},
		{name: "png chunk length over 2^31-1", in: hugeLength, format: badge.ImagePNG, reasonPart: "exceeds 2^31-1"},
		{name: "png chunk longer than the file", in: claimsMore, format: badge.ImagePNG, reasonPart: "truncated"},
		{name: "png chunk larger than the image limit", in: good, opts: &badge.UnbakeOptions{MaxImageBytes: 60}, is: badge.ErrTooLarge},
		{name: "png invalid chunk type", in: badType, format: badge.ImagePNG, reasonPart: "invalid chunk type"},
		{name: "png IHDR not first", in: bakeAssemble(idat, ihdr, iend), format: badge.ImagePNG, reasonPart: "want IHDR"},
		{name: "png data after IEND", in: append(bytes.Clone(good), 0), format: badge.ImagePNG, reasonPart: "after IEND"},
		{name: "png IEND with data", in: bakeAssemble(ihdr, idat, cred, bakeChunk("IEND", []byte("x"))), format: badge.ImagePNG, reasonPart: "IEND"},
		{name: "png too many chunks", in: good, opts: &badge.UnbakeOptions{MaxChunks: 2}, is: badge.ErrTooLarge},
		{name: "png two credential chunks", in: bakeAssemble(ihdr, cred, idat, cred, iend), is: badge.ErrMultipleCredentials},
		{name: "png credential over the limit", in: bakeAssemble(ihdr, bakeChunk("iTXt", bakeITXt("openbadgecredential", 0, 0, bigJWS)), iend), opts: &badge.UnbakeOptions{MaxCredentialBytes: 1000}, is: badge.ErrTooLarge},
		{name: "png credential chunk far over the limit", in: bakeAssemble(ihdr, bakeChunk("iTXt", bakeITXt("openbadgecredential", 0, 0, bytes.Repeat(bigJWS, 3))), iend), opts: &badge.UnbakeOptions{MaxCredentialBytes: 1000}, is: badge.ErrTooLarge},
		{name: "png compression bomb", in: bakeAssemble(ihdr, bakeChunk("iTXt", bakeITXt("openbadgecredential", 1, 0, bakeDeflate(bytes.Repeat([]byte(" "), 1<<20)))), iend), opts: &badge.UnbakeOptions{MaxCredentialBytes: 1000}, is: badge.ErrTooLarge},
		{name: "png bad zlib data", in: bakeAssemble(ihdr, bakeChunk("iTXt", bakeITXt("openbadgecredential", 1, 0, []byte("not zlib"))), iend), format: badge.ImagePNG, reasonPart: "compressed iTXt"},
		{name: "png unknown compression method", in: bakeAssemble(ihdr, bakeChunk("iTXt", bakeITXt("openbadgecredential", 1, 7, bakeDeflate([]byte("{}")))), iend), format: badge.ImagePNG, reasonPart: "compression method 7"},
		{name: "png bad compression flag", in: bakeAssemble(ihdr, bakeChunk("iTXt", bakeITXt("openbadgecredential", 2, 0, []byte("{}"))), iend), format: badge.ImagePNG, reasonPart: "compression flag 2"},
		{name: "png iTXt without language tag", in: bakeAssemble(ihdr, bakeChunk("iTXt", []byte("openbadgecredential\x00\x00\x00en")), iend), format: badge.ImagePNG, reasonPart: "language tag"},
		{name: "png iTXt ends after keyword", in: bakeAssemble(ihdr, bakeChunk("iTXt", []byte("openbadgecredential\x00")), iend), format: badge.ImagePNG, reasonPart: "after its keyword"},
		{name: "png credential in tEXt", in: bakeAssemble(ihdr, bakeChunk("tEXt", append([]byte("openbadgecredential\x00"), bakeTestJWT...)), iend), format: badge.ImagePNG, reasonPart: "must be in an iTXt"},
		{name: "png credential in zTXt", in: bakeAssemble(ihdr, bakeChunk("zTXt", append([]byte("openbadgecredential\x00\x00"), bakeDeflate([]byte(bakeTestJWT))...)), iend), format: badge.ImagePNG, reasonPart: "must be in an iTXt"},
		{name: "png not baked", in: bakeTestPNG(t), is: badge.ErrNotBaked},
		{name: "png neither JSON nor JWS", in: bakeAssemble(ihdr, bakeChunk("iTXt", bakeITXt("openbadgecredential", 0, 0, []byte("hello"))), iend), is: badge.ErrInvalidBakeInput},
		{name: "png broken JSON", in: bakeAssemble(ihdr, bakeChunk("iTXt", bakeITXt("openbadgecredential", 0, 0, []byte(`{"a":`))), iend), is: badge.ErrInvalidBakeInput},
		{name: "png empty credential", in: bakeAssemble(ihdr, bakeChunk("iTXt", bakeITXt("openbadgecredential", 0, 0, nil)), iend), is: badge.ErrInvalidBakeInput},
		{name: "png JSON not UTF-8", in: bakeAssemble(ihdr, bakeChunk("iTXt", bakeITXt("openbadgecredential", 0, 0, []byte("{\"a\":\"\xff\"}"))), iend), is: badge.ErrInvalidBakeInput},
		{name: "png read error", r: func() *bakeErrReader { return &bakeErrReader{good[:40], readErr} }, is: readErr},

		{name: "svg unclosed element", in: []byte(`<svg><g></svg>`), format: badge.ImageSVG, reasonPart: "syntax error"},
		{name: "svg truncated", in: []byte(`<svg ` + ob3SVG + `><openbadges:credential verify="` + bakeTestJWT + `"/>`), format: badge.ImageSVG, reasonPart: "unexpected EOF"},
		{name: "svg entity declaration", in: []byte(`<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg>&xxe;</svg>`), format: badge.ImageSVG, reasonPart: "internal subset"},
		{name: "svg billion laughs", in: []byte(`<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><svg>&lol2;</svg>`), format: badge.ImageSVG, reasonPart: "internal subset"},
		{name: "svg attribute list declaration", in: []byte(`<!DOCTYPE svg [<!ATTLIST credential verify CDATA "x">]><svg/>`), format: badge.ImageSVG, reasonPart: "internal subset"},
		{name: "svg undefined entity", in: []byte(`<svg>&xxe;</svg>`), format: badge.ImageSVG, reasonPart: "entity"},
		{name: "svg two doctypes", in: []byte(`<!DOCTYPE svg><!DOCTYPE svg><svg/>`), format: badge.ImageSVG, reasonPart: "unexpected"},
		{name: "svg two credentials", in: []byte(`<svg ` + ob3SVG + `><openbadges:credential verify="` + bakeTestJWT + `"/><g><openbadges:credential verify="` + bakeTestJWT + `"/></g></svg>`), is: badge.ErrMultipleCredentials},
		{name: "svg element inside credential", in: []byte(`<svg ` + ob3SVG + `><openbadges:credential><g/></openbadges:credential></svg>`), format: badge.ImageSVG, reasonPart: "inside a credential"},
		{name: "svg too deep", in: []byte(`<svg><g><g><g><g/></g></g></g></svg>`), opts: &badge.UnbakeOptions{MaxDepth: 3}, is: badge.ErrTooLarge},
		{name: "svg root not svg", in: []byte(`<html><body/></html>`), is: badge.ErrUnsupportedImage},
		{name: "svg root in another namespace", in: []byte(`<svg xmlns="urn:other"/>`), is: badge.ErrUnsupportedImage},
		{name: "svg no root", in: []byte(`<!-- only a comment -->`), format: badge.ImageSVG, reasonPart: "no root"},
		{name: "svg element after root", in: []byte(`<svg/><svg/>`), format: badge.ImageSVG, reasonPart: "after the root"},
		{name: "svg text after root", in: []byte(`<svg/>x`), format: badge.ImageSVG, reasonPart: "outside the root"},
		{name: "svg text before root", in: []byte(` <?xml version="1.0"?>x<svg/>`), format: badge.ImageSVG},
		{name: "svg not UTF-8", in: []byte("<svg>\xff</svg>"), format: badge.ImageSVG, reasonPart: "UTF-8"},
		{name: "svg latin-1 declared", in: []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><svg/>`), format: badge.ImageSVG, reasonPart: "encoding"},
		{name: "svg not baked", in: []byte(bakeTestSVG), is: badge.ErrNotBaked},
		{name: "svg wrong namespace", in: []byte(`<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v2p0"><openbadges:credential verify="` + bakeTestJWT + `"/></svg>`), is: badge.ErrNotBaked},
		{name: "svg verify and content", in: []byte(`<svg ` + ob3SVG + `><openbadges:credential verify="` + bakeTestJWT + `"><![CDATA[{}]]></openbadges:credential></svg>`), format: badge.ImageSVG, reasonPart: "both"},
		{name: "svg two verify attributes", in: []byte(`<svg ` + ob3SVG + `><openbadges:credential verify="a.b.c" verify="` + bakeTestJWT + `"/></svg>`), format: badge.ImageSVG, reasonPart: "two verify"},
		{name: "svg empty credential", in: []byte(`<svg ` + ob3SVG + `><openbadges:credential/></svg>`), is: badge.ErrInvalidBakeInput},
		{name: "svg JSON in verify", in: []byte(`<svg ` + ob3SVG + `><openbadges:credential verify="{&quot;a&quot;:1"/></svg>`), is: badge.ErrInvalidBakeInput},
		{name: "svg image over the limit", in: []byte(bakeTestSVG), opts: &badge.UnbakeOptions{MaxImageBytes: 50}, is: badge.ErrTooLarge},
		{name: "svg credential over the limit", in: []byte(`<svg ` + ob3SVG + `><openbadges:credential><![CDATA[` + string(bigText) + `]]></openbadges:credential></svg>`), opts: &badge.UnbakeOptions{MaxCredentialBytes: 1000}, is: badge.ErrTooLarge},
		{name: "svg verify over the limit", in: []byte(`<svg ` + ob3SVG + `><openbadges:credential verify="` + string(bigJWS) + `"/></svg>`), opts: &badge.UnbakeOptions{MaxCredentialBytes: 1000}, is: badge.ErrTooLarge},
		{name: "svg read error", r: func() *bakeErrReader { return &bakeErrReader{[]byte(`<svg><g>`), readErr} }, is: readErr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *badge.Baked
			var err error
			if tt.r != nil {
				got, err = badge.Unbake(tt.r(), tt.opts)
			} else {
				got, err = badge.Unbake(bytes.NewReader(tt.in), tt.opts)
			}
			require.Error(t, err)
			assert.Nil(t, got)
			assert.True(t, strings.HasPrefix(err.Error(), "badge: "), "message %q", err)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			if tt.format != 0 {
				var fe *badge.FormatError
				require.ErrorAs(t, err, &fe)
				assert.Equal(t, tt.format, fe.Image)
				assert.Contains(t, fe.Reason, tt.reasonPart)
			}
		})
	}
}

func TestUnbakeLegacy(t *testing.T) {
	base := bakeSplitPNG(t, bakeTestPNG(t))
	ihdr, idat, iend := base[0].raw, base[1].raw, base[2].raw
	assertion := `{"@context":"https://w3id.org/openbadges/v2","type":"Assertion"}`
	tests := []struct {
		name  string
		in    []byte
		image badge.ImageFormat
		want  string
	}{
		{"png iTXt", bakeAssemble(ihdr, idat, bakeChunk("iTXt", bakeITXt("openbadges", 0, 0, []byte(assertion))), iend), badge.ImagePNG, assertion},
		{"png compressed iTXt", bakeAssemble(ihdr, idat, bakeChunk("iTXt", bakeITXt("openbadges", 1, 0, bakeDeflate([]byte(assertion)))), iend), badge.ImagePNG, assertion},
		{"png tEXt (OB 1.x)", bakeAssemble(ihdr, bakeChunk("tEXt", []byte("openbadges\x00https://example.org/a.json")), idat, iend), badge.ImagePNG, "https://example.org/a.json"},
		{"svg verify", []byte(`<svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://example.org/a.json"></openbadges:assertion></svg>`), badge.ImageSVG, "https://example.org/a.json"},
		{"svg CDATA", []byte(`<svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion><![CDATA[ ` + assertion + ` ]]></openbadges:assertion></svg>`), badge.ImageSVG, assertion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := badge.Unbake(bytes.NewReader(tt.in), nil)
			assert.Nil(t, got)
			assert.ErrorIs(t, err, badge.ErrLegacyAssertion)
			assert.ErrorIs(t, err, badge.ErrNotBaked)
			assert.NotErrorIs(t, err, badge.ErrInvalidBakeInput)
			assert.EqualError(t, err, "badge: image holds an Open Badges 2.0 assertion, not an Open Badges 3.0 credential")
			var le *badge.LegacyAssertionError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, tt.image, le.Image)
			assert.Equal(t, tt.want, string(le.Assertion))
		})
	}
}

func TestBakeErrors(t *testing.T) {
	pngImg := bakeTestPNG(t)
	readErr := errors.New("disk on fire")
	tests := []struct {
		name   string
		bake   func(w *bytes.Buffer) error
		is     error
		format badge.ImageFormat
	}{
		{"not an image", func(w *bytes.Buffer) error {
			return badge.Bake(w, strings.NewReader("GIF89a"), []byte(bakeTestJWT))
		}, badge.ErrUnsupportedImage, 0},
		{"credential neither JSON nor JWS", func(w *bytes.Buffer) error {
			return badge.Bake(w, bytes.NewReader(pngImg), []byte("hello"))
		}, badge.ErrInvalidBakeInput, 0},
		{"credential JWS with four segments", func(w *bytes.Buffer) error {
			return badge.Bake(w, bytes.NewReader(pngImg), []byte("a.b.c.d"))
		}, badge.ErrInvalidBakeInput, 0},
		{"credential JWS with empty payload", func(w *bytes.Buffer) error {
			return badge.Bake(w, bytes.NewReader(pngImg), []byte("a..c"))
		}, badge.ErrInvalidBakeInput, 0},
		{"credential JSON array", func(w *bytes.Buffer) error {
			return badge.Bake(w, bytes.NewReader(pngImg), []byte("[1]"))
		}, badge.ErrInvalidBakeInput, 0},
		{"credential empty", func(w *bytes.Buffer) error {
			return badge.Bake(w, bytes.NewReader(pngImg), []byte(" \n"))
		}, badge.ErrInvalidBakeInput, 0},
		{"credential too large", func(w *bytes.Buffer) error {
			return badge.Bake(w, bytes.NewReader(pngImg), append(append([]byte("eyJ."), bytes.Repeat([]byte("A"), badge.DefaultMaxCredentialBytes)...), ".c2ln"...))
		}, badge.ErrTooLarge, 0},
		{"image too large", func(w *bytes.Buffer) error {
			return badge.Bake(w, bytes.NewReader(make([]byte, badge.DefaultMaxImageBytes+1)), []byte(bakeTestJWT))
		}, badge.ErrTooLarge, 0},
		{"svg U+FFFF in JSON", func(w *bytes.Buffer) error {
			return badge.Bake(w, strings.NewReader(bakeTestSVG), []byte("{\"a\":\"\uffff\"}"))
		}, badge.ErrInvalidBakeInput, 0},
		{"svg malformed", func(w *bytes.Buffer) error {
			return badge.Bake(w, strings.NewReader(`<svg><g></svg>`), []byte(bakeTestJWT))
		}, nil, badge.ImageSVG},
		{"svg element inside old credential", func(w *bytes.Buffer) error {
			return badge.Bake(w, strings.NewReader(`<svg><openbadges:credential><g/></openbadges:credential></svg>`), []byte(bakeTestJWT))
		}, nil, badge.ImageSVG},
		{"BakeSVG given a PNG", func(w *bytes.Buffer) error {
			return badge.BakeSVG(w, bytes.NewReader(pngImg), []byte(bakeTestJWT))
		}, nil, badge.ImageSVG},
		{"BakePNG given an SVG", func(w *bytes.Buffer) error {
			return badge.BakePNG(w, strings.NewReader(bakeTestSVG), []byte(bakeTestJWT))
		}, nil, badge.ImagePNG},
		{"png truncated", func(w *bytes.Buffer) error {
			return badge.Bake(w, bytes.NewReader(pngImg[:len(pngImg)-1]), []byte(bakeTestJWT))
		}, nil, badge.ImagePNG},
		{"png data after IEND", func(w *bytes.Buffer) error {
			return badge.Bake(w, bytes.NewReader(append(bytes.Clone(pngImg), "trailer"...)), []byte(bakeTestJWT))
		}, nil, badge.ImagePNG},
		{"read error", func(w *bytes.Buffer) error {
			return badge.Bake(w, &bakeErrReader{pngImg[:20], readErr}, []byte(bakeTestJWT))
		}, readErr, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := tt.bake(&out)
			require.Error(t, err)
			assert.Zero(t, out.Len(), "nothing is written on error")
			assert.True(t, strings.HasPrefix(err.Error(), "badge: "), "message %q", err)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			if tt.format != 0 {
				var fe *badge.FormatError
				require.ErrorAs(t, err, &fe)
				assert.Equal(t, tt.format, fe.Image)
			}
		})
	}
}

// bakeFailWriter fails every write.
type bakeFailWriter struct{ err error }

func (w bakeFailWriter) Write([]byte) (int, error) { return 0, w.err }

func TestBakeWriteError(t *testing.T) {
	werr := errors.New("disk full")
	for _, img := range [][]byte{bakeTestPNG(t), []byte(bakeTestSVG)} {
		err := badge.Bake(bakeFailWriter{werr}, bytes.NewReader(img), []byte(bakeTestJWT))
		assert.ErrorIs(t, err, werr)
	}
}

func TestBakeEnumStrings(t *testing.T) {
	assert.Equal(t, "PNG", badge.ImagePNG.String())
	assert.Equal(t, "SVG", badge.ImageSVG.String())
	assert.Equal(t, "ImageFormat(0)", badge.ImageFormat(0).String())
	assert.Equal(t, "JSON", badge.EncodingJSON.String())
	assert.Equal(t, "JWT", badge.EncodingJWT.String())
	assert.Equal(t, "CredentialEncoding(9)", badge.CredentialEncoding(9).String())
	b, err := badge.EncodingJWT.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "JWT", string(b))
	b, err = badge.ImageSVG.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "SVG", string(b))

	_, err = badge.Unbake(strings.NewReader("<svg><g></svg>"), nil)
	var se *xml.SyntaxError
	assert.ErrorAs(t, err, &se, "a *FormatError unwraps to the XML syntax error")

	fe := &badge.FormatError{Image: badge.ImagePNG, Offset: 33, Reason: "CRC mismatch in chunk IDAT"}
	assert.Equal(t, "badge: malformed PNG at byte 33: CRC mismatch in chunk IDAT", fe.Error())
}
