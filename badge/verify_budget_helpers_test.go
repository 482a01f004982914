package badge

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/multiformats/go-multibase"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/status"
	"github.com/stretchr/testify/require"
)

// webNet is a simulated internet of did:web hosts, status lists and
// refresh services, all served by one httptest TLS server: every host name
// is routed to it. It counts every request it receives (by kind) and every
// body byte it sends.
type webNet struct {
	client *http.Client
	keys   sync.Map // host -> *did.Key, the key its DID document lists

	requests atomic.Int64
	didDocs  atomic.Int64
	lists    atomic.Int64
	refresh  atomic.Int64
	bytes    atomic.Int64

	// pad adds this many bytes to every DID document; delay holds every
	// answer this long.
	pad   atomic.Int64
	delay atomic.Int64
}

func newWebNet(t testing.TB) *webNet {
	t.Helper()
	n := &webNet{}
	srv := httptest.NewTLSServer(http.HandlerFunc(n.serve))
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	n.client = &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // the test certificate is for no host in particular
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
		MaxIdleConnsPerHost: 64,
	}}
	return n
}

// key returns the key a host's DID document lists (one per host, derived
// from its name).
func (n *webNet) key(host string) *did.Key {
	if k, ok := n.keys.Load(host); ok {
		return k.(*did.Key)
	}
	seed := sha256.Sum256([]byte("webnet " + host))
	k, err := did.NewEd25519KeyFromSeed(seed[:])
	if err != nil {
		panic(err)
	}
	got, _ := n.keys.LoadOrStore(host, k)
	return got.(*did.Key)
}

func (n *webNet) serve(w http.ResponseWriter, r *http.Request) {
	n.requests.Add(1)
	if d := time.Duration(n.delay.Load()); d > 0 {
		select {
		case <-r.Context().Done():
			return
		case <-time.After(d):
		}
	}
	host := r.Host
	var body []byte
	switch {
	case r.URL.Path == "/.well-known/did.json":
		n.didDocs.Add(1)
		id := "did:web:" + host
		mb, err := did.EncodeMultikey(n.key(host).Signer.Public())
		if err != nil {
			panic(err)
		}
		doc := map[string]any{
			"@context": []any{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"},
			"id":       id,
			"verificationMethod": []any{map[string]any{
				"id": id + "#key-1", "type": "Multikey", "controller": id, "publicKeyMultibase": mb,
			}},
			"assertionMethod": []any{id + "#key-1"},
		}
		if p := n.pad.Load(); p > 0 {
			doc["service"] = []any{map[string]any{"id": id + "#pad", "type": "Padding", "serviceEndpoint": "https://" + host + "/" + strings.Repeat("p", int(p))}}
		}
		body, _ = json.Marshal(doc)
		w.Header().Set("Content-Type", "application/did+json")
	case strings.HasPrefix(r.URL.Path, "/status"):
		n.lists.Add(1)
		http.NotFound(w, r)
		return
	case strings.HasPrefix(r.URL.Path, "/refresh"):
		n.refresh.Add(1)
		http.NotFound(w, r)
		return
	default:
		http.NotFound(w, r)
		return
	}
	n.bytes.Add(int64(len(body)))
	w.Write(body)
}

// verifier returns a Verifier that resolves did:key and did:web through
// this network and checks status lists and refresh services through it.
func (n *webNet) verifier(t testing.TB, o VerifierOptions) *Verifier {
	t.Helper()
	o.Resolver = did.Methods{
		"key": did.KeyResolver{},
		"web": &did.WebResolver{Client: n.client, AllowPrivateAddresses: true},
	}
	fetch := &status.HTTPFetcher{Client: n.client, AllowPrivateAddresses: true}
	o.Status = &status.Checker{Fetcher: fetch, Now: func() time.Time { return rtNow }}
	o.Refresher = &status.Refresher{Fetcher: fetch}
	o.Now = func() time.Time { return rtNow }
	v, err := NewVerifier(o)
	require.NoError(t, err)
	return v
}

// webIssuer is an issuer whose key is published in host's did:web
// document.
func (n *webNet) webIssuer(host string) *Issuer {
	k := n.key(host)
	return &Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: "did:web:" + host + "#key-1"}, Now: func() time.Time { return rtNow }, Rand: &seededRand{}}
}

