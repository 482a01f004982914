package badge

import (
	"context"
	"encoding/json"
	"fmt"
)

// RecipientStep matches the subject against the recipient the caller
// expects (VerifyOptions.Recipient); skipped when none is given.
var RecipientStep = Step{ID: CheckRecipient, Check: func(_ context.Context, r *Run) Check {
	if r.Options.Recipient == nil {
		return Check{Status: Skipped, Detail: "no recipient given"}
	}
	return asCheck(checkRecipient(r.Result, *r.Options.Recipient))
}}

// checkRecipient matches the subject against the caller's recipient.
func checkRecipient(r *VerificationResult, want ExpectedRecipient) (CheckID, CheckStatus, error, string) {
	subs := r.Credential.Subjects()
	for _, s := range subs {
		if id, _ := s["id"].(string); id != "" && (want.Type == "did" || want.Type == "url" || want.Type == "id") && id == want.Value {
			return CheckRecipient, Passed, nil, "subject id matches"
		}
		for _, e := range objectsOf(s["identifier"]) {
			raw, _ := json.Marshal(e)
			var io IdentityObject
			if json.Unmarshal(raw, &io) != nil {
				continue
			}
			ok, err := io.Matches(want.Type, want.Value)
			if err == nil && ok {
				return CheckRecipient, Passed, nil, "identifier " + string(want.Type) + " matches"
			}
		}
	}
	return CheckRecipient, Failed, fmt.Errorf("%w: no subject id or identifier matches %s", ErrRecipientMismatch, want.Type), ""
}

// RecipientMatches reports whether a verified document's subject is the
// recipient a caller expects (nil), or why not (an error matching
// ErrRecipientMismatch).
func RecipientMatches(r *VerificationResult, want ExpectedRecipient) error {
	if r == nil || r.Credential == nil {
		return fmt.Errorf("%w: nothing was verified", ErrRecipientMismatch)
	}
	_, st, err, _ := checkRecipient(r, want)
	if st != Passed {
		return err
	}
	return nil
}
