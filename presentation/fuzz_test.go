package presentation_test

import (
	"context"
	"testing"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/presentation"
)

// FuzzVerifyPresentation never panics, and never verifies a presentation
// that is not exactly the signed one.
func FuzzVerifyPresentation(f *testing.F) {
	ctx := context.Background()
	holder := newParty(f, 9, badge.DataIntegrity)
	uni := newParty(f, 1, badge.DataIntegrity)
	corp := newParty(f, 2, badge.JWT)
	creds := [][]byte{
		issueTo(f, uni, badge.RecipientDID(holder.key.Controller), "https://example.edu/a/1"),
		issueTo(f, corp, badge.RecipientDID(holder.key.Controller), "https://example.com/a/2"),
	}
	vp, err := presentation.Sign(ctx, holder.pk, creds, signOpts())
	if err != nil {
		f.Fatal(err)
	}
	bv := badgeVerifier(f)
	f.Add(vp)
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiablePresentation","verifiableCredential":[{},null,"a.b.c",{"type":"EnvelopedVerifiableCredential","id":"data:application/vc+jwt,a.b.c"}],"proof":{}}`))
	f.Add([]byte(`{"@context":"https://www.w3.org/ns/credentials/v2","type":["VerifiablePresentation"],"holder":{"id":1}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := presentation.Parse(data, nil); err != nil {
			_ = err.Error()
		}
		res, err := presentation.VerifyPresentation(ctx, data, options(t, bv))
		if res == nil {
			t.Fatal("nil result")
		}
		if err == nil && string(data) != string(vp) {
			// Only white space may differ from what was signed... and
			// even that changes nothing the proof covers; anything else
			// verifying would be a forgery.
			p, perr := presentation.Parse(data, nil)
			if perr != nil || len(p.Credentials) != 2 {
				t.Fatalf("verified a mutated presentation: %q", data)
			}
		}
	})
}

// FuzzParse: the parser never panics, and what it accepts is a
// presentation whose credentials are within the limit.
func FuzzParse(f *testing.F) {
	holder := newParty(f, 9, badge.DataIntegrity)
	uni := newParty(f, 1, badge.DataIntegrity)
	vp, err := presentation.Sign(context.Background(), holder.pk, [][]byte{issueTo(f, uni, badge.RecipientDID(holder.key.Controller), "https://example.edu/a/1")}, signOpts())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(vp)
	tok, err := presentation.SignJWT(context.Background(), holder.pk, [][]byte{issueTo(f, uni, badge.RecipientDID(holder.key.Controller), "https://example.edu/a/1")}, signOpts())
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(tok))
	f.Add([]byte(`{"@context":"https://www.w3.org/ns/credentials/v2","type":"EnvelopedVerifiablePresentation","id":"data:application/vp+jwt,` + tok + `"}`))
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiablePresentation","verifiableCredential":"a.b.c"}`))
	f.Add([]byte(`{"@context":"https://www.w3.org/ns/credentials/v2","type":"VerifiablePresentation","verifiableCredential":{"type":"EnvelopedVerifiableCredential","id":"data:application/vc+jwt;x=y,a.b.c"}}`))
	lim := &presentation.Limits{MaxCredentials: 3}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := presentation.Parse(data, lim)
		if err != nil {
			return
		}
		if len(p.Credentials) > 3 {
			t.Fatalf("%d credentials over the limit", len(p.Credentials))
		}
		_ = presentation.StructureProblems(p.Doc)
		for _, c := range p.Credentials {
			if len(c.Raw) == 0 {
				t.Fatalf("credential %d has no bytes", c.Index)
			}
		}
	})
}
