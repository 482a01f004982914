package badge

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The security review (issue #14, item 4) verified a 4.7 MB forged
// credential, 16 proofs naming 16 did:web hosts and 32x32 nested
// endorsements, with one unauthenticated request; it made about 14,000
// outbound requests. Measured on this test's network before the budget:
// 17,969 requests (16,912 DID documents, 1,057 status lists) and about
// 1 GiB allocated. Now: the 16 DID documents its own proofs name, nothing
// else.
func TestTheForgedCredentialOfTheReviewFetchesOnlyItsOwnProofKeys(t *testing.T) {
	n := newWebNet(t)
	data := forgedCredential(t, 16, 32, 2)
	v := n.verifier(t, VerifierOptions{})
	start := time.Now()
	res, err := v.Verify(context.Background(), data)
	elapsed := time.Since(start)
	require.Error(t, err)
	require.NotNil(t, res)
	assert.False(t, res.Verified)
	assert.Equal(t, Failed, res.Check(CheckProof).Status)

	assert.LessOrEqual(t, n.requests.Load(), int64(16), "only the keys the credential's own 16 proofs name")
	assert.LessOrEqual(t, n.requests.Load(), int64(DefaultBudgetFetches))
	assert.Zero(t, n.lists.Load(), "no status list is fetched for a credential whose proof failed")
	assert.Zero(t, n.refresh.Load(), "no refresh is fetched for a credential whose proof failed")
	for _, id := range []CheckID{CheckRefresh, CheckCredentialStatus, CheckEndorsements} {
		c := res.Check(id)
		require.NotNil(t, c, id)
		assert.Equal(t, Skipped, c.Status, id)
		assert.Contains(t, c.Detail, "proof", id)
	}
	assert.Empty(t, res.Endorsements, "no endorsement is verified for a credential whose proof failed")
	// The budget's deadline ends any verification; this one is well inside
	// it on an idle machine (about a second, most of it reading 5 MB).
	assert.Less(t, elapsed, 2*DefaultBudgetTime)
	t.Logf("%d bytes verified in %v with %d requests", len(data), elapsed, n.requests.Load())
}

// A credential whose own proof verifies (anyone can sign as their own
// did:key) can carry any number of status entries, each on a host of its
// own, and embed endorsements, validly signed the same way, each with as
// many: 5 endorsements embedding 2 each is 16 credentials, and with 40
// status entries apiece, 640 requests before the budget. Now the shared
// budget stops the fan-out.
func TestAFanOutOfStatusListsAndEndorsementsStopsAtTheBudget(t *testing.T) {
	tests := []struct {
		name     string
		statuses int
		budget   Budget
		lenient  bool
	}{
		{name: "status list fetches reach the fetch limit", statuses: 40},
		{name: "credentials reach the credential limit", budget: Budget{MaxCredentials: 8}},
		{name: "allowing invalid endorsements does not allow a spent budget", statuses: 40, lenient: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newWebNet(t)
			data := fanOutCredential(t, []int{5, 2}, tt.statuses)
			v := n.verifier(t, VerifierOptions{Budget: tt.budget, AllowInvalidEndorsements: tt.lenient})
			start := time.Now()
			res, err := v.Verify(context.Background(), data)
			elapsed := time.Since(start)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrBudgetExceeded)
			assert.Equal(t, Passed, res.Check(CheckProof).Status, "the credential's own proof verifies")
			c := res.Check(CheckEndorsements)
			require.NotNil(t, c)
			assert.Equal(t, Failed, c.Status)
			assert.ErrorIs(t, c.Err, ErrBudgetExceeded)
			assert.LessOrEqual(t, n.requests.Load(), int64(DefaultBudgetFetches))
			max := tt.budget.MaxCredentials
			if max == 0 {
				max = DefaultBudgetCredentials
			}
			assert.LessOrEqual(t, countResults(res), max)
			t.Logf("%d credentials, %d requests, %v", countResults(res), n.requests.Load(), elapsed)
		})
	}

	// Within the default budget, the same credential without status
	// entries verifies: all 16 credentials, no request.
	n := newWebNet(t)
	res, err := n.verifier(t, VerifierOptions{}).Verify(context.Background(), fanOutCredential(t, []int{5, 2}, 0))
	require.NoError(t, err, report(res))
	assert.Equal(t, 16, countResults(res))
	assert.Zero(t, n.requests.Load())
}

