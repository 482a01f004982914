package presentation

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// Presentations as JWTs (VC-JOSE-COSE §3.2): a compact JWS whose header
// names the holder's key (kid) and the type vp+jwt, and whose payload is
// the VC 2.0 presentation itself, with the JWT claims beside its members:
// nonce (the verifier's challenge), aud (the verifier's domain), iat, exp,
// nbf, iss. The VC 1.1 "vp" and "vc" claims are refused: VC-JOSE-COSE
// forbids them.

// TypVPJWT is the JOSE header typ of a presentation JWT.
const TypVPJWT = "vp+jwt"

// JWT is a presentation received as a JWT.
type JWT struct {
	// Token is the compact JWS as received.
	Token string
	// Enveloped is true when it came in an EnvelopedVerifiablePresentation.
	Enveloped bool
	// Header is the JOSE header; Claims are the JWT claims of the payload
	// (iss, sub, aud, exp, nbf, iat, jti, nonce, cnf), which are not part
	// of the presentation.
	Header, Claims map[string]any
}

// jwtClaims are the payload members that are the token's, not the
// presentation's.
var jwtClaims = []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "nonce", "cnf"}

// jwtHeader are the JOSE header members a presentation JWT may carry.
var jwtHeader = []string{"alg", "kid", "typ", "cty"}

// ParseJWT reads a presentation JWT (VC-JOSE-COSE) without verifying its
// signature: the header (only alg, kid, typ and cty; typ vp+jwt; a kid
// naming the holder's key), the claims (nonce a string, aud a string or a
// list of strings, exp, nbf and iat numbers; no "vp" or "vc" claim), and
// the payload without the claims as a VC 2.0 presentation, as [Parse]
// reads one. Errors are [*JWTError] (ErrJWT), [*LimitError] or
// ErrMalformed.
func ParseJWT(token string, lim *Limits) (*Presentation, error) {
	var l Limits
	if lim != nil {
		l = *lim
	}
	return parseJWT(strings.TrimSpace(token), l.withDefaults())
}

func parseJWT(token string, l Limits) (*Presentation, error) {
	if int64(len(token)) > l.MaxInputBytes {
		return nil, &LimitError{What: "input bytes", Got: int64(len(token)), Limit: l.MaxInputBytes}
	}
	if !isCompactJWS(token) {
		return nil, &JWTError{Detail: "not a compact JWS (three base64url parts)"}
	}
	parts := strings.Split(token, ".")
	b64 := base64.RawURLEncoding.Strict()
	hb, err := b64.DecodeString(parts[0])
	if err != nil {
		return nil, &JWTError{Member: "header", Detail: "is not base64url"}
	}
	hv, err := jsonx.Parse(hb, nil)
	if err != nil {
		return nil, &JWTError{Member: "header", Detail: err.Error()}
	}
	h, ok := hv.(map[string]any)
	if !ok {
		return nil, &JWTError{Member: "header", Detail: "is not a JSON object"}
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if !slices.Contains(jwtHeader, k) {
			if k == "jwk" {
				return nil, &JWTError{Member: "jwk", Detail: "is not accepted: the holder's key must be named by kid and resolved"}
			}
			return nil, &JWTError{Member: k, Detail: "is not allowed in the header (only alg, kid, typ, cty)"}
		}
	}
	pb, err := b64.DecodeString(parts[1])
	if err != nil {
		return nil, &JWTError{Member: "payload", Detail: "is not base64url"}
	}
	pv, err := jsonx.Parse(pb, &jsonx.Limits{MaxBytes: int(l.MaxInputBytes)})
	if err != nil {
		return nil, fmt.Errorf("%w: JWT payload: %w", ErrMalformed, err)
	}
	all, ok := pv.(map[string]any)
	if !ok {
		return nil, &JWTError{Member: "payload", Detail: "is not a JSON object"}
	}
	for _, c := range []string{"vp", "vc"} {
		if _, has := all[c]; has {
			return nil, &JWTError{Member: c, Detail: "claim: VC-JOSE-COSE forbids the VC 1.1 \"vp\" and \"vc\" claims; the payload must be the presentation itself"}
		}
	}
	// The header after the claims: a VC 1.1 payload (typ JWT, a "vp"
	// claim) is named for what it is.
	if typ, _ := h["typ"].(string); typ != TypVPJWT && typ != MediaTypeVPJWT {
		return nil, &JWTError{Member: "typ", Detail: fmt.Sprintf("is %s, want %q (VC-JOSE-COSE)", quoted(h["typ"]), TypVPJWT)}
	}
	if cty, has := h["cty"]; has && cty != "vp" && cty != "application/vp" {
		return nil, &JWTError{Member: "cty", Detail: fmt.Sprintf("is %s, want \"vp\"", quoted(cty))}
	}
	if alg, _ := h["alg"].(string); alg == "" {
		return nil, &JWTError{Member: "alg", Detail: "is missing or not a string"}
	}
	if kid, _ := h["kid"].(string); kid == "" {
		return nil, &JWTError{Member: "kid", Detail: "is required: it names the holder's key"}
	}
	if err := checkClaimTypes(all); err != nil {
		return nil, err
	}
	// The presentation is the payload without the claims, each member
	// with its own bytes.
	var members map[string]json.RawMessage
	if err := json.Unmarshal(pb, &members); err != nil {
		return nil, fmt.Errorf("%w: JWT payload: %w", ErrMalformed, err)
	}
	doc := make(map[string]any, len(all))
	claims := map[string]any{}
	keys := make([]string, 0, len(all))
	for k, v := range all {
		if slices.Contains(jwtClaims, k) {
			claims[k] = v
			continue
		}
		doc[k] = v
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var raw bytes.Buffer
	raw.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			raw.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		raw.Write(kb)
		raw.WriteByte(':')
		raw.Write(members[k])
	}
	raw.WriteByte('}')
	d, err := vc.FromValue(raw.Bytes(), doc)
	if err != nil {
		return nil, fmt.Errorf("%w: JWT payload: %w", ErrMalformed, err)
	}
	if d.Version() != vc.Version2_0 {
		return nil, &JWTError{Member: "@context", Detail: "of the payload must start with " + vc.ContextV2 + " (VC-JOSE-COSE secures VC 2.0 presentations)"}
	}
	p, err := fromDoc(d, l)
	if err != nil {
		return nil, err
	}
	p.JWT = &JWT{Token: token, Header: h, Claims: claims}
	return p, nil
}

