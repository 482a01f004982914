package pathway

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
)

// CompleteOptions adjusts [Complete].
type CompleteOptions struct {
	// Credential sets the stacked credential's id, dates, clock and
	// randomness (see badge.CredentialOptions).
	Credential *badge.CredentialOptions
	// IssuerName is the issuer profile's name ("" = the goal creator's
	// name, else the issuer id).
	IssuerName string
}

// Complete issues the stacked AchievementCredential for the pathway's goal
// to recipient, once progress is complete. Its evidence names every
// component credential used (id, name, and the narrative "component of
// pathway <id>"); creditsEarned is the sum of their credits when any carry
// credits. It fails with [ErrNotComplete] otherwise.
func Complete(ctx context.Context, iss *badge.Issuer, p *Pathway, prog *Progress, recipient badge.Recipient, o *CompleteOptions) (*badge.Signed, error) {
	if prog == nil || !prog.Complete {
		return nil, ErrNotComplete
	}
	if prog.Pathway != p.ID {
		return nil, fmt.Errorf("%w: progress is for pathway %q, not %q", ErrInvalid, prog.Pathway, p.ID)
	}
	var opt CompleteOptions
	if o != nil {
		opt = *o
	}
	name := opt.IssuerName
	if name == "" && p.Goal.Creator != nil {
		name = p.Goal.Creator.Name
	}
	profile := iss.Profile(name)
	c, err := badge.NewCredential(profile, p.Goal, recipient, opt.Credential)
	if err != nil {
		return nil, err
	}
	credits := 0.0
	for _, cr := range prog.Credentials {
		if !slices.Contains(prog.Used, cr.ID) {
			continue
		}
		credits += cr.Credits
		c.Evidence.Values = append(c.Evidence.Values, badge.Evidence{
			ID:        cr.ID,
			Type:      badge.One("Evidence"),
			Name:      cr.Name,
			Narrative: fmt.Sprintf("Component credential for %s, issued by %s; component of pathway %s.", cr.Achievement, cr.Issuer, p.ID),
		})
	}
	if credits > 0 {
		c.CredentialSubject.CreditsEarned = jsonNumber(credits)
	}
	return iss.Issue(ctx, c)
}

// Bundle returns a ClrCredential published by publisher for the learner
// subjectID holding the stacked credential and its components (signed
// bytes: JSON or compact JWT), the definitions of the goal and the
// component achievements, and the associations of [ToAssociations]. Sign it
// with a clr.Issuer, which refuses a record holding a credential about
// anyone but subjectID (clr.ErrSubjectMismatch), as verification would.
func Bundle(p *Pathway, publisher badge.Profile, subjectID string, credentials [][]byte, o *clr.Options) (*clr.ClrCredential, error) {
	rec, err := clr.New(publisher, subjectID, o)
	if err != nil {
		return nil, err
	}
	for _, b := range credentials {
		if err := rec.AddCredential(b); err != nil {
			return nil, err
		}
	}
	m := ToAssociations(p)
	for _, a := range m.Achievements {
		rec.CredentialSubject.AddAchievement(a)
	}
	rec.CredentialSubject.Association = m.Associations
	return rec, nil
}

func jsonNumber(f float64) json.Number {
	return json.Number(strconv.FormatFloat(f, 'f', -1, 64))
}
