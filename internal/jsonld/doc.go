// Package jsonld converts JSON-LD documents to RDF datasets for Data
// Integrity proofs: a fast, strict engine for the subset of JSON-LD 1.1
// that verifiable credentials use, with compiled contexts and an
// always-on, exhaustive safe mode.
//
// # Use
//
// A [Processor] holds a [Loader] for remote contexts, [Options] (base IRI
// and limits) and two bounded caches: loaded context documents by URL,
// and compiled context transitions ("this active context plus that remote
// or scoped context gives that active context"). Every context is thus
// compiled once into an immutable term table shared by later documents
// and goroutines; applying the type-scoped contexts of the VC and OB
// contexts at a typed node is a cache lookup.
//
//	p := jsonld.NewProcessor(loader, nil)
//	quads, err := p.ToRDF(ctx, doc) // doc from encoding/json with UseNumber, or internal/jsonx
//
// The result is the dataset of JSON-LD 1.1 expansion followed by
// Deserialize JSON-LD to RDF (produceGeneralizedRdf false, rdfDirection
// null), with fresh blank node labels; after RDFC-1.0 it is byte-identical
// to json-gold's for every document json-gold handles correctly.
//
// # Supported subset
//
// Contexts: arrays of remote (URL) and embedded contexts, null, @version
// 1.1, @vocab (absolute or compact), @base (in embedded contexts),
// @language, @protected (with the protected-term redefinition rule),
// @propagate, type-scoped and property-scoped contexts, term definitions
// with @id (IRIs, compact IRIs, keyword aliases, null), @type (@id, @vocab,
// @json, @none, datatypes), @container (@set, @list, @graph; @language,
// @index, @id and @type containers are accepted in definitions), @language,
// @prefix, @reverse, @nest and @index (accepted in definitions), and
// compact-IRI / IRI-like terms.
//
// Documents: node objects, @id, @type, value objects, native booleans and
// numbers, @language, lists (also lists of lists), @set, @graph
// (containers and graph objects), @included, @reverse, @json literals
// (RFC 8785 canonical JSON), embedded contexts.
//
// Numbers: an integral value whose magnitude is below 10^21 becomes an
// xsd:integer written exactly from the json.Number text (never through
// int64); any other number an xsd:double in canonical form with 16
// significant digits ("1.1E0", "1.0E21").
//
// # Unsupported (ErrUnsupported)
//
// A document using any of these fails with an [*UnsupportedError]
// (errors.Is(err, [ErrUnsupported])) rather than produce different quads;
// the caller falls back to a complete processor (json-gold): @import,
// @direction, @nest in documents, relative @vocab, language/index/id/type
// maps (a map value for such a container), graph id/index maps, @set
// objects inside a @graph container, and a @json literal whose value is
// null.
//
// # Known differences from json-gold
//
// On purpose: integers between 2^63 and 10^21 and long decimals (json-gold
// converts through int64/float64), @json literals that are not objects
// (json-gold mangles them), http(s) IRIs that json-gold's URL regular
// expression rejects (it drops those quads silently; we keep any valid
// absolute IRI), and every safe-mode problem json-gold ignores (it only
// reports undefined properties). json-gold fails internally on a @graph
// whose content expands to nothing and on a compact IRI whose prefix term
// is mapped to null; we accept those documents.
//
// # Safe mode
//
// Safe mode cannot be turned off. The whole document is always examined
// and every problem is reported in a [*SafeModeError]; nothing is returned
// when there is one. errors.Is matches each [Problem]'s Reason: a property
// that does not expand to an absolute IRI ([ErrUndefinedTerm]), a @type
// that does not ([ErrUndefinedType]), a relative @id or @type:@id value
// with no base ([ErrRelativeIRI]) or a malformed IRI ([ErrInvalidIRI]), a
// non-string @id ([ErrInvalidID]), invalid value objects, lists, @reverse
// and @included values, ill-formed language tags, keyword misuse,
// colliding keywords (including two keys that both expand to @type, which
// the spec merges but json-gold does not), unrepresentable numbers, and anything that would be
// silently dropped (free-floating values, @index, blank node predicates:
// [ErrDroppedValue]). Context errors met while walking the document
// (protected term redefinition, invalid contexts) are problems too, at the
// path of the @context or of the typed node or property whose scoped
// context failed; the subtree below is then skipped.
//
// # Paths
//
// Problem paths use JSONPath notation as in internal/jsonx: "$" is the
// document, ".name" a member whose name is an identifier (letters, digits,
// "_", "@", "$", not starting with a digit), ["odd name"] any other member
// (JSON string quoting), and [3] an array element, e.g.
// $.credentialSubject.achievement.fooBar or $.type[1].
//
// # Limits
//
// [Options] bounds the nesting depth, the number of quads, the remote
// context references per document and the context chain; exceeding one
// fails with a [*LimitError]. Context cancellation is honoured.
package jsonld
