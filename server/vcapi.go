package server

import (
	"time"

	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// Options configures the API handlers. The zero value (or a nil pointer)
// is safe: offline key resolution (did:key, did:jwk), embedded contexts,
// no status checker (a credential with a credentialStatus then fails the
// status check when it is requested), the current time, and the default
// limits.
type Options struct {
	// Proofs checks Data Integrity proofs and VC-JWTs for the VC-API
	// verify endpoints (nil = a zero proof.Verifier with Processor and Now).
	// Add did:web and https resolution and JWK Sets here.
	Proofs *proof.Verifier
	// Status checks credentialStatus entries (for example a
	// *status.Checker).
	Status vc.StatusChecker
	// Processor runs JSON-LD checks (nil = embedded contexts only).
	Processor *vc.Processor
	// Now is the clock (nil = time.Now); ClockSkew the tolerance for
	// validity windows (0 = vc.DefaultClockSkew).
	Now       func() time.Time
	ClockSkew time.Duration
	// MaxBodyBytes bounds a request body (0 = DefaultMaxBodyBytes); a
	// larger body gets 413.
	MaxBodyBytes int64
	// Timeout bounds the work of one request (0 = DefaultTimeout).
	Timeout time.Duration
}

func (o *Options) proofs() *proof.Verifier {
	if o != nil && o.Proofs != nil {
		return o.Proofs
	}
	v := &proof.Verifier{}
	if o != nil {
		v.Processor, v.Now = o.Processor, o.Now
	}
	return v
}

func (o *Options) processor() *vc.Processor {
	if o != nil && o.Processor != nil {
		return o.Processor
	}
	return vc.NewProcessor(nil)
}
