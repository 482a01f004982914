package server

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/vc"
)

// extraDataModelProblems checks the VC data model 2.0 rules that
// [vc.CheckDataModel] leaves out and that an issuer must not sign past:
// validUntil not before validFrom, relatedResource entries (a URL id, a
// well-formed digest, no duplicates), language value objects for name and
// description, and typed presentations. It returns one problem per finding.
func extraDataModelProblems(d map[string]any) []FieldProblem {
	var ps []FieldProblem
	add := func(path, detail string) { ps = append(ps, FieldProblem{Path: path, Detail: detail}) }

	from, fromOK := dateMember(d, "validFrom")
	until, untilOK := dateMember(d, "validUntil")
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
			case !isURL(id):
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
			if hasSRI {
				if s, ok := sri.(string); !ok || !validSRI(s) {
					add(p+".digestSRI", "must be a Subresource Integrity value such as sha384-<base64>")
				}
			}
			if hasMB {
				if s, ok := mb.(string); !ok || !validDigestMultibase(s) {
					add(p+".digestMultibase", "must be a multibase-encoded multihash (base58btc 'z' or base64url 'u')")
				}
			}
		}
	}

	for _, k := range []string{"name", "description"} {
		if v, has := d[k]; has && !validLanguageValue(v) {
			add("$."+k, "must be a string, a language value object or a list of them")
		}
	}
	if iss, ok := d["issuer"].(map[string]any); ok {
		for _, k := range []string{"name", "description"} {
			if v, has := iss[k]; has && !validLanguageValue(v) {
				add("$.issuer."+k, "must be a string, a language value object or a list of them")
			}
		}
	}
	return ps
}

func dateMember(d map[string]any, k string) (time.Time, bool) {
	s, ok := d[k].(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := vc.ParseDateTime(s)
	return t, err == nil
}

// isURL is the data model's notion of a URL: an absolute IRI with a scheme
// and no white space.
func isURL(s string) bool {
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

// validSRI accepts one or more space-separated sha256/384/512 integrity
// values whose digest has the right length.
func validSRI(s string) bool {
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

// validDigestMultibase accepts a base58btc or base64url multibase string
// that decodes to a multihash (code, length, digest of that length).
func validDigestMultibase(s string) bool {
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
		b, ok := decodeBase58(s[1:])
		if !ok {
			return false
		}
		raw = b
	default:
		return false
	}
	code, n := uvarint(raw)
	if n <= 0 {
		return false
	}
	size, m := uvarint(raw[n:])
	if m <= 0 {
		return false
	}
	_ = code
	return uint64(len(raw)-n-m) == size && size > 0
}

func uvarint(b []byte) (uint64, int) {
	var x uint64
	for i := 0; i < len(b) && i < 9; i++ {
		x |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return x, i + 1
		}
	}
	return 0, -1
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

func decodeBase58(s string) ([]byte, bool) {
	if len(s) > 512 {
		return nil, false
	}
	out := []byte{}
	for i := 0; i < len(s); i++ {
		c := strings.IndexByte(base58Alphabet, s[i])
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

// validLanguageValue accepts a string, a value object {"@value": string,
// "@language"?, "@direction"?}, or a list of those.
func validLanguageValue(v any) bool {
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
			if _, isList := e.([]any); isList || !validLanguageValue(e) {
				return false
			}
		}
		return true
	}
	return false
}
