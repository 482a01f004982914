package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/openbadges-go/openbadges/badge"
	"github.com/openbadges-go/openbadges/internal/jsonx"
)

// maxBatchLine bounds a line of a batch input file.
const maxBatchLine = 64 << 10

// errLineTooLong stops reading a batch input file.
var errLineTooLong = fmt.Errorf("line longer than %d bytes", maxBatchLine)

// columnKind is what a CSV column or JSON Lines member holds.
type columnKind int

const (
	colID         columnKind = iota + 1 // credentialSubject.id (a DID or URL)
	colEmail                            // e-mail address (hashed with --hash-email)
	colIdentifier                       // another identifier, in plain text
)

type column struct {
	kind  columnKind
	typ   badge.IdentifierType // for colIdentifier
	label string               // as named in the input
}

// batchColumn maps a column name to what it holds. Names are matched
// without case, spaces, '_' and '-': "did", "id", "url" or "subject id" for
// the subject id; "email" or "email address"; "name"; "student id" or
// "student number" (written as ext:studentId); any Open Badges identifier
// type ("sourcedId", "userName", ...); and "ext:..." extension types, kept
// as given.
func batchColumn(name string) (column, error) {
	label := strings.TrimSpace(strings.TrimPrefix(name, "\ufeff"))
	if strings.HasPrefix(label, "ext:") && len(label) > 4 {
		return column{kind: colIdentifier, typ: badge.IdentifierType(label), label: label}, nil
	}
	n := strings.NewReplacer(" ", "", "_", "", "-", "").Replace(strings.ToLower(label))
	switch n {
	case "did", "id", "url", "subjectid", "recipientid":
		return column{kind: colID, label: label}, nil
	case "email", "emailaddress", "mail":
		return column{kind: colEmail, typ: badge.IdentifierTypeEmailAddress, label: label}, nil
	case "name", "fullname":
		return column{kind: colIdentifier, typ: badge.IdentifierTypeName, label: label}, nil
	case "studentid", "studentnumber":
		return column{kind: colIdentifier, typ: "ext:studentId", label: label}, nil
	}
	for _, t := range identifierTypes {
		if strings.ToLower(string(t)) == n {
			return column{kind: colIdentifier, typ: t, label: label}, nil
		}
	}
	return column{}, fmt.Errorf("unknown column %q (want did, email, name, student id, an identifier type or ext:...)", label)
}

var identifierTypes = []badge.IdentifierType{
	badge.IdentifierTypeSourcedId, badge.IdentifierTypeSystemId, badge.IdentifierTypeProductId,
	badge.IdentifierTypeUserName, badge.IdentifierTypeAccountId, badge.IdentifierTypeNationalIdentityNumber,
	badge.IdentifierTypeIsbn, badge.IdentifierTypeIssn, badge.IdentifierTypeLisSourcedId,
	badge.IdentifierTypeOneRosterSourcedId, badge.IdentifierTypeSisSourcedId, badge.IdentifierTypeLtiContextId,
	badge.IdentifierTypeLtiDeploymentId, badge.IdentifierTypeLtiToolId, badge.IdentifierTypeLtiPlatformId,
	badge.IdentifierTypeLtiUserId, badge.IdentifierTypeIdentifier,
}

// batchRow is one input row as column values.
type batchRow struct {
	line   int
	values map[columnKind][]field
}

type field struct {
	col   column
	value string
}

// item turns a row into a batch item. The subject id is the DID column;
// the primary identifier is the e-mail address, else the first other
// identifier that is not a name; the rest are further identifiers. A row
// with neither an id nor such an identifier names no recipient.
func (r *batchRow) item(hashEmail bool) badge.BatchItem {
	it := badge.BatchItem{Row: r.line}
	var ids []badge.Recipient
	for _, f := range r.values[colID] {
		it.Recipient.ID = f.value
	}
	for _, f := range r.values[colEmail] {
		ids = append(ids, badge.RecipientIdentifier(badge.IdentifierTypeEmailAddress, f.value, hashEmail))
	}
	for _, f := range r.values[colIdentifier] {
		ids = append(ids, badge.RecipientIdentifier(f.col.typ, f.value, false))
	}
	primary := -1
	for n, id := range ids {
		if id.IdentityType != badge.IdentifierTypeName {
			primary = n
			break
		}
	}
	if primary < 0 && it.Recipient.ID == "" {
		it.Err = fmt.Errorf("%w: no did, e-mail address or identifier", badge.ErrNoRecipient)
		return it
	}
	if primary >= 0 {
		p := ids[primary]
		it.Recipient.IdentityType, it.Recipient.Identity, it.Recipient.Hashed = p.IdentityType, p.Identity, p.Hashed
		ids = append(ids[:primary], ids[primary+1:]...)
	}
	it.Identifiers = ids
	return it
}

