package proof

import (
	"bytes"
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/vc"
)

// JWTOptions configures [SignJWT]. The zero value is usable.
type JWTOptions struct {
	// EmbedJWK writes the public key as a "jwk" header instead of "kid"
	// (also done when the key has no VerificationMethod).
	EmbedJWK bool
	// Processor checks the credential in JSON-LD safe mode before signing
	// (nil = vc.NewProcessor(nil)).
	Processor *vc.Processor
}

// registeredClaims are the JWT claims written and checked; they are
// removed from a VC 2.0 payload to give back the credential.
var registeredClaims = []string{"iss", "sub", "nbf", "exp", "jti", "iat", "aud"}

// SignJWT signs credential as an Open Badges 3.0 VC-JWT (compact JWS). The
// header holds only "alg", "kid" (the key's VerificationMethod) or "jwk",
// and "typ":"JWT". The claims iss, sub, nbf, exp and jti are taken from the
// credential (issuer id, credentialSubject id, validFrom or issuanceDate,
// validUntil or expirationDate, id). A VC 2.0 credential is the payload,
// with the claims added first and its own members kept byte for byte; a VC
// 1.1 credential goes in the "vc" claim. alg "" chooses the algorithm of
// the key. The credential is checked in JSON-LD safe mode first. For the
// W3C VC-JOSE-COSE form (typ "vc+jwt"), see [SignVCJOSE].
func SignJWT(ctx context.Context, credential []byte, k Key, alg Algorithm, o *JWTOptions) (string, error) {
	var opt JWTOptions
	if o != nil {
		opt = *o
	}
	pub, alg, err := jwtKey(k, alg)
	if err != nil {
		return "", err
	}
	c, err := vc.Parse(credential)
	if err != nil {
		return "", errorf(ErrInvalidDocument, err, "")
	}
	proc := processorOr(opt.Processor)
	if err := proc.Check(ctx, c.Document()); err != nil {
		return "", errorf(ErrInvalidDocument, err, "")
	}
	claims, err := claimsOf(c)
	if err != nil {
		return "", err
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, credential); err != nil {
		return "", errorf(ErrInvalidDocument, err, "")
	}
	var payload bytes.Buffer
	payload.WriteByte('{')
	writeClaims(&payload, claims)
	switch c.Version() {
	case vc.Version2_0:
		for _, name := range append(slices.Clone(registeredClaims), "vc") {
			if _, ok := c.Document()[name]; ok {
				return "", errorf(ErrInvalidDocument, nil, "a VC 2.0 credential signed as a JWT cannot have a top-level %q member", name)
			}
		}
		body := compact.Bytes()[1:]
		if len(body) > 1 {
			payload.WriteByte(',')
		}
		payload.Write(body)
	case vc.Version1_1:
		payload.WriteString(`,"vc":`)
		payload.Write(compact.Bytes())
		payload.WriteByte('}')
	default:
		return "", errorf(ErrInvalidDocument, nil, "unknown VC data model version (first @context %q)", firstContext(c))
	}
	return signCompact(ctx, k, pub, alg, opt.EmbedJWK, "JWT", payload.Bytes())
}

func firstContext(c *vc.Credential) string {
	if cs := c.Contexts(); len(cs) > 0 {
		return cs[0]
	}
	return ""
}

type claimSet struct {
	iss, sub, jti string
	nbf, exp      *time.Time
}

// claimsOf reads the JWT claims a credential implies.
func claimsOf(c *vc.Credential) (*claimSet, error) {
	cl := &claimSet{iss: c.Issuer(), jti: c.ID()}
	if cl.iss == "" {
		return nil, errorf(ErrInvalidDocument, nil, "credential has no issuer id")
	}
	if subs := c.Subjects(); len(subs) == 1 {
		cl.sub, _ = subs[0]["id"].(string)
	}
	from, until := "validFrom", "validUntil"
	if c.Version() == vc.Version1_1 {
		from, until = "issuanceDate", "expirationDate"
	}
	var err error
	if cl.nbf, err = docTime(c, from); err != nil {
		return nil, err
	}
	if cl.exp, err = docTime(c, until); err != nil {
		return nil, err
	}
	return cl, nil
}

func docTime(c *vc.Credential, name string) (*time.Time, error) {
	v, ok := c.Document()[name]
	if !ok {
		return nil, nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, errorf(ErrInvalidDocument, nil, "%s is not a string", name)
	}
	t, err := vc.ParseDateTime(s)
	if err != nil {
		return nil, errorf(ErrInvalidDocument, err, "%s", name)
	}
	return &t, nil
}

