package badge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/openbadges-go/openbadges/internal/budget"
	"github.com/openbadges-go/openbadges/vc"
)

// EndorsementsStep verifies every embedded endorsement (endorsement
// objects and endorsementJwt strings, wherever they are written)
// recursively through the kernel, to a bounded depth; each must be an
// EndorsementCredential about the object it is attached to. Nothing is
// fetched for them unless the credential's own proof verified.
var EndorsementsStep = Step{ID: CheckEndorsements, Check: func(ctx context.Context, r *Run) Check {
	return collect(func(add adder) { r.Verifier.checkEndorsements(ctx, r.Credential.Document(), r.Result, r.Depth, add) })
}}

// checkEndorsements verifies embedded endorsements (endorsement objects
// and endorsementJwt strings) recursively, to a bounded depth.
func (v *Verifier) checkEndorsements(ctx context.Context, doc map[string]any, r *VerificationResult, depth int, add adder) {
	type found struct {
		path   string
		target string // the id of the object the endorsement is attached to
		data   []byte
		val    map[string]any
	}
	// Every endorsement in the document counts, wherever it is written:
	// Open Badges embeds them in the credential, its issuer, the
	// achievement and its creator, but the signed graph says "node X is
	// endorsed by E" on any object with X's id (a profile repeated as a
	// subject's source, an achievement's criteria), and a holder must not
	// be able to move a failing endorsement out of sight.
	var all []found
	// The path is a stack of segments, written out only where an
	// endorsement is found (most credentials have none: the walk must not
	// format a path per member).
	var segs []string
	pathOf := func(last string) string { return "$" + strings.Join(segs, "") + last }
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for i, it := range x {
				switch it.(type) {
				case []any, map[string]any:
					segs = append(segs, "["+strconv.Itoa(i)+"]")
					walk(it)
					segs = segs[:len(segs)-1]
				}
			}
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k, e := range x {
				switch e.(type) {
				case []any, map[string]any:
					keys = append(keys, k)
				}
			}
			slices.Sort(keys)
			for _, k := range keys {
				switch k {
				case "endorsement":
					target, _ := x["id"].(string)
					for i, e := range listOf(x[k]) {
						if em, ok := e.(map[string]any); ok {
							all = append(all, found{path: pathOf(fmt.Sprintf(".endorsement[%d]", i)), target: target, val: em})
						}
					}
				case "endorsementJwt":
					target, _ := x["id"].(string)
					for i, e := range listOf(x[k]) {
						if s, ok := e.(string); ok {
							all = append(all, found{path: pathOf(fmt.Sprintf(".endorsementJwt[%d]", i)), target: target, data: []byte(s)})
						}
					}
				case "proof", "verifiableCredential", "@context":
					// Proofs and embedded credentials are not this
					// credential's endorsements.
				default:
					segs = append(segs, "."+k)
					walk(x[k])
					segs = segs[:len(segs)-1]
				}
			}
			// A single endorsementJwt string is not a container: look
			// for it directly.
			if e, ok := x["endorsementJwt"].(string); ok {
				target, _ := x["id"].(string)
				all = append(all, found{path: pathOf(".endorsementJwt[0]"), target: target, data: []byte(e)})
			}
		}
	}
	if anyEndorsement(doc) {
		walk(doc)
	}
	if len(all) == 0 {
		add(CheckEndorsements, Skipped, nil, "no endorsements")
		return
	}
	if !proofVerified(r) {
		add(CheckEndorsements, Skipped, nil, "endorsements "+notFetched)
		return
	}
	if v.o.MaxEndorsementDepth < 0 {
		add(CheckEndorsements, Skipped, nil, "endorsement verification disabled")
		return
	}
	if depth >= v.o.MaxEndorsementDepth {
		add(CheckEndorsements, Skipped, nil, fmt.Sprintf("endorsements nested deeper than %d are not verified", v.o.MaxEndorsementDepth))
		return
	}
	if len(all) > maxEndorsementsPerLevel {
		add(CheckEndorsements, Failed, fmt.Errorf("%w: more than %d endorsements", ErrEndorsement, maxEndorsementsPerLevel), "")
		return
	}
	var failed []string
	var spent error // the budget error that ended the loop or failed an endorsement
	for _, f := range all {
		if err := budget.From(ctx).Err(); err != nil {
			spent = err
			break
		}
		var er *VerificationResult
		if f.val != nil {
			er = v.runValue(ctx, f.val, depth+1)
		} else {
			er = v.run(ctx, f.data, endorsementParams(depth+1))
		}
		if er.Credential != nil {
			// An endorsement counts for what it endorses only: its subject
			// must be the object it is attached to (a genuine endorsement
			// of another issuer must not lend its weight here).
			subj := ""
			if cs, ok := er.Credential.Document()["credentialSubject"].(map[string]any); ok {
				subj, _ = cs["id"].(string)
			}
			if subj == "" || subj != f.target {
				bad := Check{ID: CheckSubject, Status: Failed,
					Err: fmt.Errorf("%w: the endorsement is about %q but is attached to %q", ErrEndorsement, subj, f.target)}
				replaced := false
				for i := range er.Checks {
					if er.Checks[i].ID == CheckSubject {
						er.Checks[i], replaced = bad, true
					}
				}
				if !replaced {
					er.Checks = append(er.Checks, bad)
				}
				er.Verified = false
			}
		}
		r.Endorsements = append(r.Endorsements, &EndorsementResult{Path: f.path, Result: er})
		if !er.Verified {
			failed = append(failed, f.path)
			if err := budgetFailure(er.Checks); err != nil && spent == nil {
				spent = err
			}
		}
	}
	if spent != nil {
		// Not a verdict on the endorsements: the budget ran out. Fails even
		// with AllowInvalidEndorsements.
		add(CheckEndorsements, Failed, fmt.Errorf("%w: %w", ErrEndorsement, spent), fmt.Sprintf("%d of %d endorsement(s) verified before the budget ran out", len(r.Endorsements)-len(failed), len(all)))
		return
	}
	const see = "an endorsement is a third party's statement about the credential; see VerificationResult.Endorsements"
	if len(failed) > 0 {
		err := fmt.Errorf("%w: %s", ErrEndorsement, strings.Join(failed, ", "))
		if v.o.AllowInvalidEndorsements {
			add(CheckEndorsements, Warning, v.relaxed(OptionAllowInvalidEndorsements, "an embedded endorsement does not verify", err), see)
			return
		}
		add(CheckEndorsements, Failed, err, see)
		return
	}
	// An endorsement that verified only under a relaxed rule: its own
	// result says which; this check says that one did.
	var relaxed []string
	for _, e := range r.Endorsements {
		for _, ch := range e.Result.Checks {
			if ch.Status == Warning && errors.Is(ch.Err, ErrRelaxed) {
				relaxed = append(relaxed, e.Path)
				break
			}
		}
	}
	if len(relaxed) > 0 {
		add(CheckEndorsements, Warning, &RelaxedError{Policy: v.o.Policy, Option: "(see the endorsement's checks)",
			Detail: "verified only under relaxed rules: " + strings.Join(relaxed, ", ")}, fmt.Sprintf("%d endorsement(s) verified", len(all)))
		return
	}
	add(CheckEndorsements, Passed, nil, fmt.Sprintf("%d endorsement(s) verified", len(all)))
}

