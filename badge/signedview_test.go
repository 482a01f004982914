package badge_test

// Issue #14: what is signed and what is checked must be the same
// credential.
//
// A Data Integrity proof signs the canonical N-Quads of the JSON-LD graph,
// while the verifier's checks read JSON members (credentialStatus,
// validFrom, validUntil, issuer, type, the proof's created and expires,
// ...). JSON-LD has many spellings of one graph, so a holder can move a
// member out of the key a check reads while the signature still verifies.
// This file builds signed credentials that must fail (revoked, expired, not
// yet valid, expired proof, proof created in the future, unknown schema,
// expired endorsement) and one that must pass, rewrites every
// security-relevant member in every spelling we know, proves with
// json-gold that each rewrite keeps the signed graph (URDNA2015 canonical
// N-Quads of the document and of the proof configuration are unchanged),
// and then requires:
//
//   - a credential that fails must still fail after any rewrite (refused:
//     err != nil and Verified == false);
//   - the valid credential, rewritten, is either refused or verified
//     exactly as the original (same checks, same outcomes, same details
//     for the checks that report what the verifier read).
//
// For VC-JWT the signature covers bytes, so the payload is rewritten and
// signed again with the issuer's key (another issuer implementation that
// writes the same credential differently); the claims it adds are derived
// from what a plain JSON reader sees, as a careless implementation would.
//
// Rewrites that json-gold cannot process are skipped and counted; rewrites
// that change the graph must break the proof (Data Integrity) and are
// asserted refused. Run with -v to see the counts.

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/piprate/json-gold/ld"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

// ----------------------------------------------------------------- clock

var (
	svIssued = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)  // every credential and proof is issued now
	svPast   = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)  // an expiry that has passed
	svNow    = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) // the verifier's clock
	svFuture = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)  // a start that has not come
	svLater  = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)  // the valid credential's validUntil
)

func svClock() time.Time    { return svNow }
func svIssuedAt() time.Time { return svIssued }

// Vocabularies.
const (
	svXSDDateTime = "http://www.w3.org/2001/XMLSchema#dateTime"
	svCredNS      = "https://www.w3.org/2018/credentials#"
	svSecNS       = "https://w3id.org/security#"
	svStatusNS    = "https://www.w3.org/ns/credentials/status#"
	svOBNS        = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
	svDCCreated   = "http://purl.org/dc/terms/created"

	svContextDI       = "https://w3id.org/security/data-integrity/v2"
	svContextStatusV1 = "https://www.w3.org/ns/credentials/status/v1"

	svRevokedIndex = 42 // set in every status list
	svGoodIndex    = 7  // clear in every status list
)

// svTypeIRIs maps the type terms our credentials use to their IRIs.
var svTypeIRIs = map[string]string{
	"VerifiableCredential":     svCredNS + "VerifiableCredential",
	"OpenBadgeCredential":      svOBNS + "OpenBadgeCredential",
	"AchievementCredential":    svOBNS + "OpenBadgeCredential",
	"Profile":                  svOBNS + "Profile",
	"AchievementSubject":       svOBNS + "AchievementSubject",
	"BitstringStatusListEntry": svStatusNS + "BitstringStatusListEntry",
	"DataIntegrityProof":       svSecNS + "DataIntegrityProof",
}

// --------------------------------------------------------------- members

// svMember is a security-relevant member: where it is (loc, a path of
// member names from the credential, "" for the credential itself), its
// JSON key, the IRI it expands to ("@id"/"@type" for the keywords) and the
// coercion its term applies to string values ("@id", "@vocab", "@graph",
// a datatype IRI, or "" for none).
type svMember struct {
	name   string
	loc    string
	key    string
	iri    string
	coerce string
	vocab  string // the namespace of "@vocab" values
}

func (m svMember) keyword() bool { return strings.HasPrefix(m.iri, "@") }

var (
	svMID          = svMember{name: "id", key: "id", iri: "@id"}
	svMType        = svMember{name: "type", key: "type", iri: "@type"}
	svMIssuer      = svMember{name: "issuer", key: "issuer", iri: svCredNS + "issuer", coerce: "@id"}
	svMIssuerID    = svMember{name: "issuer.id", loc: "issuer", key: "id", iri: "@id"}
	svMValidFrom   = svMember{name: "validFrom", key: "validFrom", iri: svCredNS + "validFrom", coerce: svXSDDateTime}
	svMValidUntil  = svMember{name: "validUntil", key: "validUntil", iri: svCredNS + "validUntil", coerce: svXSDDateTime}
	svMIssuance    = svMember{name: "issuanceDate", key: "issuanceDate", iri: svCredNS + "issuanceDate", coerce: svXSDDateTime}
	svMExpiration  = svMember{name: "expirationDate", key: "expirationDate", iri: svCredNS + "expirationDate", coerce: svXSDDateTime}
	svMStatus      = svMember{name: "credentialStatus", key: "credentialStatus", iri: svCredNS + "credentialStatus", coerce: "@id"}
	svMStatusID    = svMember{name: "credentialStatus.id", loc: "credentialStatus", key: "id", iri: "@id"}
	svMStatusType  = svMember{name: "credentialStatus.type", loc: "credentialStatus", key: "type", iri: "@type"}
	svMPurpose     = svMember{name: "credentialStatus.statusPurpose", loc: "credentialStatus", key: "statusPurpose", iri: svStatusNS + "statusPurpose"}
	svMIndex       = svMember{name: "credentialStatus.statusListIndex", loc: "credentialStatus", key: "statusListIndex", iri: svStatusNS + "statusListIndex"}
	svMList        = svMember{name: "credentialStatus.statusListCredential", loc: "credentialStatus", key: "statusListCredential", iri: svStatusNS + "statusListCredential", coerce: "@id"}
	svMSubject     = svMember{name: "credentialSubject", key: "credentialSubject", iri: svCredNS + "credentialSubject", coerce: "@id"}
	svMSubjectID   = svMember{name: "credentialSubject.id", loc: "credentialSubject", key: "id", iri: "@id"}
	svMIdentifier  = svMember{name: "credentialSubject.identifier", loc: "credentialSubject", key: "identifier", iri: svOBNS + "identifier"}
	svMSchema      = svMember{name: "credentialSchema", key: "credentialSchema", iri: svCredNS + "credentialSchema", coerce: "@id"}
	svMEndorsement = svMember{name: "achievement.endorsement", loc: "credentialSubject.achievement", key: "endorsement", iri: svOBNS + "endorsement"}
	svMProof       = svMember{name: "proof", key: "proof", iri: svSecNS + "proof", coerce: "@graph"}
	svMProofType   = svMember{name: "proof.type", loc: "proof", key: "type", iri: "@type"}
	svMSuite       = svMember{name: "proof.cryptosuite", loc: "proof", key: "cryptosuite", iri: svSecNS + "cryptosuite", coerce: svSecNS + "cryptosuiteString"}
	svMVM          = svMember{name: "proof.verificationMethod", loc: "proof", key: "verificationMethod", iri: svSecNS + "verificationMethod", coerce: "@id"}
	svMPurposeP    = svMember{name: "proof.proofPurpose", loc: "proof", key: "proofPurpose", iri: svSecNS + "proofPurpose", coerce: "@vocab", vocab: svSecNS}
	svMCreated     = svMember{name: "proof.created", loc: "proof", key: "created", iri: svDCCreated, coerce: svXSDDateTime}
	svMExpires     = svMember{name: "proof.expires", loc: "proof", key: "expires", iri: svSecNS + "expiration", coerce: svXSDDateTime}
	svMProofValue  = svMember{name: "proof.proofValue", loc: "proof", key: "proofValue", iri: svSecNS + "proofValue", coerce: svSecNS + "multibase"}
)

