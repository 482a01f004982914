package delivery

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/presentation"
	"github.com/openbadges-go/openbadges/proof"
)

// NewExchangeHandler returns the wallet-facing VC-API exchange endpoints
// of s, at their full paths under BaseURL's path:
//
//   - POST exchanges/{id}: participate. An empty body (or {}) starts the
//     two-step flow and answers {"verifiablePresentationRequest": ...}
//     (a DIDAuthentication query with the exchange's challenge and
//     domain); a DID Authentication presentation, bare (the Learner
//     Credential Wallet's one-step vc_request_url) or as
//     {"verifiablePresentation": ...} (the VC-API form), is verified
//     through the kernel (presentation.VerifyPresentation: holder proof,
//     challenge, and the domain when the proof names one) and answered
//     with a presentation holding the Open Badge issued to the holder, in
//     the same form (bare, or {"verifiablePresentation": ...}).
//   - GET interactions/{id}: the interaction URL (?iuv=1); with Accept
//     application/json (or none) {"protocols": {"vcapi", "OID4VCI"}},
//     otherwise a short HTML page for a person.
//
// Refusals are RFC 9457 problems: 404 unknown, 410 expired, 409 already
// collected (a replay) or being collected, 403 a holder other than the
// learner the exchange is for, 422 a presentation that does not verify
// (its failed checks listed), 400 malformed. An exchange is consumed only
// by a verified presentation whose credential was issued: every refusal
// leaves it open.
func NewExchangeHandler(s *Service) (http.Handler, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: nil Service", ErrConfig)
	}
	mux := http.NewServeMux()
	bp := strings.TrimSuffix(s.base.EscapedPath(), "/")
	mux.HandleFunc("POST "+bp+pathExchanges+"{id}", s.serveParticipate)
	mux.HandleFunc("GET "+bp+pathInteractions+"{id}", s.serveInteraction)
	return mux, nil
}

// NewHandler returns every endpoint of s behind one handler: the
// VC-API exchange endpoints ([NewExchangeHandler]) and OpenID4VCI
// ([NewOpenID4VCIHandler]). Mount it at BaseURL's path (with a trailing
// slash) and at each of s.WellKnownPaths(). It does not include
// [NewCreateExchangeHandler], which must sit behind the LMS's
// authentication.
func NewHandler(s *Service) (http.Handler, error) {
	ex, err := NewExchangeHandler(s)
	if err != nil {
		return nil, err
	}
	oi, err := NewOpenID4VCIHandler(s)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	bp := strings.TrimSuffix(s.base.EscapedPath(), "/")
	mux.Handle(bp+pathExchanges, ex)
	mux.Handle(bp+pathInteractions, ex)
	mux.Handle("/", oi)
	return mux, nil
}

// presentationRequest is the VPR of the two-step flow (VC-API
// "DIDAuthentication" query, the DCC transaction service's shape).
func (s *Service) presentationRequest(e *Exchange, domain string) map[string]any {
	ex := s.exchangeURL(e.ID)
	return map[string]any{
		"query": []any{map[string]any{
			"type":                 "DIDAuthentication",
			"acceptedMethods":      []any{map[string]string{"method": "key"}, map[string]string{"method": "jwk"}},
			"acceptedCryptosuites": []any{map[string]string{"cryptosuite": proof.Ed25519Signature2020}, map[string]string{"cryptosuite": proof.EdDSARDFC2022}, map[string]string{"cryptosuite": proof.ECDSARDFC2019}},
		}},
		"challenge": e.Challenge,
		"domain":    domain,
		"interact": map[string]any{"service": []any{
			map[string]string{"type": "VerifiableCredentialApiExchangeService", "serviceEndpoint": ex},
			map[string]string{"type": "UnmediatedPresentationService2021", "serviceEndpoint": ex},
		}},
	}
}

func (s *Service) serveParticipate(w http.ResponseWriter, r *http.Request) {
	resp, err := s.participate(r.Context(), w, r)
	if err != nil {
		writeProblem(w, err)
		return
	}
	writeJSON(w, http.StatusOK, "application/json", resp)
}

