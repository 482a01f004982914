package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/server"
)

const obCredential = `{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  "id": "urn:uuid:0b3a2c4e-58a2-4f0e-9d1c-6f7d2b1e8a10",
  "type": ["VerifiableCredential", "OpenBadgeCredential"],
  "issuer": {"id": "ISSUER", "type": ["Profile"], "name": "Example College"},
  "validFrom": "2024-01-01T00:00:00Z",
  "name": "Data Literacy",
  "credentialSubject": {
    "id": "did:example:learner",
    "type": ["AchievementSubject"],
    "achievement": {
      "id": "https://college.example.edu/achievements/data-literacy",
      "type": ["Achievement"],
      "name": "Data Literacy",
      "description": "Reads and summarizes a data set.",
      "criteria": {"narrative": "Passed the assessment."}
    }
  }
}`

// badges returns a signed OB credential as JSON and JWT, and baked PNG and
// SVG images.
func (f *fixture) badges(t testing.TB) (jsonCred []byte, jwt string, bakedPNG, bakedSVG []byte) {
	t.Helper()
	ctx := context.Background()
	unsigned := []byte(strings.Replace(obCredential, "ISSUER", f.issuer, 1))
	iss := &badge.Issuer{Key: f.pk}
	s, err := iss.IssueJSON(ctx, unsigned)
	require.NoError(t, err)
	iss.Format = badge.JWT
	sj, err := iss.IssueJSON(ctx, unsigned)
	require.NoError(t, err)
	var img, p, v bytes.Buffer
	require.NoError(t, png.Encode(&img, testImage()))
	require.NoError(t, badge.Bake(&p, &img, s.JSON))
	svg := `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>`
	require.NoError(t, badge.Bake(&v, strings.NewReader(svg), s.JSON))
	return s.JSON, sj.JWT, p.Bytes(), v.Bytes()
}

func testImage() image.Image {
	m := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range 16 {
		m.Set(i, i, color.RGBA{0, 80, 200, 255})
	}
	return m
}

func TestBadgeVerifyAcceptsEveryForm(t *testing.T) {
	f := newFixture(t, nil)
	js, jwt, p, svg := f.badges(t)
	mpType, mpBody := multipartBody(t, "file", "badge.png", p)
	for _, tc := range []struct {
		name, ct string
		body     []byte
		input    string
	}{
		{"json", "application/json", js, "json"},
		{"jwt", "text/plain", []byte(jwt), "jwt"},
		{"png", "image/png", p, "png"},
		{"png octet-stream", "application/octet-stream", p, "png"},
		{"png no content type", "", p, "png"},
		{"svg", "image/svg+xml", svg, "svg"},
		{"multipart png", mpType, mpBody, "png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(f.h, http.MethodPost, server.PathBadgeVerify, tc.ct, tc.body)
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)
			m := r.json(t)
			assert.Equal(t, true, m["verified"])
			assert.Equal(t, tc.input, m["input"])
			assert.Equal(t, badge.ResultMediaType, m["mediaType"])
			assert.NotEmpty(t, m["checks"])
			cred := m["credential"].(map[string]any)
			assert.Equal(t, "Data Literacy", cred["name"])
		})
	}

	// Tampered: the credential inside the PNG changed after signing.
	tampered := bytes.Replace(js, []byte(`"Data Literacy"`), []byte(`"Data Mastery!"`), 1)
	var img, bp bytes.Buffer
	require.NoError(t, png.Encode(&img, testImage()))
	require.NoError(t, badge.Bake(&bp, &img, tampered))
	r := do(f.h, http.MethodPost, server.PathBadgeVerify, "image/png", bp.Bytes())
	require.Equal(t, http.StatusUnprocessableEntity, r.status, "%s", r.body)
	m := r.json(t)
	assert.Equal(t, false, m["verified"])
	var proofFailed bool
	for _, c := range m["checks"].([]any) {
		c := c.(map[string]any)
		if c["id"] == "proof" && c["status"] == "failed" {
			proofFailed = true
			assert.NotEmpty(t, c["error"])
		}
	}
	assert.True(t, proofFailed, "%s", r.body)
}

