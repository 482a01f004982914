package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/vc"
)

// issueChecked issues credential with iss (badge.Issuer.IssueJSON: the Open
// Badges and VC data models, issuer binding, JSON-LD safe mode) and also
// refuses what the library's Issuer leaves to verification: a
// ClrCredential that CLR verification would refuse for its own content
// (recordProblems) and, unless allowExpired, a credential whose
// validUntil or expirationDate is before now. Every problem comes back in
// one *badge.IssueError; nothing is signed when there is one.
func issueChecked(ctx context.Context, iss *badge.Issuer, credential []byte, allowExpired bool, now time.Time) (*badge.Signed, error) {
	var extra []error
	if !allowExpired {
		extra = expiredProblems(credential, now)
	}
	extra = append(extra, recordProblems(credential)...)
	if len(extra) == 0 {
		return iss.IssueJSON(ctx, credential)
	}
	// Refused already: the library's checks too, so that the other
	// problems are listed beside these.
	err := iss.CheckJSON(ctx, credential)
	var ie *badge.IssueError
	switch {
	case errors.As(err, &ie):
		// A path the library reports already (a missing issuer, say) is
		// listed once, as the library words it.
		reported := map[string]bool{}
		for _, f := range ie.Fields() {
			reported[f.Path] = true
		}
		errs := ie.Errs
		for _, e := range extra {
			var fe badge.FieldError
			if errors.As(e, &fe) && reported[fe.Path] {
				continue
			}
			errs = append(errs, e)
		}
		return nil, &badge.IssueError{Errs: errs}
	case err == nil:
		return nil, &badge.IssueError{Errs: extra}
	}
	return nil, err
}

// recordProblems returns, for a ClrCredential (clr.IsRecord), every problem
// of the record's own content that CLR verification refuses
// (clr.ClrCredential.CheckIssuable: the CLR contexts, the model, its
// bounds, every nested credential about the record's subject), each a
// badge.FieldError at its JSON path; nil for any other credential. A record
// that does not decode as a ClrCredential is one problem at "$".
func recordProblems(credential []byte) []error {
	err := clr.CheckIssuableJSON(credential)
	var ve *clr.ValidationError
	if !errors.As(err, &ve) {
		if err != nil {
			return []error{badge.FieldError{Path: "$", Err: err}}
		}
		return nil
	}
	out := make([]error, len(ve.Fields))
	for i, f := range ve.Fields {
		out[i] = badge.FieldError{Path: f.Path, Err: f.Err}
	}
	return out
}

// expiredProblems returns a problem for each end of the validity window
// (validUntil, and expirationDate, its VC 1.1 name) that is before now. A
// malformed date is left to the data model checks, which report it.
func expiredProblems(credential []byte, now time.Time) []error {
	c, err := vc.Parse(credential)
	if err != nil {
		return nil
	}
	var out []error
	for _, key := range []string{"validUntil", "expirationDate"} {
		s, ok := c.Document()[key].(string)
		if !ok {
			continue
		}
		t, err := vc.ParseDateTime(s)
		if err != nil || !t.Before(now) {
			continue
		}
		out = append(out, badge.FieldError{Path: "$." + key, Err: fmt.Errorf(
			"%w: %s is already past (now %s): verifiers would refuse it; --allow-expired signs it anyway (test fixtures)",
			vc.ErrExpired, s, now.UTC().Format(time.RFC3339))})
	}
	return out
}

// reportIssueError prints err for command cmd: a refused credential as one
// line per problem, with its JSON path, then a summary line.
func reportIssueError(e *env, cmd, input string, err error) int {
	var ie *badge.IssueError
	if !errors.As(err, &ie) {
		return failf(e, cmd, "%v", err)
	}
	fields := ie.Fields()
	for _, f := range fields {
		fmt.Fprintf(e.stderr, "openbadges %s: %s\n", cmd, f.Error())
	}
	problems := "problems"
	if len(fields) == 1 {
		problems = "problem"
	}
	return failf(e, cmd, "%s: refused before signing, %d %s; nothing was signed", input, len(fields), problems)
}
