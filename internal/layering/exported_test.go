package layering

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/doc"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// listedPackage is what "go list -export -json" says of one package.
type listedPackage struct {
	ImportPath string
	Name       string
	Dir        string
	Export     string
	GoFiles    []string
	DepOnly    bool
}

// listPackages runs "go list -export -deps" over the module, offline,
// once per test binary, and returns every package it names (the module's
// and their dependencies).
func listPackages(t *testing.T) []listedPackage {
	t.Helper()
	pkgs, err := listOnce()
	if errors.Is(err, exec.ErrNotFound) {
		t.Skipf("no go command to list the packages: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

var listOnce = sync.OnceValues(func() ([]listedPackage, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return nil, err
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(goBin, "list", "-export", "-deps", "-json=ImportPath,Name,Dir,Export,GoFiles,DepOnly", "./...")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	// go test caches a result by the files the test opens: open the
	// module's package directories and source files, which the go list
	// subprocess read, so that a change to any of them runs the test again.
	for _, p := range pkgs {
		if p.DepOnly || !strings.HasPrefix(p.ImportPath, module) {
			continue
		}
		touch(p.Dir)
		for _, f := range p.GoFiles {
			touch(filepath.Join(p.Dir, f))
		}
	}
	return pkgs, nil
})

// touch opens and closes a file or directory.
func touch(path string) {
	if f, err := os.Open(path); err == nil {
		f.Close()
	}
}

// exportImporter returns an importer that reads the compiler's export
// data of the listed packages.
func exportImporter(fset *token.FileSet, pkgs []listedPackage) types.Importer {
	exports := map[string]string{}
	for _, p := range pkgs {
		if p.Export != "" {
			exports[p.ImportPath] = p.Export
		}
	}
	return importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %q", path)
		}
		return os.Open(f)
	})
}

// isPublic reports whether a package of the module is importable by users:
// not under internal/ and not a command.
func isPublic(p listedPackage) bool {
	if p.DepOnly || p.Name == "main" || len(p.GoFiles) == 0 || !(p.ImportPath == module || strings.HasPrefix(p.ImportPath, module+"/")) {
		return false // a command, a dependency, or a package of tests only (interop)
	}
	return !isInternalPath(p.ImportPath)
}

func isInternalPath(path string) bool {
	return strings.HasPrefix(path, "internal/") || strings.Contains(path, "/internal/") || strings.HasSuffix(path, "/internal")
}

// TestExportedAPIHidesInternalTypes fails when an exported function,
// method, type, field, variable or constant of a public package mentions a
// type declared in an internal/ package: callers outside the module could
// not name that type (nor pass anything but nil or a zero value for it).
func TestExportedAPIHidesInternalTypes(t *testing.T) {
	pkgs := listPackages(t)
	fset := token.NewFileSet()
	imp := exportImporter(fset, pkgs)
	checked := 0
	for _, p := range pkgs {
		if !isPublic(p) {
			continue
		}
		tp, err := imp.Import(p.ImportPath)
		if err != nil {
			t.Fatalf("import %s: %v", p.ImportPath, err)
		}
		checked++
		for _, leak := range internalLeaks(tp) {
			t.Errorf("%s: the exported API mentions an internal type: %s", p.ImportPath, leak)
		}
	}
	if checked < 5 {
		t.Fatalf("only %d public packages checked: the package listing is wrong", checked)
	}
}

