package badge

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The attacks a hostile submitter can mount with bytes alone, each pinned
// by a test that it fails (security review, SECURITY.md).

func attackIssuer(t *testing.T, name string) (*Issuer, *did.Key) {
	t.Helper()
	seed := sha256.Sum256([]byte(name))
	k, err := did.NewEd25519KeyFromSeed(seed[:])
	require.NoError(t, err)
	return &Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, Now: func() time.Time { return rtNow }, Rand: &seededRand{}}, k
}

func attackBadge(t *testing.T, iss *Issuer, achievementName, subject string) *AchievementCredential {
	t.Helper()
	slug := sha256.Sum256([]byte(achievementName))
	ach := NewAchievement(fmt.Sprintf("https://college.example.edu/achievements/%x", slug[:6]), achievementName, "An achievement.", "Criteria.")
	c, err := NewCredential(iss.Profile("Example College"), ach, RecipientDID(subject), &CredentialOptions{Now: iss.Now, Rand: &seededRand{n: byte(len(achievementName))}})
	require.NoError(t, err)
	return c
}

func mustVerifyFails(t *testing.T, data []byte, why string) *VerificationResult {
	t.Helper()
	res, err := rtVerifier(t).Verify(context.Background(), data)
	require.Error(t, err, why)
	require.False(t, res.Verified, why)
	return res
}

func TestAProofMovedToAnotherDocumentFails(t *testing.T) {
	iss, _ := attackIssuer(t, "college")
	a, err := iss.Issue(context.Background(), attackBadge(t, iss, "Welding I", "did:example:alice"))
	require.NoError(t, err)
	b, err := iss.Issue(context.Background(), attackBadge(t, iss, "Welding II", "did:example:bob"))
	require.NoError(t, err)
	var da, db map[string]any
	require.NoError(t, json.Unmarshal(a.JSON, &da))
	require.NoError(t, json.Unmarshal(b.JSON, &db))
	db["proof"] = da["proof"]
	forged, err := json.Marshal(db)
	require.NoError(t, err)
	res := mustVerifyFails(t, forged, "A's proof on B's content")
	assert.Equal(t, Failed, res.Check(CheckProof).Status)
}

func TestASignedCredentialEmbeddedInAnotherDoesNotLendItsProof(t *testing.T) {
	iss, _ := attackIssuer(t, "college")
	valid, err := iss.Issue(context.Background(), attackBadge(t, iss, "Welding I", "did:example:alice"))
	require.NoError(t, err)
	// An unsigned forgery carrying a valid credential inside its evidence.
	forgery := attackBadge(t, iss, "Master Welder", "did:example:mallory")
	raw, err := json.Marshal(forgery)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	var inner map[string]any
	require.NoError(t, json.Unmarshal(valid.JSON, &inner))
	doc["evidence"] = []any{map[string]any{"id": "urn:x:1", "type": []any{"Evidence"}, "name": "see", "narrative": "x"}}
	doc["credentialSubject"].(map[string]any)["source"] = inner // undefined placement, and unsigned
	out, err := json.Marshal(doc)
	require.NoError(t, err)
	res := mustVerifyFails(t, out, "an embedded signed credential must not make its container verify")
	assert.Equal(t, Failed, res.Check(CheckProof).Status)
}

func TestASignerThatIsNotTheIssuerIsRefused(t *testing.T) {
	college, _ := attackIssuer(t, "college")
	mallory, _ := attackIssuer(t, "mallory")
	// Mallory signs a badge naming the college as issuer.
	c := attackBadge(t, college, "Welding I", "did:example:mallory")
	raw, err := json.Marshal(c)
	require.NoError(t, err)
	signed, err := proof.AddDataIntegrityProof(context.Background(), raw, mallory.Key, &proof.DataIntegrityOptions{Created: rtNow})
	require.NoError(t, err)
	res := mustVerifyFails(t, signed, "the key's controller is not the issuer")
	assert.ErrorIs(t, res.Check(CheckProof).Err, proof.ErrIssuerMismatch)
}

func TestJWTAttacks(t *testing.T) {
	college, key := attackIssuer(t, "college")
	college.Format = JWT
	s, err := college.Issue(context.Background(), attackBadge(t, college, "Welding I", "did:example:alice"))
	require.NoError(t, err)
	parts := strings.Split(s.JWT, ".")
	require.Len(t, parts, 3)
	enc := base64.RawURLEncoding
	header := func(h string) string { return enc.EncodeToString([]byte(h)) }
	jwk, err := key.MarshalJWK()
	require.NoError(t, err)
	var pub map[string]any
	require.NoError(t, json.Unmarshal(jwk, &pub))
	delete(pub, "d")
	pubJSON, _ := json.Marshal(pub)
	tests := map[string]string{
		"alg none, no signature":          header(`{"alg":"none","typ":"JWT"}`) + "." + parts[1] + ".",
		"alg none, kept signature":        header(`{"alg":"none","typ":"JWT"}`) + "." + parts[1] + "." + parts[2],
		"HMAC with the public key":        header(`{"alg":"HS256","typ":"JWT","kid":"`+key.ID+`"}`) + "." + parts[1] + "." + parts[2],
		"algorithm switched to ES256":     header(`{"alg":"ES256","typ":"JWT","kid":"`+key.ID+`"}`) + "." + parts[1] + "." + parts[2],
		"unbound jwk header key":          header(`{"alg":"EdDSA","typ":"JWT","jwk":`+string(pubJSON)+`}`) + "." + parts[1] + "." + parts[2],
		"extra header member":             header(`{"alg":"EdDSA","typ":"JWT","kid":"`+key.ID+`","crit":["exp"]}`) + "." + parts[1] + "." + parts[2],
		"payload from another credential": parts[0] + "." + enc.EncodeToString([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"]}`)) + "." + parts[2],
		"signature truncated":             parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])-4],
	}
	for name, tok := range tests {
		t.Run(name, func(t *testing.T) {
			mustVerifyFails(t, []byte(tok), name)
		})
	}
}

