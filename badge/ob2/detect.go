package ob2

import (
	"bytes"
	"errors"
	"net/url"
	"strings"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/internal/jsonx"
)

// Is reports whether data is an Open Badges 2.0 document for this package:
// JSON whose @context is an Open Badges 2.0 (or 1.x) context, or defines
// the Open Badges vocabulary inline, and which is not a Verifiable
// Credential; a compact JWS whose payload is one; an http(s) URL (a hosted
// assertion); or a PNG or SVG image baked with a 2.0 assertion (PNG
// "openbadges" iTXt/tEXt, SVG openbadges:assertion). A 2.0 document that
// is broken (an unknown Open Badges context, a missing @context on a 1.0
// assertion) is still recognised, so that it is reported as 2.0.
func Is(data []byte) bool {
	_, err := decodeInput(data, badge.DefaultMaxImageBytes)
	return err == nil
}

// input is a decoded input.
type input struct {
	format badge.InputFormat
	json   []byte      // the assertion JSON, when given inline
	jws    *compactJWS // a signed assertion
	url    string      // a hosted assertion given by URL
}

const maxJSONBytes = 1 << 20

// decodeInput finds the 2.0 document in data.
func decodeInput(data []byte, maxImage int64) (*input, error) {
	if int64(len(data)) > maxImage {
		return nil, badge.ErrTooLarge
	}
	t := bytes.TrimSpace(data)
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG")) || len(t) > 0 && t[0] == '<':
		format := badge.InputSVG
		if bytes.HasPrefix(data, []byte("\x89PNG")) {
			format = badge.InputPNG
		}
		_, err := badge.Unbake(bytes.NewReader(data), &badge.UnbakeOptions{MaxImageBytes: maxImage, MaxCredentialBytes: maxJSONBytes})
		var le *badge.LegacyAssertionError
		if !errors.As(err, &le) || le.Assertion == nil {
			return nil, ErrNotOB2
		}
		in, err := decodeText(le.Assertion)
		if err != nil {
			return nil, err
		}
		in.format = format
		return in, nil
	}
	return decodeText(t)
}

func decodeText(t []byte) (*input, error) {
	t = bytes.TrimSpace(t)
	switch {
	case len(t) > 0 && t[0] == '{':
		if len(t) > maxJSONBytes {
			return nil, badge.ErrTooLarge
		}
		if !mayBeOB2(t) {
			return nil, ErrNotOB2
		}
		v, err := jsonx.Parse(t, &jsonx.Limits{MaxBytes: maxJSONBytes})
		if err != nil {
			return nil, err
		}
		m, ok := v.(map[string]any)
		if !ok || !looksOB2(m) {
			return nil, ErrNotOB2
		}
		return &input{format: badge.InputJSON, json: t}, nil
	case bytes.HasPrefix(t, []byte("http://")) || bytes.HasPrefix(t, []byte("https://")):
		s := string(t)
		if len(s) > 2048 || strings.ContainsAny(s, " \t\r\n") || !isHTTPURL(s) {
			return nil, ErrNotOB2
		}
		if _, err := url.Parse(s); err != nil {
			return nil, ErrNotOB2
		}
		return &input{format: badge.InputJSON, url: s}, nil
	}
	j, err := parseJWS(t, maxJSONBytes)
	if err != nil {
		return nil, ErrNotOB2
	}
	if !mayBeOB2(j.payload) {
		return nil, ErrNotOB2
	}
	v, err := jsonx.Parse(j.payload, &jsonx.Limits{MaxBytes: maxJSONBytes})
	if err != nil {
		return nil, ErrNotOB2
	}
	if m, ok := v.(map[string]any); !ok || !looksOB2(m) {
		return nil, ErrNotOB2
	}
	return &input{format: badge.InputJWT, jws: j, json: j.payload}, nil
}

// looksOB2 reports whether a JSON object is an Open Badges 2.0 (or 1.x)
// document rather than a Verifiable Credential.
// mayBeOB2 is the byte test before a parse: every 2.0 (and 1.x) document
// names an Open Badges context or vocabulary ("openbadges") or, for 1.0,
// has a recipient. An Open Badges 3.0 credential passes through the
// kernel's front door without a second JSON parse here.
func mayBeOB2(b []byte) bool {
	return bytes.Contains(b, []byte("openbadges")) || bytes.Contains(b, []byte(`"recipient"`))
}

func looksOB2(m map[string]any) bool {
	for _, t := range stringsOf(m["type"]) {
		if t == "VerifiableCredential" || t == "VerifiablePresentation" {
			return false
		}
	}
	c, ok := m["@context"]
	if !ok {
		// Open Badges 1.0: no @context, a recipient, a badge, verify.
		return m["recipient"] != nil && m["badge"] != nil && (m["verify"] != nil || m["verification"] != nil)
	}
	ob := false
	for _, e := range list(c) {
		switch t := e.(type) {
		case string:
			if strings.Contains(t, "www.w3.org/2018/credentials") || strings.Contains(t, "www.w3.org/ns/credentials") {
				return false
			}
			if strings.HasPrefix(t, "https://w3id.org/openbadges") || strings.HasPrefix(t, "http://w3id.org/openbadges") ||
				strings.Contains(t, "openbadgespec.org/") {
				ob = true
			}
		case map[string]any:
			for _, v := range t {
				if s, ok := v.(string); ok && strings.HasPrefix(s, obiNS) {
					ob = true
				}
			}
		}
	}
	return ob
}
