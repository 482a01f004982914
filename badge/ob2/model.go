package ob2

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Document is one Open Badges 2.0 document: the input, or one it links
// (BadgeClass, Profile, CryptographicKey, RevocationList, Endorsement).
type Document struct {
	// URL is where it was fetched from (the final URL after redirects);
	// "" for the input and for embedded objects.
	URL string
	// ID is its declared id.
	ID string
	// Types are its type values as written.
	Types []string
	// JSON is the document as parsed (strict JSON, numbers as json.Number).
	JSON map[string]any
}

// Name returns the document's name member.
func (d *Document) Name() string { return str(d.JSON, "name") }

// Recipient is an Open Badges 2.0 IdentityObject.
type Recipient struct {
	Type     string // email, url, telephone or id
	Identity string // the identity, or "sha256$<hex>" / "md5$<hex>" when hashed
	Hashed   bool
	Salt     string
}

// Assertion is an Open Badges 2.0 assertion with what verification
// fetched for it. It is the View of a result of this package.
type Assertion struct {
	Document
	// Raw is the assertion JSON as verified: the JWS payload for a signed
	// assertion, the hosted copy for a hosted one.
	Raw []byte
	// JWS is the compact JWS of a signed assertion.
	JWS string
	// Verification is "hosted" or "signed".
	Verification string
	Recipient    Recipient
	IssuedOn     time.Time
	Expires      time.Time // zero when it does not expire
	// BadgeClass and Issuer are the linked documents (nil if not reached).
	BadgeClass *Document
	Issuer     *Document
	// Key is the CryptographicKey that verified a signed assertion.
	Key *Document
	// Endorsements are the endorsements that verified.
	Endorsements []*Document
}

// Verified reports what the result's View holds: the verified document
// (an *Assertion for an assertion, else a *Document).

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// list returns v as a list (a single value is a list of one).
func list(v any) []any {
	switch t := v.(type) {
	case nil:
		return nil
	case []any:
		return t
	}
	return []any{v}
}

// strings returns the string values of v (one or many).
func stringsOf(v any) []string {
	var out []string
	for _, e := range list(v) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// idOf returns a link's IRI: the string, or an embedded object's id.
func idOf(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		return str(t, "id")
	}
	return ""
}

func hasType(types []string, want ...string) bool {
	for _, t := range types {
		if slices.Contains(want, t) {
			return true
		}
	}
	return false
}

// Expanded forms of the class names, as written with the obi: prefix or in
// full.
const obiNS = "https://w3id.org/openbadges#"

func classNames(name string) []string {
	return []string{name, "obi:" + name, obiNS + name}
}

// isIRI reports whether s is an absolute IRI (a URL, urn:uuid:, did:, ...).
func isIRI(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t\r\n<>\"{}|\\^`") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && (u.Opaque != "" || u.Host != "" || u.Path != "")
}

// isHTTPURL reports whether s is an absolute http(s) URL with a host.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}

func isDataURI(s string) bool { return strings.HasPrefix(strings.ToLower(s), "data:") }

// site returns the origin a URL's scope is compared by: the host (lower
// case) and its port when it is not the default one of its scheme. An http
// and an https URL of one host are the same site (Open Badges 2.0 scopes
// compare the host, and 2.0 issuers publish both).
func site(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", false
	}
	h := strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" && !(u.Scheme == "https" && p == "443" || u.Scheme == "http" && p == "80") {
		return h + ":" + p, true
	}
	return h, true
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05-07",
}

