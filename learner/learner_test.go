package learner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/learner"
	"github.com/openbadges-go/openbadges/presentation"
	"github.com/openbadges-go/openbadges/proof"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var fixedTime = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return fixedTime }

type party struct {
	key    *did.Key
	pk     proof.Key
	issuer *badge.Issuer
	name   string
}

func newParty(t testing.TB, seed byte, name string, f badge.Format) party {
	t.Helper()
	k, err := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	require.NoError(t, err)
	pk := proof.Key{Signer: k.Signer, VerificationMethod: k.ID}
	return party{key: k, pk: pk, issuer: &badge.Issuer{Key: pk, Format: f, Now: fixedNow}, name: name}
}

// spec describes a badge of the fixture.
type spec struct {
	id, name  string
	typ       badge.AchievementType
	aligns    []badge.Alignment
	available string
	earned    string
}

func issue(t testing.TB, p party, holder string, s spec) []byte {
	t.Helper()
	a := badge.NewAchievement(s.id, s.name, s.name+" badge.", "Earn it.")
	a.AchievementType = s.typ
	if len(s.aligns) > 0 {
		a.Alignment = badge.Many(s.aligns...)
	}
	a.CreditsAvailable = json.Number(s.available)
	issuer := p.issuer.Profile(p.name)
	c, err := badge.NewCredential(issuer, a, badge.RecipientDID(holder), &badge.CredentialOptions{Now: fixedNow, ID: "urn:uuid:" + uuidFor(s.id)})
	require.NoError(t, err)
	c.CredentialSubject.CreditsEarned = json.Number(s.earned)
	signed, err := p.issuer.Issue(context.Background(), c)
	require.NoError(t, err)
	return signed.Bytes()
}

// uuidFor returns a fixed UUID per achievement id, so goldens are stable.
func uuidFor(s string) string {
	var h byte
	for _, c := range []byte(s) {
		h = h*31 + c
	}
	return "6f1c2a3e-0000-4000-8000-0000000000" + string("0123456789abcdef"[h>>4]) + string("0123456789abcdef"[h&15])
}

func pngImage(t testing.TB) []byte {
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewGray(image.Rect(0, 0, 2, 2))))
	return buf.Bytes()
}

const svgImage = `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>`

func bake(t testing.TB, img []byte, cred []byte) []byte {
	var out bytes.Buffer
	require.NoError(t, badge.Bake(&out, bytes.NewReader(img), cred))
	return out.Bytes()
}

// fixture is a learner with four badges from two issuers in four formats.
type fixture struct {
	holder, uni, corp, publisher party
	inputs                       map[string][]byte
	verifier                     *badge.Verifier
}

func newFixture(t testing.TB) *fixture {
	f := &fixture{
		holder:    newParty(t, 9, "Ada Learner", badge.DataIntegrity),
		uni:       newParty(t, 1, "Example University", badge.DataIntegrity),
		corp:      newParty(t, 2, "Example Corp", badge.JWT),
		publisher: newParty(t, 3, "Example Registrar", badge.DataIntegrity),
	}
	h := f.holder.key.Controller
	sql := badge.NewAlignment("SQL", "https://esco.example/skill/sql")
	sql.TargetFramework, sql.TargetCode = "ESCO", "S1.2"
	py := badge.NewAlignment("Python", "https://esco.example/skill/python")
	py.TargetFramework = "ESCO"
	team := badge.NewAlignment("Teamwork", "https://soft.example/teamwork")
	team.TargetFramework = "Soft Skills"
	f.inputs = map[string][]byte{
		"json": issue(t, f.uni, h, spec{"https://example.edu/a/databases", "Databases", badge.AchievementTypeCourse, []badge.Alignment{sql}, "3", "3"}),
		"jwt":  issue(t, f.corp, h, spec{"https://example.com/a/python", "Python", badge.AchievementTypeCertification, []badge.Alignment{py, sql}, "1.5", "1.5"}),
		"png":  bake(t, pngImage(t), issue(t, f.uni, h, spec{"https://example.edu/a/teamwork", "Teamwork", badge.AchievementTypeCourse, []badge.Alignment{team}, "0.25", "0.25"})),
		"svg":  bake(t, []byte(svgImage), issue(t, f.corp, h, spec{"https://example.com/a/analysis", "Data Analysis", badge.AchievementTypeCompetency, []badge.Alignment{sql}, "", "0.1"})),
	}
	v, err := badge.NewVerifier(badge.VerifierOptions{Now: fixedNow})
	require.NoError(t, err)
	f.verifier = v
	return f
}