var svStatusMembers = []svMember{svMStatus, svMStatusID, svMStatusType, svMPurpose, svMIndex, svMList}

// ------------------------------------------------------------ base kinds

// svKind is what is wrong with a base credential (or svValid).
type svKind string

const (
	svRevoked        svKind = "revoked"
	svExpired        svKind = "expired"
	svNotYetValid    svKind = "not-yet-valid"
	svProofExpired   svKind = "expired-proof"
	svProofFuture    svKind = "future-proof"
	svUnknownSchema  svKind = "unknown-schema"
	svBadEndorsement svKind = "expired-endorsement"
	svValid          svKind = "valid"
)

// test names the expectation pinned for the kind.
func (k svKind) test() string {
	if k == svValid {
		return "valid-refused-or-verified-the-same"
	}
	return string(k) + "-never-verifies"
}

// svBase is a signed credential to rewrite.
type svBase struct {
	kind    svKind
	suite   string // "eddsa-rdfc-2022", "ecdsa-rdfc-2019", "eddsa-rdfc-2022-vc1.1", "jwt-eddsa"
	members []svMember
	// data is what a verifier is given: the signed JSON, or the JWT.
	data []byte
	// doc is the JSON the rewrites start from: the signed credential, or
	// for a JWT the credential in its payload (without the JWT claims).
	doc map[string]any
	// For JWTs: the key that signs rewritten payloads.
	jwtKey *did.Key
	vers   vc.Version
	// fail is the check the base fails on (a failed-check id), "" when valid.
	fail badge.CheckID
	// failErr is the error that check reports (errors.Is).
	failErr error

	once      sync.Once
	onceErr   error
	canonDoc  string         // canonical N-Quads of the signed document
	canonConf string         // of the proof configuration ("" for JWTs)
	expanded  map[string]any // json-gold expansion of the signed document's node
	outcomes  []svOutcome    // the original's checks
	verified  bool           // whether the original verified
}

func (b *svBase) name() string { return b.kind.test() + "/" + b.suite }
func (b *svBase) isJWT() bool  { return b.jwtKey != nil }

// --------------------------------------------------------------- fixture

type svFixture struct {
	bases    []*svBase
	lists    map[string][]byte // status list URL to the signed list credential
	edList   string            // the URL of the Ed25519 issuer's list
	verifier *badge.Verifier
}

var svFixtureOnce = sync.OnceValues(svBuild)

func svGet(t testing.TB) *svFixture {
	t.Helper()
	f, err := svFixtureOnce()
	require.NoError(t, err)
	return f
}

// svRand is a deterministic reader for ids and salts.
type svRand struct{ n byte }

func (r *svRand) Read(p []byte) (int, error) {
	for i := range p {
		r.n += 7
		p[i] = r.n
	}
	return len(p), nil
}

func svEdKey(name string) (*did.Key, error) {
	seed := sha256.Sum256([]byte("signedview " + name))
	return did.NewEd25519KeyFromSeed(seed[:])
}

func svListURL(k *did.Key) string {
	h := sha256.Sum256([]byte(k.ID))
	return fmt.Sprintf("https://college.example.edu/status/%x", h[:4])
}

// svBuild issues every base credential and the status lists.
func svBuild() (f *svFixture, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("building the signed-view fixture: %v", r)
		}
	}()
	must := func(e error) {
		if e != nil {
			panic(e)
		}
	}
	ctx := context.Background()
	f = &svFixture{lists: map[string][]byte{}}

	ed, err := svEdKey("college")
	must(err)
	f.edList = svListURL(ed)
	p256, err := did.GenerateKey(did.AlgP256, rand.Reader)
	must(err)
	board, err := svEdKey("accreditation board")
	must(err)

	// One status list per issuer: index 42 revoked, index 7 in good standing.
	for _, k := range []*did.Key{ed, p256} {
		l, err := status.NewList(status.ListOptions{ID: svListURL(k)})
		must(err)
		must(l.Set(svRevokedIndex, 1))
		signed, err := l.Sign(ctx, proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, &status.SignOptions{Now: svIssuedAt})
		must(err)
		f.lists[svListURL(k)] = signed
	}
	entry := func(k *did.Key, idx int) status.Entry {
		l, err := status.NewList(status.ListOptions{ID: svListURL(k)})
		must(err)
		e, err := l.Entry(idx)
		must(err)
		return e
	}

	// An expired endorsement by another issuer, for the endorsement base.
	boardIss := &badge.Issuer{Key: proof.Key{Signer: board.Signer, VerificationMethod: board.ID}, Now: svIssuedAt, Rand: &svRand{n: 90}}
	endorsement, err := badge.NewEndorsement(boardIss.Profile("State Accreditation Board"), "https://college.example.edu/achievements/welding-1",
		"Meets the state standard.", &badge.CredentialOptions{Now: svIssuedAt, ValidUntil: svPast, Rand: &svRand{n: 91}})
	must(err)
	signedEndorsement, err := boardIss.IssueEndorsement(ctx, endorsement)
	must(err)

	type spec struct {
		kind        svKind
		from, until time.Time
		status      *status.Entry
		created     time.Time // the proof's created when not svIssued
		expires     time.Time // the proof's expires
		schema      bool
		endorsement bool
	}
	specs := func(k *did.Key) []spec {
		revoked, good := entry(k, svRevokedIndex), entry(k, svGoodIndex)
		return []spec{
			{kind: svRevoked, from: svIssued, status: &revoked},
			{kind: svExpired, from: svIssued, until: svPast},
			{kind: svNotYetValid, from: svFuture},
			{kind: svProofExpired, from: svIssued, expires: svPast},
			{kind: svProofFuture, from: svIssued, created: svFuture},
			{kind: svUnknownSchema, from: svIssued, schema: true},
			{kind: svBadEndorsement, from: svIssued, endorsement: true},
			{kind: svValid, from: svIssued, until: svLater, status: &good},
		}
	}

	build := func(k *did.Key, s spec, vc11 bool, n byte) []byte {
		iss := &badge.Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, Now: svIssuedAt, Rand: &svRand{n: n}}
		ach := badge.NewAchievement("https://college.example.edu/achievements/welding-1", "Welding I", "Basic welding.", "Passed the bench test.")
		if s.endorsement {
			must(ach.AddEndorsement(signedEndorsement))
		}
		c, err := badge.NewCredential(iss.Profile("Example College"), ach,
			badge.Recipient{ID: "did:example:learner", IdentityType: badge.IdentifierTypeEmailAddress, Identity: "learner@example.org", Hashed: true},
			&badge.CredentialOptions{Now: svIssuedAt, ValidFrom: s.from, ValidUntil: s.until, Rand: &svRand{n: n}})
		must(err)
		if s.schema {
			c.CredentialSchema = badge.Many(badge.CredentialSchema{ID: "https://college.example.edu/schemas/welding.json", Type: badge.CredentialSchemaType})
			c.Context = badge.Contexts(badge.ContextVC2, badge.ContextOB303, "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
		}
		if vc11 {
			ctxs := []string{badge.ContextVC11, badge.ContextOB303, svContextDI}
			if s.status != nil {
				ctxs = append(ctxs, svContextStatusV1)
			}
			c.Context = badge.Contexts(ctxs...)
			c.IssuanceDate, c.ValidFrom = c.ValidFrom, ""
			c.ExpirationDate, c.ValidUntil = c.ValidUntil, ""
		}
		raw, err := json.Marshal(c)
		must(err)
		if s.status != nil {
			raw, err = status.AddStatus(raw, *s.status)
			must(err)
		}
		if !s.created.IsZero() || !s.expires.IsZero() {
			created := s.created
			if created.IsZero() {
				created = svIssued
			}
			out, err := proof.AddDataIntegrityProof(ctx, raw, iss.Key, &proof.DataIntegrityOptions{Created: created, Expires: s.expires})
			must(err)
			return out
		}
		signed, err := iss.IssueJSON(ctx, raw)
		must(err)
		return signed.JSON
	}
	buildJWT := func(k *did.Key, s spec, n byte) string {
		data := build(k, s, false, n) // to reuse the same credential shape
		var m map[string]any
		must(json.Unmarshal(data, &m))
		delete(m, "proof")
		raw, err := json.Marshal(m)
		must(err)
		iss := &badge.Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, Now: svIssuedAt, Format: badge.JWT}
		signed, err := iss.IssueJSON(ctx, raw)
		must(err)
		return signed.JWT
	}

	add := func(b *svBase) {
		if b.isJWT() {
			b.doc = svJWTCredential(string(b.data))
		} else {
			must(json.Unmarshal(b.data, &b.doc))
		}
		b.vers = vc.Version2_0
		if svStrings(b.doc["@context"])[0] == badge.ContextVC11 {
			b.vers = vc.Version1_1
		}
		b.members = svMembersFor(b)
		b.fail, b.failErr = svExpectedFailure(b)
		f.bases = append(f.bases, b)
	}
	for _, s := range specs(ed) {
		add(&svBase{kind: s.kind, suite: proof.EdDSARDFC2022, data: build(ed, s, false, 1)})
	}
	for _, s := range specs(p256) {
		switch s.kind {
		case svRevoked, svExpired, svNotYetValid, svProofExpired, svProofFuture, svValid:
			add(&svBase{kind: s.kind, suite: proof.ECDSARDFC2019, data: build(p256, s, false, 2)})
		}
	}
	for _, s := range specs(ed) {
		switch s.kind {
		case svRevoked, svExpired, svNotYetValid, svValid:
			add(&svBase{kind: s.kind, suite: proof.EdDSARDFC2022 + "-vc1.1", data: build(ed, s, true, 3)})
		}
	}
	for _, s := range specs(ed) {
		switch s.kind {
		case svRevoked, svExpired, svNotYetValid, svUnknownSchema, svBadEndorsement, svValid:
			add(&svBase{kind: s.kind, suite: "vc-jwt-eddsa", data: []byte(buildJWT(ed, s, 4)), jwtKey: ed})
		}
	}

	pv := &proof.Verifier{Now: svClock, ClockSkew: 5 * time.Minute}
	f.verifier, err = badge.NewVerifier(badge.VerifierOptions{
		Now:    svClock,
		Status: &status.Checker{Fetcher: status.StaticFetcher(f.lists), Proofs: pv, Now: svClock},
	})
	must(err)
	return f, nil
}

