package badge

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

const (
	// pngKeywordCredential is the iTXt keyword of an Open Badges 3.0 credential.
	pngKeywordCredential = "openbadgecredential"
	// pngKeywordLegacy is the iTXt (OB 2.0) or tEXt (OB 1.x) keyword of a
	// legacy assertion.
	pngKeywordLegacy = "openbadges"
	// pngMaxChunkLength is the largest chunk length PNG allows (2^31-1).
	pngMaxChunkLength = 0x7fffffff
	// pngTextSlack is room for the iTXt header fields around the text when
	// bounding the size of a credential chunk.
	pngTextSlack = 4096
)

// pngTextKind classifies the chunks that matter for baking.
type pngTextKind uint8

const (
	pngOther          pngTextKind = iota
	pngCredential                 // iTXt "openbadgecredential"
	pngCredentialText             // tEXt or zTXt "openbadgecredential": not allowed
	pngLegacy                     // iTXt or tEXt "openbadges"
)

// pngChunk is one chunk found by scanPNG.
type pngChunk struct {
	offset int64 // of the chunk's length field
	length uint32
	typ    [4]byte
	kind   pngTextKind
	data   []byte // whole chunk data; only for captured text chunks
}

// end returns the offset just past the chunk's CRC.
func (c *pngChunk) end() int64 { return c.offset + 12 + int64(c.length) }

// BakePNG is [Bake] for a PNG image.
//
// The credential goes into one iTXt chunk with keyword
// "openbadgecredential", compression flag 0, compression method 0 and empty
// language tag and translated keyword, as the spec requires. If the image
// already has credential chunks (iTXt, or the tEXt/zTXt chunks that [Unbake]
// refuses), the new chunk takes the place of the first and the others are
// dropped; otherwise it is inserted just before IEND, where the 1EdTech
// validator's samples have it. Every other chunk is copied byte for byte,
// including any Open Badges 2.0 "openbadges" chunk.
//
// The input is checked first: the PNG signature, IHDR first, the length,
// type and CRC of every chunk, IEND last with nothing after it. Trailing
// data after IEND is refused rather than copied or dropped, since it could
// hide a second image.
func BakePNG(w io.Writer, image io.Reader, credential []byte) error {
	img, err := readImage(image, DefaultMaxImageBytes)
	if err != nil {
		return err
	}
	return bakePNG(w, img, credential)
}

func bakePNG(w io.Writer, img, credential []byte) error {
	cred, _, err := prepareCredential(credential)
	if err != nil {
		return err
	}
	var chunks []pngChunk
	err = scanPNG(bytes.NewReader(img), (*UnbakeOptions)(nil).limits(), false, func(c *pngChunk) error {
		if c.kind != pngOther || c.typ == [4]byte{'I', 'E', 'N', 'D'} {
			chunks = append(chunks, *c)
		}
		return nil
	})
	if err != nil {
		return err
	}
	newChunk := encodeCredentialChunk(cred)
	parts := make([][]byte, 0, 2*len(chunks)+1)
	var from int64
	inserted := false
	for i := range chunks {
		c := &chunks[i]
		switch {
		case c.kind == pngCredential || c.kind == pngCredentialText:
			parts = append(parts, img[from:c.offset])
			if !inserted {
				parts = append(parts, newChunk)
				inserted = true
			}
			from = c.end()
		case c.kind == pngOther && !inserted: // IEND
			parts = append(parts, img[from:c.offset], newChunk)
			from = c.offset
			inserted = true
		}
	}
	parts = append(parts, img[from:])
	return writeAll(w, parts...)
}

