package delivery

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
)

// Defaults of [Config].
const (
	DefaultTTL          = 30 * time.Minute
	DefaultTokenTTL     = 5 * time.Minute
	DefaultNonceTTL     = 5 * time.Minute
	DefaultMaxBodyBytes = 1 << 20
	// DefaultWalletLink is where the one-step Learner Credential Wallet
	// link points (the form the DCC's transaction service emits).
	DefaultWalletLink = "https://lcw.app/request.html"
	// DefaultWalletProtocolsLink is where the `protocols` invitation link
	// points (the wallet's https deep link prefix).
	DefaultWalletProtocolsLink = "https://lcw.app/request"
	// MaxTxCodeFailures is how many wrong transaction codes lock an
	// exchange (a short code must not be guessable).
	MaxTxCodeFailures = 5
)

// Errors (found with errors.Is through a refused request's *Problem or
// *OAuthError).
var (
	ErrExpired     = errors.New("delivery: exchange expired")
	ErrComplete    = errors.New("delivery: exchange already complete")
	ErrInProgress  = errors.New("delivery: a credential is being issued for this exchange")
	ErrWrongHolder = errors.New("delivery: the holder is not the learner this exchange is for")
	ErrConfig      = errors.New("delivery: invalid configuration")
	// ErrTxCodeRequired: the exchange is protected by a transaction code,
	// which only the OpenID4VCI flow asks for; the VC-API exchange of the
	// same exchange is refused (else anyone who saw the offer could claim
	// it there without the code).
	ErrTxCodeRequired = errors.New("delivery: this exchange needs its transaction code: claim it through the OpenID4VCI offer")
)

// Config configures a [Service]. Issuer and BaseURL are required.
type Config struct {
	// Issuer signs the credentials (its Format is chosen per request:
	// Data Integrity for the VC-API and ldp_vc, JWT for jwt_vc_json).
	Issuer *badge.Issuer
	// IssuerName is the issuer Profile's name in the default credential
	// ("" = BaseURL's host).
	IssuerName string
	// BaseURL is the public URL the handlers are reached at, without a
	// trailing slash: the VC-API exchange URLs hang under it and it is the
	// OpenID4VCI Credential Issuer Identifier. It must be https, except on
	// a loopback host (tests, a local run).
	BaseURL string
	// Store keeps the exchanges (nil = NewMemoryStore()).
	Store Store
	// Verifier verifies the wallets' DID Authentication presentations
	// (nil = badge.NewVerifier with the zero options: did:key and did:jwk
	// holders, offline).
	Verifier *badge.Verifier
	// TTL is an exchange's default lifetime (0 = DefaultTTL), TokenTTL an
	// access token's (0 = DefaultTokenTTL), NonceTTL a c_nonce's (0 =
	// DefaultNonceTTL).
	TTL, TokenTTL, NonceTTL time.Duration
	// ClockSkew is the tolerance on a key proof's iat (0 = 5 minutes).
	ClockSkew time.Duration
	// Now is the clock (nil = time.Now); Random the source of ids, codes,
	// challenges and nonces (nil = crypto/rand).
	Now    func() time.Time
	Random io.Reader
	// Build returns the unsigned credential for an exchange, about holder
	// (the DID the wallet proved control of). Nil builds an Open Badge
	// with badge.NewCredential: the issuer's Profile, the exchange's
	// Achievement, the holder as the subject's id.
	Build func(ctx context.Context, e *Exchange, holder string) (*badge.AchievementCredential, error)
	// Collected, when set, is called once per exchange after its
	// credential was returned to the wallet (the LMS's callback). It runs
	// on the request's goroutine: keep it short.
	Collected func(ctx context.Context, e *Exchange, credential *badge.Signed)
	// Domains are the domains a DID Authentication presentation may name
	// (nil = BaseURL's host). The presentation request of the two-step
	// flow names the first.
	Domains []string
	// MaxBodyBytes bounds request bodies (0 = DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// WalletLink and WalletProtocolsLink are the bases of the Learner
	// Credential Wallet links ("" = the defaults).
	WalletLink, WalletProtocolsLink string

	// AllowUntypedKeyProofs accepts an OpenID4VCI jwt key proof without
	// a typ header, and without iat when it has nbf (read in its place),
	// although Appendix F.1 requires both: @digitalbazaar/oid4-client
	// 5.x signs {alg, kid} and {nonce, iss, aud, exp, nbf}. Everything
	// else still holds: the signature by the holder's key, aud, a fresh
	// single-use c_nonce, exp, and a typ other than
	// "openid4vci-proof+jwt" is still refused. Each use is recorded in
	// the exchange's Relaxed.
	AllowUntypedKeyProofs bool
	// AllowProofTypeMember accepts a Credential Request whose proofs
	// object carries, beside its one proof type, a "proof_type" member
	// naming it (§8.2 allows only the proof type's member), as
	// @digitalbazaar/oid4-client 5.x sends. Recorded in Relaxed.
	AllowProofTypeMember bool
	// AllowMetadataInIssuerMetadata also puts the authorization server's
	// metadata (issuer, token_endpoint, ...) in the Credential Issuer
	// Metadata, for clients that read them there (@digitalbazaar/oid4-client
	// 5.x). Wallets ignore members they do not know (§12.2.4), so this
	// changes nothing for the others.
	AllowMetadataInIssuerMetadata bool
}

