package ob2

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/internal/budget"
	"github.com/openbadges-go/openbadges/internal/jsonld"
	"github.com/openbadges-go/openbadges/internal/jsonx"
	"github.com/openbadges-go/openbadges/vc"
)

// The families of this package's results.
const (
	// Family is an Open Badges 2.0 assertion.
	Family badge.Family = "OpenBadges2Assertion"
	// FamilyBadgeClass, FamilyProfile and FamilyEndorsement are 2.0 Badge
	// Objects verified on their own; FamilyDocument any other 2.0
	// document (an AlignmentObject, an extension class), which is only
	// checked for its context and types.
	FamilyBadgeClass  badge.Family = "OpenBadges2BadgeClass"
	FamilyProfile     badge.Family = "OpenBadges2Profile"
	FamilyEndorsement badge.Family = "OpenBadges2Endorsement"
	FamilyDocument    badge.Family = "OpenBadges2Document"
)

// Checks of Open Badges 2.0 only (the others are badge's).
const (
	// CheckHosted: the hosted assertion fetched from its id is the
	// assertion (HostedBadge verification).
	CheckHosted badge.CheckID = "hosted_verification"
	// CheckBadgeClass: the BadgeClass is valid.
	CheckBadgeClass badge.CheckID = "badge_class"
	// CheckExtensions: every extension node is valid.
	CheckExtensions badge.CheckID = "extensions"
)

// Options configure a Verifier. The zero value is safe: guarded HTTPS
// fetches, the default budget, the embedded contexts.
type Options struct {
	// Fetcher fetches linked documents (nil: NewHTTPFetcher(HTTPFetcher{})).
	Fetcher Fetcher
	// Resources serve documents by URL before (or, with Offline, instead
	// of) the network: hosted assertions, BadgeClasses, Profiles, keys,
	// revocation lists, endorsements.
	Resources map[string][]byte
	// Offline forbids every fetch: only Resources are read.
	Offline bool
	// Now is the clock (nil: time.Now); ClockSkew the tolerance of issuedOn
	// and expires (0: vc.DefaultClockSkew).
	Now       func() time.Time
	ClockSkew time.Duration
	// Budget bounds one verification (a budget in ctx is shared instead).
	Budget badge.Budget
	// MaxInputBytes bounds the input (0: badge.DefaultMaxImageBytes);
	// MaxDocumentBytes one linked document (0: DefaultMaxDocumentBytes).
	MaxInputBytes    int64
	MaxDocumentBytes int64
	// MaxEndorsements bounds the endorsements followed (0: 16).
	MaxEndorsements int
}

// Verifier verifies Open Badges 2.0 assertions (and Badge Objects). It is
// safe for concurrent use.
type Verifier struct {
	o        Options
	fetcher  Fetcher
	ld       *jsonld.Processor
	maxBytes int64
}

// NewVerifier checks the options and returns a Verifier.
func NewVerifier(o Options) (*Verifier, error) {
	if o.Offline && o.Fetcher != nil {
		return nil, &badge.OptionsError{Option: "Offline", Reason: "contradicts a Fetcher"}
	}
	if o.MaxInputBytes < 0 || o.MaxDocumentBytes < 0 || o.MaxEndorsements < 0 || o.ClockSkew < 0 {
		return nil, &badge.OptionsError{Option: "Max*", Reason: "limits must not be negative"}
	}
	v := &Verifier{o: o, fetcher: o.Fetcher, maxBytes: o.MaxDocumentBytes}
	if v.o.Now == nil {
		v.o.Now = time.Now
	}
	if v.o.ClockSkew == 0 {
		v.o.ClockSkew = vc.DefaultClockSkew
	}
	if v.o.MaxInputBytes == 0 {
		v.o.MaxInputBytes = badge.DefaultMaxImageBytes
	}
	if v.maxBytes == 0 {
		v.maxBytes = DefaultMaxDocumentBytes
	}
	if v.o.MaxEndorsements == 0 {
		v.o.MaxEndorsements = 16
	}
	if v.fetcher == nil && !o.Offline {
		v.fetcher = NewHTTPFetcher(HTTPFetcher{MaxBytes: v.maxBytes})
	}
	if _, err := embeddedContexts(); err != nil {
		return nil, err
	}
	v.ld = jsonld.NewProcessor(jsonld.LoaderFunc(loadContext), &jsonld.Options{MaxQuads: 20_000, MaxContexts: 16})
	return v, nil
}

