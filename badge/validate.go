package badge

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/openbadges-go/openbadges/vc"
)

// Data model validation (OB 3.0 §B, the REQUIRED properties and type
// constraints of every class, and the type checks 1EdTech's validator makes).
//
// Validate checks the model only: it does not check proofs, dates against
// the clock, status, or JSON Schema (see [SchemaValidator]).

// Errors of data model validation. A [*ValidationError] matches
// [ErrInvalidCredential]; each of its [FieldError]s wraps one of these.
var (
	// ErrRequired means a REQUIRED property is missing or empty.
	ErrRequired = errors.New("required property is missing")
	// ErrTypeMismatch means a "type" property lacks the value its class
	// requires (for example an issuer whose type does not include Profile).
	ErrTypeMismatch = errors.New("type does not include the required value")
	// ErrInvalidValue means a property is present but its value is not
	// allowed (a malformed date-time, an unknown enumeration value, ...).
	ErrInvalidValue = errors.New("invalid value")
	// ErrNotAllowed means a member is present that the class forbids
	// (Image, IdentityObject and IdentifierEntry allow no extensions).
	ErrNotAllowed = errors.New("member not allowed")
)

// Context URLs.
const (
	ContextVC2  = "https://www.w3.org/ns/credentials/v2"
	ContextVC11 = "https://www.w3.org/2018/credentials/v1"
	// ContextOB303 is the OB 3.0 context the spec names for new credentials.
	ContextOB303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
)

// obContext is the schema's pattern for @context[1].
var obContext = regexp.MustCompile(`^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json$`)

// compactJWS is the CompactJws pattern of the data model.
var compactJWS = regexp.MustCompile(`^[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+$`)

// languageCode is the LanguageCode pattern of the data model.
var languageCode = regexp.MustCompile(`^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$`)

// FieldError is one problem found by Validate, at a JSON path such as
// $.credentialSubject.achievement.criteria.
type FieldError struct {
	Path string
	Err  error
}

func (e FieldError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e FieldError) Unwrap() error { return e.Err }

// ValidationError lists every problem Validate found, sorted by path.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("badge: invalid credential: ")
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Error())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalidCredential) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidCredential }

// Unwrap returns the field errors, so errors.Is(err, ErrRequired) works.
func (e *ValidationError) Unwrap() []error {
	out := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = f
	}
	return out
}

// Has reports whether a problem was found at path.
func (e *ValidationError) Has(path string) bool {
	return slices.ContainsFunc(e.Fields, func(f FieldError) bool { return f.Path == path })
}

// Explains reports whether p, a JSON-LD safe-mode problem of the same
// document, follows from a problem e already reports: a member that is
// "not defined by the active contexts" in an object whose type e reports
// missing. The Open Badges context defines the members of Result,
// ResultDescription and other classes in the scope of their type, so an
// object without its type has each of its members reported undefined;
// the missing type is the cause, and the one problem to report. Once the
// type is added, a member that is still undefined is reported again.
func (e *ValidationError) Explains(p vc.Problem) bool {
	if e == nil || p.Term == "" || !errors.Is(p.Kind, vc.ErrUndefinedTerm) {
		return false
	}
	for _, f := range e.Fields {
		obj, ok := strings.CutSuffix(f.Path, ".type")
		if ok && errors.Is(f.Err, ErrRequired) && memberPath(obj, p.Term) == p.Path {
			return true
		}
	}
	return false
}

// withoutExplained returns errs with the JSON-LD problems that a
// [*ValidationError] among them explains ([ValidationError.Explains])
// left out of their [*vc.SafeModeError], which is dropped when none
// remain: the missing type is reported once, as the cause. The other
// errors are returned as they are, in order.
func withoutExplained(errs []error) []error {
	var ve *ValidationError
	for _, err := range errs {
		if errors.As(err, &ve) {
			break
		}
	}
	if ve == nil {
		return errs
	}
	out := make([]error, 0, len(errs))
	for _, err := range errs {
		var sm *vc.SafeModeError
		if !errors.As(err, &sm) {
			out = append(out, err)
			continue
		}
		var kept []vc.Problem
		for _, p := range sm.Problems {
			if !ve.Explains(p) {
				kept = append(kept, p)
			}
		}
		switch {
		case len(kept) == len(sm.Problems):
			out = append(out, err)
		case len(kept) > 0:
			out = append(out, &vc.SafeModeError{Problems: kept})
		}
	}
	return out
}

