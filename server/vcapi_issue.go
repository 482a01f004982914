package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/store"
	"github.com/openbadges-go/openbadges/vc"
)

// ---------------------------------------------------------------- issue

type issueHandler struct {
	issuer   badge.Issuer
	issuerID string
	opts     *Options
	st       *StoreIssuing // nil: nothing recorded
}

// NewIssueHandler returns the VC-API issue endpoint (POST
// /credentials/issue). The request is {"credential": {...}, "options":
// {...}}; the supported options are "format" ("ldp_vc" for a Data
// Integrity proof or "jwt" for a JWT; absent: iss.Format), "cryptosuite" (for
// example "eddsa-rdfc-2022") and "created" (the proof's creation time);
// any other option is a 400. A JWT is the Open Badges 3.0 VC-JWT (typ
// "JWT") for an Open Badge, an endorsement, a CLR record and any VC 1.1
// credential, and the W3C VC-JOSE-COSE form (typ "vc+jwt", the credential
// itself as the payload) for any other VC 2.0 credential.
//
// The credential is issued by iss only: a credential without an issuer
// gets iss's controller (the issuer id), and one naming another issuer is
// refused. An Open Badge, endorsement or CLR record without an id (their
// models require one) gets a fresh urn:uuid, as [NewStoreIssueHandler]
// gives; any other credential is signed with the members it was sent.
// Before signing, the VC data model 2.0 rules are enforced (required
// members, types, URLs, dates and their order, relatedResource digests,
// language values, typed status, schema, evidence, terms of use and
// refresh entries), with the Open Badges rules for Open Badges
// credentials, the CLR record checks for a ClrCredential (its contexts and
// model, and every nested credential about the record's subject, as CLR
// verification requires) and JSON-LD safe mode (every term defined by a
// known context); a refused credential gets 422 with every problem by
// JSON path, those of every check together (an issuer that is not iss's
// and an achievement without criteria are both listed).
// A signed credential is answered 201 {"verifiableCredential": ...}; a JWT
// is returned as an EnvelopedVerifiableCredential with a data: URL. A VC
// 1.1 credential signed with a DataIntegrityProof whose contexts do not
// define it gets the Data Integrity context appended to its @context, as
// other Data Integrity issuers do (badge.Signed.AddedContexts); the
// response has no member for notes, the credential shows it.
//
// iss is copied; it must have a Key.
func NewIssueHandler(iss *badge.Issuer, o *Options) (http.Handler, error) {
	return newIssueHandler(iss, o, nil)
}

// NewStoreIssueHandler is [NewIssueHandler] recording every credential in
// st's store: the credential is reserved (its id, the request's id or a
// fresh urn:uuid, and one status entry from each of st.Pools, written into
// it as credentialStatus) before it is signed, a list never published
// before is signed first, and the signed credential is stored before it
// is answered. A request with an Idempotency-Key header that was answered
// before gets the same credential again (201, header Idempotent-Replayed:
// true); the same key with another request body is a 422, a credential id
// already issued a 409, an unavailable store a 503 (and nothing is
// signed).
func NewStoreIssueHandler(iss *badge.Issuer, st *StoreIssuing, o *Options) (http.Handler, error) {
	if err := st.check(); err != nil {
		return nil, err
	}
	return newIssueHandler(iss, o, st)
}

func newIssueHandler(iss *badge.Issuer, o *Options, st *StoreIssuing) (http.Handler, error) {
	if iss == nil || iss.Key.Signer == nil || iss.Key.VerificationMethod == "" {
		return nil, fmt.Errorf("%w: the issuer needs a key with a verification method", badge.ErrInvalidKey)
	}
	h := &issueHandler{issuer: *iss, opts: o, st: st}
	h.issuerID = iss.Controller
	if h.issuerID == "" {
		h.issuerID, _, _ = strings.Cut(iss.Key.VerificationMethod, "#")
	}
	if h.issuer.Processor == nil && o != nil {
		h.issuer.Processor = o.Processor
	}
	return guard(o, h.serve), nil
}