// describeRecipient names an item's recipient for the manifest, never
// with a hashed e-mail address in clear.
//
// A hashed recipient is named by a digest keyed with the batch's
// RecipientKey (HMAC-SHA-256 of the normalized identity): equal for the
// same learner, and no easier to reverse than the credential's own salted
// hash, which sits beside the manifest. Without a key (a batch begun by an
// earlier version) it is "(hashed)", and a change cannot be seen.
func describeRecipient(it badge.BatchItem, key []byte) string {
	r := it.Recipient
	switch {
	case r.ID != "":
		return r.ID
	case r.Identity == "":
		return ""
	case r.Hashed && len(key) == 0:
		return string(r.IdentityType) + ":(hashed)"
	case r.Hashed:
		m := hmac.New(sha256.New, key)
		m.Write([]byte(string(r.IdentityType) + "\x00" + badge.NormalizeIdentifier(r.IdentityType, r.Identity)))
		return string(r.IdentityType) + ":(hashed " + hex.EncodeToString(m.Sum(nil)[:16]) + ")"
	}
	return string(r.IdentityType) + ":" + r.Identity
}

// inputUnchanged refuses to resume a batch whose input no longer names, on
// a row the manifest has a reservation for, the learner it was reserved
// (or issued) for: rows inserted, removed or reordered would make the run
// skip learners and issue others twice. Nothing is issued then.
func inputUnchanged(in *batchInput, store batchStore, key []byte) error {
	var changed []string
	n := 0
	for it := range in.rows() {
		m, ok := store.record(it.Row)
		if !ok || m.ID == "" || m.Recipient == "" || it.Err != nil {
			continue
		}
		if got := describeRecipient(it, key); got != m.Recipient {
			n++
			if len(changed) < 5 {
				changed = append(changed, fmt.Sprintf("row %d was %s, now %s", it.Row, m.Recipient, got))
			}
		}
	}
	if in.err != nil {
		return in.err
	}
	if n == 0 {
		return nil
	}
	return fmt.Errorf("the input changed since the batch began: %d rows name another learner than the manifest (%s); restore the input, or issue the new rows with another -o",
		n, strings.Join(changed, "; "))
}

// batchInput reads the rows of a CSV or JSON Lines file, one at a time.
type batchInput struct {
	path      string
	jsonl     bool
	hashEmail bool
	err       error // a fatal read error, set when rows stops early
}

func newBatchInput(path string, hashEmail bool) (*batchInput, error) {
	in := &batchInput{path: path, hashEmail: hashEmail}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
	case ".jsonl", ".ndjson":
		in.jsonl = true
	default:
		return nil, fmt.Errorf("--batch %s: want a .csv or .jsonl file", path)
	}
	return in, nil
}

// lineLimit fails a read once a line exceeds maxBatchLine bytes.
type lineLimit struct {
	r   io.Reader
	run int
}

func (l *lineLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, c := range p[:n] {
		if c == '\n' {
			l.run = 0
		} else if l.run++; l.run > maxBatchLine {
			return 0, errLineTooLong
		}
	}
	return n, err
}

// count returns the number of data rows (CSV records after the header, or
// non-blank lines), for progress. A file that cannot be read gives the
// error; malformed rows are counted, not judged.
func (in *batchInput) count() (int, error) {
	f, err := os.Open(in.path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	if in.jsonl {
		s := bufio.NewScanner(f)
		s.Buffer(make([]byte, 0, 64<<10), maxBatchLine+1)
		for s.Scan() {
			if len(bytes.TrimSpace(s.Bytes())) > 0 {
				n++
			}
		}
		return n, s.Err()
	}
	cr := csv.NewReader(&lineLimit{r: f})
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	for {
		_, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			return 0, err
		}
		n++
	}
	return max(n-1, 0), nil
}

// rows returns the items of the file. A row that cannot be read is an
// item with Err set; a failure that stops reading (I/O, a line too long, a
// bad header) ends the sequence and is left in in.err.
func (in *batchInput) rows() iter.Seq[badge.BatchItem] {
	return func(yield func(badge.BatchItem) bool) {
		f, err := os.Open(in.path)
		if err != nil {
			in.err = err
			return
		}
		defer f.Close()
		if in.jsonl {
			in.err = in.jsonRows(f, yield)
		} else {
			in.err = in.csvRows(f, yield)
		}
	}
}