// runValue verifies an embedded JSON credential from its parsed value: the
// proofs are checked over that value, which is exactly what was embedded.
func (v *Verifier) runValue(ctx context.Context, val map[string]any, depth int) *VerificationResult {
	raw, err := json.Marshal(val)
	if err != nil {
		return &VerificationResult{Checks: []Check{{ID: CheckParse, Status: Failed, Err: err}}}
	}
	if err := budget.From(ctx).Credential(); err != nil {
		return &VerificationResult{Checks: []Check{{ID: CheckParse, Status: Failed, Err: err, Detail: "not verified: the verification's budget of credentials is spent"}}}
	}
	// The value was read by the strict parser with the credential that
	// holds it (its limits included): it is not parsed a second time.
	cred, err := vc.FromValue(raw, val)
	return v.runParsed(ctx, parsed{input: InputJSON, cred: cred, err: err}, endorsementParams(depth))
}

func listOf(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

// endorsementParams verifies an endorsement at depth: as an
// EndorsementCredential only, never refreshed.
func endorsementParams(depth int) runParams {
	return runParams{opts: &VerifyOptions{}, depth: depth, families: []Family{FamilyEndorsement}}
}

// anyEndorsement reports whether walk would find an endorsement in v (an
// "endorsement" or "endorsementJwt" member outside proofs, embedded
// credentials and contexts), without allocating: most credentials have
// none, and the ordered walk that names their paths is then skipped.
func anyEndorsement(v any) bool {
	switch x := v.(type) {
	case []any:
		for _, it := range x {
			if anyEndorsement(it) {
				return true
			}
		}
	case map[string]any:
		for k, e := range x {
			switch k {
			case "endorsement", "endorsementJwt":
				return true
			case "proof", "verifiableCredential", "@context":
			default:
				if anyEndorsement(e) {
					return true
				}
			}
		}
	}
	return false
}