func (h *issueHandler) serve(w http.ResponseWriter, r *http.Request) error {
	req, err := readJSONObject(r, "credential", "options")
	if err != nil {
		return err
	}
	opts, err := req.options("format", "cryptosuite", "created")
	if err != nil {
		return err
	}
	var key string
	var fp []byte
	if h.st != nil {
		if key, err = idempotencyKey(r); err != nil {
			return err
		}
		if fp, err = fingerprint(req.value); err != nil {
			return badRequest("%v", err)
		}
	}
	iss := h.issuer
	format, err := optString(opts, "format")
	if err != nil {
		return err
	}
	switch format {
	case "":
		// the issuer's own format
	case "ldp_vc", "ldp", "di", "DataIntegrity":
		iss.Format = badge.DataIntegrity
	case "jwt", "jwt_vc", "jwt_vc_json", "vc+jwt", "JWT":
		iss.Format = badge.JWT
	default:
		return newProblem(http.StatusBadRequest, ProblemUnknownOption, "Unsupported option value", "format %q is not supported (use ldp_vc or jwt)", format)
	}
	if iss.Cryptosuite, err = optString(opts, "cryptosuite"); err != nil {
		return err
	}
	if iss.Cryptosuite != "" {
		if iss.Format == badge.JWT {
			return badRequest("option cryptosuite does not apply to format jwt")
		}
		if !slices.Contains(proof.DefaultCryptosuites(), iss.Cryptosuite) || iss.Cryptosuite == proof.EdDSA2022 {
			return newProblem(http.StatusBadRequest, ProblemUnknownOption, "Unsupported option value", "cryptosuite %q is not supported", iss.Cryptosuite)
		}
	}
	created, err := optString(opts, "created")
	if err != nil {
		return err
	}
	if created != "" {
		t, err := vc.ParseDateTime(created)
		if err != nil {
			return badRequest("option created must be an RFC 3339 date-time: %v", err)
		}
		iss.Now = func() time.Time { return t }
	}

	credVal, has := req.value["credential"]
	if !has {
		return badRequest("member credential is required")
	}
	cred, ok := credVal.(map[string]any)
	if !ok {
		return badRequest("credential must be a JSON object")
	}
	// Every finding at once: the issuer, the data model rules, then (when
	// any of them failed) the library's own checks too.
	problems := h.bindIssuer(cred)
	c, err := vc.FromValue(nil, cred) // c reads cred itself
	if _, has := cred["id"]; !has && err == nil && h.st == nil && isOneEdTech(c) {
		// Their models require an id: a fresh urn:uuid, as the store's
		// reservation gives (NewStoreIssueHandler).
		id, err := badge.NewUUIDURN(iss.Rand)
		if err != nil {
			return err
		}
		cred["id"] = id
	}
	if err != nil {
		problems = append(problems, FieldProblem{Path: "$", Detail: err.Error()})
	} else if err := vc.CheckDataModel(c); err != nil {
		var dme *vc.DataModelError
		if errors.As(err, &dme) {
			for _, p := range dme.Problems {
				// A malformed issuer is reported once, by bindIssuer.
				if !slices.ContainsFunc(problems, func(r FieldProblem) bool { return r.Path == p.Path }) {
					problems = append(problems, FieldProblem{Path: p.Path, Detail: p.Reason})
				}
			}
		} else {
			problems = append(problems, FieldProblem{Path: "$", Detail: err.Error()})
		}
	}
	problems = append(problems, extraDataModelProblems(cred)...)
	if c != nil {
		rp, err := relatedResourceProblems(r.Context(), c, problems)
		if err != nil {
			return err
		}
		problems = append(problems, rp...)
		problems = append(problems, recordProblems(c, cred)...)
		if iss.Format == badge.JWT && c.Version() == vc.Version2_0 && !isOneEdTech(c) {
			iss.VCJOSE = true
		}
	}
	if len(problems) > 0 {
		lp, err := libraryProblems(r.Context(), &iss, cred, problems)
		if err != nil {
			return err
		}
		problems = append(problems, lp...)
		return &Problem{Type: ProblemMalformedValue, Title: "Invalid credential", Status: http.StatusUnprocessableEntity,
			Detail: fmt.Sprintf("%d problem(s); the first: %s %s", len(problems), problems[0].Path, problems[0].Detail), Errors: problems}
	}
	var rec *store.Credential
	if h.st != nil {
		format := "ldp_vc"
		if iss.Format == badge.JWT {
			format = "jwt"
		}
		var done bool
		if rec, done, err = h.st.reserve(r.Context(), key, fp, format, cred); err != nil {
			return err
		}
		if done {
			w.Header().Set("Idempotent-Replayed", "true")
			return writeIssued(w, rec.Signed)
		}
	}
	data, err := encodeJSON(cred)
	if err != nil {
		return badRequest("credential: %v", err)
	}
	signed, err := iss.IssueJSON(r.Context(), data)
	if err != nil {
		return issueProblem(r.Context(), err)
	}
	out := signed.Bytes()
	if rec != nil {
		if out, err = h.st.complete(r.Context(), rec.ID, out); err != nil {
			return err
		}
	}
	return writeIssued(w, out)
}