func writeClaims(b *bytes.Buffer, cl *claimSet) {
	b.WriteString(`"iss":`)
	writeJSONString(b, cl.iss)
	if cl.sub != "" {
		b.WriteString(`,"sub":`)
		writeJSONString(b, cl.sub)
	}
	if cl.nbf != nil {
		b.WriteString(`,"nbf":` + strconv.FormatInt(cl.nbf.Unix(), 10))
	}
	if cl.exp != nil {
		b.WriteString(`,"exp":` + strconv.FormatInt(cl.exp.Unix(), 10))
	}
	if cl.jti != "" {
		b.WriteString(`,"jti":`)
		writeJSONString(b, cl.jti)
	}
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Truncate(b.Len() - 1)
}

// maxTokenBytes bounds the compact JWS accepted by VerifyJWT.
const maxTokenBytes = 12 << 20

// allowedHeader is the complete set of JOSE header members OB 3.0 allows,
// and cty, which only a VC-JOSE-COSE token may have (checkJOSEHeader).
var allowedHeader = []string{"alg", "kid", "jwk", "typ", "cty"}

// VerifyJWT verifies an Open Badges 3.0 VC-JWT and returns the credential
// it carries (for VC 2.0: the payload without the registered claims, its
// members' bytes unchanged; for VC 1.1: the "vc" claim) with the result.
// It also verifies a W3C VC-JOSE-COSE credential (typ "vc+jwt", see
// [SignVCJOSE]), whose payload is the VC 2.0 credential itself (a vc or vp
// claim is refused; the JWT claims it has are its own members, iss
// included, and are checked when present). It checks the header (only
// alg, kid, jwk, typ, and cty "vc" for vc+jwt; typ "JWT", "vc+jwt" or
// none), the algorithm against AllowedAlgorithms ("none" and HMAC never),
// finds the key from kid (a DID URL or HTTPS URL, through Resolver or
// KeySets) or from jwk (trusted only when bound to the issuer or
// InsecureEmbeddedJWK is set), verifies the signature, binds the key to
// the issuer, and checks that iss (required in a VC-JWT), sub, jti, nbf
// and exp agree with the credential and nbf/exp with the clock. The error
// is nil only if everything passed.
func (v *Verifier) VerifyJWT(ctx context.Context, token string) (*vc.Credential, ProofResult, error) {
	return v.VerifyJWTFor(ctx, token, nil)
}

// VerifyJWTFor is [Verifier.VerifyJWT] for a token whose credential the
// caller has already read and checked, as a verification pipeline has: it
// returns what VerifyJWT returns, and does not convert the credential to
// RDF a second time when checked is that credential (the same document,
// without a proof member) and the verifier's processor has checked it
// ([vc.Processor.CheckUnsecured]). Any other checked (nil included) is
// ignored.
func (v *Verifier) VerifyJWTFor(ctx context.Context, token string, checked *vc.Credential) (*vc.Credential, ProofResult, error) {
	r := ProofResult{Type: "JWT"}
	c, err := v.verifyJWT(ctx, token, &r, checked)
	if err != nil {
		r.Status, r.Err = StatusFailed, err
		return c, r, err
	}
	r.Status = StatusVerified
	return c, r, nil
}

