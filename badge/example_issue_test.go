package badge_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/did"
	"github.com/openbadges-go/openbadges/proof"
	"github.com/openbadges-go/openbadges/vc"
)

// exampleIssuer is an Issuer with a fixed key, clock and randomness, so the
// examples' output is reproducible. Real issuers load their key (see
// did.ParsePrivateKey) and leave Now and Rand nil.
func exampleIssuer(f badge.Format) *badge.Issuer {
	seed := make([]byte, 32) // all zero: for examples only
	k, err := did.NewEd25519KeyFromSeed(seed)
	if err != nil {
		panic(err)
	}
	return &badge.Issuer{
		Key:    proof.Key{Signer: k.Signer, VerificationMethod: k.ID},
		Format: f,
		Now:    func() time.Time { return time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC) },
		Rand:   rand.NewChaCha8([32]byte{1}),
	}
}

// exampleBadge builds the credential the examples issue.
func exampleBadge(iss *badge.Issuer) *badge.AchievementCredential {
	issuer := iss.Profile("Example University")
	issuer.URL = "https://example.edu"

	achievement := badge.NewAchievement(
		"https://example.edu/achievements/go-101",
		"Go Programming 101",
		"Writes, tests and benchmarks idiomatic Go.",
		"Passed the final project with a score of 80% or more.",
	)
	achievement.AchievementType = badge.AchievementTypeCourse
	achievement.Image = badge.NewImage("https://example.edu/achievements/go-101.png", "Go 101")

	c, err := badge.NewCredential(issuer, achievement, badge.RecipientEmail("learner@example.com"), &badge.CredentialOptions{
		Now:  iss.Now,
		Rand: rand.NewChaCha8([32]byte{2}),
	})
	if err != nil {
		panic(err)
	}
	return c
}

// Issue a badge with a Data Integrity proof (eddsa-rdfc-2022) and verify it.
func ExampleIssuer_Issue() {
	ctx := context.Background()
	iss := exampleIssuer(badge.DataIntegrity)
	signed, err := iss.Issue(ctx, exampleBadge(iss))
	if err != nil {
		fmt.Println(err)
		return
	}
	var out struct {
		ID    string `json:"id"`
		Proof struct {
			Type, Cryptosuite, Created, VerificationMethod, ProofPurpose string
		} `json:"proof"`
	}
	if err := json.Unmarshal(signed.JSON, &out); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.ID)
	fmt.Println(out.Proof.Type, out.Proof.Cryptosuite, out.Proof.ProofPurpose, out.Proof.Created)
	fmt.Println(out.Proof.VerificationMethod == iss.Key.VerificationMethod)

	c, err := vc.Parse(signed.JSON)
	if err != nil {
		fmt.Println(err)
		return
	}
	results, err := (&proof.Verifier{}).VerifyProofs(ctx, c)
	fmt.Println(results[0].Status, err)
	// Output:
	// urn:uuid:424ad7c6-3bdc-407a-911f-7e871ae65bfa
	// DataIntegrityProof eddsa-rdfc-2022 assertionMethod 2024-05-01T12:00:00Z
	// true
	// verified <nil>
}

// Issue the same badge as a VC-JWT.
func ExampleIssuer_Issue_jwt() {
	ctx := context.Background()
	iss := exampleIssuer(badge.JWT)
	signed, err := iss.Issue(ctx, exampleBadge(iss))
	if err != nil {
		fmt.Println(err)
		return
	}
	header, _ := base64.RawURLEncoding.DecodeString(strings.Split(signed.JWT, ".")[0])
	fmt.Println(strings.Replace(string(header), iss.Key.VerificationMethod, "<verification method>", 1))

	c, result, err := (&proof.Verifier{}).VerifyJWT(ctx, signed.JWT)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(result.Status, c.ID() == signed.ID, c.Issuer() == iss.Profile("").ID)
	// Output:
	// {"alg":"EdDSA","kid":"<verification method>","typ":"JWT"}
	// verified true true
}

