package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/server"
)

// fixture is a did:key issuer with every handler mounted by server.New.
type fixture struct {
	key    *did.Key
	pk     proof.Key
	issuer string
	h      http.Handler
}

func newFixture(t testing.TB, mod func(*server.Config)) *fixture {
	t.Helper()
	k, err := did.GenerateKey(did.AlgEd25519, rand.Reader)
	require.NoError(t, err)
	f := &fixture{key: k, pk: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, issuer: k.Controller}
	// As openbadges serve configures it: the W3C suites issue expired
	// credentials to test verifiers.
	c := server.Config{Issuer: &badge.Issuer{Key: f.pk, AllowExpired: true}}
	if mod != nil {
		mod(&c)
	}
	f.h, err = server.New(c)
	require.NoError(t, err)
	return f
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body: %s", r.body)
	return m
}

func do(h http.Handler, method, path, contentType string, body []byte) *response {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return &response{rec.Code, rec.Header(), rec.Body.Bytes()}
}

func postJSON(t testing.TB, h http.Handler, path string, v any) *response {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return do(h, http.MethodPost, path, "application/json", b)
}

func multipartBody(t testing.TB, field, filename string, data []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile(field, filename)
	require.NoError(t, err)
	_, err = fw.Write(data)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	return mw.FormDataContentType(), buf.Bytes()
}

// exampleCredential is an unsigned VC 2.0 credential with the examples
// context, as the W3C suites send.
func exampleCredential() map[string]any {
	return map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"},
		"type":     []any{"VerifiableCredential", "ExampleAlumniCredential"},
		"credentialSubject": map[string]any{
			"id":       "did:example:ebfeb1f712ebc6f1c276e12ec21",
			"alumniOf": map[string]any{"id": "did:example:c276e12ec21ebfeb1f712ebc6f1", "name": "Example University"},
		},
	}
}

// issue issues c through the handler and returns the verifiableCredential.
func (f *fixture) issue(t testing.TB, c map[string]any, opts map[string]any) map[string]any {
	t.Helper()
	body := map[string]any{"credential": c}
	if opts != nil {
		body["options"] = opts
	}
	r := postJSON(t, f.h, server.PathIssue, body)
	require.Equal(t, http.StatusCreated, r.status, "issue: %s", r.body)
	vc, ok := r.json(t)["verifiableCredential"].(map[string]any)
	require.True(t, ok, "%s", r.body)
	return vc
}

func (f *fixture) verify(t testing.TB, vc any) (*response, map[string]any) {
	t.Helper()
	r := postJSON(t, f.h, server.PathVerifyCredential, map[string]any{"verifiableCredential": vc, "options": map[string]any{"checks": []any{"proof"}}})
	return r, r.json(t)
}

func assertProblem(t testing.TB, r *response, status int) {
	t.Helper()
	assert.Equal(t, status, r.status, "body: %s", r.body)
	assert.True(t, strings.HasPrefix(r.header.Get("Content-Type"), server.ProblemMediaType), "content type %q", r.header.Get("Content-Type"))
	var p server.Problem
	assert.NoError(t, json.Unmarshal(r.body, &p))
	assert.NotEmpty(t, p.Type)
	assert.NotEmpty(t, p.Title)
}

func clone(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	json.Unmarshal(b, &out)
	return out
}

func readAll(t testing.TB, r io.Reader) []byte {
	t.Helper()
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	return b
}

var _ = context.Background

func mustRequest(t testing.TB, method, path string) *http.Request {
	t.Helper()
	return httptest.NewRequest(method, path, nil)
}

func serve(h http.Handler, req *http.Request) *response {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return &response{rec.Code, rec.Header(), rec.Body.Bytes()}
}