func TestContextSubstitutionBreaksTheProof(t *testing.T) {
	iss, _ := attackIssuer(t, "college")
	s, err := iss.Issue(context.Background(), attackBadge(t, iss, "Welding I", "did:example:alice"))
	require.NoError(t, err)
	// An attacker's context defining the same terms with other IRIs, offered
	// through a verifier that (unwisely) loads it: the signed statements no
	// longer match, so the proof fails.
	ob, ok := vc.EmbeddedContext(ContextOB303)
	require.True(t, ok)
	evil := bytes.ReplaceAll(ob, []byte("https://purl.imsglobal.org/spec/vc/ob/vocab.html#"), []byte("https://evil.example/vocab#"))
	evilLoader, err := vc.StaticLoader(map[string][]byte{"https://evil.example/ob.json": evil})
	require.NoError(t, err)
	proc := vc.NewProcessor(&vc.ProcessorOptions{Loader: vc.ChainLoader(vc.EmbeddedLoader(), evilLoader)})
	v, err := NewVerifier(VerifierOptions{Now: func() time.Time { return rtNow }, Processor: proc})
	require.NoError(t, err)
	swapped := bytes.Replace(s.JSON, []byte(ContextOB303), []byte("https://evil.example/ob.json"), 1)
	res, err := v.Verify(context.Background(), swapped)
	require.Error(t, err)
	assert.Equal(t, Failed, res.Check(CheckProof).Status)

	// With the default loader the swapped context is refused outright.
	res = mustVerifyFails(t, swapped, "unknown context")
	assert.Equal(t, Failed, res.Check(CheckContext).Status)
	assert.Equal(t, Failed, res.Check(CheckProof).Status)

	// A third context that is not embedded: unknown, named in the error.
	extra := bytes.Replace(s.JSON, []byte(`"`+ContextOB303+`"`), []byte(`"`+ContextOB303+`","https://evil.example/more.json"`), 1)
	res = mustVerifyFails(t, extra, "unknown context")
	assert.ErrorIs(t, res.Check(CheckContext).Err, vc.ErrUnknownContext)
	assert.Contains(t, res.Check(CheckContext).Err.Error(), "https://evil.example/more.json")
}

func TestProofSetStrippingAndChains(t *testing.T) {
	college, _ := attackIssuer(t, "college")
	s, err := college.Issue(context.Background(), attackBadge(t, college, "Welding I", "did:example:alice"))
	require.NoError(t, err)
	// A second proof by the same issuer that chains to the first.
	var doc map[string]any
	require.NoError(t, json.Unmarshal(s.JSON, &doc))
	first := doc["proof"].(map[string]any)
	first["id"] = "urn:proof:1"
	delete(doc, "proof")
	raw, _ := json.Marshal(doc)
	p1, err := proof.AddDataIntegrityProof(context.Background(), raw, college.Key, &proof.DataIntegrityOptions{Created: rtNow, ID: "urn:proof:1"})
	require.NoError(t, err)
	p2, err := proof.AddDataIntegrityProof(context.Background(), p1, college.Key, &proof.DataIntegrityOptions{Created: rtNow, ID: "urn:proof:2", PreviousProof: []string{"urn:proof:1"}})
	require.NoError(t, err)
	res, err := rtVerifier(t).Verify(context.Background(), p2)
	require.NoError(t, err, report(res))

	// Strip the first proof: the chained one names a proof that is gone.
	var chained map[string]any
	require.NoError(t, json.Unmarshal(p2, &chained))
	chained["proof"] = chained["proof"].([]any)[1:]
	stripped, _ := json.Marshal(chained)
	mustVerifyFails(t, stripped, "a chained proof whose predecessor was stripped")
}

func TestUnicodeAndControlCharactersAreSignedExactly(t *testing.T) {
	iss, _ := attackIssuer(t, "college")
	names := []string{
		"Tab\there", "Vertical\vtab", "Bell\a", "DEL\x7f", "NUL-free \u0001\u001f",
		"Line\u2028separator", "RTL \u202eoverride", "Combining e\u0301", "Emoji 😀", "Quote \" and \\ backslash",
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			s, err := iss.Issue(context.Background(), attackBadge(t, iss, name, "did:example:alice"))
			require.NoError(t, err)
			res, err := rtVerifier(t).Verify(context.Background(), s.JSON)
			require.NoError(t, err, report(res))
			// Changing the name's encoding to a different string fails.
			var doc map[string]any
			require.NoError(t, json.Unmarshal(s.JSON, &doc))
			doc["name"] = name + " "
			changed, _ := json.Marshal(doc)
			mustVerifyFails(t, changed, "a changed name")
		})
	}
}
