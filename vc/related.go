package vc

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"

	"github.com/multiformats/go-multibase"
)

// Integrity of related resources (VC Data Model 2.0, section 5.3): a
// credential's relatedResource entries name a resource by URL (id) and pin
// its bytes with a digest, digestSRI (Subresource Integrity: "sha384-" and
// the base64 digest) or digestMultibase (a multibase-encoded multihash).
// The digest is computed over the resource's bytes as retrieved; for the
// JSON-LD contexts built into the library that is the embedded file, byte
// for byte ([EmbeddedContext]).

// The errors of [CheckRelatedResources]. A [*RelatedResourceError] matches
// ErrRelatedResource and the kind of each of its problems.
var (
	// ErrRelatedResource matches every relatedResource problem.
	ErrRelatedResource = errors.New("vc: relatedResource integrity")
	// ErrRelatedResourceMalformed: an entry that is not an object with a
	// URL id, that repeats the id of another entry, that has no digest, or
	// whose digest is malformed (SRI syntax, an unknown hash algorithm, a
	// digest of the wrong length, a digestMultibase that is not a
	// multibase-encoded multihash: a bare SHA-256 is not one).
	ErrRelatedResourceMalformed = errors.New("vc: malformed relatedResource entry")
	// ErrRelatedResourceMismatch: a digest that does not match the
	// resource's bytes.
	ErrRelatedResourceMismatch = errors.New("vc: relatedResource digest does not match the resource")
	// ErrRelatedResourceUnchecked is the cause given for a resource whose
	// digest could not be compared (not embedded and not fetched, a fetch
	// that failed, a multihash this package does not compute). It is never
	// returned by CheckRelatedResources as an error: such resources are
	// listed in [RelatedResourceResult.Unchecked].
	ErrRelatedResourceUnchecked = errors.New("vc: relatedResource digest not checked")
)

// RelatedResourceError lists every relatedResource problem of a credential,
// each with the JSON path of the member (Kind is
// ErrRelatedResourceMalformed or ErrRelatedResourceMismatch).
type RelatedResourceError struct {
	Problems []Problem
}

func (e *RelatedResourceError) Error() string {
	return formatProblems("vc: relatedResource: ", e.Problems)
}

// Is matches ErrRelatedResource and the kinds of the problems.
func (e *RelatedResourceError) Is(target error) bool {
	if target == ErrRelatedResource {
		return true
	}
	for _, p := range e.Problems {
		if p.Kind == target {
			return true
		}
	}
	return false
}

// RelatedResourceOptions configures [CheckRelatedResources]. The zero value
// (and nil) checks the resources built into the library only, never
// fetches, and reports every other resource as unchecked.
type RelatedResourceOptions struct {
	// Resources holds the bytes of resources the caller has (URL to the
	// exact bytes, as they would be retrieved), checked as the embedded
	// contexts are; they take precedence over the embedded copies.
	Resources map[string][]byte
	// Fetch retrieves any other resource (its exact bytes; mediaType is the
	// entry's mediaType, "" when it has none, for an Accept header). nil:
	// nothing is fetched. It must bound what it reads and honour ctx. A
	// fetch error leaves the resource unchecked, with the error as cause.
	Fetch func(ctx context.Context, url, mediaType string) ([]byte, error)
	// Issuing refuses what a verifier could not check: a multihash with a
	// hash function other than SHA-256, SHA-384 or SHA-512, and a
	// multibase other than base58btc (z) and base64url (u). Off (verify),
	// such a digest of a well-formed multihash leaves its resource
	// unchecked.
	Issuing bool
}

// RelatedResource is the outcome for one relatedResource entry.
type RelatedResource struct {
	// Path is the entry's JSON path ("$.relatedResource[0]").
	Path string
	// ID is the resource's URL.
	ID string
	// Source says where the bytes compared came from: "embedded" (the
	// library's copy of a JSON-LD context), "embedded, W3C-published
	// bytes" (the digest of the copy published with the W3C
	// Recommendation, of which the embedded context is a JSON-equal
	// copy), "caller" (RelatedResourceOptions.Resources) or "fetched";
	// "" when unchecked.
	Source string
	// Digests lists the digests compared ("digestSRI sha384", "digestMultibase sha2-256").
	Digests []string
	// Err is why the resource is unchecked (matching
	// ErrRelatedResourceUnchecked); nil for a checked resource.
	Err error
}

// RelatedResourceResult lists the relatedResource entries of a credential:
// those whose digests matched, and those that could not be checked.
type RelatedResourceResult struct {
	Checked   []RelatedResource
	Unchecked []RelatedResource
}