// Verify verifies an Open Badges 2.0 assertion given as JSON, a compact
// JWS, a URL (hosted), or a baked PNG or SVG; or a BadgeClass, Profile or
// Endorsement given as JSON. The result lists every check; the error is
// nil only when every check passed, else a *badge.VerificationError. Only
// a nil ctx gives a nil result.
func (v *Verifier) Verify(ctx context.Context, data []byte) (*badge.VerificationResult, error) {
	return v.VerifyWith(ctx, data, nil)
}

// VerifyWith is Verify with per-call options: Recipient is matched against
// the assertion's recipient (the other fields do not apply to 2.0).
func (v *Verifier) VerifyWith(ctx context.Context, data []byte, o *badge.VerifyOptions) (*badge.VerificationResult, error) {
	if ctx == nil {
		return nil, errors.New("ob2: nil context")
	}
	var opts badge.VerifyOptions
	if o != nil {
		opts = *o
	}
	ctx, b, _, cancel := budget.Start(ctx, budget.Limits{Fetches: v.o.Budget.MaxFetches, Bytes: v.o.Budget.MaxBytes, Time: v.o.Budget.MaxTime, Credentials: v.o.Budget.MaxCredentials})
	defer cancel()
	r := &run{v: v, ctx: ctx, b: b, res: &badge.VerificationResult{Family: Family, Input: badge.InputJSON}, cache: map[string]*Response{}, opts: opts}
	r.verify(data)
	return r.finish()
}

// run is the state of one verification.
type run struct {
	v     *Verifier
	ctx   context.Context
	b     *budget.Budget
	res   *badge.VerificationResult
	opts  badge.VerifyOptions
	cache map[string]*Response
	docs  int

	a        *Assertion
	in       *input
	hosted   *Response // the hosted copy
	ld       ldResult
	endorsed []*Document
}

const maxDocuments = 64

func (r *run) add(id badge.CheckID, st badge.CheckStatus, err error, detail string) {
	r.res.Checks = append(r.res.Checks, badge.Check{ID: id, Status: st, Err: err, Detail: detail})
}

func (r *run) failed() bool { return len(r.res.Failed()) > 0 }

func (r *run) skipRest(ids ...badge.CheckID) {
	for _, id := range ids {
		r.add(id, badge.Skipped, nil, "not checked: an earlier check failed")
	}
}

func (r *run) finish() (*badge.VerificationResult, error) {
	r.res.Verified = !r.failed()
	if f := r.res.Failed(); len(f) > 0 {
		return r.res, &badge.VerificationError{Checks: f}
	}
	return r.res, nil
}

// get fetches (once per verification) a linked document.
func (r *run) get(u string) (*Response, error) {
	if c, ok := r.cache[u]; ok {
		return c, nil
	}
	if r.docs++; r.docs > maxDocuments {
		return nil, &FetchError{URL: u, Err: fmt.Errorf("more than %d linked documents", maxDocuments)}
	}
	if _, ok := r.v.o.Resources[u]; ok {
		if err := r.b.Fetch(u); err != nil {
			return nil, &FetchError{URL: u, Err: err}
		}
		if err := r.b.Bytes(int64(len(r.v.o.Resources[u]))); err != nil {
			return nil, &FetchError{URL: u, Err: err}
		}
	}
	resp, err := r.v.fetch(r.ctx, u)
	if err != nil {
		return nil, err
	}
	r.cache[u] = resp
	return resp, nil
}

