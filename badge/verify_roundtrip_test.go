package badge

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var rtNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// seededRand is a deterministic reader for ids and salts in tests.
type seededRand struct{ n byte }

func (r *seededRand) Read(p []byte) (int, error) {
	for i := range p {
		r.n++
		p[i] = r.n
	}
	return len(p), nil
}

// issueSample issues a realistic badge in every format: Data Integrity
// JSON, VC-JWT, and both baked into a PNG and an SVG.
func issueSample(t testing.TB) map[string][]byte {
	t.Helper()
	seed := sha256.Sum256([]byte("verify round trip"))
	key, err := did.NewEd25519KeyFromSeed(seed[:])
	require.NoError(t, err)
	clock := func() time.Time { return rtNow }
	iss := &Issuer{Key: proof.Key{Signer: key.Signer, VerificationMethod: key.ID}, Now: clock, Rand: &seededRand{}}
	profile := iss.Profile("Example Community College")
	ach := NewAchievement("https://college.example.edu/achievements/data-literacy", "Data Literacy",
		"Reads, cleans and summarizes a data set.", "Passed the practical assessment.")
	cred, err := NewCredential(profile, ach, RecipientEmail("ada@example.org"), &CredentialOptions{Now: clock, Rand: &seededRand{}})
	require.NoError(t, err)
	di, err := iss.Issue(context.Background(), cred)
	require.NoError(t, err)
	iss.Format = JWT
	jwt, err := iss.Issue(context.Background(), cred)
	require.NoError(t, err)

	img := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.NRGBA{R: 200, A: 255})
	var pngBuf bytes.Buffer
	require.NoError(t, png.Encode(&pngBuf, img))
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>`
	out := map[string][]byte{"json": di.JSON, "jwt": []byte(jwt.JWT)}
	for name, cr := range map[string][]byte{"json": di.JSON, "jwt": []byte(jwt.JWT)} {
		var p, s bytes.Buffer
		require.NoError(t, Bake(&p, bytes.NewReader(pngBuf.Bytes()), cr))
		require.NoError(t, Bake(&s, strings.NewReader(svg), cr))
		out[name+".png"], out[name+".svg"] = p.Bytes(), s.Bytes()
	}
	return out
}

func rtVerifier(t testing.TB) *Verifier {
	v, err := NewVerifier(VerifierOptions{Now: func() time.Time { return rtNow }})
	require.NoError(t, err)
	return v
}

func TestIssuedBadgesVerifyInEveryFormat(t *testing.T) {
	v := rtVerifier(t)
	for name, data := range issueSample(t) {
		t.Run(name, func(t *testing.T) {
			res, err := v.VerifyWith(context.Background(), data, &VerifyOptions{Recipient: &ExpectedRecipient{Type: IdentifierTypeEmailAddress, Value: "ada@example.org"}})
			require.NoError(t, err, report(res))
			assert.True(t, res.Verified)
			assert.Equal(t, Passed, res.Check(CheckRecipient).Status)
			_, err = v.VerifyWith(context.Background(), data, &VerifyOptions{Recipient: &ExpectedRecipient{Type: IdentifierTypeEmailAddress, Value: "eve@example.org"}})
			assert.ErrorIs(t, err, ErrRecipientMismatch)
		})
	}
}

// TestTamperingWithAnyFieldFails changes every string value of the signed
// JSON in turn (and the JWT payload) and requires each copy to fail.
func TestTamperingWithAnyFieldFails(t *testing.T) {
	v := rtVerifier(t)
	signed := issueSample(t)
	doc, err := vc.Parse(signed["json"])
	require.NoError(t, err)
	var values []string
	var walk func(any)
	walk = func(x any) {
		switch y := x.(type) {
		case map[string]any:
			for k, e := range y {
				if k == "proofValue" || k == "@context" {
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range y {
				walk(e)
			}
		case string:
			values = append(values, y)
		}
	}
	walk(doc.Document())
	require.Greater(t, len(values), 10)
	tried := 0
	for _, val := range values {
		quoted := []byte(`"` + val + `"`)
		if bytes.Count(signed["json"], quoted) != 1 || len(val) == 0 {
			continue
		}
		tampered := bytes.Replace(signed["json"], quoted, []byte(`"`+val+`x"`), 1)
		res, err := v.Verify(context.Background(), tampered)
		require.Error(t, err, "changing %q must fail", val)
		assert.False(t, res.Verified)
		tried++
	}
	assert.Greater(t, tried, 10)

	parts := strings.Split(string(signed["jwt"]), ".")
	require.Len(t, parts, 3)
	for i := range parts[1] {
		if i%7 != 0 {
			continue
		}
		b := []byte(parts[1])
		b[i] = "AB"[(b[i]&1)^1]
		if string(b) == parts[1] {
			continue
		}
		tok := parts[0] + "." + string(b) + "." + parts[2]
		_, err := v.Verify(context.Background(), []byte(tok))
		require.Error(t, err, "JWT payload byte %d changed", i)
	}
}

// mapRefresher serves a fixed credential, or fails.
type mapRefresher struct {
	data []byte
	err  error
}

func (m mapRefresher) Refresh(context.Context, *vc.Credential, map[string]any) ([]byte, error) {
	return m.data, m.err
}

func TestRefreshIsUsedOnceAndNeverFailsVerification(t *testing.T) {
	signed := issueSample(t)["json"]
	// Give the credential a refresh service by issuing a copy that has one.
	seed := sha256.Sum256([]byte("verify round trip"))
	key, err := did.NewEd25519KeyFromSeed(seed[:])
	require.NoError(t, err)
	clock := func() time.Time { return rtNow }
	iss := &Issuer{Key: proof.Key{Signer: key.Signer, VerificationMethod: key.ID}, Now: clock}
	c, err := vc.Parse(signed)
	require.NoError(t, err)
	unsigned := withoutMember(c.Document(), "proof")
	unsigned["@context"] = []any{vc.ContextV2, ContextOB303, "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"}
	unsigned["refreshService"] = map[string]any{"id": "https://college.example.edu/refresh/1", "type": "1EdTechCredentialRefresh"}
	raw, err := jsonMarshal(unsigned)
	require.NoError(t, err)
	withRefresh, err := iss.IssueJSON(context.Background(), raw)
	require.NoError(t, err)

	mk := func(r vc.Refresher) *Verifier {
		v, err := NewVerifier(VerifierOptions{Now: clock, Refresher: r})
		require.NoError(t, err)
		return v
	}
	// The refresh service serves the newer copy (same id): it is used.
	res, err := mk(mapRefresher{data: signed}).Verify(context.Background(), withRefresh.JSON)
	require.NoError(t, err, report(res))
	assert.True(t, res.Refreshed)
	require.NotNil(t, res.Original)
	assert.Equal(t, Passed, res.Original.Check(CheckRefresh).Status)

	// A failing refresh is a warning; the original is verified.
	res, err = mk(mapRefresher{err: fmt.Errorf("%w: boom", vc.ErrRefresh)}).Verify(context.Background(), withRefresh.JSON)
	require.NoError(t, err, report(res))
	assert.False(t, res.Refreshed)
	assert.Equal(t, Warning, res.Check(CheckRefresh).Status)

	// A refreshed copy that does not verify is ignored.
	bad := bytes.Replace(signed, []byte("Data Literacy"), []byte("Data Mastery"), 1)
	res, err = mk(mapRefresher{data: bad}).Verify(context.Background(), withRefresh.JSON)
	require.NoError(t, err, report(res))
	assert.False(t, res.Refreshed)
	assert.Equal(t, Warning, res.Check(CheckRefresh).Status)

	// A refreshed copy with the same id by another issuer is ignored.
	otherSeed := sha256.Sum256([]byte("someone else"))
	otherKey, err := did.NewEd25519KeyFromSeed(otherSeed[:])
	require.NoError(t, err)
	other := withoutMember(c.Document(), "proof")
	other["issuer"] = map[string]any{"id": otherKey.Controller, "type": []any{"Profile"}, "name": "Someone Else"}
	oraw, err := jsonMarshal(other)
	require.NoError(t, err)
	foreign, err := (&Issuer{Key: proof.Key{Signer: otherKey.Signer, VerificationMethod: otherKey.ID}, Now: clock}).IssueJSON(context.Background(), oraw)
	require.NoError(t, err)
	res, err = mk(mapRefresher{data: foreign.JSON}).Verify(context.Background(), withRefresh.JSON)
	require.NoError(t, err, report(res))
	assert.False(t, res.Refreshed, "another issuer's credential never replaces this one")
	assert.Equal(t, Warning, res.Check(CheckRefresh).Status)

	// No refresher: skipped.
	res, err = mk(nil).Verify(context.Background(), withRefresh.JSON)
	require.NoError(t, err)
	assert.Equal(t, Skipped, res.Check(CheckRefresh).Status)
}

func TestVerifyIsSafeForConcurrentUse(t *testing.T) {
	v := rtVerifier(t)
	samples := issueSample(t)
	errs := make(chan error, 64)
	for i := 0; i < 8; i++ {
		go func() {
			for _, data := range samples {
				_, err := v.Verify(context.Background(), data)
				errs <- err
			}
		}()
	}
	for i := 0; i < 8*len(samples); i++ {
		assert.NoError(t, <-errs)
	}
}

func TestVerifyHonoursCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := rtVerifier(t).Verify(ctx, issueSample(t)["json"])
	require.Error(t, err)
	assert.False(t, res.Verified)
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
}

// FuzzVerify: the pipeline never panics, and no mutation of a signed badge
// verifies unless the mutation left the signed content unchanged.
func FuzzVerify(f *testing.F) {
	samples := issueSample(f)
	for _, s := range samples {
		f.Add(s)
	}
	v := rtVerifier(f)
	orig, err := vc.Parse(samples["json"])
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := v.Verify(context.Background(), data)
		if res == nil {
			t.Fatal("nil result")
		}
		if (err == nil) != res.Verified {
			t.Fatalf("error %v but Verified=%v", err, res.Verified)
		}
		if err != nil || res.Input != InputJSON {
			return
		}
		// A verified JSON input must mean the same document as the
		// original, or be another validly signed document.
		if res.Credential.ID() == orig.ID() {
			a, _ := jsonMarshal(withoutMember(res.Credential.Document(), "proof"))
			b, _ := jsonMarshal(withoutMember(orig.Document(), "proof"))
			if !bytes.Equal(a, b) {
				t.Fatalf("a changed credential verified:\n%s", data)
			}
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	samples := issueSample(b)
	v := rtVerifier(b)
	for _, name := range []string{"json", "jwt", "json.png", "jwt.svg"} {
		data := samples[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(context.Background(), data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
