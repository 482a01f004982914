package badge

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"
)

const (
	// svgNamespace is the namespace of the <openbadges:credential> element.
	svgNamespace = "https://purl.imsglobal.org/ob/v3p0"
	// svgPrefix is the prefix Bake binds to svgNamespace. Unbake also
	// accepts it undeclared.
	svgPrefix = "openbadges"
	// svgLegacyNamespace is the namespace of the OB 2.0
	// <openbadges:assertion> element.
	svgLegacyNamespace = "http://openbadges.org"
	// svgSVGNamespace is the SVG namespace.
	svgSVGNamespace = "http://www.w3.org/2000/svg"
)

// BakeSVG is [Bake] for an SVG image.
//
// The document is only tokenized to find things; the output is the input
// bytes with these edits and nothing else changed:
//
//   - xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" is added to the
//     root <svg> start tag unless it is already declared there; if the root
//     binds "openbadges" to another namespace (as OB 2.0 badges do, with
//     http://openbadges.org), the declaration goes on the new element
//     instead and the root is left alone;
//   - existing credential elements, wherever they are, are removed (an
//     OB 2.0 <openbadges:assertion> is kept);
//   - a new <openbadges:credential> element is inserted directly after the
//     root start tag (a self-closing root is opened and closed).
//
// A compact JWS goes in the element's verify attribute. JSON goes in a
// CDATA section; "]]>" in the JSON is split across two CDATA sections and a
// carriage return is written as the character reference &#13; (which XML
// does not normalize), so [Unbake] returns the JSON byte for byte. JSON
// holding characters XML cannot carry (U+FFFE, U+FFFF) is
// [ErrInvalidBakeInput].
//
// The document must be UTF-8 and well-formed, have <svg> as its root, and
// have no DOCTYPE internal subset; see [Unbake].
func BakeSVG(w io.Writer, image io.Reader, credential []byte) error {
	img, err := readImage(image, DefaultMaxImageBytes)
	if err != nil {
		return err
	}
	return bakeSVG(w, img, credential)
}

func bakeSVG(w io.Writer, img, credential []byte) error {
	cred, enc, err := prepareCredential(credential)
	if err != nil {
		return err
	}
	if i := svgInvalidChar(cred); i >= 0 {
		return invalidBakeInput("byte %d starts a character that XML cannot carry", i)
	}
	lim := (*UnbakeOptions)(nil).limits()
	doc, err := scanSVG(bytes.NewReader(img), lim, false)
	if err != nil {
		return err
	}
	// The namespace declaration goes on the root, unless the root binds
	// the prefix to another namespace (an OB 2.0 badge binds it to
	// http://openbadges.org); then the new element declares it itself.
	decl := []byte(" xmlns:" + svgPrefix + `="` + svgNamespace + `"`)
	var elem []byte
	switch {
	case doc.prefixConflict:
		elem = svgCredentialElement(cred, enc, decl)
		decl = nil
	case doc.hasPrefix:
		elem = svgCredentialElement(cred, enc, nil)
		decl = nil
	default:
		elem = svgCredentialElement(cred, enc, nil)
	}
	tagEnd := doc.rootEnd // just past the root start tag's '>'

	type edit struct {
		from, to int64 // bytes replaced
		with     [][]byte
	}
	var edits []edit
	if doc.rootSelfClosing {
		closeTag := []byte("</" + string(svgRawName(img[doc.rootStart:])) + ">")
		edits = append(edits, edit{tagEnd - 2, tagEnd, [][]byte{decl, []byte(">"), elem, closeTag}})
	} else {
		edits = append(edits, edit{tagEnd - 1, tagEnd - 1, [][]byte{decl}}, edit{tagEnd, tagEnd, [][]byte{elem}})
	}
	for _, c := range doc.creds {
		edits = append(edits, edit{c.start, c.end, nil})
	}
	slices.SortStableFunc(edits, func(a, b edit) int { return cmp.Compare(a.from, b.from) })

	parts := make([][]byte, 0, 2*len(edits)+4)
	var from int64
	for _, e := range edits {
		parts = append(parts, img[from:e.from])
		parts = append(parts, e.with...)
		from = e.to
	}
	parts = append(parts, img[from:])

	// Check the splice before writing anything: the result must unbake to
	// exactly the credential.
	out := bytes.Join(parts, nil)
	lim.image = int64(len(out))
	got, err := unbakeSVG(bytes.NewReader(out), lim)
	if err != nil {
		return err
	}
	if !bytes.Equal(got.Credential, cred) {
		return svgFormatError(doc.rootStart, "document cannot carry the credential: it does not read back unchanged")
	}
	return writeAll(w, out)
}