// writeIssued answers 201 {"verifiableCredential": ...} with a signed
// credential: a JSON credential as it is, a compact JWT as an
// EnvelopedVerifiableCredential.
func writeIssued(w http.ResponseWriter, signed []byte) error {
	var out json.RawMessage
	if t := bytes.TrimSpace(signed); len(t) > 0 && t[0] == '{' {
		out = t
	} else {
		var err error
		if out, err = encodeJSON(envelope("EnvelopedVerifiableCredential", string(t))); err != nil {
			return err
		}
	}
	b, err := encodeJSON(map[string]json.RawMessage{"verifiableCredential": out})
	if err != nil {
		return err
	}
	writeBytes(w, http.StatusCreated, "application/json", b)
	return nil
}

// relatedResourceProblems checks the credential's relatedResource entries
// as the issuer does (vc.CheckRelatedResources: malformed digests, a wrong
// digest of a context built into the library), and returns the findings at
// paths the data model checks have not already reported. Its error is the
// request's context's.
func relatedResourceProblems(ctx context.Context, c *vc.Credential, reported []FieldProblem) ([]FieldProblem, error) {
	_, err := vc.CheckRelatedResources(ctx, c, &vc.RelatedResourceOptions{Issuing: true})
	var re *vc.RelatedResourceError
	if err == nil || !errors.As(err, &re) {
		return nil, err
	}
	var out []FieldProblem
	for _, p := range re.Problems {
		if !slices.ContainsFunc(reported, func(r FieldProblem) bool { return r.Path == p.Path }) {
			out = append(out, FieldProblem{Path: p.Path, Detail: p.Reason})
		}
	}
	return out, nil
}

// isOneEdTech reports whether c is an Open Badge, an endorsement or a CLR
// record, which OB 3.0 and CLR 2.0 secure as a VC-JWT with typ "JWT".
func isOneEdTech(c *vc.Credential) bool {
	for _, t := range []string{"OpenBadgeCredential", "AchievementCredential", "EndorsementCredential", "ClrCredential"} {
		if c.HasType(t) {
			return true
		}
	}
	return false
}

// bindIssuer makes the credential's issuer the handler's: it fills a
// missing issuer (or issuer id) and reports another one, at the path
// badge.Issuer reports it at ($.issuer, or $.issuer.id for an object).
func (h *issueHandler) bindIssuer(cred map[string]any) []FieldProblem {
	mismatch := func(path, got string) []FieldProblem {
		return []FieldProblem{{Path: path, Detail: fmt.Sprintf("this service issues as %q, not %q", h.issuerID, got)}}
	}
	v, has := cred["issuer"]
	if !has {
		cred["issuer"] = h.issuerID
		return nil
	}
	switch t := v.(type) {
	case string:
		if !isURL(t) {
			return []FieldProblem{{Path: "$.issuer", Detail: "must be a URL"}}
		}
		if t != h.issuerID {
			return mismatch("$.issuer", t)
		}
	case map[string]any:
		id, has := t["id"]
		if !has {
			t["id"] = h.issuerID
			return nil
		}
		s, ok := id.(string)
		if !ok || !isURL(s) {
			return []FieldProblem{{Path: "$.issuer.id", Detail: "must be a URL"}}
		}
		if s != h.issuerID {
			return mismatch("$.issuer.id", s)
		}
	default:
		return []FieldProblem{{Path: "$.issuer", Detail: "must be a URL or an object with an id"}}
	}
	return nil
}

