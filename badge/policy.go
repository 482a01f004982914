package badge

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
)

// Policy names a verification profile: one value that sets every rule
// [Verifier] relaxes, chosen with [VerifierOptions.Policy] and checked
// once by [NewVerifier]. The zero value is the strict default with
// whatever options are set one by one; a named profile is exactly its
// rules (an option that relaxes anything else is refused). Every rule a
// profile relaxes is reported, where it was needed, on the check it
// relaxed: a [Warning] whose error is a [*RelaxedError] naming the profile
// and the option. [Policy.Rules] lists them.
type Policy string

// The profiles.
const (
	// PolicyStrict is the Open Badges 3.0 verification algorithm and this
	// library's stricter rules (SECURITY.md), and nothing relaxed. It is
	// what a zero Policy gives, without options set one by one.
	PolicyStrict Policy = "strict"
	// PolicyInterop is for verifier services that must accept authentic
	// credentials from real ecosystems (the Digital Credentials
	// Consortium's, for example: status lists of 100,000 entries signed by
	// a status key of their own, subjects without an id). It never relaxes
	// the signature, issuer binding, the validity window or a revocation
	// it can establish. It turns Open Badges 3.0 conformance failures (a
	// subject without id or identifier, an achievementType that is neither
	// a known value nor ext:, schema violations, a schema that is not
	// embedded) into warnings; accepts a status list shorter than the
	// Bitstring Status List minimum, signed by another issuer than the
	// credential's, or whose id is not the URL it was fetched from (each
	// a warning); turns an embedded endorsement that does not verify into
	// a warning; and verifies the legacy cryptosuite name eddsa-2022.
	// Ed25519Signature2018, which older badges carry, is not implemented.
	PolicyInterop Policy = "interop"
	// Policy1EdTechValidator reproduces the verdicts of the 1EdTech
	// digital credentials validator, including its insecure key rules: a
	// key read from an "https://host/path#z6Mk…" fragment, a VC-JWT's own
	// jwk header key, a did:key signing for an issuer that is not a DID;
	// the legacy suite eddsa-2022; a status list whose id is not its URL
	// (the validator's samples); and a proof of an unknown type fails the
	// credential, as it does there. Only for reproducing the validator:
	// anyone can sign a credential it accepts in another issuer's name.
	Policy1EdTechValidator Policy = "1edtech-validator"
)

// Policies returns the named profiles, strictest first.
func Policies() []Policy { return []Policy{PolicyStrict, PolicyInterop, Policy1EdTechValidator} }

// ErrUnknownPolicy is matched by every [*UnknownPolicyError].
var ErrUnknownPolicy = errors.New("badge: unknown verification policy")

// UnknownPolicyError is a profile name that is not one of [Policies].
type UnknownPolicyError struct {
	Name string
}

func (e *UnknownPolicyError) Error() string {
	names := make([]string, 0, 3)
	for _, p := range Policies() {
		names = append(names, string(p))
	}
	return fmt.Sprintf("badge: unknown verification policy %q (valid: %s)", e.Name, strings.Join(names, ", "))
}

// Is matches ErrUnknownPolicy.
func (e *UnknownPolicyError) Is(target error) bool { return target == ErrUnknownPolicy }

// ParsePolicy returns the profile of that name ("" is [PolicyStrict]), or
// an [*UnknownPolicyError] listing the valid names.
func ParsePolicy(name string) (Policy, error) {
	if name == "" {
		return PolicyStrict, nil
	}
	p := Policy(name)
	if _, ok := policyTable[p]; !ok {
		return "", &UnknownPolicyError{Name: name}
	}
	return p, nil
}

// Name is the profile's name ("strict" for the zero value).
func (p Policy) Name() string {
	if p == "" {
		return string(PolicyStrict)
	}
	return string(p)
}

// String is Name.
func (p Policy) String() string { return p.Name() }

// MarshalText writes the name.
func (p Policy) MarshalText() ([]byte, error) { return []byte(p.Name()), nil }

