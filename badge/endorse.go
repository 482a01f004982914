package badge

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Endorsements
//
// An endorsement is a credential of its own (EndorsementCredential), issued
// by the endorser, whose subject is the id of what it endorses: an
// Achievement, a Profile (typically an issuer) or another credential. Sign
// it with [Issuer.IssueEndorsement] using the endorser's key, then embed the
// result in what it endorses with AddEndorsement, before that is issued.
//
// A Data Integrity endorsement is embedded as an object in "endorsement"; a
// VC-JWT one as a string in "endorsementJwt". Note that the OB 3.0.3
// context published with the specification (the one embedded in package
// vc) does not define the term endorsementJwt, so [Issuer.Issue] refuses a
// credential holding one in JSON-LD safe mode unless the Issuer's Processor
// loads a context that defines it (later revisions of the 3.0.3 context, as
// shipped by the 1EdTech validator, do). Prefer Data Integrity endorsements.

// NewEndorsement returns an endorsement by endorser of the achievement,
// profile or credential whose id is subjectID, with the endorser's comment
// (Markdown allowed; may be empty):
//
//   - @context: the VC 2.0 and OB 3.0.3 contexts;
//   - type: ["VerifiableCredential", "EndorsementCredential"];
//   - credentialSubject: {id: subjectID, type: ["EndorsementSubject"],
//     endorsementComment: comment};
//   - id, validFrom, validUntil, name, description as for [NewCredential];
//     the default name is "Endorsement by <endorser name>" (or
//     "Endorsement").
//
// The endorser is embedded as the issuer Profile; its id must be the
// controller of the key that signs the endorsement.
func NewEndorsement(endorser Profile, subjectID, comment string, o *CredentialOptions) (*EndorsementCredential, error) {
	if subjectID == "" {
		return nil, fmt.Errorf("%w: an endorsement needs the id of what it endorses", ErrInvalidArgument)
	}
	o = o.orZero()
	id, from, until, err := o.header()
	if err != nil {
		return nil, err
	}
	if endorser.Type.IsZero() {
		endorser.Type = Many("Profile")
	}
	name := o.Name
	switch {
	case name != "":
	case endorser.Name != "":
		name = "Endorsement by " + endorser.Name
	default:
		name = "Endorsement"
	}
	return &EndorsementCredential{
		Context:     Contexts(ContextVC2, ContextOB303),
		ID:          id,
		Type:        Many("VerifiableCredential", "EndorsementCredential"),
		Name:        name,
		Description: o.Description,
		Issuer:      Embed(&endorser),
		ValidFrom:   from,
		ValidUntil:  until,
		CredentialSubject: EndorsementSubject{
			ID:                 subjectID,
			Type:               Many("EndorsementSubject"),
			EndorsementComment: comment,
		},
	}, nil
}

// AddEndorsement embeds a signed endorsement of the achievement: a Data
// Integrity one in Endorsement, a VC-JWT in EndorsementJwt. It fails with
// [ErrInvalidArgument] when s is not a signed EndorsementCredential whose
// subject is the achievement's id.
func (a *Achievement) AddEndorsement(s *Signed) error {
	return addEndorsement(s, a.ID, &a.Endorsement, &a.EndorsementJwt)
}

// AddEndorsement embeds a signed endorsement of the profile, as
// [Achievement.AddEndorsement] does.
func (p *Profile) AddEndorsement(s *Signed) error {
	return addEndorsement(s, p.ID, &p.Endorsement, &p.EndorsementJwt)
}

// AddEndorsement embeds a signed endorsement of the credential, as
// [Achievement.AddEndorsement] does. The credential's id must be set (to
// the id the endorsement names) before it is issued.
func (c *AchievementCredential) AddEndorsement(s *Signed) error {
	return addEndorsement(s, c.ID, &c.Endorsement, &c.EndorsementJwt)
}

// addEndorsement checks s and appends it to objs or jwts.
func addEndorsement(s *Signed, target string, objs *OneOrMany[EndorsementCredential], jwts *OneOrMany[string]) error {
	if s == nil {
		return fmt.Errorf("%w: nil endorsement", ErrInvalidArgument)
	}
	if s.Format == JWT && len(s.JSON) == 0 {
		// A bare token (not from IssueEndorsement): only its form is checked.
		if !compactJWS.MatchString(s.JWT) {
			return fmt.Errorf("%w: endorsement JWT is not a compact JWS", ErrInvalidArgument)
		}
		jwts.Values = append(jwts.Values, s.JWT)
		return nil
	}
	// The endorsement itself is in s.JSON for both formats.
	var e EndorsementCredential
	if err := json.Unmarshal(s.JSON, &e); err != nil {
		return fmt.Errorf("%w: endorsement: %w", ErrInvalidArgument, err)
	}
	if !slices.Contains(e.Type.Values, "EndorsementCredential") {
		return fmt.Errorf("%w: not an EndorsementCredential (type %v)", ErrInvalidArgument, e.Type.Values)
	}
	if target != "" && e.CredentialSubject.ID != target {
		return fmt.Errorf("%w: the endorsement is of %q, not of %q", ErrInvalidArgument, e.CredentialSubject.ID, target)
	}
	switch s.Format {
	case JWT:
		if !compactJWS.MatchString(s.JWT) {
			return fmt.Errorf("%w: endorsement JWT is not a compact JWS", ErrInvalidArgument)
		}
		jwts.Values = append(jwts.Values, s.JWT)
	case DataIntegrity:
		if e.Proof.IsZero() {
			return fmt.Errorf("%w: endorsement has no proof", ErrInvalidArgument)
		}
		objs.Values = append(objs.Values, e)
	default:
		return fmt.Errorf("%w: unknown format %v", ErrInvalidArgument, s.Format)
	}
	return nil
}