// TestInternalLeaksFindsEveryExportedShape pins what the API check sees:
// parameters, results, fields (also promoted from an unexported embedded
// struct), methods, aliases, variables, generic arguments and interface
// methods; and what it leaves alone: unexported identifiers and fields.
func TestInternalLeaksFindsEveryExportedShape(t *testing.T) {
	pkgs := listPackages(t)
	fset := token.NewFileSet()
	imp := exportImporter(fset, pkgs)
	const src = `package p
import "` + module + `/internal/jsonx"
func Param(l *jsonx.Limits) {}
func Result() []jsonx.Limits { return nil }
type Field struct{ L map[string]jsonx.Limits }
type Method struct{}
func (*Method) M(func(jsonx.Limits)) {}
type Alias = jsonx.Limits
var Var *jsonx.SyntaxError
type embedded struct{ Promoted jsonx.Limits }
type Outer struct{ embedded }
type Generic[T any] struct{ V T }
type Inst = Generic[jsonx.Limits]
type Iface interface{ I() jsonx.Limits }
func unexported(jsonx.Limits) {}
type Hidden struct{ l jsonx.Limits }
func (Hidden) m(jsonx.Limits) {}
`
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := (&types.Config{Importer: imp}).Check("example.com/p", fset, []*ast.File{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range internalLeaks(pkg) {
		got = append(got, l[:strings.IndexByte(l, ' ')])
	}
	want := []string{"p.Alias", "p.Field.L", "p.Iface.I", "p.Inst", "p.Method.M", "p.Outer.Promoted", "p.Param", "p.Result", "p.Var"}
	if !slices.Equal(got, want) {
		t.Errorf("leaks found:\n got %q\nwant %q", got, want)
	}
}

// internalLeaks lists, sorted, the exported identifiers of pkg whose
// declared type mentions a type of an internal/ package.
func internalLeaks(pkg *types.Package) []string {
	var out []string
	report := func(where string, typ types.Type) {
		if n := findInternal(typ, map[types.Type]bool{}); n != "" {
			out = append(out, fmt.Sprintf("%s (%s)", where, n))
		}
	}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		qual := pkg.Name() + "." + name
		switch o := obj.(type) {
		case *types.Func, *types.Var, *types.Const:
			report(qual, o.Type())
		case *types.TypeName:
			if o.IsAlias() {
				report(qual, types.Unalias(o.Type()))
				continue
			}
			named, ok := o.Type().(*types.Named)
			if !ok {
				continue
			}
			if tp := named.TypeParams(); tp != nil {
				for i := 0; i < tp.Len(); i++ {
					report(qual+" type parameter "+tp.At(i).Obj().Name(), tp.At(i).Constraint())
				}
			}
			reportMembers(qual, named.Underlying(), report)
			for _, t := range []types.Type{named, types.NewPointer(named)} {
				ms := types.NewMethodSet(t)
				for i := 0; i < ms.Len(); i++ {
					m := ms.At(i).Obj()
					if m.Exported() {
						report(qual+"."+m.Name(), m.Type())
					}
				}
			}
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// reportMembers reports the exported fields of a struct (and those
// promoted from embedded fields) or the methods of an interface, or the
// type itself for any other underlying type.
func reportMembers(qual string, u types.Type, report func(string, types.Type)) {
	switch u := u.(type) {
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			f := u.Field(i)
			switch {
			case f.Exported():
				report(qual+"."+f.Name(), f.Type())
			case f.Embedded():
				// An unexported embedded type still promotes its exported
				// fields.
				et := f.Type()
				if p, ok := et.(*types.Pointer); ok {
					et = p.Elem()
				}
				if s, ok := et.Underlying().(*types.Struct); ok {
					reportMembers(qual, s, report)
				}
			}
		}
	case *types.Interface:
		for i := 0; i < u.NumMethods(); i++ {
			if m := u.Method(i); m.Exported() {
				report(qual+"."+m.Name(), m.Type())
			}
		}
	default:
		report(qual, u)
	}
}

// findInternal returns the name of an internal-package type that t
// mentions, or "". Named types of other packages are not entered: a public
// package's own named types are checked where they are declared, and
// third-party types are not ours.
func findInternal(t types.Type, seen map[types.Type]bool) string {
	if t == nil || seen[t] {
		return ""
	}
	seen[t] = true
	switch t := t.(type) {
	case *types.Alias:
		if o := t.Obj(); o.Pkg() != nil && isInternalPath(o.Pkg().Path()) {
			return o.Pkg().Path() + "." + o.Name()
		}
		return findInternal(types.Unalias(t), seen)
	case *types.Named:
		if o := t.Obj(); o.Pkg() != nil && isInternalPath(o.Pkg().Path()) {
			return o.Pkg().Path() + "." + o.Name()
		}
		if args := t.TypeArgs(); args != nil {
			for i := 0; i < args.Len(); i++ {
				if n := findInternal(args.At(i), seen); n != "" {
					return n
				}
			}
		}
		return ""
	case *types.Pointer:
		return findInternal(t.Elem(), seen)
	case *types.Slice:
		return findInternal(t.Elem(), seen)
	case *types.Array:
		return findInternal(t.Elem(), seen)
	case *types.Map:
		if n := findInternal(t.Key(), seen); n != "" {
			return n
		}
		return findInternal(t.Elem(), seen)
	case *types.Chan:
		return findInternal(t.Elem(), seen)
	case *types.Signature:
		if n := findInternal(t.Params(), seen); n != "" {
			return n
		}
		return findInternal(t.Results(), seen)
	case *types.Tuple:
		if t == nil {
			return ""
		}
		for i := 0; i < t.Len(); i++ {
			if n := findInternal(t.At(i).Type(), seen); n != "" {
				return n
			}
		}
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			if n := findInternal(t.Field(i).Type(), seen); n != "" {
				return n
			}
		}
	case *types.Interface:
		for i := 0; i < t.NumMethods(); i++ {
			if n := findInternal(t.Method(i).Type(), seen); n != "" {
				return n
			}
		}
		for i := 0; i < t.NumEmbeddeds(); i++ {
			if n := findInternal(t.EmbeddedType(i), seen); n != "" {
				return n
			}
		}
	case *types.Union:
		for i := 0; i < t.Len(); i++ {
			if n := findInternal(t.Term(i).Type(), seen); n != "" {
				return n
			}
		}
	case *types.TypeParam:
		return findInternal(t.Constraint(), seen)
	}
	return ""
}

// docLink matches a doc link to a package-qualified identifier: [pkg.Name],
// [*pkg.Name] or [pkg.Name.Method].
var docLink = regexp.MustCompile(`\[\*?([A-Za-z_][A-Za-z0-9_]*)\.[A-Za-z_][A-Za-z0-9_.]*\]`)

// TestExportedDocsLinkNoInternalIdentifier fails when the doc comment of a
// public package or of one of its exported identifiers links to an
// identifier of an internal/ package ("[jsonx.ErrDuplicateKey]"): a reader
// outside the module can neither follow the link nor use what it names.
func TestExportedDocsLinkNoInternalIdentifier(t *testing.T) {
	for _, p := range listPackages(t) {
		if !isPublic(p) {
			continue
		}
		fset := token.NewFileSet()
		var files []*ast.File
		internalNames := map[string]string{} // local name -> internal import path
		for _, name := range p.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
			for _, im := range f.Imports {
				path, _ := strconv.Unquote(im.Path.Value)
				if !isInternalPath(path) {
					continue
				}
				local := path[strings.LastIndexByte(path, '/')+1:]
				if im.Name != nil {
					local = im.Name.Name
				}
				internalNames[local] = path
			}
		}
		if len(internalNames) == 0 {
			continue
		}
		dp, err := doc.NewFromFiles(fset, files, p.ImportPath)
		if err != nil {
			t.Fatal(err)
		}
		check := func(where, text string) {
			for _, m := range docLink.FindAllStringSubmatch(text, -1) {
				if path, ok := internalNames[m[1]]; ok {
					t.Errorf("%s: the doc of %s links to %s, in the internal package %s", p.ImportPath, where, m[0], path)
				}
			}
		}
		check("the package", dp.Doc)
		values := func(vs []*doc.Value) {
			for _, v := range vs {
				check(strings.Join(v.Names, ", "), v.Doc)
			}
		}
		funcs := func(fs []*doc.Func) {
			for _, f := range fs {
				name := f.Name
				if f.Recv != "" {
					name = "(" + f.Recv + ")." + f.Name
				}
				check(name, f.Doc)
			}
		}
		values(dp.Consts)
		values(dp.Vars)
		funcs(dp.Funcs)
		for _, ty := range dp.Types {
			check(ty.Name, ty.Doc)
			values(ty.Consts)
			values(ty.Vars)
			funcs(ty.Funcs)
			funcs(ty.Methods)
			// Field and method comments inside the type declaration.
			ast.Inspect(ty.Decl, func(n ast.Node) bool {
				if f, ok := n.(*ast.Field); ok && f.Doc != nil {
					if len(f.Names) == 0 || f.Names[0].IsExported() {
						check(ty.Name+" field", f.Doc.Text())
					}
				}
				return true
			})
		}
	}
}