// svgCredentialElement returns the <openbadges:credential> element for
// cred, with the attribute text decl (if any) in its start tag.
func svgCredentialElement(cred []byte, enc CredentialEncoding, decl []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(cred) + len(decl) + 100)
	b.WriteString("<" + svgPrefix + ":credential")
	b.Write(decl)
	if enc == EncodingJWT {
		b.WriteString(` verify="`)
		xml.EscapeText(&b, cred) // a JWS has nothing to escape; kept for safety
		b.WriteString(`">`)
	} else {
		b.WriteString("><![CDATA[")
		from := 0
		for i := 0; i < len(cred); i++ {
			switch {
			case cred[i] == '\r':
				b.Write(cred[from:i])
				b.WriteString("]]>&#13;<![CDATA[")
				from = i + 1
			case cred[i] == ']' && i+2 < len(cred) && cred[i+1] == ']' && cred[i+2] == '>':
				// End this section after "]]" and start the next with ">".
				b.Write(cred[from : i+2])
				b.WriteString("]]><![CDATA[")
				from = i + 2
			}
		}
		b.Write(cred[from:])
		b.WriteString("]]>")
	}
	b.WriteString("</" + svgPrefix + ":credential>")
	return b.Bytes()
}

// svgInvalidChar returns the offset of the first character in b that is
// not an XML 1.0 Char, or -1.
func svgInvalidChar(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 ||
			r < 0x20 && r != '\t' && r != '\n' && r != '\r' ||
			r == 0xFFFE || r == 0xFFFF {
			return i
		}
		i += n
	}
	return -1
}

// svgRawName returns the element name at the start of tag ("<svg ...").
func svgRawName(tag []byte) []byte {
	name := tag[1:]
	if i := bytes.IndexAny(name, " \t\r\n/>"); i >= 0 {
		name = name[:i]
	}
	return name
}

// svgCredential is one credential (or legacy assertion) element.
type svgCredential struct {
	start, end int64 // byte range of the whole element
	verify     []byte
	hasVerify  bool
	content    []byte // concatenated character data (CDATA and text)
	legacy     bool
}

// svgDocument is what scanSVG found.
type svgDocument struct {
	rootStart, rootEnd int64 // byte range of the root start tag
	rootSelfClosing    bool
	hasPrefix          bool // root binds "openbadges" to svgNamespace
	prefixConflict     bool // root binds "openbadges" to something else
	creds              []svgCredential
	legacy             *svgCredential // first OB 2.0 assertion
	legacies           int            // OB 2.0 assertion elements
}

func isSVGCredential(n xml.Name) bool {
	// An undeclared prefix is left in Space by encoding/xml.
	return n.Local == "credential" && (n.Space == svgNamespace || n.Space == svgPrefix)
}

func isSVGLegacy(n xml.Name) bool {
	return n.Local == "assertion" && (n.Space == svgLegacyNamespace || n.Space == svgPrefix)
}