func quoted(v any) string {
	if v == nil {
		return "missing"
	}
	return fmt.Sprintf("%q", fmt.Sprint(v))
}

// checkClaimTypes checks the types of the claims that are read.
func checkClaimTypes(c map[string]any) error {
	for _, k := range []string{"iss", "sub", "jti", "nonce"} {
		if v, has := c[k]; has {
			if _, ok := v.(string); !ok {
				return &JWTError{Member: k, Detail: "claim must be a string"}
			}
		}
	}
	if v, has := c["aud"]; has {
		switch a := v.(type) {
		case string:
		case []any:
			for _, e := range a {
				if _, ok := e.(string); !ok {
					return &JWTError{Member: "aud", Detail: "claim must be a string or a list of strings"}
				}
			}
		default:
			return &JWTError{Member: "aud", Detail: "claim must be a string or a list of strings"}
		}
	}
	for _, k := range []string{"exp", "nbf", "iat"} {
		if v, has := c[k]; has {
			if _, ok := numericDate(v); !ok {
				return &JWTError{Member: k, Detail: "claim must be a NumericDate (seconds since 1970)"}
			}
		}
	}
	return nil
}

func numericDate(v any) (time.Time, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1<<40 {
		return time.Time{}, false
	}
	return time.Unix(int64(math.Floor(f)), 0), true
}