type checker struct{ errs []FieldError }

func (c *checker) add(path string, err error, format string, args ...any) {
	if format != "" {
		err = fmt.Errorf("%w: %s", err, fmt.Sprintf(format, args...))
	}
	c.errs = append(c.errs, FieldError{Path: path, Err: err})
}

func (c *checker) result() error {
	if len(c.errs) == 0 {
		return nil
	}
	slices.SortStableFunc(c.errs, func(a, b FieldError) int {
		if n := strings.Compare(a.Path, b.Path); n != 0 {
			return n
		}
		return strings.Compare(a.Err.Error(), b.Err.Error())
	})
	return &ValidationError{Fields: c.errs}
}

func (c *checker) required(path, name, value string) {
	if value == "" {
		c.add(memberPath(path, name), ErrRequired, "")
	}
}

// typeContains checks that type includes want (one of wants).
func (c *checker) typeContains(path string, t OneOrMany[string], wants ...string) {
	if len(t.Values) == 0 {
		c.add(memberPath(path, "type"), ErrRequired, "")
		return
	}
	for _, w := range wants {
		if slices.Contains(t.Values, w) {
			return
		}
	}
	c.add(memberPath(path, "type"), ErrTypeMismatch, "want %s, have %s", strings.Join(quoteAll(wants), " or "), strings.Join(quoteAll(t.Values), ", "))
}

// typeEquals checks that type is exactly want (classes with card-1 type).
func (c *checker) typeEquals(path string, t OneOrMany[string], want string) {
	if len(t.Values) == 0 {
		c.add(memberPath(path, "type"), ErrRequired, "")
		return
	}
	if len(t.Values) != 1 || t.Values[0] != want {
		c.add(memberPath(path, "type"), ErrTypeMismatch, "want exactly %q, have %s", want, strings.Join(quoteAll(t.Values), ", "))
	}
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = fmt.Sprintf("%q", v)
	}
	return out
}

func (c *checker) dateTime(path, name string, d DateTime) {
	if d == "" {
		return
	}
	if _, err := d.Time(); err != nil {
		c.add(memberPath(path, name), ErrInvalidValue, "%q is not a date-time with a time zone", string(d))
	}
}

func (c *checker) forbidExtra(path string, n int, keys func() []string) {
	if n == 0 {
		return
	}
	for _, k := range keys() {
		c.add(memberPath(path, k), ErrNotAllowed, "")
	}
}

// each calls f for every value of o, the member name of path, with its
// path (built only when there is a value).
func each[T any](o OneOrMany[T], path, name string, f func(v *T, path string)) {
	if len(o.Values) == 0 {
		return
	}
	base := memberPath(path, name)
	for i := range o.Values {
		p := base
		if !o.bare() {
			p = indexPath(base, i)
		}
		f(&o.Values[i], p)
	}
}

func sortedKeys[V any](m map[string]V) func() []string {
	return func() []string {
		k := make([]string, 0, len(m))
		for s := range m {
			k = append(k, s)
		}
		slices.Sort(k)
		return k
	}
}

// ---- credentials ----

// Validate checks every REQUIRED property and type constraint of the
// credential and of everything it embeds (issuer, subject, achievement,
// results, evidence, endorsements, ...). It returns nil or a
// [*ValidationError] listing every problem by JSON path.
//
// VC 2.0 credentials need validFrom; VC 1.1 credentials (@context[0] =
// https://www.w3.org/2018/credentials/v1) need issuanceDate instead.
func (v *AchievementCredential) Validate() error {
	var c checker
	v.check(&c, "$")
	return c.result()
}

func (v *AchievementCredential) check(c *checker, path string) {
	vc11 := checkContext(c, path, v.Context)
	c.required(path, "id", v.ID)
	c.typeContains(path, v.Type, "VerifiableCredential")
	c.typeContains(path, v.Type, "AchievementCredential", "OpenBadgeCredential")
	checkIssuer(c, path, v.Issuer)
	checkValidity(c, path, vc11, v.ValidFrom, v.ValidUntil, v.IssuanceDate, v.ExpirationDate)
	c.dateTime(path, "awardedDate", v.AwardedDate)
	checkImage(c, path, "image", v.Image)
	sp := memberPath(path, "credentialSubject")
	if reflect.ValueOf(&v.CredentialSubject).Elem().IsZero() {
		c.add(sp, ErrRequired, "")
	} else {
		v.CredentialSubject.check(c, sp)
	}
	each(v.Endorsement, path, "endorsement", func(e *EndorsementCredential, p string) { e.check(c, p) })
	checkJWS(c, path, "endorsementJwt", v.EndorsementJwt)
	each(v.Evidence, path, "evidence", func(e *Evidence, p string) { e.check(c, p) })
	checkVCParts(c, path, v.CredentialSchema, v.CredentialStatus, v.RefreshService, v.TermsOfUse, v.Proof)
}

