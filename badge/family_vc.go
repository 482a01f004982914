package badge

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/vc"
)

// FamilyVC is the generic W3C Verifiable Credential family ([VCKind]): any
// credential typed VerifiableCredential, verified for what the VC Data
// Model 2.0 (or 1.1) and its securing mechanisms say, and nothing of Open
// Badges. The W3C VC-API endpoints verify as it.
const FamilyVC Family = "VerifiableCredential"

// VCKind is the generic W3C Verifiable Credential family for the kernel:
// the context check ([CheckVCContext], then JSON-LD safe mode and the
// strict compact form), the VC data model ([VCDataModelStep]), the proofs
// (Data Integrity or VC-JWT), issuer binding, the validity window and the
// status, each the shared step of the same name. It adds no model of its
// own: an Open Badge verified as this family is checked as a plain VC.
//
// Its Match takes any document typed VerifiableCredential, and the kinds
// a verifier is given are tried before the built-in Open Badges ones: a
// verifier that also verifies badges should name the family in
// VerifyOptions.Families when it wants it, as the VC-API handlers do:
//
//	v = v.WithKinds(badge.VCKind())
//	res, err := v.VerifyWith(ctx, data, &badge.VerifyOptions{Families: []badge.Family{badge.FamilyVC}})
func VCKind() Kind {
	return Kind{
		Family: FamilyVC,
		Match:  func(c *vc.Credential) bool { return c.HasType("VerifiableCredential") },
		Steps:  []Step{ContextStep(CheckVCContext), VCDataModelStep, ProofStep, IssuerBindingStep, ValidityStep, RelatedResourceStep, StatusStep},
	}
}

// VCDataModelStep is the data model check of the generic VC family
// (reported as [CheckType]): [vc.CheckDataModel] and [VCDataModelProblems],
// every problem in one [*vc.DataModelError] (errors.Is matches
// vc.ErrMalformed).
var VCDataModelStep = Step{ID: CheckType, Check: func(_ context.Context, r *Run) Check {
	if err := CheckVCDataModel(r.Credential); err != nil {
		return Check{Status: Failed, Err: err}
	}
	return Check{Status: Passed, Detail: "VC data model " + versionName(r.Credential)}
}}

func versionName(c *vc.Credential) string {
	switch c.Version() {
	case vc.Version2_0:
		return "2.0"
	case vc.Version1_1:
		return "1.1"
	}
	return "(unknown version)"
}

// CheckVCDataModel checks c against the VC data model: [vc.CheckDataModel]
// and the rules of [VCDataModelProblems]. It returns nil or a
// [*vc.DataModelError] listing every problem with its JSON path.
func CheckVCDataModel(c *vc.Credential) error {
	var problems []vc.Problem
	if err := vc.CheckDataModel(c); err != nil {
		var dme *vc.DataModelError
		if !errors.As(err, &dme) {
			return err
		}
		problems = append(problems, dme.Problems...)
	}
	problems = append(problems, VCDataModelProblems(c.Document())...)
	if len(problems) == 0 {
		return nil
	}
	return &vc.DataModelError{Problems: problems}
}

// VCDataModelProblems checks the VC data model 2.0 rules that
// [vc.CheckDataModel] leaves out: validUntil not before validFrom,
// relatedResource entries (an object with a URL id, not repeated, and a
// well-formed digestSRI or digestMultibase: a digest is checked for its
// form here, not compared with the resource), and name and description
// (of the credential and of its issuer) as strings, language value
// objects or lists of them. Each problem has the JSON path of the member
// and the kind vc.ErrInvalidValue.
func VCDataModelProblems(d map[string]any) []vc.Problem {
	var ps []vc.Problem
	add := func(path, reason string) {
		ps = append(ps, vc.Problem{Path: path, Kind: vc.ErrInvalidValue, Reason: reason})
	}
	from, fromOK := dmDate(d, "validFrom")
	until, untilOK := dmDate(d, "validUntil")
	if fromOK && untilOK && until.Before(from) {
		add("$.validUntil", "must not be before validFrom")
	}
	if v, has := d["relatedResource"]; has {
		items, isArr := v.([]any)
		if !isArr {
			items = []any{v}
		}
		seen := map[string]bool{}
		for i, it := range items {
			p := "$.relatedResource"
			if isArr {
				p += "[" + strconv.Itoa(i) + "]"
			}
			m, ok := it.(map[string]any)
			if !ok {
				add(p, "must be an object")
				continue
			}
			id, _ := m["id"].(string)
			switch {
			case id == "":
				add(p+".id", "is required and must be a URL")
			case !dmIsURL(id):
				add(p+".id", "must be a URL")
			case seen[id]:
				add(p+".id", "must not repeat the id of another related resource")
			}
			seen[id] = true
			sri, hasSRI := m["digestSRI"]
			mb, hasMB := m["digestMultibase"]
			if !hasSRI && !hasMB {
				add(p, "needs digestSRI or digestMultibase")
			}
			if s, ok := sri.(string); hasSRI && (!ok || !dmValidSRI(s)) {
				add(p+".digestSRI", "must be a Subresource Integrity value such as sha384-<base64>")
			}
			if s, ok := mb.(string); hasMB && (!ok || !dmValidDigestMultibase(s)) {
				add(p+".digestMultibase", "must be a multibase-encoded multihash (base58btc 'z' or base64url 'u')")
			}
		}
	}
	for _, k := range []string{"name", "description"} {
		if v, has := d[k]; has && !dmLanguageValue(v) {
			add("$."+k, "must be a string, a language value object or a list of them")
		}
	}
	if iss, ok := d["issuer"].(map[string]any); ok {
		for _, k := range []string{"name", "description"} {
			if v, has := iss[k]; has && !dmLanguageValue(v) {
				add("$.issuer."+k, "must be a string, a language value object or a list of them")
			}
		}
	}
	return ps
}