// svMembersFor lists the members rewritten for a base: those its failure
// depends on, or every security-relevant member for the valid one.
func svMembersFor(b *svBase) []svMember {
	from, until := svMValidFrom, svMValidUntil
	if b.vers == vc.Version1_1 {
		from, until = svMIssuance, svMExpiration
	}
	switch b.kind {
	case svRevoked:
		return svStatusMembers
	case svExpired:
		return []svMember{until, svMID}
	case svNotYetValid:
		return []svMember{from, svMID}
	case svProofExpired:
		return []svMember{svMExpires, svMProof}
	case svProofFuture:
		return []svMember{svMCreated, svMProof}
	case svUnknownSchema:
		return []svMember{svMSchema}
	case svBadEndorsement:
		return []svMember{svMEndorsement}
	}
	proofMembers := []svMember{svMProof, svMProofType, svMSuite, svMVM, svMPurposeP, svMCreated, svMProofValue}
	switch {
	case b.suite == proof.ECDSARDFC2019:
		// The credential members are the Ed25519 base's; the proof differs.
		return append(proofMembers, svMStatus, until)
	case b.vers == vc.Version1_1:
		return append([]svMember{svMID, svMType, svMIssuer, from, until, svMSubject, svMProof}, svStatusMembers...)
	}
	ms := []svMember{svMID, svMType, svMIssuer, svMIssuerID, from, until, svMSubject, svMSubjectID, svMIdentifier}
	ms = append(ms, svStatusMembers...)
	if !b.isJWT() {
		ms = append(ms, proofMembers...)
	}
	return ms
}

// svExpectedFailure is the check (and error) the unmodified base fails.
func svExpectedFailure(b *svBase) (badge.CheckID, error) {
	switch b.kind {
	case svRevoked:
		return badge.CheckCredentialStatus, vc.ErrRevoked
	case svExpired:
		return badge.CheckValidity, vc.ErrExpired
	case svNotYetValid:
		return badge.CheckValidity, vc.ErrNotYetValid
	case svProofExpired:
		return badge.CheckProof, proof.ErrProofExpired
	case svProofFuture:
		return badge.CheckProof, proof.ErrProofNotYetValid
	case svUnknownSchema:
		return badge.CheckSchema, nil
	case svBadEndorsement:
		return badge.CheckEndorsements, badge.ErrEndorsement
	}
	return "", nil
}

// ------------------------------------------------------------------ JWTs

var svJWTClaims = []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti"}

// svJWTCredential returns the credential in a VC 2.0 JWT's payload.
func svJWTCredential(token string) map[string]any {
	parts := strings.Split(token, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		panic(err)
	}
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		panic(err)
	}
	for _, c := range svJWTClaims {
		delete(m, c)
	}
	return m
}

// svSignJWT signs cred as a VC 2.0 JWT with the claims a plain JSON reader
// derives from it (iss, sub, jti, nbf from validFrom, exp from
// validUntil), skipping any it cannot read, as another issuer's
// implementation might.
func svSignJWT(k *did.Key, cred map[string]any) ([]byte, error) {
	payload := svClone(cred).(map[string]any)
	switch is := cred["issuer"].(type) {
	case string:
		payload["iss"] = is
	case map[string]any:
		if id, ok := is["id"].(string); ok {
			payload["iss"] = id
		}
	}
	if s, ok := cred["credentialSubject"].(map[string]any); ok {
		if id, ok := s["id"].(string); ok {
			payload["sub"] = id
		}
	}
	if id, ok := cred["id"].(string); ok {
		payload["jti"] = id
	}
	for claim, member := range map[string]string{"nbf": "validFrom", "exp": "validUntil"} {
		if s, ok := cred[member].(string); ok {
			if t, err := vc.ParseDateTime(s); err == nil {
				payload[claim] = t.Unix()
			}
		}
	}
	pb, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	hb, err := json.Marshal(map[string]any{"alg": "EdDSA", "kid": k.ID, "typ": "JWT"})
	if err != nil {
		return nil, err
	}
	enc := base64.RawURLEncoding
	input := enc.EncodeToString(hb) + "." + enc.EncodeToString(pb)
	sig, err := k.Signer.Sign(rand.Reader, []byte(input), crypto.Hash(0))
	if err != nil {
		return nil, err
	}
	if !ed25519.Verify(k.Signer.Public().(ed25519.PublicKey), []byte(input), sig) {
		return nil, errors.New("signature does not verify")
	}
	return []byte(input + "." + enc.EncodeToString(sig)), nil
}