// Validate checks the endorsement credential as
// [AchievementCredential.Validate] does.
func (v *EndorsementCredential) Validate() error {
	var c checker
	v.check(&c, "$")
	return c.result()
}

func (v *EndorsementCredential) check(c *checker, path string) {
	vc11 := checkContext(c, path, v.Context)
	c.required(path, "id", v.ID)
	c.typeContains(path, v.Type, "VerifiableCredential")
	c.typeContains(path, v.Type, "EndorsementCredential")
	c.required(path, "name", v.Name)
	checkIssuer(c, path, v.Issuer)
	checkValidity(c, path, vc11, v.ValidFrom, v.ValidUntil, v.IssuanceDate, v.ExpirationDate)
	c.dateTime(path, "awardedDate", v.AwardedDate)
	sp := memberPath(path, "credentialSubject")
	c.required(sp, "id", v.CredentialSubject.ID)
	c.typeContains(sp, v.CredentialSubject.Type, "EndorsementSubject")
	checkVCParts(c, path, v.CredentialSchema, v.CredentialStatus, v.RefreshService, v.TermsOfUse, v.Proof)
}

// checkContext checks @context and reports whether it is a VC 1.1 one.
func checkContext(c *checker, path string, ctx OneOrMany[ContextEntry]) (vc11 bool) {
	p := func() string { return memberPath(path, "@context") }
	if len(ctx.Values) == 0 {
		c.add(p(), ErrRequired, "")
		return false
	}
	first := ctx.Values[0].URL
	switch first {
	case ContextVC2:
	case ContextVC11:
		vc11 = true
	default:
		c.add(indexPath(p(), 0), ErrInvalidValue, "first @context must be %q (or %q for VC 1.1), have %q", ContextVC2, ContextVC11, first)
	}
	if len(ctx.Values) < 2 {
		c.add(p(), ErrInvalidValue, "an Open Badges 3.0 context must follow the VC context")
	} else if u := ctx.Values[1].URL; !obContext.MatchString(u) {
		c.add(indexPath(p(), 1), ErrInvalidValue, "second @context must be an Open Badges 3.0 context (%s), have %q", ContextOB303, u)
	}
	return vc11
}

func checkIssuer(c *checker, path string, iss IDOrObject[Profile]) {
	switch {
	case iss.Object != nil:
		iss.Object.check(c, memberPath(path, "issuer"))
	case iss.ID == "":
		c.add(memberPath(path, "issuer"), ErrRequired, "")
	}
}

func checkValidity(c *checker, path string, vc11 bool, from, until, issued, expires DateTime) {
	if vc11 {
		c.required(path, "issuanceDate", string(issued))
	} else {
		c.required(path, "validFrom", string(from))
	}
	c.dateTime(path, "validFrom", from)
	c.dateTime(path, "validUntil", until)
	c.dateTime(path, "issuanceDate", issued)
	c.dateTime(path, "expirationDate", expires)
}

func checkJWS(c *checker, path, name string, o OneOrMany[string]) {
	each(o, path, name, func(s *string, p string) {
		if !compactJWS.MatchString(*s) {
			c.add(p, ErrInvalidValue, "not a compact JWS")
		}
	})
}

func checkVCParts(c *checker, path string, schemas OneOrMany[CredentialSchema], status OneOrMany[CredentialStatus],
	refresh OneOrMany[RefreshService], terms OneOrMany[TermsOfUse], proofs OneOrMany[Proof]) {
	each(schemas, path, "credentialSchema", func(s *CredentialSchema, p string) {
		c.required(p, "id", s.ID)
		c.required(p, "type", s.Type)
	})
	each(status, path, "credentialStatus", func(s *CredentialStatus, p string) {
		c.required(p, "type", s.Type)
	})
	each(refresh, path, "refreshService", func(s *RefreshService, p string) {
		c.required(p, "id", s.ID)
		c.required(p, "type", s.Type)
	})
	each(terms, path, "termsOfUse", func(s *TermsOfUse, p string) { c.required(p, "type", s.Type) })
	each(proofs, path, "proof", func(s *Proof, p string) {
		c.required(p, "type", s.Type)
		c.dateTime(p, "created", s.Created)
	})
}