// forgedProofs returns n Data Integrity proofs, each naming the key of a
// different did:web host, with signatures that verify nothing.
func forgedProofs(n int, prefix string) []any {
	out := make([]any, n)
	sig, err := multibase.Encode(multibase.Base58BTC, make([]byte, ed25519.SignatureSize))
	if err != nil {
		panic(err)
	}
	for i := range out {
		out[i] = map[string]any{
			"type":               "DataIntegrityProof",
			"cryptosuite":        "eddsa-rdfc-2022",
			"created":            "2026-01-01T00:00:00Z",
			"verificationMethod": fmt.Sprintf("did:web:%s%d.example#key-1", prefix, i),
			"proofPurpose":       "assertionMethod",
			"proofValue":         sig,
		}
	}
	return out
}

// forgedEndorsements returns width endorsement credentials, each with
// proofs forged proofs and, while depth > 1, width endorsements of its own
// under its issuer profile.
func forgedEndorsements(width, depth, proofs int, path string) []any {
	out := make([]any, width)
	for i := range out {
		p := fmt.Sprintf("%s-%d", path, i)
		issuer := map[string]any{"id": fmt.Sprintf("did:web:e%s.example", p), "type": []any{"Profile"}, "name": "Endorser " + p}
		if depth > 1 {
			issuer["endorsement"] = forgedEndorsements(width, depth-1, proofs, p)
		}
		out[i] = map[string]any{
			"@context":  []any{"https://www.w3.org/ns/credentials/v2", ContextOB303},
			"id":        "urn:uuid:00000000-0000-4000-8000-" + fmt.Sprintf("%012x", sha256.Sum256([]byte(p)))[:12],
			"type":      []any{"VerifiableCredential", "EndorsementCredential"},
			"issuer":    issuer,
			"validFrom": "2026-01-01T00:00:00Z",
			"name":      "Endorsement " + p,
			"credentialSubject": map[string]any{
				"id": "https://college.example.edu/achievements/forged", "type": []any{"EndorsementSubject"}, "endorsementComment": "Forged.",
			},
			"credentialStatus": map[string]any{
				"id": "https://status.example/status/e#" + p, "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
				"statusListIndex": "7", "statusListCredential": "https://status.example/status/e",
			},
			"proof": forgedProofs(proofs, "h"),
		}
	}
	return out
}

// forgedCredential is the credential of the security review: proofs
// forged proofs naming proofs different did:web hosts, a status entry, a
// refresh service, and endorsements width wide and depth deep, each with
// proofs forged proofs of its own.
func forgedCredential(t testing.TB, proofs, width, depth int) []byte {
	t.Helper()
	doc := map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", ContextOB303},
		"id":        "urn:uuid:6d8f2c70-0000-4000-8000-000000000001",
		"type":      []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":    map[string]any{"id": "did:web:h0.example", "type": []any{"Profile"}, "name": "Forged College"},
		"validFrom": "2026-01-01T00:00:00Z",
		"name":      "Forged badge",
		"credentialSubject": map[string]any{
			"id": "did:example:mallory", "type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id": "https://college.example.edu/achievements/forged", "type": []any{"Achievement"},
				"name": "Forged", "description": "Forged.", "criteria": map[string]any{"narrative": "None."},
				"endorsement": forgedEndorsements(width, depth, proofs, ""),
			},
		},
		"credentialStatus": map[string]any{
			"id": "https://status.example/status/1#7", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
			"statusListIndex": "7", "statusListCredential": "https://status.example/status/1",
		},
		"refreshService": map[string]any{"id": "https://refresh.example/refresh/1", "type": "1EdTechCredentialRefresh"},
		"proof":          forgedProofs(proofs, "h"),
	}
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	return b
}

// fanOutKey is the forger's own did:key: its proofs verify, offline.
func fanOutKey(t testing.TB) *did.Key {
	t.Helper()
	seed := sha256.Sum256([]byte("fan-out issuer"))
	k, err := did.NewEd25519KeyFromSeed(seed[:])
	require.NoError(t, err)
	return k
}

