package status

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
)

// Sizes of the W3C Bitstring Status List and StatusList2021 formats.
const (
	// MinEntries is the smallest number of entries a list may have
	// (16 KiB of one-bit entries), which gives group privacy.
	MinEntries = 131072
	// MaxStatusSize is the largest statusSize this package reads or
	// writes: a list with more bits per entry would need 2^statusSize
	// status messages.
	MaxStatusSize = 16
	// DefaultMaxEncodedBytes bounds the encodedList string.
	DefaultMaxEncodedBytes = 4 << 20
	// DefaultMaxDecodedBytes bounds the decompressed bitstring; a larger
	// list (or a gzip bomb) is refused.
	DefaultMaxDecodedBytes = 16 << 20
)

// Format is the encoding of a status list's encodedList.
type Format int

const (
	// FormatBitstring is W3C Bitstring Status List v1.0: multibase
	// base64url without padding (prefix 'u') of the GZIP stream.
	FormatBitstring Format = iota
	// FormatStatusList2021 is StatusList2021: base64 of the GZIP stream
	// without a multibase prefix. It is read leniently (URL or standard
	// alphabet, padding optional) and written as base64url without
	// padding.
	FormatStatusList2021
)

func (f Format) String() string {
	if f == FormatStatusList2021 {
		return "StatusList2021"
	}
	return "BitstringStatusList"
}

// Limits bounds decoding. The zero value gives the defaults.
type Limits struct {
	// MaxEncodedBytes bounds the encodedList string (0 =
	// DefaultMaxEncodedBytes).
	MaxEncodedBytes int
	// MaxDecodedBytes bounds the decompressed bitstring (0 =
	// DefaultMaxDecodedBytes).
	MaxDecodedBytes int
	// MinEntries is the smallest accepted number of entries (0 =
	// [MinEntries]). Lower it only where an ecosystem specification does.
	MinEntries int
}

func (l *Limits) values() (maxEnc, maxDec, minEntries int) {
	maxEnc, maxDec, minEntries = DefaultMaxEncodedBytes, DefaultMaxDecodedBytes, MinEntries
	if l != nil {
		if l.MaxEncodedBytes > 0 {
			maxEnc = l.MaxEncodedBytes
		}
		if l.MaxDecodedBytes > 0 {
			maxDec = l.MaxDecodedBytes
		}
		if l.MinEntries > 0 {
			minEntries = l.MinEntries
		}
	}
	return
}

// Bitstring is a status list: a sequence of entries of StatusSize bits
// each. Entry i occupies bits i*StatusSize to i*StatusSize+StatusSize-1,
// and bit 0 is the most significant bit of the first byte. A Bitstring is
// not safe for concurrent modification; concurrent Get calls are safe.
type Bitstring struct {
	bits []byte
	size int // bits per entry
	n    int // entries
}

// NewBitstring returns a zeroed list of at least entries entries (and at
// least [MinEntries]) of statusSize bits each (0 means 1).
func NewBitstring(entries, statusSize int) (*Bitstring, error) {
	if statusSize == 0 {
		statusSize = 1
	}
	if statusSize < 0 || statusSize > MaxStatusSize {
		return nil, newError(ErrMalformed, "", nil, "statusSize %d is not between 1 and %d", statusSize, MaxStatusSize)
	}
	entries = max(entries, MinEntries)
	nbytes := (entries*statusSize + 7) / 8
	if entries > DefaultMaxDecodedBytes*8/statusSize {
		return nil, newError(ErrMalformed, "", ErrTooLarge, "%d entries of %d bits exceed %d bytes", entries, statusSize, DefaultMaxDecodedBytes)
	}
	return &Bitstring{bits: make([]byte, nbytes), size: statusSize, n: nbytes * 8 / statusSize}, nil
}

// Len returns the number of entries.
func (b *Bitstring) Len() int { return b.n }

// StatusSize returns the number of bits per entry.
func (b *Bitstring) StatusSize() int { return b.size }

// Bytes returns the bitstring itself; the caller must not modify it.
func (b *Bitstring) Bytes() []byte { return b.bits }

