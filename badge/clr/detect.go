package clr

import (
	"bytes"

	"github.com/openbadges-go/openbadges/vc"
)

// IsRecord reports whether data is a ClrCredential given as JSON, so that
// a front door (openbadges verify, POST /verify) can send it to this
// package's [Verifier] rather than to the badge pipeline. Input that does
// not even mention the type is answered without parsing it, so the check
// costs nothing on the badge path. A credential typed as an Open Badge too
// is not a record here: it keeps every check of the badge pipeline.
func IsRecord(data []byte) bool {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return false
	}
	// A shortcut for the common case: without the type's name in the
	// bytes, and without an escape that could spell it, it is no record.
	if !bytes.Contains(trimmed, []byte(`"ClrCredential"`)) && !bytes.Contains(trimmed, []byte(`\u`)) {
		return false
	}
	c, err := vc.Parse(trimmed)
	// A credential that also calls itself an Open Badge stays with the
	// badge pipeline and its checks.
	return err == nil && c.HasType("ClrCredential") &&
		!c.HasType("OpenBadgeCredential") && !c.HasType("AchievementCredential") && !c.HasType("EndorsementCredential")
}