// encode returns what the verifier is given for the rewritten document.
func (b *svBase) encode(doc map[string]any) ([]byte, error) {
	if b.isJWT() {
		return svSignJWT(b.jwtKey, doc)
	}
	return json.Marshal(doc)
}

// -------------------------------------------------------------- json-gold

// svLoader serves the library's embedded contexts to json-gold, and nothing
// else.
type svLoader struct{}

var svContextCache sync.Map // URL to the parsed context

func (svLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	v, ok := svContextCache.Load(u)
	if !ok {
		e, ok := vc.EmbeddedContext(u)
		if !ok {
			return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, "not embedded: "+u)
		}
		var doc any
		if err := json.Unmarshal(e, &doc); err != nil {
			return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, err)
		}
		v, _ = svContextCache.LoadOrStore(u, doc)
	}
	// A copy: json-gold must not see (or change) a shared value.
	return &ld.RemoteDocument{DocumentURL: u, Document: svClone(v)}, nil
}

func svGoldOptions() *ld.JsonLdOptions {
	opts := ld.NewJsonLdOptions("")
	opts.DocumentLoader = svLoader{}
	opts.SafeMode = true
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.Format = "application/n-quads"
	return opts
}

var svCanonCache sync.Map // sha256 of the JSON to svCanonResult

type svCanonResult struct {
	nquads string
	err    error
}

// svCanon returns the URDNA2015 canonical N-Quads of doc, computed by
// json-gold in safe mode over the embedded contexts.
func svCanon(doc any) (string, error) {
	raw, err := json.Marshal(doc)
	if err != nil {
		return "", err
	}
	key := sha256.Sum256(raw)
	if v, ok := svCanonCache.Load(key); ok {
		r := v.(svCanonResult)
		return r.nquads, r.err
	}
	in := svClone(doc)
	var out any
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("json-gold panicked: %v", r)
			}
		}()
		out, err = ld.NewJsonLdProcessor().Normalize(in, svGoldOptions())
	}()
	res := svCanonResult{err: err}
	if err == nil {
		s, _ := out.(string)
		if s == "" {
			res.err = errors.New("json-gold produced no statements")
		}
		res.nquads = s
	}
	svCanonCache.Store(key, res)
	return res.nquads, res.err
}

// svExpand returns json-gold's expansion of the credential node of doc.
func svExpand(doc any) (map[string]any, error) {
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var in any
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, err
	}
	out, err := ld.NewJsonLdProcessor().Expand(in, svGoldOptions())
	if err != nil {
		return nil, err
	}
	if len(out) != 1 {
		return nil, fmt.Errorf("expansion has %d top-level nodes", len(out))
	}
	m, ok := out[0].(map[string]any)
	if !ok {
		return nil, errors.New("expansion is not a node object")
	}
	return m, nil
}

// svSignedParts returns what a Data Integrity proof signs, read as the
// verifier reads it: the document without its "proof" member, and the
// first proof without "proofValue", with the document's @context.
func svSignedParts(doc map[string]any) (unsecured, config map[string]any) {
	unsecured = map[string]any{}
	for k, v := range doc {
		if k != "proof" {
			unsecured[k] = v
		}
	}
	ps := svObjects(doc["proof"])
	if len(ps) == 0 {
		return unsecured, nil
	}
	config = map[string]any{}
	for k, v := range ps[0] {
		if k != "proofValue" {
			config[k] = v
		}
	}
	if pc, ok := ps[0]["@context"]; ok {
		unsecured["@context"] = pc
	} else {
		config["@context"] = doc["@context"]
	}
	return unsecured, config
}

// prepare computes the base's canonical forms, expansion and outcomes.
func (b *svBase) prepare(v *badge.Verifier) error {
	b.once.Do(func() {
		unsecured, config := svSignedParts(b.doc)
		if b.isJWT() {
			unsecured, config = b.doc, nil
		}
		if b.canonDoc, b.onceErr = svCanon(unsecured); b.onceErr != nil {
			return
		}
		if config != nil {
			if b.canonConf, b.onceErr = svCanon(config); b.onceErr != nil {
				return
			}
		}
		if b.expanded, b.onceErr = svExpand(unsecured); b.onceErr != nil {
			return
		}
		res, err := v.Verify(context.Background(), b.data)
		b.outcomes, b.verified = svOutcomes(res), err == nil && res.Verified
	})
	return b.onceErr
}

// preserved reports whether doc signs the same statements as the base:
// json-gold gives the same canonical N-Quads for the document and, for
// Data Integrity, for the proof configuration. An error means json-gold
// cannot process doc.
func (b *svBase) preserved(doc map[string]any) (bool, error) {
	unsecured, config := svSignedParts(doc)
	if b.isJWT() {
		unsecured, config = doc, nil
	}
	c, err := svCanon(unsecured)
	if err != nil {
		return false, err
	}
	if c != b.canonDoc {
		return false, nil
	}
	if b.isJWT() {
		return true, nil
	}
	if config == nil {
		return false, nil
	}
	cc, err := svCanon(config)
	if err != nil {
		return false, err
	}
	return cc == b.canonConf, nil
}

// -------------------------------------------------------------- outcomes

// svOutcome is one check as a caller sees it. Detail is kept for the
// checks whose detail says what the verifier read (validity window,
// status, subject, issuer, proofs); the others' details are wording.
type svOutcome struct {
	ID     badge.CheckID
	Status string
	Detail string
}

func svOutcomes(res *badge.VerificationResult) []svOutcome {
	var out []svOutcome
	for _, c := range res.Checks {
		o := svOutcome{ID: c.ID, Status: c.Status.String()}
		switch c.ID {
		case badge.CheckValidity, badge.CheckCredentialStatus, badge.CheckSubject, badge.CheckIssuer, badge.CheckProof:
			o.Detail = c.Detail
		}
		out = append(out, o)
	}
	return out
}

