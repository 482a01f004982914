package server

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/delivery"
	"github.com/openbadges-go/openbadges/store"
)

// mountDelivery mounts wallet delivery: the wallet endpoints (public: a
// wallet proves itself with its presentation or key proof) under the base
// URL's path and at the well-known paths, and the LMS's POST
// BASEPATH/exchanges behind auth's ScopeIssue.
func mountDelivery(mux *http.ServeMux, s *delivery.Service, auth *Tokens) error {
	h, err := delivery.NewHandler(s)
	if err != nil {
		return err
	}
	u, err := url.Parse(s.BaseURL())
	if err != nil {
		return err
	}
	bp := strings.TrimSuffix(u.EscapedPath(), "/")
	mux.Handle(bp+"/", h)
	for _, p := range s.WellKnownPaths() {
		mux.Handle(p, h)
	}
	create, err := delivery.NewCreateExchangeHandler(s)
	if err != nil {
		return err
	}
	mux.Handle(bp+"/exchanges", auth.Require(ScopeIssue, create))
	return nil
}

// DeliveryHooks sets c.Build and c.Collected so that the badges delivered
// to wallets are recorded in st's store like those of the issue endpoint:
// each exchange's credential is reserved (idempotency key "exchange:" and
// the exchange id; a fresh urn:uuid and one status entry from each of
// st.Pools) before it is signed, its new lists published first, and it is
// completed once the wallet has it. profile is the issuer Profile put in
// each credential. c.Collected, when already set, is called after.
func DeliveryHooks(c *delivery.Config, st *StoreIssuing, profile badge.Profile) error {
	if err := st.check(); err != nil {
		return err
	}
	collected := c.Collected
	now, random := c.Now, c.Random
	c.Build = func(ctx context.Context, e *delivery.Exchange, holder string) (*badge.AchievementCredential, error) {
		sum := sha256.Sum256([]byte(e.ID + "\x00" + e.Achievement.ID))
		cs, err := st.Store.Reserve(ctx, store.Reservation{Key: "exchange:" + e.ID, Fingerprint: sum[:],
			Recipient: holder, Achievement: e.Achievement.ID, Format: "wallet", Pools: st.Pools})
		if err != nil {
			return nil, err
		}
		rec := cs[0]
		if err := st.ensurePublished(ctx, rec.Status); err != nil {
			return nil, err
		}
		cred, err := badge.NewCredential(profile, e.Achievement, badge.RecipientDID(holder),
			&badge.CredentialOptions{ID: rec.ID, Now: now, Rand: random})
		if err != nil {
			return nil, err
		}
		var list []badge.CredentialStatus
		for _, en := range rec.Status {
			b, err := json.Marshal(en.Status())
			if err != nil {
				return nil, err
			}
			var s badge.CredentialStatus
			if err := json.Unmarshal(b, &s); err != nil {
				return nil, err
			}
			list = append(list, s)
		}
		if len(list) == 1 {
			cred.CredentialStatus = badge.One(list[0])
		} else if len(list) > 1 {
			cred.CredentialStatus = badge.OneOrMany[badge.CredentialStatus]{Values: list}
		}
		return cred, nil
	}
	c.Collected = func(ctx context.Context, e *delivery.Exchange, signed *badge.Signed) {
		if id := signed.ID; id != "" {
			_, _ = st.Store.Complete(context.WithoutCancel(ctx), store.Completion{ID: id, Signed: signed.Bytes()})
		}
		if collected != nil {
			collected(ctx, e, signed)
		}
	}
	return nil
}