// ---- subject and achievement ----

// Validate checks the subject and what it embeds; paths start at $.
func (v *AchievementSubject) Validate() error {
	var c checker
	v.check(&c, "$")
	return c.result()
}

func (v *AchievementSubject) check(c *checker, path string) {
	c.typeContains(path, v.Type, "AchievementSubject")
	if v.ID == "" && len(v.Identifier.Values) == 0 {
		c.add(memberPath(path, "id"), ErrRequired, "either id or at least one identifier is required")
	}
	if v.Achievement == nil {
		c.add(memberPath(path, "achievement"), ErrRequired, "")
	} else {
		v.Achievement.check(c, memberPath(path, "achievement"))
	}
	c.dateTime(path, "activityStartDate", v.ActivityStartDate)
	c.dateTime(path, "activityEndDate", v.ActivityEndDate)
	each(v.Identifier, path, "identifier", func(o *IdentityObject, p string) { o.check(c, p) })
	checkImage(c, path, "image", v.Image)
	each(v.Result, path, "result", func(r *Result, p string) { r.check(c, p) })
	if v.Source != nil {
		v.Source.check(c, memberPath(path, "source"))
	}
}

// Validate checks the achievement and what it embeds; paths start at $.
func (v *Achievement) Validate() error {
	var c checker
	v.check(&c, "$")
	return c.result()
}

func (v *Achievement) check(c *checker, path string) {
	c.required(path, "id", v.ID)
	c.typeContains(path, v.Type, "Achievement")
	if v.Criteria == nil {
		c.add(memberPath(path, "criteria"), ErrRequired, "")
	}
	c.required(path, "description", v.Description)
	c.required(path, "name", v.Name)
	if v.AchievementType != "" && !v.AchievementType.Valid() {
		c.add(memberPath(path, "achievementType"), ErrInvalidValue, "%q is not an AchievementType or ext: value", string(v.AchievementType))
	}
	each(v.Alignment, path, "alignment", func(a *Alignment, p string) { a.check(c, p) })
	if v.Creator != nil {
		v.Creator.check(c, memberPath(path, "creator"))
	}
	each(v.Endorsement, path, "endorsement", func(e *EndorsementCredential, p string) { e.check(c, p) })
	checkJWS(c, path, "endorsementJwt", v.EndorsementJwt)
	checkImage(c, path, "image", v.Image)
	checkLanguage(c, path, v.InLanguage)
	each(v.OtherIdentifier, path, "otherIdentifier", func(o *IdentifierEntry, p string) { o.check(c, p) })
	each(v.Related, path, "related", func(r *Related, p string) {
		c.required(p, "id", r.ID)
		c.typeContains(p, r.Type, "Related")
		checkLanguage(c, p, r.InLanguage)
	})
	each(v.ResultDescription, path, "resultDescription", func(r *ResultDescription, p string) { r.check(c, p) })
}

func checkLanguage(c *checker, path, lang string) {
	if lang != "" && !languageCode.MatchString(lang) {
		c.add(memberPath(path, "inLanguage"), ErrInvalidValue, "%q is not a language code", lang)
	}
}

// Validate checks the profile and what it embeds; paths start at $.
func (v *Profile) Validate() error {
	var c checker
	v.check(&c, "$")
	return c.result()
}

func (v *Profile) check(c *checker, path string) {
	c.required(path, "id", v.ID)
	c.typeContains(path, v.Type, "Profile")
	each(v.Endorsement, path, "endorsement", func(e *EndorsementCredential, p string) { e.check(c, p) })
	checkJWS(c, path, "endorsementJwt", v.EndorsementJwt)
	checkImage(c, path, "image", v.Image)
	if v.Address != nil {
		ap := memberPath(path, "address")
		c.typeContains(ap, v.Address.Type, "Address")
		if g := v.Address.Geo; g != nil {
			gp := memberPath(ap, "geo")
			c.typeEquals(gp, g.Type, "GeoCoordinates")
			c.required(gp, "latitude", string(g.Latitude))
			c.required(gp, "longitude", string(g.Longitude))
		}
	}
	each(v.OtherIdentifier, path, "otherIdentifier", func(o *IdentifierEntry, p string) { o.check(c, p) })
	if v.ParentOrg != nil {
		v.ParentOrg.check(c, memberPath(path, "parentOrg"))
	}
}