// parseDateTime reads an Open Badges 2.0 DateTime: ISO 8601 with a time
// zone (seconds optional), or a Unix timestamp (Open Badges 1.x).
func parseDateTime(v any) (time.Time, error) {
	switch t := v.(type) {
	case string:
		for _, l := range dateLayouts {
			if tm, err := time.Parse(l, t); err == nil {
				return tm, nil
			}
		}
		return time.Time{}, fmt.Errorf("%q is not an ISO 8601 date-time with a time zone", t)
	case json.Number:
		n, err := strconv.ParseInt(string(t), 10, 64)
		if err != nil || n < 0 || n > 1<<40 {
			return time.Time{}, fmt.Errorf("%s is not a Unix timestamp", t)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("a date-time must be a string")
}

var identityHash = regexp.MustCompile(`^(sha256\$[0-9a-fA-F]{64}|md5\$[0-9a-fA-F]{32})$`)

// checkRecipient validates an IdentityObject.
func readRecipient(doc string, v any) (Recipient, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return Recipient{}, malformed(doc, "$.recipient", "must be an IdentityObject")
	}
	var r Recipient
	r.Type = str(m, "type")
	switch r.Type {
	case "email", "url", "telephone", "id":
	default:
		return r, malformed(doc, "$.recipient.type", "%q is not email, url, telephone or id", m["type"])
	}
	r.Identity, ok = m["identity"].(string)
	if !ok || r.Identity == "" {
		return r, malformed(doc, "$.recipient.identity", "required string is missing")
	}
	h, ok := m["hashed"].(bool)
	if !ok {
		return r, malformed(doc, "$.recipient.hashed", "required boolean is missing")
	}
	r.Hashed = h
	if s, present := m["salt"]; present {
		if r.Salt, ok = s.(string); !ok {
			return r, malformed(doc, "$.recipient.salt", "must be a string")
		}
	}
	if r.Hashed && !identityHash.MatchString(r.Identity) {
		return r, malformed(doc, "$.recipient.identity", "a hashed identity must be sha256$<64 hex> or md5$<32 hex>")
	}
	return r, nil
}

// checkImage validates an image member: an IRI or an Image object whose
// id is one; data URIs only where allowed.
func checkImage(doc, path string, v any, allowData bool) error {
	if v == nil {
		return nil
	}
	id := idOf(v)
	if m, ok := v.(map[string]any); ok && m["id"] == nil {
		return malformed(doc, path+".id", "an Image needs an id")
	}
	switch {
	case isDataURI(id) && !allowData:
		return malformed(doc, path, "a data URI is not allowed here")
	case isDataURI(id):
		if !strings.Contains(id, ",") {
			return malformed(doc, path, "invalid data URI")
		}
	case !isIRI(id):
		return malformed(doc, path, "%q is not an IRI", id)
	}
	return nil
}

func requireText(doc string, m map[string]any, k string) error {
	if s, ok := m[k].(string); !ok || strings.TrimSpace(s) == "" {
		return malformed(doc, "$."+k, "required text is missing")
	}
	return nil
}

func checkTypes(doc string, m map[string]any, required bool) ([]string, error) {
	v, present := m["type"]
	if !present {
		if required {
			return nil, malformed(doc, "$.type", "required type is missing")
		}
		return nil, nil
	}
	raw := list(v)
	types := stringsOf(v)
	if len(raw) == 0 || len(types) != len(raw) {
		return nil, malformed(doc, "$.type", "type must be a non-empty string or list of strings")
	}
	return types, nil
}

// validateClass checks the members a class requires (Open Badges 2.0
// Badge Objects, as the 1EdTech validator reads them). types are the
// document's types.
func validateClass(doc string, m map[string]any, types []string) error {
	switch {
	case hasType(types, classNames("Assertion")...):
		return validateAssertion(doc, m)
	case hasType(types, classNames("BadgeClass")...):
		return validateBadgeClass(doc, m)
	case hasType(types, append(classNames("Issuer"), classNames("Profile")...)...):
		return validateProfile(doc, m)
	case hasType(types, "Endorsement", "cred:Credential", "https://w3id.org/credentials#Credential"):
		return validateEndorsement(doc, m)
	case hasType(types, "CryptographicKey", "sec:Key", "https://w3id.org/security#Key"):
		if s, ok := m["publicKeyPem"]; ok {
			if _, ok := s.(string); !ok {
				return malformed(doc, "$.publicKeyPem", "must be a string")
			}
		}
		if o := m["owner"]; o != nil && !isIRI(idOf(o)) {
			return malformed(doc, "$.owner", "must be an IRI")
		}
	case hasType(types, "AlignmentObject", "schema:AlignmentObject", "http://schema.org/AlignmentObject"):
		if err := requireText(doc, m, "targetName"); err != nil {
			return err
		}
		if !isHTTPURL(str(m, "targetUrl")) {
			return malformed(doc, "$.targetUrl", "required URL is missing")
		}
	}
	return nil
}

func validateAssertion(doc string, m map[string]any) error {
	if !isIRI(str(m, "id")) {
		return malformed(doc, "$.id", "an Assertion needs an IRI id")
	}
	if _, err := readRecipient(doc, m["recipient"]); err != nil {
		return err
	}
	switch b := m["badge"].(type) {
	case string:
		if !isIRI(b) {
			return malformed(doc, "$.badge", "%q is not an IRI", b)
		}
	case map[string]any:
		t, err := checkTypes(doc, b, true)
		if err != nil {
			return err
		}
		if !hasType(t, classNames("BadgeClass")...) {
			return malformed(doc, "$.badge.type", "the embedded badge is not a BadgeClass")
		}
		if err := validateBadgeClass(doc+"#badge", b); err != nil {
			return err
		}
	default:
		return malformed(doc, "$.badge", "required BadgeClass link is missing")
	}
	vo, ok := m["verification"].(map[string]any)
	if !ok {
		return malformed(doc, "$.verification", "required VerificationObject is missing")
	}
	if verificationType(vo) == "" {
		return malformed(doc, "$.verification.type", "%v is not hosted or signed", vo["type"])
	}
	if c := vo["creator"]; c != nil && !isIRI(idOf(c)) {
		return malformed(doc, "$.verification.creator", "must be an IRI")
	}
	if _, err := parseDateTime(m["issuedOn"]); err != nil {
		return malformed(doc, "$.issuedOn", "%v", err)
	}
	if e, ok := m["expires"]; ok {
		if _, err := parseDateTime(e); err != nil {
			return malformed(doc, "$.expires", "%v", err)
		}
	}
	if err := checkImage(doc, "$.image", m["image"], false); err != nil {
		return err
	}
	for i, e := range list(m["evidence"]) {
		if id := idOf(e); id != "" && !isIRI(id) && !strings.HasPrefix(id, "_:") {
			return malformed(doc, fmt.Sprintf("$.evidence[%d]", i), "%q is not an IRI", id)
		}
	}
	if r, ok := m["revoked"]; ok {
		if _, ok := r.(bool); !ok {
			return malformed(doc, "$.revoked", "must be a boolean")
		}
	}
	return nil
}

func verificationType(vo map[string]any) string {
	for _, t := range stringsOf(vo["type"]) {
		switch t {
		case "hosted", "HostedBadge", "obi:HostedBadge", obiNS + "HostedBadge":
			return "hosted"
		case "signed", "SignedBadge", "obi:SignedBadge", obiNS + "SignedBadge":
			return "signed"
		}
	}
	return ""
}

func validateBadgeClass(doc string, m map[string]any) error {
	if !isIRI(str(m, "id")) {
		return malformed(doc, "$.id", "a BadgeClass needs an IRI id")
	}
	for _, k := range []string{"name", "description"} {
		if err := requireText(doc, m, k); err != nil {
			return err
		}
	}
	if !isIRI(idOf(m["issuer"])) {
		return malformed(doc, "$.issuer", "required Profile link is missing")
	}
	switch c := m["criteria"].(type) {
	case string:
		if !isIRI(c) {
			return malformed(doc, "$.criteria", "%q is not an IRI", c)
		}
	case map[string]any:
		if id, ok := c["id"].(string); ok && !isIRI(id) {
			return malformed(doc, "$.criteria.id", "%q is not an IRI", id)
		}
	default:
		return malformed(doc, "$.criteria", "required criteria is missing")
	}
	if err := checkImage(doc, "$.image", m["image"], true); err != nil {
		return err
	}
	for i, a := range list(m["alignment"]) {
		am, ok := a.(map[string]any)
		if !ok {
			return malformed(doc, fmt.Sprintf("$.alignment[%d]", i), "must be an AlignmentObject")
		}
		if err := validateClass(doc, am, []string{"AlignmentObject"}); err != nil {
			return err
		}
	}
	for i, t := range list(m["tags"]) {
		if _, ok := t.(string); !ok {
			return malformed(doc, fmt.Sprintf("$.tags[%d]", i), "must be text")
		}
	}
	return nil
}

func validateProfile(doc string, m map[string]any) error {
	if !isIRI(str(m, "id")) {
		return malformed(doc, "$.id", "a Profile needs an IRI id")
	}
	if err := requireText(doc, m, "name"); err != nil {
		return err
	}
	if err := checkImage(doc, "$.image", m["image"], true); err != nil {
		return err
	}
	for _, u := range list(m["url"]) {
		if s, ok := u.(string); !ok || !isIRI(s) {
			return malformed(doc, "$.url", "must be a URL")
		}
	}
	if vo := m["verification"]; vo != nil {
		o, ok := vo.(map[string]any)
		if !ok {
			return malformed(doc, "$.verification", "must be a VerificationObject")
		}
		if p, ok := o["verificationProperty"]; ok && p != "id" && p != "@id" {
			return malformed(doc, "$.verification.verificationProperty", "only id is supported, not %v", p)
		}
	}
	return nil
}

func validateEndorsement(doc string, m map[string]any) error {
	if !isIRI(str(m, "id")) {
		return malformed(doc, "$.id", "an Endorsement needs an IRI id")
	}
	c, ok := m["claim"].(map[string]any)
	if !ok || !isIRI(str(c, "id")) {
		return malformed(doc, "$.claim", "an Endorsement needs a claim with an IRI id")
	}
	if _, err := parseDateTime(m["issuedOn"]); err != nil {
		return malformed(doc, "$.issuedOn", "%v", err)
	}
	if !isIRI(idOf(m["issuer"])) {
		return malformed(doc, "$.issuer", "required Profile link is missing")
	}
	vo, ok := m["verification"].(map[string]any)
	if !ok || verificationType(vo) == "" {
		return malformed(doc, "$.verification", "required VerificationObject (hosted or signed) is missing")
	}
	return nil
}
