package learner

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/badge/clr"
	"github.com/openbadges-go/openbadges/presentation"
	"github.com/openbadges-go/openbadges/proof"
)

// DefaultMaxEntries bounds the credentials of a [Wallet] whose MaxEntries
// is zero.
const DefaultMaxEntries = 1000

// Errors of this package; each matches with [errors.Is].
var (
	// ErrNotCredential: the input is not a credential (the badge
	// pipeline's parse check failed; its error is wrapped).
	ErrNotCredential = errors.New("learner: input is not a credential")
	// ErrDuplicate: a credential with the same id is in the wallet.
	ErrDuplicate = errors.New("learner: credential already in the wallet")
	// ErrLimit: the wallet holds MaxEntries credentials.
	ErrLimit = errors.New("learner: wallet is full")
	// ErrNoVerifiedCredentials: an export with no verified credential.
	ErrNoVerifiedCredentials = errors.New("learner: no verified credential to export")
	// ErrInvalidArgument: a nil issuer, or a learner profile without id
	// (or, for NewWallet, without any id or identifier).
	ErrInvalidArgument = errors.New("learner: invalid argument")
	// ErrNotHolder: the credential is not about the wallet's holder (see
	// [NotHolderError]).
	ErrNotHolder = errors.New("learner: credential is not about the wallet's holder")
)

// NotHolderError is why [Wallet.Import] refused a credential: a subject of
// it is neither the holder's id nor named by one of the holder's
// identifiers. It matches [ErrNotHolder] and [badge.ErrRecipientMismatch].
type NotHolderError struct {
	// Credential is the credential's id ("" when it has none).
	Credential string
	// Subject is the id of the subject that is not the holder ("" for a
	// subject named only by identifiers, none of which is the holder's,
	// or for a credential without a subject).
	Subject string
}

func (e *NotHolderError) Error() string {
	who := "a subject named only by identifiers that are not the holder's"
	if e.Subject != "" {
		who = fmt.Sprintf("%q", e.Subject)
	}
	if e.Credential == "" {
		return fmt.Sprintf("%s: it is about %s", ErrNotHolder, who)
	}
	return fmt.Sprintf("%s: %q is about %s", ErrNotHolder, e.Credential, who)
}

// Is matches ErrNotHolder and badge.ErrRecipientMismatch.
func (e *NotHolderError) Is(target error) bool {
	return target == ErrNotHolder || target == badge.ErrRecipientMismatch
}

// Entry is one credential a learner holds, as imported, with the result
// of its verification at import.
type Entry struct {
	// Raw is the input as imported: JSON, a compact JWT, or the PNG or SVG
	// image bytes.
	Raw []byte
	// Format is how it arrived (badge.InputJSON, InputJWT, InputPNG,
	// InputSVG).
	Format badge.InputFormat
	// Credential is the credential as its issuer signed it: the JSON with
	// its proof, or the compact VC-JWT (taken out of the image for a baked
	// badge). It is what exports embed.
	Credential []byte
	// Result is the verification at import (never nil).
	Result *badge.VerificationResult
}

// Verified reports whether the credential verified at import.
func (e *Entry) Verified() bool { return e.Result != nil && e.Result.Verified }

// Options configures a [Wallet].
type Options struct {
	// Verifier verifies each imported credential (nil: badge.NewVerifier
	// with the zero options: offline keys, embedded contexts, status fails
	// closed).
	Verifier *badge.Verifier
	// MaxEntries bounds the credentials held (0 = DefaultMaxEntries).
	MaxEntries int
}

// Wallet is a learner's profile and the credentials they hold: only
// credentials about the learner (see [Wallet.Import]). It is not safe for
// concurrent modification; reads may run concurrently once imports are
// done.
type Wallet struct {
	// Profile is the learner: its ID (a DID the learner controls) is the
	// holder of presentations and the subject of an exported CLR; its ID,
	// Email and OtherIdentifier entries are who the wallet's credentials
	// may be about. Set it through NewWallet: the identities are read
	// there.
	Profile    badge.Profile
	identities []badge.ExpectedRecipient
	verifier   *badge.Verifier
	max        int
	entries    []*Entry
}

// NewWallet returns an empty wallet for the learner p. The wallet takes
// credentials about p: whose subject id is p.ID, or whose subject has an
// identifier (hashed or not) that matches p.Email (an emailAddress) or one
// of p.OtherIdentifier. It fails with ErrInvalidArgument when p has none
// of these.
func NewWallet(p badge.Profile, o *Options) (*Wallet, error) {
	var opt Options
	if o != nil {
		opt = *o
	}
	ids := holderIdentities(p)
	if len(ids) == 0 {
		return nil, fmt.Errorf("%w: the learner profile has no id, email or otherIdentifier: no credential could be about it", ErrInvalidArgument)
	}
	w := &Wallet{Profile: p, identities: ids, verifier: opt.Verifier, max: opt.MaxEntries}
	if w.max <= 0 {
		w.max = DefaultMaxEntries
	}
	if w.verifier == nil {
		v, err := badge.NewVerifier(badge.VerifierOptions{})
		if err != nil {
			return nil, err
		}
		w.verifier = v
	}
	return w, nil
}