// ---- smaller classes ----

func (v *Alignment) check(c *checker, path string) {
	c.typeContains(path, v.Type, "Alignment")
	c.required(path, "targetName", v.TargetName)
	c.required(path, "targetUrl", v.TargetURL)
	if v.TargetType != "" && !v.TargetType.Valid() {
		c.add(memberPath(path, "targetType"), ErrInvalidValue, "%q is not an AlignmentTargetType or ext: value", string(v.TargetType))
	}
}

func (v *Evidence) check(c *checker, path string) { c.typeContains(path, v.Type, "Evidence") }

func checkImage(c *checker, parent, name string, img IDOrObject[Image]) {
	if img.Object == nil {
		return // absent, or an IRI
	}
	path := memberPath(parent, name)
	v := img.Object
	c.required(path, "id", v.ID)
	c.typeEquals(path, v.Type, "Image")
	c.forbidExtra(path, len(v.Extra), sortedKeys(v.Extra))
}

// Validate checks the identity object; paths start at $.
func (v *IdentityObject) Validate() error {
	var c checker
	v.check(&c, "$")
	return c.result()
}

func (v *IdentityObject) check(c *checker, path string) {
	c.typeEquals(path, v.Type, "IdentityObject")
	c.required(path, "identityHash", v.IdentityHash)
	if v.IdentityType == "" {
		c.add(memberPath(path, "identityType"), ErrRequired, "")
	} else if !v.IdentityType.Valid() {
		c.add(memberPath(path, "identityType"), ErrInvalidValue, "%q is not an IdentifierType or ext: value", string(v.IdentityType))
	}
	if v.Hashed && v.IdentityHash != "" {
		if _, _, err := parseIdentityHash(v.IdentityHash); err != nil {
			c.errs = append(c.errs, FieldError{Path: memberPath(path, "identityHash"), Err: fmt.Errorf("%w: %w", ErrInvalidValue, err)})
		}
	}
	c.forbidExtra(path, len(v.Extra), sortedKeys(v.Extra))
}

func (v *IdentifierEntry) check(c *checker, path string) {
	c.typeEquals(path, v.Type, "IdentifierEntry")
	c.required(path, "identifier", v.Identifier)
	if v.IdentifierType == "" {
		c.add(memberPath(path, "identifierType"), ErrRequired, "")
	} else if !v.IdentifierType.Valid() {
		c.add(memberPath(path, "identifierType"), ErrInvalidValue, "%q is not an IdentifierType or ext: value", string(v.IdentifierType))
	}
	c.forbidExtra(path, len(v.Extra), sortedKeys(v.Extra))
}

func (v *Result) check(c *checker, path string) {
	c.typeContains(path, v.Type, "Result")
	if v.Status != "" && !v.Status.Valid() {
		c.add(memberPath(path, "status"), ErrInvalidValue, "%q is not a ResultStatusType", string(v.Status))
	}
	each(v.Alignment, path, "alignment", func(a *Alignment, p string) { a.check(c, p) })
}

func (v *ResultDescription) check(c *checker, path string) {
	c.required(path, "id", v.ID)
	c.typeContains(path, v.Type, "ResultDescription")
	c.required(path, "name", v.Name)
	if v.ResultType == "" {
		c.add(memberPath(path, "resultType"), ErrRequired, "")
	} else if !v.ResultType.Valid() {
		c.add(memberPath(path, "resultType"), ErrInvalidValue, "%q is not a ResultType or ext: value", string(v.ResultType))
	}
	each(v.Alignment, path, "alignment", func(a *Alignment, p string) { a.check(c, p) })
	each(v.RubricCriterionLevel, path, "rubricCriterionLevel", func(r *RubricCriterionLevel, p string) {
		c.required(p, "id", r.ID)
		c.typeContains(p, r.Type, "RubricCriterionLevel")
		c.required(p, "name", r.Name)
		each(r.Alignment, p, "alignment", func(a *Alignment, p string) { a.check(c, p) })
	})
}
