package presentation_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/presentation"
	"github.com/openbadges-go/openbadges/proof"
)

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	holder := newParty(t, 9, badge.DataIntegrity)
	uni := newParty(t, 1, badge.DataIntegrity)
	corp := newParty(t, 2, badge.JWT)
	creds := [][]byte{
		issueTo(t, uni, badge.RecipientDID(holder.key.Controller), "https://example.edu/a/1"),
		issueTo(t, corp, badge.RecipientDID(holder.key.Controller), "https://example.com/a/2"),
	}
	vp, err := presentation.Sign(ctx, holder.pk, creds, signOpts())
	require.NoError(t, err)

	var doc map[string]any
	require.NoError(t, json.Unmarshal(vp, &doc))
	assert.Equal(t, holder.key.Controller, doc["holder"])
	vcs := doc["verifiableCredential"].([]any)
	require.Len(t, vcs, 2)
	assert.Equal(t, "EnvelopedVerifiableCredential", vcs[1].(map[string]any)["type"])
	assert.True(t, strings.HasPrefix(vcs[1].(map[string]any)["id"].(string), "data:application/vc+jwt,"))
	p := doc["proof"].(map[string]any)
	assert.Equal(t, "authentication", p["proofPurpose"])
	assert.Equal(t, testChallenge, p["challenge"])
	assert.Equal(t, testDomain, p["domain"])

	res, err := presentation.VerifyPresentation(ctx, vp, options(t, badgeVerifier(t)))
	require.NoError(t, err)
	assert.True(t, res.Verified)
	assert.Equal(t, holder.key.Controller, res.Holder)
	require.Len(t, res.Nested, 2)
	for i, c := range res.Nested {
		assert.True(t, c.Result.Verified, "credential %d", i)
		assert.True(t, c.Bound)
	}
	assert.Equal(t, string(presentation.FormatJSON), res.Nested[0].Format)
	assert.Equal(t, string(presentation.FormatEnveloped), res.Nested[1].Format)
	assert.Equal(t, badge.InputJWT, res.Nested[1].Result.Input)
	var ids []presentation.CheckID
	for _, c := range res.Checks {
		ids = append(ids, c.ID)
		if c.ID == badge.CheckRecipient {
			assert.Equal(t, badge.Skipped, c.Status, "no recipient given")
			continue
		}
		assert.Equal(t, badge.Passed, c.Status, "%s: %v", c.ID, c.Err)
	}
	assert.Equal(t, []presentation.CheckID{"parse", "structure", "holder_proof", "challenge", "domain", "credentials", "holder_binding", "recipient"}, ids)

	js, err := json.Marshal(res)
	require.NoError(t, err)
	assert.Contains(t, string(js), presentation.ResultMediaType)
}

// mutate decodes a presentation, applies fn and re-encodes it.
func mutate(t *testing.T, vp []byte, fn func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(vp, &m))
	fn(m)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

