package badge

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
)

// Building credentials
//
// The constructors below make the common case short; they only fill in
// what the data model requires (types, contexts, an id, dates) and return
// ordinary structs, so anything else is set on the result as on a struct
// literal. Struct literals work just as well: [Issuer.Issue] checks
// whatever it is given.

// NewProfile returns a Profile (type ["Profile"]) with the given id and
// name. For an issuer, id must be the controller of the signing key, for
// example the did:key of a key from did.GenerateKey, or the https URL of the
// issuer's profile document; see [Issuer.Profile]. Set URL, Email, Image,
// Description and so on on the result.
func NewProfile(id, name string) Profile {
	return Profile{ID: id, Type: Many("Profile"), Name: name}
}

// NewAchievement returns an Achievement (type ["Achievement"]) with its
// REQUIRED members: id (a URL or urn:uuid), name, description, and criteria
// as a narrative (Markdown allowed). Set AchievementType, Image, Alignment,
// Tag and so on on the result.
func NewAchievement(id, name, description, criteria string) Achievement {
	return Achievement{
		ID:          id,
		Type:        Many("Achievement"),
		Name:        name,
		Description: description,
		Criteria:    &Criteria{Narrative: criteria},
	}
}

// NewAlignment returns an Alignment (type ["Alignment"]) to the framework
// node named targetName at targetURL, both REQUIRED. Set TargetType,
// TargetCode, TargetFramework and TargetDescription on the result.
func NewAlignment(targetName, targetURL string) Alignment {
	return Alignment{Type: Many("Alignment"), TargetName: targetName, TargetURL: targetURL}
}

// NewImage returns an embedded Image object (type "Image") for the image at
// id, a URL or a data: URI, with an optional caption: the form the Open
// Badges JSON Schema expects for image members.
func NewImage(id, caption string) IDOrObject[Image] {
	return Embed(&Image{ID: id, Type: One("Image"), Caption: caption})
}

// Recipient says who receives a credential: by ID (a DID or another URL,
// written as credentialSubject.id), by an identifier written as an
// IdentityObject in credentialSubject.identifier, or both. A hashed
// identifier is hashed with a fresh salt when the credential is built
// ([NewHashedIdentity]); prefer it for anything that identifies a person,
// such as an e-mail address.
type Recipient struct {
	// ID is the recipient's DID or URL; "" for none.
	ID string
	// IdentityType and Identity name the recipient by an identifier
	// (e-mail address, sourcedId, student number as "ext:studentId", ...);
	// Identity "" for none.
	IdentityType IdentifierType
	Identity     string
	// Hashed writes Identity as a salted SHA-256 hash ("sha256$<hex>")
	// instead of in plain text.
	Hashed bool
}

// RecipientDID names the recipient by a DID (or another URL), written as
// credentialSubject.id.
func RecipientDID(id string) Recipient { return Recipient{ID: id} }

// RecipientEmail names the recipient by e-mail address, hashed with a fresh
// salt. The address is trimmed and lower-cased before hashing (see
// [NormalizeIdentifier]).
func RecipientEmail(email string) Recipient {
	return Recipient{IdentityType: IdentifierTypeEmailAddress, Identity: email, Hashed: true}
}

// RecipientPlainEmail names the recipient by e-mail address in plain text.
// Prefer [RecipientEmail], which hashes it.
func RecipientPlainEmail(email string) Recipient {
	return Recipient{IdentityType: IdentifierTypeEmailAddress, Identity: email}
}

// RecipientIdentifier names the recipient by an identifier of the given
// type ([IdentifierTypeSourcedId], [IdentifierTypeSisSourcedId], an
// extension value such as "ext:studentId", ...), hashed or in plain text.
func RecipientIdentifier(identityType IdentifierType, value string, hashed bool) Recipient {
	return Recipient{IdentityType: identityType, Identity: value, Hashed: hashed}
}

// Subject returns an AchievementSubject (type ["AchievementSubject"]) for
// the recipient, without an achievement; a hashed identifier gets a fresh
// salt read from random (crypto/rand when nil). It fails with
// [ErrInvalidArgument] when the recipient names no one.
func (r Recipient) Subject(random io.Reader) (AchievementSubject, error) {
	s := AchievementSubject{ID: r.ID, Type: Many("AchievementSubject")}
	if strings.TrimSpace(r.Identity) != "" {
		if r.IdentityType == "" {
			return AchievementSubject{}, fmt.Errorf("%w: recipient identifier %q has no identity type", ErrInvalidArgument, r.Identity)
		}
		var id IdentityObject
		if r.Hashed {
			var err error
			if id, err = NewHashedIdentity(r.IdentityType, r.Identity, random); err != nil {
				return AchievementSubject{}, err
			}
		} else {
			id = NewPlainIdentity(r.IdentityType, r.Identity)
		}
		s.Identifier = Many(id)
	}
	if s.ID == "" && s.Identifier.IsZero() {
		return AchievementSubject{}, fmt.Errorf("%w: the recipient has neither an id nor an identifier", ErrInvalidArgument)
	}
	return s, nil
}

