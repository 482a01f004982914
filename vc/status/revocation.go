package status

import (
	"encoding/json"
	"slices"
	"strings"
)

// RevocationList is a 1EdTech Revocation List (VCRL 1.0) document: the
// plain, unsigned JSON served at the id of a credentialStatus entry of
// type 1EdTechRevocationList, listing revoked credentials by id.
//
// The specification names the array revokedCredentials; the 1EdTech
// validator reads revokedCredential. ParseRevocationList accepts either
// (both, merged) and MarshalJSON writes both, so every reader finds it.
// Serve it as application/json.
type RevocationList struct {
	ID      string              `json:"id,omitempty"`
	Issuer  string              `json:"issuer,omitempty"`
	Revoked []RevokedCredential `json:"-"`
}

// RevokedCredential is one entry. Revoked nil (absent) counts as revoked;
// false marks a credential explicitly not revoked.
type RevokedCredential struct {
	ID      string `json:"id"`
	Revoked *bool  `json:"revoked,omitempty"`
}

// IsRevoked reports whether the entry revokes its credential.
func (r RevokedCredential) IsRevoked() bool { return r.Revoked == nil || *r.Revoked }

// Entry returns the credentialStatus entry that points at this list.
func (l *RevocationList) Entry() Entry { return Entry{ID: l.ID, Type: TypeRevocationList} }

// Revoke adds credentialID to the list (or marks its entry revoked).
func (l *RevocationList) Revoke(credentialID string) {
	t := true
	for i := range l.Revoked {
		if l.Revoked[i].ID == credentialID {
			l.Revoked[i].Revoked = &t
			return
		}
	}
	l.Revoked = append(l.Revoked, RevokedCredential{ID: credentialID, Revoked: &t})
}

// Unrevoke removes credentialID from the list. Revocation is meant to be
// permanent; this exists to undo mistakes.
func (l *RevocationList) Unrevoke(credentialID string) {
	l.Revoked = slices.DeleteFunc(l.Revoked, func(r RevokedCredential) bool { return r.ID == credentialID })
}

// IsRevoked reports whether credentialID is revoked by the list.
func (l *RevocationList) IsRevoked(credentialID string) bool {
	for _, r := range l.Revoked {
		if r.ID == credentialID && r.IsRevoked() {
			return true
		}
	}
	return false
}

// MarshalJSON writes id, issuer, and the entries under both
// revokedCredentials and revokedCredential.
func (l RevocationList) MarshalJSON() ([]byte, error) {
	revoked := l.Revoked
	if revoked == nil {
		revoked = []RevokedCredential{}
	}
	return json.Marshal(struct {
		ID                 string              `json:"id,omitempty"`
		Issuer             string              `json:"issuer,omitempty"`
		RevokedCredentials []RevokedCredential `json:"revokedCredentials"`
		RevokedCredential  []RevokedCredential `json:"revokedCredential"`
	}{l.ID, l.Issuer, revoked, revoked})
}

// ParseRevocationList reads a revocation list strictly (duplicate keys
// refused). A document with neither revokedCredentials nor
// revokedCredential, or with an entry that is not an object with a string
// id and an optional boolean revoked, is refused with ErrMalformed: the
// checker then reports status unknown.
func ParseRevocationList(data []byte) (*RevocationList, error) {
	m, err := parseObject(data)
	if err != nil {
		return nil, newError(ErrMalformed, "", err, "revocation list")
	}
	l := &RevocationList{}
	l.ID, _ = m["id"].(string)
	switch v := m["issuer"].(type) {
	case string:
		l.Issuer = v
	case map[string]any:
		l.Issuer, _ = v["id"].(string)
	}
	found := false
	seen := make(map[string]int)
	for _, key := range []string{"revokedCredentials", "revokedCredential"} {
		raw, has := m[key]
		if !has {
			continue
		}
		found = true
		arr, ok := raw.([]any)
		if !ok {
			return nil, newError(ErrMalformed, l.ID, nil, "%s is not an array", key)
		}
		for i, x := range arr {
			e, ok := x.(map[string]any)
			if !ok {
				return nil, newError(ErrMalformed, l.ID, nil, "%s[%d] is not an object", key, i)
			}
			id, _ := e["id"].(string)
			id = strings.TrimSpace(id)
			if id == "" {
				return nil, newError(ErrMalformed, l.ID, nil, "%s[%d] has no id", key, i)
			}
			var rev *bool
			if rv, has := e["revoked"]; has {
				b, ok := rv.(bool)
				if !ok {
					return nil, newError(ErrMalformed, l.ID, nil, "%s[%d].revoked is not a boolean", key, i)
				}
				rev = &b
			}
			if j, dup := seen[id]; dup {
				// Listed under both keys, or twice: revoked if any says so.
				if l.Revoked[j].IsRevoked() || rev == nil || *rev {
					t := true
					l.Revoked[j].Revoked = &t
				}
				continue
			}
			seen[id] = len(l.Revoked)
			l.Revoked = append(l.Revoked, RevokedCredential{ID: id, Revoked: rev})
		}
	}
	if !found {
		return nil, newError(ErrMalformed, l.ID, nil, "no revokedCredentials (or revokedCredential) array")
	}
	return l, nil
}
