package ob2_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
)

func rev14bChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// TestPNGWithTwoHostedAssertionsIsRefused: a PNG with two "openbadges"
// tEXt chunks naming two hosted assertions (Ada's and someone else's) is
// refused as ambiguous, end to end; it once verified as the first.
func TestPNGWithTwoHostedAssertionsIsRefused(t *testing.T) {
	const first = "https://issuer.example/assertions/1.json"
	const second = "https://issuer.example/assertions/2.json"
	hosted := map[string]any{"type": "hosted"}
	res := world(t, rsaKey.Public(), nil)
	res[first] = js(t, assertion(first, hosted, nil))
	res[second] = js(t, assertion(second, hosted, nil))

	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewGray(image.Rect(0, 0, 2, 2))))
	img := buf.Bytes()
	iend := bytes.LastIndex(img, []byte("IEND")) - 4
	baked := append(append(append(append([]byte{}, img[:iend]...),
		rev14bChunk("tEXt", []byte("openbadges\x00"+first))...),
		rev14bChunk("tEXt", []byte("openbadges\x00"+second))...), img[iend:]...)

	r, err := verifyWith(t, res, baked, badge.VerifyOptions{})
	if r != nil {
		t.Logf("verified=%v input=%s", r.Verified, r.Input)
	}
	assert.Error(t, err, "an image with two assertions must be refused, not verified as the first")
}