func dmDate(d map[string]any, k string) (time.Time, bool) {
	s, ok := d[k].(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := vc.ParseDateTime(s)
	return t, err == nil
}

// dmIsURL is the data model's notion of a URL: a scheme, a colon,
// something after it, and no white space or characters a URL may not hold
// unescaped.
func dmIsURL(s string) bool {
	i := strings.IndexByte(s, ':')
	if i <= 0 || i == len(s)-1 || strings.ContainsAny(s, " \t\r\n<>\"{}|\\^`") {
		return false
	}
	for j := 0; j < i; j++ {
		c := s[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// dmValidSRI accepts one or more space-separated sha256, sha384 or sha512
// integrity values whose digest has the right length.
func dmValidSRI(s string) bool {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return false
	}
	for _, f := range fields {
		alg, b64, ok := strings.Cut(f, "-")
		if !ok {
			return false
		}
		b64, _, _ = strings.Cut(b64, "?")
		want := map[string]int{"sha256": 32, "sha384": 48, "sha512": 64}[alg]
		if want == 0 {
			return false
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(raw) != want {
			return false
		}
	}
	return true
}

// dmValidDigestMultibase accepts a base58btc or base64url multibase
// string that decodes to a multihash (code, length, a digest of that
// length).
func dmValidDigestMultibase(s string) bool {
	if len(s) < 2 {
		return false
	}
	var raw []byte
	switch s[0] {
	case 'u':
		b, err := base64.RawURLEncoding.DecodeString(s[1:])
		if err != nil {
			return false
		}
		raw = b
	case 'z':
		b, ok := dmBase58(s[1:])
		if !ok {
			return false
		}
		raw = b
	default:
		return false
	}
	_, n := dmUvarint(raw)
	if n <= 0 {
		return false
	}
	size, m := dmUvarint(raw[n:])
	if m <= 0 {
		return false
	}
	return uint64(len(raw)-n-m) == size && size > 0
}

func dmUvarint(b []byte) (uint64, int) {
	var x uint64
	for i := 0; i < len(b) && i < 9; i++ {
		x |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return x, i + 1
		}
	}
	return 0, -1
}

const dmBase58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// dmBase58 decodes base58btc, for digests (at most 512 characters).
func dmBase58(s string) ([]byte, bool) {
	if len(s) > 512 {
		return nil, false
	}
	out := []byte{}
	for i := 0; i < len(s); i++ {
		c := strings.IndexByte(dmBase58Alphabet, s[i])
		if c < 0 {
			return nil, false
		}
		carry := c
		for j := len(out) - 1; j >= 0; j-- {
			carry += int(out[j]) * 58
			out[j] = byte(carry)
			carry >>= 8
		}
		for carry > 0 {
			out = append([]byte{byte(carry)}, out...)
			carry >>= 8
		}
	}
	for i := 0; i < len(s) && s[i] == '1'; i++ {
		out = append([]byte{0}, out...)
	}
	return out, true
}

// dmLanguageValue accepts a string, a value object {"@value": string,
// "@language"?, "@direction"?}, or a non-empty list of those.
func dmLanguageValue(v any) bool {
	switch t := v.(type) {
	case string:
		return true
	case map[string]any:
		if _, ok := t["@value"].(string); !ok {
			return false
		}
		for k, x := range t {
			switch k {
			case "@value":
			case "@language", "@direction":
				if _, ok := x.(string); !ok {
					return false
				}
			default:
				return false
			}
		}
		if dir, has := t["@direction"]; has && dir != "ltr" && dir != "rtl" {
			return false
		}
		return true
	case []any:
		if len(t) == 0 {
			return false
		}
		for _, e := range t {
			if _, isList := e.([]any); isList || !dmLanguageValue(e) {
				return false
			}
		}
		return true
	}
	return false
}