// UnmarshalText reads a name as ParsePolicy does (so a Policy is a
// flag.TextVar).
func (p *Policy) UnmarshalText(b []byte) error {
	q, err := ParsePolicy(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// Rule is one thing a profile changes: the option it sets (a field of
// [VerifierOptions], or of [status.Checker] for status lists), the check
// that reports it, and what it accepts or refuses.
type Rule struct {
	Option string
	Check  CheckID
	Effect string
}

// Rules lists what p changes from the strict default, in pipeline order
// (none for strict; nil for an unknown name).
func (p Policy) Rules() []Rule {
	t, ok := policyTable[p]
	if !ok {
		return nil
	}
	var out []Rule
	for _, r := range allRules {
		if r.in(t) {
			out = append(out, r.Rule)
		}
	}
	return out
}

// Names of the options a profile may set, as Rule.Option and
// RelaxedError.Option give them.
const (
	OptionAllowNonconforming       = "AllowNonconforming"
	OptionAllowUnknownSchemas      = "AllowUnknownSchemas"
	OptionEdDSA2022                = "AllowedCryptosuites+eddsa-2022"
	OptionEd25519Signature2018     = "AllowedCryptosuites+Ed25519Signature2018"
	OptionRequireAllProofs         = "RequireAllProofs"
	OptionInsecureFragmentKeys     = "InsecureFragmentKeys"
	OptionInsecureEmbeddedJWK      = "InsecureEmbeddedJWK"
	OptionInsecureDIDKeyIssuer     = "InsecureDIDKeyIssuer"
	OptionAllowShortLists          = status.RelaxShortLists
	OptionAllowForeignListSigner   = status.RelaxForeignListSigner
	OptionAllowListIDMismatch      = status.RelaxListIDMismatch
	OptionAllowInvalidEndorsements = "AllowInvalidEndorsements"
	// OptionLenientAssociations is the CLR family's (clr.KindOptions).
	OptionLenientAssociations = "LenientAssociations"
)

// checkAssociations is the CLR family's association check (clr's
// CheckAssociations).
const checkAssociations CheckID = "associations"

// rules is what a profile sets; each field is one option.
type rules struct {
	nonconforming, unknownSchemas        bool
	eddsa2022, requireAllProofs          bool
	ed25519Sig2018                       bool
	fragmentKeys, embeddedJWK, didKeyIss bool
	shortLists, foreignSigner, listID    bool
	invalidEndorsements                  bool
	lenientAssociations                  bool
}

var policyTable = map[Policy]rules{
	"":           {},
	PolicyStrict: {},
	PolicyInterop: {nonconforming: true, unknownSchemas: true, eddsa2022: true, ed25519Sig2018: true, shortLists: true, foreignSigner: true, listID: true,
		invalidEndorsements: true},
	Policy1EdTechValidator: {eddsa2022: true, requireAllProofs: true, fragmentKeys: true, embeddedJWK: true, didKeyIss: true,
		listID: true, lenientAssociations: true},
}

// allRules documents every option a profile may set, in pipeline order.
var allRules = []struct {
	Rule
	in func(rules) bool
}{
	{Rule{OptionAllowNonconforming, CheckType, "an achievementType that is neither a known value nor an ext: extension is a warning"},
		func(r rules) bool { return r.nonconforming }},
	{Rule{OptionAllowNonconforming, CheckSchema, "a violation of the official JSON Schema is a warning"},
		func(r rules) bool { return r.nonconforming }},
	{Rule{OptionAllowUnknownSchemas, CheckSchema, "a credentialSchema that is not embedded is a warning (the official schema is used)"},
		func(r rules) bool { return r.unknownSchemas }},
	{Rule{OptionAllowNonconforming, CheckSubject, "an achievement subject with neither id nor identifier is a warning"},
		func(r rules) bool { return r.nonconforming }},
	{Rule{OptionEdDSA2022, CheckProof, "the legacy cryptosuite name eddsa-2022 (the eddsa-rdfc-2022 algorithm) verifies, with a warning"},
		func(r rules) bool { return r.eddsa2022 }},
	{Rule{OptionEd25519Signature2018, CheckProof, "the legacy suite Ed25519Signature2018 (a detached JWS, as the 2022/2023 plugfest badges carry) verifies, with a warning"},
		func(r rules) bool { return r.ed25519Sig2018 }},
	{Rule{OptionRequireAllProofs, CheckProof, "a proof of an unknown type or suite fails the credential (stricter: the validator's verdict)"},
		func(r rules) bool { return r.requireAllProofs }},
	{Rule{OptionInsecureFragmentKeys, CheckIssuer, "a key named https://host/path#z6Mk… is read from the fragment, its controller taken from the URL, with no fetch; a warning"},
		func(r rules) bool { return r.fragmentKeys }},
	{Rule{OptionInsecureEmbeddedJWK, CheckIssuer, "a VC-JWT's own jwk header key is trusted though nothing binds it to the issuer; a warning"},
		func(r rules) bool { return r.embeddedJWK }},
	{Rule{OptionInsecureDIDKeyIssuer, CheckIssuer, "a did:key may sign for an issuer that is not a DID; a warning naming both"},
		func(r rules) bool { return r.didKeyIss }},
	{Rule{OptionAllowShortLists, CheckCredentialStatus, "a status list shorter than the Bitstring Status List minimum (131,072 entries) is read; a warning"},
		func(r rules) bool { return r.shortLists }},
	{Rule{OptionAllowForeignListSigner, CheckCredentialStatus, "a status list issued by another issuer than the credential's is read (its proof must verify); a warning naming the signer"},
		func(r rules) bool { return r.foreignSigner }},
	{Rule{OptionAllowListIDMismatch, CheckCredentialStatus, "a status list whose id is not the URL it was fetched from (a mirror) is read; a warning"},
		func(r rules) bool { return r.listID }},
	{Rule{OptionAllowInvalidEndorsements, CheckEndorsements, "an embedded endorsement that does not verify is a warning"},
		func(r rules) bool { return r.invalidEndorsements }},
	{Rule{OptionLenientAssociations, checkAssociations, "a CLR association whose source or target is not an achievement of the record is a warning (the validator does not check them)"},
		func(r rules) bool { return r.lenientAssociations }},
}

// Relaxes reports whether the verifier's profile sets option (one of the
// Option... names): for a family's own relaxations, such as the CLR
// family's LenientAssociations.
func (v *Verifier) Relaxes(option string) bool { return v.relaxedBy(option) != "" }

// ErrRelaxed is matched by every [*RelaxedError].
var ErrRelaxed = errors.New("badge: accepted under a relaxed rule")

// RelaxedError is the error of a [Warning] check that strict
// verification would have failed: the check passed only because Option
// was set, by the profile Policy or (Policy empty) one by one. Err is
// what strict verification would have reported (nil where there is no
// error value, such as a legacy suite name); errors.Is and errors.As
// reach it.
type RelaxedError struct {
	Policy Policy // the profile that set Option; "" when it was set on its own
	Option string // the option, one of the Option* names
	Detail string // what was accepted
	Err    error
}

func (e *RelaxedError) Error() string {
	var b strings.Builder
	b.WriteString("badge: accepted only by ")
	b.WriteString(e.Option)
	if e.Policy != "" {
		fmt.Fprintf(&b, " (policy %s)", e.Policy)
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Is matches ErrRelaxed.
func (e *RelaxedError) Is(target error) bool { return target == ErrRelaxed }

// Unwrap returns what strict verification would have failed with.
func (e *RelaxedError) Unwrap() error { return e.Err }

// ErrConflictingOptions is matched by every [*OptionsError].
var ErrConflictingOptions = errors.New("badge: contradictory verifier options")

// OptionsError is a [VerifierOptions] combination that [NewVerifier]
// refuses rather than silently ignore a part of: an option that the
// chosen proof verifier would ignore, or a relaxation outside the named
// profile.
type OptionsError struct {
	Policy Policy // the named profile involved, if any
	Option string // the option refused
	Reason string
}

func (e *OptionsError) Error() string {
	s := "badge: contradictory verifier options: " + e.Option
	if e.Policy != "" {
		s += " with policy " + string(e.Policy)
	}
	return s + ": " + e.Reason
}

// Is matches ErrConflictingOptions.
func (e *OptionsError) Is(target error) bool { return target == ErrConflictingOptions }

// relaxedBy returns the profile that set option, or "" when it was set
// one by one.
func (v *Verifier) relaxedBy(option string) Policy {
	for _, r := range v.o.Policy.Rules() {
		if r.Option == option {
			return v.o.Policy
		}
	}
	return ""
}

// relaxed builds the warning error of a check relaxed by option.
func (v *Verifier) relaxed(option, detail string, err error) *RelaxedError {
	return &RelaxedError{Policy: v.relaxedBy(option), Option: option, Detail: detail, Err: err}
}

// applyPolicy validates o and returns it with its profile's rules set.
func applyPolicy(o VerifierOptions) (VerifierOptions, error) {
	r, ok := policyTable[o.Policy]
	if !ok {
		return o, &UnknownPolicyError{Name: string(o.Policy)}
	}
	if o.Proofs != nil {
		for _, f := range []struct {
			name string
			set  bool
		}{
			{"Resolver", o.Resolver != nil}, {"KeySets", o.KeySets != nil},
			{"InsecureFragmentKeys", o.InsecureFragmentKeys}, {"InsecureEmbeddedJWK", o.InsecureEmbeddedJWK},
			{"AllowedCryptosuites", o.AllowedCryptosuites != nil}, {"RequireAllProofs", o.RequireAllProofs},
		} {
			if f.set {
				return o, &OptionsError{Option: f.name, Reason: "Proofs is set, which would ignore it: set it on the proof.Verifier"}
			}
		}
	}
	if o.Policy == "" {
		return o, nil
	}
	// A named profile is exactly its rules.
	var ch *status.Checker
	if c, ok := o.Status.(*status.Checker); ok {
		ch = c
	}
	var pv proof.Verifier
	if o.Proofs != nil {
		pv = *o.Proofs
	}
	suites := proof.DefaultCryptosuites()
	if r.eddsa2022 {
		suites = append(suites, proof.EdDSA2022)
	}
	if r.ed25519Sig2018 {
		suites = append(suites, proof.Ed25519Signature2018)
	}
	legacy := r.eddsa2022 || r.ed25519Sig2018
	outside := func(list []string) bool {
		return slices.ContainsFunc(list, func(s string) bool { return !slices.Contains(suites, s) })
	}
	for _, f := range []struct {
		name    string
		set, in bool
	}{
		{"AllowNonconforming", o.AllowNonconforming, r.nonconforming},
		{"AllowUnknownSchemas", o.AllowUnknownSchemas, r.unknownSchemas},
		{"AllowedCryptosuites", outside(o.AllowedCryptosuites) || outside(pv.AllowedCryptosuites), false},
		{"InsecureFragmentKeys", o.InsecureFragmentKeys || pv.InsecureFragmentKeys, r.fragmentKeys},
		{"InsecureEmbeddedJWK", o.InsecureEmbeddedJWK || pv.InsecureEmbeddedJWK, r.embeddedJWK},
		{"InsecureDIDKeyIssuer", o.InsecureDIDKeyIssuer, r.didKeyIss},
		{"Proofs.InsecureSkipIssuerBinding", pv.InsecureSkipIssuerBinding, false},
		{"InsecureSkipStatus", o.InsecureSkipStatus, false},
		{"AllowShortLists", o.AllowShortLists || ch != nil && ch.AllowShortLists, r.shortLists},
		{"AllowForeignListSigner", o.AllowForeignListSigner || ch != nil && ch.AllowForeignListSigner, r.foreignSigner},
		{"AllowListIDMismatch", o.AllowListIDMismatch || ch != nil && ch.AllowListIDMismatch, r.listID},
		{"AllowInvalidEndorsements", o.AllowInvalidEndorsements, r.invalidEndorsements},
		{"MaxEndorsementDepth < 0", o.MaxEndorsementDepth < 0, false},
	} {
		if f.set && !f.in {
			return o, &OptionsError{Policy: o.Policy, Option: f.name, Reason: "the profile does not relax this; leave Policy empty to choose relaxations one by one"}
		}
	}
	if (r.shortLists || r.foreignSigner || r.listID) && o.Status != nil {
		if _, ok := o.Status.(statusWithOptions); !ok {
			return o, &OptionsError{Policy: o.Policy, Option: "Status", Reason: "the status checker takes no per-call relaxations (status.Checker.CheckStatusOptions), so the profile's status list rules could not apply"}
		}
	}
	o.AllowNonconforming = o.AllowNonconforming || r.nonconforming
	o.AllowUnknownSchemas = o.AllowUnknownSchemas || r.unknownSchemas
	o.InsecureDIDKeyIssuer = o.InsecureDIDKeyIssuer || r.didKeyIss
	o.AllowShortLists = o.AllowShortLists || r.shortLists
	o.AllowForeignListSigner = o.AllowForeignListSigner || r.foreignSigner
	o.AllowListIDMismatch = o.AllowListIDMismatch || r.listID
	o.AllowInvalidEndorsements = o.AllowInvalidEndorsements || r.invalidEndorsements
	if o.Proofs == nil {
		o.InsecureFragmentKeys = o.InsecureFragmentKeys || r.fragmentKeys
		o.InsecureEmbeddedJWK = o.InsecureEmbeddedJWK || r.embeddedJWK
		o.RequireAllProofs = o.RequireAllProofs || r.requireAllProofs
		if legacy && o.AllowedCryptosuites == nil {
			o.AllowedCryptosuites = suites
		}
		return o, nil
	}
	// The caller's proof verifier (its resolver, key sets, clock), with
	// the profile's proof rules, on a copy.
	pv.InsecureFragmentKeys = pv.InsecureFragmentKeys || r.fragmentKeys
	pv.InsecureEmbeddedJWK = pv.InsecureEmbeddedJWK || r.embeddedJWK
	pv.RequireAllProofs = pv.RequireAllProofs || r.requireAllProofs
	if legacy && pv.AllowedCryptosuites == nil {
		pv.AllowedCryptosuites = suites
	}
	o.Proofs = &pv
	return o, nil
}