// Issue refuses a credential a verifier would reject, and says why, by
// JSON path.
func ExampleIssueError() {
	iss := exampleIssuer(badge.DataIntegrity)
	c := exampleBadge(iss)
	c.CredentialSubject.Achievement.Name = ""
	c.Issuer.Object.ID = "https://example.org/not-the-key-owner"
	c.CredentialSubject.Extra = map[string]json.RawMessage{"nickname": json.RawMessage(`"Gopher"`)}

	_, err := iss.Issue(context.Background(), c)
	var ie *badge.IssueError
	if errors.As(err, &ie) {
		for _, f := range ie.Fields() {
			fmt.Println(f.Path)
		}
	}
	fmt.Println(errors.Is(err, badge.ErrRequired), errors.Is(err, badge.ErrIssuerMismatch), errors.Is(err, vc.ErrUndefinedTerm))
	// Output:
	// $.credentialSubject.achievement.name
	// $.issuer.id
	// $.credentialSubject.nickname
	// true true true
}

// Build a badge for a learner known by e-mail address: the address is
// stored as a salted hash, which a verifier who knows the address can match.
func ExampleNewCredential() {
	issuer := badge.NewProfile("https://example.edu/issuers/1", "Example University")
	achievement := badge.NewAchievement("https://example.edu/achievements/1", "Teamwork",
		"Collaborates within a group.", "Nominated by peers.")
	c, err := badge.NewCredential(issuer, achievement, badge.RecipientEmail("Learner@Example.com"), &badge.CredentialOptions{
		Now:  func() time.Time { return time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC) },
		Rand: rand.NewChaCha8([32]byte{}), // fixed for the example; nil means crypto/rand
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.ID, c.ValidFrom, c.Name, c.Type.Values)
	id := c.CredentialSubject.Identifier.Values[0]
	fmt.Println(id.IdentityType, id.Hashed, id.IdentityHash[:7])
	ok, _ := id.Matches(badge.IdentifierTypeEmailAddress, "learner@example.com")
	fmt.Println(ok, c.Validate())
	// Output:
	// urn:uuid:1bfb1fa3-7c41-411e-a46a-dd6a48d89474 2024-05-01T12:00:00Z Teamwork [VerifiableCredential OpenBadgeCredential]
	// emailAddress true sha256$
	// true <nil>
}

// Endorse an achievement with another key, embed the signed endorsement,
// and issue the badge.
func ExampleNewEndorsement() {
	ctx := context.Background()
	iss := exampleIssuer(badge.DataIntegrity)
	c := exampleBadge(iss)

	k, _ := did.NewEd25519KeyFromSeed(bytes.Repeat([]byte{7}, 32)) // the endorser's own key
	endorser := &badge.Issuer{Key: proof.Key{Signer: k.Signer, VerificationMethod: k.ID}, Now: iss.Now, Rand: rand.NewChaCha8([32]byte{3})}
	e, err := badge.NewEndorsement(endorser.Profile("Go Foundation"), c.CredentialSubject.Achievement.ID,
		"A rigorous, current course.", &badge.CredentialOptions{Now: iss.Now, Rand: endorser.Rand})
	if err != nil {
		fmt.Println(err)
		return
	}
	signedEndorsement, err := endorser.IssueEndorsement(ctx, e)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.CredentialSubject.Achievement.AddEndorsement(signedEndorsement); err != nil {
		fmt.Println(err)
		return
	}
	signed, err := iss.Issue(ctx, c)
	if err != nil {
		fmt.Println(err)
		return
	}
	var back badge.AchievementCredential
	_ = json.Unmarshal(signed.JSON, &back)
	en := back.CredentialSubject.Achievement.Endorsement.Values[0]
	fmt.Println(en.Name, "-", en.CredentialSubject.EndorsementComment)
	// Output:
	// Endorsement by Go Foundation - A rigorous, current course.
}
