package badge

import (
	"bytes"
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
)

// errStoredUnusable says a stored credential (BatchItem.Existing) cannot be
// read or its proof does not verify with the batch's key: nobody holds a
// valid copy of those bytes, so the item is signed again.
var errStoredUnusable = errors.New("badge: stored credential does not verify with the batch's key")

// adoptionVerifier returns the verifier of stored credentials: offline,
// it knows only the batch issuer's own public key (under its verification
// method, listed for assertionMethod by the issuer), skips the status
// check (adopt compares the status entry itself) and embedded
// endorsements (not the batch's signature).
func (b *Batch) adoptionVerifier() (*Verifier, error) {
	i := b.Issuer
	vmID := i.Key.VerificationMethod
	if vmID == "" {
		return nil, fmt.Errorf("%w: adopting a stored credential needs the key's verification method", ErrInvalidKey)
	}
	pub := i.Key.Signer.Public()
	ctrl := i.controller()
	vm := did.VerificationMethod{ID: vmID, Controller: ctrl}
	if _, ok := pub.(*rsa.PublicKey); ok {
		j, err := did.NewJWK(pub)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
		}
		vm.Type, vm.PublicKeyJWK = did.TypeJsonWebKey, j
	} else {
		mb, err := did.EncodeMultikey(pub)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
		}
		vm.Type, vm.PublicKeyMultibase = did.TypeMultikey, mb
	}
	doc := &did.Document{
		ID:                 ctrl,
		VerificationMethod: []did.VerificationMethod{vm},
		AssertionMethod:    []did.MethodRef{{ID: vmID}},
	}
	base, _, _ := strings.Cut(vmID, "#")
	resolve := proof.ResolverFunc(func(ctx context.Context, id string) (*did.Document, error) {
		if id == base || id == ctrl {
			return doc, nil
		}
		return nil, &did.ResolutionError{DID: id, Code: did.CodeNotFound, Err: did.ErrNotFound}
	})
	return NewVerifier(VerifierOptions{
		Proofs:              &proof.Verifier{Resolver: resolve, Processor: i.Processor},
		Processor:           i.Processor,
		InsecureSkipStatus:  true,
		MaxEndorsementDepth: -1,
	})
}

// adopt verifies the stored credential of a reserved job. It returns the
// credential when it is the one reserved for the item; errStoredUnusable
// when it cannot be read or its proof does not verify with the batch's
// key; an error matching [ErrBatchConflict] when it verifies but is another
// credential; or ctx's error.
func (b *Batch) adopt(ctx context.Context, v *Verifier, j *batchJob) (*Signed, error) {
	data, it, res := j.r.Item.Existing, j.r.Item, j.r.Reservation
	r, _ := v.VerifyWith(ctx, data, &VerifyOptions{Recipient: expectedRecipient(it)})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r == nil || r.Credential == nil || !passed(r, CheckProof) {
		return nil, errStoredUnusable
	}
	conflict := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrBatchConflict}, args...)...)
	}
	c := r.Credential
	switch {
	case (b.Issuer.Format == JWT) != (r.Input == InputJWT) || (r.Input != InputJWT && r.Input != InputJSON):
		return nil, conflict("a %s credential, the batch issues %s", r.Input, b.Issuer.Format)
	case !passed(r, CheckIssuer):
		return nil, conflict("issued by %q, not by the key's controller", c.Issuer())
	case c.ID() != res.ID:
		return nil, conflict("credential id %q, reserved %q", c.ID(), res.ID)
	}
	if err := b.sameStatus(j, c.Statuses()); err != nil {
		return nil, conflict("%v", err)
	}
	subs := c.Subjects()
	if len(subs) != 1 {
		return nil, conflict("%d credential subjects", len(subs))
	}
	if ach, _ := subs[0]["achievement"].(map[string]any); ach == nil || ach["id"] != b.Achievement.ID {
		return nil, conflict("not the batch's achievement %q", b.Achievement.ID)
	}
	if !passed(r, CheckRecipient) {
		return nil, conflict("not issued to the item's recipient")
	}
	s := &Signed{Format: b.Issuer.Format, ID: res.ID, JSON: data}
	if s.Format == JWT {
		s.JWT, s.JSON = string(bytes.TrimSpace(data)), c.Raw()
	}
	return s, nil
}

// sameStatus reports whether a stored credential's credentialStatus is the
// entry reserved for the job: none when no index was reserved, else one
// entry naming the batch's list and the reserved index.
func (b *Batch) sameStatus(j *batchJob, got []map[string]any) error {
	if j.entry == nil {
		if len(got) != 0 {
			return fmt.Errorf("%d status entries, none reserved", len(got))
		}
		return nil
	}
	if len(got) != 1 {
		return fmt.Errorf("%d status entries, one reserved", len(got))
	}
	e := got[0]
	for _, m := range [][2]string{
		{"type", j.entry.Type},
		{"statusPurpose", j.entry.StatusPurpose},
		{"statusListCredential", j.entry.StatusListCredential},
		{"statusListIndex", j.entry.StatusListIndex},
	} {
		if v, _ := e[m[0]].(string); v != m[1] {
			return fmt.Errorf("status entry %s %q, reserved %q (index %s)", m[0], v, m[1], strconv.Itoa(j.r.Reservation.StatusIndex))
		}
	}
	return nil
}

// expectedRecipient is what a stored credential's subject must match: the
// item's subject id, else its primary identifier.
func expectedRecipient(it BatchItem) *ExpectedRecipient {
	if it.Recipient.ID != "" {
		return &ExpectedRecipient{Type: "id", Value: it.Recipient.ID}
	}
	return &ExpectedRecipient{Type: it.Recipient.IdentityType, Value: strings.TrimSpace(it.Recipient.Identity)}
}

func passed(r *VerificationResult, id CheckID) bool {
	c := r.Check(id)
	return c != nil && c.Status == Passed
}