// statusEntries returns n status entries of the credential at path, each
// on a status list host of its own.
func statusEntries(n int, path string) []any {
	out := make([]any, n)
	for i := range out {
		u := fmt.Sprintf("https://s%s-%d.example/status/1", path, i)
		out[i] = map[string]any{
			"id": u + "#7", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
			"statusListIndex": "7", "statusListCredential": u,
		}
	}
	return out
}

// signedByForger adds a Data Integrity proof by the forger's own key.
func signedByForger(t testing.TB, doc map[string]any) map[string]any {
	t.Helper()
	k := fanOutKey(t)
	raw, err := json.Marshal(doc)
	require.NoError(t, err)
	signed, err := proof.AddDataIntegrityProof(context.Background(), raw, proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, &proof.DataIntegrityOptions{Created: rtNow})
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(signed, &out))
	return out
}

// signedEndorsements returns endorsements validly signed by the forger,
// widths[0] of them, each embedding widths[1:] more in its issuer profile,
// and each with statuses status entries on hosts of their own. Each
// endorses subject, the object it is embedded in.
func signedEndorsements(t testing.TB, widths []int, statuses int, path, subject string) []any {
	t.Helper()
	k := fanOutKey(t)
	out := make([]any, widths[0])
	for i := range out {
		p := fmt.Sprintf("%s-%d", path, i)
		issuer := map[string]any{"id": k.Controller, "type": []any{"Profile"}, "name": "Endorser"}
		if len(widths) > 1 {
			issuer["endorsement"] = signedEndorsements(t, widths[1:], statuses, p, k.Controller)
		}
		e := map[string]any{
			"@context":  []any{"https://www.w3.org/ns/credentials/v2", ContextOB303},
			"id":        "urn:uuid:00000000-0000-4000-8000-" + fmt.Sprintf("%x", sha256.Sum256([]byte(p)))[:12],
			"type":      []any{"VerifiableCredential", "EndorsementCredential"},
			"issuer":    issuer,
			"validFrom": "2026-01-01T00:00:00Z",
			"name":      "Endorsement " + p,
			"credentialSubject": map[string]any{
				"id": subject, "type": []any{"EndorsementSubject"}, "endorsementComment": "Fine.",
			},
		}
		if statuses > 0 {
			e["credentialStatus"] = statusEntries(statuses, p)
		}
		out[i] = signedByForger(t, e)
	}
	return out
}

// fanOutCredential is a credential whose own proof verifies (its issuer is
// whoever made it: a did:key, offline) with statuses status entries on
// hosts of their own, embedding endorsements widths[0] wide, each
// embedding widths[1] more, and so on, all validly signed the same way and
// each with statuses status entries of its own. (Embedded endorsements are
// bounded by the JSON-LD context limit of the document that signs them:
// 32 context loads, 15 endorsements; status entries are not.) Without a
// budget its verification makes one request per status entry of every
// credential.
func fanOutCredential(t testing.TB, widths []int, statuses int) []byte {
	t.Helper()
	k := fanOutKey(t)
	doc := map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", ContextOB303},
		"id":        "urn:uuid:6d8f2c70-0000-4000-8000-000000000002",
		"type":      []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":    map[string]any{"id": k.Controller, "type": []any{"Profile"}, "name": "Self-made College"},
		"validFrom": "2026-01-01T00:00:00Z",
		"name":      "Fan-out badge",
		"credentialSubject": map[string]any{
			"id": "did:example:mallory", "type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id": "https://college.example.edu/achievements/fan-out", "type": []any{"Achievement"},
				"name": "Fan-out", "description": "Fan-out.", "criteria": map[string]any{"narrative": "None."},
				"endorsement": signedEndorsements(t, widths, statuses, "", "https://college.example.edu/achievements/fan-out"),
			},
		},
	}
	if statuses > 0 {
		doc["credentialStatus"] = statusEntries(statuses, "top")
	}
	b, err := json.Marshal(signedByForger(t, doc))
	require.NoError(t, err)
	return b
}

// countResults counts the credentials verified under r (r included); a
// credential refused by the budget before it was parsed does not count.
func countResults(r *VerificationResult) int {
	if r == nil {
		return 0
	}
	n := 1
	if c := r.Check(CheckParse); c == nil || c.Status != Passed {
		n = 0
	}
	for _, e := range r.Endorsements {
		n += countResults(e.Result)
	}
	if r.Original != nil {
		n += countResults(r.Original)
	}
	return n
}
