// Package rdf holds the RDF dataset model shared by the JSON-LD layer and the
// RDFC-1.0 canonicalizer: terms, quads, and N-Quads parsing and serialization.
//
// # N-Quads
//
// [ParseNQuads] reads an N-Quads document as defined by RDF 1.1 N-Quads
// (https://www.w3.org/TR/n-quads/). It is strict (absolute IRIs only, valid
// UTF-8, valid escapes), bounded by [ParseOptions], never panics, and reports
// problems as *[SyntaxError] (matching [ErrSyntax]) or *[LimitError]
// (matching [ErrLimit]).
//
// [AppendQuad], [Quad.String] and [SerializeNQuads] write the canonical
// N-Quads form used by RDF Dataset Canonicalization (RDFC-1.0,
// https://www.w3.org/TR/rdf-canon/, which defers to the canonical form of
// RDF 1.2 N-Triples/N-Quads): single spaces between terms, " .\n" after each
// statement, the default graph omitted, plain literals without
// ^^xsd:string, language-tagged literals as "..."@tag, and the literal
// escaping rules documented on [AppendTerm]. Language tags are written
// exactly as given, never case-normalized here: whatever normalization is
// wanted belongs to the layer that produces the quads (JSON-LD to RDF).
package rdf

import "strconv"

// Kind says what an RDF term is.
type Kind uint8

const (
	// None is the zero Kind: in Quad.Graph it means the default graph.
	None Kind = iota
	// IRI is an absolute IRI; Term.Value holds it unescaped.
	IRI
	// BlankNode is a blank node; Term.Value holds its label without "_:".
	BlankNode
	// Literal is a literal; Term.Value holds its lexical form unescaped.
	Literal
)

// String returns the name of the kind ("None", "IRI", "BlankNode", "Literal").
func (k Kind) String() string {
	switch k {
	case None:
		return "None"
	case IRI:
		return "IRI"
	case BlankNode:
		return "BlankNode"
	case Literal:
		return "Literal"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// XSDString and RDFLangString are the datatypes of plain and language-tagged
// literals. Base directions (rdf:dirLangString) are not supported.
const (
	// XSDString is the datatype of a plain literal.
	XSDString = "http://www.w3.org/2001/XMLSchema#string"
	// RDFLangString is the datatype of a language-tagged literal.
	RDFLangString = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
)

// Term is an IRI, a blank node or a literal.
//
// For a BlankNode, Value is the label without the "_:" prefix. For a Literal,
// Value is the lexical form (unescaped), Datatype its datatype IRI (XSDString
// when the literal is plain; RDFLangString when Language is set).
type Term struct {
	Kind     Kind
	Value    string
	Datatype string
	Language string
}

// Quad is one statement. Graph.Kind == None means the default graph.
type Quad struct {
	Subject, Predicate, Object, Graph Term
}

// NewIRI returns an IRI term.
func NewIRI(v string) Term { return Term{Kind: IRI, Value: v} }

// NewBlank returns a blank node term; v is the label without "_:".
func NewBlank(v string) Term { return Term{Kind: BlankNode, Value: v} }

// NewLiteral returns a literal term. A non-empty lang makes it a
// language-tagged string (datatype RDFLangString); otherwise an empty
// datatype means XSDString.
func NewLiteral(v, datatype, lang string) Term {
	if lang != "" {
		datatype = RDFLangString
	} else if datatype == "" {
		datatype = XSDString
	}
	return Term{Kind: Literal, Value: v, Datatype: datatype, Language: lang}
}