// CheckRelatedResources checks the relatedResource entries of c: each is
// an object with a URL id unique among them and at least one digest, and
// each digest is well-formed. For a resource whose bytes the checker has
// without a network (the contexts embedded in the library, and
// o.Resources) every digest is compared, and a mismatch is an error; any
// other resource is fetched through o.Fetch when set, and is otherwise
// listed as unchecked. The error, when not nil, is a
// [*RelatedResourceError] with every problem by JSON path; the result is
// returned either way (nil only when ctx is done).
func CheckRelatedResources(ctx context.Context, c *Credential, o *RelatedResourceOptions) (*RelatedResourceResult, error) {
	var opt RelatedResourceOptions
	if o != nil {
		opt = *o
	}
	res := &RelatedResourceResult{}
	v, has := c.doc["relatedResource"]
	if !has {
		return res, nil
	}
	var ps []Problem
	add := func(path string, kind error, reason string) {
		ps = append(ps, Problem{Path: path, Kind: kind, Reason: reason})
	}
	items, isList := v.([]any)
	if !isList {
		items = []any{v}
	} else if len(items) == 0 {
		add("$.relatedResource", ErrRelatedResourceMalformed, "must be one or more objects")
	}
	seen := map[string]bool{}
	for i, it := range items {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		path := "$.relatedResource"
		if isList {
			path += "[" + strconv.Itoa(i) + "]"
		}
		m, ok := it.(map[string]any)
		if !ok {
			add(path, ErrRelatedResourceMalformed, "must be an object")
			continue
		}
		id, _ := m["id"].(string)
		switch {
		case id == "":
			add(path+".id", ErrRelatedResourceMalformed, "is required and must be a URL")
		case !isURL(id):
			add(path+".id", ErrRelatedResourceMalformed, "must be a URL")
		case seen[id]:
			add(path+".id", ErrRelatedResourceMalformed, "must not repeat the id of another related resource")
		}
		seen[id] = true
		var digests []digest
		sri, hasSRI := m["digestSRI"]
		mb, hasMB := m["digestMultibase"]
		if !hasSRI && !hasMB {
			add(path, ErrRelatedResourceMalformed, "needs digestSRI or digestMultibase")
		}
		malformed := false
		var unsupported error
		if hasSRI {
			s, ok := sri.(string)
			d, err := parseDigestSRI(s)
			if !ok {
				err = errors.New("must be a string")
			}
			if err != nil {
				add(path+".digestSRI", ErrRelatedResourceMalformed, err.Error())
				malformed = true
			} else {
				digests = append(digests, d)
			}
		}
		if hasMB {
			s, ok := mb.(string)
			d, err := parseDigestMultibase(s, opt.Issuing)
			var ue *unsupportedDigestError
			switch {
			case !ok:
				add(path+".digestMultibase", ErrRelatedResourceMalformed, "must be a string")
				malformed = true
			case errors.As(err, &ue):
				unsupported = err
			case err != nil:
				add(path+".digestMultibase", ErrRelatedResourceMalformed, err.Error())
				malformed = true
			default:
				digests = append(digests, d)
			}
		}
		if malformed || id == "" || !isURL(id) {
			continue
		}
		rr := RelatedResource{Path: path, ID: id}
		mediaType, _ := m["mediaType"].(string)
		data, source, err := resourceBytes(ctx, &opt, id, mediaType)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			rr.Err = err
			res.Unchecked = append(res.Unchecked, rr)
			continue
		}
		rr.Source = source
		mismatch := false
		for _, d := range digests {
			rr.Digests = append(rr.Digests, d.member+" "+d.alg)
			if d.matches(data) {
				continue
			}
			if source == "embedded" && d.matchesPublished(id) {
				rr.Source = "embedded, W3C-published bytes"
				continue
			}
			mismatch = true
			add(path+"."+d.member, ErrRelatedResourceMismatch,
				fmt.Sprintf("%q does not match the %s copy of %q (a different %s digest)", d.text, source, id, d.alg))
		}
		switch {
		case mismatch:
		case len(digests) == 0:
			rr.Err = unsupported
			res.Unchecked = append(res.Unchecked, rr)
		default:
			res.Checked = append(res.Checked, rr)
		}
	}
	if len(ps) > 0 {
		return res, &RelatedResourceError{Problems: ps}
	}
	return res, nil
}