// verifyHolderJWT verifies a presentation JWT's signature with the key its
// kid names, dereferenced through pv's resolver for the authentication
// relationship, requires that key to be the holder's (and iss, when
// present, to be the holder), and checks exp, nbf and iat against pv's
// clock.
func verifyHolderJWT(ctx context.Context, p *Presentation, pv *proof.Verifier) HolderProof {
	hp := HolderProof{Holder: p.Holder}
	j := p.JWT
	alg, _ := j.Header["alg"].(string)
	kid, _ := j.Header["kid"].(string)
	res := proof.ProofResult{Type: "JWT", Cryptosuite: alg, VerificationMethod: kid, Purpose: proof.PurposeAuthentication}
	fail := func(err error) HolderProof {
		res.Status, res.Err = proof.StatusFailed, err
		hp.Proofs = []proof.ProofResult{res}
		hp.Err = &HolderProofError{Err: err}
		return hp
	}
	if err := checkAlgorithm(pv, alg); err != nil {
		return fail(err)
	}
	vm, err := did.Dereference(ctx, pv.Resolver, kid, did.Authentication)
	if err != nil {
		return fail(err)
	}
	pub, err := vm.PublicKey()
	if err != nil {
		return fail(err)
	}
	res.Controller = vm.Controller
	parts := strings.Split(j.Token, ".")
	sig, err := base64.RawURLEncoding.Strict().DecodeString(parts[2])
	if err != nil {
		return fail(fmt.Errorf("%w: the signature is not base64url", proof.ErrMalformedToken))
	}
	if err := verifyJWS(alg, pub, []byte(j.Token[:len(parts[0])+1+len(parts[1])]), sig); err != nil {
		return fail(err)
	}
	if err := checkJWTTimes(j.Claims, pv); err != nil {
		return fail(err)
	}
	if hp.Holder == "" {
		hp.Holder = vm.Controller
	}
	res.Status = proof.StatusVerified
	hp.Proofs = []proof.ProofResult{res}
	if vm.Controller != hp.Holder {
		hp.Err = fmt.Errorf("%w: the JWT was signed with %q, a key of %q, not of the holder %q", ErrHolderMismatch, kid, vm.Controller, hp.Holder)
		return hp
	}
	if iss, has := j.Claims["iss"]; has && iss != hp.Holder {
		hp.Err = fmt.Errorf("%w: the JWT's iss %q is not the holder %q", ErrHolderMismatch, iss, hp.Holder)
	}
	return hp
}

// checkAlgorithm applies pv's algorithm allow-list (nil: the proof
// package's default); "none" and HMAC are never accepted.
func checkAlgorithm(pv *proof.Verifier, alg string) error {
	allowed := pv.AllowedAlgorithms
	if allowed == nil {
		allowed = proof.DefaultAlgorithms()
	}
	if alg == "" || strings.EqualFold(alg, "none") || strings.HasPrefix(strings.ToUpper(alg), "HS") ||
		!slices.Contains(allowed, proof.Algorithm(alg)) {
		return fmt.Errorf("%w: alg %q", proof.ErrAlgorithmNotAllowed, alg)
	}
	return nil
}

