package server

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/delivery"
	"github.com/openbadges-go/openbadges/did"
)

// Paths at which [New] mounts the handlers.
const (
	PathIssue              = "/credentials/issue"
	PathVerifyCredential   = "/credentials/verify"
	PathVerifyPresentation = "/presentations/verify"
	PathBadgeVerify        = "/verify"
	PathJWKS               = "/.well-known/jwks.json"
	PathStatus             = "/status/"
	DefaultProfilePath     = "/issuer"
)

// Config configures [New]. Only the parts that are set are served; the
// verify endpoints and the page are always there.
type Config struct {
	// Options configures the API handlers.
	Options Options
	// Issuer signs at PathIssue (nil: no issue endpoint).
	Issuer *badge.Issuer
	// Verifier runs the Open Badges verify endpoint and the page (nil:
	// zero badge.VerifierOptions with Options' status checker, processor,
	// clock and proof verifier).
	Verifier *badge.Verifier
	// Policy is the verification profile of the Open Badges verify
	// endpoint and the page (badge.VerifierOptions.Policy; "" is strict).
	// With Verifier nil, the verifier is built with it; with Verifier set,
	// it must be "" or the Verifier's own (badge.ErrConflictingOptions
	// otherwise). The VC-API endpoints are not Open Badges verification
	// and do not use it.
	Policy badge.Policy
	// Profile is the issuer Profile (JSON-LD) served at ProfilePath
	// ("" = DefaultProfilePath).
	Profile     []byte
	ProfilePath string
	// DIDDocument is served where did:web maps its id (for did:web:host,
	// /.well-known/did.json; for did:web:host:a:b, /a/b/did.json).
	DIDDocument *did.Document
	// JWKS is served at PathJWKS.
	JWKS *did.JWKSet
	// StatusLists are served under PathStatus (/status/NAME).
	StatusLists *StatusLists
	// DocumentTTL is the cache lifetime of the published documents (0 =
	// DefaultDocumentTTL).
	DocumentTTL time.Duration

	// Store, when set, records everything the issue endpoint issues
	// ([NewStoreIssueHandler]; Store.Store and Store.Publisher are
	// required), serves PathCredentialStatus ([NewStatusUpdateHandler])
	// and, with StoreStatusBaseURL, the store's signed lists under
	// PathStatus ([StoreStatusLists], falling back to StatusLists).
	Store              *StoreIssuing
	StoreStatusBaseURL string
	// Auth, when set, guards issuing and exchange creation (scope
	// [ScopeIssue]) and status changes ([ScopeStatus]) with bearer tokens.
	// Nil: no authentication (keep the server on loopback).
	Auth *Tokens
	// Delivery, when set, mounts wallet delivery ([delivery.NewHandler])
	// at its BaseURL's path and its WellKnownPaths, and the LMS's
	// exchange creation ([delivery.NewCreateExchangeHandler], POST
	// BASEPATH/exchanges) behind Auth's ScopeIssue.
	Delivery *delivery.Service
}

// New returns one handler serving everything Config describes: the page at
// "/", the verify endpoints, the issue endpoint, and the published
// documents. Any other path is a 404 problem.
func New(c Config) (http.Handler, error) {
	mux := http.NewServeMux()
	o := &c.Options
	page, err := NewPageHandler(PathBadgeVerify[1:])
	if err != nil {
		return nil, err
	}
	mux.Handle("/{$}", page)
	mux.Handle("/index.html", page)
	mux.Handle("/app.js", page)
	mux.Handle("/style.css", page)
	v, err := c.badgeVerifier()
	if err != nil {
		return nil, err
	}
	bv, err := NewBadgeVerifyHandler(v, o)
	if err != nil {
		return nil, err
	}
	mux.Handle(PathBadgeVerify, bv)
	vcred, err := NewVerifyCredentialHandler(o)
	if err != nil {
		return nil, err
	}
	mux.Handle(PathVerifyCredential, vcred)
	vpres, err := NewVerifyPresentationHandler(o)
	if err != nil {
		return nil, err
	}
	mux.Handle(PathVerifyPresentation, vpres)
	if c.Issuer != nil {
		var h http.Handler
		if c.Store != nil {
			h, err = NewStoreIssueHandler(c.Issuer, c.Store, o)
		} else {
			h, err = NewIssueHandler(c.Issuer, o)
		}
		if err != nil {
			return nil, err
		}
		mux.Handle(PathIssue, c.Auth.Require(ScopeIssue, h))
	}
	if c.Store != nil {
		if err := c.Store.check(); err != nil {
			return nil, err
		}
		h, err := NewStatusUpdateHandler(c.Store.Store, c.Store.Publisher, o)
		if err != nil {
			return nil, err
		}
		mux.Handle(PathCredentialStatus, c.Auth.Require(ScopeStatus, h))
	}
	if c.Delivery != nil {
		if err := mountDelivery(mux, c.Delivery, c.Auth); err != nil {
			return nil, err
		}
	}
	if c.Profile != nil {
		h, err := NewProfileHandler(c.Profile, c.DocumentTTL)
		if err != nil {
			return nil, err
		}
		p := c.ProfilePath
		if p == "" {
			p = DefaultProfilePath
		}
		mux.Handle(p, h)
	}
	if c.DIDDocument != nil {
		u, err := did.WebURL(c.DIDDocument.ID)
		if err != nil {
			return nil, fmt.Errorf("%w: the DID document must be for a did:web DID: %w", ErrInvalidDocument, err)
		}
		pu, err := url.Parse(u)
		if err != nil {
			return nil, err
		}
		h, err := NewDIDDocumentHandler(c.DIDDocument, c.DocumentTTL)
		if err != nil {
			return nil, err
		}
		mux.Handle(pu.EscapedPath(), h)
	}
	if c.JWKS != nil {
		h, err := NewJWKSHandler(c.JWKS, c.DocumentTTL)
		if err != nil {
			return nil, err
		}
		mux.Handle(PathJWKS, h)
	}
	switch {
	case c.Store != nil && c.StoreStatusBaseURL != "":
		sl := &StoreStatusLists{Lists: c.Store.Store, BaseURL: c.StoreStatusBaseURL}
		if c.StatusLists != nil {
			sl.Fallback = c.StatusLists
		}
		mux.Handle(PathStatus, sl)
	case c.StatusLists != nil:
		mux.Handle(PathStatus, c.StatusLists)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, newProblem(http.StatusNotFound, ProblemNotFound, "Not found", "nothing is served at %q", r.URL.Path))
	})
	return mux, nil
}

// badgeVerifier returns the verifier of the Open Badges endpoint: c's, or
// one built with c.Policy (nil when neither is set: the handler's
// default).
func (c *Config) badgeVerifier() (*badge.Verifier, error) {
	if c.Verifier != nil {
		// The Verifier must have been built with that very profile: an
		// unnamed one (relaxations chosen one by one) is not "strict".
		if c.Policy != "" && c.Verifier.Policy() != c.Policy {
			return nil, &badge.OptionsError{Policy: c.Policy, Option: "Config.Verifier",
				Reason: fmt.Sprintf("the Verifier's profile is %s", c.Verifier.Policy().Name())}
		}
		return c.Verifier, nil
	}
	if c.Policy == "" {
		return nil, nil
	}
	o := &c.Options
	return badge.NewVerifier(badge.VerifierOptions{Policy: c.Policy, MaxInputBytes: o.maxBody(),
		Status: o.Status, Processor: o.Processor, Now: o.Now, ClockSkew: o.ClockSkew, Proofs: o.Proofs})
}
