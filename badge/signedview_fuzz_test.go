package badge_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// FuzzSignedViewNeverAccepts takes a signed Data Integrity credential that
// must fail (revoked, expired, not yet valid, expired proof, proof created
// in the future, unknown schema, expired endorsement; see
// signedview_test.go) and rewrites its JSON as the fuzz input says:
// members renamed to their IRIs, compact IRIs or inline aliases, wrapped
// in arrays, value objects, @set, @nest or index maps, moved into other
// objects with the same id, keywords aliased, contexts embedded at any
// level. Whatever the rewrite, the credential must never verify: either
// the signed graph changed (the proof fails) or it did not (and the
// credential is still revoked, expired, ...). The seeds run in go test.
func FuzzSignedViewNeverAccepts(f *testing.F) {
	fx, err := svFixtureOnce()
	if err != nil {
		f.Fatal(err)
	}
	bases := svFuzzBases(fx)
	// seed returns the input that applies spelling to member of the base
	// of kind and suite, found by name so that the seeds follow the tables.
	seed := func(kind svKind, suite string, ops ...string) []byte {
		var in []byte
		for i, b := range bases {
			if b.kind == kind && b.suite == suite {
				in = append(in, byte(i))
			}
		}
		if len(in) != 1 {
			f.Fatalf("no base %s %s", kind, suite)
		}
		for i := 0; i+1 < len(ops); i += 2 {
			mi, si := -1, -1
			for j, m := range svFuzzMembers {
				if m.name == ops[i] {
					mi = j
				}
			}
			for j, sp := range svSpellings {
				if sp.name == ops[i+1] {
					si = j
				}
			}
			if mi < 0 || si < 0 {
				f.Fatalf("no member %q or spelling %q", ops[i], ops[i+1])
			}
			in = append(in, 0, byte(mi), byte(si))
		}
		return in
	}
	const ed, ec, ed11 = "eddsa-rdfc-2022", "ecdsa-rdfc-2019", "eddsa-rdfc-2022-vc1.1"
	for _, s := range [][]byte{
		seed(svRevoked, ed, "credentialStatus", "absolute-iri-key"),
		seed(svRevoked, ed, "credentialStatus", "nest"),
		seed(svRevoked, ec, "credentialStatus", "reverse"),
		seed(svRevoked, ed11, "credentialStatus", "compact-iri-context-prefix"),
		seed(svRevoked, ed, "credentialStatus.statusPurpose", "inline-context-alias", "credentialStatus.statusListIndex", "nest"),
		seed(svExpired, ed, "validUntil", "absolute-iri-key"),
		seed(svExpired, ed, "validUntil", "inline-context-alias"),
		seed(svExpired, ec, "validUntil", "node-merge-vocab"),
		seed(svExpired, ed11, "expirationDate", "node-merge"),
		seed(svNotYetValid, ed, "validFrom", "type-scoped-alias"),
		seed(svProofExpired, ed, "proof.expires", "absolute-iri-key"),
		seed(svProofExpired, ec, "proof.expires", "blank-node-split"),
		seed(svProofFuture, ed, "proof.created", "compact-iri-inline-prefix"),
		seed(svUnknownSchema, ed, "credentialSchema", "inline-context-alias"),
		seed(svBadEndorsement, ed, "achievement.endorsement", "node-merge-absolute-iri"),
		// Generic rewrites and context changes chosen by arbitrary bytes.
		{0, 1, 3, 5, 2, 4, 0},
		{1, 2, 1, 3, 1, 9, 9},
		[]byte("credentialStatus hidden in plain sight"),
		[]byte("\x01\x03\x02\x05\x01\x00\x07\x00\x00\x04\x11"),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := &svFuzzReader{in: in}
		b := bases[int(r.byte())%len(bases)]
		d := newSVDoc(b)
		var log []string
		for i := 0; i < 6 && r.more(); i++ {
			if s := svFuzzOp(d, r); s != "" {
				log = append(log, s)
			}
		}
		data, err := json.Marshal(d.m)
		if err != nil {
			return
		}
		res, err := fx.verifier.Verify(context.Background(), data)
		if res == nil {
			t.Fatal("no result")
		}
		if err == nil || res.Verified {
			t.Fatalf("a %s credential (%s) verified after %s:\n%s\n%s", b.kind, b.suite, strings.Join(log, "; "), data, svReport(res))
		}
	})
}

// svFuzzBases are the Data Integrity credentials that must fail (a JWT
// rewritten and re-signed is another credential, so JWTs are left out).
func svFuzzBases(fx *svFixture) []*svBase {
	var out []*svBase
	for _, b := range fx.bases {
		if b.kind != svValid && !b.isJWT() {
			if err := b.prepare(fx.verifier); err != nil {
				panic(err)
			}
			out = append(out, b)
		}
	}
	return out
}

type svFuzzReader struct {
	in []byte
	i  int
}

func (r *svFuzzReader) more() bool { return r.i < len(r.in) }

func (r *svFuzzReader) byte() byte {
	if r.i >= len(r.in) {
		return 0
	}
	r.i++
	return r.in[r.i-1]
}

