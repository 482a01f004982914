package badge

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/openbadges-go/openbadges/internal/jsonx"
)

// The data model codec.
//
// Every model type decodes through one reflective engine instead of
// encoding/json's struct decoder, because encoding/json matches member names
// case-insensitively, lets the last duplicate win and loses unknown members.
// Here:
//
//   - the input is first checked by [jsonx.Parse] (duplicate keys at any
//     depth, invalid UTF-8, unpaired surrogates, size and depth limits);
//   - members are matched by exact name against the json tags of the struct;
//     a member that differs from a known one only by case is an error;
//   - every other member is kept byte for byte in the type's Extra map;
//   - numbers stay json.Number (the literal text), null is refused.
//
// Marshalling writes the known members in struct order, then Extra in sorted
// key order; an Extra key that names (or case-folds to) a known member is an
// error, so marshalled output always decodes to the same value.

// Errors of the data model codec.
var (
	// ErrCaseVariantMember means an object has a member whose name differs
	// from a known member of its type only by letter case ("ISSUER"). Such
	// members are refused: other JSON readers may take them for the real one.
	ErrCaseVariantMember = errors.New("badge: member name differs from a known member only by case")

	// ErrShadowedMember means an Extra map holds a key that names a member
	// of the type itself; marshalling refuses to write it.
	ErrShadowedMember = errors.New("badge: extension member shadows a known member")
)

// DecodeError reports why a credential or one of its parts could not be
// decoded. Path is the JSON path of the offending value ($ is the root).
// It matches [ErrInvalidCredential]. A member name that differs from a
// known one only by case unwraps to [ErrCaseVariantMember]; input the
// strict JSON reader refuses (a duplicate member, invalid UTF-8, an
// unpaired surrogate, a size, depth or member-count limit) unwraps to an
// error of the module's internal reader, which callers cannot name: test
// for ErrInvalidCredential, and read Path and the message for the detail.
type DecodeError struct {
	Path string
	Msg  string
	Err  error
}

func (e *DecodeError) Error() string {
	if e.Msg == "" && e.Err != nil {
		return fmt.Sprintf("badge: decoding %s: %v", e.Path, e.Err)
	}
	return fmt.Sprintf("badge: decoding %s: %s", e.Path, e.Msg)
}

// Is makes errors.Is(err, ErrInvalidCredential) true.
func (e *DecodeError) Is(target error) bool { return target == ErrInvalidCredential }

// Unwrap returns the cause, if any.
func (e *DecodeError) Unwrap() error { return e.Err }

// EncodeError reports why a value could not be marshalled.
type EncodeError struct {
	Path string
	Msg  string
	Err  error
}

func (e *EncodeError) Error() string { return fmt.Sprintf("badge: encoding %s: %s", e.Path, e.Msg) }

// Unwrap returns the cause, if any.
func (e *EncodeError) Unwrap() error { return e.Err }

type shapeDecoder interface {
	// decodeShape decodes the value v of the decoder's input; the
	// decoder's path names it.
	decodeShape(d *decoder, v span) error
}

type shapeEncoder interface {
	encodeShape(e *encoder) error
}

var (
	numberType = reflect.TypeFor[json.Number]()
	rawType    = reflect.TypeFor[json.RawMessage]()
	extraType  = reflect.TypeFor[map[string]json.RawMessage]()
)

// structInfo is the member table of one model type, derived from its tags.
type structInfo struct {
	fields []fieldInfo
	byName map[string]int // member name -> index into fields
	extra  int            // index of the Extra field, -1 if none
}

type fieldInfo struct {
	name  string
	index int
	omit  bool // omitempty / omitzero
}

func buildInfo(t reflect.Type) *structInfo {
	si := &structInfo{byName: map[string]int{}, extra: -1}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			if f.Name == "Extra" && f.Type == extraType {
				si.extra = i
			}
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		omit := false
		for o := range strings.SplitSeq(opts, ",") {
			if o == "omitempty" || o == "omitzero" {
				omit = true
			}
		}
		si.byName[name] = len(si.fields)
		si.fields = append(si.fields, fieldInfo{name: name, index: i, omit: omit})
	}
	return si
}

// modelInfos holds the member tables of every model type, built once on
// first use and read-only afterwards.
var modelInfos = sync.OnceValue(func() map[reflect.Type]*structInfo {
	m := map[reflect.Type]*structInfo{}
	for _, t := range modelTypes() {
		m[t] = buildInfo(t)
	}
	return m
})

func infoFor(t reflect.Type) *structInfo {
	if si, ok := modelInfos()[t]; ok {
		return si
	}
	return buildInfo(t)
}

// knownMembers returns the member names of a model type, in struct order.
func knownMembers(t reflect.Type) []string {
	si := infoFor(t)
	out := make([]string, len(si.fields))
	for i, f := range si.fields {
		out[i] = f.name
	}
	return out
}