// webBadge issues a badge signed by the did:web issuer at host (its key
// served by n), with the extra members added before signing.
func webBadge(t *testing.T, n *webNet, host string, extra map[string]any, endorsements ...*Signed) []byte {
	t.Helper()
	iss := n.webIssuer(host)
	ach := NewAchievement("https://"+host+"/achievements/1", "Welding I", "Basic welding.", "Passed the bench test.")
	for _, e := range endorsements {
		require.NoError(t, ach.AddEndorsement(e))
	}
	cred, err := NewCredential(iss.Profile("College"), ach, RecipientDID("did:example:learner"), &CredentialOptions{Now: iss.Now, Rand: &seededRand{}})
	require.NoError(t, err)
	raw, err := json.Marshal(cred)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	for k, v := range extra {
		doc[k] = v
	}
	if _, ok := extra["refreshService"]; ok {
		doc["@context"] = append(doc["@context"].([]any), "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
	}
	raw, err = json.Marshal(doc)
	require.NoError(t, err)
	signed, err := proof.AddDataIntegrityProof(context.Background(), raw, iss.Key, &proof.DataIntegrityOptions{Created: rtNow})
	require.NoError(t, err)
	return signed
}

// webEndorsement is an endorsement of the achievement of webBadge, signed
// by the did:web issuer at host.
func webEndorsement(t *testing.T, n *webNet, host, of string) *Signed {
	t.Helper()
	iss := n.webIssuer(host)
	e, err := NewEndorsement(iss.Profile("Board"), "https://"+of+"/achievements/1", "Meets the standard.", &CredentialOptions{Now: iss.Now, Rand: &seededRand{n: 7}})
	require.NoError(t, err)
	s, err := iss.IssueEndorsement(context.Background(), e)
	require.NoError(t, err)
	return s
}

var (
	statusMember = map[string]any{
		"id": "https://lists.example/status/1#7", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
		"statusListIndex": "7", "statusListCredential": "https://lists.example/status/1",
	}
	refreshMember = map[string]any{"id": "https://lists.example/refresh/1", "type": "1EdTechCredentialRefresh"}
)

func TestEachBudgetLimitFailsTheCheckThatReachesIt(t *testing.T) {
	tests := []struct {
		name    string
		budget  Budget
		setup   func(n *webNet)
		data    func(t *testing.T, n *webNet) []byte
		lenient bool
		// failed are the checks that fail for the budget.
		failed   []CheckID
		requests int64
	}{
		{
			name:     "no fetch at all when MaxFetches is negative",
			budget:   Budget{MaxFetches: -1},
			data:     func(t *testing.T, n *webNet) []byte { return webBadge(t, n, "college.example", nil) },
			failed:   []CheckID{CheckProof},
			requests: 0,
		},
		{
			name:   "fetches beyond MaxFetches are refused (status list, refresh)",
			budget: Budget{MaxFetches: 1},
			data: func(t *testing.T, n *webNet) []byte {
				return webBadge(t, n, "college.example", map[string]any{"credentialStatus": statusMember, "refreshService": refreshMember})
			},
			// The refresh would only warn; the status would fail for a 404.
			failed:   []CheckID{CheckRefresh, CheckCredentialStatus},
			requests: 1,
		},
		{
			name:     "bytes beyond MaxBytes are refused",
			budget:   Budget{MaxBytes: 4 << 10},
			setup:    func(n *webNet) { n.pad.Store(16 << 10) },
			data:     func(t *testing.T, n *webNet) []byte { return webBadge(t, n, "college.example", nil) },
			failed:   []CheckID{CheckProof},
			requests: 1,
		},
		{
			name:     "a verification ends at MaxTime",
			budget:   Budget{MaxTime: 300 * time.Millisecond},
			setup:    func(n *webNet) { n.delay.Store(int64(5 * time.Second)) },
			data:     func(t *testing.T, n *webNet) []byte { return webBadge(t, n, "college.example", nil) },
			failed:   []CheckID{CheckProof},
			requests: 1,
		},
		{
			name:   "credentials beyond MaxCredentials are not verified",
			budget: Budget{MaxCredentials: 1},
			data: func(t *testing.T, n *webNet) []byte {
				return webBadge(t, n, "college.example", nil, webEndorsement(t, n, "college.example", "college.example"))
			},
			failed:   []CheckID{CheckEndorsements},
			requests: 1,
		},
		{
			name:   "an endorsement allowed to fail is not allowed to spend the budget",
			budget: Budget{MaxFetches: 1},
			data: func(t *testing.T, n *webNet) []byte {
				return webBadge(t, n, "college.example", nil, webEndorsement(t, n, "board.example", "college.example"))
			},
			lenient:  true,
			failed:   []CheckID{CheckEndorsements},
			requests: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newWebNet(t)
			data := tt.data(t, n)
			if tt.setup != nil {
				tt.setup(n)
			}
			v := n.verifier(t, VerifierOptions{Budget: tt.budget, AllowInvalidEndorsements: tt.lenient})
			start := time.Now()
			res, err := v.Verify(context.Background(), data)
			elapsed := time.Since(start)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrBudgetExceeded)
			assert.ErrorIs(t, err, did.ErrBudgetExceeded, "one error value, whichever package raised it")
			for _, id := range tt.failed {
				c := res.Check(id)
				require.NotNil(t, c, id)
				assert.Equal(t, Failed, c.Status, id)
				assert.ErrorIs(t, c.Err, ErrBudgetExceeded, id)
			}
			assert.Equal(t, tt.requests, n.requests.Load())
			assert.Less(t, elapsed, 3*time.Second)
		})
	}
}

