package badge

// Baking
//
// A baked badge is a PNG or SVG image that carries one Open Badges 3.0
// credential (Open Badges 3.0 §5.3, "Badge Baking"):
//
//   - PNG: one uncompressed iTXt chunk with keyword "openbadgecredential"
//     whose text is the credential JSON or the compact JWS of a VC-JWT.
//   - SVG: xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" on the root
//     <svg> element and, directly inside it, one <openbadges:credential>
//     element that holds the JWS in its verify attribute or the JSON in a
//     CDATA section.
//
// [Bake] embeds a credential and [Unbake] extracts it. Both read the whole
// image with size limits, check its structure (PNG chunk lengths and CRCs,
// XML well-formedness) and never panic on bad input. Baking changes nothing
// but the credential: every other PNG chunk, and every other byte of an SVG
// document, is copied unchanged. Neither function verifies the credential;
// pass the result of [Unbake] to a verifier for that.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/openbadges-go/openbadges/proof"
)

// Default limits used by [Bake] and by [Unbake] when the matching
// [UnbakeOptions] field is zero.
const (
	DefaultMaxImageBytes      = 16 << 20 // whole image
	DefaultMaxCredentialBytes = 2 << 20  // embedded credential, after decompression
	DefaultMaxChunks          = 1 << 14  // PNG chunks, IHDR and IEND included
	DefaultMaxDepth           = 256      // SVG element nesting
)

// ImageFormat is the format of a baked image.
type ImageFormat int

// Image formats that can carry a credential.
const (
	ImagePNG ImageFormat = iota + 1
	ImageSVG
)

func (f ImageFormat) String() string {
	switch f {
	case ImagePNG:
		return "PNG"
	case ImageSVG:
		return "SVG"
	}
	return "ImageFormat(" + strconv.Itoa(int(f)) + ")"
}

// MarshalText implements [encoding.TextMarshaler].
func (f ImageFormat) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// CredentialEncoding says how a baked credential is serialized.
type CredentialEncoding int

// Credential encodings.
const (
	// EncodingJSON is a credential as a JSON object (embedded proof).
	EncodingJSON CredentialEncoding = iota + 1
	// EncodingJWT is a credential as a compact JWS (VC-JWT).
	EncodingJWT
)

func (e CredentialEncoding) String() string {
	switch e {
	case EncodingJSON:
		return "JSON"
	case EncodingJWT:
		return "JWT"
	}
	return "CredentialEncoding(" + strconv.Itoa(int(e)) + ")"
}

// MarshalText implements [encoding.TextMarshaler].
func (e CredentialEncoding) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// Baked is a credential extracted by [Unbake].
type Baked struct {
	Image    ImageFormat        // the image format it was found in
	Encoding CredentialEncoding // JSON object or compact JWS
	// Credential is the embedded credential with surrounding white space
	// removed: the JSON as stored (not re-encoded) or the compact JWS.
	Credential []byte
}

// UnbakeOptions bounds the work [Unbake] does. The zero value (or a nil
// pointer) uses the defaults; a zero or negative field uses its default.
type UnbakeOptions struct {
	MaxImageBytes      int64 // default DefaultMaxImageBytes
	MaxCredentialBytes int64 // default DefaultMaxCredentialBytes
	MaxChunks          int   // PNG only; default DefaultMaxChunks
	MaxDepth           int   // SVG only; default DefaultMaxDepth
}

// bakeLimits is UnbakeOptions with the defaults filled in.
type bakeLimits struct {
	image, credential int64
	chunks, depth     int
}

func (o *UnbakeOptions) limits() bakeLimits {
	l := bakeLimits{DefaultMaxImageBytes, DefaultMaxCredentialBytes, DefaultMaxChunks, DefaultMaxDepth}
	if o == nil {
		return l
	}
	if o.MaxImageBytes > 0 {
		l.image = o.MaxImageBytes
	}
	if o.MaxCredentialBytes > 0 {
		l.credential = o.MaxCredentialBytes
	}
	if o.MaxChunks > 0 {
		l.chunks = o.MaxChunks
	}
	if o.MaxDepth > 0 {
		l.depth = o.MaxDepth
	}
	return l
}

// Bake writes to w the image read from image with credential embedded in
// it. The image format is detected from its leading bytes: the PNG
// signature, or else a document whose first markup (after an optional UTF-8
// byte order mark and white space) is "<" is read as SVG; anything else is
// [ErrUnsupportedImage].
//
// credential is the credential JSON (a JSON object, for a credential with
// an embedded proof) or a compact JWS (a VC-JWT: three base64url segments
// separated by dots); anything else is [ErrInvalidBakeInput]. Surrounding
// white space (space, tab, CR, LF) is removed before embedding, and [Unbake]
// returns exactly the trimmed credential.
//
// A credential already baked into the image is replaced; see [BakePNG] and
// [BakeSVG] for the details of each format. The image is read up to
// [DefaultMaxImageBytes] and the credential may be up to
// [DefaultMaxCredentialBytes]; larger inputs give [ErrTooLarge]. Nothing is
// written to w unless the whole image has been read and checked.
func Bake(w io.Writer, image io.Reader, credential []byte) error {
	img, err := readImage(image, DefaultMaxImageBytes)
	if err != nil {
		return err
	}
	switch sniffImage(img) {
	case ImagePNG:
		return bakePNG(w, img, credential)
	case ImageSVG:
		return bakeSVG(w, img, credential)
	}
	return ErrUnsupportedImage
}