func (f *fixture) wallet(t testing.TB) *learner.Wallet {
	w, err := learner.NewWallet(badge.NewProfile(f.holder.key.Controller, "Ada Learner"), &learner.Options{Verifier: f.verifier})
	require.NoError(t, err)
	return w
}

func (f *fixture) importAll(t testing.TB, w *learner.Wallet) {
	for _, k := range []string{"json", "jwt", "png", "svg"} {
		_, err := w.Import(context.Background(), f.inputs[k])
		require.NoError(t, err, k)
	}
}

func TestImportKeepsTheResult(t *testing.T) {
	f := newFixture(t)
	w := f.wallet(t)
	for _, tc := range []struct {
		input  string
		format badge.InputFormat
		jwt    bool
	}{
		{"json", badge.InputJSON, false},
		{"jwt", badge.InputJWT, true},
		{"png", badge.InputPNG, false},
		{"svg", badge.InputSVG, true},
	} {
		t.Run(tc.input, func(t *testing.T) {
			e, err := w.Import(context.Background(), f.inputs[tc.input])
			require.NoError(t, err)
			require.NotNil(t, e.Result)
			assert.True(t, e.Verified())
			assert.Equal(t, tc.format, e.Format)
			assert.Equal(t, f.inputs[tc.input], e.Raw)
			assert.Equal(t, tc.jwt, bytes.Count(e.Credential, []byte(".")) == 2 && e.Credential[0] != '{', "credential as signed")
			assert.NotNil(t, e.Result.Badge)
		})
	}
	assert.Len(t, w.Entries(), 4)

	t.Run("duplicate", func(t *testing.T) {
		e, err := w.Import(context.Background(), f.inputs["json"])
		assert.Nil(t, e)
		assert.ErrorIs(t, err, learner.ErrDuplicate)
	})
	t.Run("not a credential", func(t *testing.T) {
		e, err := w.Import(context.Background(), []byte("hello"))
		assert.Nil(t, e)
		assert.ErrorIs(t, err, learner.ErrNotCredential)
	})
	t.Run("tampered is kept with its failed result", func(t *testing.T) {
		bad := bytes.Replace(f.inputs["json"], []byte("Databases badge."), []byte("Forged badge!!!"), 1)
		bad = bytes.Replace(bad, []byte("urn:uuid:"), []byte("urn:uuid:f"), 1)
		e, err := w.Import(context.Background(), bad)
		require.Error(t, err)
		require.NotNil(t, e)
		assert.ErrorIs(t, err, proof.ErrSignatureInvalid)
		assert.False(t, e.Verified())
		assert.Len(t, w.Entries(), 5)
		assert.Equal(t, 4, w.Summary().Verified, "an unverified credential is not summarized")
	})
	t.Run("limit", func(t *testing.T) {
		small, err := learner.NewWallet(badge.NewProfile(f.holder.key.Controller, "Ada"), &learner.Options{Verifier: f.verifier, MaxEntries: 1})
		require.NoError(t, err)
		_, err = small.Import(context.Background(), f.inputs["json"])
		require.NoError(t, err)
		_, err = small.Import(context.Background(), f.inputs["jwt"])
		assert.ErrorIs(t, err, learner.ErrLimit)
	})
}