// parseDoc reads a document strictly.
func parseDoc(b []byte, where string) (map[string]any, error) {
	v, err := jsonx.Parse(b, &jsonx.Limits{MaxBytes: maxJSONBytes})
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, where, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: %s is not a JSON object", ErrMalformed, where)
	}
	return m, nil
}

// load fetches a linked document and checks it: JSON, context, JSON-LD
// safe mode, types (one of want, when given) and class members.
func (r *run) load(u string, want ...string) (*Document, error) {
	if !isIRI(u) {
		return nil, fmt.Errorf("%w: %q is not an IRI", ErrMalformed, u)
	}
	resp, err := r.get(u)
	if err != nil {
		return nil, err
	}
	if resp.Status != http.StatusOK {
		return nil, &FetchError{URL: u, Status: resp.Status}
	}
	m, err := parseDoc(resp.Body, u)
	if err != nil {
		return nil, err
	}
	d := &Document{URL: resp.URL, JSON: m}
	return d, r.checkDoc(d, u, want...)
}

// checkDoc checks an already parsed document (fetched or embedded).
func (r *run) checkDoc(d *Document, where string, want ...string) error {
	m := d.JSON
	if _, ok := m["@context"]; ok {
		if err := checkContextMember(m); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if _, err := r.v.checkLD(r.ctx, m); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	d.ID = str(m, "id")
	types, err := checkTypes(where, m, len(want) > 0)
	if err != nil {
		return err
	}
	d.Types = types
	if len(want) > 0 {
		var names []string
		for _, w := range want {
			names = append(names, classNames(w)...)
		}
		if !hasType(types, names...) {
			return malformed(where, "$.type", "%q is not one of %q", types, want)
		}
	}
	return validateClass(where, m, types)
}

// verify is the pipeline.
func (r *run) verify(data []byte) {
	if int64(len(data)) > r.v.o.MaxInputBytes {
		r.add(badge.CheckParse, badge.Failed, fmt.Errorf("%w: input larger than %d bytes", badge.ErrTooLarge, r.v.o.MaxInputBytes), "")
		return
	}
	in, err := decodeInput(data, r.v.o.MaxInputBytes)
	if err != nil {
		r.add(badge.CheckParse, badge.Failed, fmt.Errorf("%w: %v", ErrNotOB2, err), "")
		return
	}
	r.in = in
	r.res.Input = in.format
	raw := in.json
	detail := "Open Badges 2.0 " + string(in.format)
	if in.url != "" {
		resp, err := r.get(in.url)
		if err != nil {
			r.add(badge.CheckParse, badge.Failed, err, "")
			return
		}
		if resp.Status == http.StatusGone {
			r.add(badge.CheckParse, badge.Failed, fmt.Errorf("%w: %q answers 410 Gone", ErrRevoked, in.url), "")
			return
		}
		in2, err := decodeText(resp.Body)
		if err != nil || in2.json == nil {
			r.add(badge.CheckParse, badge.Failed, fmt.Errorf("%w: %q does not serve a 2.0 document", ErrNotOB2, in.url), "")
			return
		}
		r.hosted = resp
		raw, in.jws = in2.json, in2.jws
		detail = "fetched from " + in.url
	}
	m, err := parseDoc(raw, "input")
	if err != nil {
		r.add(badge.CheckParse, badge.Failed, err, "")
		return
	}
	r.add(badge.CheckParse, badge.Passed, nil, detail)
	doc := Document{JSON: m, ID: str(m, "id")}

	// context: the @context member, then JSON-LD safe mode.
	if err := checkContextMember(m); err != nil {
		r.add(badge.CheckContext, badge.Failed, err, "")
	} else if r.ld, err = r.v.checkLD(r.ctx, m); err != nil {
		r.add(badge.CheckContext, badge.Failed, err, "")
	} else {
		r.add(badge.CheckContext, badge.Passed, nil, "Open Badges 2.0 context, JSON-LD safe mode")
	}

	// type: the class and its members.
	types, err := checkTypes("", m, true)
	doc.Types = types
	if err == nil {
		err = validateClass("", m, types)
	}
	if err != nil {
		r.add(badge.CheckType, badge.Failed, err, "")
	} else {
		r.add(badge.CheckType, badge.Passed, nil, "type "+strings.Join(types, ", "))
	}

	switch {
	case r.ld.extErr != nil:
		r.add(CheckExtensions, badge.Failed, r.ld.extErr, "")
	case r.ld.extensions > 0:
		r.add(CheckExtensions, badge.Passed, nil, fmt.Sprintf("%d extension node(s) valid", r.ld.extensions))
	default:
		r.add(CheckExtensions, badge.Skipped, nil, "no extension nodes")
	}

	switch {
	case hasType(types, classNames("Assertion")...):
		r.res.Family = Family
		a := &Assertion{Document: doc, Raw: raw}
		r.a = a
		r.res.View = a
		if r.failed() {
			r.skipRest(CheckHosted, badge.CheckProof, CheckBadgeClass, badge.CheckIssuer, badge.CheckValidity, badge.CheckCredentialStatus, badge.CheckEndorsements, badge.CheckRecipient)
			return
		}
		r.assertion(a)
	case hasType(types, classNames("BadgeClass")...):
		r.res.Family = FamilyBadgeClass
		r.res.View = &doc
		if r.failed() {
			r.skipRest(badge.CheckIssuer, badge.CheckEndorsements)
			return
		}
		prof := r.badgeClassIssuer(&doc)
		r.endorsements([]*Document{&doc, prof}, &doc, prof)
	case hasType(types, append(classNames("Issuer"), classNames("Profile")...)...):
		r.res.Family = FamilyProfile
		r.res.View = &doc
		r.res.Issuer = doc.ID
		if r.failed() {
			r.skipRest(badge.CheckEndorsements)
			return
		}
		r.endorsements([]*Document{&doc}, &doc)
	case hasType(types, "Endorsement"):
		r.res.Family = FamilyEndorsement
		r.res.View = &doc
		if r.failed() {
			r.skipRest(badge.CheckIssuer)
			return
		}
		if err := r.endorsement(&doc, nil); err != nil {
			r.add(badge.CheckIssuer, badge.Failed, err, "")
		} else {
			r.add(badge.CheckIssuer, badge.Passed, nil, "endorsement by "+r.res.Issuer)
		}
	default:
		r.res.Family = FamilyDocument
		r.res.View = &doc
	}
}

// assertion runs the checks of an assertion after the local ones.
func (r *run) assertion(a *Assertion) {
	m := a.JSON
	a.Recipient, _ = readRecipient("", m["recipient"])
	a.IssuedOn, _ = parseDateTime(m["issuedOn"])
	if e, ok := m["expires"]; ok {
		a.Expires, _ = parseDateTime(e)
	}
	vo, _ := m["verification"].(map[string]any)
	a.Verification = verificationType(vo)
	if err := r.b.Credential(); err != nil {
		r.add(badge.CheckBudget, badge.Failed, err, "")
		return
	}

	revoked := error(nil) // a revocation found on the way
	keyURL := ""
	switch a.Verification {
	case "hosted":
		err := r.hostedCopy(a)
		if errors.Is(err, ErrRevoked) {
			revoked, err = err, nil
		}
		if err != nil {
			r.add(CheckHosted, badge.Failed, err, "")
		} else {
			r.add(CheckHosted, badge.Passed, nil, "the assertion is hosted at its id "+a.ID)
		}
		r.add(badge.CheckProof, badge.Skipped, nil, "hosted assertion: verified by fetching its id")
	case "signed":
		r.add(CheckHosted, badge.Skipped, nil, "signed assertion")
		var err error
		keyURL, err = r.signature(a, vo)
		if err != nil {
			r.add(badge.CheckProof, badge.Failed, err, "")
		} else {
			r.add(badge.CheckProof, badge.Passed, nil, r.in.jws.alg+" JWS verified with "+keyURL)
		}
	}
	if r.failed() {
		r.skipRest(CheckBadgeClass, badge.CheckIssuer, badge.CheckValidity, badge.CheckCredentialStatus, badge.CheckEndorsements, badge.CheckRecipient)
		return
	}

	// The BadgeClass.
	bc, warn, err := r.badgeClass(a)
	a.BadgeClass = bc
	switch {
	case err != nil:
		r.add(CheckBadgeClass, badge.Failed, err, "")
	case warn != nil:
		r.add(CheckBadgeClass, badge.Warning, warn, "BadgeClass "+bc.ID)
	default:
		r.add(CheckBadgeClass, badge.Passed, nil, "BadgeClass "+bc.ID)
	}
	if err != nil {
		r.skipRest(badge.CheckIssuer, badge.CheckValidity, badge.CheckCredentialStatus, badge.CheckEndorsements, badge.CheckRecipient)
		return
	}

	// The issuer: its Profile, and the binding of the assertion to it.
	prof, pwarn, err := r.issuerOf(bc)
	a.Issuer = prof
	if err == nil {
		r.res.Issuer = prof.ID
		if a.Verification == "hosted" {
			err = r.inScope(a, prof)
		} else {
			a.Key, err = r.keyLinked(keyURL, prof)
		}
	}
	switch {
	case err != nil:
		r.add(badge.CheckIssuer, badge.Failed, err, "")
	case pwarn != nil:
		r.add(badge.CheckIssuer, badge.Warning, pwarn, "issuer "+prof.ID)
	default:
		r.add(badge.CheckIssuer, badge.Passed, nil, "issuer "+prof.ID)
	}

	// Validity.
	now := r.v.o.Now()
	skew := r.v.o.ClockSkew
	switch {
	case a.IssuedOn.After(now.Add(skew)):
		r.add(badge.CheckValidity, badge.Failed, fmt.Errorf("%w: issuedOn %s is in the future", ErrNotYetValid, a.IssuedOn.Format(time.RFC3339)), "")
	case !a.Expires.IsZero() && a.Expires.Before(a.IssuedOn):
		r.add(badge.CheckValidity, badge.Failed, fmt.Errorf("%w: expires %s is before issuedOn %s", ErrExpired, a.Expires.Format(time.RFC3339), a.IssuedOn.Format(time.RFC3339)), "")
	case !a.Expires.IsZero() && now.Add(-skew).After(a.Expires):
		r.add(badge.CheckValidity, badge.Failed, fmt.Errorf("%w: expired %s", ErrExpired, a.Expires.Format(time.RFC3339)), "")
	default:
		d := "issued " + a.IssuedOn.Format(time.RFC3339)
		if !a.Expires.IsZero() {
			d += ", expires " + a.Expires.Format(time.RFC3339)
		}
		r.add(badge.CheckValidity, badge.Passed, nil, d)
	}

	if r.failed() {
		r.skipRest(badge.CheckCredentialStatus, badge.CheckEndorsements, badge.CheckRecipient)
		return
	}

	// Revocation.
	switch {
	case revoked != nil:
		r.add(badge.CheckCredentialStatus, badge.Failed, revoked, "")
	case a.Verification == "hosted":
		r.add(badge.CheckCredentialStatus, badge.Passed, nil, "the hosted assertion is not revoked")
	default:
		d, err := r.revocationList(a, prof)
		if err != nil {
			r.add(badge.CheckCredentialStatus, badge.Failed, err, "")
		} else {
			r.add(badge.CheckCredentialStatus, badge.Passed, nil, d)
		}
	}

	r.endorsements([]*Document{&a.Document, bc, prof}, &a.Document, bc, prof)
	a.Endorsements = r.endorsed

	if r.opts.Recipient == nil {
		r.add(badge.CheckRecipient, badge.Skipped, nil, "no recipient given")
	} else if err := RecipientMatches(a.Recipient, *r.opts.Recipient); err != nil {
		r.add(badge.CheckRecipient, badge.Failed, err, "")
	} else {
		r.add(badge.CheckRecipient, badge.Passed, nil, "recipient "+a.Recipient.Type+" matches")
	}
}

// hostedCopy fetches a hosted assertion from its id and makes it the
// assertion verified (the issuer's copy is authoritative: it may have been
// revoked since the copy presented was made).
func (r *run) hostedCopy(a *Assertion) error {
	if !isHTTPURL(a.ID) {
		return fmt.Errorf("%w: the id %q of a hosted assertion must be an http(s) URL", ErrHosted, a.ID)
	}
	resp := r.hosted
	if resp == nil || r.in.url != a.ID {
		var err error
		if resp, err = r.get(a.ID); err != nil {
			return fmt.Errorf("%w: %w", ErrHosted, err)
		}
	}
	if resp.Status == http.StatusGone {
		return fmt.Errorf("%w: %q answers 410 Gone", ErrRevoked, a.ID)
	}
	m, err := parseDoc(resp.Body, a.ID)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrHosted, err)
	}
	if str(m, "id") != a.ID {
		return fmt.Errorf("%w: %q serves an assertion with id %q", ErrHosted, a.ID, str(m, "id"))
	}
	hosted := &Document{URL: resp.URL, JSON: m}
	if err := r.checkDoc(hosted, a.ID, "Assertion"); err != nil {
		return fmt.Errorf("%w: the hosted copy: %w", ErrHosted, err)
	}
	a.URL = resp.URL
	if !reflect.DeepEqual(m, a.JSON) {
		a.JSON, a.Raw = m, resp.Body
		a.Recipient, _ = readRecipient(a.ID, m["recipient"])
		a.IssuedOn, _ = parseDateTime(m["issuedOn"])
		a.Expires = time.Time{}
		if e, ok := m["expires"]; ok {
			a.Expires, _ = parseDateTime(e)
		}
		if vo, _ := m["verification"].(map[string]any); verificationType(vo) != "hosted" {
			return fmt.Errorf("%w: the hosted copy is not a hosted assertion", ErrHosted)
		}
	}
	if rv, _ := m["revoked"].(bool); rv {
		reason := str(m, "revocationReason")
		return fmt.Errorf("%w: the hosted assertion says revoked: true %s", ErrRevoked, reason)
	}
	return nil
}