func (v *Verifier) verifyJWT(ctx context.Context, token string, r *ProofResult, checked *vc.Credential) (*vc.Credential, error) {
	if len(token) > maxTokenBytes {
		return nil, errorf(ErrMalformedToken, nil, "token larger than %d bytes", maxTokenBytes)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return nil, errorf(ErrMalformedToken, nil, "not a compact JWS (three parts)")
	}
	b64 := base64.RawURLEncoding.Strict()
	hb, err := b64.DecodeString(parts[0])
	if err != nil {
		return nil, &HeaderError{Detail: "not base64url"}
	}
	hv, err := jsonx.Parse(hb, nil)
	if err != nil {
		return nil, &HeaderError{Detail: err.Error()}
	}
	h, ok := hv.(map[string]any)
	if !ok {
		return nil, &HeaderError{Detail: "not a JSON object"}
	}
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !slices.Contains(allowedHeader, name) {
			return nil, &HeaderError{Member: name, Detail: "not allowed (only alg, kid, jwk, typ)"}
		}
	}
	algName, ok := h["alg"].(string)
	if !ok {
		return nil, &HeaderError{Member: "alg", Detail: "missing or not a string"}
	}
	alg := Algorithm(algName)
	r.Cryptosuite = algName
	if err := v.checkAlgorithm(alg); err != nil {
		return nil, err
	}
	form, err := jwtFormOf(h)
	if err != nil {
		return nil, err
	}
	if err := checkJOSEHeader(h, form); err != nil {
		return nil, err
	}
	if parts[2] == "" {
		return nil, errorf(ErrMalformedToken, nil, "empty signature")
	}
	kid, hasKid := h["kid"]
	jwkv, hasJWK := h["jwk"]
	if !hasKid && !hasJWK {
		return nil, &HeaderError{Detail: "neither kid nor jwk"}
	}
	if hasKid {
		s, ok := kid.(string)
		if !ok || s == "" {
			return nil, &HeaderError{Member: "kid", Detail: "not a non-empty string"}
		}
		r.VerificationMethod = s
	}
	var embedded crypto.PublicKey
	if hasJWK {
		if _, ok := jwkv.(map[string]any); !ok {
			return nil, &HeaderError{Member: "jwk", Detail: "not an object"}
		}
		raw, _ := memberValue(hb, "jwk")
		embedded, err = did.ParsePublicJWK(raw)
		if err != nil {
			return nil, &HeaderError{Member: "jwk", Detail: err.Error()}
		}
	}
	// Payload and credential.
	pb, err := b64.DecodeString(parts[1])
	if err != nil {
		return nil, errorf(ErrMalformedToken, nil, "payload is not base64url")
	}
	pv, err := jsonx.Parse(pb, nil)
	if err != nil {
		return nil, errorf(ErrMalformedToken, err, "payload")
	}
	claims, ok := pv.(map[string]any)
	if !ok {
		return nil, errorf(ErrMalformedToken, nil, "payload is not a JSON object")
	}
	// The credential is taken from the parsed payload, with its own bytes,
	// rather than read a second time.
	var c *vc.Credential
	if form == formVCJOSE {
		c, err = joseCredential(pb, claims)
	} else {
		c, err = vcJWTCredential(pb, claims)
	}
	if err != nil {
		return nil, err
	}
	issuer := c.Issuer()
	// Key.
	var pub crypto.PublicKey
	switch {
	case hasKid:
		rk, err := v.jwtKey(ctx, r.VerificationMethod, issuer)
		if err != nil {
			return c, err
		}
		r.Controller = rk.controller
		if !v.InsecureSkipIssuerBinding && rk.controller != issuer {
			return c, &IssuerMismatchError{Issuer: issuer, Controller: rk.controller, VerificationMethod: r.VerificationMethod}
		}
		if embedded != nil && !publicEqual(embedded, rk.pub) {
			return c, &HeaderError{Member: "jwk", Detail: "differs from the key named by kid"}
		}
		pub = rk.pub
	default:
		bound, err := v.boundToIssuer(ctx, embedded, issuer)
		if err != nil {
			return c, err
		}
		if bound {
			r.Controller = issuer
		} else if !v.InsecureEmbeddedJWK {
			return c, errorf(ErrNotAuthorized, nil, "the jwk header key is not bound to the issuer %q", issuer)
		}
		pub = embedded
	}
	if algorithmFor(kindOf(pub)) != alg {
		return c, errorf(ErrKeyMismatch, nil, "algorithm %s with a %s key", alg, describeKey(pub))
	}
	// The JWS signing input is the token up to its second dot; the
	// signature is base64url without padding: r||s for ECDSA (what
	// verifySignature takes), PKCS#1 v1.5 for RS256, plain for EdDSA.
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return c, errorf(ErrMalformedToken, nil, "signature is not base64url")
	}
	if !verifySignature(pub, []byte(token[:len(parts[0])+1+len(parts[1])]), sig) {
		return c, errorf(ErrSignatureInvalid, nil, "JWS signature does not verify")
	}
	// The signature covers the bytes, but the credential means its
	// JSON-LD graph: the payload must be in the strict compact form, so
	// that the members read from it are what a JSON-LD reader sees.
	if proc := processorOr(v.Processor); !alreadyChecked(proc, checked, c) {
		if err := proc.Check(ctx, c.Document()); err != nil {
			return c, errorf(ErrInvalidDocument, err, "JSON-LD")
		}
	}
	// A VC-JOSE-COSE payload is the credential: the JWT claims it has are
	// its own members, checked when present; an OB VC-JWT must carry iss.
	return c, v.checkClaims(c, claims, form == formVCJWT)
}