func TestSummaryGolden(t *testing.T) {
	f := newFixture(t)
	w := f.wallet(t)
	f.importAll(t, w)
	s := w.Summary()
	assert.Equal(t, 4, s.Verified)
	assert.Equal(t, json.Number("4.85"), s.Credits.Earned)
	assert.Equal(t, json.Number("4.75"), s.Credits.Available)

	got, err := json.MarshalIndent(s, "", "  ")
	require.NoError(t, err)
	// The issuers' DIDs vary with the fixture keys only; name them.
	got = bytes.ReplaceAll(got, []byte(f.uni.key.Controller), []byte("did:key:UNI"))
	got = bytes.ReplaceAll(got, []byte(f.corp.key.Controller), []byte("did:key:CORP"))
	got = bytes.ReplaceAll(got, []byte(f.holder.key.Controller), []byte("did:key:HOLDER"))
	golden := filepath.Join("testdata", "summary.golden.json")
	if *update {
		require.NoError(t, os.WriteFile(golden, append(got, '\n'), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))
}

func TestExportCLR(t *testing.T) {
	f := newFixture(t)
	w := f.wallet(t)
	f.importAll(t, w)
	for _, format := range []badge.Format{badge.DataIntegrity, badge.JWT} {
		t.Run(format.String(), func(t *testing.T) {
			iss := &clr.Issuer{Key: f.publisher.pk, Format: format, Now: fixedNow}
			signed, err := w.ExportCLR(context.Background(), iss, f.publisher.issuer.Profile("Example Registrar"), &clr.Options{Now: fixedNow})
			require.NoError(t, err)
			bv, err := badge.NewVerifier(badge.VerifierOptions{Now: fixedNow})
			require.NoError(t, err)
			v, err := clr.NewVerifier(clr.VerifierOptions{Badges: bv})
			require.NoError(t, err)
			res, err := v.Verify(context.Background(), signed.Bytes())
			require.NoError(t, err)
			assert.True(t, res.Verified)
			assert.Len(t, res.Nested, 4)
		})
	}
	empty := f.wallet(t)
	_, err := empty.ExportCLR(context.Background(), &clr.Issuer{Key: f.publisher.pk}, f.publisher.issuer.Profile("R"), nil)
	assert.ErrorIs(t, err, learner.ErrNoVerifiedCredentials)
}

func TestPresentVerifies(t *testing.T) {
	f := newFixture(t)
	w := f.wallet(t)
	f.importAll(t, w)
	ctx := context.Background()
	vp, err := w.Present(ctx, f.holder.pk, &presentation.SignOptions{Challenge: "n-0S6_WzA2Mj", Domain: "jobs.example", Now: fixedNow})
	require.NoError(t, err)
	opts := presentation.Options{Challenge: "n-0S6_WzA2Mj", Domain: "jobs.example", Verifier: f.verifier}
	res, err := presentation.VerifyPresentation(ctx, vp, opts)
	require.NoError(t, err)
	require.Len(t, res.Nested, 4)
	for _, c := range res.Nested {
		assert.True(t, c.Bound)
		assert.True(t, c.Result.Verified)
	}

	for name, o := range map[string]presentation.Options{
		"wrong challenge": {Challenge: "other", Domain: "jobs.example", Verifier: f.verifier},
		"wrong domain":    {Challenge: "n-0S6_WzA2Mj", Domain: "evil.example", Verifier: f.verifier},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := presentation.VerifyPresentation(ctx, vp, o)
			assert.ErrorIs(t, err, presentation.ErrNotVerified)
		})
	}

	// Another learner's wallet refuses these badges; presented anyway,
	// their holder is not their subject.
	other := newParty(t, 8, "Mallory", badge.DataIntegrity)
	w2, err := learner.NewWallet(badge.NewProfile(other.key.Controller, "Mallory"), &learner.Options{Verifier: f.verifier})
	require.NoError(t, err)
	_, err = w2.Import(ctx, f.inputs["json"])
	assert.ErrorIs(t, err, learner.ErrNotHolder)
	var creds [][]byte
	for _, e := range w.Entries() {
		creds = append(creds, e.Credential)
	}
	vp2, err := presentation.Sign(ctx, other.pk, creds, &presentation.SignOptions{Holder: other.key.Controller, Challenge: "n-0S6_WzA2Mj", Domain: "jobs.example", Now: fixedNow})
	require.NoError(t, err)
	_, err = presentation.VerifyPresentation(ctx, vp2, opts)
	assert.ErrorIs(t, err, presentation.ErrHolderNotSubject)

	// The learner's key must be the profile's.
	_, err = w.Present(ctx, other.pk, &presentation.SignOptions{Challenge: "c", Domain: "d"})
	assert.ErrorIs(t, err, presentation.ErrInvalidArgument)
}