func (s *Service) participate(ctx context.Context, w http.ResponseWriter, r *http.Request) (any, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.c.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, problem(http.StatusRequestEntityTooLarge, ProblemTooLarge, "Too large", err, "the body is over %d bytes", s.c.MaxBodyBytes)
		}
		return nil, problem(http.StatusBadRequest, ProblemBadRequest, "Bad request", err, "unreadable body")
	}
	var msg map[string]json.RawMessage
	if t := bytes.TrimSpace(body); len(t) > 0 {
		if err := json.Unmarshal(t, &msg); err != nil || msg == nil {
			return nil, problem(http.StatusBadRequest, ProblemBadRequest, "Bad request", err, "the body must be a JSON object")
		}
	}
	e, err := s.c.Store.Get(ctx, r.PathValue("id"))
	if err == nil {
		err = s.open(e)
	}
	if err != nil {
		return nil, exchangeProblem(err)
	}
	if e.TxCode != "" {
		return nil, problem(http.StatusForbidden, ProblemWrongHolder, "Transaction code required", ErrTxCodeRequired, "%v", ErrTxCodeRequired)
	}
	if len(msg) == 0 {
		// Step one of the two-step flow: ask for DID Authentication.
		domain := s.c.Domains[0]
		if _, err := s.c.Store.Update(ctx, e.ID, func(x *Exchange) error {
			if x.State == StatePending {
				x.State = StateActive
			}
			x.Domain = domain
			return nil
		}); err != nil {
			return nil, exchangeProblem(err)
		}
		return map[string]any{"verifiablePresentationRequest": s.presentationRequest(e, domain)}, nil
	}
	vp, wrapped := body, false
	switch {
	case msg["verifiablePresentation"] != nil:
		vp, wrapped = msg["verifiablePresentation"], true
	case msg["type"] != nil || msg["@context"] != nil:
	default:
		return nil, problem(http.StatusBadRequest, ProblemBadRequest, "Bad request", nil,
			"expected {} or a DID Authentication presentation (bare or as verifiablePresentation)")
	}
	holder, err := s.authenticate(ctx, vp, e)
	if err != nil {
		return nil, err
	}
	claimed, err := s.claim(ctx, e.ID, holder, nil)
	if err != nil {
		return nil, exchangeProblem(err)
	}
	signed, err := s.issue(ctx, claimed, holder, "vcapi", false, nil)
	if err != nil {
		return nil, problem(http.StatusInternalServerError, ProblemIssueFailed, "Issuing failed", err,
			"the credential could not be issued; the exchange is still open")
	}
	out := map[string]any{
		"@context":             []string{"https://www.w3.org/ns/credentials/v2"},
		"type":                 []string{"VerifiablePresentation"},
		"verifiableCredential": []json.RawMessage{signed.JSON},
	}
	if wrapped {
		return map[string]any{"verifiablePresentation": out}, nil
	}
	return out, nil
}

// authenticate verifies a DID Authentication presentation for e and
// returns the authenticated holder (a DID). The challenge must be e's;
// the domain is checked when the proof carries one (the one-step link
// gives the wallet none), and must then be one of Config.Domains.
func (s *Service) authenticate(ctx context.Context, vp []byte, e *Exchange) (string, error) {
	p, err := presentation.Parse(vp, nil)
	if err != nil {
		return "", problem(http.StatusBadRequest, ProblemMalformedValue, "Malformed presentation", err, "%v", err)
	}
	o := presentation.Options{Challenge: e.Challenge, Verifier: s.verifier}
	domains := map[string]bool{}
	for _, pr := range p.Doc.Proofs() {
		switch d := pr["domain"].(type) {
		case string:
			domains[d] = true
		case []any:
			for _, x := range d {
				s, _ := x.(string)
				domains[s] = true
			}
		}
	}
	switch {
	case len(domains) == 0:
		// The one-step link gives the wallet no domain: the single-use
		// challenge of this exchange is what binds the presentation here.
		o.InsecureSkipDomain = true
	case len(domains) == 1:
		for d := range domains {
			o.Domain = s.c.Domains[0]
			if contains(s.c.Domains, d) {
				o.Domain = d
			}
		}
	default:
		o.Domain = s.c.Domains[0]
	}
	res, err := presentation.VerifyPresentation(ctx, vp, o)
	if err != nil {
		pb := problem(http.StatusUnprocessableEntity, ProblemNotVerified, "Not verified", err,
			"the DID Authentication presentation did not verify; the exchange is still open")
		if res != nil {
			for _, c := range res.Failed() {
				d := c.Detail
				if c.Err != nil {
					d = c.Err.Error()
				}
				pb.Errors = append(pb.Errors, FieldProblem{Path: string(c.ID), Detail: d})
			}
		}
		return "", pb
	}
	if !strings.HasPrefix(res.Holder, "did:") {
		return "", problem(http.StatusUnprocessableEntity, ProblemNotVerified, "Not verified", nil,
			"the presentation was not made by a DID (holder %q)", res.Holder)
	}
	return res.Holder, nil
}