// Entries returns the credentials in import order. The slice is a copy;
// the entries are shared.
func (w *Wallet) Entries() []*Entry { return append([]*Entry(nil), w.entries...) }

// Import verifies a credential given as JSON, a compact VC-JWT or a baked
// PNG or SVG, and adds it with its verification result. The entry is kept
// whether or not it verified: err is nil only when it verified (a
// *badge.VerificationError otherwise, with the entry returned). A nil
// entry means nothing was added: the input is not a credential
// (ErrNotCredential), it is not about the wallet's holder (a
// [*NotHolderError]: every subject must have the holder's id or an
// identifier of the holder), the wallet already holds a credential with
// the same id (ErrDuplicate), or it is full (ErrLimit).
func (w *Wallet) Import(ctx context.Context, data []byte) (*Entry, error) {
	if ctx == nil {
		return nil, errors.New("learner: nil context")
	}
	if len(w.entries) >= w.max {
		return nil, fmt.Errorf("%w: %d credentials", ErrLimit, w.max)
	}
	res, verr := w.verifier.Verify(ctx, data)
	if res == nil {
		return nil, verr
	}
	if c := res.Check(badge.CheckParse); c == nil || c.Status == badge.Failed || res.Credential == nil {
		return nil, fmt.Errorf("%w: %w", ErrNotCredential, verr)
	}
	if err := w.aboutHolder(res.Credential); err != nil {
		return nil, err
	}
	e := &Entry{Raw: bytes.Clone(data), Format: res.Input, Result: res}
	switch res.Input {
	case badge.InputPNG, badge.InputSVG:
		b, err := badge.Unbake(bytes.NewReader(data), nil)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNotCredential, err)
		}
		e.Credential = b.Credential
	default:
		e.Credential = bytes.TrimSpace(e.Raw)
	}
	if id := res.Credential.ID(); id != "" {
		for _, x := range w.entries {
			if x.Result.Credential.ID() == id {
				return nil, fmt.Errorf("%w: %q", ErrDuplicate, id)
			}
		}
	}
	w.entries = append(w.entries, e)
	return e, verr
}

// verified returns the entries that verified.
func (w *Wallet) verified() []*Entry {
	var out []*Entry
	for _, e := range w.entries {
		if e.Verified() {
			out = append(out, e)
		}
	}
	return out
}

func credentials(entries []*Entry) [][]byte {
	out := make([][]byte, len(entries))
	for i, e := range entries {
		out[i] = e.Credential
	}
	return out
}

// ExportCLR bundles every verified credential, exactly as its issuer
// signed it, in a ClrCredential about the learner, published by publisher
// and signed by iss (whose key publisher's id must control). Unverified
// entries are left out. o is passed to clr.New (id, name, dates).
//
// The record's subject is the learner's profile id; a credential about
// the learner by an identifier only (a hashed e-mail address, say) has
// that identity object copied, as its issuer wrote it, into the record
// subject's identifier list, so that clr verification, which requires
// every nested credential to be about the record's subject, can match it.
func (w *Wallet) ExportCLR(ctx context.Context, iss *clr.Issuer, publisher badge.Profile, o *clr.Options) (*badge.Signed, error) {
	if iss == nil {
		return nil, fmt.Errorf("%w: nil CLR issuer", ErrInvalidArgument)
	}
	if w.Profile.ID == "" {
		return nil, fmt.Errorf("%w: the learner profile has no id", ErrInvalidArgument)
	}
	entries := w.verified()
	if len(entries) == 0 {
		return nil, ErrNoVerifiedCredentials
	}
	rec, err := clr.New(publisher, w.Profile.ID, o)
	if err != nil {
		return nil, err
	}
	if ids := w.clrIdentifiers(entries); len(ids) > 0 {
		rec.CredentialSubject.Identifier = badge.Many(ids...)
	}
	for _, c := range credentials(entries) {
		if err := rec.AddCredential(c); err != nil {
			return nil, err
		}
	}
	return iss.Issue(ctx, rec)
}

// Present returns a VerifiablePresentation of every verified credential,
// signed by the learner's key for authentication with the verifier's
// challenge and domain (both required; see presentation.Sign). The holder
// is the learner's profile id, which must control key.
func (w *Wallet) Present(ctx context.Context, key proof.Key, o *presentation.SignOptions) ([]byte, error) {
	if w.Profile.ID == "" {
		return nil, fmt.Errorf("%w: the learner profile has no id", ErrInvalidArgument)
	}
	var opt presentation.SignOptions
	if o != nil {
		opt = *o
	}
	opt.Holder = w.Profile.ID
	entries := w.verified()
	if len(entries) == 0 {
		return nil, ErrNoVerifiedCredentials
	}
	return presentation.Sign(ctx, key, credentials(entries), &opt)
}