// scanSVG tokenizes a whole SVG document. It checks that the document is
// well-formed XML with a single <svg> root, refuses DOCTYPE internal
// subsets, and enforces the depth and size limits. With capture set it
// collects the content of credential elements (failing at the second one);
// otherwise it only records where they are.
func scanSVG(r io.Reader, lim bakeLimits, capture bool) (*svgDocument, error) {
	rr := &svgReader{r: r}
	d := xml.NewDecoder(rr)
	d.Strict = true
	doc := &svgDocument{}
	var (
		depth            int
		seenRoot, closed bool
		seenDoctype      bool
		cur              *svgCredential
		curDepth         int
	)
	for {
		before := d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if rr.err != nil && err == rr.err {
				return nil, readError(err)
			}
			// A syntax error, or an encoding other than UTF-8.
			return nil, &FormatError{Image: ImageSVG, Offset: d.InputOffset(), Reason: err.Error(), Err: err}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if closed {
				return nil, svgFormatError(before, "element after the root element")
			}
			depth++
			if depth > lim.depth {
				return nil, tooLarge("SVG elements nested deeper than %d", lim.depth)
			}
			if !seenRoot {
				seenRoot = true
				if t.Name.Local != "svg" || (t.Name.Space != svgSVGNamespace && t.Name.Space != "") {
					return nil, fmt.Errorf("%w: root element is <%s>, not <svg>", ErrUnsupportedImage, svgClip([]byte(t.Name.Local)))
				}
				doc.rootStart, doc.rootEnd = before, d.InputOffset()
				for _, a := range t.Attr {
					if a.Name.Space == "xmlns" && a.Name.Local == svgPrefix {
						if a.Value == svgNamespace {
							doc.hasPrefix = true
						} else {
							doc.prefixConflict = true
						}
					}
				}
				continue
			}
			if cur != nil {
				return nil, svgFormatError(before, "element <%s> inside a credential element", t.Name.Local)
			}
			legacy := isSVGLegacy(t.Name)
			if !isSVGCredential(t.Name) && !legacy {
				continue
			}
			if legacy {
				doc.legacies++
				if doc.legacy != nil {
					continue // only the first legacy assertion is kept (unbakeSVG refuses two)
				}
			}
			if !legacy && capture && len(doc.creds) > 0 {
				return nil, ErrMultipleCredentials
			}
			cur = &svgCredential{start: before, legacy: legacy}
			curDepth = depth
			for _, a := range t.Attr {
				if a.Name.Space == "" && a.Name.Local == "verify" {
					if cur.hasVerify {
						return nil, svgFormatError(before, "credential element has two verify attributes")
					}
					cur.hasVerify = true
					cur.verify = []byte(a.Value)
				}
			}
		case xml.EndElement:
			if cur != nil && depth == curDepth {
				cur.end = d.InputOffset()
				if cur.legacy {
					doc.legacy = cur
				} else {
					doc.creds = append(doc.creds, *cur)
				}
				cur = nil
			}
			depth--
			if depth == 0 {
				closed = true
				if doc.rootEnd > 0 && d.InputOffset() == doc.rootEnd {
					doc.rootSelfClosing = true
				}
			}
		case xml.CharData:
			if cur != nil {
				if capture {
					if int64(len(cur.content)+len(t)) > lim.credential {
						return nil, tooLarge("credential larger than %d bytes", lim.credential)
					}
					cur.content = append(cur.content, t...)
				}
				break
			}
			if depth == 0 {
				if before == 0 && !seenRoot {
					t = bytes.TrimPrefix(t, []byte("\ufeff"))
				}
				if len(bytes.Trim(t, " \t\r\n")) > 0 {
					return nil, svgFormatError(before, "text outside the root element")
				}
			}
		case xml.Directive:
			if seenRoot || seenDoctype {
				return nil, svgFormatError(before, "unexpected <!%s", svgClip(t))
			}
			if !bytes.HasPrefix(t, []byte("DOCTYPE")) {
				return nil, svgFormatError(before, "unexpected <!%s", svgClip(t))
			}
			if svgHasInternalSubset(t) {
				return nil, svgFormatError(before, "DOCTYPE with an internal subset (entity or attribute declarations) is not allowed")
			}
			seenDoctype = true
		}
	}
	if !seenRoot {
		return nil, svgFormatError(d.InputOffset(), "no root element")
	}
	return doc, nil
}

// svgReader records the error of the reader it wraps, so that scanSVG can
// tell read errors from XML errors.
type svgReader struct {
	r   io.Reader
	err error
}

func (s *svgReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// svgHasInternalSubset reports whether a DOCTYPE directive has a '[' outside
// quoted literals, which starts an internal subset.
func svgHasInternalSubset(d []byte) bool {
	var quote byte
	for _, c := range d {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[':
			return true
		}
	}
	return false
}

// svgClip shortens a directive for an error message.
func svgClip(b []byte) string {
	if len(b) > 20 {
		b = b[:20]
	}
	return string(b)
}

func unbakeSVG(r io.Reader, lim bakeLimits) (*Baked, error) {
	doc, err := scanSVG(r, lim, true)
	if err != nil {
		return nil, err
	}
	if len(doc.creds) == 0 {
		if doc.legacies > 1 {
			// Which of two Open Badges 2.0 assertions would be the badge?
			return nil, fmt.Errorf("%w: %d Open Badges 2.0 assertions", ErrMultipleCredentials, doc.legacies)
		}
		if doc.legacy != nil {
			a := doc.legacy.verify
			if !doc.legacy.hasVerify {
				a = trimCredential(doc.legacy.content)
			}
			return nil, &LegacyAssertionError{Image: ImageSVG, Assertion: a}
		}
		return nil, ErrNotBaked
	}
	c := &doc.creds[0]
	content := trimCredential(c.content)
	cred := content
	if c.hasVerify {
		if len(content) > 0 {
			return nil, svgFormatError(c.start, "credential element has both a verify attribute and content")
		}
		cred = trimCredential(c.verify)
		if int64(len(cred)) > lim.credential {
			return nil, tooLarge("credential larger than %d bytes", lim.credential)
		}
	}
	enc, err := classifyCredential(cred)
	if err != nil {
		return nil, err
	}
	return &Baked{Image: ImageSVG, Encoding: enc, Credential: cred}, nil
}