func TestFailures(t *testing.T) {
	ctx := context.Background()
	holder := newParty(t, 9, badge.DataIntegrity)
	other := newParty(t, 8, badge.DataIntegrity)
	uni := newParty(t, 1, badge.DataIntegrity)
	bv := badgeVerifier(t)
	mine := issueTo(t, uni, badge.RecipientDID(holder.key.Controller), "https://example.edu/a/1")
	theirs := issueTo(t, uni, badge.RecipientDID(other.key.Controller), "https://example.edu/a/2")
	hashed := issueTo(t, uni, badge.RecipientEmail("learner@example.org"), "https://example.edu/a/3")

	good, err := presentation.Sign(ctx, holder.pk, [][]byte{mine}, signOpts())
	require.NoError(t, err)
	notSubject, err := presentation.Sign(ctx, holder.pk, [][]byte{mine, theirs}, signOpts())
	require.NoError(t, err)
	unbound, err := presentation.Sign(ctx, holder.pk, [][]byte{hashed}, signOpts())
	require.NoError(t, err)

	// A presentation signed with no challenge (recorded and replayed).
	unsigned := mutate(t, good, func(m map[string]any) { delete(m, "proof") })
	noChallenge, err := proof.AddDataIntegrityProof(ctx, unsigned, holder.pk, &proof.DataIntegrityOptions{Purpose: proof.PurposeAuthentication, Domain: testDomain, Now: fixedNow})
	require.NoError(t, err)
	// Signed for assertionMethod instead of authentication.
	assertion, err := proof.AddDataIntegrityProof(ctx, unsigned, holder.pk, &proof.DataIntegrityOptions{Challenge: testChallenge, Domain: testDomain, Now: fixedNow})
	require.NoError(t, err)
	// Signed by someone else's key under the holder's name.
	byOther, err := proof.AddDataIntegrityProof(ctx, unsigned, other.pk, &proof.DataIntegrityOptions{Purpose: proof.PurposeAuthentication, Challenge: testChallenge, Domain: testDomain, Now: fixedNow})
	require.NoError(t, err)
	// An embedded credential changed after the holder signed: the holder
	// proof breaks, and so does the credential's own proof.
	tampered := mutate(t, good, func(m map[string]any) {
		c := m["verifiableCredential"].([]any)[0].(map[string]any)
		c["name"] = "Something else"
	})
	// A tampered credential that the holder signed as it is.
	badCred := mutate(t, unsigned, func(m map[string]any) {
		c := m["verifiableCredential"].([]any)[0].(map[string]any)
		c["name"] = "Something else"
	})
	resignedBad, err := proof.AddDataIntegrityProof(ctx, badCred, holder.pk, &proof.DataIntegrityOptions{Purpose: proof.PurposeAuthentication, Challenge: testChallenge, Domain: testDomain, Now: fixedNow})
	require.NoError(t, err)

	many := make([]any, presentation.DefaultMaxCredentials+1)
	for i := range many {
		many[i] = json.RawMessage(mine)
	}
	tooMany := mutate(t, good, func(m map[string]any) { m["verifiableCredential"] = many })

	withOpts := func(fn func(o *presentation.Options)) presentation.Options {
		o := options(t, bv)
		fn(&o)
		return o
	}
	cases := []struct {
		name  string
		data  []byte
		opts  presentation.Options
		want  []error
		check presentation.CheckID
	}{
		{"wrong challenge", good, withOpts(func(o *presentation.Options) { o.Challenge = "other" }), []error{presentation.ErrChallengeMismatch, proof.ErrChallengeMismatch}, presentation.CheckChallenge},
		{"wrong domain", good, withOpts(func(o *presentation.Options) { o.Domain = "evil.example" }), []error{presentation.ErrDomainMismatch, proof.ErrDomainMismatch}, presentation.CheckDomain},
		{"holder not subject", notSubject, options(t, bv), []error{presentation.ErrHolderNotSubject}, presentation.CheckHolderBinding},
		{"hashed subject cannot be bound", unbound, options(t, bv), []error{presentation.ErrSubjectNotBindable}, presentation.CheckHolderBinding},
		{"tampered embedded credential", tampered, options(t, bv), []error{presentation.ErrHolderProof, presentation.ErrCredential, proof.ErrSignatureInvalid}, presentation.CheckCredentials},
		{"tampered credential re-signed by holder", resignedBad, options(t, bv), []error{presentation.ErrCredential, proof.ErrSignatureInvalid}, presentation.CheckCredentials},
		{"assertionMethod proof", assertion, options(t, bv), []error{presentation.ErrHolderProof, presentation.ErrPurposeMismatch, proof.ErrPurposeMismatch}, presentation.CheckHolderProof},
		{"replay without challenge", noChallenge, options(t, bv), []error{presentation.ErrChallengeMismatch}, presentation.CheckChallenge},
		{"signed by another key", byOther, options(t, bv), []error{presentation.ErrHolderMismatch}, presentation.CheckHolderProof},
		{"no proof", unsigned, options(t, bv), []error{presentation.ErrNoProof}, presentation.CheckHolderProof},
		{"verifier gave no challenge", good, withOpts(func(o *presentation.Options) { o.Challenge = "" }), []error{presentation.ErrChallengeRequired}, presentation.CheckChallenge},
		{"verifier gave no domain", good, withOpts(func(o *presentation.Options) { o.Domain = "" }), []error{presentation.ErrDomainRequired}, presentation.CheckDomain},
		{"too many credentials", tooMany, options(t, bv), []error{presentation.ErrLimit}, presentation.CheckStructure},
		{"too large", good, withOpts(func(o *presentation.Options) { o.Limits.MaxInputBytes = 100 }), []error{presentation.ErrLimit}, presentation.CheckStructure},
		{"not a presentation", mine, options(t, bv), []error{presentation.ErrMalformed}, presentation.CheckStructure},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := presentation.VerifyPresentation(ctx, tc.data, tc.opts)
			require.Error(t, err)
			require.NotNil(t, res)
			assert.False(t, res.Verified)
			assert.ErrorIs(t, err, presentation.ErrNotVerified)
			for _, w := range tc.want {
				assert.ErrorIs(t, err, w)
			}
			c := res.Check(tc.check)
			require.NotNil(t, c, "check %s", tc.check)
			assert.Equal(t, badge.Failed, c.Status, "%s", tc.check)
			var ve *presentation.VerificationError
			require.True(t, errors.As(err, &ve))
		})
	}
}

func TestInsecureOptOuts(t *testing.T) {
	ctx := context.Background()
	holder := newParty(t, 9, badge.DataIntegrity)
	other := newParty(t, 8, badge.DataIntegrity)
	uni := newParty(t, 1, badge.DataIntegrity)
	theirs := issueTo(t, uni, badge.RecipientDID(other.key.Controller), "https://example.edu/a/2")
	vp, err := presentation.Sign(ctx, holder.pk, [][]byte{theirs}, signOpts())
	require.NoError(t, err)

	o := options(t, badgeVerifier(t))
	o.Challenge, o.Domain = "", ""
	o.InsecureSkipChallenge, o.InsecureSkipDomain = true, true
	o.AllowHolderNotSubject = true
	res, err := presentation.VerifyPresentation(ctx, vp, o)
	require.NoError(t, err)
	assert.Equal(t, badge.Skipped, res.Check(presentation.CheckChallenge).Status)
	assert.Equal(t, badge.Skipped, res.Check(presentation.CheckDomain).Status)
	hb := res.Check(presentation.CheckHolderBinding)
	assert.Equal(t, badge.Warning, hb.Status)
	assert.ErrorIs(t, hb.Err, presentation.ErrHolderNotSubject, "the caller is told they differ")
	assert.False(t, res.Nested[0].Bound)
}

func TestSignRefuses(t *testing.T) {
	ctx := context.Background()
	holder := newParty(t, 9, badge.DataIntegrity)
	for name, o := range map[string]*presentation.SignOptions{
		"no challenge":   {Domain: testDomain},
		"no domain":      {Challenge: testChallenge},
		"foreign holder": {Challenge: testChallenge, Domain: testDomain, Holder: "did:example:someone"},
		"id not a URL":   {Challenge: testChallenge, Domain: testDomain, ID: "nope"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := presentation.Sign(ctx, holder.pk, nil, o)
			assert.ErrorIs(t, err, presentation.ErrInvalidArgument)
		})
	}
	_, err := presentation.Sign(ctx, holder.pk, [][]byte{[]byte("not a credential")}, signOpts())
	assert.ErrorIs(t, err, presentation.ErrInvalidArgument)
}