// CredentialOptions adjusts [NewCredential] and [NewEndorsement]. The zero
// value (or nil) gives a fresh urn:uuid id, validFrom now, no validUntil,
// and the achievement's name as the credential's name.
type CredentialOptions struct {
	// ID is the credential's id ("" = a fresh "urn:uuid:" from Rand).
	ID string
	// Name and Description of the credential ("" = the achievement's name
	// for NewCredential, "Endorsement by <endorser name>" for
	// NewEndorsement; no description).
	Name, Description string
	// ValidFrom (zero = Now(), to the second) and ValidUntil (zero = none).
	ValidFrom, ValidUntil time.Time
	// Now is the clock (nil = time.Now).
	Now func() time.Time
	// Rand is the source of ids and salts (nil = crypto/rand).
	Rand io.Reader
}

func (o *CredentialOptions) orZero() *CredentialOptions {
	if o == nil {
		return &CredentialOptions{}
	}
	return o
}

func (o *CredentialOptions) random() io.Reader {
	if o.Rand == nil {
		return rand.Reader
	}
	return o.Rand
}

// header returns id, validFrom and validUntil.
func (o *CredentialOptions) header() (id string, from, until DateTime, err error) {
	id = o.ID
	if id == "" {
		if id, err = NewUUIDURN(o.random()); err != nil {
			return "", "", "", err
		}
	}
	t := o.ValidFrom
	if t.IsZero() {
		t = now(o.Now)
	}
	from = NewDateTime(t)
	if !o.ValidUntil.IsZero() {
		if !o.ValidUntil.After(t) {
			return "", "", "", fmt.Errorf("%w: validUntil %s is not after validFrom %s", ErrInvalidArgument, NewDateTime(o.ValidUntil), from)
		}
		until = NewDateTime(o.ValidUntil)
	}
	return id, from, until, nil
}

func now(f func() time.Time) time.Time {
	if f == nil {
		return time.Now()
	}
	return f()
}

// NewCredential returns an Open Badges 3.0 credential awarding achievement
// to recipient, issued by issuer (embedded as the issuer Profile):
//
//   - @context: the VC 2.0 and OB 3.0.3 contexts ([ContextVC2], [ContextOB303]);
//   - type: ["VerifiableCredential", "OpenBadgeCredential"];
//   - id: a fresh "urn:uuid:" unless o.ID is set;
//   - validFrom: now unless o.ValidFrom is set; validUntil from o;
//   - name: the achievement's name unless o.Name is set.
//
// The issuer, achievement and subject get their REQUIRED type ("Profile",
// "Achievement", "AchievementSubject") when theirs is empty. Nothing is
// validated here: [Issuer.Issue] checks the result. It fails with
// [ErrInvalidArgument] when the recipient names no one, or when reading
// randomness fails.
func NewCredential(issuer Profile, achievement Achievement, recipient Recipient, o *CredentialOptions) (*AchievementCredential, error) {
	o = o.orZero()
	subject, err := recipient.Subject(o.random())
	if err != nil {
		return nil, err
	}
	id, from, until, err := o.header()
	if err != nil {
		return nil, err
	}
	if issuer.Type.IsZero() {
		issuer.Type = Many("Profile")
	}
	if achievement.Type.IsZero() {
		achievement.Type = Many("Achievement")
	}
	subject.Achievement = &achievement
	name := o.Name
	if name == "" {
		name = achievement.Name
	}
	return &AchievementCredential{
		Context:           Contexts(ContextVC2, ContextOB303),
		ID:                id,
		Type:              Many("VerifiableCredential", "OpenBadgeCredential"),
		Name:              name,
		Description:       o.Description,
		Issuer:            Embed(&issuer),
		ValidFrom:         from,
		ValidUntil:        until,
		CredentialSubject: subject,
	}, nil
}

// NewUUIDURN returns a random (version 4) UUID as a URN,
// "urn:uuid:xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", reading 16 bytes from
// random (crypto/rand when nil).
func NewUUIDURN(random io.Reader) (string, error) {
	if random == nil {
		random = rand.Reader
	}
	var b [16]byte
	if _, err := io.ReadFull(random, b[:]); err != nil {
		return "", fmt.Errorf("badge: reading randomness for an id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 9562 variant
	h := hex.EncodeToString(b[:])
	return "urn:uuid:" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
}