// encodeCredentialChunk returns a complete iTXt chunk holding text.
func encodeCredentialChunk(text []byte) []byte {
	// keyword, NUL, compression flag 0, method 0, empty language tag and
	// translated keyword (each NUL-terminated), text.
	n := len(pngKeywordCredential) + 5 + len(text)
	b := make([]byte, 0, 12+n)
	b = binary.BigEndian.AppendUint32(b, uint32(n))
	b = append(b, "iTXt"...)
	b = append(b, pngKeywordCredential...)
	b = append(b, 0, 0, 0, 0, 0)
	b = append(b, text...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

func unbakePNG(r io.Reader, lim bakeLimits) (*Baked, error) {
	var (
		cred        []byte
		found       bool
		legacy      []byte
		legacyFound bool
		legacies    int
	)
	err := scanPNG(r, lim, true, func(c *pngChunk) error {
		switch c.kind {
		case pngCredential:
			if found {
				return ErrMultipleCredentials
			}
			found = true
			text, err := pngITXtText(c, lim.credential)
			if err != nil {
				return err
			}
			cred = text
		case pngCredentialText:
			return pngFormatError(c.offset, "%s chunk with keyword %q (a credential must be in an iTXt chunk)", c.typ[:], pngKeywordCredential)
		case pngLegacy:
			var text []byte
			if c.data != nil {
				if c.typ == [4]byte{'t', 'E', 'X', 't'} {
					text = c.data[len(pngKeywordLegacy)+1:]
				} else if t, err := pngITXtText(c, lim.credential); err == nil {
					text = t
				}
			}
			// The same assertion written twice (a tEXt and an iTXt chunk,
			// for older readers) is one assertion.
			if legacyFound && text != nil && legacy != nil && bytes.Equal(bytes.TrimSpace(text), bytes.TrimSpace(legacy)) {
				return nil
			}
			legacies++
			if !legacyFound {
				legacy = text
			}
			legacyFound = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !found {
		if legacies > 1 {
			// Which of two Open Badges 2.0 assertions would be the badge?
			return nil, fmt.Errorf("%w: %d Open Badges 2.0 assertions", ErrMultipleCredentials, legacies)
		}
		if legacyFound {
			return nil, &LegacyAssertionError{Image: ImagePNG, Assertion: legacy}
		}
		return nil, ErrNotBaked
	}
	cred = trimCredential(cred)
	enc, err := classifyCredential(cred)
	if err != nil {
		return nil, err
	}
	return &Baked{Image: ImagePNG, Encoding: enc, Credential: cred}, nil
}

// pngITXtText returns the text of the captured iTXt chunk c, inflating it
// if it is compressed, and fails with ErrTooLarge if it exceeds max bytes.
func pngITXtText(c *pngChunk, max int64) ([]byte, error) {
	p := c.data[bytes.IndexByte(c.data, 0)+1:] // the keyword was checked by scanPNG
	if len(p) < 2 {
		return nil, pngFormatError(c.offset, "iTXt chunk ends after its keyword")
	}
	flag, method := p[0], p[1]
	p = p[2:]
	if flag > 1 {
		return nil, pngFormatError(c.offset, "iTXt chunk has compression flag %d", flag)
	}
	for _, field := range []string{"language tag", "translated keyword"} {
		i := bytes.IndexByte(p, 0)
		if i < 0 {
			return nil, pngFormatError(c.offset, "iTXt %s is not NUL-terminated", field)
		}
		p = p[i+1:]
	}
	if flag == 0 {
		if int64(len(p)) > max {
			return nil, tooLarge("credential larger than %d bytes", max)
		}
		return p, nil
	}
	if method != 0 {
		return nil, pngFormatError(c.offset, "iTXt chunk has compression method %d", method)
	}
	zr, err := zlib.NewReader(bytes.NewReader(p))
	if err != nil {
		return nil, &FormatError{Image: ImagePNG, Offset: c.offset, Reason: "compressed iTXt text: " + err.Error(), Err: err}
	}
	out, err := io.ReadAll(io.LimitReader(zr, max+1))
	if err != nil {
		return nil, &FormatError{Image: ImagePNG, Offset: c.offset, Reason: "compressed iTXt text: " + err.Error(), Err: err}
	}
	if int64(len(out)) > max {
		return nil, tooLarge("decompressed credential larger than %d bytes", max)
	}
	return out, nil
}

// pngScanner reads a PNG datastream and counts the bytes read.
type pngScanner struct {
	r   io.Reader
	off int64
	buf []byte // scratch buffer for streaming chunk data through the CRC
}

// full reads len(p) bytes; running out of input is a truncation error.
func (s *pngScanner) full(p []byte, what string) error {
	n, err := io.ReadFull(s.r, p)
	s.off += int64(n)
	switch {
	case err == nil:
		return nil
	case isTooLarge(err):
		return err
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return pngFormatError(s.off, "truncated %s", what)
	}
	return readError(err)
}

// skip feeds the next n bytes into crc without keeping them.
func (s *pngScanner) skip(n int64, crc uint32, what string) (uint32, error) {
	if s.buf == nil {
		s.buf = make([]byte, 32<<10)
	}
	for n > 0 {
		m := min(n, int64(len(s.buf)))
		if err := s.full(s.buf[:m], what); err != nil {
			return 0, err
		}
		crc = crc32.Update(crc, crc32.IEEETable, s.buf[:m])
		n -= m
	}
	return crc, nil
}

// scanPNG reads a whole PNG datastream from r, checks its structure, and
// calls visit for every chunk once its CRC has been checked. It checks the
// signature, that IHDR comes first with length 13, the length, type and CRC
// of every chunk, that IEND has length 0 and that nothing follows it, and
// the limits in lim. When capture is set, the data of credential and legacy
// chunks is read into c.data (a credential chunk larger than the limit is
// ErrTooLarge; a larger legacy chunk is skipped with c.data nil).
func scanPNG(r io.Reader, lim bakeLimits, capture bool, visit func(*pngChunk) error) error {
	s := &pngScanner{r: r}
	var hdr [8]byte
	if err := s.full(hdr[:], "signature"); err != nil {
		return err
	}
	if hdr != pngSignature {
		return pngFormatError(0, "bad PNG signature")
	}
	for n := 0; ; n++ {
		c := pngChunk{offset: s.off}
		if err := s.full(hdr[:], "chunk header (missing IEND)"); err != nil {
			return err
		}
		c.length = binary.BigEndian.Uint32(hdr[:4])
		c.typ = [4]byte(hdr[4:])
		if c.length > pngMaxChunkLength {
			return pngFormatError(c.offset, "chunk length %d exceeds 2^31-1", c.length)
		}
		for _, b := range c.typ {
			if !('A' <= b && b <= 'Z' || 'a' <= b && b <= 'z') {
				return pngFormatError(c.offset+4, "invalid chunk type %q", c.typ[:])
			}
		}
		if n >= lim.chunks {
			return tooLarge("more than %d PNG chunks", lim.chunks)
		}
		if n == 0 && (c.typ != [4]byte{'I', 'H', 'D', 'R'} || c.length != 13) {
			return pngFormatError(c.offset, "first chunk is %q with length %d, want IHDR with length 13", c.typ[:], c.length)
		}
		what := "chunk " + string(c.typ[:])
		crc := crc32.Update(0, crc32.IEEETable, c.typ[:])
		rest := int64(c.length)
		if isTextChunk(c.typ) {
			var prefix [80]byte // a keyword is 1-79 bytes and a NUL
			p := prefix[:min(rest, int64(len(prefix)))]
			if err := s.full(p, what); err != nil {
				return err
			}
			crc = crc32.Update(crc, crc32.IEEETable, p)
			rest -= int64(len(p))
			c.kind = pngClassifyText(c.typ, p)
			if capture && c.kind != pngOther && c.kind != pngCredentialText {
				if c.kind == pngCredential && rest > lim.credential+pngTextSlack {
					return tooLarge("credential chunk of %d bytes exceeds the %d-byte credential limit", c.length, lim.credential)
				}
				if rest <= lim.credential+pngTextSlack {
					c.data = make([]byte, int64(len(p))+rest)
					copy(c.data, p)
					if err := s.full(c.data[len(p):], what); err != nil {
						return err
					}
					crc = crc32.Update(crc, crc32.IEEETable, c.data[len(p):])
					rest = 0
				}
			}
		}
		crc, err := s.skip(rest, crc, what)
		if err != nil {
			return err
		}
		var sum [4]byte
		if err := s.full(sum[:], what+" CRC"); err != nil {
			return err
		}
		if binary.BigEndian.Uint32(sum[:]) != crc {
			return pngFormatError(c.offset, "CRC mismatch in %s", what)
		}
		if err := visit(&c); err != nil {
			return err
		}
		if c.typ == [4]byte{'I', 'E', 'N', 'D'} {
			if c.length != 0 {
				return pngFormatError(c.offset, "IEND chunk has length %d", c.length)
			}
			var one [1]byte
			m, err := io.ReadFull(s.r, one[:])
			if m > 0 {
				return pngFormatError(s.off, "data after IEND chunk")
			}
			if err != io.EOF {
				return readError(err)
			}
			return nil
		}
	}
}

func isTextChunk(t [4]byte) bool {
	switch string(t[:]) {
	case "iTXt", "tEXt", "zTXt":
		return true
	}
	return false
}

// pngClassifyText classifies a text chunk of type t from the first bytes
// of its data.
func pngClassifyText(t [4]byte, prefix []byte) pngTextKind {
	i := bytes.IndexByte(prefix, 0)
	if i < 0 {
		return pngOther
	}
	switch string(prefix[:i]) {
	case pngKeywordCredential:
		if t == [4]byte{'i', 'T', 'X', 't'} {
			return pngCredential
		}
		return pngCredentialText
	case pngKeywordLegacy:
		if t != [4]byte{'z', 'T', 'X', 't'} {
			return pngLegacy
		}
	}
	return pngOther
}