// resourceBytes returns the bytes of the resource at url: the caller's, the
// embedded context's, or fetched. An error matches
// ErrRelatedResourceUnchecked.
func resourceBytes(ctx context.Context, o *RelatedResourceOptions, url, mediaType string) ([]byte, string, error) {
	if b, ok := o.Resources[url]; ok {
		return b, "caller", nil
	}
	if b, ok := EmbeddedContext(url); ok {
		return b, "embedded", nil
	}
	if o.Fetch == nil {
		return nil, "", fmt.Errorf("%w: %q is not embedded and is not fetched", ErrRelatedResourceUnchecked, url)
	}
	b, err := o.Fetch(ctx, url, mediaType)
	if err != nil {
		return nil, "", fmt.Errorf("%w: fetching %q: %w", ErrRelatedResourceUnchecked, url, err)
	}
	return b, "fetched", nil
}

// digest is one parsed digest of an entry.
type digest struct {
	member string   // "digestSRI" or "digestMultibase"
	alg    string   // "sha256", "sha384", "sha512" (SRI); "sha2-256", ... (multihash)
	sums   [][]byte // the resource matches when its digest is one of them
	text   string   // as written
}

func (d digest) newHash() hash.Hash {
	switch d.alg {
	case "sha256", "sha2-256":
		return sha256.New()
	case "sha384", "sha2-384":
		return sha512.New384()
	}
	return sha512.New()
}

func (d digest) matches(data []byte) bool {
	h := d.newHash()
	h.Write(data)
	return d.matchesSum(h.Sum(nil))
}

func (d digest) matchesSum(sum []byte) bool {
	for _, s := range d.sums {
		if bytes.Equal(s, sum) {
			return true
		}
	}
	return false
}

// matchesPublished reports whether d is the digest of the bytes the W3C
// publishes at url, where the embedded copy is JSON-equal to them but not
// byte-identical.
func (d digest) matchesPublished(url string) bool {
	for _, p := range publishedDigests[url] {
		if d.matchesSum(p[d.newHash().Size()]) {
			return true
		}
	}
	return false
}

// publishedDigests holds, for an embedded context whose file is a JSON-equal
// but not byte-identical copy of the document its URL serves, the SHA-256,
// SHA-384 and SHA-512 digests of the published bytes (by digest size).
// Issuers compute relatedResource digests over the published document, and
// the W3C Recommendation states its digest (VC Data Model 2.0, appendix
// B.1: SHA-256 59955ced…), so a verifier holding the JSON-equal copy
// accepts them.
var publishedDigests = map[string][]map[int][]byte{
	ContextV2: {{
		32: mustHex("59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"),
		48: mustHex("97f1eb8e5042356c805fdd61afa2c557663785e0794dcafa21e138fd38def18cb360133c221aa31d6896a6bf3e65b614"),
		64: mustHex("5d55452bd2dcf8a29f5a290473eb242b1c5fb77d4e68f1a0aa87baa4dba2694852d65ec63d48ac04a99d956f9f7153b9406f84d2d04c74869b02c239a1d81305"),
	}},
}

func mustHex(s string) []byte {
	b := make([]byte, len(s)/2)
	for i := range b {
		n, err := strconv.ParseUint(s[2*i:2*i+2], 16, 8)
		if err != nil {
			panic("vc: bad hex constant")
		}
		b[i] = byte(n)
	}
	return b
}

// sriSizes are the SRI hash algorithms and their digest sizes.
var sriSizes = map[string]int{"sha256": 32, "sha384": 48, "sha512": 64}

// parseDigestSRI reads an SRI integrity value: one or more
// whitespace-separated "alg-base64[?options]" expressions with alg sha256,
// sha384 or sha512 and a digest of that size. As the SRI algorithm does, a
// resource matches when one expression of the strongest algorithm listed
// matches; the weaker ones are not compared.
func parseDigestSRI(s string) (digest, error) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return digest{}, errors.New("must be a Subresource Integrity value such as sha384-<base64 digest>")
	}
	out := digest{member: "digestSRI", text: s}
	best := 0
	for _, f := range fields {
		alg, b64, ok := strings.Cut(f, "-")
		if !ok {
			return digest{}, fmt.Errorf("%q is not an SRI hash expression (alg-base64)", f)
		}
		size, known := sriSizes[alg]
		if !known {
			return digest{}, fmt.Errorf("unknown SRI hash algorithm %q (want sha256, sha384 or sha512)", alg)
		}
		b64, _, _ = strings.Cut(b64, "?")
		sum, err := decodeSRIBase64(b64)
		if err != nil {
			return digest{}, fmt.Errorf("the %s digest is not base64", alg)
		}
		if len(sum) != size {
			return digest{}, fmt.Errorf("the %s digest has %d bytes, want %d", alg, len(sum), size)
		}
		switch {
		case size > best:
			best, out.alg, out.sums = size, alg, [][]byte{sum}
		case size == best:
			out.sums = append(out.sums, sum)
		}
	}
	return out, nil
}

