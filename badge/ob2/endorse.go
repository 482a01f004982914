package ob2

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/openbadges-go/openbadges/badge"
)

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// endorsements verifies the endorsements of the given documents (links or
// embedded Endorsements). Each must be a hosted Endorsement, valid, issued
// by a Profile whose scope holds it, and claim one of the documents of
// this verification (chain).
func (r *run) endorsements(of []*Document, chain ...*Document) {
	var refs []any
	for _, d := range of {
		if d != nil {
			refs = append(refs, list(d.JSON["endorsement"])...)
		}
	}
	if len(refs) == 0 {
		r.add(badge.CheckEndorsements, badge.Skipped, nil, "no endorsements")
		return
	}
	if len(refs) > r.v.o.MaxEndorsements {
		r.add(badge.CheckEndorsements, badge.Failed, fmt.Errorf("%w: %d endorsements, more than %d", ErrEndorsement, len(refs), r.v.o.MaxEndorsements), "")
		return
	}
	var ids []string
	for _, ref := range refs {
		var d *Document
		var err error
		switch t := ref.(type) {
		case string:
			d, err = r.load(t, "Endorsement")
			if err == nil && d.ID != t && d.ID != d.URL {
				if s1, ok := site(d.ID); !ok || s1 != mustSite(d.URL) {
					err = fmt.Errorf("the endorsement at %q has id %q, on another site", t, d.ID)
				}
			}
		case map[string]any:
			d = &Document{JSON: t}
			err = r.checkDoc(d, "endorsement", "Endorsement")
		default:
			err = errors.New("an endorsement must be a link or an Endorsement")
		}
		if err == nil {
			if err = r.b.Credential(); err == nil {
				err = r.endorsement(d, chain)
			}
		}
		if err != nil {
			r.add(badge.CheckEndorsements, badge.Failed, fmt.Errorf("%w: %v", ErrEndorsement, err), "")
			return
		}
		r.endorsed = append(r.endorsed, d)
		ids = append(ids, d.ID)
	}
	r.add(badge.CheckEndorsements, badge.Passed, nil, "verified: "+strings.Join(ids, ", "))
}

// endorsement verifies one Endorsement: its claim names a document of the
// chain (when a chain is given), its issuer Profile verifies, and, being
// hosted, it is served from its id within that issuer's scope.
func (r *run) endorsement(d *Document, chain []*Document) error {
	claim := str(mapOf(d.JSON["claim"]), "id")
	if chain != nil {
		ok := false
		for _, c := range chain {
			if c != nil && (claim == c.ID || c.URL != "" && claim == c.URL) {
				ok = true
			}
		}
		if !ok {
			return fmt.Errorf("endorsement %q claims %q, which is not part of this badge", d.ID, claim)
		}
	}
	vo := mapOf(d.JSON["verification"])
	if verificationType(vo) != "hosted" {
		return fmt.Errorf("endorsement %q: only hosted endorsements are verified", d.ID)
	}
	prof, _, err := r.issuerOf(d)
	if err != nil {
		return fmt.Errorf("endorsement %q: %w", d.ID, err)
	}
	if chain == nil {
		r.res.Issuer = prof.ID
	}
	if d.URL == "" || d.URL != d.ID {
		// Embedded, or given as input: the hosted copy is at its id.
		h, err := r.load(d.ID, "Endorsement")
		if err != nil {
			return fmt.Errorf("endorsement %q is not hosted at its id: %w", d.ID, err)
		}
		if h.ID != d.ID {
			return fmt.Errorf("endorsement %q: its id serves %q", d.ID, h.ID)
		}
		d.URL = h.URL
	}
	a := &Assertion{Document: *d}
	if err := r.inScope(a, prof); err != nil {
		return fmt.Errorf("endorsement %q: %w", d.ID, err)
	}
	return nil
}

func mustSite(u string) string {
	s, _ := site(u)
	return s
}

func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// RecipientMatches reports whether the recipient is the expected one (nil)
// or why not (an error matching ErrRecipientMismatch). Types map between
// 2.0 and 3.0 names: email and emailAddress, telephone (ext:telephone),
// url (ext:url), and id (also did). Hashed identities (sha256$, md5$, salted) are
// matched as badge.IdentityObject does.
func RecipientMatches(r Recipient, want badge.ExpectedRecipient) error {
	t := identifierType(r.Type)
	wt := want.Type
	switch wt {
	case "email":
		wt = badge.IdentifierTypeEmailAddress
	case "telephone", "phoneNumber":
		wt = "ext:telephone"
	case "url":
		wt = "ext:url"
	case "did":
		wt = "id"
	}
	if t != wt {
		return fmt.Errorf("%w: the recipient is a %s, not a %s", ErrRecipientMismatch, r.Type, want.Type)
	}
	io := badge.IdentityObject{Hashed: r.Hashed, IdentityHash: r.Identity, IdentityType: t, Salt: r.Salt}
	ok, err := io.Matches(t, want.Value)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrRecipientMismatch, err)
	}
	if !ok {
		return fmt.Errorf("%w: the %s does not match", ErrRecipientMismatch, r.Type)
	}
	return nil
}

// identifierType maps a 2.0 IdentityObject type to a 3.0 identifier type.
func identifierType(t string) badge.IdentifierType {
	switch t {
	case "email":
		return badge.IdentifierTypeEmailAddress
	case "telephone":
		return "ext:telephone"
	case "url":
		return "ext:url"
	}
	return badge.IdentifierType(t)
}