// signature verifies a signed assertion's JWS with the key its
// verification.creator names, and returns the key URL.
func (r *run) signature(a *Assertion, vo map[string]any) (string, error) {
	if r.in.jws == nil {
		return "", fmt.Errorf("%w: a signed assertion must be presented as its JWS", ErrSignatureInvalid)
	}
	a.JWS = string(r.in.jws.signingInput) + "." + encodeSig(r.in.jws.sig)
	keyURL := idOf(vo["creator"])
	if keyURL == "" {
		return "", fmt.Errorf("%w: verification.creator names no key", ErrKeyNotLinked)
	}
	key, err := r.load(keyURL, "CryptographicKey")
	if err != nil {
		return "", err
	}
	if key.ID != keyURL && key.ID != key.URL {
		return "", fmt.Errorf("%w: the key at %q has id %q", ErrKeyNotLinked, keyURL, key.ID)
	}
	pub, err := parsePublicKeyPEM(str(key.JSON, "publicKeyPem"))
	if err != nil {
		return "", fmt.Errorf("%w: key %q: %v", ErrSignatureInvalid, keyURL, err)
	}
	if err := r.in.jws.verify(pub); err != nil {
		return "", fmt.Errorf("key %q: %w", keyURL, err)
	}
	a.Key = key
	return keyURL, nil
}