// caseVariant returns the known member that name folds to, if any.
func (si *structInfo) caseVariant(name string) (string, bool) {
	for _, f := range si.fields {
		if strings.EqualFold(f.name, name) {
			return f.name, true
		}
	}
	return "", false
}

// ---- decoding ----

// decoder decodes one input. It holds the input (as bytes, and as a
// string whose substrings the decoded strings are), the JSON path of the
// value being decoded, and the scratch stacks of objectMembers and
// arrayElems.
type decoder struct {
	b       []byte
	s       string
	path    []pathStep
	members []rawMember
	elems   []span
}

// pathStep is one step of the JSON path: a member name, or an index.
type pathStep struct {
	key string
	idx int // -1 for a member
}

func newDecoder(data []byte) *decoder {
	return &decoder{b: data, s: string(data), path: make([]pathStep, 0, 16)}
}

// root is the span of the whole input, without surrounding white space.
func (d *decoder) root() span {
	i, j := skipWS(d.b, 0), len(d.b)
	for j > i {
		switch d.b[j-1] {
		case ' ', '\t', '\r', '\n':
			j--
			continue
		}
		break
	}
	return span{i, j}
}

// where returns the JSON path of the value being decoded.
func (d *decoder) where() string {
	b := []byte{'$'}
	for _, st := range d.path {
		if st.idx >= 0 {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(st.idx), 10)
			b = append(b, ']')
			continue
		}
		b = jsonx.AppendPathKey(b, st.key)
	}
	return string(b)
}

// errorf reports a problem with the value at the current path.
func (d *decoder) errorf(format string, args ...any) error {
	return &DecodeError{Path: d.where(), Msg: fmt.Sprintf(format, args...)}
}

// pushKey and pushIndex extend the path; pop restores it.
func (d *decoder) pushKey(k string) int {
	d.path = append(d.path, pathStep{key: k, idx: -1})
	return len(d.path) - 1
}

func (d *decoder) pushIndex(i int) int {
	d.path = append(d.path, pathStep{idx: i})
	return len(d.path) - 1
}

func (d *decoder) pop(n int) { d.path = d.path[:n] }

func memberPath(path, key string) string { return string(jsonx.AppendPathKey([]byte(path), key)) }

