// Package pathway defines stackable pathways: a goal achievement earned by
// satisfying a tree of requirements over component achievements, and
// evaluates a learner's verified credentials against it.
//
// 1EdTech defines no pathway class (Open Badges 3.0 and CLR 2.0 only
// describe achievements and, in CLR, associations between them). A
// [Pathway] is therefore our own optional extension: its JSON form uses the
// context [ContextURL] (https://openbadges-go.github.io/ns/pathway/v1,
// ours, embedded in the vc package's offline loader) and the schema
// [SchemaURL]; [ToAssociations] maps what CLR associations can express
// (isPartOf, precedes, isPeerOf) and lists what they cannot carry.
//
// Requirement nodes: an achievement by id (optionally from accepted
// issuers, with a minimum result and a minimum version), all-of, at least N
// of (electives), an ordered sequence (each step earned no earlier than its
// predecessor was completed; equal timestamps count as in order), a minimum
// of credits, and nested pathways.
//
// Use: [Parse] a definition, [Pathway.Validate] it (cycles, unknown
// achievements and unsatisfiable nodes are reported with their paths
// before any evaluation), verify the learner's credentials with a
// badge.Verifier, [Evaluate] the results (only verified credentials count:
// the verifier's validity window and status checks exclude expired and
// revoked ones), then [Complete] issues the stacked credential, and
// [Bundle] a CLR.
//
// Bounds: DefaultMaxBytes of JSON, DefaultMaxNodes nodes and
// DefaultMaxDepth levels; evaluation is deterministic (credentials ordered
// by earned time, then id).
//
// # Conventions
//
// The module has one convention per kind of constructor and options:
//   - A configuration struct whose zero value works and that needs no
//     set-up (a Verifier of package proof, a status.Checker, an Issuer) is
//     used as a literal; its nil or zero fields say "the safe default".
//   - A type that validates its configuration or builds state has a NewX
//     constructor; it returns an error exactly when its input can be wrong
//     (badge.NewVerifier, did.NewWebDocument), and the value alone when it
//     cannot fail (vc.NewProcessor, badge.NewAchievement).
//   - Options that are all optional are passed as the last argument by
//     pointer, nil meaning every default (NewCredential, NewProcessor, the
//     server handlers). Options that carry required members or are the
//     whole configuration validated at construction are passed by value
//     (badge.NewVerifier, status.NewList, presentation.VerifyPresentation).
//   - Every http.Handler constructor returns (http.Handler, error).
//   - Functions that do I/O take a context.Context first.
package pathway