// AllowDigitalBazaarOID4Client sets the three relaxations that
// @digitalbazaar/oid4-client 5.x needs to claim a badge
// (AllowUntypedKeyProofs, AllowProofTypeMember,
// AllowMetadataInIssuerMetadata) and returns c.
func (c Config) AllowDigitalBazaarOID4Client() Config {
	c.AllowUntypedKeyProofs, c.AllowProofTypeMember, c.AllowMetadataInIssuerMetadata = true, true, true
	return c
}

// Service delivers badges to wallets: it creates exchanges, builds their
// links, and holds what the handlers share. Safe for concurrent use.
type Service struct {
	c        Config
	base     *url.URL
	issuerDI badge.Issuer
	issuerJW badge.Issuer
	verifier *badge.Verifier
}

// NewService checks c and returns the service.
func NewService(c Config) (*Service, error) {
	if c.Issuer == nil {
		return nil, fmt.Errorf("%w: Issuer is required", ErrConfig)
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(c.BaseURL, "/") {
		return nil, fmt.Errorf("%w: BaseURL %q must be an absolute URL without query, fragment or trailing slash", ErrConfig, c.BaseURL)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())) {
		return nil, fmt.Errorf("%w: BaseURL %q must be https (http only on a loopback host)", ErrConfig, c.BaseURL)
	}
	if c.Store == nil {
		c.Store = NewMemoryStore()
	}
	if c.TTL == 0 {
		c.TTL = DefaultTTL
	}
	if c.TokenTTL == 0 {
		c.TokenTTL = DefaultTokenTTL
	}
	if c.NonceTTL == 0 {
		c.NonceTTL = DefaultNonceTTL
	}
	if c.ClockSkew == 0 {
		c.ClockSkew = 5 * time.Minute
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Random == nil {
		c.Random = rand.Reader
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.IssuerName == "" {
		c.IssuerName = u.Hostname()
	}
	if len(c.Domains) == 0 {
		c.Domains = []string{u.Host}
	}
	if c.WalletLink == "" {
		c.WalletLink = DefaultWalletLink
	}
	if c.WalletProtocolsLink == "" {
		c.WalletProtocolsLink = DefaultWalletProtocolsLink
	}
	v := c.Verifier
	if v == nil {
		if v, err = badge.NewVerifier(badge.VerifierOptions{Now: c.Now}); err != nil {
			return nil, err
		}
	}
	s := &Service{c: c, base: u, verifier: v, issuerDI: *c.Issuer, issuerJW: *c.Issuer}
	s.issuerDI.Format = badge.DataIntegrity
	s.issuerJW.Format = badge.JWT
	if s.issuerDI.Now == nil {
		s.issuerDI.Now, s.issuerJW.Now = c.Now, c.Now
	}
	return s, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Store returns the service's store.
func (s *Service) Store() Store { return s.c.Store }

// BaseURL returns the configured base URL (the Credential Issuer
// Identifier).
func (s *Service) BaseURL() string { return s.c.BaseURL }

// ExchangeRequest describes a new exchange.
type ExchangeRequest struct {
	Learner     Learner
	Achievement badge.Achievement
	// Data is kept with the exchange for the hooks.
	Data map[string]string
	// TTL overrides Config.TTL for this exchange.
	TTL time.Duration
	// TxCode, when set, is the transaction code the OpenID4VCI token
	// request must carry (send it to the learner by another channel).
	TxCode string
	// Configurations are the OpenID4VCI credential configurations offered
	// (nil = both: ConfigurationLDP and ConfigurationJWT). The exchange
	// still delivers one credential: the first one requested.
	Configurations []string
}

// CreateExchange creates and stores an exchange for one learner and one
// achievement, collectable once before it expires.
func (s *Service) CreateExchange(ctx context.Context, r ExchangeRequest) (*Exchange, error) {
	if r.Achievement.ID == "" || r.Achievement.Name == "" {
		return nil, fmt.Errorf("%w: the achievement needs an id and a name", badge.ErrInvalidArgument)
	}
	cfgs := r.Configurations
	if len(cfgs) == 0 {
		cfgs = []string{ConfigurationLDP, ConfigurationJWT}
	}
	for _, c := range cfgs {
		if formatOf(c) == "" {
			return nil, fmt.Errorf("%w: unknown credential configuration %q", badge.ErrInvalidArgument, c)
		}
	}
	ttl := r.TTL
	if ttl <= 0 {
		ttl = s.c.TTL
	}
	now := s.c.Now()
	e := &Exchange{Learner: r.Learner, Achievement: r.Achievement, Data: r.Data, Created: now,
		Expires: now.Add(ttl), State: StatePending, TxCode: r.TxCode, Configurations: cfgs}
	var err error
	if e.ID, err = s.random(16); err != nil {
		return nil, err
	}
	if e.Challenge, err = s.random(16); err != nil {
		return nil, err
	}
	if e.PreAuthorizedCode, err = s.random(32); err != nil {
		return nil, err
	}
	if err := s.c.Store.Create(ctx, e); err != nil {
		return nil, err
	}
	return e, nil
}

// random returns n random bytes, base64url.
func (s *Service) random(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.c.Random, b); err != nil {
		return "", fmt.Errorf("delivery: reading randomness: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Links are the ways to hand an exchange to a wallet.
type Links struct {
	// ExchangeURL is the VC-API exchange (POST {} to start it, POST the
	// DID Authentication presentation to collect); Challenge its
	// challenge.
	ExchangeURL string `json:"exchangeUrl"`
	Challenge   string `json:"challenge"`
	// InteractionURL is the VC-API interaction URL (?iuv=1): GET with
	// Accept application/json gives {"protocols": {...}}.
	InteractionURL string `json:"interactionUrl"`
	// WalletRequest is the Learner Credential Wallet's one-step link
	// (issuer, auth_type=bearer, challenge, vc_request_url), and
	// WalletRequestScheme the same under the dccrequest:// scheme.
	WalletRequest       string `json:"walletRequest"`
	WalletRequestScheme string `json:"walletRequestScheme"`
	// WalletProtocols is the wallet link carrying the `protocols`
	// invitation ({"credentialRequestOrigin", "protocols": {"vcapi"}}).
	WalletProtocols string `json:"walletProtocols"`
	// CredentialOffer is the OpenID4VCI offer by value
	// (openid-credential-offer://?credential_offer=...),
	// CredentialOfferByReference by reference (credential_offer_uri), and
	// CredentialOfferURI the https URL the latter names.
	CredentialOffer            string `json:"credentialOffer"`
	CredentialOfferByReference string `json:"credentialOfferByReference"`
	CredentialOfferURI         string `json:"credentialOfferUri"`
	// TxCodeRequired says the OpenID4VCI token request needs the
	// transaction code.
	TxCodeRequired bool `json:"txCodeRequired,omitempty"`
}

// Links returns the links of e.
func (s *Service) Links(e *Exchange) (Links, error) {
	ex := s.exchangeURL(e.ID)
	origin := s.base.Scheme + "://" + s.base.Host
	inv, err := json.Marshal(map[string]any{"credentialRequestOrigin": origin, "protocols": s.protocols(e)})
	if err != nil {
		return Links{}, err
	}
	offer, err := json.Marshal(s.offer(e))
	if err != nil {
		return Links{}, err
	}
	oneStep := "?issuer=" + url.QueryEscape(s.base.Hostname()) + "&auth_type=bearer&challenge=" + url.QueryEscape(e.Challenge) +
		"&vc_request_url=" + url.QueryEscape(ex)
	return Links{
		ExchangeURL:                ex,
		Challenge:                  e.Challenge,
		InteractionURL:             s.interactionURL(e.ID),
		WalletRequest:              s.c.WalletLink + oneStep,
		WalletRequestScheme:        "dccrequest://request" + oneStep,
		WalletProtocols:            s.c.WalletProtocolsLink + "?request=" + url.QueryEscape(string(inv)),
		CredentialOffer:            "openid-credential-offer://?credential_offer=" + url.QueryEscape(string(offer)),
		CredentialOfferByReference: "openid-credential-offer://?credential_offer_uri=" + url.QueryEscape(s.offerURL(e.ID)),
		CredentialOfferURI:         s.offerURL(e.ID),
		TxCodeRequired:             e.TxCode != "",
	}, nil
}

// Paths under BaseURL.
const (
	pathExchanges    = "/exchanges/"
	pathInteractions = "/interactions/"
	pathOffers       = "/offers/"
	PathToken        = "/token"
	PathNonce        = "/nonce"
	PathCredential   = "/credential"
)

func (s *Service) exchangeURL(id string) string { return s.c.BaseURL + pathExchanges + id }
func (s *Service) interactionURL(id string) string {
	return s.c.BaseURL + pathInteractions + id + "?iuv=1"
}
func (s *Service) offerURL(id string) string { return s.c.BaseURL + pathOffers + id }

// protocols is the interaction URL's protocols map.
func (s *Service) protocols(e *Exchange) map[string]string {
	return map[string]string{"vcapi": s.exchangeURL(e.ID)}
}

// open checks that e can still be collected at now.
func (s *Service) open(e *Exchange) error {
	switch {
	case e.State == StateComplete:
		return ErrComplete
	case e.State == StateInvalid, !s.c.Now().Before(e.Expires):
		return ErrExpired
	case e.Issuing:
		return ErrInProgress
	}
	return nil
}

// claim marks e as being issued to holder (atomically: exactly one
// request wins), after checking it is still open and bound to no other
// learner.
func (s *Service) claim(ctx context.Context, id, holder string, check func(e *Exchange) error) (*Exchange, error) {
	return s.c.Store.Update(ctx, id, func(e *Exchange) error {
		if err := s.open(e); err != nil {
			return err
		}
		if e.Learner.DID != "" && e.Learner.DID != holder {
			return fmt.Errorf("%w: %s (the exchange is for %s)", ErrWrongHolder, holder, e.Learner.DID)
		}
		if check != nil {
			if err := check(e); err != nil {
				return err
			}
		}
		e.Issuing = true
		return nil
	})
}

// release undoes a claim whose issuing failed: the exchange stays open.
func (s *Service) release(ctx context.Context, id string) {
	_, _ = s.c.Store.Update(context.WithoutCancel(ctx), id, func(e *Exchange) error {
		e.Issuing = false
		return nil
	})
}

// issue builds and signs the credential of a claimed exchange for holder
// and completes the exchange; on failure the exchange is released.
func (s *Service) issue(ctx context.Context, e *Exchange, holder, protocol string, jwt bool, relaxed []string) (*badge.Signed, error) {
	signed, err := s.sign(ctx, e, holder, jwt)
	if err != nil {
		s.release(ctx, e.ID)
		return nil, err
	}
	done, err := s.c.Store.Update(context.WithoutCancel(ctx), e.ID, func(x *Exchange) error {
		x.Issuing, x.State, x.Holder, x.Protocol, x.Collected = false, StateComplete, holder, protocol, s.c.Now()
		x.AccessToken, x.Relaxed = "", relaxed
		return nil
	})
	if err != nil {
		return nil, err
	}
	if s.c.Collected != nil {
		s.c.Collected(ctx, done, signed)
	}
	return signed, nil
}

func (s *Service) sign(ctx context.Context, e *Exchange, holder string, jwt bool) (*badge.Signed, error) {
	var cred *badge.AchievementCredential
	var err error
	if s.c.Build != nil {
		cred, err = s.c.Build(ctx, e, holder)
	} else {
		iss := s.c.Issuer
		cred, err = badge.NewCredential(iss.Profile(s.c.IssuerName), e.Achievement, badge.RecipientDID(holder),
			&badge.CredentialOptions{Now: s.c.Now, Rand: s.c.Random})
	}
	if err != nil {
		return nil, err
	}
	if cred.CredentialSubject.ID != holder {
		return nil, fmt.Errorf("%w: the built credential's subject is %q, not the holder %q", ErrWrongHolder, cred.CredentialSubject.ID, holder)
	}
	if jwt {
		return s.issuerJW.Issue(ctx, cred)
	}
	return s.issuerDI.Issue(ctx, cred)
}
