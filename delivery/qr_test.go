package delivery_test

import (
	"bytes"
	"errors"
	"image/png"
	"strings"
	"testing"

	qr "github.com/piglig/go-qr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/delivery"
)

// decodeQR decodes a QR code PNG and returns its size and text.
func decodeQR(t *testing.T, b []byte) (int, int, string) {
	t.Helper()
	require.True(t, bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")), "not a PNG")
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	text, err := qr.Decode(img)
	require.NoError(t, err)
	return img.Bounds().Dx(), img.Bounds().Dy(), text
}

func TestQRCodePNGRoundTripsTheLinks(t *testing.T) {
	e := newEnv(t)
	_, links := e.exchange(delivery.ExchangeRequest{Learner: delivery.Learner{ID: "learner-1"}, Achievement: achievement(), TxCode: "493536"})
	for name, text := range map[string]string{
		"offer by value":     links.CredentialOffer,
		"offer by reference": links.CredentialOfferByReference,
		"wallet one-step":    links.WalletRequest,
		"wallet protocols":   links.WalletProtocols,
	} {
		t.Run(name, func(t *testing.T) {
			b, err := delivery.QRCodePNG(text, 0)
			require.NoError(t, err)
			w, h, got := decodeQR(t, b)
			assert.Equal(t, delivery.DefaultQRSize, w)
			assert.Equal(t, delivery.DefaultQRSize, h)
			assert.Equal(t, text, got)
		})
	}
}

func TestQRCodePNGSizes(t *testing.T) {
	for _, size := range []int{37, 100, 257, 1000} {
		b, err := delivery.QRCodePNG("https://lcw.app/request.html?x=1", size)
		require.NoError(t, err, size)
		w, h, got := decodeQR(t, b)
		assert.Equal(t, size, w)
		assert.Equal(t, size, h)
		assert.Equal(t, "https://lcw.app/request.html?x=1", got)
	}
}

func TestQRCodePNGRefusals(t *testing.T) {
	_, err := delivery.QRCodePNG("https://lcw.app/request.html?x=1", 20)
	assert.True(t, errors.Is(err, delivery.ErrQRTooSmall), "%v", err)
	_, err = delivery.QRCodePNG("x", -1)
	assert.Error(t, err)
	_, err = delivery.QRCodePNG(strings.Repeat("\xff", 3000), 0)
	assert.Error(t, err)
}