func indexPath(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// unmarshalValue is the strict entry point used by every UnmarshalJSON.
func unmarshalValue(data []byte, v reflect.Value) error {
	if _, err := jsonx.Parse(data, nil); err != nil {
		var se *jsonx.SyntaxError
		p := "$"
		if errors.As(err, &se) && se.Path != "" {
			p = se.Path
		}
		return &DecodeError{Path: p, Err: err}
	}
	d := newDecoder(data)
	return d.decode(d.root(), v)
}

func (d *decoder) decode(data span, v reflect.Value) error {
	c := d.first(data)
	if c == 'n' {
		return d.errorf("null is not allowed (omit the member instead)")
	}
	if v.CanAddr() {
		if sd, ok := v.Addr().Interface().(shapeDecoder); ok {
			return sd.decodeShape(d, data)
		}
	}
	switch t := v.Type(); {
	case t == numberType:
		if c != '-' && (c < '0' || c > '9') {
			return d.errorf("expected a number")
		}
		// The strict reader has accepted the number: its text is the
		// json.Number.
		v.SetString(d.s[data.i:data.j])
	case t == rawType:
		v.SetBytes(append([]byte(nil), d.bytes(data)...))
	case t.Kind() == reflect.String:
		if c != '"' {
			return d.errorf("expected a string")
		}
		// The input was validated by the strict reader: a string without
		// escapes is its own content.
		s, err := d.jsonString(data)
		if err != nil {
			return d.errorf("%v", err)
		}
		v.SetString(s)
	case t.Kind() == reflect.Bool:
		switch d.s[data.i:data.j] {
		case "true":
			v.SetBool(true)
		case "false":
			v.SetBool(false)
		default:
			return d.errorf("expected a boolean")
		}
	case t.Kind() == reflect.Pointer:
		p := reflect.New(t.Elem())
		if err := d.decode(data, p.Elem()); err != nil {
			return err
		}
		v.Set(p)
	case t.Kind() == reflect.Struct:
		return d.decodeStruct(data, v)
	default:
		return d.errorf("unsupported Go type %s", t)
	}
	return nil
}

func (d *decoder) decodeStruct(data span, v reflect.Value) error {
	if d.first(data) != '{' {
		return d.errorf("expected an object")
	}
	mark := len(d.members)
	err := d.decodeMembers(data, v)
	d.members = d.members[:mark]
	return err
}

func (d *decoder) decodeMembers(data span, v reflect.Value) error {
	members, err := d.objectMembers(data)
	if err != nil {
		return d.errorf("%v", err)
	}
	si := infoFor(v.Type())
	// Members in name order, so that the first error reported does not
	// depend on the order they were written in.
	slices.SortFunc(members, func(a, b rawMember) int { return strings.Compare(a.key, b.key) })
	var extra map[string]json.RawMessage
	for _, m := range members {
		k, raw := m.key, m.val
		if i, ok := si.byName[k]; ok {
			n := d.pushKey(k)
			err := d.decode(raw, v.Field(si.fields[i].index))
			d.pop(n)
			if err != nil {
				return err
			}
			continue
		}
		if known, ok := si.caseVariant(k); ok {
			n := d.pushKey(k)
			err := &DecodeError{Path: d.where(), Msg: fmt.Sprintf("%v: %q is not %q", ErrCaseVariantMember, k, known), Err: ErrCaseVariantMember}
			d.pop(n)
			return err
		}
		if si.extra < 0 {
			n := d.pushKey(k)
			err := d.errorf("unknown member")
			d.pop(n)
			return err
		}
		if extra == nil {
			extra = map[string]json.RawMessage{}
		}
		extra[k] = append(json.RawMessage(nil), d.bytes(raw)...)
	}
	if si.extra >= 0 {
		v.Field(si.extra).Set(reflect.ValueOf(extra))
	}
	return nil
}

// ---- encoding ----

type encoder struct {
	buf  []byte
	path []string
}

func (e *encoder) where() string { return "$" + strings.Join(e.path, "") }

func (e *encoder) errorf(err error, format string, args ...any) error {
	return &EncodeError{Path: e.where(), Msg: fmt.Sprintf(format, args...), Err: err}
}

// marshalValue is the entry point used by every MarshalJSON.
func marshalValue(v reflect.Value) ([]byte, error) {
	if !v.CanAddr() {
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		v = c
	}
	e := encoder{buf: make([]byte, 0, 1024)}
	if err := e.encode(v); err != nil {
		return nil, err
	}
	return e.buf, nil
}

func (e *encoder) encode(v reflect.Value) error {
	if v.CanAddr() {
		if se, ok := v.Addr().Interface().(shapeEncoder); ok {
			return se.encodeShape(e)
		}
	}
	switch t := v.Type(); {
	case t == numberType:
		s := v.String()
		if !validNumber(s) {
			return e.errorf(nil, "invalid number %q", s)
		}
		e.buf = append(e.buf, s...)
	case t == rawType:
		return e.appendRaw(v.Bytes())
	case t.Kind() == reflect.String:
		e.appendString(v.String())
	case t.Kind() == reflect.Bool:
		e.buf = strconv.AppendBool(e.buf, v.Bool())
	case t.Kind() == reflect.Pointer:
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		return e.encode(v.Elem())
	case t.Kind() == reflect.Struct:
		return e.encodeStruct(v)
	default:
		return e.errorf(nil, "unsupported Go type %s", t)
	}
	return nil
}

func isZeroField(v reflect.Value) bool {
	if z, ok := v.Interface().(interface{ IsZero() bool }); ok {
		return z.IsZero()
	}
	return v.IsZero()
}

func (e *encoder) encodeStruct(v reflect.Value) error {
	si := infoFor(v.Type())
	e.buf = append(e.buf, '{')
	n := 0
	member := func(name string) {
		if n > 0 {
			e.buf = append(e.buf, ',')
		}
		n++
		e.appendString(name)
		e.buf = append(e.buf, ':')
	}
	for _, f := range si.fields {
		fv := v.Field(f.index)
		if f.omit && isZeroField(fv) {
			continue
		}
		member(f.name)
		e.path = append(e.path, string(jsonx.AppendPathKey(nil, f.name)))
		err := e.encode(fv)
		e.path = e.path[:len(e.path)-1]
		if err != nil {
			return err
		}
	}
	if si.extra >= 0 {
		extra := v.Field(si.extra).Interface().(map[string]json.RawMessage)
		keys := make([]string, 0, len(extra))
		for k := range extra {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if known, ok := si.caseVariant(k); ok {
				return e.errorf(ErrShadowedMember, "%v: Extra key %q shadows %q", ErrShadowedMember, k, known)
			}
			if !utf8.ValidString(k) {
				return e.errorf(nil, "Extra key %q is not valid UTF-8", k)
			}
			member(k)
			e.path = append(e.path, string(jsonx.AppendPathKey(nil, k)))
			err := e.appendRaw(extra[k])
			e.path = e.path[:len(e.path)-1]
			if err != nil {
				return err
			}
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}

func (e *encoder) appendRaw(b json.RawMessage) error {
	if len(b) == 0 || !json.Valid(b) {
		return e.errorf(nil, "invalid raw JSON value")
	}
	if _, err := jsonx.Parse(b, nil); err != nil {
		return e.errorf(err, "raw JSON value: %v", err)
	}
	e.buf = append(e.buf, b...)
	return nil
}

func validNumber(s string) bool {
	if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return false
	}
	last := s[len(s)-1]
	if last < '0' || last > '9' {
		return false
	}
	return json.Valid([]byte(s))
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string. HTML characters are not escaped;
// invalid UTF-8 becomes U+FFFD (as encoding/json does).
func (e *encoder) appendString(s string) {
	b := append(e.buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	e.buf = append(b, '"')
}
