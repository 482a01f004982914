package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/status"
	"github.com/openbadges-go/openbadges/vc"
)

// The multi-process tests run this test binary again as issuing processes
// (TestMain sees envChild): each reserves credentials in small batches
// with idempotency keys NAME-0, NAME-1, ..., completes them, and revokes
// or suspends some, printing one line per acknowledged operation only
// after the store returned:
//
//	R key id replayed list index list index   (reserved: revocation, suspension entries)
//	C id                                       (completed)
//	V id                                       (revoked)
//	S id                                       (suspended)
const (
	envChild      = "OPENBADGES_STORE_TEST_CHILD"
	envChildDSN   = "OPENBADGES_STORE_TEST_DSN"
	envChildName  = "OPENBADGES_STORE_TEST_NAME"
	envChildCount = "OPENBADGES_STORE_TEST_COUNT" // 0: until killed
)

// The pools of the multi-process tests: small lists, so that several are
// filled and made while processes compete.
var (
	mpRev = Pool{Name: "rev", BaseURL: "https://example.edu/status/rev-", Entries: 200}
	mpSus = Pool{Name: "sus", BaseURL: "https://example.edu/status/sus-", Purpose: status.PurposeSuspension, Entries: 500}
)

func TestMain(m *testing.M) {
	if os.Getenv(envChild) == "1" {
		if err := child(); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func child() error {
	ctx := context.Background()
	s, err := Open(ctx, os.Getenv(envChildDSN))
	if err != nil {
		return err
	}
	defer s.Close()
	for _, p := range []Pool{mpRev, mpSus} {
		if err := s.EnsurePool(ctx, p); err != nil {
			return err
		}
	}
	name := os.Getenv(envChildName)
	count, _ := strconv.Atoi(os.Getenv(envChildCount))
	say := func(format string, args ...any) {
		// One write per line, unbuffered: a line the parent reads was
		// acknowledged by the store before it was written.
		if _, err := os.Stdout.WriteString(fmt.Sprintf(format, args...) + "\n"); err != nil {
			os.Exit(2)
		}
	}
	var mine []Completed
	for i := 0; count == 0 || i < count; {
		n := 1 + i%4
		if count > 0 {
			n = min(n, count-i)
		}
		var rs []Reservation
		for k := range n {
			key := fmt.Sprintf("%s-%d", name, i+k)
			rs = append(rs, Reservation{Key: key, Fingerprint: []byte(key), Recipient: "learner " + key,
				Achievement: "https://example.edu/a", Format: "ldp_vc", Pools: []string{"rev", "sus"}})
		}
		cs, err := s.Reserve(ctx, rs...)
		if err != nil {
			return err
		}
		var comps []Completion
		for k, c := range cs {
			replayed := 0
			if c.Replayed {
				replayed = 1
			}
			say("R %s %s %d %s %d %s %d", rs[k].Key, c.ID, replayed, c.Status[0].List, c.Status[0].Index, c.Status[1].List, c.Status[1].Index)
			comps = append(comps, Completion{ID: c.ID, Signed: []byte("signed " + c.ID)})
		}
		done, err := s.Complete(ctx, comps...)
		if err != nil {
			return err
		}
		for _, c := range done {
			say("C %s", c.ID)
			mine = append(mine, c)
		}
		i += n
		// Interleave revocations and suspensions of earlier credentials.
		if len(mine) > 3 && i%3 == 0 {
			c := mine[len(mine)-3]
			if _, err := s.SetStatus(ctx, c.ID, status.PurposeRevocation, true); err != nil {
				return err
			}
			say("V %s", c.ID)
		}
		if len(mine) > 5 && i%5 == 0 {
			c := mine[len(mine)-5]
			if _, err := s.SetStatus(ctx, c.ID, status.PurposeSuspension, true); err != nil {
				return err
			}
			say("S %s", c.ID)
		}
	}
	return nil
}

// acked is what issuing processes acknowledged.
type acked struct {
	mu        sync.Mutex
	byKey     map[string]ackedCred
	byID      map[string]ackedCred
	completed map[string]bool
	revoked   map[string]bool
	suspended map[string]bool
	reserved  int // R lines
	owner     map[Entry]string
	errs      []string
}

type ackedCred struct {
	key, id  string
	rev, sus Entry
}

func newAcked() *acked {
	return &acked{byKey: map[string]ackedCred{}, byID: map[string]ackedCred{}, completed: map[string]bool{},
		revoked: map[string]bool{}, suspended: map[string]bool{}, owner: map[Entry]string{}}
}

// line records one line of a child; it returns the number of R lines so far.
func (a *acked) line(l string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	f := strings.Fields(l)
	switch {
	case len(f) == 8 && f[0] == "R":
		ri, _ := strconv.Atoi(f[5])
		si, _ := strconv.Atoi(f[7])
		c := ackedCred{key: f[1], id: f[2], rev: Entry{List: f[4], Index: ri}, sus: Entry{List: f[6], Index: si}}
		if prev, ok := a.byKey[c.key]; ok && prev != c {
			a.errs = append(a.errs, fmt.Sprintf("key %s: first %v, retried %v", c.key, prev, c))
		}
		for _, e := range []Entry{c.rev, c.sus} {
			if other, ok := a.owner[e]; ok && other != c.id {
				a.errs = append(a.errs, fmt.Sprintf("%s index %d handed out to %s and %s", e.List, e.Index, other, c.id))
			}
			a.owner[e] = c.id
		}
		a.byKey[c.key], a.byID[c.id] = c, c
		a.reserved++
	case len(f) == 2 && f[0] == "C":
		a.completed[f[1]] = true
	case len(f) == 2 && f[0] == "V":
		a.revoked[f[1]] = true
	case len(f) == 2 && f[0] == "S":
		a.suspended[f[1]] = true
	default:
		a.errs = append(a.errs, "bad line "+strconv.Quote(l))
	}
	return a.reserved
}

// startChild runs an issuing process; each line it prints goes to a, and
// onLine (if set) is called with the number of R lines so far.
func startChild(t *testing.T, dsn, name string, count int, a *acked, onLine func(reserved int, p *os.Process)) (wait func() error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envChild+"=1", envChildDSN+"="+dsn, envChildName+"="+name,
		envChildCount+"="+strconv.Itoa(count))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	read := make(chan struct{})
	go func() {
		defer close(read)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			n := a.line(sc.Text())
			if onLine != nil {
				onLine(n, cmd.Process)
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	return func() error {
		<-read
		err := cmd.Wait()
		if err != nil && stderr.Len() > 0 {
			return fmt.Errorf("%w: %s", err, stderr.String())
		}
		return err
	}
}

// checkAcked checks the store against what the processes acknowledged:
// every acknowledged reservation, completion, revocation and suspension is
// recorded; no index is any other credential's; every credential recorded
// once; the lists, signed, show exactly the revoked and suspended sets.
func checkAcked(t *testing.T, s *DB, a *acked, exact bool) {
	t.Helper()
	ctx := context.Background()
	assert.Empty(t, a.errs)
	for id, c := range a.byID {
		got, err := s.Credential(ctx, id)
		if !assert.NoError(t, err, "acknowledged credential %s", id) {
			continue
		}
		assert.Equal(t, c.key, got.Key)
		if assert.Len(t, got.Status, 2) {
			assert.Equal(t, c.rev, Entry{List: got.Status[0].List, Index: got.Status[0].Index})
			assert.Equal(t, c.sus, Entry{List: got.Status[1].List, Index: got.Status[1].Index})
		}
		if a.completed[id] {
			assert.Equal(t, "signed "+id, string(got.Signed))
		}
	}
	// Each allocation belongs to one credential, and each credential to
	// one key (database constraints, checked once more from outside).
	var dupIdx, dupKey, creds int
	db := rawDB(t, s)
	require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT list_id, idx FROM ob_allocations GROUP BY list_id, idx HAVING COUNT(*) > 1) d`).Scan(&dupIdx))
	require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT idem_key FROM ob_credentials GROUP BY idem_key HAVING COUNT(*) > 1) d`).Scan(&dupKey))
	require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM ob_credentials`).Scan(&creds))
	assert.Zero(t, dupIdx)
	assert.Zero(t, dupKey)
	t.Logf("%s: %d credentials acknowledged (%d revoked, %d suspended), %d recorded", s.Kind(), len(a.byID), len(a.revoked), len(a.suspended), creds)
	if exact {
		assert.Equal(t, len(a.byID), creds, "every credential recorded once")
	} else {
		// A killed process may have committed a reservation it did not
		// get to acknowledge.
		assert.GreaterOrEqual(t, creds, len(a.byID))
	}

	// Publish every list and check every acknowledged credential against
	// the signed lists, as a verifier would.
	var counts sync.Map
	p := &Publisher{Store: s, Sign: signer(t, &counts)}
	_, err := p.PublishStale(ctx)
	require.NoError(t, err)
	rows, err := db.QueryContext(ctx, `SELECT id, signed FROM ob_lists`)
	require.NoError(t, err)
	lists := map[string][]byte{}
	for rows.Next() {
		var id string
		var signed []byte
		require.NoError(t, rows.Scan(&id, &signed))
		lists[id] = signed
	}
	require.NoError(t, rows.Err())
	rows.Close()
	checker := status.NewLocalChecker(lists, nil)
	issuer := controller(testKey(t))
	for id, c := range a.byID {
		cred := credentialWith(t, issuer, id, []Entry{
			{List: c.rev.List, Index: c.rev.Index, Purpose: status.PurposeRevocation},
			{List: c.sus.List, Index: c.sus.Index, Purpose: status.PurposeSuspension}})
		_, err := checker.CheckStatus(ctx, cred, cred.Statuses()[0])
		if a.revoked[id] {
			assert.ErrorIs(t, err, vc.ErrRevoked, id)
		} else if exact {
			assert.NoError(t, err, id)
		}
		_, err = checker.CheckStatus(ctx, cred, cred.Statuses()[1])
		if a.suspended[id] {
			assert.ErrorIs(t, err, vc.ErrSuspended, id)
		} else if exact {
			assert.NoError(t, err, id)
		}
	}
	if exact {
		// Exactly the acknowledged sets, no more.
		var revoked, suspended int
		require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM ob_allocations a JOIN ob_lists l ON l.id = a.list_id
			WHERE a.value <> 0 AND l.purpose = 'revocation'`).Scan(&revoked))
		require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM ob_allocations a JOIN ob_lists l ON l.id = a.list_id
			WHERE a.value <> 0 AND l.purpose = 'suspension'`).Scan(&suspended))
		assert.Equal(t, len(a.revoked), revoked)
		assert.Equal(t, len(a.suspended), suspended)
	}
}

// TestMultiProcess runs three issuing processes against one store at once,
// revocations and suspensions interleaved.
func TestMultiProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			dsn := b.fresh(t)
			s := openT(t, dsn)
			a := newAcked()
			const procs, each = 3, 150
			var waits []func() error
			for p := range procs {
				waits = append(waits, startChild(t, dsn, fmt.Sprintf("p%d", p), each, a, nil))
			}
			for _, w := range waits {
				require.NoError(t, w())
			}
			require.Equal(t, procs*each, a.reserved)
			require.Len(t, a.byID, procs*each)
			checkAcked(t, s, a, true)
			l, err := s.List(context.Background(), "https://example.edu/status/rev-3")
			require.NoError(t, err, "450 credentials fill lists of 200: a third list was made")
			assert.Equal(t, 50, l.Allocated)
		})
	}
}

// TestKillMidBurst kills (SIGKILL) one of three issuing processes in the
// middle of its burst, then runs it again with the same idempotency keys:
// nothing it acknowledged is lost, a retried key gets its first
// credential, and no index goes to a second learner.
func TestKillMidBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			dsn := b.fresh(t)
			s := openT(t, dsn)
			a := newAcked()
			var once sync.Once
			killed := make(chan struct{})
			victim := startChild(t, dsn, "victim", 0, a, func(n int, p *os.Process) {
				if n >= 60 {
					once.Do(func() {
						_ = p.Signal(syscall.SIGKILL)
						close(killed)
					})
				}
			})
			others := []func() error{
				startChild(t, dsn, "o1", 100, a, nil),
				startChild(t, dsn, "o2", 100, a, nil),
			}
			select {
			case <-killed:
			case <-time.After(2 * time.Minute):
				t.Fatal("the victim did not reach 60 reservations")
			}
			err := victim()
			var ee *exec.ExitError
			require.True(t, errors.As(err, &ee), "victim: %v", err)
			assert.Equal(t, syscall.SIGKILL, ee.Sys().(syscall.WaitStatus).Signal())
			for _, w := range others {
				require.NoError(t, w())
			}
			if s.Kind() == "sqlite" {
				var ok string
				require.NoError(t, rawDB(t, s).QueryRow(`PRAGMA integrity_check`).Scan(&ok))
				assert.Equal(t, "ok", ok)
			}
			checkAcked(t, s, a, false)
			before := len(a.byKey)

			// The same process again: its keys are retried from 0.
			require.NoError(t, startChild(t, dsn, "victim", 120, a, nil)())
			assert.Empty(t, a.errs, "a retried key returns its first credential")
			assert.Greater(t, len(a.byKey), before)
			checkAcked(t, s, a, false)
		})
	}
}