func svReport(res *badge.VerificationResult) string {
	if res == nil {
		return "(no result)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "verified=%v\n", res.Verified)
	for _, c := range res.Checks {
		fmt.Fprintf(&b, "  %-16s %-7s", c.ID, c.Status)
		if c.Err != nil {
			b.WriteString(" " + c.Err.Error())
		} else if c.Detail != "" {
			b.WriteString(" " + c.Detail)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// ------------------------------------------------------------- documents

func svClone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = svClone(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = svClone(e)
		}
		return a
	}
	return v
}

func svObjects(v any) []map[string]any {
	switch x := v.(type) {
	case map[string]any:
		return []map[string]any{x}
	case []any:
		var out []map[string]any
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

func svStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func svList(v any) []any {
	if a, ok := v.([]any); ok {
		return a
	}
	return []any{v}
}

// svDoc is a document being rewritten.
type svDoc struct {
	b *svBase
	m map[string]any
	n int // counter for fresh term names
}

func newSVDoc(b *svBase) *svDoc { return &svDoc{b: b, m: svClone(b.doc).(map[string]any)} }

// obj returns the object at loc (the first object of an array).
func (d *svDoc) obj(loc string) map[string]any {
	cur := d.m
	if loc == "" {
		return cur
	}
	for _, k := range strings.Split(loc, ".") {
		os := svObjects(cur[k])
		if len(os) == 0 {
			return nil
		}
		cur = os[0]
	}
	return cur
}

// addContext appends an inline context object to the document's @context.
func (d *svDoc) addContext(def map[string]any) {
	d.m["@context"] = append(svList(d.m["@context"]), def)
}

// include adds node to the @included nodes of the graph that holds loc:
// the proof's graph for proof members, the default graph otherwise.
func (d *svDoc) include(loc string, node map[string]any) {
	host := d.m
	if loc == "proof" {
		host = d.obj("proof")
	}
	host["@included"] = append(svListOrNil(host["@included"]), node)
}

func svListOrNil(v any) []any {
	if v == nil {
		return nil
	}
	return svList(v)
}

// id returns the node id of the object at loc.
func (d *svDoc) id(loc string) string {
	o := d.obj(loc)
	if o == nil {
		return ""
	}
	s, _ := o["id"].(string)
	return s
}

// explicit returns v with its coercion written out: a typed value object
// for a datatype, a node reference for "@id" and "@vocab"; objects and
// arrays are returned as they are (their members are expanded by their
// own terms).
func (m svMember) explicit(v any) any {
	switch x := v.(type) {
	case string:
		switch m.coerce {
		case "":
			return map[string]any{"@value": x}
		case "@id":
			return map[string]any{"@id": x}
		case "@vocab":
			return map[string]any{"@id": m.vocab + x}
		case "@graph":
			return x
		default:
			return map[string]any{"@value": x, "@type": m.coerce}
		}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = m.explicit(e)
		}
		return out
	case map[string]any:
		if m.coerce == "@graph" {
			return map[string]any{"@graph": x}
		}
	}
	return v
}

// termDef is an inline term definition with the member's IRI and
// coercion. A "@vocab" member gets none (its values are written out).
func (m svMember) termDef() map[string]any {
	def := map[string]any{"@id": m.iri}
	switch m.coerce {
	case "", "@vocab":
	case "@graph":
		def["@type"], def["@container"] = "@id", "@graph"
	default:
		def["@type"] = m.coerce
	}
	return def
}

// aliasValue is the value under an alias defined by termDef.
func (m svMember) aliasValue(v any) any {
	if m.coerce == "@vocab" {
		return m.explicit(v)
	}
	return v
}

func svSplitIRI(iri string) (prefix, local string) {
	i := strings.LastIndexAny(iri, "#/")
	return iri[:i+1], iri[i+1:]
}

// ------------------------------------------------------------- spellings

// svSpelling rewrites one member of d: o is the object holding it and v
// its value. It returns false when it does not apply.
type svSpelling struct {
	name  string
	apply func(d *svDoc, m svMember, o map[string]any, v any) bool
}

// svMove replaces key by newKey, with value v.
func svMove(o map[string]any, key, newKey string, v any) {
	delete(o, key)
	o[newKey] = v
}

// svLastType returns the last type value of a type member and a function
// that replaces it.
func svLastType(o map[string]any, key string) (string, func(string), bool) {
	switch t := o[key].(type) {
	case string:
		return t, func(s string) { o[key] = s }, true
	case []any:
		if len(t) == 0 {
			return "", nil, false
		}
		s, ok := t[len(t)-1].(string)
		return s, func(n string) { t[len(t)-1] = n }, ok
	}
	return "", nil, false
}

// mergeNode returns a new node object that shares the id (and the type,
// for its scoped context) of the object at loc, or nil when loc has no id.
func (d *svDoc) mergeNode(loc string, withType bool) map[string]any {
	id := d.id(loc)
	if id == "" {
		return nil
	}
	n := map[string]any{"id": id}
	if withType {
		if t, ok := d.obj(loc)["type"]; ok {
			n["type"] = svClone(t)
		}
	}
	return n
}

var svSpellings = []svSpelling{
	// The member under its absolute IRI, its value written out.
	{"absolute-iri-key", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if m.keyword() {
			return false
		}
		svMove(o, m.key, m.iri, m.explicit(v))
		return true
	}},
	// The member under its absolute IRI with json-gold's expanded value.
	{"expanded-form", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if m.keyword() || m.loc != "" || m.coerce == "@graph" {
			return false
		}
		ev, ok := d.b.expanded[m.iri]
		if !ok {
			return false
		}
		svMove(o, m.key, m.iri, svClone(ev))
		return true
	}},
	// A compact IRI through a prefix an inline context defines.
	{"compact-iri-inline-prefix", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if m.keyword() {
			return false
		}
		p, l := svSplitIRI(m.iri)
		d.addContext(map[string]any{"svp": p})
		svMove(o, m.key, "svp:"+l, m.explicit(v))
		return true
	}},
	// A compact IRI through a prefix the embedded contexts define (the VC
	// 1.1 context's cred: and xsd:).
	{"compact-iri-context-prefix", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if m.keyword() || d.b.vers != vc.Version1_1 || m.loc != "" || !strings.HasPrefix(m.iri, svCredNS) {
			return false
		}
		ev := m.explicit(v)
		if vo, ok := ev.(map[string]any); ok && vo["@type"] == svXSDDateTime {
			vo["@type"] = "xsd:dateTime"
		}
		svMove(o, m.key, "cred:"+strings.TrimPrefix(m.iri, svCredNS), ev)
		return true
	}},
	// A new term for the same IRI, in an inline context appended to
	// @context.
	{"inline-context-alias", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if m.keyword() {
			return false
		}
		d.addContext(map[string]any{"svAlias": m.termDef()})
		svMove(o, m.key, "svAlias", m.aliasValue(v))
		return true
	}},
	// The alias defined by a context embedded in the object itself.
	{"nested-context-alias", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if m.keyword() || m.loc == "" || o["@context"] != nil {
			return false
		}
		o["@context"] = map[string]any{"svAlias": m.termDef()}
		svMove(o, m.key, "svAlias", m.aliasValue(v))
		return true
	}},
	// The alias defined by the scoped context of a new type term that
	// means VerifiableCredential.
	{"type-scoped-alias", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if m.keyword() || m.loc != "" {
			return false
		}
		d.addContext(map[string]any{"SvCredential": map[string]any{"@id": svCredNS + "VerifiableCredential", "@context": map[string]any{"svAlias": m.termDef()}}})
		d.m["type"] = append(svList(d.m["type"]), "SvCredential")
		svMove(o, m.key, "svAlias", m.aliasValue(v))
		return true
	}},
	// Wrapped in a term an inline context declares @nest.
	{"nest", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		d.addContext(map[string]any{"svNest": "@nest"})
		svMove(o, m.key, "svNest", map[string]any{m.key: v})
		return true
	}},
	// Wrapped in a @nest term the object's own context declares.
	{"nest-nested-context", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if m.loc == "" || o["@context"] != nil {
			return false
		}
		o["@context"] = map[string]any{"svNest": "@nest"}
		svMove(o, m.key, "svNest", map[string]any{m.key: v})
		return true
	}},
	// An inline alias of the keyword ("svKw": "@id").
	{"keyword-alias", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if !m.keyword() {
			return false
		}
		d.addContext(map[string]any{"svKw": m.iri})
		svMove(o, m.key, "svKw", v)
		return true
	}},
	// The raw keyword instead of its alias ("@id" for "id").
	{"raw-keyword", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if !m.keyword() {
			return false
		}
		svMove(o, m.key, m.iri, v)
		return true
	}},
	// A one-element array where one value is expected.
	{"array", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if _, ok := v.([]any); ok || m.iri == "@id" {
			return false
		}
		o[m.key] = []any{v}
		return true
	}},
	// The value written as a value object or node reference.
	{"value-object", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if _, ok := v.(string); !ok || m.keyword() || m.coerce == "@graph" {
			return false
		}
		o[m.key] = m.explicit(v)
		return true
	}},
	// A value object or node object with an @index (not part of the graph).
	{"indexed-value", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if m.keyword() || m.coerce == "@graph" {
			return false
		}
		ev, ok := svClone(m.explicit(v)).(map[string]any)
		if !ok {
			return false
		}
		ev["@index"] = "sv"
		o[m.key] = ev
		return true
	}},
	// An IRI value as a node object {"id": ...}.
	{"node-object-reference", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		s, ok := v.(string)
		if !ok || m.coerce != "@id" {
			return false
		}
		o[m.key] = map[string]any{"id": s}
		return true
	}},
	// {"@set": [...]}.
	{"set-object", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if m.keyword() {
			return false
		}
		o[m.key] = map[string]any{"@set": svList(v)}
		return true
	}},
	// The same value twice (one statement in RDF), or the same node again
	// as a bare reference.
	{"duplicate-value", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if m.iri == "@id" || m.coerce == "@graph" {
			return false
		}
		switch x := v.(type) {
		case string:
			o[m.key] = []any{x, x}
		case map[string]any:
			id, ok := x["id"].(string)
			if !ok {
				return false
			}
			o[m.key] = []any{x, map[string]any{"id": id}}
		case []any:
			if len(x) == 0 {
				return false
			}
			last := x[len(x)-1]
			if lm, ok := last.(map[string]any); ok {
				id, ok := lm["id"].(string)
				if !ok {
					return false
				}
				last = map[string]any{"id": id}
			}
			o[m.key] = append(x, last)
		default:
			return false
		}
		return true
	}},
	// null under the key (ignored by JSON-LD), the value under its IRI.
	{"null-and-absolute-iri", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if m.keyword() {
			return false
		}
		o[m.key] = nil
		o[m.iri] = m.explicit(v)
		return true
	}},
	// An @index container alias: the value hidden under an arbitrary key.
	{"index-map-alias", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if m.keyword() || m.coerce == "@graph" {
			return false
		}
		def := m.termDef()
		def["@container"] = "@index"
		d.addContext(map[string]any{"svIndexMap": def})
		svMove(o, m.key, "svIndexMap", map[string]any{"sv": m.aliasValue(v)})
		return true
	}},
	// An @id container alias: the node keyed by its id.
	{"id-map-alias", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		x, ok := v.(map[string]any)
		if !ok || m.keyword() || m.coerce == "@graph" {
			return false
		}
		id, ok := x["id"].(string)
		if !ok {
			return false
		}
		inner := svClone(x).(map[string]any)
		delete(inner, "id")
		def := m.termDef()
		def["@container"] = "@id"
		delete(def, "@type")
		d.addContext(map[string]any{"svIDMap": def})
		svMove(o, m.key, "svIDMap", map[string]any{id: inner})
		return true
	}},
	// A @type container alias: the node keyed by its type.
	{"type-map-alias", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		x, ok := v.(map[string]any)
		if !ok || m.keyword() || m.coerce == "@graph" {
			return false
		}
		ts := svStrings(x["type"])
		if len(ts) != 1 {
			return false
		}
		inner := svClone(x).(map[string]any)
		delete(inner, "type")
		def := m.termDef()
		def["@container"] = "@type"
		def["@type"] = "@id"
		d.addContext(map[string]any{"svTypeMap": def})
		svMove(o, m.key, "svTypeMap", map[string]any{ts[0]: inner})
		return true
	}},
	// Node merging: the member moved to another object with the same id
	// (and type) in @included.
	{"node-merge", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		return d.merge(m, o, v, true, false)
	}},
	// Node merging, the other object under its IRI and without a type.
	{"node-merge-absolute-iri", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if m.keyword() {
			return false
		}
		n := d.mergeNode(m.loc, false)
		if n == nil {
			return false
		}
		n[m.iri] = m.explicit(v)
		delete(o, m.key)
		d.include(m.loc, n)
		return true
	}},
	// Node merging, the other object nested in the credential subject.
	{"node-merge-nested", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		return m.loc == "" && d.merge(m, o, v, true, true)
	}},
	// Node merging with @vocab: the other object has no type, so its
	// key is not a term and expands against the inline @vocab.
	{"node-merge-vocab", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if m.keyword() {
			return false
		}
		n := d.mergeNode(m.loc, false)
		if n == nil {
			return false
		}
		p, l := svSplitIRI(m.iri)
		d.addContext(map[string]any{"@vocab": p})
		n[l] = m.explicit(v)
		delete(o, m.key)
		d.include(m.loc, n)
		return true
	}},
	// A blank node object split in two by a shared "_:" id.
	{"blank-node-split", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if m.iri == "@id" || o["id"] != nil {
			return false
		}
		o["id"] = "_:svSplit"
		return d.merge(m, o, v, true, false)
	}},
	// The link written backwards: the value object in @included, pointing
	// at the credential with @reverse.
	{"reverse", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		return d.reverse(m, o, v, false)
	}},
	// The same through an inline @reverse term.
	{"reverse-alias", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		return d.reverse(m, o, v, true)
	}},
	// An IRI written relative to an inline @base.
	{"relative-iri-with-base", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		s, ok := v.(string)
		if !ok || (m.coerce != "@id" && m.iri != "@id") || !strings.HasPrefix(s, "https://") {
			return false
		}
		i := strings.LastIndex(s, "/")
		if i < len("https://") || i == len(s)-1 {
			return false
		}
		d.addContext(map[string]any{"@base": s[:i+1]})
		o[m.key] = s[i+1:]
		return true
	}},
	// A type term replaced by an inline alias of its IRI.
	{"type-value-alias", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if m.iri != "@type" {
			return false
		}
		last, set, ok := svLastType(o, m.key)
		if !ok || svTypeIRIs[last] == "" {
			return false
		}
		d.addContext(map[string]any{"SvTypeAlias": svTypeIRIs[last]})
		set("SvTypeAlias")
		return true
	}},
	// A type term replaced by its absolute IRI.
	{"type-value-absolute-iri", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if m.iri != "@type" {
			return false
		}
		last, set, ok := svLastType(o, m.key)
		if !ok || svTypeIRIs[last] == "" {
			return false
		}
		set(svTypeIRIs[last])
		return true
	}},
	// The proof written as an explicit graph object.
	{"graph-object", func(d *svDoc, m svMember, o map[string]any, v any) bool {
		if m.coerce != "@graph" {
			return false
		}
		o[m.key] = map[string]any{"@graph": v}
		return true
	}},
}

