package presentation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// SignOptions configures [Sign].
type SignOptions struct {
	// Holder is the holder id ("" = the controller of the key: its
	// verification method without the fragment). It must control the key.
	Holder string
	// ID, when set, is the presentation's id (a URL).
	ID string
	// Challenge and Domain are the verifier's; both are required.
	Challenge, Domain string
	// Created is the proof's creation time (zero = Now(), to the second);
	// Now is the clock (nil = time.Now). Expires, when set, bounds the
	// proof's life.
	Created, Expires time.Time
	Now              func() time.Time
	// Processor canonicalizes (nil = embedded contexts, safe mode).
	Processor *vc.Processor
	// MaxCredentials bounds the credentials (0 = DefaultMaxCredentials),
	// so that what is signed here also verifies with the default limits.
	MaxCredentials int
}

// Sign builds a VC 2.0 VerifiablePresentation holding credentials and signs
// it with the holder's key: a Data Integrity proof with proofPurpose
// authentication, the challenge and the domain. Each credential is the
// signed credential's bytes: a JSON object with an embedded proof (kept
// byte for byte in verifiableCredential), or a compact VC-JWT (embedded as
// an EnvelopedVerifiableCredential with a data: URL).
func Sign(ctx context.Context, key proof.Key, credentials [][]byte, o *SignOptions) ([]byte, error) {
	if ctx == nil {
		return nil, errors.New("presentation: nil context")
	}
	opt, doc, err := build(key, credentials, o)
	if err != nil {
		return nil, err
	}
	unsigned, err := encodeJSON(doc)
	if err != nil {
		return nil, err
	}
	return proof.AddDataIntegrityProof(ctx, unsigned, key, &proof.DataIntegrityOptions{
		Purpose:   proof.PurposeAuthentication,
		Challenge: opt.Challenge,
		Domain:    opt.Domain,
		Created:   opt.Created,
		Expires:   opt.Expires,
		Now:       opt.Now,
		Processor: opt.Processor,
	})
}

// vpDocument is the presentation [Sign] and [SignJWT] write; the claims
// are set for a JWT only.
type vpDocument struct {
	Context              []string          `json:"@context"`
	ID                   string            `json:"id,omitempty"`
	Type                 []string          `json:"type"`
	Holder               string            `json:"holder"`
	VerifiableCredential []json.RawMessage `json:"verifiableCredential,omitempty"`
	Nonce                string            `json:"nonce,omitempty"`
	Aud                  string            `json:"aud,omitempty"`
	Iat                  int64             `json:"iat,omitempty"`
	Exp                  int64             `json:"exp,omitempty"`
}

// build checks the arguments of Sign and SignJWT and returns the
// presentation to sign.
func build(key proof.Key, credentials [][]byte, o *SignOptions) (SignOptions, *vpDocument, error) {
	var opt SignOptions
	if o != nil {
		opt = *o
	}
	if key.Signer == nil || key.VerificationMethod == "" {
		return opt, nil, fmt.Errorf("%w: the holder key needs a signer and a verification method", ErrInvalidArgument)
	}
	if opt.Challenge == "" || opt.Domain == "" {
		return opt, nil, fmt.Errorf("%w: a challenge and a domain are required (a presentation without them can be replayed)", ErrInvalidArgument)
	}
	controller, _, _ := strings.Cut(key.VerificationMethod, "#")
	if opt.Holder == "" {
		opt.Holder = controller
	}
	if opt.Holder != controller {
		return opt, nil, fmt.Errorf("%w: the holder %q does not control the key %q", ErrInvalidArgument, opt.Holder, key.VerificationMethod)
	}
	if !isURL(opt.Holder) {
		return opt, nil, fmt.Errorf("%w: the holder %q is not a URL", ErrInvalidArgument, opt.Holder)
	}
	if opt.ID != "" && !isURL(opt.ID) {
		return opt, nil, fmt.Errorf("%w: the id %q is not a URL", ErrInvalidArgument, opt.ID)
	}
	maxCreds := opt.MaxCredentials
	if maxCreds <= 0 {
		maxCreds = DefaultMaxCredentials
	}
	if len(credentials) > maxCreds {
		return opt, nil, &LimitError{What: "credentials", Got: int64(len(credentials)), Limit: int64(maxCreds)}
	}
	entries := make([]json.RawMessage, 0, len(credentials))
	for i, c := range credentials {
		e, err := embed(c)
		if err != nil {
			return opt, nil, fmt.Errorf("%w: credential %d: %w", ErrInvalidArgument, i, err)
		}
		entries = append(entries, e)
	}
	return opt, &vpDocument{Context: []string{vc.ContextV2}, ID: opt.ID, Type: []string{TypeVerifiablePresentation}, Holder: opt.Holder, VerifiableCredential: entries}, nil
}

// embed returns the verifiableCredential entry for a signed credential.
func embed(c []byte) (json.RawMessage, error) {
	t := bytes.TrimSpace(c)
	switch {
	case len(t) > 0 && t[0] == '{':
		if !json.Valid(t) {
			return nil, errors.New("not valid JSON")
		}
		return json.RawMessage(t), nil
	case isCompactJWS(string(t)):
		return encodeJSON(Envelope(string(t)))
	}
	return nil, errors.New("neither a JSON credential nor a compact VC-JWT")
}

// encodeJSON marshals without HTML escaping.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
