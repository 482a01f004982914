package ob2

import (
	"fmt"
	"io"
	"time"

	"github.com/openbadges-go/openbadges/badge"
)

// UpgradeOptions configure Upgrade. The zero value (or nil) is usable.
type UpgradeOptions struct {
	// Issuer is the issuer of the 3.0 credential: the Profile whose id is
	// the controller of the key that will sign it ([badge.Issuer.Profile]).
	// Nil means a Profile built from the 2.0 issuer (its http(s) id), which
	// only an issuer whose 3.0 key is controlled by that URL can sign.
	// Either way the 2.0 issuer id is kept in otherIdentifier.
	Issuer *badge.Profile
	// Now stamps the evidence (nil: time.Now); Rand makes the new
	// urn:uuid id (nil: crypto/rand).
	Now  func() time.Time
	Rand io.Reader
}

// Upgrade turns a verified Open Badges 2.0 assertion (a result of
// [Verifier.Verify] with Family [Family]) into an unsigned Open Badges 3.0
// AchievementCredential, following 1EdTech's migration guidance:
//   - a new urn:uuid id; validFrom and awardedDate from issuedOn,
//     validUntil from expires;
//   - the BadgeClass becomes the Achievement (same id, name, description,
//     criteria, image, alignments, tags), its 2.0 id kept in
//     otherIdentifier and its related BadgeClasses in related;
//   - the issuer Profile keeps its 2.0 id in otherIdentifier;
//   - the recipient IdentityObject is carried over as the subject's
//     identifier (hashed or not, same salt);
//   - the 2.0 assertion is kept as the first evidence, followed by its own
//     evidence.
//
// It refuses a result that did not verify, or is not a 2.0 assertion
// ([ErrNotVerified]). The credential passes [badge.Issuer]'s checks, so the
// issuer can sign it with [badge.Issuer.Issue].
func Upgrade(res *badge.VerificationResult, o *UpgradeOptions) (*badge.AchievementCredential, error) {
	if res == nil || !res.Verified || res.Family != Family {
		return nil, fmt.Errorf("%w: only a verified Open Badges 2.0 assertion is upgraded", ErrNotVerified)
	}
	a, ok := res.View.(*Assertion)
	if !ok || a.BadgeClass == nil || a.Issuer == nil {
		return nil, fmt.Errorf("%w: the result holds no verified assertion", ErrNotVerified)
	}
	if o == nil {
		o = &UpgradeOptions{}
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	bc := a.BadgeClass.JSON
	other := func(id string) badge.OneOrMany[badge.IdentifierEntry] {
		return badge.Many(badge.IdentifierEntry{Type: badge.One("IdentifierEntry"), Identifier: id, IdentifierType: badge.IdentifierTypeIdentifier})
	}

	ach := badge.NewAchievement(a.BadgeClass.ID, str(bc, "name"), str(bc, "description"), "")
	switch c := bc["criteria"].(type) {
	case string:
		ach.Criteria = &badge.Criteria{ID: c}
	case map[string]any:
		ach.Criteria = &badge.Criteria{ID: str(c, "id"), Narrative: str(c, "narrative")}
		if ach.Criteria.ID == "" && ach.Criteria.Narrative == "" {
			ach.Criteria.Narrative = str(bc, "description")
		}
	}
	if img := imageOf(bc["image"]); !img.IsZero() {
		ach.Image = img
	}
	ach.OtherIdentifier = other(a.BadgeClass.ID)
	for _, rel := range list(bc["related"]) {
		if id := idOf(rel); isIRI(id) {
			ach.Related = badge.Many(append(ach.Related.Values, badge.Related{ID: id, Type: badge.One("Related"), InLanguage: str(mapOf(rel), "@language"), Version: str(mapOf(rel), "version")})...)
		}
	}
	if lang := str(bc, "@language"); lang != "" {
		ach.InLanguage = lang
	}
	for _, al := range list(bc["alignment"]) {
		m := mapOf(al)
		ach.Alignment = badge.Many(append(ach.Alignment.Values, badge.Alignment{Type: badge.One("Alignment"), TargetName: str(m, "targetName"), TargetURL: str(m, "targetUrl"),
			TargetDescription: str(m, "targetDescription"), TargetFramework: str(m, "targetFramework"), TargetCode: str(m, "targetCode")})...)
	}
	if tags := stringsOf(bc["tags"]); len(tags) > 0 {
		ach.Tag = badge.Many(tags...)
	}

	var issuer badge.Profile
	if o.Issuer != nil {
		issuer = *o.Issuer
	} else {
		id := a.Issuer.ID
		if !isHTTPURL(id) {
			id = a.Issuer.URL
		}
		issuer = badge.NewProfile(id, a.Issuer.Name())
		issuer.URL = firstURL(a.Issuer.JSON["url"])
		issuer.Email = first(stringsOf(a.Issuer.JSON["email"]))
		issuer.Description = str(a.Issuer.JSON, "description")
		if img := imageOf(a.Issuer.JSON["image"]); !img.IsZero() {
			issuer.Image = img
		}
	}
	issuer.OtherIdentifier = badge.Many(append(issuer.OtherIdentifier.Values, other(a.Issuer.ID).Values...)...)

	// NewCredential makes the subject from a recipient; a 2.0 hashed
	// identity cannot be hashed again, so it is carried over afterwards.
	co := &badge.CredentialOptions{ValidFrom: a.IssuedOn, ValidUntil: a.Expires, Rand: o.Rand, Name: ach.Name}
	c, err := badge.NewCredential(issuer, ach, badge.RecipientDID("urn:ob2:recipient"), co)
	if err != nil {
		return nil, err
	}
	s := &c.CredentialSubject
	s.ID = ""
	r := a.Recipient
	if r.Type == "id" && !r.Hashed && isIRI(r.Identity) {
		s.ID = r.Identity
	} else {
		s.Identifier = badge.Many(badge.IdentityObject{Type: badge.One("IdentityObject"), Hashed: r.Hashed, IdentityHash: r.Identity, IdentityType: identifierType(r.Type), Salt: r.Salt})
	}
	if n := str(a.JSON, "narrative"); n != "" {
		s.Narrative = n
	}
	c.AwardedDate = badge.NewDateTime(a.IssuedOn)

	ev := badge.Evidence{Type: badge.Many("Evidence"), Name: "Open Badges 2.0 assertion",
		Description: fmt.Sprintf("Upgraded from the Open Badges 2.0 assertion %s (%s verification), verified %s.", a.ID, a.Verification, badge.NewDateTime(now()))}
	if isHTTPURL(a.ID) {
		ev.ID = a.ID
	}
	evidence := []badge.Evidence{ev}
	for _, e := range list(a.JSON["evidence"]) {
		switch t := e.(type) {
		case string:
			evidence = append(evidence, badge.Evidence{ID: t, Type: badge.Many("Evidence")})
		case map[string]any:
			x := badge.Evidence{Type: badge.Many("Evidence"), Narrative: str(t, "narrative"), Name: str(t, "name"),
				Description: str(t, "description"), Genre: str(t, "genre"), Audience: str(t, "audience")}
			if id := str(t, "id"); isIRI(id) {
				x.ID = id
			}
			evidence = append(evidence, x)
		}
	}
	c.Evidence = badge.Many(evidence...)
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func imageOf(v any) badge.IDOrObject[badge.Image] {
	id := idOf(v)
	if id == "" || !isIRI(id) && !isDataURI(id) {
		return badge.IDOrObject[badge.Image]{}
	}
	return badge.NewImage(id, str(mapOf(v), "caption"))
}

func first(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return l[0]
}

func firstURL(v any) string {
	for _, s := range stringsOf(v) {
		if isHTTPURL(s) {
			return s
		}
	}
	return ""
}