// alreadyChecked reports whether proc has checked checked's document
// (CheckUnsecured, of a document without a proof member: the whole of
// it) and c's document is the same, so that proc.Check of c would give
// the same answer.
func alreadyChecked(proc *vc.Processor, checked, c *vc.Credential) bool {
	if checked == nil || !proc.CheckedUnsecured(checked) {
		return false
	}
	if _, ok := checked.Document()["proof"]; ok {
		return false
	}
	return jsonEqual(checked.Document(), c.Document())
}

// jsonEqual reports whether two parsed JSON values are the same (the
// types the strict reader produces; any other type is never equal).
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !jsonEqual(xv, yv) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case string:
		y, ok := b.(string)
		return ok && x == y
	case json.Number:
		y, ok := b.(json.Number)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case nil:
		return b == nil
	}
	return false
}

// vcJWTCredential returns the credential of an Open Badges VC-JWT payload:
// the "vc" claim (VC 1.1), or the payload without the registered claims
// (VC 2.0), with its own bytes.
func vcJWTCredential(pb []byte, claims map[string]any) (*vc.Credential, error) {
	var credBytes []byte
	var credValue any
	if vcv, ok := claims["vc"]; ok {
		if _, ok := vcv.(map[string]any); !ok {
			return nil, errorf(ErrMalformedToken, nil, "vc claim is not an object")
		}
		credBytes, _ = memberValue(pb, "vc")
		credValue = vcv
	} else {
		drop := make(map[string]bool, len(registeredClaims))
		for _, n := range registeredClaims {
			drop[n] = true
		}
		var err error
		if credBytes, err = withoutMembers(pb, drop); err != nil {
			return nil, errorf(ErrMalformedToken, err, "payload")
		}
		doc := make(map[string]any, len(claims))
		for name, val := range claims {
			if !drop[name] {
				doc[name] = val
			}
		}
		credValue = doc
	}
	c, err := vc.FromValue(credBytes, credValue)
	if err != nil {
		return nil, errorf(ErrMalformedToken, err, "credential")
	}
	if _, ok := claims["vc"]; ok && c.Version() != vc.Version1_1 {
		return nil, errorf(ErrMalformedToken, nil, "vc claim holds a credential that is not VC 1.1")
	}
	if _, ok := claims["vc"]; !ok && c.Version() != vc.Version2_0 {
		return nil, errorf(ErrMalformedToken, nil, "payload is not a VC 2.0 credential and has no vc claim")
	}
	return c, nil
}

func (v *Verifier) checkAlgorithm(alg Algorithm) error {
	switch {
	case alg == "" || strings.EqualFold(string(alg), "none"):
		return errorf(ErrAlgorithmNotAllowed, nil, "alg %q: unsecured JWTs are never accepted", alg)
	case strings.HasPrefix(strings.ToUpper(string(alg)), "HS"):
		return errorf(ErrAlgorithmNotAllowed, nil, "alg %q: HMAC is never accepted with public keys", alg)
	case !supportedAlgorithm(alg):
		return errorf(ErrAlgorithmNotAllowed, nil, "alg %q is not supported", alg)
	}
	// Every supported algorithm is in the default list.
	if v.AllowedAlgorithms != nil && !slices.Contains(v.AllowedAlgorithms, alg) {
		return errorf(ErrAlgorithmNotAllowed, nil, "alg %q is not in the verifier's allow-list", alg)
	}
	return nil
}

// supportedAlgorithm reports whether this package verifies alg.
func supportedAlgorithm(a Algorithm) bool {
	switch a {
	case EdDSA, ES256, ES384, RS256:
		return true
	}
	return false
}