// svFuzzMembers is every member the corpus knows.
var svFuzzMembers = []svMember{
	svMStatus, svMStatusType, svMPurpose, svMIndex, svMList,
	svMValidUntil, svMValidFrom, svMExpiration, svMIssuance,
	svMExpires, svMCreated, svMSchema, svMEndorsement,
	svMID, svMType, svMIssuer, svMSubject, svMProof, svMProofType, svMSuite, svMVM, svMPurposeP, svMStatusID,
}

// svFuzzOp applies one rewrite chosen by the input and describes it.
func svFuzzOp(d *svDoc, r *svFuzzReader) string {
	switch r.byte() % 3 {
	case 0: // a spelling of the corpus on a known member
		m := svFuzzMembers[int(r.byte())%len(svFuzzMembers)]
		sp := svSpellings[int(r.byte())%len(svSpellings)]
		o := d.obj(m.loc)
		if o == nil {
			return ""
		}
		v, ok := o[m.key]
		if !ok || !sp.apply(d, m, o, v) {
			return ""
		}
		return m.name + " " + sp.name
	case 1: // a generic rewrite of any member of any object
		objs := svFuzzObjects(d.m, nil)
		o := objs[int(r.byte())%len(objs)]
		keys := make([]string, 0, len(o))
		for k := range o {
			keys = append(keys, k)
		}
		if len(keys) == 0 {
			return ""
		}
		sort.Strings(keys)
		k := keys[int(r.byte())%len(keys)]
		return svFuzzGeneric(d, o, k, r.byte())
	default: // a context change
		switch r.byte() % 5 {
		case 0:
			d.addContext(map[string]any{"@vocab": "https://www.w3.org/2018/credentials#"})
			return "@vocab credentials"
		case 1:
			d.addContext(map[string]any{"@vocab": "https://w3id.org/security#"})
			return "@vocab security"
		case 2:
			d.addContext(map[string]any{"@base": "https://college.example.edu/status/"})
			return "@base"
		case 3:
			d.addContext(map[string]any{"svKwID": "@id", "svKwType": "@type", "svKwNest": "@nest", "svKwIncluded": "@included"})
			return "keyword aliases"
		default:
			d.addContext(map[string]any{"cred": "https://www.w3.org/2018/credentials#", "sec": "https://w3id.org/security#", "st": "https://www.w3.org/ns/credentials/status#"})
			return "prefixes"
		}
	}
}

// svFuzzObjects lists every JSON object in v (v itself first).
func svFuzzObjects(v any, out []map[string]any) []map[string]any {
	switch x := v.(type) {
	case map[string]any:
		out = append(out, x)
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out = svFuzzObjects(x[k], out)
		}
	case []any:
		for _, e := range x {
			out = svFuzzObjects(e, out)
		}
	}
	return out
}

// svFuzzIRIs maps the keys of the credentials to IRIs, for renames.
var svFuzzIRIs = func() map[string]string {
	m := map[string]string{}
	for _, mem := range svFuzzMembers {
		if !mem.keyword() {
			m[mem.key] = mem.iri
		}
	}
	return m
}()

func svFuzzGeneric(d *svDoc, o map[string]any, k string, op byte) string {
	v := o[k]
	what := fmt.Sprintf("%q", k)
	switch op % 12 {
	case 0:
		o[k] = []any{v}
		return what + " in an array"
	case 1:
		o[k] = map[string]any{"@set": svList(v)}
		return what + " in @set"
	case 2:
		d.addContext(map[string]any{"svNest": "@nest"})
		delete(o, k)
		o["svNest"] = map[string]any{k: v}
		return what + " nested"
	case 3:
		if k == "id" || k == "type" {
			delete(o, k)
			o["@"+k] = v
			return what + " as raw keyword"
		}
		return ""
	case 4:
		iri, ok := svFuzzIRIs[k]
		if !ok {
			return ""
		}
		delete(o, k)
		o[iri] = v
		return what + " under its IRI, value as is"
	case 5:
		s, ok := v.(string)
		if !ok {
			return ""
		}
		o[k] = map[string]any{"@value": s}
		return what + " as a value object"
	case 6:
		s, ok := v.(string)
		if !ok {
			return ""
		}
		o[k] = map[string]any{"@id": s}
		return what + " as a node reference"
	case 7: // move to another object with the same id
		id, ok := o["id"].(string)
		if !ok || k == "id" {
			return ""
		}
		n := map[string]any{"id": id, k: v}
		if t, ok := o["type"]; ok && k != "type" {
			n["type"] = svClone(t)
		}
		delete(o, k)
		d.m["@included"] = append(svListOrNil(d.m["@included"]), n)
		return what + " moved to a node with the same id"
	case 8:
		o[k] = nil
		return what + " null"
	case 9: // an inline alias of the key
		iri, ok := svFuzzIRIs[k]
		if !ok {
			return ""
		}
		d.addContext(map[string]any{"svGenAlias": iri})
		delete(o, k)
		o["svGenAlias"] = v
		return what + " aliased (no coercion)"
	case 10:
		if o["@context"] != nil {
			return ""
		}
		o["@context"] = map[string]any{"svLocal": "@nest"}
		delete(o, k)
		o["svLocal"] = map[string]any{k: v}
		return what + " nested by a local context"
	default:
		o[k] = []any{v, svClone(v)}
		return what + " twice"
	}
}
