package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/openbadges-go/openbadges/badge"
)

// inputName names a file argument in messages: "stdin" for "-".
func inputName(path string) string {
	if path == "-" {
		return "stdin"
	}
	return path
}

// checkMarks are the status marks of a check line, all four characters
// wide so that the check names line up.
var checkMarks = map[badge.CheckStatus]string{badge.Passed: "ok  ", badge.Failed: "FAIL", badge.Warning: "warn", badge.Skipped: "skip"}

// printCheck writes one check as verify and verify-presentation print it:
// indent, the status mark, the check id, then the error or the detail.
func printCheck(w io.Writer, indent string, id string, st badge.CheckStatus, err error, detail string) {
	line := fmt.Sprintf("%s[%s] %-16s", indent, checkMarks[st], id)
	switch {
	case err != nil:
		line += " " + err.Error()
	case detail != "":
		line += " " + detail
	}
	fmt.Fprintln(w, strings.TrimRight(line, " "))
}