// jwtKey finds the key named by a JWT kid: from the issuer's JWK Set when
// the kid is an HTTPS URL and KeySets is set, else as a verification
// method under assertionMethod.
func (v *Verifier) jwtKey(ctx context.Context, kid, issuer string) (*resolvedKey, error) {
	if v.KeySets != nil && strings.HasPrefix(kid, "https://") {
		iu, err := url.Parse(issuer)
		if err != nil || iu.Scheme != "https" || iu.Host == "" {
			return nil, errorf(ErrKeyNotFound, nil, "kid %q is an HTTPS URL but the issuer %q is not", kid, issuer)
		}
		setURL := "https://" + iu.Host + "/.well-known/jwks.json"
		set, err := v.KeySets.FetchKeySet(ctx, setURL)
		if err != nil {
			return nil, errorf(ErrKeyNotFound, err, "fetching %q", setURL)
		}
		j, ok := set.Key(kid)
		if !ok {
			return nil, errorf(ErrKeyNotFound, nil, "kid %q is not in %q", kid, setURL)
		}
		if j.IsPrivate() {
			return nil, errorf(ErrKeyNotFound, nil, "kid %q in %q holds private key members", kid, setURL)
		}
		if raw, ok := j.Extra["iss"]; ok {
			var iss string
			if json.Unmarshal(raw, &iss) != nil || iss != issuer {
				return nil, &IssuerMismatchError{Issuer: issuer, Controller: string(raw), VerificationMethod: kid}
			}
		}
		pub, err := j.PublicKey()
		if err != nil {
			return nil, errorf(ErrKeyNotFound, err, "kid %q", kid)
		}
		return &resolvedKey{pub: pub, controller: issuer}, nil
	}
	return v.resolveKey(ctx, kid, did.AssertionMethod)
}

// boundToIssuer reports whether pub is an assertion key of the issuer's
// DID document (as for a did:key or did:jwk issuer).
func (v *Verifier) boundToIssuer(ctx context.Context, pub crypto.PublicKey, issuer string) (bool, error) {
	if !strings.HasPrefix(issuer, "did:") {
		return false, nil
	}
	doc, err := v.resolver().Resolve(ctx, issuer)
	if err != nil || doc == nil {
		return false, nil
	}
	for _, ref := range doc.AssertionMethod {
		vm := ref.Embedded
		if vm == nil {
			vm = doc.VerificationMethodByID(ref.ID)
		}
		if vm == nil || (vm.Controller != "" && vm.Controller != doc.ID) {
			continue
		}
		if k, err := vm.PublicKey(); err == nil && publicEqual(k, pub) {
			return true, nil
		}
	}
	return false, nil
}

func publicEqual(a, b crypto.PublicKey) bool {
	eq, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(b)
}

// checkClaims compares the registered claims with the credential.
func (v *Verifier) checkClaims(c *vc.Credential, claims map[string]any, issRequired bool) error {
	want, err := claimsOf(c)
	if err != nil {
		return errorf(ErrClaimMismatch, err, "credential")
	}
	str := func(name, field, credVal string, required bool) error {
		got, present := claims[name]
		if !present {
			if required {
				return &ClaimMismatchError{Claim: name, Field: field, Credential: credVal}
			}
			return nil
		}
		s, ok := got.(string)
		if !ok || s != credVal {
			return &ClaimMismatchError{Claim: name, Field: field, Token: fmt.Sprint(got), Credential: credVal}
		}
		return nil
	}
	if err := str("iss", "issuer id", want.iss, issRequired); err != nil {
		return err
	}
	if err := str("sub", "credentialSubject id", want.sub, false); err != nil {
		return err
	}
	if err := str("jti", "id", want.jti, false); err != nil {
		return err
	}
	from, until := "validFrom", "validUntil"
	if c.Version() == vc.Version1_1 {
		from, until = "issuanceDate", "expirationDate"
	}
	now, skew := v.now(), v.skew()
	nbf, err := numericDate(claims, "nbf", from, want.nbf)
	if err != nil {
		return err
	}
	if nbf != nil && nbf.After(now.Add(skew)) {
		return errorf(ErrProofNotYetValid, nil, "nbf %s is in the future", nbf.UTC().Format(time.RFC3339))
	}
	exp, err := numericDate(claims, "exp", until, want.exp)
	if err != nil {
		return err
	}
	if exp != nil && now.Add(-skew).After(*exp) {
		return errorf(ErrProofExpired, nil, "exp %s has passed", exp.UTC().Format(time.RFC3339))
	}
	return nil
}