// Bad requests get a 4xx problem, never a 5xx or a hang.
func TestBadRequestsGetProblems(t *testing.T) {
	f := newFixture(t, func(c *server.Config) { c.Options.MaxBodyBytes = 64 << 10 })
	var plain bytes.Buffer
	require.NoError(t, png.Encode(&plain, testImage()))
	big := bytes.Repeat([]byte("a"), 70<<10)
	valid, _ := json.Marshal(map[string]any{"credential": exampleCredential()})
	mp1, mp2 := multipartBody(t, "other", "x.png", plain.Bytes())
	for _, tc := range []struct {
		name, method, path, ct string
		body                   []byte
		status                 int
	}{
		{"issue wrong content type", "POST", server.PathIssue, "text/plain", valid, 415},
		{"issue bad content type", "POST", server.PathIssue, "a/b/c;;", valid, 415},
		{"issue oversized", "POST", server.PathIssue, "application/json", append([]byte(`{"credential":"`), big...), 413},
		{"issue invalid JSON", "POST", server.PathIssue, "application/json", []byte(`{"credential":`), 400},
		{"issue duplicate key", "POST", server.PathIssue, "application/json", []byte(`{"credential":{},"credential":{}}`), 400},
		{"issue case variant member", "POST", server.PathIssue, "application/json", []byte(`{"Credential":{}}`), 400},
		{"issue unknown option", "POST", server.PathIssue, "application/json", []byte(`{"credential":{},"options":{"proofPurpose":"x"}}`), 400},
		{"issue bad format", "POST", server.PathIssue, "application/json", []byte(`{"credential":{},"options":{"format":"cbor"}}`), 400},
		{"issue bad cryptosuite", "POST", server.PathIssue, "application/json", []byte(`{"credential":{},"options":{"cryptosuite":"bbs-2023"}}`), 400},
		{"issue bad created", "POST", server.PathIssue, "application/json", []byte(`{"credential":{},"options":{"created":"soon"}}`), 400},
		{"issue options not object", "POST", server.PathIssue, "application/json", []byte(`{"credential":{},"options":[]}`), 400},
		{"issue credential not object", "POST", server.PathIssue, "application/json", []byte(`{"credential":"x"}`), 400},
		{"issue no credential", "POST", server.PathIssue, "application/json", []byte(`{}`), 400},
		{"issue array body", "POST", server.PathIssue, "application/json", []byte(`[]`), 400},
		{"issue invalid UTF-8", "POST", server.PathIssue, "application/json", []byte("{\"credential\":\"\xff\"}"), 400},
		{"issue deep nesting", "POST", server.PathIssue, "application/json", []byte(`{"credential":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}`), 400},
		{"issue GET", "GET", server.PathIssue, "", nil, 405},
		{"verify unknown check", "POST", server.PathVerifyCredential, "application/json", []byte(`{"verifiableCredential":{},"options":{"checks":["magic"]}}`), 400},
		{"verify unknown option", "POST", server.PathVerifyCredential, "application/json", []byte(`{"verifiableCredential":{},"options":{"x":1}}`), 400},
		{"verify not object", "POST", server.PathVerifyCredential, "application/json", []byte(`{"verifiableCredential":"x"}`), 400},
		{"verify empty object", "POST", server.PathVerifyCredential, "application/json", []byte(`{"verifiableCredential":{}}`), 422},
		{"verify bad envelope", "POST", server.PathVerifyCredential, "application/json", []byte(`{"verifiableCredential":{"type":"EnvelopedVerifiableCredential","id":"data:text/html,<b>"}}`), 422},
		{"verify wrong content type", "POST", server.PathVerifyCredential, "application/x-www-form-urlencoded", []byte(`a=b`), 415},
		{"presentation not object", "POST", server.PathVerifyPresentation, "application/json", []byte(`{"verifiablePresentation":1}`), 400},
		{"presentation challenge not string", "POST", server.PathVerifyPresentation, "application/json", []byte(`{"verifiablePresentation":{},"options":{"challenge":1}}`), 400},
		{"badge PNG without credential", "POST", server.PathBadgeVerify, "image/png", plain.Bytes(), 422},
		{"badge multipart without file", "POST", server.PathBadgeVerify, mp1, mp2, 400},
		{"badge multipart broken", "POST", server.PathBadgeVerify, "multipart/form-data; boundary=xyz", []byte("garbage"), 400},
		{"badge garbage", "POST", server.PathBadgeVerify, "application/octet-stream", []byte("\x00\x01garbage"), 400},
		{"badge empty", "POST", server.PathBadgeVerify, "application/json", nil, 400},
		{"badge html", "POST", server.PathBadgeVerify, "text/html", []byte("<p>"), 415},
		{"badge oversized", "POST", server.PathBadgeVerify, "image/png", big, 413},
		{"badge invalid JSON", "POST", server.PathBadgeVerify, "application/json", []byte(`{"@context":`), 400},
		{"unknown path", "GET", "/nope", "", nil, 404},
		{"status list unknown", "GET", "/status/none", "", nil, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(f.h, tc.method, tc.path, tc.ct, tc.body)
			if tc.status == 422 && tc.path == server.PathVerifyCredential {
				assert.Equal(t, 422, r.status, "%s", r.body)
				assert.Equal(t, false, r.json(t)["verified"])
				return
			}
			assertProblem(t, r, tc.status)
		})
	}
}

