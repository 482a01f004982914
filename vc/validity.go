package vc

import (
	"fmt"
	"time"
)

// DefaultClockSkew is the tolerance applied to validity windows when a
// caller does not set one.
const DefaultClockSkew = 5 * time.Minute

// ValidityOptions configures [CheckValidity]. The zero value checks against
// the current time with [DefaultClockSkew].
type ValidityOptions struct {
	// Now returns the time to check against; nil means time.Now.
	Now func() time.Time
	// ClockSkew is how far the bounds may be crossed before the check fails.
	// Zero means DefaultClockSkew; a negative value means no tolerance.
	ClockSkew time.Duration
}

// ValidityError says which bound of the validity window was crossed.
// errors.Is matches ErrNotYetValid or ErrExpired.
type ValidityError struct {
	Kind  error     // ErrNotYetValid or ErrExpired
	Bound time.Time // validFrom or validUntil
	Now   time.Time
}

func (e *ValidityError) Error() string {
	if e.Kind == ErrNotYetValid {
		return fmt.Sprintf("vc: credential not valid until %s (now %s)", e.Bound.Format(time.RFC3339), e.Now.Format(time.RFC3339))
	}
	return fmt.Sprintf("vc: credential expired at %s (now %s)", e.Bound.Format(time.RFC3339), e.Now.Format(time.RFC3339))
}

// Is matches the Kind.
func (e *ValidityError) Is(target error) bool { return target == e.Kind }

// CheckValidity checks the credential's validity window (validFrom and
// validUntil; issuanceDate and expirationDate, the VC 1.1 names; when a
// credential states both names of a bound, the stricter date counts)
// against the clock.
// A malformed date is an error matching ErrMalformed. A credential without
// bounds is valid.
func CheckValidity(c *Credential, o *ValidityOptions) error {
	var opt ValidityOptions
	if o != nil {
		opt = *o
	}
	now := time.Now()
	if opt.Now != nil {
		now = opt.Now()
	}
	skew := opt.ClockSkew
	if skew == 0 {
		skew = DefaultClockSkew
	} else if skew < 0 {
		skew = 0
	}
	// Every bound the credential states counts, whatever its version: a
	// credential that says both validUntil and expirationDate (its
	// contexts define both) is valid only while both allow it.
	from, hasFrom, err := c.bound("validFrom", "issuanceDate", true)
	if err != nil {
		return err
	}
	until, hasUntil, err := c.bound("validUntil", "expirationDate", false)
	if err != nil {
		return err
	}
	if hasFrom && hasUntil && until.Before(from) {
		return fmt.Errorf("%w: validUntil %s is before validFrom %s", ErrMalformed, until.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	if hasFrom && now.Add(skew).Before(from) {
		return &ValidityError{Kind: ErrNotYetValid, Bound: from, Now: now}
	}
	if hasUntil && now.Add(-skew).After(until) {
		return &ValidityError{Kind: ErrExpired, Bound: until, Now: now}
	}
	return nil
}

// bound returns the latest (start) or earliest (end) of the dates the
// credential states under either key.
func (c *Credential) bound(k1, k2 string, start bool) (time.Time, bool, error) {
	var out time.Time
	found := false
	for _, k := range []string{k1, k2} {
		t, ok, err := c.dateTime(k)
		if err != nil {
			return time.Time{}, false, err
		}
		if !ok {
			continue
		}
		if !found || (start && t.After(out)) || (!start && t.Before(out)) {
			out = t
		}
		found = true
	}
	return out, found, nil
}

// Window returns the credential's validity window as [CheckValidity] reads
// it: the latest start and the earliest end it states under either name
// (validFrom or issuanceDate; validUntil or expirationDate). The zero time
// stands for a bound the credential does not state.
func (c *Credential) Window() (from, until time.Time, err error) {
	if from, _, err = c.bound("validFrom", "issuanceDate", true); err != nil {
		return time.Time{}, time.Time{}, err
	}
	if until, _, err = c.bound("validUntil", "expirationDate", false); err != nil {
		return time.Time{}, time.Time{}, err
	}
	return from, until, nil
}