// numericDate reads a NumericDate claim and checks it against the
// credential field it mirrors (to the second).
func numericDate(claims map[string]any, name, field string, credVal *time.Time) (*time.Time, error) {
	raw, ok := claims[name]
	if !ok {
		return nil, nil
	}
	credText := ""
	if credVal != nil {
		credText = credVal.UTC().Format(time.RFC3339)
	}
	n, ok := raw.(json.Number)
	if !ok {
		return nil, &ClaimMismatchError{Claim: name, Field: field, Token: fmt.Sprint(raw), Credential: credText}
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1<<40 {
		return nil, &ClaimMismatchError{Claim: name, Field: field, Token: string(n), Credential: credText}
	}
	t := time.Unix(int64(math.Floor(f)), 0)
	if credVal == nil || credVal.Unix() != t.Unix() {
		return nil, &ClaimMismatchError{Claim: name, Field: field, Token: t.UTC().Format(time.RFC3339), Credential: credText}
	}
	return &t, nil
}

// KeySetFetcher fetches a JWK Set (the issuer's
// /.well-known/jwks.json) for VC-JWT key discovery.
type KeySetFetcher interface {
	FetchKeySet(ctx context.Context, url string) (*did.JWKSet, error)
}

// HTTPKeySets fetches JWK Sets over HTTPS through [did.JWKSFetcher], with
// its network rules: https only, bounded size, time and redirects, JSON
// content types, and by default a guard that refuses loopback, private,
// link-local and multicast addresses. It is safe for concurrent use once
// configured (do not copy it after first use). It does no caching.
type HTTPKeySets struct {
	// Client makes the requests (nil = a private client; never
	// http.DefaultClient).
	Client *http.Client
	// MaxBytes bounds the response body (0 = the did package's default).
	MaxBytes int64
	// Timeout bounds each fetch (0 = the did package's default).
	Timeout time.Duration
	// AllowPrivateAddresses turns the address guard off (tests that serve
	// keys from httptest; never in production).
	AllowPrivateAddresses bool

	once sync.Once
	f    *did.JWKSFetcher
}

// FetchKeySet implements [KeySetFetcher].
func (h *HTTPKeySets) FetchKeySet(ctx context.Context, u string) (*did.JWKSet, error) {
	h.once.Do(func() {
		h.f = &did.JWKSFetcher{Client: h.Client, MaxBytes: h.MaxBytes, Timeout: h.Timeout, AllowPrivateAddresses: h.AllowPrivateAddresses}
	})
	return h.f.FetchSet(ctx, u)
}

// signCompact writes the JWS header (alg, the key as kid, or as jwk when
// embedJWK or the key has no verification method, typ), signs header and
// payload with k and returns the compact JWS.
func signCompact(ctx context.Context, k Key, pub crypto.PublicKey, alg Algorithm, embedJWK bool, typ string, payload []byte) (string, error) {
	var header bytes.Buffer
	header.WriteString(`{"alg":`)
	writeJSONString(&header, string(alg))
	if embedJWK || k.VerificationMethod == "" {
		j, err := did.NewJWK(pub)
		if err != nil {
			return "", errorf(ErrInvalidKey, err, "")
		}
		jb, err := json.Marshal(j)
		if err != nil {
			return "", errorf(ErrInvalidKey, err, "")
		}
		header.WriteString(`,"jwk":`)
		header.Write(jb)
	} else {
		header.WriteString(`,"kid":`)
		writeJSONString(&header, k.VerificationMethod)
	}
	header.WriteString(`,"typ":`)
	writeJSONString(&header, typ)
	header.WriteString(`}`)
	b64 := base64.RawURLEncoding
	input := b64.EncodeToString(header.Bytes()) + "." + b64.EncodeToString(payload)
	sig, err := signMessage(ctx, k.Signer, []byte(input))
	if err != nil {
		return "", err
	}
	return input + "." + b64.EncodeToString(sig), nil
}

// jwtKey checks a signing key for a JWT and returns its public key and
// the algorithm (alg "" chooses the key's).
func jwtKey(k Key, alg Algorithm) (crypto.PublicKey, Algorithm, error) {
	if k.Signer == nil {
		return nil, "", errorf(ErrInvalidKey, nil, "no signer")
	}
	pub := k.Signer.Public()
	kind := kindOf(pub)
	if kind == kindUnknown {
		return nil, "", errorf(ErrInvalidKey, nil, "unsupported key %s", describeKey(pub))
	}
	if alg == "" {
		alg = algorithmFor(kind)
	}
	if algorithmFor(kind) != alg {
		return nil, "", errorf(ErrInvalidKey, nil, "algorithm %s cannot be used with a %s key", alg, kind)
	}
	return pub, alg, nil
}
