package learner

import (
	"encoding/json"
	"strings"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/vc"
)

// holderIdentities lists who the learner p is: its id, its e-mail address
// and its other identifiers, as the badge package's recipient matching
// names them.
func holderIdentities(p badge.Profile) []badge.ExpectedRecipient {
	var out []badge.ExpectedRecipient
	if p.ID != "" {
		out = append(out, badge.ExpectedRecipient{Type: "id", Value: p.ID})
	}
	if strings.TrimSpace(p.Email) != "" {
		out = append(out, badge.ExpectedRecipient{Type: badge.IdentifierTypeEmailAddress, Value: p.Email})
	}
	for _, e := range p.OtherIdentifier.Values {
		if e.IdentifierType != "" && strings.TrimSpace(e.Identifier) != "" {
			out = append(out, badge.ExpectedRecipient{Type: e.IdentifierType, Value: e.Identifier})
		}
	}
	return out
}

// aboutHolder checks that every subject of c is the holder: its id is the
// holder's id, or (when it has no id) one of its identifiers matches an
// identifier of the holder, hashed or not. A subject whose id is another
// id is not the holder, whatever its identifiers say. A credential without
// a subject is not about the holder.
func (w *Wallet) aboutHolder(c *vc.Credential) error {
	subjects := c.Subjects()
	if len(subjects) == 0 {
		return &NotHolderError{Credential: c.ID()}
	}
	for _, s := range subjects {
		id, _ := s["id"].(string)
		if !w.isHolder(id, identityObjects(s["identifier"])) {
			return &NotHolderError{Credential: c.ID(), Subject: id}
		}
	}
	return nil
}

// isHolder reports whether a subject with the given id and identifiers is
// the holder: when both the subject and the holder have an id, the ids
// decide; otherwise an identifier of the subject must name the holder.
func (w *Wallet) isHolder(id string, identifiers []badge.IdentityObject) bool {
	if id != "" && w.Profile.ID != "" {
		return id == w.Profile.ID
	}
	return len(w.matchingIdentifiers(identifiers)) > 0
}

// clrIdentifiers returns the identifiers that name the holder in the
// credentials whose subject is not named by the holder's id, each once:
// an exported CLR lists them in its subject so that its verifier can see
// that those credentials are about the record's subject. They are copied
// as the issuers wrote them (a hashed one stays hashed, with its salt), so
// the record discloses nothing its credentials do not.
func (w *Wallet) clrIdentifiers(entries []*Entry) []badge.IdentityObject {
	var out []badge.IdentityObject
	seen := map[string]bool{}
	for _, e := range entries {
		for _, s := range e.Result.Credential.Subjects() {
			if id, _ := s["id"].(string); id != "" && id == w.Profile.ID {
				continue
			}
			for _, o := range w.matchingIdentifiers(identityObjects(s["identifier"])) {
				k := string(o.IdentityType) + "\x00" + o.IdentityHash + "\x00" + o.Salt
				if !seen[k] {
					seen[k] = true
					out = append(out, o)
				}
			}
		}
	}
	return out
}

// matchingIdentifiers returns the identifiers that name the holder.
func (w *Wallet) matchingIdentifiers(identifiers []badge.IdentityObject) []badge.IdentityObject {
	var out []badge.IdentityObject
	for _, o := range identifiers {
		for _, h := range w.identities {
			if h.Type == "id" {
				continue
			}
			if ok, err := o.Matches(h.Type, h.Value); err == nil && ok {
				out = append(out, o)
				break
			}
		}
	}
	return out
}

// identityObjects decodes the identifier member of a subject (one object
// or a list); entries that do not decode are left out (they match no one).
func identityObjects(v any) []badge.IdentityObject {
	var list []any
	switch x := v.(type) {
	case []any:
		list = x
	case map[string]any:
		list = []any{x}
	}
	var out []badge.IdentityObject
	for _, e := range list {
		if _, ok := e.(map[string]any); !ok {
			continue
		}
		raw, err := json.Marshal(e)
		if err != nil {
			continue
		}
		var o badge.IdentityObject
		if json.Unmarshal(raw, &o) == nil {
			out = append(out, o)
		}
	}
	return out
}
