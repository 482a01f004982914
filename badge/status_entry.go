package badge

import (
	"encoding/json"
	"fmt"

	"github.com/openbadges-go/openbadges/status"
)

// StatusEntry converts a status list entry (from [status.List.Entry] or
// [status.List.Allocate]) to the model's [CredentialStatus], keeping every
// member (statusPurpose, statusListIndex, statusListCredential,
// statusSize, statusMessage, ...).
func StatusEntry(e status.Entry) (CredentialStatus, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return CredentialStatus{}, err
	}
	var cs CredentialStatus
	if err := json.Unmarshal(b, &cs); err != nil {
		return CredentialStatus{}, err
	}
	return cs, nil
}

// AddStatus appends status list entries to the credential's
// credentialStatus: one call from a [status.List] to a credential ready
// for [Issuer.Issue]. The context an entry type needs is added when the
// credential's @context lacks it (a StatusList2021 entry needs
// status.ContextStatusList2021; a Bitstring Status List entry is defined by
// the VC 2.0 context).
func (c *AchievementCredential) AddStatus(entries ...status.Entry) error {
	for _, e := range entries {
		cs, err := StatusEntry(e)
		if err != nil {
			return fmt.Errorf("%w: status entry: %w", ErrInvalidArgument, err)
		}
		if u := entryContext(e.Type); u != "" && !hasContext(c.Context, u) {
			c.Context.Values = append(c.Context.Values, ContextEntry{URL: u})
			c.Context.Single = false
		}
		c.CredentialStatus.Values = append(c.CredentialStatus.Values, cs)
		c.CredentialStatus.Single = len(c.CredentialStatus.Values) == 1
	}
	return nil
}

// entryContext names the context an entry type needs beyond VC 2.0.
func entryContext(typ string) string {
	switch typ {
	case status.TypeStatusList2021Entry:
		return status.ContextStatusList2021
	case status.TypeRevocationList:
		return "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
	}
	return ""
}

func hasContext(ctxs OneOrMany[ContextEntry], u string) bool {
	for _, c := range ctxs.Values {
		if c.URL == u {
			return true
		}
	}
	return false
}
