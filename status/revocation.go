package status

import (
	"encoding/json"
	"net/url"
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

// IsRevoked reports whether credentialID is revoked by the list. Ids are
// compared as the [Checker] compares them: after trimming blanks, with a
// urn:uuid: id in lower case and the scheme and host of an http(s) URL in
// lower case.
func (l *RevocationList) IsRevoked(credentialID string) bool {
	key := revocationKey(credentialID)
	if key == "" {
		return false
	}
	for _, r := range l.Revoked {
		if revocationKey(r.ID) == key && r.IsRevoked() {
			return true
		}
	}
	return false
}

// revocationKey is the form in which credential ids are compared against
// a revocation list. A revocation list is written by the issuer, so
// matching an equivalent spelling can only revoke the issuer's own
// credential: the key folds what the id's own syntax says is
// insignificant (surrounding blanks; the case of a UUID URN, RFC 9562; the
// case of a URL's scheme and host, RFC 3986), and nothing else.
func revocationKey(id string) string {
	id = strings.TrimSpace(id)
	if len(id) >= 9 && asciiLower(id[:9]) == "urn:uuid:" {
		return asciiLower(id)
	}
	if scheme, rest, ok := strings.Cut(id, "://"); ok && (asciiLower(scheme) == "https" || asciiLower(scheme) == "http") {
		if u, err := url.Parse(id); err == nil && u.Host != "" && u.User == nil {
			end := strings.IndexAny(rest, "/?#")
			if end < 0 {
				end = len(rest)
			}
			return asciiLower(scheme) + "://" + asciiLower(rest[:end]) + rest[end:]
		}
	}
	return id
}

// asciiLower folds A-Z only: the syntaxes folded are ASCII, and Unicode
// case mapping (the Kelvin sign, invalid UTF-8) must not make two
// different ids equal.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
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
	if v, has := m["id"]; has {
		id, ok := v.(string)
		if !ok {
			return nil, newError(ErrMalformed, "", nil, "id is not a string")
		}
		l.ID = id
	}
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
