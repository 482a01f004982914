package server

import (
	"strings"

	"github.com/openbadges-go/openbadges/badge"
)

// extraDataModelProblems checks the VC data model 2.0 rules that
// [vc.CheckDataModel] leaves out and that an issuer must not sign past:
// validUntil not before validFrom, relatedResource entries (a URL id, a
// well-formed digest, no duplicates), language value objects for name and
// description, and typed presentations. It returns one problem per finding.
func extraDataModelProblems(d map[string]any) []FieldProblem {
	var out []FieldProblem
	for _, p := range badge.VCDataModelProblems(d) {
		out = append(out, FieldProblem{Path: p.Path, Detail: p.Reason})
	}
	return out
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