// merge moves the member into a new object with the same id (a type
// member: its last value), placed in @included of the graph, or of the
// credential subject when nested.
func (d *svDoc) merge(m svMember, o map[string]any, v any, withType, nested bool) bool {
	if m.iri == "@id" {
		return false
	}
	n := d.mergeNode(m.loc, withType && m.iri != "@type")
	if n == nil {
		return false
	}
	if m.iri == "@type" {
		last, _, ok := svLastType(o, m.key)
		if !ok {
			return false
		}
		if ts, isArr := o[m.key].([]any); isArr && len(ts) > 1 {
			o[m.key] = ts[:len(ts)-1]
		} else {
			delete(o, m.key)
		}
		n["type"] = last
	} else {
		n[m.key] = v
		delete(o, m.key)
	}
	if nested {
		s := d.obj("credentialSubject")
		if s == nil {
			return false
		}
		s["@included"] = append(svListOrNil(s["@included"]), n)
		return true
	}
	d.include(m.loc, n)
	return true
}

// reverse moves an object-valued credential member into @included, linked
// back to the credential by @reverse (or an inline reverse term).
func (d *svDoc) reverse(m svMember, o map[string]any, v any, alias bool) bool {
	if m.keyword() || m.loc != "" || m.coerce == "@graph" {
		return false
	}
	nodes := svObjects(v)
	if len(nodes) == 0 || len(nodes) != len(svList(v)) {
		return false
	}
	credID := d.id("")
	if credID == "" {
		return false
	}
	if alias {
		d.addContext(map[string]any{"svReverseOf": map[string]any{"@reverse": m.iri, "@type": "@id"}})
	}
	delete(o, m.key)
	for _, x := range nodes {
		n := svClone(x).(map[string]any)
		if alias {
			n["svReverseOf"] = credID
		} else {
			n["@reverse"] = map[string]any{m.iri: map[string]any{"@id": credID}}
		}
		d.include("", n)
	}
	return true
}