// checkJWTTimes checks exp, nbf and iat against pv's clock and skew.
func checkJWTTimes(claims map[string]any, pv *proof.Verifier) error {
	now := time.Now()
	if pv.Now != nil {
		now = pv.Now()
	}
	skew := max(pv.ClockSkew, 0)
	if t, ok := numericDate(claims["exp"]); ok && now.Add(-skew).After(t) {
		return fmt.Errorf("%w: exp %s has passed", proof.ErrProofExpired, t.UTC().Format(time.RFC3339))
	}
	for _, k := range []string{"nbf", "iat"} {
		if t, ok := numericDate(claims[k]); ok && t.After(now.Add(skew)) {
			return fmt.Errorf("%w: %s %s is in the future", proof.ErrProofNotYetValid, k, t.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// verifyJWS verifies a JWS signature (RFC 7518: EdDSA, ES256, ES384 with
// r||s, RS256) with a key that must be of alg's kind.
func verifyJWS(alg string, pub crypto.PublicKey, input, sig []byte) error {
	mismatch := func(kind string) error {
		return fmt.Errorf("%w: alg %s with a %s key", proof.ErrKeyMismatch, alg, kind)
	}
	invalid := fmt.Errorf("%w: the presentation JWT's signature does not verify", proof.ErrSignatureInvalid)
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if alg != string(proof.EdDSA) {
			return mismatch("Ed25519")
		}
		if len(k) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize || !ed25519.Verify(k, input, sig) {
			return invalid
		}
		return nil
	case *ecdsa.PublicKey:
		var want proof.Algorithm
		var h crypto.Hash
		var size int
		switch {
		case k.Curve == elliptic.P256():
			want, h, size = proof.ES256, crypto.SHA256, 32
		case k.Curve == elliptic.P384():
			want, h, size = proof.ES384, crypto.SHA384, 48
		default:
			return mismatch("ECDSA (unsupported curve)")
		}
		if alg != string(want) {
			return mismatch(k.Curve.Params().Name)
		}
		if len(sig) != 2*size {
			return invalid
		}
		d := h.New()
		d.Write(input)
		r, s := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
		if !ecdsa.Verify(k, d.Sum(nil), r, s) {
			return invalid
		}
		return nil
	case *rsa.PublicKey:
		if alg != string(proof.RS256) {
			return mismatch("RSA")
		}
		if k.N == nil || k.N.BitLen() < 2048 {
			return fmt.Errorf("%w: RSA keys under 2048 bits are refused", proof.ErrInvalidKey)
		}
		d := crypto.SHA256.New()
		d.Write(input)
		if rsa.VerifyPKCS1v15(k, crypto.SHA256, d.Sum(nil), sig) != nil {
			return invalid
		}
		return nil
	}
	return fmt.Errorf("%w: unsupported key %T", proof.ErrInvalidKey, pub)
}

// SignJWT builds the VC 2.0 VerifiablePresentation that [Sign] builds
// and secures it as a presentation JWT (VC-JOSE-COSE): the header
// {"alg", "kid": the key's verification method, "typ": "vp+jwt"}, the
// presentation as the payload with the claims nonce (the challenge), aud
// (the domain), iat (Created, or now) and, when Expires is set, exp. The
// key must be the holder's authentication key: a verifier resolves it from
// kid. Put the token in an EnvelopedVerifiablePresentation with
// [EnvelopePresentation] where a JSON-LD object is needed.
func SignJWT(ctx context.Context, key proof.Key, credentials [][]byte, o *SignOptions) (string, error) {
	if ctx == nil {
		return "", errors.New("presentation: nil context")
	}
	opt, doc, err := build(key, credentials, o)
	if err != nil {
		return "", err
	}
	alg, err := jwsAlgorithm(key.Signer.Public())
	if err != nil {
		return "", err
	}
	unsigned, err := encodeJSON(doc)
	if err != nil {
		return "", err
	}
	proc := opt.Processor
	if proc == nil {
		proc = vc.NewProcessor(nil)
	}
	check, err := jsonx.Parse(unsigned, nil)
	if err != nil {
		return "", err
	}
	if err := proc.Check(ctx, check); err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidArgument, err)
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	iat := opt.Created
	if iat.IsZero() {
		iat = now()
	}
	doc.Nonce, doc.Aud, doc.Iat = opt.Challenge, opt.Domain, iat.Unix()
	if !opt.Expires.IsZero() {
		doc.Exp = opt.Expires.Unix()
	}
	payload, err := encodeJSON(doc)
	if err != nil {
		return "", err
	}
	header, err := encodeJSON(struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
		Typ string `json:"typ"`
	}{string(alg), key.VerificationMethod, TypVPJWT})
	if err != nil {
		return "", err
	}
	b64 := base64.RawURLEncoding
	input := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	sig, err := signJWS(ctx, key.Signer, alg, []byte(input))
	if err != nil {
		return "", err
	}
	return input + "." + b64.EncodeToString(sig), nil
}

// jwsAlgorithm is the JWS algorithm of a public key.
func jwsAlgorithm(pub crypto.PublicKey) (proof.Algorithm, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return proof.EdDSA, nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return proof.ES256, nil
		case elliptic.P384():
			return proof.ES384, nil
		}
	case *rsa.PublicKey:
		return proof.RS256, nil
	}
	return "", fmt.Errorf("%w: unsupported key %T for a presentation JWT", ErrInvalidArgument, pub)
}

// signJWS signs input with s: plain Ed25519, ECDSA as r||s, RSA PKCS#1
// v1.5 with SHA-256.
func signJWS(ctx context.Context, s crypto.Signer, alg proof.Algorithm, input []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var h crypto.Hash
	switch alg {
	case proof.ES256, proof.RS256:
		h = crypto.SHA256
	case proof.ES384:
		h = crypto.SHA384
	}
	sig, err := crypto.SignMessage(s, rand.Reader, input, h)
	if err != nil {
		return nil, fmt.Errorf("%w: signing: %w", ErrInvalidArgument, err)
	}
	if alg != proof.ES256 && alg != proof.ES384 {
		return sig, nil
	}
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(sig, &rs); err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("%w: the signer returned an ECDSA signature that is not DER", ErrInvalidArgument)
	}
	size := 32
	if alg == proof.ES384 {
		size = 48
	}
	out := make([]byte, 2*size)
	rs.R.FillBytes(out[:size])
	rs.S.FillBytes(out[size:])
	return out, nil
}
