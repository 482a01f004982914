package server_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbadges-go/openbadges/server"
)

// TestEveryHandlerConstructorReturnsAnError pins the package's convention:
// every exported New...Handler returns (http.Handler, error).
func TestEveryHandlerConstructorReturnsAnError(t *testing.T) {
	pkgs, err := parser.ParseDir(token.NewFileSet(), ".", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	require.NoError(t, err)
	n := 0
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || fn.Recv != nil || !fn.Name.IsExported() || !strings.HasPrefix(fn.Name.Name, "New") || !strings.HasSuffix(fn.Name.Name, "Handler") {
					continue
				}
				n++
				res := fn.Type.Results
				require.NotNil(t, res, fn.Name.Name)
				require.Len(t, res.List, 2, "%s returns (http.Handler, error)", fn.Name.Name)
				assert.Equal(t, "http.Handler", exprString(res.List[0].Type), fn.Name.Name)
				assert.Equal(t, "error", exprString(res.List[1].Type), fn.Name.Name)
			}
		}
	}
	assert.GreaterOrEqual(t, n, 8)
}

func exprString(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return exprString(x.X) + "." + x.Sel.Name
	}
	return ""
}

func TestHandlerConstructorsRefuseBadInput(t *testing.T) {
	_, err := server.NewPageHandler("https://elsewhere.example/verify")
	assert.Error(t, err, "the page posts to its own server")
	_, err = server.NewPageHandler("verify")
	assert.NoError(t, err)
	_, err = server.NewDocumentHandler([]byte("{}"), "", 0)
	assert.Error(t, err)
	_, err = server.NewDocumentHandler([]byte("{}"), "application/json", -1)
	assert.Error(t, err)
}