// badgeClass fetches (or reads the embedded) BadgeClass.
func (r *run) badgeClass(a *Assertion) (*Document, error, error) {
	switch b := a.JSON["badge"].(type) {
	case map[string]any:
		d := &Document{JSON: b, ID: str(b, "id")}
		d.Types, _ = checkTypes("", b, true)
		return d, nil, nil
	case string:
		d, err := r.load(b, "BadgeClass")
		if err != nil {
			return d, nil, err
		}
		if crossSite(b, d.URL) {
			// A redirect to another site (an open redirect on the site
			// the assertion names) does not make that site's BadgeClass.
			return d, nil, fmt.Errorf("%w: the BadgeClass %q was served from %q, another site", ErrIssuerMismatch, b, d.URL)
		}
		if d.ID != b && d.ID != d.URL {
			return d, fmt.Errorf("the BadgeClass fetched from %q has id %q", b, d.ID), nil
		}
		return d, nil, nil
	}
	return nil, nil, malformed("", "$.badge", "no BadgeClass")
}

// badgeClassIssuer checks the issuer of a BadgeClass given on its own.
func (r *run) badgeClassIssuer(bc *Document) *Document {
	prof, warn, err := r.issuerOf(bc)
	switch {
	case err != nil:
		r.add(badge.CheckIssuer, badge.Failed, err, "")
		return nil
	case warn != nil:
		r.res.Issuer = prof.ID
		r.add(badge.CheckIssuer, badge.Warning, warn, "issuer "+prof.ID)
	default:
		r.res.Issuer = prof.ID
		r.add(badge.CheckIssuer, badge.Passed, nil, "issuer "+prof.ID)
	}
	return prof
}

