package status

import (
	"context"
	"fmt"
	"strings"

	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// Names of the rules a [Checker] can relax, as [Relaxation.Option] gives
// them. Each is a field of [Checker] and of [CheckOptions].
const (
	RelaxShortLists        = "AllowShortLists"
	RelaxForeignListSigner = "AllowForeignListSigner"
	RelaxListIDMismatch    = "AllowListIDMismatch"
)

// CheckOptions are the per-call options of [Checker.CheckStatusOptions]:
// the verifier for the list's proofs and relaxations added to the
// Checker's own for this call (a verification profile that bundles them,
// for example). A relaxation set here or on the Checker is used only
// where it is needed, and then reported.
type CheckOptions struct {
	// Proofs verifies the list's proofs when the Checker's own Proofs is
	// nil (as the pv of [Checker.CheckStatusWith]).
	Proofs *proof.Verifier
	// AllowShortLists, AllowForeignListSigner and AllowListIDMismatch
	// mean what the Checker's fields of the same names mean.
	AllowShortLists        bool
	AllowForeignListSigner bool
	AllowListIDMismatch    bool
}

// Relaxation reports a rule the Checker relaxed to establish a status: the
// list would have been refused (status unknown) without it.
type Relaxation struct {
	Option  string // RelaxShortLists, RelaxForeignListSigner or RelaxListIDMismatch
	ListURL string // the list it was needed for
	Detail  string // what was accepted, e.g. the signer of a foreign list
}

// String is "DETAIL (accepted by OPTION)".
func (r Relaxation) String() string { return r.Detail + " (accepted by " + r.Option + ")" }

// relaxations are the rules relaxed while loading and trusting a list.
// They are part of the cache key: a list accepted with a relaxation is
// never served to a call without it.
type relaxations struct {
	shortLists, foreignSigner, idMismatch bool
}

func (r relaxations) String() string {
	var parts []string
	if r.shortLists {
		parts = append(parts, "short")
	}
	if r.foreignSigner {
		parts = append(parts, "foreign")
	}
	if r.idMismatch {
		parts = append(parts, "id")
	}
	return strings.Join(parts, ",")
}

// relaxKey carries, inside this package only, the relaxations of one
// CheckStatusOptions call down to the list loader.
type relaxKey struct{}

// relax returns the relaxations in force: those of CheckStatusOptions, or
// the Checker's own fields.
func (ch *Checker) relax(ctx context.Context) relaxations {
	if r, ok := ctx.Value(relaxKey{}).(relaxations); ok {
		return r
	}
	return relaxations{shortLists: ch.AllowShortLists, foreignSigner: ch.AllowForeignListSigner, idMismatch: ch.AllowListIDMismatch}
}

// CheckStatusOptions is CheckStatus with per-call options: the proof
// verifier for lists (as CheckStatusWith) and relaxations added to the
// Checker's own. It returns, beside the result, every rule it relaxed to
// reach it (nil when none was needed); the same notes are appended to the
// result's Message. A revocation or suspension read from a list is
// reported as such whatever was relaxed to read it.
//
// o may be nil: CheckStatus with the relaxation notes.
func (ch *Checker) CheckStatusOptions(ctx context.Context, c *vc.Credential, entry map[string]any, opts *CheckOptions) (*vc.StatusResult, []Relaxation, error) {
	var o CheckOptions
	if opts != nil {
		o = *opts
	}
	ch.once.Do(ch.init)
	if o.Proofs != nil && ch.Proofs == nil {
		ctx = context.WithValue(ctx, proofsKey{}, o.Proofs)
	}
	r := ch.relax(ctx)
	r.shortLists = r.shortLists || o.AllowShortLists
	r.foreignSigner = r.foreignSigner || o.AllowForeignListSigner
	r.idMismatch = r.idMismatch || o.AllowListIDMismatch
	ctx = context.WithValue(ctx, relaxKey{}, r)
	res, notes, err := ch.checkEntry(ctx, c, entry, nil)
	return res, notes, err
}

// listNotes returns the relaxations l needed to be trusted for a
// credential of issuer iss (issuerOK: its issuer needs none, being trusted
// or absent from an unsigned list), and appends them to res.Message.
func listNotes(res *vc.StatusResult, l *cachedList, iss string, issuerOK bool) []Relaxation {
	var notes []Relaxation
	add := func(option, format string, args ...any) {
		notes = append(notes, Relaxation{Option: option, ListURL: res.ListURL, Detail: fmt.Sprintf(format, args...)})
	}
	if l.idMismatch {
		if l.id == "" {
			add(RelaxListIDMismatch, "status list has no id")
		} else {
			add(RelaxListIDMismatch, "status list id %q is not its URL", l.id)
		}
	}
	if l.short {
		add(RelaxShortLists, "status list has %d entries, fewer than the minimum of %d", l.entries, l.minEntries)
	}
	if !issuerOK && l.issuer != iss {
		if l.signer != "" && l.signer != l.issuer {
			add(RelaxForeignListSigner, "status list issued by %q (key %q), not by the credential's issuer %q", l.issuer, l.signer, iss)
		} else {
			add(RelaxForeignListSigner, "status list issued by %q, not by the credential's issuer %q", l.issuer, iss)
		}
	}
	notes = append(notes, l.notes...)
	for _, n := range notes {
		if res.Message != "" {
			res.Message += "; "
		}
		res.Message += n.String()
	}
	return notes
}