func (in *batchInput) csvRows(f io.Reader, yield func(badge.BatchItem) bool) error {
	cr := csv.NewReader(&lineLimit{r: f})
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return fmt.Errorf("%s: empty file (want a header row naming the columns)", in.path)
		}
		return fmt.Errorf("%s: header row: %w", in.path, err)
	}
	cols := make([]column, len(header))
	seen := map[string]bool{}
	var recipient bool
	for i, h := range header {
		if !utf8.ValidString(h) {
			return fmt.Errorf("%s: header row: column %d is not UTF-8", in.path, i+1)
		}
		c, err := batchColumn(h)
		if err != nil {
			return fmt.Errorf("%s: header row: %w", in.path, err)
		}
		key := fmt.Sprint(c.kind, c.typ)
		if seen[key] {
			return fmt.Errorf("%s: header row: column %q given twice", in.path, c.label)
		}
		seen[key] = true
		recipient = recipient || c.typ != badge.IdentifierTypeName
		cols[i] = c
	}
	if !recipient {
		return fmt.Errorf("%s: header row: no recipient column (did, email, student id, ...)", in.path)
	}
	cr.FieldsPerRecord = len(header)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			return fmt.Errorf("%s: %w", in.path, err)
		}
		var it badge.BatchItem
		switch {
		case errors.Is(err, csv.ErrFieldCount):
			line, _ := cr.FieldPos(0)
			it = badge.BatchItem{Row: line, Err: fmt.Errorf("%d columns, the header has %d", len(rec), len(header))}
		case err != nil:
			it = badge.BatchItem{Row: pe.StartLine, Err: fmt.Errorf("malformed CSV: %v", pe.Err)}
		default:
			line, _ := cr.FieldPos(0)
			it = in.csvItem(line, cols, rec)
		}
		if !yield(it) {
			return nil
		}
	}
}

func (in *batchInput) csvItem(line int, cols []column, rec []string) badge.BatchItem {
	row := batchRow{line: line, values: map[columnKind][]field{}}
	for i, v := range rec {
		if !utf8.ValidString(v) {
			return badge.BatchItem{Row: line, Err: fmt.Errorf("column %q is not valid UTF-8", cols[i].label)}
		}
		if v = strings.TrimSpace(v); v != "" {
			row.values[cols[i].kind] = append(row.values[cols[i].kind], field{cols[i], v})
		}
	}
	return row.item(in.hashEmail)
}

func (in *batchInput) jsonRows(f io.Reader, yield func(badge.BatchItem) bool) error {
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 0, 64<<10), maxBatchLine)
	line := 0
	for s.Scan() {
		line++
		b := bytes.TrimSpace(s.Bytes())
		if len(b) == 0 {
			continue
		}
		if !yield(in.jsonItem(line, b)) {
			return nil
		}
	}
	if errors.Is(s.Err(), bufio.ErrTooLong) {
		return fmt.Errorf("%s: line %d: %w", in.path, line+1, errLineTooLong)
	}
	if s.Err() != nil {
		return fmt.Errorf("%s: %w", in.path, s.Err())
	}
	return nil
}

// jsonItem reads one JSON Lines row: a JSON object (read strictly: no
// duplicate members, valid UTF-8) whose members are column names with
// string values.
func (in *batchInput) jsonItem(line int, b []byte) badge.BatchItem {
	bad := func(format string, args ...any) badge.BatchItem {
		return badge.BatchItem{Row: line, Err: fmt.Errorf(format, args...)}
	}
	v, err := jsonx.Parse(b, nil)
	if err != nil {
		return bad("malformed JSON: %v", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return bad("not a JSON object")
	}
	row := batchRow{line: line, values: map[columnKind][]field{}}
	seen := map[string]string{}
	for k, val := range obj {
		c, err := batchColumn(k)
		if err != nil {
			return bad("%v", err)
		}
		key := fmt.Sprint(c.kind, c.typ)
		if prev, dup := seen[key]; dup {
			return bad("members %q and %q name the same column", prev, k)
		}
		seen[key] = k
		s, ok := val.(string)
		if !ok {
			if val == nil {
				continue
			}
			return bad("member %q is not a string", k)
		}
		if s = strings.TrimSpace(s); s != "" {
			row.values[c.kind] = append(row.values[c.kind], field{c, s})
		}
	}
	// Map order is random: order identifiers by type for a stable result.
	slices.SortFunc(row.values[colIdentifier], func(a, b field) int { return strings.Compare(string(a.col.typ), string(b.col.typ)) })
	return row.item(in.hashEmail)
}