// decodeSRIBase64 decodes the base64 of an SRI expression (standard
// alphabet, padding optional).
func decodeSRIBase64(s string) ([]byte, error) {
	if strings.ContainsAny(s, "-_") {
		return nil, errors.New("not the standard base64 alphabet")
	}
	if strings.HasSuffix(s, "=") {
		return base64.StdEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// Multihash codes of the hash functions compared.
var multihashes = map[uint64]struct {
	name string
	size int
}{
	0x12: {"sha2-256", 32},
	0x20: {"sha2-384", 48},
	0x13: {"sha2-512", 64},
}

// unsupportedDigestError is a well-formed digestMultibase this package does
// not compute (another hash function, another multibase). It matches
// ErrRelatedResourceUnchecked.
type unsupportedDigestError struct{ detail string }

func (e *unsupportedDigestError) Error() string {
	return ErrRelatedResourceUnchecked.Error() + ": " + e.detail
}

func (e *unsupportedDigestError) Is(target error) bool { return target == ErrRelatedResourceUnchecked }

// parseDigestMultibase reads a multibase-encoded multihash. issuing makes an
// unsupported (but well-formed) digest malformed instead of unchecked.
func parseDigestMultibase(s string, issuing bool) (digest, error) {
	if len(s) < 2 {
		return digest{}, errors.New("must be a multibase-encoded multihash")
	}
	enc, raw, err := multibase.Decode(s)
	if err != nil {
		return digest{}, errors.New("must be a multibase-encoded multihash (for example base58btc, z..., or base64url, u...)")
	}
	code, n := binary.Uvarint(raw)
	if n <= 0 {
		return digest{}, errors.New("is not a multihash (no hash function code)")
	}
	size, m := binary.Uvarint(raw[n:])
	if m <= 0 {
		return digest{}, errors.New("is not a multihash (no digest length)")
	}
	sum := raw[n+m:]
	if uint64(len(sum)) != size {
		return digest{}, fmt.Errorf("is not a multihash: %d digest bytes, the multihash header says %d (a bare digest lacks the multihash header)", len(sum), size)
	}
	mh, known := multihashes[code]
	switch {
	case known && int(size) != mh.size:
		return digest{}, fmt.Errorf("a %s multihash has %d digest bytes, not %d", mh.name, mh.size, size)
	case !known:
		detail := fmt.Sprintf("multihash function 0x%x is not SHA-256, SHA-384 or SHA-512", code)
		if issuing {
			return digest{}, errors.New(detail)
		}
		return digest{}, &unsupportedDigestError{detail: detail}
	case enc != multibase.Base58BTC && enc != multibase.Base64url:
		detail := fmt.Sprintf("multibase %q is not base58btc (z) or base64url (u)", s[:1])
		if issuing {
			return digest{}, errors.New(detail)
		}
	}
	return digest{member: "digestMultibase", alg: mh.name, sums: [][]byte{sum}, text: s}, nil
}

// DigestSRI returns the Subresource Integrity value of data for a
// relatedResource entry's digestSRI: alg is "sha256", "sha384" (the
// strength the data model recommends at least) or "sha512".
func DigestSRI(alg string, data []byte) (string, error) {
	if _, ok := sriSizes[alg]; !ok {
		return "", fmt.Errorf("vc: unknown SRI hash algorithm %q", alg)
	}
	d := digest{alg: alg}
	h := d.newHash()
	h.Write(data)
	return alg + "-" + base64.StdEncoding.EncodeToString(h.Sum(nil)), nil
}

// DigestMultibase returns the base58btc multibase of the multihash of data
// for a relatedResource entry's digestMultibase: alg is "sha2-256",
// "sha2-384" or "sha2-512".
func DigestMultibase(alg string, data []byte) (string, error) {
	for code, mh := range multihashes {
		if mh.name != alg {
			continue
		}
		d := digest{alg: alg}
		h := d.newHash()
		h.Write(data)
		raw := binary.AppendUvarint(nil, code)
		raw = binary.AppendUvarint(raw, uint64(mh.size))
		raw = h.Sum(raw)
		return multibase.Encode(multibase.Base58BTC, raw)
	}
	return "", fmt.Errorf("vc: unknown multihash function %q", alg)
}
