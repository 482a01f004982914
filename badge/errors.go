package badge

import "errors"

// Sentinel errors of the data model. Typed errors match them with
// [errors.Is]: [*DecodeError] and [*ValidationError] match
// ErrInvalidCredential. The errors of baking are declared in
// bake_errors.go.
var (
	// ErrInvalidCredential means a credential, or a part of one, breaks the
	// Open Badges data model: it could not be decoded strictly, or Validate
	// found a missing REQUIRED property, a wrong type or an invalid value.
	ErrInvalidCredential = errors.New("badge: invalid credential")
)
