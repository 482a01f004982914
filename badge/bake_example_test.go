package badge_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"strings"

	"github.com/openbadges-go/openbadges/badge"
)

func ExampleBake() {
	// Any PNG or SVG will do; here a 1×1 PNG made on the spot.
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		panic(err)
	}
	// A signed credential: a compact JWS (VC-JWT) or the credential JSON.
	jws := []byte("eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZToxIn0.c2lnbmF0dXJl")

	var baked bytes.Buffer
	if err := badge.Bake(&baked, &img, jws); err != nil {
		fmt.Println(err)
		return
	}
	b, err := badge.Unbake(&baked, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b.Image, b.Encoding, string(b.Credential))
	// Output: PNG JWT eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZToxIn0.c2lnbmF0dXJl
}

func ExampleUnbake() {
	svg := `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">
  <openbadges:credential><![CDATA[{"type":["VerifiableCredential","OpenBadgeCredential"]}]]></openbadges:credential>
  <circle r="10"/>
</svg>`
	b, err := badge.Unbake(strings.NewReader(svg), &badge.UnbakeOptions{MaxImageBytes: 1 << 20})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b.Image, b.Encoding, string(b.Credential))

	// An image without a credential.
	_, err = badge.Unbake(strings.NewReader(`<svg xmlns="http://www.w3.org/2000/svg"/>`), nil)
	fmt.Println(err)
	// Output:
	// SVG JSON {"type":["VerifiableCredential","OpenBadgeCredential"]}
	// badge: image holds no baked credential
}