// prefersHTML reports whether an interaction URL request wants a page
// (as the DCC transaction service decides).
func prefersHTML(accept string) bool {
	if accept == "" {
		return false
	}
	if strings.Contains(accept, "text/html") {
		return true
	}
	return strings.Contains(accept, "*/*") && !strings.Contains(accept, "application/json")
}

var interactionPage = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Collect your badge</title></head>
<body><main>
<h1>Collect your badge: {{.Name}}</h1>
<p>Open this page's link in a credential wallet that understands VC-API exchanges or OpenID for Verifiable Credential Issuance.</p>
<ul>
<li><a href="{{.Links.WalletRequest}}">Learner Credential Wallet</a></li>
<li><a href="{{.Links.CredentialOfferByReference}}">OpenID4VCI wallet</a></li>
</ul>
<p>This offer expires at {{.Expires}}.</p>
</main></body></html>
`))

func (s *Service) serveInteraction(w http.ResponseWriter, r *http.Request) {
	e, err := s.c.Store.Get(r.Context(), r.PathValue("id"))
	if err == nil {
		err = s.open(e)
	}
	if err != nil {
		writeProblem(w, exchangeProblem(err))
		return
	}
	links, err := s.Links(e)
	if err != nil {
		writeProblem(w, err)
		return
	}
	if prefersHTML(r.Header.Get("Accept")) {
		var b bytes.Buffer
		if err := interactionPage.Execute(&b, map[string]any{"Name": e.Achievement.Name, "Links": links,
			"Expires": e.Expires.UTC().Format(time.RFC1123)}); err != nil {
			writeProblem(w, err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'")
		_, _ = w.Write(b.Bytes())
		return
	}
	p := s.protocols(e)
	p["OID4VCI"] = links.CredentialOfferByReference
	writeJSON(w, http.StatusOK, "application/json", map[string]any{"protocols": p})
}

// createRequest is the body of [NewCreateExchangeHandler].
type createRequest struct {
	Learner        Learner            `json:"learner"`
	Achievement    *badge.Achievement `json:"achievement"`
	Data           map[string]string  `json:"data,omitempty"`
	TTL            string             `json:"ttl,omitempty"`
	TxCode         string             `json:"txCode,omitempty"`
	Configurations []string           `json:"configurations,omitempty"`
}

// NewCreateExchangeHandler returns the LMS-facing endpoint POST
// {BaseURL path}/exchanges: {"learner": {...}, "achievement": {an Open
// Badges Achievement}, "ttl": "30m", "txCode": "1234", "data": {...}}
// creates an exchange and answers 201 (Location: the exchange URL) with
// {"id", "expires", "links": [Links]}. It does not authenticate its
// caller: mount it behind the LMS's own authentication.
func NewCreateExchangeHandler(s *Service) (http.Handler, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: nil Service", ErrConfig)
	}
	mux := http.NewServeMux()
	bp := strings.TrimSuffix(s.base.EscapedPath(), "/")
	mux.HandleFunc("POST "+bp+"/exchanges", func(w http.ResponseWriter, r *http.Request) {
		var req createRequest
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, s.c.MaxBodyBytes))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil || dec.More() {
			writeProblem(w, problem(http.StatusBadRequest, ProblemBadRequest, "Bad request", err, "the body must be one JSON object: %v", err))
			return
		}
		if req.Achievement == nil {
			writeProblem(w, problem(http.StatusBadRequest, ProblemBadRequest, "Bad request", nil, "achievement is required"))
			return
		}
		var ttl time.Duration
		if req.TTL != "" {
			var err error
			if ttl, err = time.ParseDuration(req.TTL); err != nil || ttl <= 0 {
				writeProblem(w, problem(http.StatusBadRequest, ProblemBadRequest, "Bad request", err, "ttl must be a positive duration such as 30m"))
				return
			}
		}
		e, err := s.CreateExchange(r.Context(), ExchangeRequest{Learner: req.Learner, Achievement: *req.Achievement,
			Data: req.Data, TTL: ttl, TxCode: req.TxCode, Configurations: req.Configurations})
		if err != nil {
			if errors.Is(err, badge.ErrInvalidArgument) {
				err = problem(http.StatusBadRequest, ProblemBadRequest, "Bad request", err, "%v", err)
			}
			writeProblem(w, err)
			return
		}
		links, err := s.Links(e)
		if err != nil {
			writeProblem(w, err)
			return
		}
		w.Header().Set("Location", links.ExchangeURL)
		writeJSON(w, http.StatusCreated, "application/json", map[string]any{"id": e.ID, "expires": e.Expires.UTC().Format(time.RFC3339), "links": links})
	})
	return mux, nil
}