// svCase is one rewrite of one base.
type svCase struct {
	member   svMember
	spelling string
	doc      *svDoc
}

// svCases returns every applicable rewrite of b's members.
func svCases(b *svBase) []svCase {
	var out []svCase
	for _, m := range b.members {
		for _, sp := range svSpellings {
			d := newSVDoc(b)
			o := d.obj(m.loc)
			if o == nil {
				continue
			}
			v, ok := o[m.key]
			if !ok {
				continue
			}
			if !sp.apply(d, m, o, v) {
				continue
			}
			out = append(out, svCase{member: m, spelling: sp.name, doc: d})
		}
	}
	return out
}

// ------------------------------------------------------------------ tests

// TestSignedViewOriginals pins what the corpus starts from: each base,
// unmodified, fails on its own check, and the valid one verifies.
func TestSignedViewOriginals(t *testing.T) {
	f := svGet(t)
	for _, b := range f.bases {
		t.Run(b.name(), func(t *testing.T) {
			res, err := f.verifier.Verify(context.Background(), b.data)
			require.NotNil(t, res)
			if b.kind == svValid {
				require.NoError(t, err, svReport(res))
				require.True(t, res.Verified)
				assert.Equal(t, badge.Passed, res.Check(badge.CheckCredentialStatus).Status, "the valid base has a status in good standing")
				return
			}
			require.Error(t, err, svReport(res))
			assert.False(t, res.Verified)
			c := res.Check(b.fail)
			require.NotNil(t, c, svReport(res))
			assert.Equal(t, badge.Failed, c.Status, "%s must fail on %s\n%s", b.kind, b.fail, svReport(res))
			if b.failErr != nil {
				assert.ErrorIs(t, c.Err, b.failErr, svReport(res))
			}
			for _, other := range res.Checks {
				if other.ID != b.fail && other.Status == badge.Failed && !(b.isJWT() && other.ID == badge.CheckProof && b.fail == badge.CheckValidity) {
					t.Errorf("%s fails on %s too, so the corpus would not isolate %s:\n%s", b.kind, other.ID, b.fail, svReport(res))
				}
			}
			// Re-encoding alone changes nothing.
			data, err := b.encode(svClone(b.doc).(map[string]any))
			require.NoError(t, err)
			res2, err := f.verifier.Verify(context.Background(), data)
			require.Error(t, err)
			assert.Equal(t, svOutcomes(res), svOutcomes(res2))
		})
	}
	// The valid base re-encoded verifies the same.
	for _, b := range f.bases {
		if b.kind != svValid {
			continue
		}
		data, err := b.encode(svClone(b.doc).(map[string]any))
		require.NoError(t, err)
		res, err := f.verifier.Verify(context.Background(), data)
		require.NoError(t, err, "%s re-encoded\n%s", b.suite, svReport(res))
	}
}

// svStats counts the corpus and records how each rewrite was classified.
type svStats struct {
	mu    sync.Mutex
	class map[string][]string // classification to case names
	count map[string]int
}

func (s *svStats) add(class, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.class == nil {
		s.class, s.count = map[string][]string{}, map[string]int{}
	}
	s.count[class]++
	s.class[class] = append(s.class[class], name)
}

func (s *svStats) summary(verbose bool) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var classes []string
	total := 0
	for c, n := range s.count {
		classes = append(classes, c)
		total += n
	}
	sort.Strings(classes)
	var b strings.Builder
	fmt.Fprintf(&b, "signed-view corpus: %d rewrites\n", total)
	for _, c := range classes {
		fmt.Fprintf(&b, "  %-58s %d\n", c, s.count[c])
		if verbose && !strings.Contains(c, "keeps the graph, refused") && !strings.Contains(c, "the same") && !strings.Contains(c, "not compared") {
			names := s.class[c]
			sort.Strings(names)
			for _, n := range names {
				b.WriteString("      " + n + "\n")
			}
		}
	}
	return b.String()
}

// svProveAll makes every rewrite's graph be compared with json-gold, even
// when the verifier refuses it (which passes whatever the graph): slower,
// but the counts then say how many rewrites keep the signed graph.
var svProveAll = os.Getenv("OPENBADGES_SIGNEDVIEW_PROVE") != ""

// TestSignedViewMutationCorpus is the corpus: one subtest per (base,
// member, spelling). Many fail on a verifier that reads JSON members
// rather than the signed graph (issue #14). Run with -v for the counts and
// the list of rewrites json-gold cannot process or that change the graph;
// OPENBADGES_SIGNEDVIEW_PROVE=1 classifies refused rewrites too.
func TestSignedViewMutationCorpus(t *testing.T) {
	f := svGet(t)
	st := &svStats{}
	t.Cleanup(func() { t.Log(st.summary(testing.Verbose())) })
	for _, b := range f.bases {
		require.NoError(t, b.prepare(f.verifier), b.name())
		require.Equal(t, b.kind == svValid, b.verified, "%s: the unmodified base must verify only when valid (see TestSignedViewOriginals)", b.name())
		t.Run(b.name(), func(t *testing.T) {
			t.Parallel()
			for _, c := range svCases(b) {
				t.Run(c.member.name+"/"+c.spelling, func(t *testing.T) {
					t.Parallel()
					svRun(t, f, b, c.doc, st)
				})
			}
		})
	}
}