// issuerOf fetches the issuer Profile a BadgeClass (or Endorsement) links
// and checks that it may speak for the id it declares: the id must be the
// URL it was fetched from, or on the same site (a warning), or not an
// http(s) URL at all (a warning: the Profile is then identified by where
// it was fetched). A Profile claiming an id on another site is refused.
func (r *run) issuerOf(d *Document) (*Document, error, error) {
	ref := d.JSON["issuer"]
	u := idOf(ref)
	prof, err := r.load(u, "Issuer", "Profile")
	if err != nil {
		if errors.Is(err, ErrFetch) || errors.Is(err, ErrMalformed) || errors.Is(err, ErrSafeMode) || errors.Is(err, ErrUnknownContext) {
			return nil, nil, fmt.Errorf("issuer profile: %w", err)
		}
		return nil, nil, err
	}
	if crossSite(u, prof.URL) {
		// Fetched from u, answered by another site after redirects: an
		// open redirect on the issuer's site must not let another site
		// speak for it.
		return nil, nil, fmt.Errorf("%w: the issuer %q was served from %q, another site", ErrIssuerMismatch, u, prof.URL)
	}
	switch {
	case prof.ID == u || prof.ID == prof.URL:
		return prof, nil, nil
	case !isHTTPURL(prof.ID):
		return prof, fmt.Errorf("the issuer id %q is not an http(s) URL; the issuer is the Profile at %q", prof.ID, prof.URL), nil
	}
	s1, _ := site(prof.ID)
	s2, _ := site(prof.URL)
	if s1 != s2 {
		return nil, nil, fmt.Errorf("%w: the Profile at %q claims the id %q of another site", ErrIssuerMismatch, prof.URL, prof.ID)
	}
	return prof, fmt.Errorf("the issuer Profile at %q declares the id %q", prof.URL, prof.ID), nil
}

