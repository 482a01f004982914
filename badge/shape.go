package badge

import (
	"encoding/json"
	"reflect"
	"time"

	"github.com/openbadges-go/openbadges/vc"
)

// OneOrMany holds a JSON-LD property that may be written as a single value or
// as an array (type, @context, proof, evidence, ...). It remembers which
// form it was read in and writes the same form back: a value read as a bare
// value (Single true) is written bare while it holds exactly one item; in
// every other case an array is written.
//
// The zero value (Values == nil) means "absent" and is omitted from the
// output. A non-nil empty Values is written as [].
type OneOrMany[T any] struct {
	Values []T
	Single bool
}

// Many returns an OneOrMany written as an array.
func Many[T any](v ...T) OneOrMany[T] {
	if v == nil {
		v = []T{}
	}
	return OneOrMany[T]{Values: v}
}

// One returns an OneOrMany holding v, written as a bare value.
func One[T any](v T) OneOrMany[T] { return OneOrMany[T]{Values: []T{v}, Single: true} }

// Len returns the number of values.
func (o OneOrMany[T]) Len() int { return len(o.Values) }

// IsZero reports whether the property is absent.
func (o OneOrMany[T]) IsZero() bool { return o.Values == nil }

// First returns the first value, if any.
func (o OneOrMany[T]) First() (T, bool) {
	if len(o.Values) == 0 {
		var zero T
		return zero, false
	}
	return o.Values[0], true
}

// bare reports whether the value is written without brackets.
func (o OneOrMany[T]) bare() bool { return o.Single && len(o.Values) == 1 }

// MarshalJSON writes the value in the shape it was read in.
func (o OneOrMany[T]) MarshalJSON() ([]byte, error) { return marshalValue(reflect.ValueOf(&o).Elem()) }

// UnmarshalJSON reads a bare value or an array, strictly (see
// [AchievementCredential.UnmarshalJSON]).
func (o *OneOrMany[T]) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(o).Elem())
}

func (o *OneOrMany[T]) decodeShape(d *decoder, data span) error {
	if d.first(data) != '[' {
		vals := make([]T, 1)
		if err := d.decode(data, reflect.ValueOf(&vals[0]).Elem()); err != nil {
			return err
		}
		o.Values, o.Single = vals, true
		return nil
	}
	mark := len(d.elems)
	vals, err := decodeElems[T](d, data)
	d.elems = d.elems[:mark]
	if err != nil {
		return err
	}
	o.Values, o.Single = vals, false
	return nil
}

// decodeElems decodes the elements of an array (on the decoder's element
// stack, which the caller pops).
func decodeElems[T any](d *decoder, data span) ([]T, error) {
	elems, err := d.arrayElems(data)
	if err != nil {
		return nil, d.errorf("%v", err)
	}
	vals := make([]T, len(elems))
	for i, e := range elems {
		n := d.pushIndex(i)
		err := d.decode(e, reflect.ValueOf(&vals[i]).Elem())
		d.pop(n)
		if err != nil {
			return nil, err
		}
	}
	return vals, nil
}

func (o *OneOrMany[T]) encodeShape(e *encoder) error {
	if o.bare() {
		return e.encode(reflect.ValueOf(&o.Values[0]).Elem())
	}
	e.buf = append(e.buf, '[')
	for i := range o.Values {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		if err := e.encode(reflect.ValueOf(&o.Values[i]).Elem()); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, ']')
	return nil
}

// IDOrObject holds a property that may be an IRI string or an embedded
// object (issuer, image, ...). When Object is non-nil it is written as an
// object, otherwise ID is written as a string. The zero value is absent.
type IDOrObject[T any] struct {
	ID     string
	Object *T
}

// Ref returns an IDOrObject holding the IRI id.
func Ref[T any](id string) IDOrObject[T] { return IDOrObject[T]{ID: id} }

// Embed returns an IDOrObject holding the embedded object v.
func Embed[T any](v *T) IDOrObject[T] { return IDOrObject[T]{Object: v} }

// IsZero reports whether the property is absent.
func (o IDOrObject[T]) IsZero() bool { return o.ID == "" && o.Object == nil }

// IRI returns the identifier: the string form, or the embedded object's
// "id" member when the object has one.
func (o IDOrObject[T]) IRI() string {
	if o.Object == nil {
		return o.ID
	}
	v := reflect.ValueOf(o.Object).Elem()
	if v.Kind() == reflect.Struct {
		if f := v.FieldByName("ID"); f.IsValid() && f.Kind() == reflect.String {
			return f.String()
		}
	}
	return ""
}

// MarshalJSON writes a string or an object.
func (o IDOrObject[T]) MarshalJSON() ([]byte, error) { return marshalValue(reflect.ValueOf(&o).Elem()) }

// UnmarshalJSON reads a string or an object, strictly.
func (o *IDOrObject[T]) UnmarshalJSON(data []byte) error {
	return unmarshalValue(data, reflect.ValueOf(o).Elem())
}

func (o *IDOrObject[T]) decodeShape(d *decoder, data span) error {
	if d.first(data) == '"' {
		s, err := d.jsonString(data)
		if err != nil {
			return d.errorf("%v", err)
		}
		o.ID, o.Object = s, nil
		return nil
	}
	if d.first(data) != '{' {
		return d.errorf("expected an IRI string or an object")
	}
	v := new(T)
	if err := d.decode(data, reflect.ValueOf(v).Elem()); err != nil {
		return err
	}
	o.ID, o.Object = "", v
	return nil
}

func (o *IDOrObject[T]) encodeShape(e *encoder) error {
	if o.Object != nil {
		return e.encode(reflect.ValueOf(o.Object).Elem())
	}
	e.appendString(o.ID)
	return nil
}

// ContextEntry is one item of @context: a context URL or an inline context
// object (kept byte for byte).
type ContextEntry struct {
	URL    string
	Inline json.RawMessage
}

// Contexts returns an @context array of URLs.
func Contexts(urls ...string) OneOrMany[ContextEntry] {
	o := OneOrMany[ContextEntry]{Values: make([]ContextEntry, len(urls))}
	for i, u := range urls {
		o.Values[i].URL = u
	}
	return o
}

// URLs returns the URL items of an @context value, in order.
func contextURLs(o OneOrMany[ContextEntry]) []string {
	var out []string
	for _, c := range o.Values {
		if c.Inline == nil {
			out = append(out, c.URL)
		}
	}
	return out
}

func (c *ContextEntry) decodeShape(d *decoder, data span) error {
	switch d.first(data) {
	case '"':
		s, err := d.jsonString(data)
		if err != nil {
			return d.errorf("%v", err)
		}
		c.URL, c.Inline = s, nil
	case '{':
		c.URL, c.Inline = "", append(json.RawMessage(nil), d.bytes(data)...)
	default:
		return d.errorf("expected a context URL or object")
	}
	return nil
}

func (c *ContextEntry) encodeShape(e *encoder) error {
	if c.Inline != nil {
		return e.appendRaw(c.Inline)
	}
	e.appendString(c.URL)
	return nil
}

// DateTime is a date-time string kept exactly as written (so re-marshalling
// reproduces it); [DateTime.Time] parses it as the VC data model requires
// (RFC 3339 with a time zone).
type DateTime string

// NewDateTime formats t in UTC with second precision, the form the spec
// examples use.
func NewDateTime(t time.Time) DateTime {
	return DateTime(t.UTC().Truncate(time.Second).Format(time.RFC3339))
}

// Time parses the value.
func (d DateTime) Time() (time.Time, error) { return vc.ParseDateTime(string(d)) }