// Get returns the status value of entry i. An index past the end is an
// error matching ErrRange.
func (b *Bitstring) Get(i int) (uint64, error) {
	if i < 0 || i >= b.n {
		return 0, newError(ErrRange, "", nil, "index %d, list has %d entries", i, b.n)
	}
	if b.size == 1 {
		return uint64(b.bits[i>>3]>>(7-uint(i&7))) & 1, nil
	}
	var v uint64
	for bit := i * b.size; bit < (i+1)*b.size; bit++ {
		v = v<<1 | uint64(b.bits[bit>>3]>>(7-uint(bit&7)))&1
	}
	return v, nil
}

// Set sets entry i to v, which must fit in StatusSize bits.
func (b *Bitstring) Set(i int, v uint64) error {
	if i < 0 || i >= b.n {
		return newError(ErrRange, "", nil, "index %d, list has %d entries", i, b.n)
	}
	if v>>uint(b.size) != 0 {
		return newError(ErrMalformed, "", nil, "value %d does not fit in %d bits", v, b.size)
	}
	for k := b.size - 1; k >= 0; k-- {
		bit := i*b.size + (b.size - 1 - k)
		mask := byte(0x80) >> uint(bit&7)
		if v>>uint(k)&1 == 1 {
			b.bits[bit>>3] |= mask
		} else {
			b.bits[bit>>3] &^= mask
		}
	}
	return nil
}

// Encode returns the encodedList value for f: GZIP, then base64url
// without padding, with the multibase prefix 'u' for FormatBitstring.
func (b *Bitstring) Encode(f Format) (string, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := zw.Write(b.bits); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	s := base64.RawURLEncoding.EncodeToString(buf.Bytes())
	if f == FormatBitstring {
		s = "u" + s
	}
	return s, nil
}

// Decode reads an encodedList value of format f with statusSize bits per
// entry (0 means 1), within the limits (nil means the defaults). It
// refuses, with an error matching ErrMalformed, a value that is not
// base64 GZIP, an encoded value or decompressed list over the limits (so
// a gzip bomb is stopped after MaxDecodedBytes), and with ErrListLength a
// list of fewer than MinEntries entries.
func Decode(encoded string, f Format, statusSize int, lim *Limits) (*Bitstring, error) {
	maxEnc, maxDec, minEntries := lim.values()
	if statusSize == 0 {
		statusSize = 1
	}
	if statusSize < 0 || statusSize > MaxStatusSize {
		return nil, newError(ErrMalformed, "", nil, "statusSize %d is not between 1 and %d", statusSize, MaxStatusSize)
	}
	if len(encoded) > maxEnc {
		return nil, newError(ErrMalformed, "", ErrTooLarge, "encodedList is %d bytes, limit %d", len(encoded), maxEnc)
	}
	var data []byte
	var err error
	switch f {
	case FormatBitstring:
		rest, ok := strings.CutPrefix(encoded, "u")
		if !ok {
			return nil, newError(ErrMalformed, "", nil, "encodedList is not multibase base64url (prefix 'u')")
		}
		data, err = base64.RawURLEncoding.Strict().DecodeString(rest)
	case FormatStatusList2021:
		data, err = decodeLenient(encoded)
	default:
		return nil, newError(ErrMalformed, "", nil, "unknown list format %d", int(f))
	}
	if err != nil {
		return nil, newError(ErrMalformed, "", err, "encodedList is not valid base64url")
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, newError(ErrMalformed, "", err, "encodedList is not GZIP")
	}
	bits, err := io.ReadAll(io.LimitReader(zr, int64(maxDec)+1))
	if err != nil {
		return nil, newError(ErrMalformed, "", err, "encodedList does not decompress")
	}
	if len(bits) > maxDec {
		return nil, newError(ErrMalformed, "", ErrTooLarge, "decompressed list exceeds %d bytes", maxDec)
	}
	n := len(bits) * 8 / statusSize
	if n < minEntries {
		return nil, newError(ErrListLength, "", nil, "%d entries of %d bits, minimum %d", n, statusSize, minEntries)
	}
	return &Bitstring{bits: bits, size: statusSize, n: n}, nil
}

// decodeLenient decodes base64 in the URL or standard alphabet, with or
// without padding (StatusList2021 publishers differ).
func decodeLenient(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	if strings.ContainsAny(s, "+/") {
		if strings.ContainsAny(s, "-_") {
			return nil, fmt.Errorf("mixed base64 alphabets")
		}
		return base64.RawStdEncoding.Strict().DecodeString(s)
	}
	return base64.RawURLEncoding.Strict().DecodeString(s)
}
