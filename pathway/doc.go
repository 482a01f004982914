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
package pathway