// recordProblems returns, for a ClrCredential (as the verifier's front
// door recognises one), the problems of the record's own content that CLR
// verification refuses (clr.ClrCredential.CheckIssuable: the CLR
// contexts, the model, its bounds, every nested credential about the
// record's subject); nil for any other credential.
func recordProblems(c *vc.Credential, cred map[string]any) []FieldProblem {
	if !c.HasType(clr.TypeClrCredential) {
		return nil
	}
	data, err := encodeJSON(cred)
	if err != nil {
		return nil // reported by the data model checks
	}
	err = clr.CheckIssuableJSON(data)
	var ve *clr.ValidationError
	if !errors.As(err, &ve) {
		if err != nil {
			return []FieldProblem{{Path: "$", Detail: err.Error()}}
		}
		return nil
	}
	out := make([]FieldProblem, len(ve.Fields))
	for i, f := range ve.Fields {
		out[i] = FieldProblem{Path: f.Path, Detail: f.Err.Error()}
	}
	return out
}

// libraryProblems runs the checks of iss (badge.Issuer.IssueJSON: the Open
// Badges data model, issuer binding, JSON-LD safe mode, ...) on a
// credential the handler's own checks refused already (Issuer.CheckJSON:
// nothing is signed), and returns its findings at the paths not in reported, so that
// a refused request lists every problem and not only the first ones found.
// A credential without an id (the store handler gives it one after these
// checks) is checked with a placeholder id. Its error is the request's
// context's.
func libraryProblems(ctx context.Context, iss *badge.Issuer, cred map[string]any, reported []FieldProblem) ([]FieldProblem, error) {
	doc := cred
	if _, has := cred["id"]; !has {
		doc = maps.Clone(cred)
		doc["id"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
	}
	data, err := encodeJSON(doc)
	if err != nil {
		return nil, nil // reported by the data model checks
	}
	err = iss.CheckJSON(ctx, data)
	var ie *badge.IssueError
	if !errors.As(err, &ie) {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, nil
	}
	seen := make(map[string]bool, len(reported))
	for _, p := range reported {
		seen[p.Path] = true
	}
	var out []FieldProblem
	for _, f := range ie.Fields() {
		if !seen[f.Path] {
			out = append(out, FieldProblem{Path: f.Path, Detail: f.Err.Error()})
		}
	}
	return out, nil
}

// issueProblem maps an error of Issuer.IssueJSON to a problem: a refused
// credential is 422 with its findings; a timeout 503; a broken issuer key
// 500; anything else about the input 422.
func issueProblem(ctx context.Context, err error) error {
	var ie *badge.IssueError
	switch {
	case errors.As(err, &ie):
		p := &Problem{Type: ProblemMalformedValue, Title: "Invalid credential", Status: http.StatusUnprocessableEntity, Detail: firstLine(err.Error())}
		for _, f := range ie.Fields() {
			p.Errors = append(p.Errors, FieldProblem{Path: f.Path, Detail: f.Err.Error()})
		}
		return p
	case ctx.Err() != nil:
		return err
	case errors.Is(err, badge.ErrInvalidKey):
		return &Problem{Type: ProblemInternal, Title: "Issuer misconfigured", Status: http.StatusInternalServerError}
	case errors.Is(err, proof.ErrUnsupportedCryptosuite), errors.Is(err, badge.ErrInvalidArgument):
		return newProblem(http.StatusBadRequest, ProblemUnknownOption, "Unsupported option value", "%s", firstLine(err.Error()))
	}
	return newProblem(http.StatusUnprocessableEntity, ProblemMalformedValue, "Credential cannot be signed", "%s", firstLine(err.Error()))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func envelope(typ, jwt string) map[string]any {
	return map[string]any{
		"@context": vc.ContextV2,
		"id":       "data:application/vc+jwt," + jwt,
		"type":     typ,
	}
}

// encodeJSON marshals without HTML escaping.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
