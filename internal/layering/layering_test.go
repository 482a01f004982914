package layering

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/openbadges-go/openbadges"

// layers ranks the public packages: a package may import only packages of
// a lower rank, or of its own rank among the families (rank 5), where Go
// already forbids cycles. internal/ packages may be imported by anyone and
// import nothing public.
var layers = map[string]int{
	"did":              0,
	"vc":               1,
	"proof":            2,
	"status":           3,
	"badge":            4,
	"store":            4,
	"badge/clr":        5,
	"badge/ob2":        5,
	"pathway":          5,
	"presentation":     5,
	"learner":          5,
	"delivery":         6,
	"server":           7,
	"cmd/openbadges":   8,
	"examples/issue":   9,
	"examples/verify":  9,
	"examples/pathway": 9,
}

// TestImportLayering fails when a non-test file imports against the
// layering, or when a package is missing from the table.
func TestImportLayering(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	imports := map[string]map[string]bool{} // package -> imported packages of ours
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		if imports[pkg] == nil {
			imports[pkg] = map[string]bool{}
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if p == module || strings.HasPrefix(p, module+"/") {
				imports[pkg][strings.TrimPrefix(strings.TrimPrefix(p, module), "/")] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	pkgs := make([]string, 0, len(imports))
	for p := range imports {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		internal := strings.HasPrefix(p, "internal/")
		rank, known := layers[p]
		if !internal && !known {
			t.Errorf("package %s is not in the layering table", p)
			continue
		}
		for im := range imports[p] {
			if strings.HasPrefix(im, "internal/") {
				continue
			}
			if internal {
				t.Errorf("%s (internal) imports the public package %s", p, im)
				continue
			}
			r, ok := layers[im]
			switch {
			case !ok:
				t.Errorf("%s imports %s, which is not in the layering table", p, im)
			case r > rank, r == rank && rank != 5:
				t.Errorf("%s imports %s: against the layering did <- vc <- proof <- status <- badge <- families <- server <- cmd", p, im)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("not the module root: %v", err)
	}
}
