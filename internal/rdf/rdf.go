// Package rdf holds the RDF dataset model shared by the JSON-LD layer and the
// RDFC-1.0 canonicalizer: terms, quads, and N-Quads parsing and serialization.
package rdf

// Kind says what an RDF term is.
type Kind uint8

const (
	// None is the zero Kind: in Quad.Graph it means the default graph.
	None Kind = iota
	IRI
	BlankNode
	Literal
)

// XSDString and RDFLangString are the datatypes of plain and language-tagged
// literals; RDFDirLangString is never produced (directions are not used).
const (
	XSDString     = "http://www.w3.org/2001/XMLSchema#string"
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

// NewIRI, NewBlank and NewLiteral build terms.
func NewIRI(v string) Term   { return Term{Kind: IRI, Value: v} }
func NewBlank(v string) Term { return Term{Kind: BlankNode, Value: v} }
func NewLiteral(v, datatype, lang string) Term {
	if lang != "" {
		datatype = RDFLangString
	} else if datatype == "" {
		datatype = XSDString
	}
	return Term{Kind: Literal, Value: v, Datatype: datatype, Language: lang}
}
