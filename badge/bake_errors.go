package badge

import (
	"errors"
	"fmt"
	"strconv"
)

// Errors returned by [Bake], [BakePNG], [BakeSVG] and [Unbake]. Test for them
// with [errors.Is]; [*FormatError] and [*LegacyAssertionError] carry details
// and are reached with [errors.As].
var (
	// ErrNotBaked means the image holds no Open Badges 3.0 credential.
	ErrNotBaked = errors.New("badge: image holds no baked credential")

	// ErrMultipleCredentials means the image holds more than one credential
	// (two openbadgecredential iTXt chunks, or two <openbadges:credential>
	// elements). The spec allows exactly one, and picking one of them would
	// let two readers see different credentials in the same image.
	ErrMultipleCredentials = errors.New("badge: image holds more than one baked credential")

	// ErrUnsupportedImage means the input is neither a PNG nor an SVG image.
	ErrUnsupportedImage = errors.New("badge: unsupported image format (want PNG or SVG)")

	// ErrTooLarge means a size, count or depth limit was exceeded; the
	// wrapping error says which one.
	ErrTooLarge = errors.New("badge: too large")

	// ErrInvalidBakeInput means the credential given to [Bake], or the
	// data found in an image by [Unbake], is neither a JSON object nor a
	// compact JWS, or cannot be carried by the image format. It says
	// nothing about the credential's data model: baking does not decode or
	// validate it (see [ErrInvalidCredential] for that).
	ErrInvalidBakeInput = errors.New("badge: invalid credential encoding (want a JSON object or a compact JWS)")

	// ErrLegacyAssertion means the image holds an Open Badges 2.0 (or 1.x)
	// assertion instead of an Open Badges 3.0 credential. The error returned
	// is a [*LegacyAssertionError], which also matches [ErrNotBaked].
	ErrLegacyAssertion = errors.New("badge: image holds an Open Badges 2.0 assertion, not an Open Badges 3.0 credential")
)

// FormatError reports a malformed PNG or SVG image: a bad signature or CRC,
// a truncated chunk, an XML syntax error, a refused DOCTYPE, and so on.
type FormatError struct {
	Image  ImageFormat // the format being read: ImagePNG or ImageSVG
	Offset int64       // byte offset in the image where the problem was found
	Reason string      // what is wrong, in lower case
	Err    error       // underlying error (such as *xml.SyntaxError), or nil
}

func (e *FormatError) Error() string {
	return "badge: malformed " + e.Image.String() + " at byte " + strconv.FormatInt(e.Offset, 10) + ": " + e.Reason
}

// Unwrap returns the underlying error, if any.
func (e *FormatError) Unwrap() error { return e.Err }

// LegacyAssertionError is returned by [Unbake] when the image holds no Open
// Badges 3.0 credential but does hold an Open Badges 2.0 assertion (PNG iTXt
// or tEXt chunk with keyword "openbadges", or an SVG <openbadges:assertion>
// element in the http://openbadges.org namespace). It matches both
// [ErrLegacyAssertion] and [ErrNotBaked] with [errors.Is].
type LegacyAssertionError struct {
	Image ImageFormat
	// Assertion is the embedded OB 2.0 data (JSON, a JWS or a URL), or nil
	// when it was larger than the credential size limit. It is not an Open
	// Badges 3.0 credential and must not be verified as one.
	Assertion []byte
}

func (e *LegacyAssertionError) Error() string { return ErrLegacyAssertion.Error() }

// Is reports whether target is [ErrLegacyAssertion] or [ErrNotBaked].
func (e *LegacyAssertionError) Is(target error) bool {
	return target == ErrLegacyAssertion || target == ErrNotBaked
}

func pngFormatError(off int64, format string, args ...any) error {
	return &FormatError{Image: ImagePNG, Offset: off, Reason: fmt.Sprintf(format, args...)}
}

func svgFormatError(off int64, format string, args ...any) error {
	return &FormatError{Image: ImageSVG, Offset: off, Reason: fmt.Sprintf(format, args...)}
}

func tooLarge(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrTooLarge}, args...)...)
}

func invalidBakeInput(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidBakeInput}, args...)...)
}