// Random bytes and random JSON never produce a 5xx.
func TestNoServerErrorsOnRandomInput(t *testing.T) {
	f := newFixture(t, nil)
	paths := []string{server.PathIssue, server.PathVerifyCredential, server.PathVerifyPresentation, server.PathBadgeVerify}
	seeds := [][]byte{
		[]byte(`{"credential":{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential","credentialSubject":{"a":1}}}`),
		[]byte(`{"verifiableCredential":{"@context":"https://www.w3.org/ns/credentials/v2","proof":[1,{"type":"DataIntegrityProof"}]}}`),
		[]byte(`{"verifiablePresentation":{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiablePresentation","verifiableCredential":[{},null,{"type":"EnvelopedVerifiableCredential","id":"data:application/vc+jwt,a.b.c"}],"proof":{}}}`),
		[]byte(`{"verifiableCredential":{"@context":null,"type":["EnvelopedVerifiableCredential"],"id":"data:application/jwt,eyJ.eyJ.sig"}}`),
	}
	for i := 0; i < 300; i++ {
		b := append([]byte(nil), seeds[i%len(seeds)]...)
		n, _ := rand.Int(rand.Reader, big.NewInt(4))
		for j := int64(0); j < n.Int64(); j++ {
			k, _ := rand.Int(rand.Reader, big.NewInt(int64(len(b))))
			c, _ := rand.Int(rand.Reader, big.NewInt(256))
			b[k.Int64()] = byte(c.Int64())
		}
		for _, p := range paths {
			r := do(f.h, http.MethodPost, p, "application/json", b)
			require.Less(t, r.status, 500, "%s %q: %s", p, b, r.body)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	f := newFixture(t, nil)
	js, jwt, p, _ := f.badges(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var r *response
			switch i % 4 {
			case 0:
				r = do(f.h, "POST", server.PathBadgeVerify, "application/json", js)
			case 1:
				r = do(f.h, "POST", server.PathBadgeVerify, "text/plain", []byte(jwt))
			case 2:
				r = do(f.h, "POST", server.PathBadgeVerify, "image/png", p)
			case 3:
				b, _ := json.Marshal(map[string]any{"credential": exampleCredential()})
				r = do(f.h, "POST", server.PathIssue, "application/json", b)
			}
			if r.status != 200 && r.status != 201 {
				errs <- fmt.Errorf("request %d: %d %s", i, r.status, r.body)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestTimeoutIsAnswered(t *testing.T) {
	f := newFixture(t, func(c *server.Config) { c.Options.Timeout = time.Nanosecond })
	js, _, _, _ := f.badges(t)
	done := make(chan *response, 1)
	go func() { done <- do(f.h, "POST", server.PathBadgeVerify, "application/json", js) }()
	select {
	case r := <-done:
		assert.NotEqual(t, 200, r.status)
	case <-time.After(20 * time.Second):
		t.Fatal("the request hung")
	}
}

func TestPublishedDocuments(t *testing.T) {
	k, err := did.GenerateKey(did.AlgEd25519, rand.Reader)
	require.NoError(t, err)
	jwk, err := k.JWK()
	require.NoError(t, err)
	pub := jwk.Public()
	pub.Kid = "https://example.com/issuer#key-1"
	profile := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"id":"https://example.com/issuer","type":["Profile"],"name":"Example"}`)
	lists := &server.StatusLists{TTL: time.Hour}
	require.NoError(t, lists.Put("1", []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","BitstringStatusListCredential"],"credentialSubject":{"type":"BitstringStatusList","ttl":60000,"encodedList":"uH4sI"}}`)))
	require.NoError(t, lists.Put("2", []byte("eyJh.eyJi.c2ln")))
	assert.Error(t, lists.Put("../x", []byte("{}")))
	assert.Error(t, lists.Put("3", []byte("not a list")))
	h, err := server.New(server.Config{
		Profile:     profile,
		JWKS:        &did.JWKSet{Keys: []did.JWK{*pub}},
		DIDDocument: &did.Document{ID: "did:web:example.com:issuers:1"},
		StatusLists: lists,
		DocumentTTL: 10 * time.Minute,
	})
	require.NoError(t, err)
	for _, tc := range []struct{ path, ct, cache string }{
		{"/issuer", "application/ld+json", "public, max-age=600"},
		{"/.well-known/jwks.json", "application/jwk-set+json", "public, max-age=600"},
		{"/issuers/1/did.json", "application/did+ld+json", "public, max-age=600"},
		{"/status/1", "application/vc", "public, max-age=60"},
		{"/status/2", "application/vc+jwt", "public, max-age=3600"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r := do(h, "GET", tc.path, "", nil)
			require.Equal(t, 200, r.status, "%s", r.body)
			assert.Equal(t, tc.ct, r.header.Get("Content-Type"))
			assert.Equal(t, tc.cache, r.header.Get("Cache-Control"))
			assert.Equal(t, "*", r.header.Get("Access-Control-Allow-Origin"))
			etag := r.header.Get("ETag")
			require.NotEmpty(t, etag)
			req := mustRequest(t, "GET", tc.path)
			req.Header.Set("If-None-Match", etag)
			rec := serve(h, req)
			assert.Equal(t, http.StatusNotModified, rec.status)
			assert.Empty(t, rec.body)
			pre := serve(h, mustRequest(t, "OPTIONS", tc.path))
			assert.Equal(t, http.StatusNoContent, pre.status)
			assert.Contains(t, pre.header.Get("Access-Control-Allow-Methods"), "GET")
			post := do(h, "POST", tc.path, "application/json", []byte("{}"))
			assert.Equal(t, http.StatusMethodNotAllowed, post.status)
		})
	}
	// CORS only on the published documents.
	r := do(h, "POST", server.PathVerifyCredential, "application/json", []byte(`{}`))
	assert.Empty(t, r.header.Get("Access-Control-Allow-Origin"))

	// Private keys are never published.
	_, err = server.NewJWKSHandler(&did.JWKSet{Keys: []did.JWK{*jwk}}, 0)
	assert.ErrorIs(t, err, server.ErrInvalidDocument)
	_, err = server.NewProfileHandler([]byte(`{"name":"x"}`), 0)
	assert.ErrorIs(t, err, server.ErrInvalidDocument)
}

func TestPage(t *testing.T) {
	f := newFixture(t, nil)
	r := do(f.h, "GET", "/", "", nil)
	require.Equal(t, 200, r.status)
	assert.Equal(t, "text/html; charset=utf-8", r.header.Get("Content-Type"))
	assert.Contains(t, r.header.Get("Content-Security-Policy"), "default-src 'none'")
	body := string(r.body)
	assert.Contains(t, body, `data-verify-url="verify"`)
	assert.Contains(t, body, `<label for="file"`)
	assert.Contains(t, body, `aria-live="polite"`)
	assert.NotContains(t, body, "http://")
	assert.NotContains(t, body, "https://")
	for _, p := range []string{"/app.js", "/style.css"} {
		r := do(f.h, "GET", p, "", nil)
		assert.Equal(t, 200, r.status, p)
		assert.NotContains(t, string(r.body), "https://", "no CDN or remote asset in %s", p)
	}
}