// inScope checks that a hosted assertion (its id and where it was served
// from) lies within the issuer's verification scope.
func (r *run) inScope(a *Assertion, prof *Document) error {
	targets := []string{a.ID}
	if a.URL != "" && a.URL != a.ID {
		targets = append(targets, a.URL)
	}
	vo, _ := prof.JSON["verification"].(map[string]any)
	starts := stringsOf(vo["startsWith"])
	origins := stringsOf(vo["allowedOrigins"])
	base := prof.ID
	if !isHTTPURL(base) {
		base = prof.URL
	}
	want, _ := site(base)
	for _, t := range targets {
		s, ok := site(t)
		if !ok {
			return fmt.Errorf("%w: %q is not an http(s) URL", ErrScope, t)
		}
		if len(starts) > 0 {
			match := false
			for _, p := range starts {
				if p != "" && strings.HasPrefix(t, p) {
					match = true
				}
			}
			if !match {
				return fmt.Errorf("%w: %q starts with none of %q", ErrScope, t, starts)
			}
		}
		if len(origins) > 0 {
			match := false
			for _, o := range origins {
				if strings.EqualFold(o, s) || strings.EqualFold(o, hostOnly(s)) {
					match = true
				}
			}
			if !match {
				return fmt.Errorf("%w: %q is on none of the allowed origins %q", ErrScope, t, origins)
			}
		}
		if len(starts) == 0 && len(origins) == 0 && (want == "" || s != want) {
			return fmt.Errorf("%w: %q is not on the issuer's site %q", ErrScope, t, want)
		}
	}
	return nil
}