// Unbake returns the Open Badges 3.0 credential baked into the PNG or SVG
// image read from r, which it reads to the end. opts may be nil.
//
// The whole image is checked, not only the part before the credential: a
// malformed image is a [*FormatError], a second credential is
// [ErrMultipleCredentials], an image without one is [ErrNotBaked] (or a
// [*LegacyAssertionError] when it holds an Open Badges 2.0 assertion), and
// exceeding a limit in opts is [ErrTooLarge]. The embedded data must be a
// JSON object or a compact JWS, else the error is [ErrInvalidBakeInput].
//
// In a PNG, a compressed openbadgecredential iTXt chunk (which the spec
// forbids bakers to write) is accepted and inflated within the credential
// size limit. tEXt or zTXt chunks with that keyword are refused as a
// [*FormatError], since other readers might take them for the credential.
//
// In an SVG, the credential element is found in any namespace prefix bound
// to https://purl.imsglobal.org/ob/v3p0, or with the literal, undeclared
// prefix "openbadges". A DOCTYPE with an internal subset (entity or
// attribute-list declarations) is refused, and entities other than XML's
// predefined ones are errors, so nothing is expanded or fetched.
//
// Unbake does not verify the credential.
func Unbake(r io.Reader, opts *UnbakeOptions) (*Baked, error) {
	lim := opts.limits()
	br := bufio.NewReaderSize(&boundedReader{r: r, max: lim.image}, 4096)
	head, err := br.Peek(512)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, readError(err)
	}
	switch sniffImage(head) {
	case ImagePNG:
		return unbakePNG(br, lim)
	case ImageSVG:
		return unbakeSVG(br, lim)
	}
	return nil, ErrUnsupportedImage
}

// pngSignature starts every PNG file.
var pngSignature = [8]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}

// sniffImage detects the image format from the leading bytes of b.
func sniffImage(b []byte) ImageFormat {
	if len(b) >= len(pngSignature) && [8]byte(b[:8]) == pngSignature {
		return ImagePNG
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) > 0 && b[0] == '<' {
		return ImageSVG
	}
	return 0
}

// trimCredential removes the JSON white space around a credential.
func trimCredential(b []byte) []byte { return bytes.Trim(b, " \t\r\n") }

// classifyCredential reports whether b (already trimmed) is a JSON object or
// a compact JWS.
func classifyCredential(b []byte) (CredentialEncoding, error) {
	switch {
	case len(b) == 0:
		return 0, invalidBakeInput("empty")
	case b[0] == '{':
		if !utf8.Valid(b) {
			return 0, invalidBakeInput("JSON is not valid UTF-8")
		}
		if !json.Valid(b) {
			return 0, invalidBakeInput("not valid JSON")
		}
		return EncodingJSON, nil
	case isCompactJWS(b):
		return EncodingJWT, nil
	}
	return 0, invalidBakeInput("neither a JSON object nor a compact JWS")
}

// isCompactJWS reports whether b is three non-empty base64url segments
// separated by dots (RFC 7515 §7.1, unpadded).
func isCompactJWS(b []byte) bool { return proof.IsCompactJWS(b) }

// prepareCredential trims, bounds and classifies a credential to bake.
func prepareCredential(credential []byte) ([]byte, CredentialEncoding, error) {
	c := trimCredential(credential)
	if len(c) > DefaultMaxCredentialBytes {
		return nil, 0, tooLarge("credential larger than %d bytes", DefaultMaxCredentialBytes)
	}
	enc, err := classifyCredential(c)
	if err != nil {
		return nil, 0, err
	}
	return c, enc, nil
}

// boundedReader reads from r and fails with ErrTooLarge once more than max
// bytes have been read.
type boundedReader struct {
	r   io.Reader
	n   int64
	max int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.n > b.max {
		return 0, b.err()
	}
	if rest := b.max + 1 - b.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.n > b.max {
		return n, b.err()
	}
	return n, err
}

func (b *boundedReader) err() error { return tooLarge("image larger than %d bytes", b.max) }

// readImage reads all of r, failing with ErrTooLarge beyond max bytes.
func readImage(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(&boundedReader{r: r, max: max})
	if err != nil {
		return nil, readError(err)
	}
	return b, nil
}

// readError wraps an error from the caller's reader, leaving our own
// ErrTooLarge errors as they are.
func readError(err error) error {
	if isTooLarge(err) {
		return err
	}
	return fmt.Errorf("badge: reading image: %w", err)
}

func isTooLarge(err error) bool { return errors.Is(err, ErrTooLarge) }

// writeAll writes each part to w in order.
func writeAll(w io.Writer, parts ...[]byte) error {
	for _, p := range parts {
		if len(p) == 0 {
			continue
		}
		if _, err := w.Write(p); err != nil {
			return fmt.Errorf("badge: writing image: %w", err)
		}
	}
	return nil
}