// svRun verifies one rewrite and checks the outcome. The graph is compared
// with json-gold when the outcome depends on it: refusing is always
// right, so a refused rewrite needs no proof (unless svProveAll).
func svRun(t *testing.T, f *svFixture, b *svBase, d *svDoc, st *svStats) {
	name := strings.TrimPrefix(t.Name(), "TestSignedViewMutationCorpus/")
	data, err := b.encode(d.m)
	require.NoError(t, err)
	res, verr := f.verifier.Verify(context.Background(), data)
	require.NotNil(t, res)
	refused := verr != nil
	if refused {
		assert.False(t, res.Verified, "an error, yet Verified")
	}
	if refused && !svProveAll {
		st.add("ok: refused (graph not compared)", name)
		return
	}
	preserved, gerr := b.preserved(d.m)
	switch {
	case gerr != nil:
		st.add("skipped: json-gold cannot process it", name+": "+gerr.Error())
		t.Skipf("json-gold cannot process the rewrite: %v", gerr)
	case !preserved && b.isJWT():
		st.add("skipped: changes the graph (JWT: another credential)", name)
		t.Skip("the rewrite changes the credential's graph: the re-signed JWT is another credential")
	case !preserved && refused:
		st.add("ok: changes the graph, refused", name)
	case !preserved:
		st.add("FAIL: changes the signed graph, yet verified", name)
		t.Errorf("the rewrite changes the signed graph, so the proof must fail; it verified:\n%s\n%s", data, svReport(res))
	case b.kind != svValid && refused:
		st.add("ok: keeps the graph, refused", name)
	case b.kind != svValid:
		st.add("FAIL: keeps the graph, the original fails, verified", name)
		t.Errorf("the signed graph is unchanged and still %s, yet the rewritten credential verified:\n%s\n%s", b.kind, data, svReport(res))
	case refused:
		st.add("ok: valid, keeps the graph, refused", name)
	default:
		if assert.Equal(t, b.outcomes, svOutcomes(res), "the signed graph is unchanged; it verified, but not as the original:\n%s\n%s", data, svReport(res)) {
			st.add("ok: valid, keeps the graph, verified the same", name)
		} else {
			st.add("FAIL: valid, keeps the graph, verified differently", name)
		}
	}
}

// ------------------------------------------------ corpus files (cmd, server)

var svUpdate = flag.Bool("signedview.update", false, "rewrite testdata/signedview from the signed-view corpus")

const svCorpusDir = "testdata/signedview"

// svManifest describes testdata/signedview for the cmd/openbadges and
// server tests: every file is a credential (JSON, or a JWT) that the
// verifier must refuse, except the "valid" base, which must verify.
type svManifest struct {
	Now         string            `json:"now"`
	StatusLists map[string]string `json:"statusLists"` // URL to file
	Cases       []svManifestCase  `json:"cases"`
}

type svManifestCase struct {
	File     string `json:"file"`
	Base     string `json:"base"`   // kind
	Format   string `json:"format"` // "json" or "jwt"
	Member   string `json:"member"` // "" for an unmodified base
	Spelling string `json:"spelling"`
	Verifies bool   `json:"verifies"`
}

// svCorpusSubset picks, for the revoked and expired Ed25519 bases (Data
// Integrity and VC-JWT) and the expired Data Integrity proof, each
// graph-preserving spelling once (of the first member it applies to), and
// the unmodified bases with the valid one.
func svCorpusSubset(t *testing.T, f *svFixture) (svManifest, map[string][]byte) {
	files := map[string][]byte{}
	man := svManifest{Now: svNow.Format(time.RFC3339), StatusLists: map[string]string{}}
	files["status-list.json"] = f.lists[f.edList]
	man.StatusLists[f.edList] = "status-list.json"
	for _, b := range f.bases {
		if b.suite != proof.EdDSARDFC2022 && b.suite != "vc-jwt-eddsa" {
			continue
		}
		format, ext := "json", ".json"
		if b.isJWT() {
			format, ext = "jwt", ".jwt"
		}
		switch {
		case b.kind == svRevoked, b.kind == svExpired, b.kind == svValid:
		case b.kind == svProofExpired && !b.isJWT():
		default:
			continue
		}
		require.NoError(t, b.prepare(f.verifier))
		base := string(b.kind) + "-" + format
		files[base+ext] = b.data
		man.Cases = append(man.Cases, svManifestCase{File: base + ext, Base: string(b.kind), Format: format, Verifies: b.kind == svValid})
		if b.kind == svValid {
			continue
		}
		seen := map[string]bool{}
		for _, c := range svCases(b) {
			if seen[c.spelling] {
				continue
			}
			if ok, err := b.preserved(c.doc.m); err != nil || !ok {
				continue
			}
			data, err := b.encode(c.doc.m)
			require.NoError(t, err)
			seen[c.spelling] = true
			name := base + "__" + strings.ReplaceAll(c.member.name, ".", "-") + "__" + c.spelling + ext
			files[name] = data
			man.Cases = append(man.Cases, svManifestCase{File: name, Base: string(b.kind), Format: format, Member: c.member.name, Spelling: c.spelling})
		}
	}
	return man, files
}

// TestSignedViewCorpusFiles keeps testdata/signedview, the subset the
// command-line and server tests replay, and replays it here too. Run with
// -signedview.update to rewrite it.
func TestSignedViewCorpusFiles(t *testing.T) {
	f := svGet(t)
	if *svUpdate {
		man, files := svCorpusSubset(t, f)
		require.NoError(t, os.RemoveAll(svCorpusDir))
		require.NoError(t, os.MkdirAll(svCorpusDir, 0o755))
		for name, data := range files {
			require.NoError(t, os.WriteFile(filepath.Join(svCorpusDir, name), data, 0o644))
		}
		mb, err := json.MarshalIndent(man, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(svCorpusDir, "manifest.json"), append(mb, '\n'), 0o644))
	}
	mb, err := os.ReadFile(filepath.Join(svCorpusDir, "manifest.json"))
	require.NoError(t, err, "run go test ./badge -run TestSignedViewCorpusFiles -signedview.update")
	var man svManifest
	require.NoError(t, json.Unmarshal(mb, &man))
	now, err := time.Parse(time.RFC3339, man.Now)
	require.NoError(t, err)
	lists := map[string][]byte{}
	for u, name := range man.StatusLists {
		b, err := os.ReadFile(filepath.Join(svCorpusDir, name))
		require.NoError(t, err)
		lists[u] = b
	}
	clock := func() time.Time { return now }
	v, err := badge.NewVerifier(badge.VerifierOptions{Now: clock,
		Status: &status.Checker{Fetcher: status.StaticFetcher(lists), Proofs: &proof.Verifier{Now: clock}, Now: clock}})
	require.NoError(t, err)
	require.NotEmpty(t, man.Cases)
	for _, c := range man.Cases {
		t.Run(strings.TrimSuffix(c.File, filepath.Ext(c.File)), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(svCorpusDir, c.File))
			require.NoError(t, err)
			res, err := v.Verify(context.Background(), bytes.TrimSpace(data))
			require.NotNil(t, res)
			if c.Verifies {
				assert.NoError(t, err, svReport(res))
				return
			}
			assert.Error(t, err, "%s rewritten (%s, %s) verified:\n%s", c.Base, c.Member, c.Spelling, svReport(res))
			assert.False(t, res.Verified)
		})
	}
}