func hostOnly(s string) string {
	if i := strings.LastIndexByte(s, ':'); i >= 0 && !strings.Contains(s[i:], "]") {
		return s[:i]
	}
	return s
}

// keyLinked checks that the key that verified is one the issuer links
// (publicKey) and that its owner is the issuer.
func (r *run) keyLinked(keyURL string, prof *Document) (*Document, error) {
	key := r.a.Key
	linked := false
	for _, k := range list(prof.JSON["publicKey"]) {
		if idOf(k) == keyURL {
			linked = true
		}
	}
	if !linked {
		return key, fmt.Errorf("%w: %q is not among the publicKey of %q", ErrKeyNotLinked, keyURL, prof.ID)
	}
	owner := idOf(key.JSON["owner"])
	if owner == "" || owner != prof.ID && owner != prof.URL {
		return key, fmt.Errorf("%w: the owner of %q is %q, not the issuer %q", ErrKeyNotLinked, keyURL, owner, prof.ID)
	}
	return key, nil
}

// revocationList checks a signed assertion against its issuer's list.
func (r *run) revocationList(a *Assertion, prof *Document) (string, error) {
	u := idOf(prof.JSON["revocationList"])
	if u == "" {
		return "the issuer publishes no revocation list", nil
	}
	list, err := r.load(u, "RevocationList")
	if err != nil {
		return "", fmt.Errorf("%w: revocation list: %w", vc.ErrStatus, err)
	}
	uid := str(a.JSON, "uid")
	for _, e := range listOf(list.JSON["revokedAssertions"]) {
		id := idOf(e)
		m, _ := e.(map[string]any)
		if id != "" && id == a.ID || uid != "" && (id == uid || str(m, "uid") == uid) {
			reason := str(m, "revocationReason")
			return "", fmt.Errorf("%w: %q is listed in %q %s", ErrRevoked, a.ID, u, reason)
		}
	}
	return "not in the revocation list " + u, nil
}

func listOf(v any) []any { return list(v) }

func encodeSig(b []byte) string { return b64(b) }

// Kind is the Open Badges 2.0 family for the verification kernel
// (badge.VerifierOptions.Kinds, badge.Verifier.WithKinds): input that
// [Is] recognises (2.0 JSON, a JWS of one, a URL, a baked image holding
// one) is verified by v, whatever entry point it came through, and reported
// as 2.0.
func Kind(v *Verifier) badge.Kind {
	return badge.Kind{
		Family:    Family,
		Recognize: Is,
		Verify: func(ctx context.Context, data []byte, o *badge.VerifyOptions) *badge.VerificationResult {
			res, _ := v.VerifyWith(ctx, data, o)
			return res
		},
	}
}

// crossSite reports whether a document fetched from requested was served
// from another site (after redirects). Documents not fetched over http(s)
// (given inline, or from a resource map at the same URL) are not.
func crossSite(requested, served string) bool {
	if served == "" || served == requested {
		return false
	}
	s1, ok1 := site(requested)
	s2, ok2 := site(served)
	return ok1 && ok2 && s1 != s2
}
