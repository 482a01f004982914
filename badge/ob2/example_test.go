package ob2_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/openbadges-go/openbadges/badge/ob2"
)

// Verify a hosted Open Badges 2.0 assertion offline: the documents it
// links (BadgeClass, issuer Profile, and the hosted copy at its id) come
// from a resource map instead of the network.
func ExampleVerifier_Verify() {
	read := func(name string) []byte {
		b, err := os.ReadFile("testdata/validator/" + name)
		if err != nil {
			panic(err)
		}
		return b
	}
	assertion := read("basic-assertion.json")
	v, err := ob2.NewVerifier(ob2.Options{
		Offline: true,
		Resources: map[string][]byte{
			"https://example.org/beths-robotics-badge.json": assertion, // the hosted copy
			"https://example.org/robotics-badge.json":       read("assets/robotics-badge.json"),
			"https://example.org/organization.json":         read("assets/organization.json"),
		},
		Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(ob2.Is(assertion))
	res, err := v.Verify(context.Background(), assertion)
	fmt.Println(res.Family, res.Verified, err, res.Issuer)
	for _, c := range res.Checks {
		fmt.Println(c.ID, c.Status)
	}
	cred, err := ob2.Upgrade(res, nil)
	fmt.Println(err, cred.CredentialSubject.Achievement.Name)
	// Output:
	// true
	// OpenBadges2Assertion true <nil> https://example.org/organization.json
	// parse passed
	// context passed
	// type passed
	// extensions skipped
	// hosted_verification passed
	// proof skipped
	// badge_class passed
	// issuer_binding passed
	// validity_period passed
	// status passed
	// endorsements skipped
	// recipient skipped
	// <nil> Awesome Robotics Badge
}
