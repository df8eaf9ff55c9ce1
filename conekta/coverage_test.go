package conekta

import (
	"bufio"
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// coverageSpecPath is where Conekta's official OpenAPI file sits: shared/specs
// beside the repository, found by walking up from this package.
const coverageSpecPath = "shared/specs/conekta/api.yaml"

// uncallable names the operations pagos deliberately has no method for,
// each with the spec's reason. The test checks that the spec still says so.
func uncallable() map[string]string {
	// The spec marks the singular /customers/{id}/subscription routes
	// "DEPRECATED: This endpoint will be removed in version 2.3.0." The
	// /customers/{customer_id}/subscriptions routes replace them.
	const deprecated = "deprecated in the spec; /customers/{customer_id}/subscriptions replaces it"
	return map[string]string{
		"getSubscription":       deprecated,
		"createSubscription":    deprecated,
		"updateSubscription":    deprecated,
		"cancelSubscription":    deprecated,
		"getSubscriptionEvents": deprecated,
		"pauseSubscription":     deprecated,
		"resumeSubscription":    deprecated,
	}
}

// specOperation is one operation of the OpenAPI file.
type specOperation struct {
	ID, Method, Path, Tag string
	Deprecated            bool
}

// specOperations reads the operations of Conekta's OpenAPI file with a line
// scan of its paths section (the file's layout is fixed: paths at two
// spaces, methods at four, an operation's keys at six), so the root module
// needs no YAML dependency.
func specOperations(t *testing.T) []specOperation {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	var raw []byte
	for d := dir; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, coverageSpecPath)); err == nil {
			raw = b
			break
		}
		if d == filepath.Dir(d) {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not found in %s or any directory above it; the coverage check needs it", coverageSpecPath, dir)
			}
			t.Skipf("skipping the coverage check: %s not found in %s or any directory above it", coverageSpecPath, dir)
		}
	}
	var (
		ops     []specOperation
		cur     *specOperation
		path    string
		inPaths bool
		inTags  bool
	)
	methodLine := regexp.MustCompile(`^    (get|put|post|delete|patch):$`)
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "paths:":
			inPaths = true
			continue
		case len(line) > 0 && line[0] != ' ':
			inPaths = false // another top-level section
			continue
		case !inPaths:
			continue
		}
		if inTags {
			if tag, ok := strings.CutPrefix(line, "      - "); ok && cur != nil && cur.Tag == "" {
				cur.Tag = strings.Trim(tag, `"`)
				continue
			}
			inTags = false
		}
		switch {
		case strings.HasPrefix(line, "  /") && strings.HasSuffix(line, ":"):
			path = strings.TrimSuffix(strings.TrimSpace(line), ":")
			cur = nil
		case methodLine.MatchString(line):
			ops = append(ops, specOperation{Method: strings.ToUpper(strings.Trim(line, " :")), Path: path})
			cur = &ops[len(ops)-1]
		case cur == nil:
		case strings.HasPrefix(line, "      operationId: "):
			cur.ID = strings.Trim(strings.TrimPrefix(line, "      operationId: "), `"`)
		case line == "      deprecated: true":
			cur.Deprecated = true
		case line == "      tags:":
			inTags = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		if op.ID == "" || op.Tag == "" {
			t.Fatalf("the line scan of the spec found %s %s without an operationId or a tag; has the file's layout changed?", op.Method, op.Path)
		}
	}
	if len(ops) < 100 {
		t.Fatalf("the line scan of the spec found %d operations; has the file's layout changed?", len(ops))
	}
	return ops
}

// documentedOperations maps each operationId named in a doc comment of this
// package's methods to the methods naming it.
func documentedOperations(t *testing.T) map[string][]string {
	t.Helper()
	// apiTag is the doc comment line that names a method's operation.
	apiTag := regexp.MustCompile(`^// Conekta API: ([A-Za-z0-9_]+)\.$`)
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	named := map[string][]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		// Look at every comment, not only doc comments of methods, so a tag
		// in the wrong place is reported instead of silently ignored.
		docs := map[*ast.CommentGroup]string{}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Doc != nil && fd.Recv != nil && len(fd.Recv.List) == 1 {
				docs[fd.Doc] = recvName(fd.Recv.List[0].Type) + "." + fd.Name.Name
			}
		}
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if !strings.HasPrefix(strings.TrimLeft(strings.TrimPrefix(c.Text, "//"), " \t"), "Conekta API:") {
					continue
				}
				m := apiTag.FindStringSubmatch(c.Text)
				method, ok := docs[cg]
				if m == nil || !ok {
					t.Errorf("%s: %q: write the tag as \"// Conekta API: <operationId>.\" on a line of its own in a method's doc comment", fset.Position(c.Pos()), c.Text)
					continue
				}
				named[m[1]] = append(named[m[1]], method)
			}
		}
	}
	return named
}

func recvName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return recvName(e.X)
	case *ast.Ident:
		return e.Name
	case *ast.IndexExpr:
		return recvName(e.X)
	}
	return "?"
}

// TestEveryOperationHasAMethod reads Conekta's OpenAPI file and checks that
// every operationId is named by a method's doc comment (or listed in
// uncallable with the spec's reason), and that every name in a doc comment is
// an operationId of the file.
func TestEveryOperationHasAMethod(t *testing.T) {
	t.Parallel()
	ops := specOperations(t)
	named := documentedOperations(t)
	excused := uncallable()

	inSpec := map[string]specOperation{}
	for _, op := range ops {
		inSpec[op.ID] = op
	}
	for id, methods := range named {
		if _, ok := inSpec[id]; !ok {
			t.Errorf("%s name operationId %q, which Conekta's OpenAPI file does not have (the spelling must match exactly)", strings.Join(methods, ", "), id)
		}
	}
	for id, reason := range excused {
		op, ok := inSpec[id]
		if !ok {
			t.Errorf("uncallable names %q, which the spec does not have", id)
		} else if strings.HasPrefix(reason, "deprecated") && !op.Deprecated {
			t.Errorf("uncallable says %q is deprecated, but the spec no longer marks it so", id)
		}
	}
	done := 0
	for _, op := range ops {
		_, has := named[op.ID]
		_, skip := excused[op.ID]
		if has || skip {
			done++
			continue
		}
		t.Errorf("%s %s (operationId %s, tag %s) has no method: add one whose doc comment says \"// Conekta API: %s.\"", op.Method, op.Path, op.ID, op.Tag, op.ID)
	}
	t.Logf("coverage: %d of %d operations have a method or a reason (%d uncallable)", done, len(ops), len(excused))
}
