package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"slices"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/badge/ob2"
)

type badgeVerifyHandler struct {
	v    *badge.Verifier // with the CLR family
	opts *Options
}

// NewBadgeVerifyHandler returns the Open Badges verify endpoint (POST). It
// accepts a credential as JSON, a compact VC-JWT, or a baked PNG or SVG,
// sent as the raw body (any of application/json, application/ld+json,
// application/vc, application/vc+jwt, application/jwt, text/plain,
// image/png, image/svg+xml, application/octet-stream, or no Content-Type:
// the format is detected) or as a multipart/form-data upload (the first
// part named "file" or "credential").
//
// The answer is the full [badge.VerificationResult] as JSON (its
// MarshalJSON members) with the credential that was checked added as
// "credential" (after unbaking and JWT decoding): 200 when verified, 422
// when a check failed. Input that holds no credential at all (an image
// without a baked credential, unrecognised bytes) gets a problem: 422 or
// 400. v nil means a verifier with zero [badge.VerifierOptions] (offline,
// embedded contexts), with Options.Status as its status checker.
func NewBadgeVerifyHandler(v *badge.Verifier, o *Options) (http.Handler, error) {
	if v == nil {
		vo := badge.VerifierOptions{MaxInputBytes: o.maxBody()}
		if o != nil {
			vo.Status, vo.Processor, vo.Now, vo.ClockSkew, vo.Proofs = o.Status, o.Processor, o.Now, o.ClockSkew, o.Proofs
		}
		var err error
		if v, err = badge.NewVerifier(vo); err != nil {
			return nil, err
		}
	}
	// One kernel for every family: a CLR 2.0 record is recognised by its
	// type, whatever its format, and verified with every credential it
	// holds through the same verifier (keys, clock, profile, budget); an
	// Open Badges 2.0 assertion by its context.
	kinds := []badge.Kind{clr.Kind(nil)}
	if !slices.Contains(v.Families(), ob2.Family) {
		// Open Badges 2.0, offline (as v nil is): a 2.0 assertion is
		// reported as 2.0; pass a Verifier with ob2.Kind to fetch what it
		// links.
		ov, err := ob2.NewVerifier(ob2.Options{Offline: true})
		if err != nil {
			return nil, err
		}
		kinds = append(kinds, ob2.Kind(ov))
	}
	h := &badgeVerifyHandler{v: v.WithKinds(kinds...), opts: o}
	return guard(o, h.serve), nil
}

var badgeMediaTypes = []string{
	"", "application/json", "application/ld+json", "application/vc", "application/vc+ld+json",
	"application/vc+jwt", "application/jwt", "text/plain", "image/png", "image/svg+xml", "application/octet-stream",
}

func (h *badgeVerifyHandler) serve(w http.ResponseWriter, r *http.Request) error {
	mt, _, err := mediaType(r)
	if err != nil {
		return err
	}
	var data []byte
	switch {
	case mt == "multipart/form-data":
		data, err = readUpload(r)
	case contains(badgeMediaTypes, mt):
		data, err = readBody(r)
	default:
		return newProblem(http.StatusUnsupportedMediaType, ProblemUnsupportedMedia, "Unsupported media type",
			"send a credential as JSON, a JWT, a PNG or an SVG, or upload it as multipart/form-data; not %q", r.Header.Get("Content-Type"))
	}
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return badRequest("the request holds no credential: send JSON, a JWT, or a baked PNG or SVG")
	}
	res, err := h.v.Verify(r.Context(), data)
	if res == nil {
		if err == nil {
			err = errors.New("no result")
		}
		return badRequest("%v", err)
	}
	if c := res.Check(badge.CheckParse); c != nil && c.Status == badge.Failed {
		status, title := http.StatusBadRequest, "Not a credential"
		if errors.Is(c.Err, badge.ErrNotBaked) {
			status, title = http.StatusUnprocessableEntity, "No credential in the image"
		}
		detail := "the input could not be read as a credential"
		if c.Err != nil {
			detail = firstLine(c.Err.Error())
		}
		return &Problem{Type: ProblemParsing, Title: title, Status: status, Detail: detail}
	}
	if err := r.Context().Err(); err != nil {
		return err
	}
	body, err := res.MarshalJSON()
	if err != nil || len(body) < 2 || body[0] != '{' {
		return &Problem{Type: ProblemInternal, Title: "Internal error", Status: http.StatusInternalServerError}
	}
	var raw []byte
	if res.Credential != nil {
		if raw = res.Credential.Raw(); len(raw) == 0 {
			raw, _ = encodeJSON(res.Credential.Document())
		}
	}
	status := http.StatusOK
	if !res.Verified {
		status = http.StatusUnprocessableEntity
	}
	writeWithCredential(w, status, raw, body)
	return nil
}

// writeWithCredential writes the JSON object result with the member
// "credential": raw added first (when raw is not empty), without copying
// either into one buffer.
func writeWithCredential(w http.ResponseWriter, status int, raw, result []byte) {
	if len(raw) == 0 {
		writeBytes(w, status, "application/json", result)
		return
	}
	const open = `{"credential":`
	writeParts(w, status, "application/json", []byte(open), raw, []byte{','}, result[1:])
}

// readUpload returns the first part named "file" or "credential" of a
// multipart/form-data body.
func readUpload(r *http.Request) ([]byte, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, badRequest("multipart body: %v", err)
	}
	for i := 0; i < 16; i++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if p := tooLarge(err); p != nil {
				return nil, p
			}
			return nil, badRequest("multipart body: %v", err)
		}
		name := part.FormName()
		if name != "file" && name != "credential" {
			part.Close()
			continue
		}
		b, err := readAllSized(part, bodyBufferSize(r))
		part.Close()
		if err != nil {
			if p := tooLarge(err); p != nil {
				return nil, p
			}
			return nil, badRequest("multipart body: %v", err)
		}
		return b, nil
	}
	return nil, badRequest(`the upload has no part named "file" or "credential"`)
}

func tooLarge(err error) *Problem {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return newProblem(http.StatusRequestEntityTooLarge, ProblemTooLarge, "Request body too large", "the limit is %d bytes", mbe.Limit)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
