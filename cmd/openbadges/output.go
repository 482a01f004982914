package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/presentation"
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

// printPresentationReport writes the human report of verify-presentation
// in the style of verify's: the verdict, the holder, one line per check,
// then each credential with the checks of its own that did not pass.
func printPresentationReport(e *env, name string, res *presentation.Result) {
	w := e.stdout
	verdict := "VERIFIED"
	if !res.Verified {
		verdict = "NOT VERIFIED"
	}
	fmt.Fprintf(w, "%s: %s\n", inputName(name), verdict)
	fmt.Fprintf(w, "  holder     %s\n", orNone(res.Holder))
	for _, c := range res.Checks {
		printCheck(w, "  ", string(c.ID), c.Status, c.Err, c.Detail)
	}
	for _, c := range res.Credentials {
		st := "verified"
		if c.Err != nil {
			st = "NOT VERIFIED"
		}
		id := ""
		if c.Result != nil && c.Result.Credential != nil {
			id = c.Result.Credential.ID()
		}
		fmt.Fprintf(w, "  credential %d %s (%s): %s\n", c.Index, orNone(id), c.Format, st)
		if c.Result == nil {
			continue
		}
		for _, ch := range c.Result.Checks {
			if ch.Status == badge.Failed || ch.Status == badge.Warning {
				printCheck(w, "    ", string(ch.ID), ch.Status, ch.Err, ch.Detail)
			}
		}
	}
}
