package delivery

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"

	qr "github.com/piglig/go-qr"
)

// DefaultQRSize is the width and height in pixels of a QR code PNG when
// [QRCodePNG] is given a size of 0.
const DefaultQRSize = 512

// qrQuietZone is the light border around a QR code, in modules: the four
// that ISO/IEC 18004 requires for a scanner to find the code.
const qrQuietZone = 4

// ErrQRTooSmall is returned by [QRCodePNG] when the text needs more
// pixels than size gives it (one pixel a module, with the quiet zone).
var ErrQRTooSmall = errors.New("delivery: QR code image too small for its text")

// QRCodePNG returns a PNG of a QR code holding text (a wallet link or an
// OpenID4VCI credential offer: the wallets scan either), size pixels wide
// and high (0 = DefaultQRSize). The code is drawn black on white with
// error correction level M (raised when the text leaves room), each
// module a whole number of pixels, centred with a quiet zone of at least
// four modules. A text longer than a QR code holds (2,953 bytes at level
// L, fewer at M) is an error: hand such an offer by reference
// ([Links].CredentialOfferByReference) rather than by value. So is a size
// smaller than the code with its quiet zone at one pixel a module
// ([ErrQRTooSmall]).
func QRCodePNG(text string, size int) ([]byte, error) {
	if size == 0 {
		size = DefaultQRSize
	}
	if size < 0 {
		return nil, fmt.Errorf("delivery: QR code size %d is negative", size)
	}
	code, err := qr.EncodeText(text, qr.Medium)
	if err != nil {
		return nil, fmt.Errorf("delivery: QR code of %d bytes: %w", len(text), err)
	}
	n := code.Size()
	scale := size / (n + 2*qrQuietZone)
	if scale < 1 {
		return nil, fmt.Errorf("%w: %d modules with the quiet zone need %d pixels, size is %d", ErrQRTooSmall, n, n+2*qrQuietZone, size)
	}
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	// index 0 (white) everywhere; the code centred
	off := (size - n*scale) / 2
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if !code.Module(x, y) {
				continue
			}
			for dy := 0; dy < scale; dy++ {
				row := img.Pix[(off+y*scale+dy)*img.Stride:]
				for dx := 0; dx < scale; dx++ {
					row[off+x*scale+dx] = 1
				}
			}
		}
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