func TestTheSameBadgeVerifiesWithinTheDefaultBudget(t *testing.T) {
	n := newWebNet(t)
	data := webBadge(t, n, "college.example", nil, webEndorsement(t, n, "board.example", "college.example"))
	res, err := n.verifier(t, VerifierOptions{}).Verify(context.Background(), data)
	require.NoError(t, err, report(res))
	assert.Equal(t, int64(2), n.requests.Load())
}

func TestARepeatedFetchIsServedFromTheVerificationsMemo(t *testing.T) {
	n := newWebNet(t)
	// The badge and its endorsement are both signed by college.example:
	// one DID document, fetched once per verification.
	data := webBadge(t, n, "college.example", nil, webEndorsement(t, n, "college.example", "college.example"))
	v := n.verifier(t, VerifierOptions{Budget: Budget{MaxFetches: 1}})
	res, err := v.Verify(context.Background(), data)
	require.NoError(t, err, report(res))
	assert.Equal(t, Passed, res.Check(CheckEndorsements).Status)
	assert.Equal(t, int64(1), n.didDocs.Load())

	// The memo lives as long as one verification.
	_, err = v.Verify(context.Background(), data)
	require.NoError(t, err)
	assert.Equal(t, int64(2), n.didDocs.Load())
}

func TestABudgetInTheContextIsSharedAndNeverReset(t *testing.T) {
	n := newWebNet(t)
	a := webBadge(t, n, "a.example", nil)
	b := webBadge(t, n, "b.example", nil)
	// The verifier's own budget is generous; the caller's is not, and
	// wins: a verification never resets or widens a budget it is given.
	v := n.verifier(t, VerifierOptions{Budget: Budget{MaxFetches: 100}})
	ctx, cancel := WithBudget(context.Background(), Budget{MaxFetches: 1})
	defer cancel()
	res, err := v.Verify(ctx, a)
	require.NoError(t, err, report(res))
	res, err = v.Verify(ctx, b)
	require.Error(t, err)
	assert.ErrorIs(t, res.Check(CheckProof).Err, ErrBudgetExceeded)
	assert.Equal(t, int64(1), n.requests.Load())

	// A second WithBudget under the first does not widen it either.
	inner, cancel2 := WithBudget(ctx, Budget{MaxFetches: 100})
	defer cancel2()
	_, err = v.Verify(inner, b)
	assert.ErrorIs(t, err, ErrBudgetExceeded)
	assert.Equal(t, int64(1), n.requests.Load())
}

func TestNewVerifierRefusesANegativeBudget(t *testing.T) {
	for name, b := range map[string]Budget{
		"bytes":       {MaxBytes: -1},
		"time":        {MaxTime: -time.Second},
		"credentials": {MaxCredentials: -1},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := NewVerifier(VerifierOptions{Budget: b})
			assert.Error(t, err)
		})
	}
	_, err := NewVerifier(VerifierOptions{Budget: Budget{MaxFetches: -1}})
	assert.NoError(t, err, "a negative MaxFetches means offline")
}

func TestAContextDeadlineThatIsNotTheBudgetsIsNotReportedAsTheBudget(t *testing.T) {
	n := newWebNet(t)
	data := webBadge(t, n, "college.example", nil)
	n.delay.Store(int64(5 * time.Second))
	v := n.verifier(t, VerifierOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	res, err := v.Verify(ctx, data)
	require.Error(t, err)
	assert.True(t, errors.Is(res.Check(CheckProof).Err, context.DeadlineExceeded), "%v", res.Check(CheckProof).Err)
	assert.False(t, errors.Is(err, ErrBudgetExceeded))
}
